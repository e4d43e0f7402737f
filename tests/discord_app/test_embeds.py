"""Embeds stay inside Discord's limits whatever the knowledge base holds."""

from __future__ import annotations

import discord

from bot.discord_app import limits
from bot.discord_app.embeds import answer_embed, fit, quotes_embed, source_embed, topic_pages
from bot.discord_app.replies import miss_message, no_quotes_message, safe_echo
from bot.engine import Engine
from bot.knowledge.model import CitedQuote, Entry
from bot.search.results import QuoteHit


def within_limits(embed: discord.Embed) -> bool:
    """Check every limit Discord enforces on one embed."""
    return (
        len(embed.title or "") <= limits.EMBED_TITLE
        and len(embed.description or "") <= limits.EMBED_DESCRIPTION
        and len(embed.fields) <= limits.EMBED_FIELDS
        and all(len(f.name or "") <= limits.EMBED_FIELD_NAME for f in embed.fields)
        and all(len(f.value or "") <= limits.EMBED_FIELD_VALUE for f in embed.fields)
        and len(embed.footer.text or "") <= limits.EMBED_FOOTER
        and len(embed) <= limits.EMBED_TOTAL
    )


def oversized_entry(engine: Engine) -> Entry:
    """An entry bigger than anything a moderator should write."""
    source_id = next(iter(engine.knowledge.sources))
    quote = CitedQuote("q" * 3000, source_id, paragraph=1, start=0, end=3000)
    return Entry(
        id="huge",
        question="why " * 200,
        answer="because " * 1000,
        quotes=(quote,) * 5,
        source_id=source_id,
    )


def test_an_oversized_answer_is_trimmed_to_fit(engine: Engine) -> None:
    embed = answer_embed(oversized_entry(engine), engine)

    assert within_limits(embed)
    assert len(embed.fields) >= 1
    assert embed.footer.text and "entry huge" in embed.footer.text


def test_every_real_answer_fits_untrimmed(engine: Engine) -> None:
    for entry in engine.knowledge.entries:
        embed = answer_embed(entry, engine)
        assert within_limits(embed)
        assert embed.description == entry.answer
        assert len(embed.fields) == min(len(entry.quotes), 3)


def test_quotes_embed_fits_many_long_hits(engine: Engine) -> None:
    source_id = next(iter(engine.knowledge.sources))
    hits = [QuoteHit("s" * 2000, source_id, 3, 90.0, 0, 2000)] * 40

    embed = quotes_embed("**term** @everyone " * 20, hits, engine)

    assert within_limits(embed)
    assert "@everyone" not in (embed.title or "")


def test_source_and_topic_pages_fit(engine: Engine) -> None:
    for source in engine.knowledge.sources.values():
        assert within_limits(source_embed(source, engine))
    pages = topic_pages(engine)
    assert all(within_limits(page) for page in pages)
    listed = "\n".join(page.description or "" for page in pages)
    assert all(entry.question in listed for entry in engine.knowledge.entries)


def test_fit_shrinks_the_description_first() -> None:
    embed = discord.Embed(title="t", description="d" * 4096)
    for _ in range(3):
        embed.add_field(name="n", value="v" * 1000)

    fit(embed)

    assert len(embed) <= limits.EMBED_TOTAL
    assert len(embed.fields) == 3


def test_safe_echo_neutralises_markdown_mentions_and_invisible_characters() -> None:
    echoed = safe_echo("**bold** @everyone <@123456789012345678> \u200bhidden " + "x" * 500)

    assert "**" not in echoed.replace("\\*", "")
    assert "@everyone" not in echoed  # escaped as "@\u200beveryone"
    assert "<@123456789012345678>" not in echoed
    assert " hidden" in echoed
    assert len(echoed) < 2 * limits.ECHO


def test_miss_and_no_quote_messages_fit_one_message(engine: Engine) -> None:
    result = engine.ask("what's the weather in Paris")

    assert len(miss_message("@here " * 1000, result)) <= limits.MESSAGE_CONTENT
    assert "@here" not in miss_message("@here " * 1000, result)
    assert len(no_quotes_message("_x_" * 1000)) <= limits.MESSAGE_CONTENT
