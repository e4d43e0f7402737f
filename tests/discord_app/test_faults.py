"""Faults Discord throws at a running bot: gateway closes, rate limits, server errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from bot.discord_app.client import CiteBot
from bot.discord_app.runner import EXIT_OK, serve
from bot.engine import Engine
from tests.discord_app.conftest import BotFactory, answered
from tests.discord_app.fake_discord import (
    TOKEN,
    FakeDiscord,
    Recorded,
    callback_path,
    slash_ask,
)
from tests.discord_app.test_end_to_end import is_post, until_ready


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A fake Discord that discord.py's REST and gateway both point at."""
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    yield fake
    await fake.stop()


@pytest.fixture
async def running(
    fake_discord: FakeDiscord, make_bot: BotFactory
) -> AsyncIterator[tuple[CiteBot, asyncio.Task[int]]]:
    """The bot, connected to the fake and ready; stopped after the test."""
    bot = make_bot()
    bot._connection.guild_ready_timeout = 0.2  # on_ready 0.2 s after the guild, not 2 s
    task = asyncio.create_task(serve(bot, TOKEN))
    await until_ready(bot, task)
    yield bot, task
    await bot.close()
    assert await asyncio.wait_for(task, 10) == EXIT_OK


def callbacks(fake: FakeDiscord, interaction_id: int) -> list[Recorded]:
    """Every first-response request the bot made for one interaction."""
    return [r for r in fake.requests if r.path == callback_path(interaction_id)]


@pytest.mark.parametrize("code", [4000, 1001, None], ids=["unknown-error", "going-away", "op-7"])
async def test_after_discord_closes_the_gateway_the_bot_resumes_and_answers(
    fake_discord: FakeDiscord,
    running: tuple[CiteBot, asyncio.Task[int]],
    engine: Engine,
    code: int | None,
) -> None:
    question, entry = answered(engine)

    if code is None:
        await fake_discord.ask_to_reconnect()
    else:
        await fake_discord.drop_gateway(code)
    await fake_discord.wait_until_ready_sent()  # after RESUMED
    await fake_discord.send_interaction(slash_ask(7001, question))
    answer = await fake_discord.wait_for(is_post(callback_path(7001)))

    resume = [p["d"] for p in fake_discord.gateway_received if p["op"] == 6]
    assert len(resume) == 1
    assert resume[0]["session_id"] == "fake-session" and resume[0]["token"] == TOKEN
    assert resume[0]["seq"] >= 2  # READY and GUILD_CREATE were seen
    identifies = [p for p in fake_discord.gateway_received if p["op"] == 2]
    assert len(identifies) == 1  # resumed, not a new session
    assert answer.json["data"]["embeds"][0]["description"] == entry.answer


@pytest.mark.parametrize("status", [429, 500], ids=["rate-limited", "server-error"])
async def test_a_reply_refused_once_is_retried_and_delivered(
    fake_discord: FakeDiscord,
    running: tuple[CiteBot, asyncio.Task[int]],
    engine: Engine,
    status: int,
) -> None:
    question, entry = answered(engine)
    fake_discord.callback_faults = [status]

    await fake_discord.send_interaction(slash_ask(7101, question))
    await fake_discord.wait_for(
        lambda r: r.path == callback_path(7101) and r.status == 200, timeout=15
    )

    tries = callbacks(fake_discord, 7101)
    assert [r.status for r in tries] == [status, 200]
    assert tries[1].json["data"]["embeds"][0]["description"] == entry.answer
    assert tries[0].json == tries[1].json  # the same answer, sent again
