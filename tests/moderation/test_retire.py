"""A replaced engine is freed a slice at a time, and only once nothing else holds it."""

from __future__ import annotations

import asyncio
import weakref

import pytest

from bot.engine import retire as retiring
from bot.engine.retire import retire


class _Part:
    """Something an engine owns, which can be watched being freed."""

    def __init__(self, number: int) -> None:
        self.number = number


class _Engine:
    def __init__(self, size: int) -> None:
        self.parts = [_Part(n) for n in range(size)]
        self.by_name = {f"part-{n}": part for n, part in enumerate(self.parts)}
        self.small = [_Part(-1)]


async def test_an_engine_nobody_holds_is_freed_in_slices_between_loop_turns() -> None:
    engine = _Engine(10_000)
    parts = [weakref.ref(part) for part in engine.parts[::100]]
    whole = weakref.ref(engine)
    alive_at_each_turn: list[int] = []

    async def watch() -> None:
        while True:
            alive_at_each_turn.append(sum(ref() is not None for ref in parts))
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    task = asyncio.create_task(retire(engine))
    del engine
    assert await task is True
    watcher.cancel()
    assert whole() is None and all(ref() is None for ref in parts)
    # The loop ran while the parts were being freed: some were gone and some not yet.
    assert any(0 < alive < len(parts) for alive in alive_at_each_turn)


async def test_an_engine_still_in_use_is_left_until_it_is_released(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(retiring, "POLL_SECONDS", 0.01)
    engine = _Engine(3000)
    first = weakref.ref(engine.parts[0])
    task = asyncio.create_task(retire(engine))
    await asyncio.sleep(0.05)
    assert not task.done() and first() is not None and len(engine.parts) == 3000
    del engine  # the question in flight is done with it
    assert await asyncio.wait_for(task, 1) is True
    assert first() is None


async def test_an_engine_held_past_patience_is_left_to_whoever_holds_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(retiring, "POLL_SECONDS", 0.01)
    monkeypatch.setattr(retiring, "PATIENCE_SECONDS", 0.03)
    engine = _Engine(2000)
    assert await retire(engine) is False
    assert len(engine.parts) == 2000 and engine.parts[1999].number == 1999  # untouched
