"""Stopping `python -m bot run` with SIGTERM or SIGINT in the middle of a burst of questions."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.discord_app.shutdown import RESTARTING
from bot.engine import Engine
from tests.discord_app.conftest import EPHEMERAL, answered
from tests.discord_app.fake_discord import TOKEN, FakeDiscord, slash_ask

PROJECT = Path(__file__).resolve().parents[2]
BURST = 150


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A fake Discord in this process, for a bot in another."""
    fake = FakeDiscord()
    await fake.start()
    yield fake
    await fake.stop()


async def start_bot(
    fake: FakeDiscord, data_dir: Path, **settings: str
) -> asyncio.subprocess.Process:
    """Start `python -m bot run` against ``fake`` with its state in ``data_dir``."""
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "DISCORD_TOKEN": TOKEN,
        "DATA_DIR": str(data_dir),
        "DATABASE_PATH": str(data_dir / "citebot.sqlite3"),
        "WATCH_KNOWLEDGE": "false",
        "COOLDOWN_RATE": "1000",
        "LOG_LEVEL": "INFO",
        **settings,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.discord_app.against_fake",
        str(fake.port),
        cwd=data_dir,  # no developer's .env here
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.parametrize(
    ("signum", "grace"),
    [(signal.SIGTERM, "5"), (signal.SIGINT, "5"), (signal.SIGTERM, "0")],
    # No grace: replies already on their way still finish; work not started is told to retry.
    ids=["SIGTERM", "SIGINT", "SIGTERM-no-grace"],
)
async def test_a_stop_mid_burst_answers_everyone_and_closes_cleanly(
    fake_discord: FakeDiscord, engine: Engine, tmp_path: Path, signum: signal.Signals, grace: str
) -> None:
    question, entry = answered(engine)
    bot = await start_bot(fake_discord, tmp_path, SHUTDOWN_GRACE_SECONDS=grace)
    try:
        await fake_discord.wait_until_ready_sent(timeout=60)
        ids = [
            await fake_discord.send_interaction(slash_ask(5000 + n, question)) for n in range(BURST)
        ]
        await fake_discord.wait_for(lambda request: request.path.endswith("/callback"))
        bot.send_signal(signum)
        signalled = time.monotonic()
        _, err = await asyncio.wait_for(bot.communicate(), 30)
        took = time.monotonic() - signalled
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    log = err.decode()

    assert bot.returncode == 0, log
    assert took < 10
    assert sorted(fake_discord.first_response_at) == ids  # every interaction answered
    callbacks = [r for r in fake_discord.requests if r.path.endswith("/callback")]
    answers = [r for r in callbacks if r.json["data"].get("embeds")]
    told = [r for r in callbacks if r.json["data"].get("content") == RESTARTING]
    assert len(answers) + len(told) == BURST
    assert all(r.json["data"]["flags"] == EPHEMERAL for r in told)
    assert all(r.json["data"]["embeds"][0]["description"] == entry.answer for r in answers)
    assert fake_discord.close_codes == [1000], log  # the gateway closed cleanly
    assert "Traceback" not in log and "never retrieved" not in log and "ERROR" not in log
    database = tmp_path / "citebot.sqlite3"
    assert not database.with_name(database.name + "-wal").exists()  # closed and checkpointed
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM asked").fetchone() == (len(answers),)
        assert db.execute("SELECT count(*) FROM answers").fetchone() == (len(answers),)
