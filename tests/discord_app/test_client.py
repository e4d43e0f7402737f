"""The bot object: intents, mentions policy, sharding and running without message content."""

from __future__ import annotations

import discord
import pytest
import simcord

from bot.discord_app.client import CiteBot, ShardedCiteBot
from bot.engine import Engine
from tests.discord_app.conftest import BotFactory, answered, sure_question


def test_the_bot_asks_only_for_the_intents_it_needs(make_bot: BotFactory) -> None:
    intents = make_bot().intents

    assert (
        intents.value
        == discord.Intents(guilds=True, guild_messages=True, message_content=True).value
    )
    assert not intents.members and not intents.presences


def test_message_content_can_be_switched_off(make_bot: BotFactory) -> None:
    assert not make_bot(message_content_intent=False).intents.message_content


def test_the_bot_never_pings_by_default(make_bot: BotFactory) -> None:
    assert make_bot().allowed_mentions.to_dict() == {"parse": []}


@pytest.mark.parametrize(
    ("settings", "shard_count", "shard_ids"),
    [
        ({"sharded": True}, None, None),
        ({"shard_count": 4}, 4, None),
        ({"shard_count": 4, "shard_ids": [2, 3]}, 4, [2, 3]),
    ],
)
def test_sharding_settings_give_an_auto_sharded_bot(
    make_bot: BotFactory,
    settings: dict[str, object],
    shard_count: int | None,
    shard_ids: list[int] | None,
) -> None:
    bot = make_bot(**settings)

    assert isinstance(bot, ShardedCiteBot) and isinstance(bot, discord.AutoShardedClient)
    assert bot.shard_count == shard_count
    assert bot.shard_ids == shard_ids


def test_no_sharding_settings_give_one_connection(make_bot: BotFactory) -> None:
    bot = make_bot()

    assert type(bot) is CiteBot


async def test_a_sharded_bot_answers_in_a_guild_on_its_second_shard(
    make_bot: BotFactory, engine: Engine
) -> None:
    async with simcord.run(make_bot(shard_count=2)) as env:
        guild = env.create_guild(shard_id=1)
        channel = guild.create_text_channel("general")
        alice = guild.add_member(env.create_user("alice"))
        question, entry = answered(engine)

        result = await alice.slash(channel, "ask", question=question)

        assert env.bot.get_guild(guild.id).shard_id == 1
        assert result.response.embeds[0].description == entry.answer


async def test_without_message_content_mentions_work_and_auto_answers_do_not(
    make_bot: BotFactory, engine: Engine
) -> None:
    no_content = discord.Intents(guilds=True, guild_messages=True)
    async with simcord.run(
        make_bot(message_content_intent=False), approved_intents=no_content
    ) as env:
        guild = env.create_guild()
        auto = guild.create_text_channel("auto")
        await env.restart_bot(
            make_bot(
                message_content_intent=False,
                auto_answer_channel_ids=[auto.id],
                auto_answer_delay_seconds=0,
            )
        )
        alice = guild.add_member(env.create_user("alice"))
        sure, _ = sure_question(engine)
        question, entry = answered(engine)

        await alice.send(auto, sure)
        assert auto.last_message.author.id == alice.id  # no content reached the bot: no answer

        await alice.send(auto, f"<@{env.bot.user.id}> {question}")
        answer = auto.last_message
        assert answer.embeds[0].description == entry.answer

        follow_up, other = next(
            (e.question, e)
            for e in engine.knowledge.entries
            if engine.ask(e.question).entry == e and e != entry
        )
        await alice.send(auto, follow_up, reply_to=answer)  # a reply pings the bot by default
        assert auto.last_message.embeds[0].description == other.answer
