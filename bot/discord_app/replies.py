"""The one way citebot speaks: never pinging anyone, private for misses and errors."""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast

import aiohttp
import discord

from bot.discord_app import limits
from bot.render.text import NO_ANSWER, NO_QUOTES, PARTIAL_QUOTES
from bot.search.results import AskResult

if TYPE_CHECKING:
    from bot.discord_app.client import CiteBot

log = logging.getLogger(__name__)

T = TypeVar("T")

# Discord drops an interaction that has no first response within 3 s. Work that usually takes
# milliseconds but may wait (the database behind a burst of writes) gets this long before the
# interaction is acknowledged ("thinking...") and answered with a follow-up instead.
ACKNOWLEDGE_AFTER_SECONDS = 1.0

# Set on the bot and passed on every send: a question echoing @everyone must never ping.
NO_MENTIONS = discord.AllowedMentions.none()

# What a send raises when the reply cannot reach Discord: refused (HTTPException), the
# connection lost (aiohttp's errors, OSError), too slow, or the bot's session already closed
# (aiohttp raises RuntimeError("Session is closed")).
UNDELIVERABLE: tuple[type[Exception], ...] = (
    discord.HTTPException,
    aiohttp.ClientError,
    OSError,
    TimeoutError,
    RuntimeError,
)

NO_ANSWER_HINT = "Try `/topics` to see what I can answer."
DID_YOU_MEAN = "Did you mean one of these?"
EMPTY_MESSAGE = "Ask me a question about the article, for example “who wrote it?”, or use `/ask`."
APOLOGY = "Sorry, something went wrong on my side while answering. It has been logged."
NOT_ALLOWED = "You can't use that here."


class Destination(ABC):
    """Where a reply goes: the bot replying, who asked, and the guild and channel they asked in.

    A subclass delivers; ``send`` decides what is sent, so every reply pings nobody.
    """

    bot: CiteBot
    asker_id: int
    guild_id: int | None
    channel_id: int | None

    async def send(
        self,
        content: str | None = None,
        *,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
        private: bool = False,
    ) -> discord.Message | None:
        """Send, privately when asked and possible; return the message, None if not sent."""
        with self.bot.in_flight.replying():  # a stop lets this reply finish
            return await self._deliver(private, **_parts(content, embed, view))

    @abstractmethod
    async def _deliver(self, private: bool, **parts: Any) -> discord.Message | None:
        """Send ``parts``; return the message, or None if it could not be sent."""


class InteractionReply(Destination):
    """Reply to an interaction: as its response while it has none, as a follow-up after."""

    def __init__(self, interaction: discord.Interaction[Any]) -> None:
        self.interaction = interaction
        self.bot = cast("CiteBot", interaction.client)
        self.asker_id = interaction.user.id
        self.guild_id = interaction.guild_id
        self.channel_id = interaction.channel_id

    async def _deliver(self, private: bool, **parts: Any) -> discord.Message:
        if self.interaction.response.is_done():
            return await self.interaction.followup.send(ephemeral=private, wait=True, **parts)
        sent = await self.interaction.response.send_message(ephemeral=private, **parts)
        if isinstance(sent.resource, discord.InteractionMessage):
            return sent.resource
        return await self.interaction.original_response()


class MessageReply(Destination):
    """Reply to a message in its channel, where nothing can be private."""

    def __init__(self, bot: CiteBot, message: discord.Message) -> None:
        self.message = message
        self.bot = bot
        self.asker_id = message.author.id
        self.guild_id = message.guild.id if message.guild is not None else None
        self.channel_id = message.channel.id

    async def notice(self, content: str, *, seconds: float) -> None:
        """Reply with a notice that deletes itself after ``seconds``."""
        await self._deliver(False, **_parts(content), delete_after=seconds)

    async def _deliver(self, private: bool, **parts: Any) -> discord.Message | None:
        try:
            return await self.message.reply(**parts)
        except discord.HTTPException as error:  # e.g. no permission to send here: log, go on
            log.warning("Could not reply in channel %s: %s", self.channel_id, error)
            return None


async def reply_privately(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Send an ephemeral reply, as the first response or as a follow-up if one was sent."""
    await InteractionReply(interaction).send(content, embed=embed, view=view, private=True)


async def acknowledging_if_slow(
    interaction: discord.Interaction[Any],
    work: Awaitable[T],
    *,
    private: bool = True,
    after: float | None = None,
) -> T:
    """Await ``work``; if it takes over ``after`` seconds (default ACKNOWLEDGE_AFTER_SECONDS),
    acknowledge the interaction meanwhile.

    The reply that follows then goes out as a follow-up (InteractionReply sees the response
    done), with the visibility chosen here: it must be known before the work's result is.
    """
    task = asyncio.ensure_future(work)
    wait = ACKNOWLEDGE_AFTER_SECONDS if after is None else after
    try:
        done, _ = await asyncio.wait({task}, timeout=wait)
        if not done and not interaction.response.is_done():
            try:
                await interaction.response.defer(ephemeral=private, thinking=True)
            except discord.HTTPException as error:  # the reply will try, and say what failed
                log.warning("Could not acknowledge a slow interaction: %s", error)
        return await task
    finally:
        task.cancel()  # cancelled itself (a stop): the work goes too; done already: no effect


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


def partial_quotes_message(term: str) -> str:
    """Say no sentence has every word of a term, before the closest ones, echoing it safely."""
    return _escape(PARTIAL_QUOTES.format(term=limits.visible(term, limits.ECHO)))


def _parts(
    content: str | None, embed: discord.Embed | None = None, view: discord.ui.View | None = None
) -> dict[str, Any]:
    """What to send: the parts given (discord.py tells an omitted one from None), no pings."""
    parts = {"content": content, "embed": embed, "view": view}
    given = {name: part for name, part in parts.items() if part is not None}
    return {**given, "allowed_mentions": NO_MENTIONS}


def _escape(text: str) -> str:
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))
