"""One handler for every failure in a slash command, context menu or button."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.discord_app.replies import APOLOGY, NOT_ALLOWED, reply_privately, retry_message

log = logging.getLogger(__name__)


class CitebotTree(app_commands.CommandTree[Any]):
    """The command tree, routing every command error to ``handle_interaction_error``."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        """Tell the user briefly and privately; log the details."""
        await handle_interaction_error(interaction, error)


async def handle_interaction_error(interaction: discord.Interaction[Any], error: Exception) -> None:
    """Reply with a short ephemeral message; log a traceback unless the user caused it."""
    if isinstance(error, app_commands.CommandOnCooldown):
        message = retry_message(error.retry_after)
    elif isinstance(error, app_commands.CheckFailure):
        message = str(error) or NOT_ALLOWED
    else:
        original = getattr(error, "original", error)
        log.error(
            "Interaction failed: %s (options %r, user %s, guild %s)",
            _describe(interaction),
            _data(interaction).get("options", []),
            interaction.user.id,
            interaction.guild_id,
            exc_info=original,
        )
        message = APOLOGY
    try:
        await reply_privately(interaction, message)
    except discord.HTTPException:
        log.warning("Could not tell the user about a failed %s", _describe(interaction))


def _describe(interaction: discord.Interaction[Any]) -> str:
    if interaction.command is not None:
        return f"command /{interaction.command.qualified_name}"
    data = _data(interaction)
    if "custom_id" in data:
        return f"component {data['custom_id']!r}"
    return f"interaction {data.get('name', interaction.type.name)!r}"


def _data(interaction: discord.Interaction[Any]) -> dict[str, Any]:
    return dict(interaction.data or {})
