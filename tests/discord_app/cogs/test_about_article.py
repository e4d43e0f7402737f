"""Questions about the article itself, on Discord, for an article with no entry about itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import simcord

from bot.discord_app.client import CiteBot
from bot.discord_app.votes import ACKNOWLEDGEMENTS
from bot.engine.lifecycle import KnowledgeManager
from bot.knowledge.about import FROM_DETAILS
from bot.moderation.store import VoteResult
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.conftest import SECOND_TITLE, add_second_article
from tests.discord_app.conftest import BotFactory, World


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """The real knowledge with the test article added (the newest), without its about.yaml."""
    copy = Path(shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge"))
    add_second_article(copy, about=False)
    return copy


@pytest.fixture
def simcord_bot(make_bot: BotFactory, manager: KnowledgeManager) -> CiteBot:
    return make_bot(manager=manager)


async def test_the_writer_is_told_publicly_from_the_articles_details(
    world: World, moderator: simcord.MemberActor
) -> None:
    newest = await world.alice.slash(world.channel, "ask", question="who wrote the article?")
    await moderator.slash(world.channel, "kb article", article="beijing-moscow")
    first = await world.alice.slash(world.channel, "ask", question="who wrote the article?")

    assert not newest.ephemeral and newest.response is not None
    embed = newest.response.embeds[0]
    assert embed.title == "Who wrote the article?"
    assert embed.description == f"“{SECOND_TITLE}” was written by Test Writer.\n\n*{FROM_DETAILS}*"
    assert embed.fields == []  # nothing to quote: the article's text does not say it
    assert embed.footer.text is not None
    assert f"{SECOND_TITLE} · Test Writer · entry harbour-library:author" in embed.footer.text
    assert first.response is not None
    assert "Andrew Hammond" in (first.response.embeds[0].description or "")


async def test_a_vote_on_an_answer_from_the_details_is_counted(world: World) -> None:
    answer = await world.alice.slash(world.channel, "ask", question="whose byline is this")
    assert answer.response is not None

    clicked = await world.bob.click(answer.response, label="Helpful")

    assert clicked.ephemeral and clicked.response is not None
    assert clicked.response.content == ACKNOWLEDGEMENTS[VoteResult.COUNTED]


async def test_no_other_articles_entry_about_itself_is_offered_as_did_you_mean(
    world: World,
) -> None:
    # The test article has no date: its channel is not offered the first article's
    # "Where was the article published?", whose answer names the first article's publisher.
    offer = await world.alice.slash(
        world.channel, "ask", question="when was the article published?"
    )

    assert offer.ephemeral and offer.response is not None
    labels = [b["label"] for row in offer.response.components for b in row["components"]]
    assert "Where was the article published?" not in labels
    assert "When was the article published?" not in labels
