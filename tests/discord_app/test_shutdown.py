"""What a stop does with each piece of work in flight (bot/discord_app/shutdown.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.discord_app import shutdown
from bot.discord_app.shutdown import RESTARTING, InFlight


@dataclass
class Response:
    done: bool = False
    type: discord.InteractionResponseType | None = None

    def is_done(self) -> bool:
        return self.done


@dataclass
class User:
    id: int = 1


@dataclass
class Interaction:
    """Just what the stop reads of an interaction."""

    response: Response = field(default_factory=Response)
    user: User = field(default_factory=User)


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, str]]:
    """Record the private replies a stop sends instead of sending them."""
    sent: list[tuple[Any, str]] = []

    async def reply_privately(interaction: Any, content: str) -> None:
        sent.append((interaction, content))

    monkeypatch.setattr(shutdown, "reply_privately", reply_privately)
    return sent


async def work(
    in_flight: InFlight, interaction: Any, until: asyncio.Event, *, replying: bool
) -> str:
    """Admitted work that waits for ``until``, inside a reply or before one."""
    if not in_flight.admit(interaction):
        return "refused"
    if replying:
        with in_flight.replying():
            await until.wait()
    else:
        await until.wait()
    return "finished"


async def test_work_that_finishes_within_the_grace_period_is_not_told(
    told: list[tuple[Any, str]],
) -> None:
    in_flight, go = InFlight(), asyncio.Event()
    task = asyncio.create_task(work(in_flight, Interaction(), go, replying=False))
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_later(0.05, go.set)

    report = await in_flight.drain(grace=5)

    assert await task == "finished"
    assert (report.finished, report.told) == (1, 0)
    assert told == []


async def test_work_stuck_before_its_reply_is_cancelled_and_told_to_ask_again(
    told: list[tuple[Any, str]],
) -> None:
    in_flight, never = InFlight(), asyncio.Event()
    asker = Interaction()
    task = asyncio.create_task(work(in_flight, asker, never, replying=False))
    await asyncio.sleep(0)

    report = await in_flight.drain(grace=0.05)

    assert task.cancelled()
    assert report.told == 1
    assert told == [(asker, RESTARTING)]


async def test_a_reply_on_its_way_is_let_finish_not_cancelled(told: list[tuple[Any, str]]) -> None:
    in_flight, go = InFlight(), asyncio.Event()
    task = asyncio.create_task(work(in_flight, Interaction(), go, replying=True))
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_later(0.1, go.set)  # after the grace period

    await in_flight.drain(grace=0)

    assert await task == "finished"
    assert told == []


async def test_work_that_replied_already_is_not_told_again(told: list[tuple[Any, str]]) -> None:
    in_flight, go = InFlight(), asyncio.Event()
    answered = Interaction(Response(True, discord.InteractionResponseType.channel_message))
    task = asyncio.create_task(work(in_flight, answered, go, replying=False))
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_later(0.1, go.set)

    await in_flight.drain(grace=0)

    assert await task == "finished"
    assert told == []


async def test_work_that_only_said_thinking_is_cancelled_and_told(
    told: list[tuple[Any, str]],
) -> None:
    in_flight, never = InFlight(), asyncio.Event()
    thinking = Interaction(Response(True, discord.InteractionResponseType.deferred_channel_message))
    task = asyncio.create_task(work(in_flight, thinking, never, replying=False))
    await asyncio.sleep(0)

    report = await in_flight.drain(grace=0.05)

    assert task.cancelled()
    assert (report.finished, report.told) == (0, 1)
    assert told == [(thinking, RESTARTING)]


async def test_work_that_sent_its_reply_is_not_told(told: list[tuple[Any, str]]) -> None:
    in_flight, go, later = InFlight(), asyncio.Event(), asyncio.Event()
    go.set()

    async def reply_then_record() -> str:
        assert in_flight.admit(Interaction())
        with in_flight.replying():
            await go.wait()  # the reply goes out
        await later.wait()  # then its record is written, slowly
        return "recorded"

    task = asyncio.create_task(reply_then_record())
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_later(0.1, later.set)

    await in_flight.drain(grace=0)

    assert await task == "recorded"
    assert told == []


async def test_work_delivered_before_the_stop_is_taken_during_the_grace_period(
    told: list[tuple[Any, str]],
) -> None:
    in_flight, go = InFlight(), asyncio.Event()
    go.set()
    delivered = asyncio.create_task(work(in_flight, Interaction(), go, replying=False))
    stopping = asyncio.create_task(in_flight.drain(grace=5))
    await asyncio.sleep(0)  # the stop begins before the delivered work runs
    late = asyncio.create_task(work(in_flight, Interaction(), go, replying=False))

    await stopping

    assert await delivered == "finished"
    assert await late == "refused"  # arrived after the stop began: "restarting"


async def test_work_not_started_when_the_grace_period_ends_is_refused(
    told: list[tuple[Any, str]],
) -> None:
    in_flight, go = InFlight(), asyncio.Event()
    go.set()
    stopping = asyncio.create_task(in_flight.drain(grace=0))
    delivered = asyncio.create_task(work(in_flight, Interaction(), go, replying=False))
    await stopping

    assert await delivered == "refused"


async def test_a_second_signal_ends_the_grace_period_at_once(told: list[tuple[Any, str]]) -> None:
    in_flight, never = InFlight(), asyncio.Event()
    task = asyncio.create_task(work(in_flight, Interaction(), never, replying=False))
    await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    loop.call_later(0.05, in_flight.cut_short)
    started = loop.time()

    await in_flight.drain(grace=30)

    assert loop.time() - started < 5
    assert task.cancelled() and len(told) == 1


async def test_a_mention_cut_off_gets_a_reply_that_pings_nobody() -> None:
    in_flight, never = InFlight(), asyncio.Event()
    mention = MagicMock(spec=discord.Message)
    mention.reply = AsyncMock()
    task = asyncio.create_task(work(in_flight, mention, never, replying=False))
    await asyncio.sleep(0)

    report = await in_flight.drain(grace=0.05)

    assert task.cancelled() and report.told == 1
    mention.reply.assert_awaited_once_with(
        RESTARTING, mention_author=False, allowed_mentions=shutdown.NO_MENTIONS
    )
