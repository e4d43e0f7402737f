"""Feedback buttons under answers, recording of questions, and a database that is unavailable."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import pytest
import simcord

from bot.discord_app import replies
from bot.discord_app.client import CiteBot
from bot.discord_app.votes import ACKNOWLEDGEMENTS, VOTE_UNAVAILABLE
from bot.engine import Engine
from bot.moderation.store import VoteResult
from tests.discord_app.conftest import BotFactory, World, ambiguous, answered

OFF_TOPIC = "what's the weather in Paris"
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def labels(message: simcord.ResponseMessage | None) -> list[str]:
    """The button labels under a message."""
    assert message is not None
    return [button["label"] for row in message.components for button in row["components"]]


def store_of(world: World) -> CiteBot:
    """The running bot, with its feedback store open."""
    bot = world.env.bot
    assert isinstance(bot, CiteBot)
    assert bot.feedback.store is not None, "the feedback database did not open"
    return bot


async def test_an_answer_carries_helpful_and_not_helpful_buttons(
    world: World, engine: Engine
) -> None:
    question, _ = answered(engine)

    result = await world.alice.slash(world.channel, "ask", question=question)

    assert labels(result.response) == ["Helpful", "Not helpful"]
    assert result.response is not None
    custom_ids = [b["custom_id"] for row in result.response.components for b in row["components"]]
    assert all(custom_id.startswith("citebot:vote:") for custom_id in custom_ids)


async def test_a_vote_is_counted_and_acknowledged_privately(world: World, engine: Engine) -> None:
    question, entry = answered(engine)
    result = await world.alice.slash(world.channel, "ask", question=question)
    assert result.response is not None

    clicked = await world.bob.click(result.response, label="Helpful")

    assert clicked.ephemeral
    assert clicked.response is not None
    assert clicked.response.content == ACKNOWLEDGEMENTS[VoteResult.COUNTED]
    assert result.response.embeds[0].description == entry.answer  # the answer is untouched
    assert labels(result.response) == ["Helpful", "Not helpful"]
    stats = await store_of(world).feedback.stats(LONG_AGO)
    assert stats is not None and (stats.helpful, stats.unhelpful) == (1, 0)


async def test_one_vote_per_member_and_a_change_replaces_it(world: World, engine: Engine) -> None:
    question, _ = answered(engine)
    result = await world.alice.slash(world.channel, "ask", question=question)
    assert result.response is not None

    first = await world.bob.click(result.response, label="Helpful")
    again = await world.bob.click(result.response, label="Helpful")
    changed = await world.bob.click(result.response, label="Not helpful")

    replies = [r.response.content if r.response else "" for r in (first, again, changed)]
    assert replies == [
        ACKNOWLEDGEMENTS[VoteResult.COUNTED],
        ACKNOWLEDGEMENTS[VoteResult.UNCHANGED],
        ACKNOWLEDGEMENTS[VoteResult.CHANGED],
    ]
    stats = await store_of(world).feedback.stats(LONG_AGO)
    assert stats is not None and (stats.helpful, stats.unhelpful) == (0, 1)


async def test_buttons_keep_working_after_a_restart(
    world: World, engine: Engine, make_bot: BotFactory
) -> None:
    question, _ = answered(engine)
    result = await world.alice.slash(world.channel, "ask", question=question)
    assert result.response is not None

    await world.env.restart_bot(make_bot())  # a new process: same database, no views in memory
    clicked = await world.bob.click(result.response, label="Not helpful")

    assert clicked.ephemeral
    assert clicked.response is not None
    assert clicked.response.content == ACKNOWLEDGEMENTS[VoteResult.COUNTED]
    stats = await store_of(world).feedback.stats(LONG_AGO)
    assert stats is not None and stats.unhelpful == 1


async def test_unanswered_questions_are_recorded_without_user_ids(world: World) -> None:
    await world.alice.slash(world.channel, "ask", question=f"{OFF_TOPIC} <@{world.bob.id}>")

    (record,) = await store_of(world).feedback.unanswered(LONG_AGO) or []
    assert "weather in Paris" in record.question
    assert str(world.bob.id) not in record.question
    assert (record.guild_id, record.channel_id) == (world.guild.id, world.channel.id)


async def test_a_mention_is_recorded_and_its_answer_carries_buttons(
    world: World, engine: Engine
) -> None:
    question, entry = answered(engine)

    await world.alice.send(world.channel, f"{world.bot_mention} {question}")
    await world.alice.send(world.channel, f"{world.bot_mention} {OFF_TOPIC}?")

    answers = [m for m in world.channel.history() if m.embeds]
    assert answers and answers[-1].embeds[0].description == entry.answer
    assert [c.label for row in answers[-1].components for c in row.children] == [  # type: ignore[attr-defined]
        "Helpful",
        "Not helpful",
    ]
    stats = await store_of(world).feedback.stats(LONG_AGO)
    assert stats is not None and (stats.asked, stats.answered, stats.abstained) == (2, 1, 1)


async def test_a_corrupt_database_costs_no_answer_and_votes_get_an_apology(
    world: World,
    engine: Engine,
    make_bot: BotFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="bot.discord_app.feedback"):
        await world.env.restart_bot(make_bot(database_path=corrupt))
    bot = world.env.bot
    assert isinstance(bot, CiteBot) and bot.feedback.store is None
    (warning,) = caplog.records
    assert str(corrupt) in warning.getMessage()
    assert "Running without recording" in warning.getMessage()
    question, entry = answered(engine)

    with caplog.at_level(logging.WARNING):
        result = await world.alice.slash(world.channel, "ask", question=question)
        assert result.response is not None
        clicked = await world.bob.click(result.response, label="Helpful")
        miss = await world.alice.slash(world.channel, "ask", question=OFF_TOPIC)

    assert result.response.embeds[0].description == entry.answer
    assert clicked.ephemeral
    assert clicked.response is not None and clicked.response.content == VOTE_UNAVAILABLE
    assert miss.ephemeral


async def test_a_database_that_fails_later_costs_no_answer(
    world: World, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    bot = store_of(world)
    await bot.feedback.store.close()  # type: ignore[union-attr]  # every later call fails
    question, entry = answered(engine)

    with caplog.at_level(logging.WARNING, logger="bot.discord_app.feedback"):
        result = await world.alice.slash(world.channel, "ask", question=question)
        assert result.response is not None
        clicked = await world.bob.click(result.response, label="Helpful")

    assert result.response.embeds[0].description == entry.answer
    assert clicked.response is not None and clicked.response.content == VOTE_UNAVAILABLE
    assert any("is closed" in record.getMessage() for record in caplog.records)


async def test_retention_purges_at_start_up(
    world: World, engine: Engine, make_bot: BotFactory
) -> None:
    store = store_of(world).feedback.store
    assert store is not None
    old = datetime.now(UTC) - timedelta(days=400)
    await store.record_asked(engine.ask(OFF_TOPIC), guild_id=1, channel_id=2, at=old)
    assert await store.unanswered(LONG_AGO)

    await world.env.restart_bot(make_bot(retention_days=90))

    assert await store_of(world).feedback.unanswered(LONG_AGO) == []


async def test_a_context_menu_answer_carries_buttons_and_is_recorded(
    world: World, engine: Engine
) -> None:
    question, entry = answered(engine)
    asked = await world.bob.send(world.channel, question)

    result = await world.alice.context_menu(world.channel, "Ask citebot", asked)

    assert result.response is not None
    assert result.response.embeds[0].description == entry.answer
    assert labels(result.response) == ["Helpful", "Not helpful"]
    clicked = await world.bob.click(result.response, label="Helpful")
    assert clicked.response is not None
    assert clicked.response.content == ACKNOWLEDGEMENTS[VoteResult.COUNTED]


async def test_an_answer_chosen_from_suggestions_carries_buttons_and_keeps_the_question(
    world: World, engine: Engine
) -> None:
    question, expected = ambiguous(engine)
    offer = await world.alice.slash(world.channel, "ask", question=question)
    assert offer.response is not None
    chosen = expected.suggestions[0]

    clicked = await world.alice.click(offer.response, label=chosen.question)

    (answer,) = clicked.followups
    assert answer.embeds[0].description == chosen.answer
    assert labels(answer) == ["Helpful", "Not helpful"]
    down = await world.bob.click(answer, label="Not helpful")
    assert down.response is not None
    assert down.response.content == ACKNOWLEDGEMENTS[VoteResult.COUNTED]
    voted_down = [
        record
        for record in await store_of(world).feedback.unanswered(LONG_AGO) or []
        if record.reason == "unhelpful"
    ]
    assert [(r.question, r.candidate_id) for r in voted_down] == [(question, chosen.id)]


async def test_a_vote_behind_a_busy_database_is_acknowledged_first_then_answered(
    world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    question, _ = answered(engine)
    result = await world.alice.slash(world.channel, "ask", question=question)
    assert result.response is not None
    feedback = store_of(world).feedback
    real_vote = feedback.vote

    async def busy_vote(*args: Any, **kwargs: Any) -> VoteResult | None:
        await asyncio.sleep(0.3)  # a database behind a burst of writes
        return await real_vote(*args, **kwargs)

    deferrals: list[dict[str, Any]] = []
    real_defer = discord.InteractionResponse.defer

    async def defer(self: discord.InteractionResponse[Any], **kwargs: Any) -> Any:
        deferrals.append(kwargs)
        return await real_defer(self, **kwargs)

    monkeypatch.setattr(feedback, "vote", busy_vote)
    monkeypatch.setattr(discord.InteractionResponse, "defer", defer)
    monkeypatch.setattr(replies, "ACKNOWLEDGE_AFTER_SECONDS", 0.05)

    clicked = await world.bob.click(result.response, label="Helpful")

    assert deferrals == [{"ephemeral": True, "thinking": True}]  # "thinking...", privately
    assert clicked.ephemeral and clicked.response is not None
    assert clicked.response.content == ACKNOWLEDGEMENTS[VoteResult.COUNTED]
