"""`python -m bot check`: every part `run` needs, one line each, exit 0 only when all are fine."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import EXIT_OK, EXIT_PROBLEMS, main
from tests.conftest import TINY_QA, KnowledgeDir


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A service's settings in the environment, its state under ``tmp_path/state``."""
    state = tmp_path / "state"
    monkeypatch.chdir(tmp_path)  # no developer's .env
    monkeypatch.setenv("DISCORD_TOKEN", "a-token")
    monkeypatch.setenv("DATA_DIR", str(state))
    monkeypatch.setenv("DATABASE_PATH", str(state / "citebot.sqlite3"))
    return state


def test_a_ready_service_is_ok_on_every_line_and_exits_0(
    service: Path, knowledge_dir: KnowledgeDir, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["check", "--knowledge", str(knowledge_dir())])

    out = capsys.readouterr().out.splitlines()
    assert status == EXIT_OK
    assert [line.split(":")[0] for line in out[:-1]] == [
        "settings",
        "token",
        "knowledge",
        "data dir",
        "database",
    ]
    assert all(": ok: " in line for line in out[:-1])
    assert "1 entries" in out[2] and "created, schema" in out[4]
    assert out[-1] == "Ready to run."
    assert (service / "citebot.sqlite3").exists()


def test_every_problem_is_listed_in_one_run_and_exits_1(
    service: Path,
    knowledge_dir: KnowledgeDir,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("DATA_DIR", str(blocker / "state"))  # cannot be created
    database = tmp_path / "garbage.sqlite3"
    database.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("DATABASE_PATH", str(database))
    broken = knowledge_dir(TINY_QA.replace("    answer:", "    answr:"))

    status = main(["check", "--knowledge", str(broken)])

    out = capsys.readouterr().out
    assert status == EXIT_PROBLEMS
    assert "token: PROBLEM: DISCORD_TOKEN is not set" in out
    assert "knowledge: PROBLEM: " in out and "geo.yaml:" in out and "answr" in out
    assert "data dir: PROBLEM: " in out and "cannot be written" in out
    assert "database: PROBLEM: " in out
    assert out.splitlines()[-1] == "Not ready to run: 4 problem(s)."


def test_a_failing_regression_question_stops_the_service(
    service: Path, knowledge_dir: KnowledgeDir, capsys: pytest.CaptureFixture[str]
) -> None:
    tests_yaml = "cases:\n  - question: How long is the border?\n    expect: no-answer\n"
    directory = knowledge_dir(**{"tests.yaml": tests_yaml})

    status = main(["check", "--knowledge", str(directory)])

    out = capsys.readouterr().out
    assert status == EXIT_PROBLEMS
    assert "knowledge: PROBLEM: 1 regression question(s) fail:" in out


def test_a_bad_setting_is_a_problem_line_and_exits_1(
    service: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COOLDOWN_RATE", "zero")

    status = main(["check"])

    out = capsys.readouterr().out
    assert status == EXIT_PROBLEMS
    assert out.startswith("settings: PROBLEM: Setting COOLDOWN_RATE is invalid")
