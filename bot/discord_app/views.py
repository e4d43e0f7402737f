"""Buttons: "did you mean" suggestions and paging through long listings."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.discord_app import limits
from bot.discord_app.embeds import answer_embed
from bot.discord_app.errors import handle_interaction_error
from bot.discord_app.feedback import new_answer_id
from bot.discord_app.holder import EngineHolder
from bot.discord_app.replies import NO_MENTIONS, reply_privately
from bot.discord_app.votes import vote_view
from bot.knowledge.model import Entry

if TYPE_CHECKING:
    from bot.discord_app.client import CiteBot

log = logging.getLogger(__name__)

GONE = "That entry is no longer in the knowledge base; ask again to get the current answer."


class CitebotView(discord.ui.View):
    """A view that reports errors through the one handler and drops its buttons on timeout."""

    message: discord.Message | None = None

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


class SuggestionsView(CitebotView):
    """One button per suggested entry; clicking one answers it publicly."""

    def __init__(
        self, entries: Sequence[Entry], holder: EngineHolder, *, question: str = ""
    ) -> None:
        super().__init__(timeout=180)
        self.holder = holder
        self.question = question  # what the member asked, recorded with the chosen answer
        for entry in entries[:3]:
            self.add_item(SuggestionButton(entry))

    async def choose(self, interaction: discord.Interaction[Any], entry_id: str) -> None:
        """Drop the buttons, then post the chosen entry's answer, with feedback buttons."""
        engine = self.holder.engine
        entry = engine.knowledge.entry(entry_id)
        if entry is None:
            await reply_privately(interaction, GONE)
            return
        self.stop()
        note = f"Answered: {limits.trim(entry.question, limits.BUTTON_LABEL)}"
        await interaction.response.edit_message(content=note, view=None)
        answer_id = new_answer_id()
        await interaction.followup.send(
            embed=answer_embed(entry, engine),
            view=vote_view(answer_id),
            allowed_mentions=NO_MENTIONS,
        )
        await cast("CiteBot", interaction.client).feedback.answered(
            answer_id,
            entry.id,
            question=self.question or entry.question,
            score=None,  # the member chose it; the matcher was unsure
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
        )


class SuggestionButton(discord.ui.Button[SuggestionsView]):
    """A "did you mean" button for one entry."""

    def __init__(self, entry: Entry) -> None:
        label = limits.trim(entry.question, limits.BUTTON_LABEL)
        super().__init__(label=label, style=discord.ButtonStyle.secondary)
        self.entry_id = entry.id

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Answer this entry."""
        assert self.view is not None
        await self.view.choose(interaction, self.entry_id)


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
        return interaction.user.id == self.owner_id

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
