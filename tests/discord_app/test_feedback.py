"""Recording through Feedback: with no store, or a store that fails, every call is harmless."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.discord_app.feedback import Feedback
from bot.engine import Engine
from bot.moderation.store import FeedbackStore

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
ANSWER_ID = "0" * 32
OFF_TOPIC = "what's the weather in Paris"

Call = Callable[[Feedback, Engine], Awaitable[Any]]

# Each public recording call: how to make it, what it returns when the store fails, and the
# start of the warning it logs then.
CALLS: dict[str, tuple[Call, Any, str]] = {
    "asked": (
        lambda f, e: f.asked(e.ask(OFF_TOPIC), guild_id=1, channel_id=2),
        None,
        "Question not recorded: ",
    ),
    "answered": (
        lambda f, e: f.answered(
            ANSWER_ID, "entry", question="q", score=90.0, guild_id=1, channel_id=2
        ),
        None,
        f"Answer {ANSWER_ID} not recorded; votes on it will not count: ",
    ),
    "vote": (
        lambda f, e: f.vote(ANSWER_ID, 3, helpful=True),
        None,
        f"Vote on answer {ANSWER_ID} not recorded: ",
    ),
    "unanswered": (lambda f, e: f.unanswered(LONG_AGO), None, "Cannot read unanswered questions: "),
    "stats": (lambda f, e: f.stats(LONG_AGO), None, "Cannot read statistics: "),
    "purge": (lambda f, e: f.purge(30), 0, "Retention purge failed: "),
}


@pytest.fixture
async def failing(tmp_path: Path) -> Feedback:
    """Feedback over a store that was closed: every call on it raises StoreUnavailable."""
    store = await FeedbackStore.open(tmp_path / "feedback.sqlite3")
    await store.close()
    return Feedback(store)


@pytest.mark.parametrize("name", CALLS)
async def test_a_failing_store_logs_one_warning_and_returns_the_default(
    failing: Feedback, engine: Engine, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    call, default, warning = CALLS[name]

    with caplog.at_level(logging.INFO, logger="bot.discord_app.feedback"):
        returned = await call(failing, engine)

    assert returned == default
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith(warning)
    assert "closed" in record.getMessage()  # the store's own reason is kept


@pytest.mark.parametrize("name", CALLS)
async def test_no_store_returns_the_default_quietly(
    engine: Engine, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    call, default, _ = CALLS[name]

    with caplog.at_level(logging.INFO, logger="bot.discord_app.feedback"):
        returned = await call(Feedback(None), engine)

    assert returned == default
    assert caplog.records == []


async def test_a_working_store_records_and_purge_reports_what_it_deleted(
    tmp_path: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    feedback = Feedback(await FeedbackStore.open(tmp_path / "feedback.sqlite3"))
    try:
        await feedback.asked(engine.ask(OFF_TOPIC), guild_id=1, channel_id=2)
        (kept,) = await feedback.unanswered(LONG_AGO) or []
        stats = await feedback.stats(LONG_AGO)
        with caplog.at_level(logging.INFO, logger="bot.discord_app.feedback"):
            deleted = await feedback.purge(0)
    finally:
        await feedback.close()

    assert "weather in Paris" in kept.question
    assert stats is not None and stats.asked == 1
    assert deleted == 2  # the asked row and the kept question
    assert [r.getMessage() for r in caplog.records] == [
        "Retention: deleted 2 records older than 0 days"
    ]
