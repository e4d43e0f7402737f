"""Who counts as a moderator: the real check behind /kb's default-permission hint."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.discord_app.client import CiteBot

log = logging.getLogger(__name__)

MODERATORS_ONLY = "Only moderators (Manage Server, or the moderator role) can use /kb."
GUILD_ONLY = "/kb works only inside a server."


def is_moderator(member: discord.Member, moderator_role_id: int | None) -> bool:
    """Return True for a member with Manage Server or the configured moderator role."""
    if member.guild_permissions.manage_guild:
        return True
    return moderator_role_id is not None and any(
        role.id == moderator_role_id for role in member.roles
    )


async def moderator_check(interaction: discord.Interaction[Any]) -> bool:
    """Check: let moderators through, refuse everyone else with one sentence."""
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise app_commands.NoPrivateMessage(GUILD_ONLY)
    settings = cast("CiteBot", interaction.client).settings
    if not is_moderator(interaction.user, settings.moderator_role_id):
        log.info("Refused /kb to %s in guild %s", interaction.user.id, interaction.guild_id)
        raise app_commands.CheckFailure(MODERATORS_ONLY)
    return True


moderators_only = app_commands.check(moderator_check)
