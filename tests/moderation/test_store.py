"""The feedback store: unanswered questions, votes, retention, restarts, and failing files."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.moderation.records import UNHELPFUL
from bot.moderation.schema import MIGRATIONS
from bot.moderation.store import FeedbackStore, StoreUnavailable, VoteResult
from bot.search.results import AskResult, Candidate, Outcome

NOW = datetime.now(UTC)
DAY_AGO = NOW - timedelta(days=1)
GUILD, CHANNEL = 111111111111111111, 222222222222222222
MEMBER, OTHER_MEMBER = 333333333333333333, 444444444444444444
SHORT_TIMEOUT = 0.1
OFF_TOPIC = "how much is a pizza in moscow"
ANSWERED = "how big is the gas deal"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "feedback.sqlite3"  # the folder does not exist yet


@pytest.fixture
async def store(path: Path) -> AsyncIterator[FeedbackStore]:
    async with await FeedbackStore.open(path, timeout=SHORT_TIMEOUT) as opened:
        yield opened


async def show_answer(store: FeedbackStore, answer_id: str = "answer-1") -> str:
    await store.record_answer(
        answer_id,
        "gas-deal-value",
        question=ANSWERED,
        score=96.5,
        guild_id=GUILD,
        channel_id=CHANNEL,
    )
    return answer_id


def resolved(engine: Engine, outcome: Outcome, entry_id: str) -> AskResult:
    """Return an engine result with this outcome and best entry, whatever the matcher's tuning."""
    entry = engine.knowledge.entry(entry_id)
    assert entry is not None
    return AskResult(entry.question, entry.question.lower(), outcome, (Candidate(entry, 80, ""),))


def every_cell(path: Path) -> str:
    """Return every value in every table, as text, to look for what must not be stored."""
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = [row for table in tables for row in db.execute(f"SELECT * FROM {table}")]
    return repr(rows)


async def test_an_unanswered_question_is_kept_with_its_nearest_entry(
    store: FeedbackStore, engine: Engine
) -> None:
    result = engine.ask(OFF_TOPIC)
    assert not result.matched

    await store.record_asked(result, guild_id=GUILD, channel_id=CHANNEL)

    (kept,) = await store.unanswered(DAY_AGO)
    assert (kept.question, kept.normalized) == (OFF_TOPIC, result.normalized)
    assert (kept.guild_id, kept.channel_id) == (GUILD, CHANNEL)
    assert kept.candidate_id == result.candidates[0].entry.id
    assert kept.candidate_score == result.candidates[0].score
    assert kept.reason == result.outcome.value
    assert NOW - timedelta(minutes=1) < kept.asked_at <= datetime.now(UTC)


async def test_an_answered_question_is_only_counted(store: FeedbackStore, engine: Engine) -> None:
    await store.record_asked(engine.ask(ANSWERED), guild_id=GUILD, channel_id=CHANNEL)

    assert await store.unanswered(DAY_AGO) == []
    assert (await store.stats(DAY_AGO)).answered == 1


async def test_no_user_id_reaches_the_database(
    store: FeedbackStore, engine: Engine, path: Path
) -> None:
    question = f"<@{MEMBER}> <@!{OTHER_MEMBER}> {OFF_TOPIC} <#{CHANNEL}>"
    await store.record_asked(engine.ask(question), guild_id=GUILD, channel_id=CHANNEL)
    answer_id = await show_answer(store)
    await store.record_vote(answer_id, MEMBER, helpful=False)

    questions = {kept.reason: kept.question for kept in await store.unanswered(DAY_AGO)}
    assert questions[UNHELPFUL] == ANSWERED
    assert f"@someone @someone {OFF_TOPIC} #channel" in questions.values()
    cells = every_cell(path)
    assert str(MEMBER) not in cells and str(OTHER_MEMBER) not in cells


async def test_one_vote_per_member_per_answer(store: FeedbackStore) -> None:
    answer_id = await show_answer(store)

    first = await store.record_vote(answer_id, MEMBER, helpful=True)
    again = await store.record_vote(answer_id, MEMBER, helpful=True)
    other = await store.record_vote(answer_id, OTHER_MEMBER, helpful=True)

    assert (first, again, other) == (VoteResult.COUNTED, VoteResult.UNCHANGED, VoteResult.COUNTED)
    stats = await store.stats(DAY_AGO)
    assert (stats.helpful, stats.unhelpful) == (2, 0)


