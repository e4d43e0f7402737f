"""`python -m bot suggest`: snippets from the feedback database, and honest empty states."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine import load_engine
from bot.moderation.store import FeedbackStore
from tests.conftest import KnowledgeDir

ASKED = ["how much is a pizza in moscow"] * 3 + ["pizza price in moscow", "whats the weather"]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "citebot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    return path


def fill(path: Path, knowledge: Path, questions: list[str]) -> None:
    """Record questions as the bot would after failing to answer them."""
    engine = load_engine(knowledge)

    async def record() -> None:
        async with await FeedbackStore.open(path) as store:
            for question in questions:
                await store.record_asked(engine.ask(question), guild_id=1, channel_id=2)

    asyncio.run(record())


def test_without_a_database_it_says_so_and_creates_none(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suggest"]) == 0

    assert capsys.readouterr().out == (
        f"No unanswered questions recorded yet (no database at {database}).\n"
    )
    assert not database.exists()


def test_an_empty_database_prints_one_line(
    database: Path, knowledge_dir: KnowledgeDir, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(database, knowledge_dir(), [])

    assert main(["suggest", "--since", "7"]) == 0

    assert capsys.readouterr().out == "No unanswered questions in the last 7 day(s).\n"


def test_recorded_questions_become_snippets_most_asked_first(
    database: Path, knowledge_dir: KnowledgeDir, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny = knowledge_dir()
    fill(database, tiny, ASKED)

    assert main(["suggest", "--knowledge", str(tiny)]) == 0

    out = capsys.readouterr().out
    assert out.startswith("# citebot suggest: 5 unanswered question(s) in 2 group(s)")
    assert out.index('"how much is a pizza in moscow"') < out.index('"whats the weather"')
    assert '  - id: pizza-moscow\n    question: "how much is a pizza in moscow"\n' in out


def test_limit_caps_the_groups(
    database: Path, knowledge_dir: KnowledgeDir, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny = knowledge_dir()
    fill(database, tiny, ASKED)

    assert main(["suggest", "--knowledge", str(tiny), "--limit", "1"]) == 0

    out = capsys.readouterr().out
    assert "in 1 group(s)" in out and "weather" not in out


def test_a_corrupt_database_is_one_sentence_and_exit_2(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database.parent.mkdir(parents=True)
    database.write_bytes(b"not sqlite " * 100)

    assert main(["suggest"]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"citebot: The feedback database {database} is corrupt or not a SQLite file; "
        "move it aside and citebot starts a new one.\n"
    )


def test_since_must_be_positive(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", "--since", "0"]) == 2
    assert "--since and --limit must be at least 1" in capsys.readouterr().err
