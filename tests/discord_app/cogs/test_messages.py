"""Answers in channels: mentions, replies to citebot and auto-answer channels."""

from __future__ import annotations

import simcord

from bot.engine import Engine
from bot.render.text import NO_ANSWER
from tests.discord_app.conftest import (
    NO_PINGS,
    BotFactory,
    World,
    ambiguous,
    answered,
    requests_to,
)

OFF_TOPIC = "what's the weather in Paris"


def bot_messages(world: World) -> list[dict[str, object]]:
    """The JSON of every message the bot created in a channel, oldest first."""
    return [r.json for r in requests_to(world.env, "POST", "/messages") if r.json]


async def test_mention_with_a_question_gets_an_answer_as_a_reply(
    world: World, engine: Engine
) -> None:
    question, entry = answered(engine)

    asked = await world.alice.send(world.channel, f"{world.bot_mention} {question}")

    reply = world.channel.last_message
    assert reply.author.id == world.env.bot.user.id
    assert reply.reference is not None and reply.reference.message_id == asked.id
    assert reply.embeds[0].description == entry.answer
    assert bot_messages(world)[-1]["allowed_mentions"] == NO_PINGS


async def test_reply_to_an_answer_is_answered(world: World, engine: Engine) -> None:
    first, _ = answered(engine)
    await world.alice.send(world.channel, f"{world.bot_mention} {first}")
    answer = world.channel.last_message
    follow_up, entry = next(
        (e.question, e)
        for e in engine.knowledge.entries
        if engine.ask(e.question).entry == e and e.question != first
    )

    asked = await world.bob.send(world.channel, follow_up, reply_to=answer)

    reply = world.channel.last_message
    assert reply.author.id == world.env.bot.user.id
    assert reply.reference.message_id == asked.id
    assert reply.embeds[0].description == entry.answer


async def test_chatter_under_an_answer_gets_no_reply_but_a_question_does(
    world: World, engine: Engine
) -> None:
    question, _ = answered(engine)
    await world.alice.send(world.channel, f"{world.bot_mention} {question}")
    answer = world.channel.last_message

    await world.bob.send(world.channel, "thanks!", reply_to=answer)
    assert len(bot_messages(world)) == 1
    await world.bob.send(world.channel, f"{OFF_TOPIC}?", reply_to=answer)
    assert NO_ANSWER in world.channel.last_message.content


async def test_a_plain_message_gets_no_answer(world: World, engine: Engine) -> None:
    question, _ = answered(engine)

    await world.alice.send(world.channel, question)

    assert bot_messages(world) == []


async def test_mention_without_an_answer_says_so(world: World) -> None:
    await world.alice.send(world.channel, f"{world.bot_mention} {OFF_TOPIC}?")

    reply = world.channel.last_message
    assert NO_ANSWER in reply.content
    assert "Paris" in reply.content


async def test_mention_with_suggestions_offers_buttons(world: World, engine: Engine) -> None:
    question, expected = ambiguous(engine)
    await world.alice.send(world.channel, f"{world.bot_mention} {question}")
    offer = world.channel.last_message
    chosen = expected.suggestions[0]

    clicked = await world.bob.click(offer, label=chosen.question)

    assert clicked.followups[0].embeds[0].description == chosen.answer
    assert world.channel.last_message.embeds[0].description == chosen.answer


async def test_everyone_in_a_question_pings_nobody(world: World, engine: Engine) -> None:
    question, entry = answered(engine)

    await world.alice.send(world.channel, f"@everyone {world.bot_mention} {question} @here")
    await world.alice.send(world.channel, f"@everyone {world.bot_mention} {OFF_TOPIC}")

    answer, miss = bot_messages(world)
    assert answer["embeds"][0]["description"] == entry.answer
    assert "@everyone" not in miss["content"]
    assert "Paris" in miss["content"]
    assert answer["allowed_mentions"] == miss["allowed_mentions"] == NO_PINGS
    assert not world.channel.last_message.mention_everyone


async def test_a_2000_character_mention_gets_a_reply_within_limits(world: World) -> None:
    # SimCord caps member messages at 2,000 characters; the end-to-end test sends 4,000.
    question = ("why **does** `china` <@&1> care\u200b " * 100)[:1970]

    await world.alice.send(world.channel, f"{world.bot_mention} {question}")

    (sent,) = bot_messages(world)
    assert len(sent.get("content") or "") <= 2000
    assert sent["allowed_mentions"] == NO_PINGS


async def test_an_empty_mention_asks_for_a_question(world: World) -> None:
    await world.alice.send(world.channel, f"{world.bot_mention} \u200b\u200d ")

    assert "Ask me a question" in world.channel.last_message.content


async def test_a_mention_asking_for_help_gets_the_usage_hint(world: World) -> None:
    for text in ("help", "hey bot!"):
        await world.alice.send(world.channel, f"{world.bot_mention} {text}")

        reply = world.channel.last_message
        assert reply.author.id == world.env.bot.user.id
        assert "Ask me a question" in reply.content
        assert not reply.embeds


async def test_a_bare_mention_under_someones_question_answers_it(
    world: World, engine: Engine
) -> None:
    question, entry = answered(engine)
    asked = await world.bob.send(world.channel, question)

    await world.alice.send(world.channel, world.bot_mention, reply_to=asked)

    assert world.channel.last_message.embeds[0].description == entry.answer


async def test_other_bots_are_ignored(world: World, engine: Engine) -> None:
    question, _ = answered(engine)
    robot = world.guild.add_member(world.env.create_user("robot", bot=True))

    await robot.send(world.channel, f"{world.bot_mention} {question}")

    assert bot_messages(world) == []


async def test_mentions_share_the_answer_cooldown(
    simcord_env: simcord.Env, make_bot: BotFactory, engine: Engine
) -> None:
    await simcord_env.restart_bot(make_bot(cooldown_rate=2, cooldown_per_seconds=60))
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    question, entry = answered(engine)
    mention = f"<@{simcord_env.bot.user.id}> {question}"

    await alice.slash(channel, "ask", question=question)
    await alice.send(channel, mention)
    await alice.send(channel, mention)

    notice = channel.last_message
    assert "try again <t:" in notice.content
    await simcord_env.advance_time(61)
    assert channel.last_message.id != notice.id  # the notice tidied itself away
    await alice.send(channel, mention)
    assert channel.last_message.embeds[0].description == entry.answer
