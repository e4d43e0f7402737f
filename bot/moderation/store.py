"""What members asked that the bot could not answer, and how they rated answers: SQLite.

Every failure of the database (corrupt file, locked by another program, unwritable disk)
surfaces as one exception, StoreUnavailable, with a one-sentence message: the caller logs it
and goes on answering, because feedback must never cost a member their answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any

import aiosqlite

from bot.moderation.records import UNHELPFUL, Stats, UnansweredQuestion
from bot.moderation.schema import MIGRATIONS
from bot.search.results import AskResult, Outcome
from bot.text.normalize import normalize

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 5.0
# The matcher reads 1,000 characters of a question; storing more would keep text nobody used.
MAX_STORED_CHARS = 1000
# Mentions carry user, role and channel ids; the database keeps none of them.
_MENTION = re.compile(r"<(@[!&]?|#)\d+>")
_MENTION_TEXT = {"@": "@someone", "@!": "@someone", "@&": "@role", "#": "#channel"}


class StoreUnavailable(Exception):
    """The feedback database cannot be used now; the message is one sentence for the log."""


class VoteResult(Enum):
    """What a member's click on a feedback button did."""

    COUNTED = "counted"  # a first vote
    CHANGED = "changed"  # the member switched between helpful and not helpful
    UNCHANGED = "unchanged"  # the same vote again
    UNKNOWN_ANSWER = "unknown_answer"  # the answer was never recorded or is past retention

    @property
    def counted(self) -> bool:
        """True when the vote is now stored as the member's vote."""
        return self in (VoteResult.COUNTED, VoteResult.CHANGED)


def voter_key(answer_id: str, voter_id: int) -> str:
    """Return the pseudonymous key that stands for one member on one answer."""
    # Why a hash salted with the answer id rather than the user id: UNIQUE (answer_id, voter)
    # enforces one vote per member per answer without the database ever holding a user id, and
    # one member gets unrelated keys on different answers, so votes cannot be strung together
    # into a person's history. It is pseudonymous, not anonymous: Discord ids are public and
    # few enough that someone holding this file and a member list could test each one, which
    # is why votes go with their answers at retention.
    return hashlib.sha256(f"{answer_id}\0{voter_id}".encode()).hexdigest()


def scrub(question: str) -> str:
    """Replace mentions (which carry ids) with placeholders and cap the length."""
    text = _MENTION.sub(lambda match: _MENTION_TEXT[match.group(1)], question)
    return text[:MAX_STORED_CHARS]


