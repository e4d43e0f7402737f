"""Two articles on Discord: a channel's own article, /quote and /source across them, coverage."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import simcord

from bot.discord_app.client import CiteBot
from bot.engine.lifecycle import KnowledgeManager
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.conftest import SECOND_TITLE, add_second_article
from tests.discord_app.conftest import BotFactory, World

FIRST_TITLE = "Why Beijing and Moscow are close and getting closer"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """The real knowledge with the test's second article added (the newest)."""
    copy = Path(shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge"))
    add_second_article(copy)
    return copy


@pytest.fixture
def simcord_bot(make_bot: BotFactory, manager: KnowledgeManager) -> CiteBot:
    return make_bot(manager=manager)


def footer(result: simcord.InteractionResult) -> str:
    assert result.response is not None and result.response.embeds
    return result.response.embeds[0].footer.text or ""


async def test_a_channel_answers_about_its_own_article_and_keeps_it_after_a_restart(
    world: World,
    moderator: simcord.MemberActor,
    make_bot: BotFactory,
    manager: KnowledgeManager,
) -> None:
    newest = await world.alice.slash(world.channel, "ask", question="who wrote the article?")

    chosen = await moderator.slash(world.channel, "kb article", article="beijing-moscow")
    own = await world.alice.slash(world.channel, "ask", question="who wrote the article?")
    await world.env.restart_bot(make_bot(manager=manager))
    after_restart = await world.alice.slash(world.channel, "ask", question="who wrote the article?")

    assert "entry harbour-article-author" in footer(newest) and SECOND_TITLE in footer(newest)
    assert chosen.ephemeral and chosen.response is not None
    assert f"answered from “{FIRST_TITLE}”" in chosen.response.content
    assert "entry article-author" in footer(own) and FIRST_TITLE in footer(own)
    assert "entry article-author" in footer(after_restart)


async def test_the_newest_again_and_an_unknown_article(
    world: World, moderator: simcord.MemberActor
) -> None:
    await moderator.slash(world.channel, "kb article", article="beijing-moscow")

    reset = await moderator.slash(world.channel, "kb article", article="newest")
    shown = await moderator.slash(world.channel, "kb article")
    unknown = await moderator.slash(world.channel, "kb article", article="@everyone *week 99*")
    answer = await world.alice.slash(world.channel, "ask", question="who wrote the article?")

    assert reset.response is not None and "no article of its own" in reset.response.content
    assert shown.response is not None and f"the newest, “{SECOND_TITLE}”" in shown.response.content
    assert unknown.ephemeral and unknown.response is not None
    assert "no article “" in unknown.response.content and "week 99" in unknown.response.content
    assert "*week 99*" not in unknown.response.content  # echoed as typed, not as markdown
    assert "@everyone" not in unknown.response.content  # nor as a mention
    assert "entry harbour-article-author" in footer(answer)


async def test_kb_article_autocomplete_offers_the_newest_and_every_article(
    world: World, moderator: simcord.MemberActor
) -> None:
    everything = await moderator.autocomplete(world.channel, "kb article", "article", "")
    typed = await moderator.autocomplete(world.channel, "kb article", "article", "harb")

    assert [choice["value"] for choice in everything] == [
        "newest",
        "harbour-library",
        "beijing-moscow",
    ]
    assert [choice["value"] for choice in typed] == ["harbour-library"]


async def test_quote_searches_every_article_or_the_one_named(world: World) -> None:
    everywhere = await world.alice.slash(world.channel, "quote", term="Okafor")
    elsewhere = await world.alice.slash(
        world.channel, "quote", term="Okafor", article="beijing-moscow"
    )
    unknown = await world.alice.slash(world.channel, "quote", term="gas", article="week 99")

    assert everywhere.response is not None
    field = everywhere.response.embeds[0].fields[0]
    assert field.name == f"{SECOND_TITLE}, paragraph 3"
    assert elsewhere.ephemeral and elsewhere.response is not None
    assert "never mentions" in elsewhere.response.content
    assert unknown.ephemeral and unknown.response is not None
    assert "no article “week 99”" in unknown.response.content


async def test_source_lists_the_articles_newest_first_with_their_entries(world: World) -> None:
    result = await world.alice.slash(world.channel, "source")

    assert result.response is not None
    embeds = result.response.embeds
    assert [embed.title for embed in embeds] == [SECOND_TITLE, FIRST_TITLE]
    fields = {field.name: field.value for field in embeds[0].fields}
    assert fields["Entries"] == "3" and fields["Publication"] == "The Eastmere Gazette"


async def test_kb_coverage_lists_what_no_entry_quotes(
    world: World, moderator: simcord.MemberActor
) -> None:
    result = await moderator.slash(world.channel, "kb coverage")

    assert result.ephemeral and result.response is not None
    text = result.response.embeds[0].description or ""
    newest, first = text.split("\n\n")  # the newest article first
    assert "(harbour-library): 2 of 5 paragraphs quoted by an entry; not yet:" in newest
    assert "(beijing-moscow): " in first


async def test_kb_coverage_pages_when_the_articles_are_long(
    world: World, moderator: simcord.MemberActor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.discord_app.cogs import kb

    monkeypatch.setattr(kb, "COVERAGE_PAGE_CHARS", 300)  # as if articles were far longer

    result = await moderator.slash(world.channel, "kb coverage")

    assert result.response is not None
    labels = [b["label"] for row in result.response.components for b in row["components"]]
    assert labels == ["◀ Previous", "Next ▶"]
