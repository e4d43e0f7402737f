"""/topics, /source and /help: what citebot knows and how to ask it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.embeds import COLOUR, source_embed, topic_pages
from bot.discord_app.limits import EMBED_TOTAL
from bot.discord_app.replies import NO_MENTIONS, reply_privately
from bot.discord_app.views import show_pages

if TYPE_CHECKING:
    from bot.discord_app.client import CiteBot

log = logging.getLogger(__name__)

HELP = """\
I answer questions about the articles on this server's reading list, and back every answer \
with the article's own words.

**/ask** `question` — ask in your own words; the answer quotes the article, with paragraph numbers.
**/quote** `term` — the articles' sentences about a name or term (THAAD, Tillerson, gas…).
**/topics** — everything I can answer.
**/source** — the articles: title, author, publication, how many questions each answers.
**Mention me** with a question, or **reply** to one of my answers, and I answer in the thread.
**Right-click a message → Apps → Ask citebot** to answer the question in it.

When I don't know, I say so rather than guess. Each answer's footer names the entry and the \
knowledge version, so moderators can trace it."""
MAX_SOURCE_EMBEDS = 10


class Info(commands.Cog):
    """Listings and help."""

    def __init__(self, bot: CiteBot) -> None:
        self.bot = bot
        self.holder = bot.holder

    @app_commands.command()
    async def topics(self, interaction: discord.Interaction[Any]) -> None:
        """List the questions I can answer, by topic."""
        await show_pages(interaction, topic_pages(self.holder.engine))

    @app_commands.command()
    async def source(self, interaction: discord.Interaction[Any]) -> None:
        """Show the articles I answer from: title, author, publication, newest first."""
        engine = self.holder.engine
        embeds: list[discord.Embed] = []
        newest_first = sorted(
            engine.knowledge.sources.values(), key=lambda s: s.added, reverse=True
        )
        for source in newest_first:
            embed = source_embed(source, engine)
            # One message holds at most 10 embeds and 6,000 characters across all of them.
            if len(embeds) == MAX_SOURCE_EMBEDS or sum(map(len, embeds)) + len(embed) > EMBED_TOTAL:
                break
            embeds.append(embed)
        await interaction.response.send_message(embeds=embeds, allowed_mentions=NO_MENTIONS)

    @app_commands.command()
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        """Explain how to ask citebot."""
        embed = discord.Embed(title="How to ask citebot", description=HELP, colour=COLOUR)
        embed.set_footer(text=f"knowledge {self.holder.engine.version}")
        await reply_privately(interaction, embed=embed)
