"""Every way of asking ends in the same answer: public, with vote buttons, recorded, charged once.

The ways: /ask, the "Ask citebot" message command, a mention, a reply to citebot, an
auto-answer, and a click on a "did you mean" button.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord
import pytest
import simcord

from bot.discord_app.client import CiteBot
from bot.engine import Engine
from bot.knowledge.model import Entry
from tests.discord_app.conftest import (
    EPHEMERAL,
    NO_PINGS,
    BotFactory,
    ambiguous,
    answered,
    sure_question,
)

DELAY = 10.0
OFF_TOPIC = "what's the weather in Paris?"
REFUSED = "try again <t:"


@dataclass
class Room:
    """A guild with an ordinary and an auto-answer channel, two members, and the engine."""

    env: simcord.Env
    engine: Engine
    general: simcord.ChannelHandle
    auto: simcord.ChannelHandle
    alice: simcord.MemberActor
    bob: simcord.MemberActor

    @property
    def bot(self) -> CiteBot:
        """The running bot."""
        bot = self.env.bot
        assert isinstance(bot, CiteBot)
        return bot

    @property
    def mention(self) -> str:
        """How a member writes a mention of citebot."""
        assert self.env.bot.user is not None
        return f"<@{self.env.bot.user.id}>"

    def answers(self) -> list[discord.Message]:
        """The answers anyone can see: citebot's public messages with an embed."""
        bot_id = self.bot.user.id if self.bot.user else None
        return [
            message
            for channel in (self.general, self.auto)
            for message in channel.history(viewer=self.bob)
            if message.author.id == bot_id and message.embeds
        ]

    def answer_bodies(self) -> list[dict[str, Any]]:
        """The JSON citebot sent to post each embed, as a response, follow-up or reply."""
        bodies = []
        for request in self.env.http_requests:
            body = request.json
            if request.method != "POST" or not isinstance(body, dict):
                continue
            message = body.get("data", body) if request.path.endswith("/callback") else body
            if isinstance(message, dict) and message.get("embeds"):
                bodies.append(message)
        return bodies

    def recorded_answers(self) -> list[tuple[str, str, int | None, int | None]]:
        """The answers the feedback store remembers: (answer id, entry id, guild, channel)."""
        with sqlite3.connect(self.bot.settings.database_path) as db:
            rows = db.execute("SELECT answer_id, entry_id, guild_id, channel_id FROM answers")
            return [(row[0], row[1], row[2], row[3]) for row in rows]


async def open_room(
    env: simcord.Env, make_bot: BotFactory, engine: Engine, **settings: Any
) -> Room:
    """Restart the bot with an auto-answer channel and ``settings``; add two members."""
    guild = env.create_guild("Readers")
    general = guild.create_text_channel("general")
    auto = guild.create_text_channel("ask-the-article")
    await env.restart_bot(
        make_bot(auto_answer_channel_ids=[auto.id], auto_answer_delay_seconds=DELAY, **settings)
    )
    alice = guild.add_member(env.create_user("alice"))
    bob = guild.add_member(env.create_user("bob"))
    return Room(env, engine, general, auto, alice, bob)


# Each way has Alice ask a question citebot answers and returns the entry it should answer
# with. Anything set up on the way is Bob's doing, so only Alice's asking touches her cooldown.


async def by_slash_command(room: Room) -> Entry:
    question, entry = answered(room.engine)
    await room.alice.slash(room.general, "ask", question=question)
    return entry


async def by_message_command(room: Room) -> Entry:
    question, entry = answered(room.engine)
    asked = await room.bob.send(room.general, question)
    await room.alice.context_menu(room.general, "Ask citebot", asked)
    return entry


async def by_mention(room: Room) -> Entry:
    question, entry = answered(room.engine)
    await room.alice.send(room.general, f"{room.mention} {question}")
    return entry


async def by_reply(room: Room) -> Entry:
    await room.bob.send(room.general, f"{room.mention} {OFF_TOPIC}")  # an "I don't know"
    declined = room.general.last_message
    assert declined is not None and not declined.embeds
    question, entry = answered(room.engine)
    await room.alice.send(room.general, question, reply_to=declined)
    return entry


async def by_auto_answer(room: Room) -> Entry:
    question, _ = sure_question(room.engine)
    entry = room.engine.ask(question, strict=True).entry
    assert entry is not None
    await room.alice.send(room.auto, question)
    await room.env.advance_time(DELAY)
    return entry


async def by_suggestion_click(room: Room) -> Entry:
    question, result = ambiguous(room.engine)
    chosen = result.suggestions[0]
    offer = await room.alice.slash(room.general, "ask", question=question)
    assert offer.ephemeral and offer.response is not None
    await room.alice.click(offer.response, label=chosen.question)
    return chosen


Way = Callable[[Room], Awaitable[Entry]]
WAYS: list[Way] = [
    by_slash_command,
    by_message_command,
    by_mention,
    by_reply,
    by_auto_answer,
    by_suggestion_click,
]


