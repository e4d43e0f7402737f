"""The bot: discord.py's Bot with the engine, settings and citebot's cogs plugged in."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from bot.discord_app.cooldown import AnswerCooldown
from bot.discord_app.errors import CitebotTree
from bot.discord_app.feedback import Feedback
from bot.discord_app.holder import EngineHolder
from bot.discord_app.replies import NO_MENTIONS
from bot.discord_app.shutdown import InFlight, StopReport
from bot.discord_app.sync import sync_commands
from bot.discord_app.votes import VoteButton
from bot.engine.lifecycle import KnowledgeManager
from bot.knowledge.model import KnowledgeError
from bot.search.config import MatchConfig
from bot.settings import Settings

log = logging.getLogger(__name__)

CogFactory = Callable[["CiteBot"], commands.Cog]

# A WebSocket close frame's body: status 1000, "normal closure" (RFC 6455, 5.5.1).
NORMAL_CLOSURE = (1000).to_bytes(2, "big")


def build_intents(settings: Settings) -> discord.Intents:
    """Ask for guilds and guild messages, plus message content when the settings allow it."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = settings.message_content_intent
    return intents


class CiteBot(commands.Bot):
    """citebot on Discord: answers from the engine in ``holder``, configured by ``settings``.

    ``manager`` reloads the knowledge; without one, setup_hook starts one on the settings'
    knowledge directory. ``feedback`` records questions and votes once setup_hook opened it.
    """

    manager: KnowledgeManager

    def __init__(
        self,
        settings: Settings,
        holder: EngineHolder,
        *,
        extra_cogs: Sequence[CogFactory] = (),
        manager: KnowledgeManager | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=build_intents(settings),
            allowed_mentions=NO_MENTIONS,
            tree_cls=CitebotTree,
            chunk_guilds_at_startup=False,
            **options,
        )
        self.settings = settings
        self.holder = holder
        self.cooldown = AnswerCooldown(settings.cooldown_rate, settings.cooldown_per_seconds)
        self.extra_cogs = tuple(extra_cogs)
        self._given_manager = manager
        self.feedback = Feedback(None)
        self.in_flight = InFlight()
        # Channel id -> the article it answers about first (/kb article), from the database.
        self.channel_articles: dict[int, str] = {}

    async def setup_hook(self) -> None:
        """Start the knowledge manager and the feedback store, load the cogs, sync commands.

        Commands sync here, not in on_ready, which runs on every reconnect.
        """
        from bot.discord_app.cogs import DEFAULT_COGS  # the cogs import this module

        self.manager = self._given_manager or await self._start_manager()
        if self.manager.engine.version != self.holder.engine.version:
            self.holder.swap(self.manager.engine)
        self.manager.on_swap = self.holder.swap
        self.feedback = await Feedback.open(self.settings)
        self.channel_articles = await self.feedback.channel_articles() or {}
        self.add_dynamic_items(VoteButton)
        for factory in (*DEFAULT_COGS, *self.extra_cogs):
            await self.add_cog(factory(self))
        if self.application_id is None:
            log.warning("No application id known; commands were not synced")
            return
        try:
            await sync_commands(self.tree, self.settings, self.application_id)
        except discord.HTTPException as error:
            # The bot still answers mentions; slash commands keep their last synced shape.
            log.error("Command sync failed (%s); continuing with the last synced commands", error)

    async def _start_manager(self) -> KnowledgeManager:
        """Load the knowledge directory in a thread; if it fails now, serve what we were given."""
        directory, data_dir = self.settings.knowledge_dir, self.settings.data_dir
        try:
            return await asyncio.to_thread(
                KnowledgeManager.start,
                directory,
                data_dir,
                config=MatchConfig().with_thresholds(**self.settings.threshold_overrides),
            )
        except KnowledgeError as error:
            log.warning(
                "%s no longer loads (%d problems); serving knowledge %s until a reload succeeds",
                directory,
                len(error.problems),
                self.holder.engine.version,
            )
            return KnowledgeManager(self.holder.engine, directory=directory, data_dir=data_dir)

    def article_for(self, channel: object) -> str | None:
        """The article ``channel`` (or the channel a thread is in) answers about first, if set."""
        for channel_id in (getattr(channel, "id", None), getattr(channel, "parent_id", None)):
            if channel_id in self.channel_articles:
                return self.channel_articles[channel_id]
        return None

    async def stop_gracefully(self, grace: float) -> StopReport:
        """Answer what is in flight (up to ``grace`` seconds), tell the rest to ask again, close."""
        log.info(
            "Stopping: answering %d question(s) in flight, for up to %.0f s",
            len(self.in_flight),
            grace,
        )
        try:
            report = await self.in_flight.drain(grace)
            log.info(
                "Answered %d in flight; told %d to ask again; closing the gateway and the database",
                report.finished,
                report.told,
            )
        finally:  # whatever went wrong above, the bot still closes
            await self.close()
        return report

    async def close(self) -> None:
        """Stop the cogs (and with them the watcher), disconnect, then close the database."""
        try:
            await self._close_gateway_normally()
            await super().close()
        finally:
            await self.feedback.close()

    async def _close_gateway_normally(self) -> None:
        """Start the gateway's closing handshake with 1000 ourselves, so Discord ends the session.

        discord.py asks for 1000, but its reading task answers aiohttp's wake-up by closing with
        4000 first (Rapptz/discord.py#6134): Discord then keeps the session resumable and shows
        the bot online for minutes. discord.py's own close follows and finds the socket closing.
        (Its shards stop their reading task first and close with 1000: test_end_to_end checks
        both.)
        """
        socket = getattr(self.ws, "socket", None)
        if isinstance(socket, aiohttp.ClientWebSocketResponse) and not socket.closed:
            with suppress(aiohttp.ClientError, ConnectionError, RuntimeError):
                await socket.send_frame(NORMAL_CLOSURE, aiohttp.WSMsgType.CLOSE)

    async def on_message(self, message: discord.Message, /) -> None:
        """Do nothing here: citebot has no prefix commands, and its cogs listen for messages."""

    async def on_ready(self) -> None:
        """Log who we are and what we serve."""
        log.info(
            "Logged in as %s (id %s) in %d guilds, knowledge version %s",
            self.user,
            self.user.id if self.user else "?",
            len(self.guilds),
            self.holder.engine.version,
        )


class ShardedCiteBot(CiteBot, commands.AutoShardedBot):
    """citebot on Discord's own sharding, for bots in many guilds."""


def create_bot(
    settings: Settings,
    holder: EngineHolder,
    *,
    extra_cogs: Sequence[CogFactory] = (),
    manager: KnowledgeManager | None = None,
) -> CiteBot:
    """Build the bot, sharded when the settings ask for it."""
    if not settings.uses_sharding:
        return CiteBot(settings, holder, extra_cogs=extra_cogs, manager=manager)
    return ShardedCiteBot(
        settings,
        holder,
        extra_cogs=extra_cogs,
        manager=manager,
        shard_count=settings.shard_count,
        shard_ids=settings.shard_ids,
    )
