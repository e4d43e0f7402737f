"""The CLI contract: ask/quote in text and JSON, batch stdin, validate and chat."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import chat, main
from bot.engine import Engine
from tests.conftest import KnowledgeDir

PROJECT = Path(__file__).resolve().parents[2]
ASK_KEYS = {
    "question",
    "outcome",
    "matched",
    "entry_id",
    "score",
    "answer",
    "not_said",
    "quotes",
    "suggestions",
}


def run_cli(
    *args: str, stdin: str | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot` as a user would, from any directory."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd or PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT), **(env or {})},
        timeout=60,
        check=False,
    )


def test_ask_json_answers_with_verbatim_quotes(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "--json", "how long is the border between china and russia"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == ASK_KEYS
    assert payload["matched"] is True
    assert "3,645" in payload["answer"]
    assert 0 <= payload["score"] <= 100
    source = engine.source("beijing-moscow")
    for quote in payload["quotes"]:
        assert quote["text"] in source.text
        assert quote["source"] == "beijing-moscow"
        assert quote["text"] in source.paragraphs[quote["paragraph"] - 1].text


def test_ask_json_abstains_on_chatter(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "what's the weather like in paris"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["matched"] is False
    assert payload["entry_id"] is None and payload["answer"] is None
    assert payload["quotes"] == []


def test_ask_keeps_a_large_knowledge_base_built_in_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot.engine.cache as cache
    import bot.engine.core as core

    monkeypatch.setattr(cache, "MIN_CACHED_ENTRIES", 0)  # "large": the project's 75 entries
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    loads: list[Path] = []
    real_load = core.load_knowledge
    monkeypatch.setattr(
        core, "load_knowledge", lambda path, **kw: loads.append(path) or real_load(path, **kw)
    )

    for _ in range(2):
        assert main(["ask", "--json", "how long is the border between china and russia"]) == 0
        assert "3,645" in json.loads(capsys.readouterr().out)["answer"]

    assert len(loads) == 1  # the second ask read the engine the first one kept
    assert len(list((tmp_path / "data" / "cache").glob("*.engine"))) == 1


def test_ask_text_shows_answer_and_citations(capsys: pytest.CaptureFixture[str]) -> None:
    main(["ask", "who wrote this article?"])
    out = capsys.readouterr().out
    assert "Andrew Hammond" in out
    assert "Why Beijing and Moscow are close and getting closer, paragraph" in out


def test_ask_text_no_answer_is_honest(capsys: pytest.CaptureFixture[str]) -> None:
    main(["ask", "asdfgh"])
    assert "I don't know" in capsys.readouterr().out


def test_quote_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quote", "--json", "thad"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["term"] == "thad"
    assert 1 <= len(payload["quotes"]) <= 3
    assert all("THAAD" in quote["text"] for quote in payload["quotes"])
    assert set(payload["quotes"][0]) == {"text", "source", "paragraph", "score"}
    assert payload["partial"] is False


def test_quote_json_says_when_no_sentence_has_every_word(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["quote", "--json", "gas deal 400bn"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["partial"] is True
    assert "$400 billion natural gas supply deal" in payload["quotes"][0]["text"]


def test_quote_text_says_when_no_sentence_has_every_word(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["quote", "trains analogy"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No sentence has every word of 'trains analogy'; the closest:")
    assert "both trains" in out


def test_batch_mode_writes_one_line_per_input_line_in_order() -> None:
    questions = ["who wrote this", "", "asdfgh", "what is thaad", "  "]
    done = run_cli("ask", "--json", stdin="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [json.loads(line)["question"] for line in lines] == questions
    assert [json.loads(line)["matched"] for line in lines] == [True, False, False, True, False]


def test_batch_quote_text_mode_keeps_one_line_per_term() -> None:
    done = run_cli("quote", stdin="THAAD\nbitcoin\n")
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert "THAAD" in lines[0]
    assert "never mentions" in lines[1]


def test_cli_finds_project_knowledge_from_any_directory(tmp_path: Path) -> None:
    done = run_cli("ask", "--json", "who wrote this", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["matched"] is True


def test_knowledge_option_and_env_override(
    knowledge_dir: KnowledgeDir, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = knowledge_dir()
    assert main(["ask", "--json", "--knowledge", str(directory), "border length?"]) == 0
    assert json.loads(capsys.readouterr().out)["entry_id"] == "border-length"
    done = run_cli("ask", "--json", "border length", env={"KNOWLEDGE_DIR": str(directory)})
    assert json.loads(done.stdout)["entry_id"] == "border-length"


def test_validate_passes_on_project_knowledge(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_validate_lists_every_problem_and_fails(
    knowledge_dir: KnowledgeDir, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = knowledge_dir({"a.yaml": "topic: x\nentries: [\n", "b.yaml": "anwser: 1\n"})
    assert main(["validate", str(directory)]) == 1
    out = capsys.readouterr().out
    assert "knowledge/qa/a.yaml:" in out
    assert "knowledge/qa/b.yaml:1: anwser: unknown field" in out


def test_validate_runs_regression_questions(
    knowledge_dir: KnowledgeDir, capsys: pytest.CaptureFixture[str]
) -> None:
    regressions = "cases:\n  - question: what is the weather\n    expect: border-length\n"
    directory = knowledge_dir(**{"tests.yaml": regressions})
    assert main(["validate", str(directory)]) == 1
    assert "'what is the weather' should get entry 'border-length' but got no answer" in (
        capsys.readouterr().out
    )


def test_validate_reports_words_that_can_never_take_effect(
    knowledge_dir: KnowledgeDir, capsys: pytest.CaptureFixture[str]
) -> None:
    synonyms = "synonyms:\n  border: [frontier, against]\n  pizza: [pie]\n"
    phrases = "phrases:\n  - say: the maritime border\n    for: [the sea line]\n"
    directory = knowledge_dir(**{"synonyms.yaml": synonyms, "phrases.yaml": phrases})
    assert main(["validate", str(directory)]) == 1
    out = capsys.readouterr().out
    # A synonym the matcher drops as filler, a synonym group and a rewrite that lead nowhere.
    assert "knowledge/synonyms.yaml:2: synonyms.border: 'against' is filler" in out
    assert "frontier" not in out
    assert "knowledge/synonyms.yaml:3: synonyms.pizza: no entry uses 'pizza'" in out
    assert "knowledge/phrases.yaml:2: no entry uses 'maritim' of 'the maritime border'" in out


def test_explain_prints_the_rules_that_kept_a_question_unanswered(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", "how old is xi jinping"]) == 0
    out = capsys.readouterr().out
    assert "Rules that kept it from answering:" in out
    assert "coverage:" in out


def test_broken_knowledge_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    done = run_cli("ask", "hi", "--knowledge", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert "cannot load the knowledge base" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_option_is_a_usage_error() -> None:
    done = run_cli("ask", "--colour", "hi")
    assert done.returncode == 2
    assert "unrecognized arguments: --colour" in done.stderr


@pytest.mark.parametrize(
    ("command", "env", "name"),
    [
        (("ask", "hi"), {"MIN_ANSWER_SCORE": "high"}, "MIN_ANSWER_SCORE"),
        (("quote", "thaad"), {"ANSWER_MARGIN": "101"}, "ANSWER_MARGIN"),
        (("run",), {"SHARD_COUNT": "many"}, "SHARD_COUNT"),
    ],
)
def test_bad_setting_is_one_sentence(
    command: tuple[str, ...], env: dict[str, str], name: str
) -> None:
    done = run_cli(*command, env=env)
    assert done.returncode == 2
    assert done.stderr.strip().startswith(f"citebot: Setting {name} is invalid")
    assert "Traceback" not in done.stderr


def test_a_bad_setting_ask_does_not_use_does_not_stop_it() -> None:
    """ask reads only the knowledge directory and thresholds; run checks every setting."""
    done = run_cli("ask", "how long is the border", env={"SHARD_COUNT": "many"})
    assert done.returncode == 0, done.stderr
    assert "3,645" in done.stdout


def test_run_without_token_and_terminal_fails_fast() -> None:
    done = run_cli("run", env={"DISCORD_TOKEN": ""})
    assert done.returncode == 2
    assert "DISCORD_TOKEN is not set" in done.stderr


def test_run_loads_the_knowledge_once_and_hands_the_bot_its_manager(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.discord_app.runner as runner
    import bot.engine.core as core

    loads: list[Path] = []
    real_load = core.load_knowledge
    # Every way the CLI loads a knowledge directory goes through the engine's core.
    monkeypatch.setattr(
        core, "load_knowledge", lambda path, **kw: loads.append(path) or real_load(path, **kw)
    )
    served = []
    monkeypatch.setattr(runner, "run_bot", lambda settings, manager: served.append(manager) or 0)
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-real-token")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))

    assert main(["run"]) == 0
    assert len(loads) == 1
    assert served[0].engine.knowledge.entries  # the manager serves what was loaded


def test_chat_answers_quotes_and_picks_suggestions(engine: Engine) -> None:
    out = io.StringIO()
    chat(engine, io.StringIO("who wrote this\n/quote thad\n/quit\n"), out)
    text = out.getvalue()
    assert "Andrew Hammond" in text
    assert "THAAD" in text


def test_long_and_hostile_questions_are_handled(capsys: pytest.CaptureFixture[str]) -> None:
    question = "@everyone " + "why does china oppose thaad " * 150
    assert len(question) > 4000
    assert main(["ask", "--json", question]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["question"] == question


def test_answers_do_not_depend_on_the_process_hash_seed() -> None:
    # Python salts str hashes per process, so set iteration order changes between runs; a tie
    # broken by that order would give members a different entry after every restart. These
    # questions tie several entries or phrasings.
    questions = "\n".join(
        [
            "deng thought gorby's reforms would do what exactly",
            "medvedev visit",
            "the bank thing, whats that about",
            "why r they so salty about thaad",
            "who did medvedv meet in beijing",
        ]
    )
    outputs = {
        run_cli("ask", "--json", stdin=questions, env={"PYTHONHASHSEED": seed}).stdout
        for seed in ("0", "1", "2", "3", "4", "5")
    }
    assert len(outputs) == 1


def test_min_answer_score_makes_the_cli_more_cautious() -> None:
    question = "how long is their border"
    usual = json.loads(run_cli("ask", "--json", question).stdout)
    cautious = json.loads(
        run_cli("ask", "--json", question, env={"MIN_ANSWER_SCORE": "99.9"}).stdout
    )

    assert usual["matched"] and usual["score"] < 99.9
    assert not cautious["matched"] and cautious["quotes"] == []


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    # `python -m bot validate --verbose | head -1`, at its most abrupt: the reader is gone
    # before the first line is written.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "bot", "validate", "--verbose"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=PROJECT,
            env={**os.environ, "PYTHONPATH": str(PROJECT)},
            timeout=60,
        )
    finally:
        os.close(write_end)
    error = finished.stderr.decode()
    assert finished.returncode == 141, error
    assert "Traceback" not in error and "BrokenPipe" not in error
