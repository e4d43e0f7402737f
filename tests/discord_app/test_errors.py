"""One handler for failures: a short private apology, a logged traceback, a bot that goes on."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import aiohttp
import pytest
import simcord

from bot.discord_app import errors
from bot.discord_app.replies import APOLOGY
from bot.engine import Engine
from bot.search.results import AskResult
from tests.discord_app.conftest import BotFactory, World, ambiguous, answered


class BrokenEngine(Engine):
    """An engine with a bug: asking it raises."""

    def ask(self, question: str, *, strict: bool = False, article: str | None = None) -> AskResult:
        raise RuntimeError("matcher exploded")


class FlakyEngine(Engine):
    """An engine whose version becomes unreadable, so rendering an answer raises."""

    broken = False

    @property
    def version(self) -> str:
        if self.broken:
            raise RuntimeError("version unreadable")
        return super().version


async def test_an_exception_in_a_command_gets_an_apology_and_a_logged_traceback(
    world: World, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    holder = world.env.bot.holder
    holder.swap(BrokenEngine(engine.knowledge))

    with caplog.at_level(logging.ERROR, logger="bot.discord_app.errors"):
        result = await world.alice.slash(world.channel, "ask", question="who is Tillerson?")

    assert result.ephemeral
    assert result.response.content == APOLOGY
    (record,) = caplog.records
    message = record.getMessage()
    assert "command /ask" in message and "who is Tillerson?" in message
    assert record.exc_info is not None and "matcher exploded" in str(record.exc_info[1])
    assert any("matcher exploded" in str(error) for error in world.env.errors)

    holder.swap(engine)  # the bot keeps running
    question, entry = answered(engine)
    again = await world.alice.slash(world.channel, "ask", question=question)
    assert again.response.embeds[0].description == entry.answer


async def test_an_exception_in_a_button_gets_the_same_apology(
    world: World, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    question, expected = ambiguous(engine)
    offer = await world.alice.slash(world.channel, "ask", question=question)
    flaky = FlakyEngine(engine.knowledge)
    world.env.bot.holder.swap(flaky)
    flaky.broken = True

    with caplog.at_level(logging.ERROR, logger="bot.discord_app.errors"):
        clicked = await world.alice.click(offer.response, label=expected.suggestions[0].question)

    (apology,) = clicked.followups
    assert apology.ephemeral and apology.content == APOLOGY
    assert "component" in caplog.records[0].getMessage()
    assert world.env.errors


async def test_a_cooldown_reply_is_private_and_says_when(
    simcord_env: simcord.Env, make_bot: BotFactory, engine: Engine
) -> None:
    await simcord_env.restart_bot(make_bot(cooldown_rate=1, cooldown_per_seconds=120))
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    question, entry = answered(engine)

    await alice.slash(channel, "ask", question=question)
    refused = await alice.slash(channel, "quote", term="THAAD")

    assert refused.ephemeral
    assert "try again <t:" in refused.response.content
    assert ":R> (120 s)" in refused.response.content
    assert [type(error).__name__ for error in simcord_env.errors] == ["CommandOnCooldown"]
    other = await bob.slash(channel, "ask", question=question)
    assert other.response.embeds[0].description == entry.answer  # cooldowns are per user
    await simcord_env.advance_time(121)
    later = await alice.slash(channel, "ask", question=question)
    assert later.response.embeds[0].description == entry.answer


class DisconnectedEngine(Engine):
    """An engine whose question runs into a dropped connection to Discord."""

    def ask(self, question: str, *, strict: bool = False, article: str | None = None) -> AskResult:
        raise aiohttp.ServerDisconnectedError()


async def test_a_lost_connection_is_a_warning_without_a_traceback(
    world: World, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    world.env.bot.holder.swap(DisconnectedEngine(engine.knowledge))

    with caplog.at_level(logging.WARNING, logger="bot.discord_app.errors"):
        result = await world.alice.slash(world.channel, "ask", question="who is Tillerson?")

    assert result.response.content == APOLOGY
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "ServerDisconnectedError" in record.getMessage()
    assert [type(error.__cause__).__name__ for error in world.env.errors] == [
        "ServerDisconnectedError"
    ]


@pytest.mark.parametrize(
    "failure",
    [RuntimeError("Session is closed"), aiohttp.ServerDisconnectedError(), TimeoutError()],
    ids=["session-closed", "disconnected", "timeout"],
)
async def test_an_apology_that_cannot_be_delivered_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, failure: Exception
) -> None:
    async def undeliverable(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(errors, "reply_privately", undeliverable)
    interaction = SimpleNamespace(
        client=SimpleNamespace(is_closed=lambda: False),
        command=None,
        data={"name": "ask"},
        type=SimpleNamespace(name="application_command"),
        user=SimpleNamespace(id=1),
        guild_id=2,
    )

    with caplog.at_level(logging.WARNING, logger="bot.discord_app.errors"):
        await errors.handle_interaction_error(interaction, RuntimeError("bug"))  # type: ignore[arg-type]

    assert "Could not tell the user" in caplog.records[-1].getMessage()
