"""The watcher: one reload per burst of saves, through broken edits, until cancelled."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.engine import watcher
from bot.engine.lifecycle import KnowledgeManager
from bot.engine.outcomes import ReloadOutcome
from bot.engine.watcher import is_relevant, watch
from tests.conftest import add_second_article
from tests.moderation.conftest import ENERGY, NEW_QUESTION, add_new_entry
from tests.moderation.test_reload import break_yaml

# Saves in a burst come SAVE_GAP_SECONDS apart, far inside the debounce, so only a stall of
# the test machine longer than the difference could split a burst in two.
DEBOUNCE_MS = 400
SAVE_GAP_SECONDS = 0.03
SETTLE_SECONDS = 0.4  # long enough for inotify to be watching before a test edits
WAIT_SECONDS = 10.0  # generous: CI machines stall; a passing test never waits this long


class Watching:
    """A running watcher, the reloads it made and the outcomes it reported."""

    def __init__(self, manager: KnowledgeManager) -> None:
        self.reloads = 0
        self.reported: asyncio.Queue[ReloadOutcome] = asyncio.Queue()
        reload = manager.reload

        async def counting_reload() -> ReloadOutcome:
            self.reloads += 1
            return await reload()

        manager.reload = counting_reload  # type: ignore[method-assign]
        self.task: asyncio.Task[None] | None = None

    async def next_outcome(self) -> ReloadOutcome:
        return await asyncio.wait_for(self.reported.get(), WAIT_SECONDS)


@pytest.fixture
async def watching(manager: KnowledgeManager) -> AsyncIterator[Watching]:
    state = Watching(manager)

    async def report(outcome: ReloadOutcome) -> None:
        await state.reported.put(outcome)

    state.task = asyncio.create_task(
        watch(manager, debounce_ms=DEBOUNCE_MS, on_outcome=report, recheck_ms=200)
    )
    await asyncio.sleep(SETTLE_SECONDS)
    yield state
    state.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await state.task


async def test_a_burst_of_saves_gives_one_reload(
    watching: Watching, manager: KnowledgeManager, knowledge: Path
) -> None:
    path = knowledge / ENERGY
    original = path.read_text(encoding="utf-8")
    for _ in range(4):  # an editor saving repeatedly, faster than the debounce
        path.write_text(original + "\n", encoding="utf-8")
        path.write_text(original, encoding="utf-8")
        await asyncio.sleep(SAVE_GAP_SECONDS)
    add_new_entry(knowledge)

    outcome = await watching.next_outcome()
    await asyncio.sleep(DEBOUNCE_MS / 1000 * 3)  # time for a second reload, if one came

    assert outcome.ok and outcome.changed
    assert watching.reloads == 1
    assert manager.engine.ask(NEW_QUESTION).matched


async def test_the_watcher_survives_a_broken_edit(
    watching: Watching, manager: KnowledgeManager, knowledge: Path
) -> None:
    original = (knowledge / ENERGY).read_text(encoding="utf-8")
    good = manager.engine.version
    break_yaml(knowledge)

    refused = await watching.next_outcome()
    assert not refused.ok and manager.engine.version == good
    assert "knowledge/articles/beijing-moscow/qa/energy.yaml" in refused.describe()

    (knowledge / ENERGY).write_text(original, encoding="utf-8")
    add_new_entry(knowledge)
    fixed = await watching.next_outcome()

    assert fixed.ok and fixed.changed
    assert watching.task is not None and not watching.task.done()


async def test_the_watcher_follows_the_directory_when_it_is_replaced(
    watching: Watching, manager: KnowledgeManager, knowledge: Path, tmp_path: Path
) -> None:
    shutil.copytree(knowledge, tmp_path / "aside")
    shutil.rmtree(knowledge)

    gone = await watching.next_outcome()
    assert not gone.ok and "is not a directory" in gone.describe()

    shutil.copytree(tmp_path / "aside", knowledge)  # a new directory: the old watch is dead
    await asyncio.sleep(SETTLE_SECONDS * 4)
    add_new_entry(knowledge)

    back = await watching.next_outcome()
    assert back.ok and back.changed
    assert manager.engine.ask(NEW_QUESTION).matched


async def test_a_failing_report_does_not_stop_the_watcher(
    manager: KnowledgeManager, knowledge: Path
) -> None:
    calls: list[ReloadOutcome] = []

    async def broken_report(outcome: ReloadOutcome) -> None:
        calls.append(outcome)
        raise RuntimeError("the mod-log channel is gone")

    task = asyncio.create_task(watch(manager, debounce_ms=DEBOUNCE_MS, on_outcome=broken_report))
    await asyncio.sleep(SETTLE_SECONDS)
    break_yaml(knowledge)
    await _until(lambda: len(calls) == 1)
    add_new_entry(knowledge)  # onto the broken file: still broken, still reported
    await _until(lambda: len(calls) == 2)

    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_cancel_stops_the_watcher_promptly(manager: KnowledgeManager) -> None:
    task = asyncio.create_task(watch(manager, debounce_ms=DEBOUNCE_MS))
    await asyncio.sleep(SETTLE_SECONDS)

    task.cancel()
    done, _ = await asyncio.wait([task], timeout=2)

    assert task in done and task.cancelled()


@pytest.mark.parametrize(
    ("name", "relevant"),
    [
        ("articles/beijing-moscow/qa/energy.yaml", True),
        ("sources/beijing-moscow.txt", True),
        ("tests.yaml", True),
        ("articles/beijing-moscow/qa/.energy.yaml.swp", False),
        ("articles/beijing-moscow/qa/energy.yaml~", False),
        ("articles/beijing-moscow/qa/#energy.yaml#", False),
        ("articles/beijing-moscow/qa/4913", False),
        (".git/index", False),
        ("articles/beijing-moscow/qa/energy.yaml.tmp", False),
    ],
)
def test_editor_droppings_do_not_trigger_a_reload(name: str, relevant: bool) -> None:
    root = Path("/srv/.config/knowledge")  # a hidden folder above knowledge/ does not count
    assert is_relevant(root / name, root) is relevant


async def _until(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


async def test_a_failing_native_watch_falls_back_to_polling(
    manager: KnowledgeManager, knowledge: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_awatch = watcher.awatch
    modes: list[bool | None] = []

    def flaky_awatch(*args: Any, **kwargs: Any) -> Any:
        modes.append(kwargs.get("force_polling"))
        if len(modes) == 1:
            raise OSError("OS file watch limit reached")
        return real_awatch(*args, **kwargs)

    monkeypatch.setattr(watcher, "awatch", flaky_awatch)
    monkeypatch.setattr(watcher, "RETRY_SECONDS", 0.05)
    reported: asyncio.Queue[ReloadOutcome] = asyncio.Queue()
    task = asyncio.create_task(watch(manager, debounce_ms=DEBOUNCE_MS, on_outcome=reported.put))
    await asyncio.sleep(SETTLE_SECONDS * 2)
    add_new_entry(knowledge)

    outcome = await asyncio.wait_for(reported.get(), WAIT_SECONDS)

    assert modes == [None, True]
    assert outcome.ok and outcome.changed
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_new_article_folder_is_picked_up_and_answered(
    watching: Watching, manager: KnowledgeManager, knowledge: Path
) -> None:
    add_second_article(knowledge)

    outcome = await watching.next_outcome()

    assert outcome.ok and outcome.changed, outcome.describe()
    assert sorted(manager.engine.knowledge.sources) == ["beijing-moscow", "harbour-library"]
    answer = manager.engine.ask("how much did the library repairs cost")
    assert answer.entry is not None and answer.entry.id == "library-repair-cost"
    assert "library-repair-cost" in outcome.describe()  # the entries it added are named
