"""Notices for moderators: the mod log channel, and code blocks that fit a message."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.discord_app import limits
from bot.discord_app.replies import NO_MENTIONS
from bot.engine.outcomes import ReloadOutcome

if TYPE_CHECKING:
    from bot.discord_app.client import CiteBot

log = logging.getLogger(__name__)

FENCE = "```"


def code_block(text: str, limit: int = limits.MESSAGE_CONTENT, *, heading: str = "") -> str:
    """Return ``text`` as a code block of at most ``limit`` characters, with an optional heading."""
    # A fence inside the text would end the block early; a zero-width space defuses it.
    body = text.replace(FENCE, "`\u200b``")
    prefix = f"{heading}\n" if heading else ""
    room = limit - len(prefix) - 2 * len(FENCE) - 2
    return f"{prefix}{FENCE}\n{limits.trim(body, max(room, 0))}\n{FENCE}"


async def post_mod_log(bot: CiteBot, text: str, *, heading: str = "") -> None:
    """Post to the mod log channel when one is configured; log and carry on if Discord refuses."""
    channel_id = bot.settings.mod_log_channel_id
    if channel_id is None:
        return
    try:
        channel = bot.get_channel(channel_id) or await bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("MOD_LOG_CHANNEL_ID %s is not a channel I can post in", channel_id)
            return
        await channel.send(code_block(text, heading=heading), allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as error:
        log.warning("Could not post to the mod log channel %s: %s", channel_id, error)


async def report_reload(bot: CiteBot, outcome: ReloadOutcome) -> None:
    """Log a watcher's reload and tell the mod log: refusals in full, successes in one line."""
    if outcome.ok:
        log.info("Automatic %s: %s", outcome.action, outcome.describe())
        heading = "Knowledge changed on disk and went live:"
    else:
        log.warning("Automatic %s refused: %s", outcome.action, outcome.describe())
        heading = "Knowledge changed on disk but was refused:"
    await post_mod_log(bot, outcome.describe(), heading=heading)