class FeedbackStore:
    """The unanswered log, shown answers, votes and the asked log, over one SQLite file."""

    def __init__(self, path: Path, db: aiosqlite.Connection) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = db
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> FeedbackStore:
        """Open (creating if needed) and migrate the database; raise StoreUnavailable."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreUnavailable(
                f"The feedback database folder {path.parent} cannot be created "
                f"({error.strerror or error})."
            ) from error
        try:
            db = await aiosqlite.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise StoreUnavailable(_describe(path, error)) from error
        store = cls(path, db)
        try:
            await store._migrate()
        except BaseException:
            await store.close()
            raise
        return store

    async def close(self) -> None:
        """Close the database once calls in progress finish; later calls raise StoreUnavailable."""
        async with self._lock:
            db, self._db = self._db, None
            if db is not None:
                with suppress(sqlite3.Error):
                    await db.close()

    async def __aenter__(self) -> FeedbackStore:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def schema_version(self) -> int:
        """Return how many migrations the database has run."""
        async with self._guard() as db:
            return await _user_version(db)

    async def record_asked(
        self,
        result: AskResult,
        *,
        guild_id: int | None,
        channel_id: int | None,
        at: datetime | None = None,
    ) -> None:
        """Log a question a member put to the bot; keep it for review when it went unanswered.

        A "not in the article" reply is logged with the entry it showed, and kept for review.
        """
        entry = result.shown
        async with self._guard() as db:
            await db.execute(
                "INSERT INTO asked (outcome, entry_id, asked_at) VALUES (?, ?, ?)",
                (result.outcome.value, entry.id if entry else None, _seconds(at)),
            )
        if result.outcome is not Outcome.ANSWER:
            best = result.candidates[0] if result.candidates else None
            await self.record_unanswered(
                result.question,
                normalized=result.normalized,
                guild_id=guild_id,
                channel_id=channel_id,
                candidate_id=best.entry.id if best else None,
                candidate_score=best.score if best else None,
                reason=result.outcome.value,
                at=at,
            )

    async def record_unanswered(
        self,
        question: str,
        *,
        normalized: str,
        guild_id: int | None,
        channel_id: int | None,
        candidate_id: str | None,
        candidate_score: float | None,
        reason: str = Outcome.NO_MATCH.value,
        at: datetime | None = None,
    ) -> None:
        """Keep a question the bot could not answer, with its best candidate (no user data)."""
        async with self._guard() as db:
            await db.execute(
                "INSERT INTO unanswered (question, normalized, guild_id, channel_id, asked_at,"
                " candidate_id, candidate_score, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    scrub(question),
                    normalized[:MAX_STORED_CHARS],
                    guild_id,
                    channel_id,
                    _seconds(at),
                    candidate_id,
                    candidate_score,
                    reason,
                ),
            )

    async def record_answer(
        self,
        answer_id: str,
        entry_id: str,
        *,
        question: str,
        score: float | None,
        guild_id: int | None,
        channel_id: int | None,
        at: datetime | None = None,
    ) -> None:
        """Remember an answer that carries feedback buttons, so votes on it can count."""
        async with self._guard() as db:
            await db.execute(
                # DO NOTHING, not REPLACE: replacing the row would cascade away its votes.
                "INSERT INTO answers (answer_id, entry_id, question, score, guild_id,"
                " channel_id, shown_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (answer_id) DO NOTHING",
                (answer_id, entry_id, scrub(question), score, guild_id, channel_id, _seconds(at)),
            )

    async def record_vote(
        self, answer_id: str, voter_id: int, *, helpful: bool, at: datetime | None = None
    ) -> VoteResult:
        """Count one member's vote on an answer (a new vote replaces theirs); say what it did."""
        key, when = voter_key(answer_id, voter_id), _seconds(at)
        async with self._guard() as db, _transaction(db):
            answer = await _one(
                db,
                "SELECT question, entry_id, score, guild_id, channel_id FROM answers"
                " WHERE answer_id = ?",
                (answer_id,),
            )
            if answer is None:
                return VoteResult.UNKNOWN_ANSWER
            before = await _one(
                db, "SELECT helpful FROM votes WHERE answer_id = ? AND voter = ?", (answer_id, key)
            )
            if before is not None and bool(before[0]) == helpful:
                return VoteResult.UNCHANGED
            await db.execute(
                "INSERT INTO votes (answer_id, voter, helpful, voted_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (answer_id, voter) DO UPDATE"
                " SET helpful = excluded.helpful, voted_at = excluded.voted_at",
                (answer_id, key, int(helpful), when),
            )
            await _sync_unhelpful(db, answer_id, answer, when)
            return VoteResult.COUNTED if before is None else VoteResult.CHANGED

    async def unanswered(self, since: datetime, limit: int = 1000) -> list[UnansweredQuestion]:
        """Return the questions kept for review since ``since``, newest first."""
        async with self._guard() as db:
            rows = await db.execute_fetchall(
                "SELECT question, normalized, guild_id, channel_id, asked_at, candidate_id,"
                " candidate_score, reason FROM unanswered WHERE asked_at >= ?"
                " ORDER BY asked_at DESC, id DESC LIMIT ?",
                (since.timestamp(), limit),
            )
        return [
            UnansweredQuestion(
                question=row[0],
                normalized=row[1],
                guild_id=row[2],
                channel_id=row[3],
                asked_at=datetime.fromtimestamp(row[4], UTC),
                candidate_id=row[5],
                candidate_score=row[6],
                reason=row[7],
            )
            for row in rows
        ]

    async def stats(self, since: datetime, *, top: int = 5) -> Stats:
        """Count questions by outcome, the most answered entries and the votes since ``since``."""
        start = since.timestamp()
        async with self._guard() as db:
            rows = await db.execute_fetchall(
                "SELECT outcome, COUNT(*) FROM asked WHERE asked_at >= ? GROUP BY outcome",
                (start,),
            )
            outcomes: dict[str, int] = {row[0]: row[1] for row in rows}
            top_entries = await db.execute_fetchall(
                "SELECT entry_id, COUNT(*) AS n FROM asked WHERE asked_at >= ? AND outcome = ?"
                " GROUP BY entry_id ORDER BY n DESC, entry_id LIMIT ?",
                (start, Outcome.ANSWER.value, top),
            )
            votes = await _one(
                db,
                "SELECT COALESCE(SUM(helpful), 0), COUNT(*) FROM votes WHERE voted_at >= ?",
                (start,),
            )
        helpful, total = votes or (0, 0)
        return Stats(
            since=since,
            asked=sum(outcomes.values()),
            answered=outcomes.get(Outcome.ANSWER.value, 0),
            suggested=outcomes.get(Outcome.SUGGESTIONS.value, 0),
            abstained=outcomes.get(Outcome.NO_MATCH.value, 0),
            top_entries=tuple((row[0], row[1]) for row in top_entries),
            helpful=helpful,
            unhelpful=total - helpful,
        )

    async def set_channel_article(
        self, channel_id: int, article_id: str | None, *, guild_id: int | None
    ) -> None:
        """Make ``article_id`` the article ``channel_id`` answers about first; None: the newest."""
        async with self._guard() as db:
            if article_id is None:
                await db.execute("DELETE FROM channel_articles WHERE channel_id = ?", (channel_id,))
            else:
                await db.execute(
                    "INSERT INTO channel_articles (channel_id, guild_id, article_id, set_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET"
                    " guild_id = excluded.guild_id, article_id = excluded.article_id,"
                    " set_at = excluded.set_at",
                    (channel_id, guild_id, article_id, _seconds(None)),
                )

    async def channel_articles(self) -> dict[int, str]:
        """Return every channel's own article: channel id -> article id."""
        async with (
            self._guard() as db,
            db.execute("SELECT channel_id, article_id FROM channel_articles") as cursor,
        ):
            return {int(channel): str(article) async for channel, article in cursor}

    async def purge(self, older_than: datetime) -> int:
        """Delete everything recorded before ``older_than`` (retention); return rows deleted."""
        cutoff = older_than.timestamp()
        deleted = 0
        async with self._guard() as db, _transaction(db):
            for statement in (
                "DELETE FROM votes WHERE answer_id IN"
                " (SELECT answer_id FROM answers WHERE shown_at < ?)",
                "DELETE FROM answers WHERE shown_at < ?",
                "DELETE FROM unanswered WHERE asked_at < ?",
                "DELETE FROM asked WHERE asked_at < ?",
            ):
                cursor = await db.execute(statement, (cutoff,))
                deleted += max(cursor.rowcount, 0)
        log.info("purged %d feedback rows older than %s", deleted, older_than.isoformat())
        return deleted

    async def _migrate(self) -> None:
        """Bring the schema up to date, one migration per transaction."""
        async with self._guard() as db:
            # Close each statement's cursor: an open one (journal_mode returns a row) makes the
            # migrations' COMMIT fail with "SQL statements in progress".
            for pragma in ("PRAGMA foreign_keys = ON", "PRAGMA journal_mode = WAL"):
                async with db.execute(pragma):  # WAL: the CLI can read while the bot writes
                    pass
            version = await _user_version(db)
            if version > len(MIGRATIONS):
                raise StoreUnavailable(
                    f"The feedback database {self.path} has schema version {version}, newer than "
                    f"this citebot knows ({len(MIGRATIONS)}); upgrade citebot."
                )
            for number in range(version + 1, len(MIGRATIONS) + 1):
                await db.executescript(
                    f"BEGIN IMMEDIATE; {MIGRATIONS[number - 1]}\n"
                    f"PRAGMA user_version = {number}; COMMIT;"
                )
                log.info("feedback database %s migrated to schema %d", self.path, number)

    @asynccontextmanager
    async def _guard(self) -> AsyncIterator[aiosqlite.Connection]:
        """Serialise access and turn every database failure into StoreUnavailable."""
        async with self._lock:
            if self._db is None:
                raise StoreUnavailable(f"The feedback database {self.path} is closed.")
            try:
                yield self._db
            except sqlite3.Error as error:
                if self._db.in_transaction:
                    with suppress(sqlite3.Error):
                        await self._db.rollback()
                raise StoreUnavailable(_describe(self.path, error)) from error


