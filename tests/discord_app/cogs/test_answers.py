"""/ask, /quote and the "Ask citebot" message command, through real discord.py."""

from __future__ import annotations

from dataclasses import replace

import pytest
from discord.utils import escape_markdown

from bot.discord_app.answering import GONE
from bot.engine import Engine
from bot.render.text import NO_ANSWER
from tests.discord_app.conftest import (
    EPHEMERAL,
    NO_PINGS,
    World,
    ambiguous,
    answered,
    last_callback,
)

OFF_TOPIC = "what's the weather in Paris"


async def test_ask_answers_publicly_with_cited_quotes(world: World, engine: Engine) -> None:
    question, entry = answered(engine)

    result = await world.alice.slash(world.channel, "ask", question=question)

    assert not result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == entry.question
    assert embed.description == entry.answer
    source = engine.source(entry.source_id)
    assert [field.name for field in embed.fields] == [
        f"{source.title}, paragraph {quote.paragraph}" for quote in entry.quotes[:3]
    ]
    for field, quote in zip(embed.fields, entry.quotes, strict=False):
        assert field.value == f"> {escape_markdown(quote.text)}"
    assert embed.footer.text == (
        f"{source.title} · {source.author} · entry {entry.id} · knowledge {engine.version}"
    )
    body = last_callback(world.env)
    assert body["data"]["allowed_mentions"] == NO_PINGS
    assert not body["data"].get("flags", 0) & EPHEMERAL


async def test_ask_without_an_answer_says_so_privately(world: World) -> None:
    result = await world.alice.slash(world.channel, "ask", question=OFF_TOPIC)

    assert result.ephemeral
    assert NO_ANSWER in result.response.content
    assert "Paris" in result.response.content
    assert result.response.components == []
    body = last_callback(world.env)
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["allowed_mentions"] == NO_PINGS


async def test_ask_offers_suggestions_and_clicking_one_answers_it(
    world: World, engine: Engine
) -> None:
    question, expected = ambiguous(engine)
    chosen = expected.suggestions[1]

    result = await world.alice.slash(world.channel, "ask", question=question)

    assert result.ephemeral
    assert "Did you mean" in result.response.content
    labels = [button["label"] for row in result.response.components for button in row["components"]]
    assert labels == [entry.question for entry in expected.suggestions]

    clicked = await world.alice.click(result.response, label=chosen.question)

    answer = clicked.followups[0]
    assert not answer.ephemeral
    assert answer.embeds[0].description == chosen.answer
    assert result.response.components == []  # the spent buttons are gone
    assert world.channel.last_message.embeds[0].description == chosen.answer


async def test_ask_with_only_a_mention_asks_for_a_question(world: World) -> None:
    result = await world.alice.slash(world.channel, "ask", question=f"{world.bot_mention} \u200b")

    assert result.ephemeral
    assert "Ask me a question" in result.response.content


async def test_ask_escapes_what_it_echoes(world: World) -> None:
    question = "@everyone **weather** in Paris"

    result = await world.alice.slash(world.channel, "ask", question=question)

    content = result.response.content
    assert "@everyone" not in content
    assert "\\*\\*weather\\*\\*" in content
    assert last_callback(world.env)["data"]["allowed_mentions"] == NO_PINGS


async def test_a_4000_character_question_gets_a_short_private_reply(world: World) -> None:
    question = ("what about **the weather** <@&1> in Paris\u200b " * 100)[:4000]

    result = await world.alice.slash(world.channel, "ask", question=question)

    assert result.ephemeral
    assert len(result.response.content) <= 2000
    assert NO_ANSWER in result.response.content


async def test_quote_finds_a_term_despite_a_typo(world: World, engine: Engine) -> None:
    hits = engine.quote("thad")
    assert hits, "the engine should find THAAD for 'thad'"

    result = await world.alice.slash(world.channel, "quote", term="thad")

    assert not result.ephemeral
    embed = result.response.embeds[0]
    assert [field.value for field in embed.fields] == [f"> {escape_markdown(h.text)}" for h in hits]
    assert all("paragraph" in field.name for field in embed.fields)
    assert last_callback(world.env)["data"]["allowed_mentions"] == NO_PINGS


async def test_quote_with_some_of_its_words_says_so_in_public(world: World, engine: Engine) -> None:
    hits = engine.quote("gas deal 400bn")

    result = await world.alice.slash(world.channel, "quote", term="gas deal 400bn")

    assert not result.ephemeral
    embed = result.response.embeds[0]
    assert embed.description.startswith("No sentence has every word of")
    assert [field.value for field in embed.fields] == [f"> {escape_markdown(h.text)}" for h in hits]


async def test_quote_with_every_word_has_no_such_note(world: World) -> None:
    result = await world.alice.slash(world.channel, "quote", term="thad")

    assert not result.response.embeds[0].description


async def test_quote_of_an_unknown_term_is_private(world: World) -> None:
    result = await world.alice.slash(world.channel, "quote", term="bitcoin")

    assert result.ephemeral
    assert "never mentions" in result.response.content
    assert "bitcoin" in result.response.content


@pytest.mark.parametrize("typed", ["", "t", "th", "Tiller", "x" * 100, "zzzzqqq"])
async def test_quote_autocomplete_stays_within_discord_limits(
    world: World, engine: Engine, typed: str
) -> None:
    choices = await world.alice.autocomplete(world.channel, "quote", "term", typed)

    assert len(choices) <= 25
    assert all(1 <= len(choice["name"]) <= 100 for choice in choices)
    assert all(choice["value"] == choice["name"] for choice in choices)
    names = [choice["name"].casefold() for choice in choices]
    assert len(names) == len(set(names))
    if not engine.complete_term(typed):
        assert choices == []


async def test_quote_autocomplete_suggests_from_the_article(world: World) -> None:
    choices = await world.alice.autocomplete(world.channel, "quote", "term", "Tiller")

    assert "Tillerson" in [choice["name"] for choice in choices]


async def test_quote_accepts_free_text_not_offered_by_autocomplete(world: World) -> None:
    result = await world.alice.slash(world.channel, "quote", term="tillersen")

    assert not result.ephemeral
    assert any("Tillerson" in field.value for field in result.response.embeds[0].fields)


async def test_ask_citebot_message_command_answers_that_message(
    world: World, engine: Engine
) -> None:
    question, entry = answered(engine)
    asked = await world.bob.send(world.channel, question)

    result = await world.alice.context_menu(world.channel, "Ask citebot", asked)

    assert not result.ephemeral
    assert result.response.embeds[0].description == entry.answer
    assert asked.jump_url in result.response.content
    assert last_callback(world.env)["data"]["allowed_mentions"] == NO_PINGS


async def test_ask_citebot_on_a_message_without_text_is_private(world: World) -> None:
    asked = await world.bob.send(world.channel, world.bot_mention)

    result = await world.alice.context_menu(world.channel, "Ask citebot", asked)

    assert result.ephemeral
    assert "no text" in result.response.content


async def test_a_suggestion_removed_by_a_reload_is_explained_privately(
    world: World, engine: Engine
) -> None:
    question, expected = ambiguous(engine)
    chosen = expected.suggestions[0]
    offer = await world.alice.slash(world.channel, "ask", question=question)
    remaining = tuple(e for e in engine.knowledge.entries if e.id != chosen.id)
    world.env.bot.holder.swap(Engine(replace(engine.knowledge, entries=remaining)))

    clicked = await world.alice.click(offer.response, label=chosen.question)

    assert clicked.ephemeral
    assert clicked.response.content == GONE
