"""/ask, /quote and the "Ask citebot" message command."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import limits
from bot.discord_app.embeds import answer_embed, quotes_embed
from bot.discord_app.feedback import new_answer_id
from bot.discord_app.holder import EngineHolder
from bot.discord_app.questions import clean_question
from bot.discord_app.replies import (
    EMPTY_MESSAGE,
    NO_MENTIONS,
    miss_message,
    no_quotes_message,
    reply_privately,
)
from bot.discord_app.views import SuggestionsView
from bot.discord_app.votes import vote_view
from bot.engine import Engine
from bot.search.results import AskResult

if TYPE_CHECKING:
    from bot.discord_app.client import CiteBot

log = logging.getLogger(__name__)

NO_TEXT = "That message has no text I can read as a question."


async def spend_answer(interaction: discord.Interaction[Any]) -> bool:
    """Check: charge the user's answer cooldown, failing with how long to wait."""
    bot = cast("CiteBot", interaction.client)
    retry_after = bot.cooldown.hit(interaction.user.id)
    if retry_after is not None:
        cooldown = app_commands.Cooldown(bot.cooldown.rate, bot.cooldown.per)
        raise app_commands.CommandOnCooldown(cooldown, retry_after)
    return True


async def answer_interaction(
    interaction: discord.Interaction[Any], holder: EngineHolder, question: str, *, content: str = ""
) -> None:
    """Answer publicly with feedback buttons, or say privately that there is no answer."""
    engine = holder.engine  # read once: a swap mid-answer must not mix two knowledge bases
    # Matching takes well under a millisecond, so it runs on the event loop.
    result = engine.ask(clean_question(question))
    feedback = cast("CiteBot", interaction.client).feedback
    where = {"guild_id": interaction.guild_id, "channel_id": interaction.channel_id}
    if result.entry is not None:
        answer_id = new_answer_id()
        await interaction.response.send_message(
            content or None,
            embed=answer_embed(result.entry, engine),
            view=vote_view(answer_id),
            allowed_mentions=NO_MENTIONS,
        )
        # Recorded after the reply: a slow or locked database must not delay the answer.
        await feedback.answered(
            answer_id, result.entry.id, question=result.question, score=result.score, **where
        )
    else:
        await _decline(interaction, holder, question, result)
    await feedback.asked(result, **where)


async def _decline(
    interaction: discord.Interaction[Any], holder: EngineHolder, question: str, result: AskResult
) -> None:
    """Say privately that there is no answer, offering suggestions when there are some."""
    if not result.normalized:
        await reply_privately(interaction, EMPTY_MESSAGE)
        return
    if not result.suggestions:
        await reply_privately(interaction, miss_message(question, result))
        return
    view = SuggestionsView(result.suggestions, holder, question=result.question)
    sent = await interaction.response.send_message(
        miss_message(question, result), view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
    )
    if isinstance(sent.resource, discord.InteractionMessage):
        view.message = sent.resource


def term_choices(engine: Engine, current: str) -> list[app_commands.Choice[str]]:
    """Return at most 25 distinct autocomplete choices of at most 100 characters."""
    seen: set[str] = set()
    choices = []
    for term in engine.complete_term(current[: limits.CHOICE_TEXT], limit=limits.CHOICES):
        term = limits.visible(term, limits.CHOICE_TEXT)
        if not term or term.casefold() in seen:
            continue
        seen.add(term.casefold())
        choices.append(app_commands.Choice(name=term, value=term))
    return choices[: limits.CHOICES]


class Answers(commands.Cog):
    """Questions and quotes: what members come for."""

    def __init__(self, bot: CiteBot) -> None:
        self.bot = bot
        self.holder = bot.holder
        self.ask_menu = app_commands.ContextMenu(name="Ask citebot", callback=self.ask_message)
        self.ask_menu.add_check(spend_answer)

    async def cog_load(self) -> None:
        """Register the message command, which cannot be declared inside a cog."""
        self.bot.tree.add_command(self.ask_menu)

    async def cog_unload(self) -> None:
        """Unregister the message command."""
        self.bot.tree.remove_command(self.ask_menu.name, type=self.ask_menu.type)

    @app_commands.command()
    @app_commands.describe(question="Your question about the article, in your own words")
    @app_commands.check(spend_answer)
    async def ask(
        self,
        interaction: discord.Interaction[Any],
        question: app_commands.Range[str, 1, limits.MAX_QUESTION],
    ) -> None:
        """Ask a question about the article; the answer quotes the article."""
        await answer_interaction(interaction, self.holder, question)

    @app_commands.command()
    @app_commands.describe(term="A name or word from the article, like THAAD or Tillerson")
    @app_commands.check(spend_answer)
    async def quote(
        self, interaction: discord.Interaction[Any], term: app_commands.Range[str, 1, 100]
    ) -> None:
        """Find the article's own sentences about a name or term."""
        engine = self.holder.engine
        cleaned = clean_question(term)
        hits = engine.quote(cleaned) if cleaned else []
        if not hits:
            await reply_privately(interaction, no_quotes_message(term))
            return
        await interaction.response.send_message(
            embed=quotes_embed(cleaned, hits, engine), allowed_mentions=NO_MENTIONS
        )

    @quote.autocomplete("term")
    async def quote_term(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest the article's names and terms from memory, at once."""
        return term_choices(self.holder.engine, current)

    async def ask_message(
        self, interaction: discord.Interaction[Any], message: discord.Message
    ) -> None:
        """Answer the question in someone's message."""
        question = clean_question(message.content)
        if not question:
            await reply_privately(interaction, NO_TEXT)
            return
        await answer_interaction(
            interaction, self.holder, question, content=f"Answering {message.jump_url}"
        )
