"""Recording questions, answers and votes: the store if it opened, else nothing at all.

Answers never depend on the store: every failure is logged once per call and swallowed.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

from bot.moderation.records import Stats, UnansweredQuestion
from bot.moderation.store import FeedbackStore, StoreUnavailable, VoteResult
from bot.search.results import AskResult
from bot.settings import Settings

log = logging.getLogger(__name__)

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
        if self.store is None or not result.normalized:
            return
        try:
            await self.store.record_asked(result, guild_id=guild_id, channel_id=channel_id)
        except StoreUnavailable as error:
            log.warning("Question not recorded: %s", error)

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
        if self.store is None:
            return
        try:
            await self.store.record_answer(
                answer_id,
                entry_id,
                question=question,
                score=score,
                guild_id=guild_id,
                channel_id=channel_id,
            )
        except StoreUnavailable as error:
            log.warning("Answer %s not recorded; votes on it will not count: %s", answer_id, error)

    async def vote(self, answer_id: str, voter_id: int, *, helpful: bool) -> VoteResult | None:
        """Count a member's vote; None when the store is unavailable."""
        if self.store is None:
            return None
        try:
            return await self.store.record_vote(answer_id, voter_id, helpful=helpful)
        except StoreUnavailable as error:
            log.warning("Vote on answer %s not recorded: %s", answer_id, error)
            return None

    async def unanswered(self, since: datetime) -> list[UnansweredQuestion] | None:
        """Return the questions kept since ``since``; None when the store is unavailable."""
        if self.store is None:
            return None
        try:
            return await self.store.unanswered(since)
        except StoreUnavailable as error:
            log.warning("Cannot read unanswered questions: %s", error)
            return None

    async def stats(self, since: datetime) -> Stats | None:
        """Return the statistics since ``since``; None when the store is unavailable."""
        if self.store is None:
            return None
        try:
            return await self.store.stats(since)
        except StoreUnavailable as error:
            log.warning("Cannot read statistics: %s", error)
            return None

    async def purge(self, retention_days: int) -> int:
        """Delete what is older than the retention period; return rows deleted."""
        if self.store is None:
            return 0
        cutoff = datetime.now(UTC) - timedelta(days=retention_days)
        try:
            deleted = await self.store.purge(cutoff)
        except StoreUnavailable as error:
            log.warning("Retention purge failed: %s", error)
            return 0
        log.info("Retention: deleted %d records older than %d days", deleted, retention_days)
        return deleted
