"""Buttons that report errors through the one handler, and paging through long listings."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.discord_app.errors import handle_interaction_error
from bot.discord_app.replies import NO_MENTIONS, reply_privately
from bot.discord_app.shutdown import admit_or_tell

log = logging.getLogger(__name__)


class CitebotView(discord.ui.View):
    """A view that reports errors through the one handler and drops its buttons on timeout."""

    message: discord.Message | None = None

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Take the click as work in flight; once the bot is stopping, say to try again."""
        return await admit_or_tell(interaction)

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Route button failures to the same handler as commands."""
        await handle_interaction_error(interaction, error)

    async def on_timeout(self) -> None:
        """Remove the expired buttons so nobody clicks a dead one."""
        if self.message is None:
            return
        try:
            await self.message.edit(view=None, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.debug("Could not remove expired buttons from message %s", self.message.id)


class PagesView(CitebotView):
    """Previous / next buttons over a list of embeds, for the person who asked."""

    def __init__(self, pages: Sequence[discord.Embed], owner_id: int) -> None:
        super().__init__(timeout=300)
        self.pages = list(pages)
        self.owner_id = owner_id
        self.index = 0
        self._sync_buttons()

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Let only the person who asked turn the pages."""
        return interaction.user.id == self.owner_id and await super().interaction_check(interaction)

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[PagesView]
    ) -> None:
        """Show the previous page."""
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[PagesView]
    ) -> None:
        """Show the next page."""
        await self._show(interaction, self.index + 1)

    async def _show(self, interaction: discord.Interaction[Any], index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1


async def show_pages(interaction: discord.Interaction[Any], pages: Sequence[discord.Embed]) -> None:
    """Show embeds privately as the first response: one page alone, or pages with buttons."""
    if len(pages) == 1:
        await reply_privately(interaction, embed=pages[0])
        return
    view = PagesView(pages, owner_id=interaction.user.id)
    sent = await interaction.response.send_message(
        embed=pages[0], view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
    )
    if isinstance(sent.resource, discord.InteractionMessage):
        view.message = sent.resource
