"""The one way citebot speaks: never pinging anyone, private for misses and errors."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import discord

from bot.discord_app import limits
from bot.render.text import NO_ANSWER, NO_QUOTES
from bot.search.results import AskResult

log = logging.getLogger(__name__)

# Set on the bot and passed on every send: a question echoing @everyone must never ping.
NO_MENTIONS = discord.AllowedMentions.none()

NO_ANSWER_HINT = "Try `/topics` to see what I can answer."
DID_YOU_MEAN = "Did you mean one of these?"
EMPTY_MESSAGE = "Ask me a question about the article, for example “who wrote it?”, or use `/ask`."
APOLOGY = "Sorry, something went wrong on my side while answering. It has been logged."
NOT_ALLOWED = "You can't use that here."


async def reply_privately(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Send an ephemeral reply, as the first response or as a follow-up if one was sent."""
    kwargs: dict[str, Any] = {"ephemeral": True, "allowed_mentions": NO_MENTIONS}
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(content or "", **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)


def retry_message(retry_after: float) -> str:
    """Tell a user on cooldown when they may ask again, in their own time zone."""
    when = discord.utils.utcnow() + timedelta(seconds=max(retry_after, 1.0))
    return (
        "You're asking faster than I can answer; "
        f"try again {discord.utils.format_dt(when, 'R')} ({retry_after:.0f} s)."
    )


def safe_echo(text: str, limit: int = limits.ECHO) -> str:
    """Return user text fit to show back: visible characters, trimmed, no markdown, no pings."""
    return _escape(limits.visible(text, limit))


def miss_message(question: str, result: AskResult) -> str:
    """Say honestly that there is no answer, echoing the question safely."""
    follow_up = DID_YOU_MEAN if result.suggestions else NO_ANSWER_HINT
    return f"{NO_ANSWER}\nYou asked: “{safe_echo(question)}”\n{follow_up}"


def no_quotes_message(term: str) -> str:
    """Say the article never mentions a term, echoing it safely."""
    return _escape(NO_QUOTES.format(term=limits.visible(term, limits.ECHO)))


def _escape(text: str) -> str:
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))
