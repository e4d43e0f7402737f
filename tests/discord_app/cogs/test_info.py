"""/topics, /source and /help."""

from __future__ import annotations

from bot.engine import Engine
from tests.discord_app.conftest import NO_PINGS, World, last_callback


def labels(components: list[dict[str, object]]) -> dict[str, bool]:
    """Button label -> disabled, for every button of a message."""
    return {
        button["label"]: bool(button.get("disabled"))
        for row in components
        for button in row["components"]  # type: ignore[attr-defined]
    }


async def test_topics_pages_through_every_question(world: World, engine: Engine) -> None:
    result = await world.alice.slash(world.channel, "topics")

    assert result.ephemeral
    seen = [result.response.embeds[0].description]
    buttons = labels(result.response.components)
    assert buttons == {"◀ Previous": True, "Next ▶": False}
    while not labels(result.response.components)["Next ▶"]:
        await world.alice.click(result.response, label="Next ▶")
        seen.append(result.response.embeds[0].description)
    listed = "\n".join(seen)
    for topic, entries in engine.knowledge.topics.items():
        assert topic in listed
        assert all(entry.question in listed for entry in entries)
    assert labels(result.response.components)["◀ Previous"] is False

    await world.alice.click(result.response, label="◀ Previous")
    assert result.response.embeds[0].description == seen[-2]


async def test_topics_buttons_go_away_when_they_expire(world: World) -> None:
    result = await world.alice.slash(world.channel, "topics")

    await world.env.advance_time(301)

    assert result.response.components == []


async def test_source_shows_the_article(world: World, engine: Engine) -> None:
    result = await world.alice.slash(world.channel, "source")

    assert not result.ephemeral
    (source,) = engine.knowledge.sources.values()
    embed = result.response.embeds[0]
    assert embed.title == source.title
    fields = {field.name: field.value for field in embed.fields}
    assert fields["Author"] == source.author
    assert fields["Publication"] == source.publication
    assert last_callback(world.env)["data"]["allowed_mentions"] == NO_PINGS


async def test_help_explains_the_commands_privately(world: World) -> None:
    result = await world.alice.slash(world.channel, "help")

    assert result.ephemeral
    text = result.response.embeds[0].description
    for command in ("/ask", "/quote", "/topics", "/source", "Ask citebot", "Mention me"):
        assert command in text
