"""Recording questions, answers and votes: the store if it opened, else nothing at all.

Answers never depend on the store: every failure is logged once per call and swallowed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.moderation.records import Stats, UnansweredQuestion
from bot.moderation.store import FeedbackStore, StoreUnavailable, VoteResult
from bot.search.results import AskResult
from bot.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

UNAVAILABLE = "The feedback database is unavailable right now; see the bot's log."


def new_answer_id() -> str:
    """Return a fresh id for one public answer (32 hex digits, fits a button's custom id)."""
    return uuid.uuid4().hex


class Feedback:
    """Record into ``store`` when there is one; report StoreUnavailable as a logged warning."""

    def __init__(self, store: FeedbackStore | None = None) -> None:
        self.store = store

    @classmethod
    async def open(cls, settings: Settings) -> Feedback:
        """Open the database in the settings, or run without one after one clear warning."""
        try:
            store = await FeedbackStore.open(
                settings.database_path, timeout=settings.database_timeout_seconds
            )
        except StoreUnavailable as error:
            log.warning("%s Running without recording questions or votes.", error)
            return cls(None)
        return cls(store)

    async def close(self) -> None:
        """Close the database, if one is open."""
        store, self.store = self.store, None
        if store is not None:
            await store.close()

    async def asked(
        self, result: AskResult, *, guild_id: int | None, channel_id: int | None
    ) -> None:
        """Log a question's outcome (unanswered ones are kept for review)."""
        if result.normalized:
            await self._record(
                lambda store: store.record_asked(result, guild_id=guild_id, channel_id=channel_id),
                "Question not recorded",
            )

    async def answered(
        self,
        answer_id: str,
        entry_id: str,
        *,
        question: str,
        score: float | None,
        guild_id: int | None,
        channel_id: int | None,
    ) -> None:
        """Remember a public answer so votes on its buttons count."""
        await self._record(
            lambda store: store.record_answer(
                answer_id,
                entry_id,
                question=question,
                score=score,
                guild_id=guild_id,
                channel_id=channel_id,
            ),
            f"Answer {answer_id} not recorded; votes on it will not count",
        )

    async def vote(self, answer_id: str, voter_id: int, *, helpful: bool) -> VoteResult | None:
        """Count a member's vote; None when the store is unavailable."""
        return await self._record(
            lambda store: store.record_vote(answer_id, voter_id, helpful=helpful),
            f"Vote on answer {answer_id} not recorded",
        )

    async def unanswered(self, since: datetime) -> list[UnansweredQuestion] | None:
        """Return the questions kept since ``since``; None when the store is unavailable."""
        return await self._record(
            lambda store: store.unanswered(since), "Cannot read unanswered questions"
        )

    async def stats(self, since: datetime) -> Stats | None:
        """Return the statistics since ``since``; None when the store is unavailable."""
        return await self._record(lambda store: store.stats(since), "Cannot read statistics")

    async def channel_articles(self) -> dict[int, str] | None:
        """Return each channel's own article; None when the store is unavailable."""
        return await self._record(
            lambda store: store.channel_articles(), "Cannot read the channels' articles"
        )

    async def set_channel_article(
        self, channel_id: int, article_id: str | None, *, guild_id: int | None
    ) -> bool:
        """Store a channel's article (None: back to the newest); False when not stored."""

        async def store_it(store: FeedbackStore) -> bool:
            await store.set_channel_article(channel_id, article_id, guild_id=guild_id)
            return True

        return bool(await self._record(store_it, f"Article of channel {channel_id} not stored"))

    async def purge(self, retention_days: int) -> int:
        """Delete what is older than the retention period; return rows deleted."""
        cutoff = datetime.now(UTC) - timedelta(days=retention_days)
        deleted = await self._record(lambda store: store.purge(cutoff), "Retention purge failed")
        if deleted is None:
            return 0
        log.info("Retention: deleted %d records older than %d days", deleted, retention_days)
        return deleted

    async def _record(
        self, call: Callable[[FeedbackStore], Awaitable[T]], failure: str
    ) -> T | None:
        """Run ``call`` on the store; return None without one, or when it fails.

        A failure is logged once, as ``failure`` and the store's reason, and goes no further.
        """
        if self.store is None:
            return None
        try:
            return await call(self.store)
        except StoreUnavailable as error:
            log.warning("%s: %s", failure, error)
            return None
