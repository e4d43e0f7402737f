"""Unanswered-question groups as embed pages for /kb unanswered."""

from __future__ import annotations

import logging

import discord

from bot.discord_app import limits
from bot.discord_app.embeds import COLOUR, fit
from bot.discord_app.pages import paginate
from bot.discord_app.replies import safe_echo
from bot.moderation.suggest import QuestionGroup

log = logging.getLogger(__name__)

# Long enough to read a question whole, short enough that a page shows several groups.
WORDING_CHARS = 200
PAGE_CHARS = 3500
MAX_GROUPS = 100
NOTHING = "No unanswered questions in the last {days} days that the knowledge base still misses."


def group_block(group: QuestionGroup) -> str:
    """Render one group: how often, its wordings, and the entry nearest to it."""
    lines = [f"**{group.count}×** {safe_echo(group.example, WORDING_CHARS)}"]
    lines += [f"• {safe_echo(other, WORDING_CHARS)}" for other in group.questions[1:]]
    if group.nearest is None:
        lines.append("Nearest entry: none — a new entry is needed.")
    else:
        hint = "add as alternates" if group.fits_alternates else "probably a new entry"
        lines.append(
            f"Nearest entry: `{group.nearest.entry.id}` (score {group.nearest.score:.0f}; {hint})"
        )
    if group.unhelpful_entries:
        voted = ", ".join(f"`{entry_id}`" for entry_id in group.unhelpful_entries)
        lines.append(f"Voted not helpful: {voted}")
    return "\n".join(lines)


def unanswered_pages(groups: list[QuestionGroup], days: int) -> list[discord.Embed]:
    """Return the groups, most asked first, as embed pages (one page saying so when empty)."""
    title = f"Unanswered questions, last {days} days"
    if not groups:
        return [discord.Embed(title=title, description=NOTHING.format(days=days), colour=COLOUR)]
    shown = groups[:MAX_GROUPS]
    texts = paginate((group_block(group) for group in shown), PAGE_CHARS)
    total = sum(group.count for group in groups)
    pages = []
    for number, text in enumerate(texts, start=1):
        embed = discord.Embed(title=title, description=text, colour=COLOUR)
        footer = f"Page {number}/{len(texts)} · {len(groups)} groups · {total} questions"
        if len(groups) > len(shown):
            footer += f" · first {len(shown)} groups shown"
        embed.set_footer(text=limits.trim(footer, limits.EMBED_FOOTER))
        pages.append(fit(embed))
    return pages
