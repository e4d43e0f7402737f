"""Auto-answer channels: unasked answers when sure, silence otherwise."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import simcord

from bot.engine import Engine
from tests.discord_app.conftest import BotFactory, answered, sure_question

DELAY = 10.0


@dataclass
class Room:
    """An auto-answer channel, an ordinary channel and two members."""

    env: simcord.Env
    auto: simcord.ChannelHandle
    other: simcord.ChannelHandle
    alice: simcord.MemberActor
    bob: simcord.MemberActor

    def bot_said(self, channel: simcord.ChannelHandle) -> list[object]:
        """Messages the bot posted in ``channel``."""
        bot_id = self.env.bot.user.id
        return [m for m in channel.history() if m.author.id == bot_id]


@pytest.fixture
async def room(simcord_env: simcord.Env, make_bot: BotFactory) -> Room:
    """Restart the bot with one auto-answer channel configured."""
    guild = simcord_env.create_guild()
    auto = guild.create_text_channel("ask-the-article")
    other = guild.create_text_channel("general")
    await simcord_env.restart_bot(
        make_bot(auto_answer_channel_ids=[auto.id], auto_answer_delay_seconds=DELAY)
    )
    alice = guild.add_member(simcord_env.create_user("alice"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    return Room(simcord_env, auto, other, alice, bob)


async def test_a_clear_question_is_answered_after_the_delay(room: Room, engine: Engine) -> None:
    question, answer = sure_question(engine)

    asked = await room.alice.send(room.auto, question)
    assert room.bot_said(room.auto) == []  # a person gets the first chance
    await room.env.advance_time(DELAY)

    (reply,) = room.bot_said(room.auto)
    assert reply.embeds[0].description == answer
    assert reply.reference.message_id == asked.id


async def test_silence_when_a_person_replies_first(room: Room, engine: Engine) -> None:
    question, _ = sure_question(engine)

    asked = await room.alice.send(room.auto, question)
    await room.bob.send(room.auto, "it's in paragraph 3", reply_to=asked)
    await room.env.advance_time(DELAY)

    assert room.bot_said(room.auto) == []


async def test_silence_when_the_question_is_deleted(room: Room, engine: Engine) -> None:
    question, _ = sure_question(engine)

    asked = await room.alice.send(room.auto, question)
    await room.alice.delete(asked)
    await room.env.advance_time(DELAY)

    assert room.bot_said(room.auto) == []


@pytest.mark.parametrize("chatter", ["what's the weather in Paris?", "lol", "who wants pizza?"])
async def test_silence_when_unsure(room: Room, chatter: str) -> None:
    await room.alice.send(room.auto, chatter)
    await room.env.advance_time(DELAY)

    assert room.bot_said(room.auto) == []


async def test_other_channels_are_not_auto_answered(room: Room, engine: Engine) -> None:
    question, _ = sure_question(engine)

    await room.alice.send(room.other, question)
    await room.env.advance_time(DELAY)

    assert room.bot_said(room.other) == []


async def test_a_mention_in_an_auto_channel_is_answered_at_once(room: Room, engine: Engine) -> None:
    question, entry = answered(engine)

    await room.alice.send(room.auto, f"<@{room.env.bot.user.id}> {question}")

    (reply,) = room.bot_said(room.auto)
    assert reply.embeds[0].description == entry.answer