async def test_a_member_can_change_their_vote(store: FeedbackStore) -> None:
    answer_id = await show_answer(store)
    await store.record_vote(answer_id, MEMBER, helpful=True)

    changed = await store.record_vote(answer_id, MEMBER, helpful=False)

    assert changed is VoteResult.CHANGED and changed.counted
    stats = await store.stats(DAY_AGO)
    assert (stats.helpful, stats.unhelpful, stats.helpful_ratio) == (0, 1, 0.0)


async def test_the_same_member_votes_separately_on_each_answer(store: FeedbackStore) -> None:
    first, second = await show_answer(store, "answer-1"), await show_answer(store, "answer-2")

    results = [
        await store.record_vote(first, MEMBER, helpful=True),
        await store.record_vote(second, MEMBER, helpful=False),
    ]

    assert results == [VoteResult.COUNTED, VoteResult.COUNTED]


async def test_a_vote_on_an_unknown_answer_is_not_counted(store: FeedbackStore) -> None:
    result = await store.record_vote("never-shown", MEMBER, helpful=True)

    assert result is VoteResult.UNKNOWN_ANSWER and not result.counted
    assert (await store.stats(DAY_AGO)).helpful_ratio is None


async def test_an_unhelpful_answer_is_kept_for_review_until_voted_helpful(
    store: FeedbackStore,
) -> None:
    answer_id = await show_answer(store)

    await store.record_vote(answer_id, MEMBER, helpful=False)
    await store.record_vote(answer_id, OTHER_MEMBER, helpful=False)
    (kept,) = await store.unanswered(DAY_AGO)
    assert (kept.question, kept.reason, kept.candidate_id) == (
        ANSWERED,
        UNHELPFUL,
        "gas-deal-value",
    )

    await store.record_vote(answer_id, MEMBER, helpful=True)
    assert len(await store.unanswered(DAY_AGO)) == 1  # the other member still finds it unhelpful
    await store.record_vote(answer_id, OTHER_MEMBER, helpful=True)
    assert await store.unanswered(DAY_AGO) == []


async def test_stats_count_outcomes_top_entries_and_votes(
    store: FeedbackStore, engine: Engine
) -> None:
    for outcome, entry_id in [
        (Outcome.ANSWER, "gas-deal-value"),
        (Outcome.ANSWER, "gas-deal-value"),
        (Outcome.ANSWER, "thaad-what"),
        (Outcome.NO_MATCH, "border-length"),
        (Outcome.SUGGESTIONS, "gas-deal-value"),
    ]:
        await store.record_asked(
            resolved(engine, outcome, entry_id), guild_id=GUILD, channel_id=CHANNEL
        )
    answer_id = await show_answer(store)
    await store.record_vote(answer_id, MEMBER, helpful=True)
    await store.record_vote(answer_id, OTHER_MEMBER, helpful=True)
    await store.record_vote(await show_answer(store, "answer-2"), MEMBER, helpful=False)

    stats = await store.stats(DAY_AGO)

    assert (stats.asked, stats.answered, stats.suggested, stats.abstained) == (5, 3, 1, 1)
    assert stats.top_entries == (("gas-deal-value", 2), ("thaad-what", 1))
    assert stats.helpful_ratio == pytest.approx(2 / 3)
    text = stats.describe()
    assert "5 questions; answered 3 (60%), suggested 1 (20%), no answer 1 (20%)" in text
    assert "Most answered: gas-deal-value (2), thaad-what (1)." in text
    assert "Helpful: 67% of 3 votes" in text


