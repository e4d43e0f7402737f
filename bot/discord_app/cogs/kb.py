"""/kb: the moderators' commands to reload, roll back, inspect and learn from the knowledge."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import limits
from bot.discord_app.articles import NEWEST, article_choices, find_article, no_such_article
from bot.discord_app.embeds import COLOUR
from bot.discord_app.feedback import UNAVAILABLE
from bot.discord_app.moderators import moderators_only
from bot.discord_app.modlog import code_block, post_mod_log
from bot.discord_app.pages import paginate
from bot.discord_app.questions import clean_question
from bot.discord_app.replies import NO_MENTIONS, reply_privately
from bot.discord_app.review import unanswered_pages
from bot.discord_app.views import PagesView, show_pages
from bot.engine.outcomes import ReloadOutcome
from bot.knowledge.coverage import coverage
from bot.moderation.explain import explain
from bot.moderation.suggest import group_unanswered

if TYPE_CHECKING:
    from bot.discord_app.client import CiteBot

log = logging.getLogger(__name__)

COVERAGE_PAGE_CHARS = 3500  # an embed holds 4,096; pages split between articles when they can
NOT_STORED = "(Not saved: the database is unavailable, so this lasts until the bot restarts.)"
PERIODS = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30)}


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class KnowledgeAdmin(commands.GroupCog, group_name="kb"):
    """Moderators: reload and inspect the knowledge base, review what members asked."""

    def __init__(self, bot: CiteBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command()
    @moderators_only
    async def reload(self, interaction: discord.Interaction[Any]) -> None:
        """Reload the knowledge directory now; a broken edit is refused and explained."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._report(interaction, await self.bot.manager.reload())

    @app_commands.command()
    @moderators_only
    async def rollback(self, interaction: discord.Interaction[Any]) -> None:
        """Put the previous good knowledge base back live."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._report(interaction, await self.bot.manager.rollback())

    @app_commands.command()
    @moderators_only
    async def status(self, interaction: discord.Interaction[Any]) -> None:
        """Show which knowledge version is live and the last failed reload."""
        await reply_privately(interaction, code_block(self.bot.manager.status().describe()))

    @app_commands.command()
    @app_commands.describe(days="How many days back to look (default 7)")
    @moderators_only
    async def unanswered(
        self, interaction: discord.Interaction[Any], days: app_commands.Range[int, 1, 365] = 7
    ) -> None:
        """Show recent questions the bot could not answer, grouped, most frequent first."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        records = await self.bot.feedback.unanswered(datetime.now(UTC) - timedelta(days=days))
        if records is None:
            await reply_privately(interaction, UNAVAILABLE)
            return
        # Grouping re-asks every distinct question: CPU work, kept off the event loop.
        groups = await asyncio.to_thread(group_unanswered, records, self.bot.holder.engine)
        pages = unanswered_pages(groups, days)
        if len(pages) == 1:
            await reply_privately(interaction, embed=pages[0])
            return
        view = PagesView(pages, owner_id=interaction.user.id)
        view.message = await interaction.followup.send(
            embed=pages[0], view=view, ephemeral=True, allowed_mentions=NO_MENTIONS, wait=True
        )

    @app_commands.command()
    @app_commands.describe(period="How far back to count")
    @app_commands.choices(
        period=[app_commands.Choice(name=f"last {name}", value=name) for name in PERIODS]
    )
    @moderators_only
    async def stats(
        self, interaction: discord.Interaction[Any], period: app_commands.Choice[str] | None = None
    ) -> None:
        """Count questions asked, answered and abstained, top entries and the helpful ratio."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        since = datetime.now(UTC) - PERIODS[period.value if period else "week"]
        stats = await self.bot.feedback.stats(since)
        await reply_privately(interaction, UNAVAILABLE if stats is None else stats.describe())

    @app_commands.command()
    @app_commands.describe(question="The question to explain, as a member would ask it")
    @moderators_only
    async def why(
        self,
        interaction: discord.Interaction[Any],
        question: app_commands.Range[str, 1, limits.MAX_QUESTION],
    ) -> None:
        """Explain how the bot matches a question: candidates, scores and the deciding threshold."""
        article = self.bot.article_for(interaction.channel)  # as members here are answered
        explanation = explain(self.bot.holder.engine, clean_question(question), article=article)
        await reply_privately(interaction, code_block(explanation.describe()))

    @app_commands.command()
    @app_commands.describe(
        article="The article this channel answers about first; leave empty to see the current one"
    )
    @moderators_only
    async def article(
        self, interaction: discord.Interaction[Any], article: str | None = None
    ) -> None:
        """Choose the article questions about "the article" in this channel are answered from."""
        engine = self.bot.holder.engine
        channel_id = interaction.channel_id
        if article is None or channel_id is None:
            await reply_privately(interaction, self._current_article(interaction))
            return
        chosen = None if article == NEWEST else find_article(engine, article)
        if article != NEWEST and chosen is None:
            await reply_privately(interaction, no_such_article(article))
            return
        if chosen is None:
            self.bot.channel_articles.pop(channel_id, None)
        else:
            self.bot.channel_articles[channel_id] = chosen.id
        stored = await self.bot.feedback.set_channel_article(
            channel_id, chosen.id if chosen else None, guild_id=interaction.guild_id
        )
        said = self._current_article(interaction)
        await reply_privately(interaction, said if stored else f"{said}\n{NOT_STORED}")

    @article.autocomplete("article")
    async def article_names(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the articles on the reading list, and "the newest"."""
        return article_choices(self.bot.holder.engine, current, newest=True)

    def _current_article(self, interaction: discord.Interaction[Any]) -> str:
        engine = self.bot.holder.engine
        own = self.bot.article_for(interaction.channel)
        if own is not None and own in engine.knowledge.sources:
            title = engine.knowledge.sources[own].title
            return f"In this channel, questions about “the article” are answered from “{title}”."
        newest = engine.knowledge.newest_source().title
        return (
            "This channel has no article of its own: questions about “the article” are answered "
            f"from the newest, “{newest}”."
        )

    @app_commands.command()
    @moderators_only
    async def coverage(self, interaction: discord.Interaction[Any]) -> None:
        """Show which paragraphs of each article no entry quotes yet, newest article first."""
        knowledge = self.bot.holder.engine.knowledge
        added = {source.id: source.added for source in knowledge.sources.values()}
        found = sorted(coverage(knowledge), key=lambda article: added[article.id], reverse=True)
        blocks = [discord.utils.escape_markdown(article.describe()) for article in found]
        pages = [
            discord.Embed(title="What no entry quotes yet", description=text, colour=COLOUR)
            for text in paginate(blocks, COVERAGE_PAGE_CHARS)
        ]
        await show_pages(interaction, pages)

    async def _report(self, interaction: discord.Interaction[Any], outcome: ReloadOutcome) -> None:
        """Tell the moderator who asked, and the mod log, what a reload or rollback did."""
        text = outcome.describe()
        await reply_privately(interaction, code_block(text))
        who = discord.utils.escape_markdown(interaction.user.display_name)
        await post_mod_log(self.bot, text, heading=f"/kb {outcome.action} by {who}:")
