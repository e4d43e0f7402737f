"""/ask, /quote and the "Ask citebot" message command."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import limits
from bot.discord_app.answering import respond, spend_answer
from bot.discord_app.articles import article_choices, find_article, no_such_article
from bot.discord_app.embeds import quotes_embed
from bot.discord_app.questions import clean_question
from bot.discord_app.replies import InteractionReply, no_quotes_message, reply_privately
from bot.engine import Engine

if TYPE_CHECKING:
    from bot.discord_app.client import CiteBot

log = logging.getLogger(__name__)

NO_TEXT = "That message has no text I can read as a question."


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

    async def cog_load(self) -> None:
        """Register the message command, which cannot be declared inside a cog."""
        self.bot.tree.add_command(self.ask_menu)

    async def cog_unload(self) -> None:
        """Unregister the message command."""
        self.bot.tree.remove_command(self.ask_menu.name, type=self.ask_menu.type)

    @app_commands.command()
    @app_commands.describe(question="Your question about the article, in your own words")
    async def ask(
        self,
        interaction: discord.Interaction[Any],
        question: app_commands.Range[str, 1, limits.MAX_QUESTION],
    ) -> None:
        """Ask a question about the article; the answer quotes the article."""
        engine = self.holder.engine  # read once: a swap mid-answer must not mix two knowledge bases
        # Matching takes well under a millisecond, so it runs on the event loop.
        result = engine.ask(
            clean_question(question), article=self.bot.article_for(interaction.channel)
        )
        await respond(InteractionReply(interaction), engine, result, question=question)

    @app_commands.command()
    @app_commands.describe(
        term="A name or word from the article, like THAAD or Tillerson",
        article="Search one article of the reading list only (default: all of them)",
    )
    async def quote(
        self,
        interaction: discord.Interaction[Any],
        term: app_commands.Range[str, 1, 100],
        article: str | None = None,
    ) -> None:
        """Find the articles' own sentences about a name or term."""
        to = InteractionReply(interaction)
        engine = self.holder.engine
        chosen = find_article(engine, article) if article is not None else None
        if article is not None and chosen is None:
            await to.send(no_such_article(article), private=True)  # free
            return
        spend_answer(to)
        cleaned = clean_question(term)
        hits = engine.quote(cleaned, article=chosen.id if chosen else None) if cleaned else []
        if not hits:
            await to.send(no_quotes_message(term), private=True)
            return
        await to.send(embed=quotes_embed(cleaned, hits, engine))

    @quote.autocomplete("article")
    async def quote_article(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the articles on the reading list."""
        return article_choices(self.holder.engine, current)

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
            await reply_privately(interaction, NO_TEXT)  # free, like the usage hint
            return
        engine = self.holder.engine
        await respond(
            InteractionReply(interaction),
            engine,
            engine.ask(question, article=self.bot.article_for(interaction.channel)),
            question=question,
            content=f"Answering {message.jump_url}",
        )
