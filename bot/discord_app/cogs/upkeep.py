"""Background upkeep: watch the knowledge directory, and purge old records daily."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from discord.ext import commands, tasks

from bot.discord_app.modlog import report_reload
from bot.engine.outcomes import ReloadOutcome
from bot.engine.watcher import watch

if TYPE_CHECKING:
    from bot.discord_app.client import CiteBot

log = logging.getLogger(__name__)

PURGE_HOURS = 24


class Upkeep(commands.Cog):
    """Start the knowledge watcher and the retention purge with the bot; stop them with it."""

    def __init__(self, bot: CiteBot) -> None:
        self.bot = bot
        self.watcher: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        """Start watching (when the settings ask for it) and purging (first run at once)."""
        settings = self.bot.settings
        if settings.watch_knowledge:
            self.watcher = asyncio.create_task(
                watch(
                    self.bot.manager,
                    debounce_ms=settings.reload_debounce_ms,
                    on_outcome=self.on_outcome,
                ),
                name="citebot-knowledge-watcher",
            )
            log.info("Watching %s for knowledge edits", self.bot.manager.directory)
        self.purge.start()

    async def cog_unload(self) -> None:
        """Stop the watcher and the purge loop."""
        self.purge.cancel()
        if self.watcher is not None:
            self.watcher.cancel()
            await asyncio.gather(self.watcher, return_exceptions=True)
            self.watcher = None

    async def on_outcome(self, outcome: ReloadOutcome) -> None:
        """Tell moderators what an automatic reload did."""
        await report_reload(self.bot, outcome)

    @tasks.loop(hours=PURGE_HOURS)
    async def purge(self) -> None:
        """Delete records past the retention period."""
        await self.bot.feedback.purge(self.bot.settings.retention_days)
