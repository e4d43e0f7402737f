"""Start-up paths of `python -m bot run`: no token, a rejected token, a terminal or a service."""

from __future__ import annotations

import asyncio
import logging
import os
import pty
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.discord_app import runner
from bot.discord_app.runner import EXIT_FAILED, EXIT_NO_TOKEN, run_bot
from bot.engine import Engine
from bot.engine.lifecycle import KnowledgeManager
from tests.discord_app.conftest import make_settings
from tests.discord_app.fake_discord import FakeDiscord

PROJECT = Path(__file__).resolve().parents[2]


def cli_env() -> dict[str, str]:
    """The environment for `python -m bot run` with no token, whatever the developer's .env."""
    return {**os.environ, "PYTHONPATH": str(PROJECT), "DISCORD_TOKEN": "", "LOG_LEVEL": "INFO"}


@contextmanager
def fake_discord_in_a_thread() -> Iterator[FakeDiscord]:
    """Serve a fake Discord from its own event loop, for code that calls asyncio.run."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeDiscord()
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(10)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def serving(engine: Engine, tmp_path: Path) -> KnowledgeManager:
    """A manager serving ``engine``, as `python -m bot run` hands it to run_bot."""
    return KnowledgeManager(engine, directory=engine.knowledge.directory, data_dir=tmp_path)


def test_run_bot_without_a_token_says_so_and_returns_2(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_bot(make_settings(tmp_path), serving(engine, tmp_path)) == EXIT_NO_TOKEN

    err = capsys.readouterr().err
    assert err == f"citebot: {runner.NO_TOKEN}\n"


def test_run_bot_with_a_rejected_token_is_one_sentence_and_exit_1(
    engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logging_calls: list[dict[str, Any]] = []
    monkeypatch.setattr(discord.utils, "setup_logging", lambda **kw: logging_calls.append(kw))
    settings = make_settings(tmp_path, discord_token="wrong-token", log_level="debug")

    with fake_discord_in_a_thread() as fake:
        monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
        exit_code = run_bot(settings, serving(engine, tmp_path))

    err = capsys.readouterr().err
    assert exit_code == EXIT_FAILED
    assert err == f"citebot: {runner.BAD_TOKEN}\n"
    assert logging_calls == [{"level": logging.DEBUG, "root": True}]
    assert [request.path for request in fake.requests] == ["/users/@me"]


def test_run_without_a_token_as_a_service_fails_fast() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=cli_env(),
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "DISCORD_TOKEN is not set" in result.stderr


def test_run_without_a_token_in_a_terminal_explains_and_starts_the_chat() -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=PROJECT,
        env=cli_env(),
        close_fds=True,
    )
    os.close(terminal)
    try:
        shown = read_until(controller, "you> ")
        os.write(controller, b"/quit\n")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)

    assert "No DISCORD_TOKEN is set" in shown
    assert "discord.com/developers/applications" in shown
    assert "Traceback" not in shown


def read_until(fd: int, marker: str, timeout: float = 30) -> str:
    """Read a pseudo-terminal until ``marker`` appears."""
    output = b""
    deadline = time.monotonic() + timeout
    while marker.encode() not in output:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(
                f"no {marker!r} within {timeout} s; got {output.decode(errors='replace')!r}"
            )
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                output += os.read(fd, 4096)
            except OSError:
                break
    return output.decode(errors="replace")
