"""One handler for every failure in a slash command, context menu or button."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.discord_app.replies import (
    APOLOGY,
    NOT_ALLOWED,
    UNDELIVERABLE,
    reply_privately,
    retry_message,
)
from bot.discord_app.shutdown import RESTARTING, admits

log = logging.getLogger(__name__)

# The connection to Discord failed under a command: not a bug of ours, so no traceback.
CONNECTION_LOST = (aiohttp.ClientError, TimeoutError, discord.DiscordServerError)


class Restarting(app_commands.CheckFailure):
    """The bot is stopping and this interaction arrived after the stop began."""

    def __init__(self) -> None:
        super().__init__(RESTARTING)


class CitebotTree(app_commands.CommandTree[Any]):
    """The command tree: counts commands in flight, routes every error to one handler."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Take the command as work in flight, or refuse it once the bot is stopping."""
        if interaction.type is discord.InteractionType.autocomplete:
            return True  # answered from memory at once; it cannot be told anything
        if not admits(interaction):
            raise Restarting
        return True

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        """Tell the user briefly and privately; log the details."""
        await handle_interaction_error(interaction, error)


async def handle_interaction_error(interaction: discord.Interaction[Any], error: Exception) -> None:
    """Reply with a short ephemeral message; log a traceback unless the user caused it.

    Never raises: a reply that cannot reach Discord (the connection lost, the session closed
    by a stop) is logged as a warning.
    """
    original = getattr(error, "original", error)
    if isinstance(error, app_commands.CommandOnCooldown):
        message = retry_message(error.retry_after)
    elif isinstance(error, app_commands.CheckFailure):
        message = str(error) or NOT_ALLOWED
    elif isinstance(original, CONNECTION_LOST):
        log.warning(
            "Lost the connection to Discord during %s: %s",
            _describe(interaction),
            type(original).__name__,
        )
        message = APOLOGY
    else:
        log.error(
            "Interaction failed: %s (options %r, user %s, guild %s)",
            _describe(interaction),
            _data(interaction).get("options", []),
            interaction.user.id,
            interaction.guild_id,
            exc_info=original,
        )
        message = APOLOGY
    if interaction.client.is_closed():
        return
    try:
        await reply_privately(interaction, message)
    except UNDELIVERABLE as failure:
        log.warning(
            "Could not tell the user about a failed %s: %s",
            _describe(interaction),
            type(failure).__name__,
        )


def _describe(interaction: discord.Interaction[Any]) -> str:
    if interaction.command is not None:
        return f"command /{interaction.command.qualified_name}"
    data = _data(interaction)
    if "custom_id" in data:
        return f"component {data['custom_id']!r}"
    return f"interaction {data.get('name', interaction.type.name)!r}"


def _data(interaction: discord.Interaction[Any]) -> dict[str, Any]:
    return dict(interaction.data or {})
