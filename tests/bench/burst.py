"""Burst benchmark: how fast every interaction of a burst gets its first response.

Usage: python -m tests.bench.burst [--interactions 600] [--members 60] [--runs 10] [--votes 0.1]
                                   [--reload]

The unmodified `python -m bot run` serves a fake Discord on 127.0.0.1 (tests/discord_app/
fake_discord.py, in this process; the bot is its own process, as in production). Each run
sends ``--interactions`` interactions from ``--members`` members over the gateway as fast
as the socket takes them, then waits for them all: /ask, and a share ``--votes`` of clicks on
the "Helpful" buttons of answers from earlier runs (a vote writes to the database before it
replies, behind the burst's own records). The time to first response is from the
moment an interaction was sent to the moment its first response (answer, "did you mean",
"I don't know" or a deferral) reached the fake: Discord wants it within 3 s. Lost = no first
response 15 s after the burst. The cooldown is raised so that every question gets a real
answer (the heavier path); runs are 2 s apart. With ``--reload`` the bot watches a copy of
the knowledge, and an entry is added to it as each burst is sent, so a reload (load, index,
regression questions, swap) runs in the middle of the burst.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.engine import load_engine
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.bench.reload import add_entry
from tests.discord_app.fake_discord import (
    BOT_USER,
    TOKEN,
    FakeDiscord,
    button_click,
    message,
    slash_ask,
    user,
)

DEADLINE = 3.0
PROJECT = Path(__file__).resolve().parents[2]


def questions() -> list[str]:
    """What members ask: every entry's question and alternates, and a few the bot declines."""
    knowledge = load_engine(DEFAULT_KNOWLEDGE_DIR).knowledge
    asked = [text for entry in knowledge.entries for text in (entry.question, *entry.alternates)]
    return [*asked, "what is the capital of france", "hello?", "how are you today"]


async def start_bot(
    port: int, state: Path, knowledge: Path | None = None
) -> asyncio.subprocess.Process:
    """Start `python -m bot run` against the fake on ``port``; its log goes to state/bot.log.

    With ``knowledge``, the bot serves and watches that directory.
    """
    watched = {} if knowledge is None else {"KNOWLEDGE_DIR": str(knowledge)}
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "DISCORD_TOKEN": TOKEN,
        "DATA_DIR": str(state),
        "DATABASE_PATH": str(state / "citebot.sqlite3"),
        "WATCH_KNOWLEDGE": "false" if knowledge is None else "true",
        "RELOAD_DEBOUNCE_MS": "50",
        "COOLDOWN_RATE": "100000",
        "LOG_LEVEL": "WARNING",
        **watched,
    }
    log = (state / "bot.log").open("wb")
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.discord_app.against_fake",
        str(port),
        cwd=state,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )


def helpful_buttons(fake: FakeDiscord) -> list[tuple[str, list[Any]]]:
    """The "Helpful" button of every answer the bot posted: its custom id, the answer's rows."""
    return [
        (button["custom_id"], request.json["data"]["components"])
        for request in fake.requests
        if request.path.endswith("/callback") and request.status == 200
        for row in (request.json.get("data") or {}).get("components", [])
        for button in row["components"]
        if button.get("label") == "Helpful"
    ]


async def burst(
    fake: FakeDiscord,
    first_id: int,
    count: int,
    members: int,
    votes: float,
    edit: Path | None = None,
) -> dict[str, float]:
    """Send one burst; return its figures (seconds) once every interaction is answered or lost."""
    asked = questions()
    buttons = helpful_buttons(fake)
    every = round(1 / votes) if votes and buttons else 0  # every n-th interaction is a vote
    people = [user(800_000_000_000_000_000 + n, f"member{n}") for n in range(members)]
    ids = []
    for n in range(count):
        who = people[n % members]
        if every and n % every == every - 1:
            # discord.py finds the clicked button among the message's own components.
            custom_id, rows = buttons[n % len(buttons)]
            under = message(fake.new_id(), BOT_USER, "", components=rows)
            payload = button_click(first_id + n, custom_id, under, who)
        else:
            payload = slash_ask(first_id + n, asked[n % len(asked)], who)
        ids.append(await fake.send_interaction(payload))
        if edit is not None and n == count // 10:  # the watcher reloads mid-burst
            add_entry(edit, first_id)
    sent = time.monotonic()
    while time.monotonic() - sent < 15 and not all(i in fake.first_response_at for i in ids):
        await asyncio.sleep(0.05)
    waits = sorted(
        fake.first_response_at[i] - fake.dispatched_at[i]
        for i in ids
        if i in fake.first_response_at
    )
    lost = count - len(waits)
    return {
        "sending": sent - fake.dispatched_at[ids[0]],
        "p50": statistics.median(waits) if waits else float("nan"),
        "p99": waits[int(len(waits) * 0.99) - 1] if waits else float("nan"),
        "max": waits[-1] if waits else float("nan"),
        "late": sum(wait > DEADLINE for wait in waits),
        "lost": lost,
    }


async def main(count: int, members: int, runs: int, votes: float, reload: bool) -> int:
    fake = FakeDiscord()
    await fake.start()
    with tempfile.TemporaryDirectory(prefix="citebot-burst-") as folder:
        knowledge = None
        if reload:
            knowledge = Path(folder) / "knowledge"
            shutil.copytree(DEFAULT_KNOWLEDGE_DIR, knowledge)
        bot = await start_bot(fake.port, Path(folder), knowledge)
        try:
            await fake.wait_until_ready_sent(timeout=120)
            await asyncio.sleep(2.5)  # discord.py's guild_ready_timeout, then on_ready
            print(
                f"{count} interactions from {members} members at once, {votes:.0%} of them votes "
                f"from the second run on; {runs} run(s)"
                + ("; a reload during each burst" if reload else "")
            )
            print("run  sending   p50      p99      max      >3s  lost")
            failed = 0
            for run in range(runs):
                figures = await burst(fake, 10_000 + run * count, count, members, votes, knowledge)
                failed += bool(figures["late"] or figures["lost"])
                print(
                    f"{run + 1:>3}  {figures['sending']:6.3f}s  {figures['p50']:6.3f}s  "
                    f"{figures['p99']:6.3f}s  {figures['max']:6.3f}s  {figures['late']:>4}  "
                    f"{figures['lost']:>4}"
                )
                await asyncio.sleep(2)
            print(f"runs with an interaction past {DEADLINE:.0f} s or lost: {failed} of {runs}")
        finally:
            bot.terminate()
            await asyncio.wait_for(bot.wait(), 30)
            await fake.stop()
            log = (Path(folder) / "bot.log").read_text(encoding="utf-8", errors="replace")
            shown = [line for line in log.splitlines() if "voice will NOT be supported" not in line]
            if shown:
                print("the bot's warnings and errors, last 20 lines:")
                print("\n".join(shown[-20:]))
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=600)
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--votes", type=float, default=0.1, help="share of clicks on votes")
    parser.add_argument("--reload", action="store_true", help="reload during each burst")
    options = parser.parse_args()
    figures = main(
        options.interactions, options.members, options.runs, options.votes, options.reload
    )
    raise SystemExit(asyncio.run(figures))
