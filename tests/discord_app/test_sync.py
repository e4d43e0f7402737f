"""Command sync: globally only when the command set changed, instantly to a dev guild."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import discord
import pytest
import simcord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.client import CiteBot
from bot.discord_app.holder import EngineHolder
from bot.discord_app.sync import FINGERPRINT_FILE, command_fingerprint
from bot.engine import Engine
from tests.discord_app.conftest import BotFactory, make_settings, requests_to

COMMANDS = ["Ask citebot", "ask", "help", "kb", "quote", "source", "topics"]


def global_syncs(env: simcord.Env) -> list[simcord.HttpLogEntry]:
    """PUTs of the global command set."""
    app_id = env.bot.application_id
    return [
        r
        for r in requests_to(env, "PUT", "/commands")
        if r.path == f"/applications/{app_id}/commands"
    ]


class Ping(commands.Cog):
    """A cog from elsewhere (as the moderator features will add), with one more command."""

    def __init__(self, bot: CiteBot) -> None:
        self.bot = bot

    @app_commands.command()
    async def ping(self, interaction: discord.Interaction[Any]) -> None:
        """Answer pong."""
        await interaction.response.send_message("pong", ephemeral=True)


async def test_first_start_syncs_globally_and_keeps_a_fingerprint(
    simcord_env: simcord.Env, tmp_path: Path
) -> None:
    (sync,) = global_syncs(simcord_env)

    assert sorted(command["name"] for command in sync.json) == COMMANDS
    stored = json.loads((tmp_path / "data" / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    app_id = simcord_env.bot.application_id
    assert stored["fingerprint"] == command_fingerprint(simcord_env.bot.tree, app_id)


async def test_a_restart_with_the_same_commands_does_not_sync(
    simcord_env: simcord.Env, make_bot: BotFactory
) -> None:
    await simcord_env.restart_bot(make_bot())

    assert len(global_syncs(simcord_env)) == 1
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    result = await alice.slash(channel, "help")  # still invokable: Discord kept them
    assert result.ephemeral


async def test_changed_commands_sync_again(
    simcord_env: simcord.Env, engine: Engine, tmp_path: Path
) -> None:
    bot = CiteBot(make_settings(tmp_path / "data"), EngineHolder(engine), extra_cogs=[Ping])
    await simcord_env.restart_bot(bot)

    syncs = global_syncs(simcord_env)
    assert len(syncs) == 2
    assert "ping" in [command["name"] for command in syncs[-1].json]
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    assert (await alice.slash(channel, "ping")).response.content == "pong"


async def test_an_unreadable_fingerprint_means_sync(
    simcord_env: simcord.Env, make_bot: BotFactory, tmp_path: Path
) -> None:
    (tmp_path / "data" / FINGERPRINT_FILE).write_text("{not json", encoding="utf-8")

    await simcord_env.restart_bot(make_bot())

    assert len(global_syncs(simcord_env)) == 2


async def test_a_dev_guild_syncs_on_every_start_and_leaves_global_alone(
    simcord_env: simcord.Env, make_bot: BotFactory
) -> None:
    guild = simcord_env.create_guild("Dev")
    app_id = simcord_env.bot.application_id

    await simcord_env.restart_bot(make_bot(discord_guild_id=guild.id))
    await simcord_env.restart_bot(make_bot(discord_guild_id=guild.id))

    guild_path = f"/applications/{app_id}/guilds/{guild.id}/commands"
    guild_syncs = requests_to(simcord_env, "PUT", guild_path)
    assert len(guild_syncs) == 2
    assert sorted(command["name"] for command in guild_syncs[-1].json) == COMMANDS
    assert len(global_syncs(simcord_env)) == 1  # only the fixture's first start


async def test_a_failed_sync_is_logged_and_the_bot_still_answers(
    simcord_env: simcord.Env,
    make_bot: BotFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (tmp_path / "data" / FINGERPRINT_FILE).unlink()
    simcord_env.inject_error("PUT", "/applications/*/commands", status=500)

    with caplog.at_level(logging.ERROR, logger="bot.discord_app.client"):
        await simcord_env.restart_bot(make_bot())

    assert "Command sync failed" in caplog.text
    assert not (tmp_path / "data" / FINGERPRINT_FILE).exists()  # so the next start retries
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    assert (await alice.slash(channel, "help")).ephemeral


def test_the_fingerprint_depends_on_commands_and_application(simcord_env: simcord.Env) -> None:
    tree = simcord_env.bot.tree

    assert command_fingerprint(tree, 1) == command_fingerprint(tree, 1)
    assert command_fingerprint(tree, 1) != command_fingerprint(tree, 2)
