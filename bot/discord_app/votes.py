"""The "Helpful" / "Not helpful" buttons under public answers; they work after a restart."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.discord_app.errors import handle_interaction_error
from bot.discord_app.replies import acknowledging_if_slow, reply_privately
from bot.discord_app.shutdown import admit_or_tell
from bot.moderation.store import VoteResult

if TYPE_CHECKING:
    from bot.discord_app.client import CiteBot

log = logging.getLogger(__name__)

# The custom id carries everything a click needs, so no view has to survive a restart.
TEMPLATE = r"citebot:vote:(?P<helpful>[yn]):(?P<answer_id>[0-9a-f]{32})"

ACKNOWLEDGEMENTS = {
    VoteResult.COUNTED: "Thanks — counted.",
    VoteResult.CHANGED: "Vote changed — thanks.",
    VoteResult.UNCHANGED: "You already voted that way; it still counts once.",
    VoteResult.UNKNOWN_ANSWER: "That answer is too old to rate; ask again to rate a fresh one.",
}
VOTE_UNAVAILABLE = "Sorry, I can't record feedback right now; the answer itself is unaffected."


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """One feedback button for one answer; registered with ``bot.add_dynamic_items``."""

    def __init__(self, answer_id: str, *, helpful: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label="Helpful" if helpful else "Not helpful",
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"citebot:vote:{'y' if helpful else 'n'}:{answer_id}",
            )
        )
        self.answer_id = answer_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        """Rebuild the button from a click on any message, old or new."""
        return cls(match["answer_id"], helpful=match["helpful"] == "y")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Count the vote and acknowledge it privately; the public answer stays as it is."""
        if not await admit_or_tell(interaction):
            return
        try:
            bot = cast("CiteBot", interaction.client)
            # The database may be busy behind a burst of answers: acknowledge before 3 s.
            result = await acknowledging_if_slow(
                interaction,
                bot.feedback.vote(self.answer_id, interaction.user.id, helpful=self.helpful),
            )
            message = VOTE_UNAVAILABLE if result is None else ACKNOWLEDGEMENTS[result]
            await reply_privately(interaction, message)
        except Exception as error:  # discord.py would only log it; use the one handler
            await handle_interaction_error(interaction, error)


def vote_view(answer_id: str) -> discord.ui.View:
    """Return the two feedback buttons for a new answer."""
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(answer_id, helpful=True))
    view.add_item(VoteButton(answer_id, helpful=False))
    return view