@pytest.mark.parametrize("way", WAYS, ids=lambda way: way.__name__)
async def test_every_way_of_asking_posts_one_public_answer_with_vote_buttons(
    simcord_env: simcord.Env, make_bot: BotFactory, engine: Engine, way: Way
) -> None:
    room = await open_room(simcord_env, make_bot, engine)

    entry = await way(room)

    (answer,) = room.answers()  # seen by Bob, who did not ask: public
    assert answer.embeds[0].description == entry.answer
    assert answer.embeds[0].title == entry.question
    buttons = [child for row in answer.components for child in row.children]  # type: ignore[attr-defined]
    assert [button.label for button in buttons] == ["Helpful", "Not helpful"]
    (body,) = room.answer_bodies()
    assert body["allowed_mentions"] == NO_PINGS
    assert not body.get("flags", 0) & EPHEMERAL
    (record,) = room.recorded_answers()
    answer_id, entry_id, guild_id, channel_id = record
    assert entry_id == entry.id
    assert (guild_id, channel_id) == (answer.guild.id if answer.guild else None, answer.channel.id)
    assert all(button.custom_id.endswith(f":{answer_id}") for button in buttons)


@pytest.mark.parametrize("way", WAYS, ids=lambda way: way.__name__)
async def test_every_way_of_asking_spends_exactly_one_answer(
    simcord_env: simcord.Env, make_bot: BotFactory, engine: Engine, way: Way
) -> None:
    room = await open_room(simcord_env, make_bot, engine, cooldown_rate=1)

    entry = await way(room)
    (answer,) = room.answers()  # one answer allowed: the way did not spend two
    assert answer.embeds[0].description == entry.answer
    question, _ = answered(engine)
    again = await room.alice.slash(room.general, "ask", question=question)

    assert again.ephemeral  # the way spent the one answer Alice had
    assert again.response is not None and REFUSED in again.response.content
    assert len(room.answers()) == 1
    assert [type(error).__name__ for error in room.env.errors] == ["CommandOnCooldown"]


@pytest.mark.parametrize(
    ("way", "refusal"),
    [
        (by_slash_command, "private"),
        (by_message_command, "private"),
        (by_mention, "channel"),
        (by_reply, "channel"),
        (by_auto_answer, "silent"),
        # A "did you mean" click needs an /ask first; a refused /ask is by_slash_command's case.
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
async def test_once_the_answer_is_spent_every_way_of_asking_is_refused(
    simcord_env: simcord.Env, make_bot: BotFactory, engine: Engine, way: Way, refusal: str
) -> None:
    room = await open_room(simcord_env, make_bot, engine, cooldown_rate=1)
    question, _ = answered(engine)
    await room.alice.slash(room.general, "ask", question=question)
    before = len(room.env.http_requests)

    await way(room)

    assert len(room.answers()) == 1  # only the first
    said = [r.json for r in room.env.http_requests[before:] if r.method == "POST"]
    refusals = [
        body.get("data", body) for body in said if isinstance(body, dict) and REFUSED in str(body)
    ]
    # Interactions are refused through the one error handler; messages in the channel.
    handled = [type(error).__name__ for error in room.env.errors]
    assert handled == (["CommandOnCooldown"] if refusal == "private" else [])
    if refusal == "silent":
        assert refusals == []
        return
    (notice,) = refusals
    assert REFUSED in notice["content"]
    assert bool(notice.get("flags", 0) & EPHEMERAL) == (refusal == "private")


async def by_empty_slash_command(room: Room) -> None:
    await room.alice.slash(room.general, "ask", question=f"{room.mention} \u200b")


async def by_textless_message_command(room: Room) -> None:
    asked = await room.bob.send(room.general, room.mention)
    await room.alice.context_menu(room.general, "Ask citebot", asked)


async def by_bare_mention(room: Room) -> None:
    await room.alice.send(room.general, f"{room.mention} help")


@pytest.mark.parametrize(
    "how_to_ask",
    [by_empty_slash_command, by_textless_message_command, by_bare_mention],
    ids=lambda way: way.__name__,
)
async def test_asking_how_to_ask_spends_nothing(
    simcord_env: simcord.Env,
    make_bot: BotFactory,
    engine: Engine,
    how_to_ask: Callable[[Room], Awaitable[None]],
) -> None:
    room = await open_room(simcord_env, make_bot, engine, cooldown_rate=1)

    await how_to_ask(room)
    question, entry = answered(engine)
    result = await room.alice.slash(room.general, "ask", question=question)

    assert not result.ephemeral
    assert result.response is not None
    assert result.response.embeds[0].description == entry.answer


async def test_not_in_the_article_is_public_with_its_own_title_and_the_answer_footer(
    simcord_env: simcord.Env, make_bot: BotFactory, engine: Engine
) -> None:
    room = await open_room(simcord_env, make_bot, engine)
    question = "how much did the investment fund start with"
    result = engine.ask(question)
    assert result.shown is not None and result.not_said

    await room.alice.slash(room.general, "ask", question=question)

    (reply,) = room.answers()  # seen by Bob: public, like an answer
    embed = reply.embeds[0]
    assert embed.title == result.not_said
    assert embed.description is not None
    assert embed.description.startswith("What it does say")
    assert result.shown.answer in embed.description
    assert embed.footer.text is not None and f"entry {result.shown.id}" in embed.footer.text
    assert embed.fields[0].name is not None
    assert embed.fields[0].name.endswith(f"paragraph {result.shown.quotes[0].paragraph}")
    (body,) = room.answer_bodies()
    assert body["allowed_mentions"] == NO_PINGS
