"""Reload benchmark: how long the event loop stalls, and what memory does, over two reloads.

Usage: python -m tests.bench.reload [--size 100000] [--reloads 2]

A knowledge directory of the project's knowledge plus ``--size`` synthetic entries (see
scale.py) is served by a KnowledgeManager, as the bot serves it. While it reloads (an entry is
added before each reload, so each one builds and swaps a new engine), a ticker on the loop asks
for 5 ms sleeps and records how late each wakes: the longest lateness is the longest time the
bot could not read Discord. RSS is read at the start, after each reload once the replaced
engine has been freed, and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.engine.lifecycle import KnowledgeManager
from tests.bench.scale import _rss_mib, make_knowledge

TICK = 0.005


class _Ticker:
    """Sleep TICK again and again on the loop; keep how late each wake-up was."""

    def __init__(self) -> None:
        self.late: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            self.late.append(time.perf_counter() - before - TICK)

    def stop(self) -> list[float]:
        assert self._task is not None
        self._task.cancel()
        late, self.late = self.late, []
        return late


def add_entry(directory: Path, number: int) -> None:
    """Add one entry in a file of its own to ``directory``'s qa/: the next reload changes it."""
    quote = "One of the key items on the agenda was North Korea."
    text = (
        "topic: Added for the reload benchmark\nentries:\n"
        f"  - id: reload-added-{number}\n"
        f"    question: What did reload number {number} add?\n"
        "    answer: One entry.\n"
        f'    quotes: ["{quote}"]\n'
    )
    (directory / "qa").mkdir(exist_ok=True)
    (directory / "qa" / f"reload-added-{number}.yaml").write_text(text, encoding="utf-8")


async def _main(directory: Path, reloads: int) -> list[str]:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as data:
        manager = KnowledgeManager.start(directory, Path(data))
        rows = [
            f"start: {time.perf_counter() - start:.1f} s, "
            f"{len(manager.engine.knowledge.entries):,} entries, RSS {_rss_mib():.0f} MiB"
        ]
        at_start = _rss_mib()
        ticker = _Ticker()
        for number in range(1, reloads + 1):
            add_entry(directory, number)
            ticker.start()
            began = time.perf_counter()
            outcome = await manager.reload()
            took = time.perf_counter() - began
            while manager._retiring:  # the replaced engine, freed in slices
                await asyncio.sleep(0.05)
            late = ticker.stop()
            rows.append(
                f"reload {number}: {'ok' if outcome.ok else outcome.describe()} in {took:.1f} s; "
                f"loop lateness max {max(late) * 1000:.1f} ms, p99 "
                f"{sorted(late)[int(0.99 * (len(late) - 1))] * 1000:.1f} ms, median "
                f"{statistics.median(late) * 1000:.2f} ms over {len(late):,} ticks; "
                f"RSS {_rss_mib():.0f} MiB ({_rss_mib() / at_start:.2f}x start)"
            )
        return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--reloads", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary) / "knowledge"
        make_knowledge(directory, args.size)
        print(f"{args.size:,} synthetic entries (plus the project's own)")
        for row in asyncio.run(_main(directory, args.reloads)):
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