@asynccontextmanager
async def _transaction(db: aiosqlite.Connection) -> AsyncIterator[None]:
    """Run the block as one write transaction (taking the write lock up front)."""
    await db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with suppress(sqlite3.Error):
            await db.execute("ROLLBACK")
        raise
    await db.execute("COMMIT")


async def _sync_unhelpful(
    db: aiosqlite.Connection, answer_id: str, answer: tuple[Any, ...], when: float
) -> None:
    """Keep an answer's question for review while any member finds the answer unhelpful."""
    down = await _one(db, "SELECT 1 FROM votes WHERE answer_id = ? AND helpful = 0", (answer_id,))
    if down is None:
        await db.execute("DELETE FROM unanswered WHERE answer_id = ?", (answer_id,))
        return
    question, entry_id, score, guild_id, channel_id = answer
    await db.execute(
        "INSERT OR IGNORE INTO unanswered (question, normalized, guild_id, channel_id, asked_at,"
        " candidate_id, candidate_score, reason, answer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            question,
            normalize(str(question))[:MAX_STORED_CHARS],
            guild_id,
            channel_id,
            when,
            entry_id,
            score,
            UNHELPFUL,
            answer_id,
        ),
    )


async def _one(
    db: aiosqlite.Connection, sql: str, params: tuple[object, ...]
) -> tuple[Any, ...] | None:
    async with db.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return tuple(row) if row is not None else None


async def _user_version(db: aiosqlite.Connection) -> int:
    row = await _one(db, "PRAGMA user_version", ())
    return int(row[0]) if row else 0


def _seconds(at: datetime | None) -> float:
    return (at or datetime.now(UTC)).timestamp()


def _describe(path: Path, error: sqlite3.Error) -> str:
    """Say in one sentence what is wrong with the database file."""
    text = str(error).lower()
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        what = "is corrupt or not a SQLite file; move it aside and citebot starts a new one"
    elif "locked" in text or "busy" in text:
        what = "is locked by another program; try again when it is done"
    elif "unable to open" in text or "readonly" in text or "read-only" in text:
        what = "cannot be opened for writing; check the path and its permissions"
    else:
        what = f"failed ({error})"
    return f"The feedback database {path} {what}."