async def test_retention_purges_old_records_and_keeps_recent_ones(
    store: FeedbackStore, engine: Engine
) -> None:
    old = NOW - timedelta(days=100)
    for at in (old, NOW):
        await store.record_asked(engine.ask(OFF_TOPIC), guild_id=GUILD, channel_id=CHANNEL, at=at)
        await store.record_answer(
            f"answer-{at.timestamp()}",
            "gas-deal-value",
            question=ANSWERED,
            score=90,
            guild_id=GUILD,
            channel_id=CHANNEL,
            at=at,
        )
        await store.record_vote(f"answer-{at.timestamp()}", MEMBER, helpful=True, at=at)

    deleted = await store.purge(NOW - timedelta(days=90))

    assert deleted == 4  # the old question, its asked row, the old answer and its vote
    since_ever = datetime(2000, 1, 1, tzinfo=UTC)
    assert [q.asked_at for q in await store.unanswered(since_ever)] == [
        datetime.fromtimestamp(NOW.timestamp(), UTC)
    ]
    stats = await store.stats(since_ever)
    assert (stats.asked, stats.helpful) == (1, 1)
    old_vote = await store.record_vote(f"answer-{old.timestamp()}", OTHER_MEMBER, helpful=True)
    assert old_vote is VoteResult.UNKNOWN_ANSWER


async def test_a_restart_keeps_everything(path: Path, engine: Engine) -> None:
    first = await FeedbackStore.open(path)
    await first.record_asked(engine.ask(OFF_TOPIC), guild_id=GUILD, channel_id=CHANNEL)
    await show_answer(first)
    await first.record_vote("answer-1", MEMBER, helpful=True)
    await first.close()

    async with await FeedbackStore.open(path) as again:
        assert [q.question for q in await again.unanswered(DAY_AGO)] == [OFF_TOPIC]
        assert await again.record_vote("answer-1", MEMBER, helpful=True) is VoteResult.UNCHANGED
        assert await again.schema_version() == len(MIGRATIONS)


async def test_a_corrupt_file_is_one_clear_error(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this was never a database " * 200)

    with pytest.raises(StoreUnavailable) as caught:
        await FeedbackStore.open(path)

    assert str(caught.value) == (
        f"The feedback database {path} is corrupt or not a SQLite file; "
        "move it aside and citebot starts a new one."
    )


async def test_a_locked_database_is_one_clear_error_and_recovers(
    store: FeedbackStore, engine: Engine, path: Path
) -> None:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailable) as caught:
            await store.record_asked(engine.ask(OFF_TOPIC), guild_id=GUILD, channel_id=CHANNEL)
        with pytest.raises(StoreUnavailable):
            await store.record_vote(await show_answer(store), MEMBER, helpful=True)
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert str(caught.value) == (
        f"The feedback database {path} is locked by another program; try again when it is done."
    )
    await store.record_asked(engine.ask(OFF_TOPIC), guild_id=GUILD, channel_id=CHANNEL)
    assert len(await store.unanswered(DAY_AGO)) == 1


async def test_opening_a_locked_new_database_is_one_clear_error(path: Path) -> None:
    path.parent.mkdir(parents=True)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailable, match="is locked by another program"):
            await FeedbackStore.open(path, timeout=SHORT_TIMEOUT)
    finally:
        other.execute("ROLLBACK")
        other.close()


async def test_a_database_from_a_newer_citebot_is_refused(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")

    with pytest.raises(StoreUnavailable, match="newer than this citebot knows"):
        await FeedbackStore.open(path)


async def test_a_closed_store_says_so(path: Path) -> None:
    store = await FeedbackStore.open(path)
    await store.close()

    with pytest.raises(StoreUnavailable, match="is closed"):
        await store.unanswered(DAY_AGO)


async def test_recording_an_answer_twice_keeps_its_votes(store: FeedbackStore) -> None:
    answer_id = await show_answer(store)
    await store.record_vote(answer_id, MEMBER, helpful=True)

    await show_answer(store, answer_id)

    assert (await store.stats(DAY_AGO)).helpful == 1
    assert await store.record_vote(answer_id, MEMBER, helpful=True) is VoteResult.UNCHANGED


async def test_a_channels_article_is_set_replaced_cleared_and_never_purged(
    store: FeedbackStore,
) -> None:
    await store.set_channel_article(11, "beijing-moscow", guild_id=1)
    await store.set_channel_article(12, "week-12", guild_id=1)
    await store.set_channel_article(11, "week-12", guild_id=1)
    await store.purge(datetime.now(UTC) + timedelta(days=1))  # retention keeps settings
    kept = await store.channel_articles()
    await store.set_channel_article(12, None, guild_id=1)

    assert kept == {11: "week-12", 12: "week-12"}
    assert await store.channel_articles() == {11: "week-12"}
