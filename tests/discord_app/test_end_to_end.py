"""The bot's own start() over real sockets, against a fake Discord on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from bot.discord_app.client import CiteBot
from bot.discord_app.runner import EXIT_OK, serve
from bot.engine import Engine
from tests.discord_app.conftest import NO_PINGS, BotFactory, answered
from tests.discord_app.fake_discord import (
    APP_ID,
    CHANNEL_ID,
    TOKEN,
    FakeDiscord,
    Recorded,
    callback_path,
    mention,
    slash_ask,
)

# Intents citebot asks for: GUILDS (1 << 0), GUILD_MESSAGES (1 << 9), MESSAGE_CONTENT (1 << 15).
INTENTS = (1 << 0) | (1 << 9) | (1 << 15)
# Port 9 (discard) on loopback: if a code path ignored our gateway, it fails here, not online.
NOWHERE = yarl.URL("ws://127.0.0.1:9/")


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """Serve a fake Discord and point discord.py's REST base at it."""
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", NOWHERE)
    yield fake
    await fake.stop()


def is_post(path: str) -> Any:
    """Match a POST to ``path``."""
    return lambda request: request.method == "POST" and request.path == path


@pytest.mark.parametrize("sharded", [False, True], ids=["single", "auto-sharded"])
async def test_bot_answers_slash_and_mention_over_real_sockets(
    fake_discord: FakeDiscord,
    make_bot: BotFactory,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    sharded: bool,
) -> None:
    if not sharded:  # a single connection uses the default gateway, not GET /gateway/bot
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake_discord.gateway_url))
    bot = make_bot(sharded=sharded)
    # discord.py waits this long after the last GUILD_CREATE before on_ready (default 2 s).
    bot._connection.guild_ready_timeout = 0.2
    question, entry = answered(engine)
    long_question = (f"{question} " + "with **markdown** and @everyone\u200b " * 200)[:4000]
    running = asyncio.create_task(serve(bot, TOKEN))
    try:
        await until_ready(bot, running)

        await fake_discord.dispatch("INTERACTION_CREATE", slash_ask(1001, question))
        callback = await fake_discord.wait_for(is_post(callback_path(1001)))
        await fake_discord.dispatch("MESSAGE_CREATE", mention(2002, long_question))
        reply = await fake_discord.wait_for(is_post(f"/channels/{CHANNEL_ID}/messages"))
        recorded = await recorded_questions(bot, 2)
    finally:
        await bot.close()
        exit_code = await asyncio.wait_for(running, 10)

    assert exit_code == EXIT_OK
    assert fake_discord.close_codes == [1000]  # Discord ends the session: the bot goes offline
    assert callback.json["type"] == 4  # CHANNEL_MESSAGE_WITH_SOURCE
    assert callback.json["data"]["embeds"][0]["description"] == entry.answer
    assert callback.json["data"]["allowed_mentions"] == NO_PINGS
    assert not callback.json["data"].get("flags", 0) & 64
    assert int(reply.json["message_reference"]["message_id"]) == 2002
    assert reply.json["allowed_mentions"] == NO_PINGS
    assert len(reply.json.get("content") or "") <= 2000
    identify = next(p["d"] for p in fake_discord.gateway_received if p["op"] == 2)
    assert identify["intents"] == INTENTS
    assert identify["token"] == TOKEN
    assert _calls(fake_discord, "PUT", f"/applications/{APP_ID}/commands")
    assert recorded == 2  # the feedback database opened at start-up and logged both
    assert [
        b["label"] for row in callback.json["data"]["components"] for b in row["components"]
    ] == [
        "Helpful",
        "Not helpful",
    ]
    assert bool(_calls(fake_discord, "GET", "/gateway/bot")) is sharded


async def test_a_rejected_token_is_one_sentence_and_exit_1(
    fake_discord: FakeDiscord,
    make_bot: BotFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    exit_code = await asyncio.wait_for(serve(make_bot(), "not-the-token"), 10)

    err = capsys.readouterr().err
    assert exit_code == 1
    assert err.count("\n") == 1 and "rejected DISCORD_TOKEN" in err
    assert "Traceback" not in err
    assert "not-the-token" not in err
    assert fake_discord.gateway_received == []


async def recorded_questions(bot: CiteBot, expected: int) -> int:
    """Wait (up to 5 s) until the bot's database logged ``expected`` questions; return the count."""
    asked = 0
    for _ in range(100):
        stats = await bot.feedback.stats(datetime(2000, 1, 1, tzinfo=UTC))
        asked = stats.asked if stats is not None else 0
        if asked >= expected:
            break
        await asyncio.sleep(0.05)
    return asked


async def until_ready(bot: discord.Client, running: asyncio.Task[int]) -> None:
    """Wait for on_ready, failing at once (with its error) if the bot stops first."""
    ready = asyncio.ensure_future(bot.wait_until_ready())
    done, _ = await asyncio.wait({ready, running}, timeout=10, return_when="FIRST_COMPLETED")
    if running in done:
        ready.cancel()
        pytest.fail(f"the bot stopped before it was ready: {running.result()!r}")
    assert ready in done, "the bot was not ready within 10 seconds"


async def test_a_refused_privileged_intent_is_one_sentence_and_exit_1(
    fake_discord: FakeDiscord,
    make_bot: BotFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake_discord.gateway_url))
    fake_discord.refused_intents = 1 << 15  # MESSAGE_CONTENT is off in the portal

    exit_code = await asyncio.wait_for(serve(make_bot(), TOKEN), 10)

    err = capsys.readouterr().err
    assert exit_code == 1
    assert err.count("\n") == 1 and "Message Content intent" in err
    assert "MESSAGE_CONTENT_INTENT=false" in err


def _calls(fake: FakeDiscord, method: str, path: str) -> list[Recorded]:
    return [r for r in fake.requests if r.method == method and r.path == path]
