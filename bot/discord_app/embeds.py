"""Engine results as Discord embeds, every piece trimmed to Discord's limits."""

from __future__ import annotations

import logging

import discord

from bot.discord_app import limits
from bot.discord_app.limits import trim
from bot.discord_app.pages import paginate
from bot.discord_app.replies import partial_quotes_message, safe_echo
from bot.engine import Engine
from bot.knowledge.about import FROM_DETAILS
from bot.knowledge.model import CitedQuote, Entry, Source
from bot.render.text import citation
from bot.search.results import QuoteHit

log = logging.getLogger(__name__)

COLOUR = discord.Colour.blurple()
MAX_QUOTES = 3
TOPICS_PAGE = 1500


def answer_embed(entry: Entry, engine: Engine, *, not_said: str = "") -> discord.Embed:
    """Render an answer: the short answer, up to three cited quotes, a traceable footer.

    With ``not_said`` ("The article doesn't say when.") the embed is titled with it and shows the
    entry as what the article does say, with the same quotes and footer.
    """
    source = engine.knowledge.sources.get(entry.source_id)
    title, description = entry.question, entry.answer
    if not_said:
        title, description = not_said, f"What it does say ({entry.question}): {entry.answer}"
    if entry.from_details:
        description = f"{description}\n\n*{FROM_DETAILS}*"
    embed = discord.Embed(
        title=trim(title, limits.EMBED_TITLE),
        description=trim(description, limits.EMBED_DESCRIPTION),
        colour=COLOUR,
        url=source.url if source is not None and source.url else None,
    )
    for quote in entry.quotes[:MAX_QUOTES]:
        _add_quote(embed, engine, quote)
    footer = [source.title, source.author] if source is not None else [entry.source_id]
    footer += [f"entry {entry.id}", f"knowledge {engine.version}"]
    embed.set_footer(text=trim(" · ".join(footer), limits.EMBED_FOOTER))
    return fit(embed)


def quotes_embed(term: str, hits: list[QuoteHit], engine: Engine) -> discord.Embed:
    """Render quote-search hits, best first, each with its paragraph number."""
    embed = discord.Embed(
        title=trim(f"The article on “{safe_echo(term)}”", limits.EMBED_TITLE),
        description=partial_quotes_message(term) if hits and hits[0].partial else None,
        colour=COLOUR,
    )
    for hit in hits[: limits.EMBED_FIELDS]:
        _add_quote(embed, engine, hit)
    embed.set_footer(text=f"knowledge {engine.version}")
    return fit(embed)


def _add_quote(embed: discord.Embed, engine: Engine, quote: CitedQuote | QuoteHit) -> None:
    name = citation(engine.knowledge, quote.source_id, quote.paragraph)
    # Escaped so the article's own asterisks and underscores show as written.
    value = limits.block_quote(discord.utils.escape_markdown(quote.text), limits.EMBED_FIELD_VALUE)
    embed.add_field(name=trim(name, limits.EMBED_FIELD_NAME), value=value, inline=False)


def source_embed(source: Source, engine: Engine) -> discord.Embed:
    """Render one source's metadata."""
    embed = discord.Embed(
        title=trim(source.title, limits.EMBED_TITLE),
        description=trim(source.author_bio, limits.EMBED_DESCRIPTION) or None,
        url=source.url or None,
        colour=COLOUR,
    )
    details = {
        "Author": source.author,
        "Publication": source.publication,
        "Section": source.section,
        "Date": source.date,
        "Paragraphs": str(len(source.paragraphs)),
        "Entries": str(sum(entry.source_id == source.id for entry in engine.knowledge.entries)),
    }
    for name, value in details.items():
        if value:
            embed.add_field(name=name, value=trim(value, limits.EMBED_FIELD_VALUE))
    embed.set_footer(text=f"source {source.id} · knowledge {engine.version}")
    return fit(embed)


def topic_pages(engine: Engine) -> list[discord.Embed]:
    """Render every topic and its questions as pages of one embed each."""
    blocks = [
        f"**{discord.utils.escape_markdown(topic)}**\n"
        + "\n".join(f"• {entry.question}" for entry in entries)
        for topic, entries in engine.knowledge.topics.items()
    ]
    texts = paginate(blocks, TOPICS_PAGE) or ["The knowledge base is empty."]
    count = len(engine.knowledge.entries)
    pages = []
    for number, text in enumerate(texts, start=1):
        embed = discord.Embed(title="What I can answer", description=text, colour=COLOUR)
        embed.set_footer(
            text=f"Page {number}/{len(texts)} · {count} questions · knowledge {engine.version}"
        )
        pages.append(embed)
    return pages


def fit(embed: discord.Embed) -> discord.Embed:
    """Shrink the description, then drop trailing fields, until the embed fits 6,000."""
    excess = len(embed) - limits.EMBED_TOTAL
    if excess > 0 and embed.description:
        embed.description = trim(embed.description, max(len(embed.description) - excess, 0))
    while len(embed) > limits.EMBED_TOTAL and embed.fields:
        embed.remove_field(-1)
    return embed
