"""Reload under fire: edits, broken edits and reloads while a flood of questions is answered."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from bot.engine.lifecycle import KnowledgeManager
from bot.engine.outcomes import ReloadOutcome
from tests.moderation.conftest import NEW_QUESTION, add_new_entry
from tests.moderation.test_reload import (
    break_yaml,
    invalid_utf8,
    quote_not_verbatim,
    regression_broken,
    replace_with_directory,
)

QUESTIONS = [
    NEW_QUESTION,
    "how big is the gas deal",
    "who wrote this?",
    "what is THAAD",
    "why does china oppose thaad",
    "how long is the border between china and russia",
    "what's the weather like today",
    "gas",
]
ASKERS = 8
MIN_ASKS_EACH = 250  # 2,000 questions at least, and more while the edits are still going
# Each asker pauses this long between questions: a flood, yet the loading thread still gets the
# interpreter often enough for the test to take seconds rather than half a minute.
PAUSE_SECONDS = 0.01


async def test_no_question_fails_or_sees_a_half_loaded_base_while_reloading(
    manager: KnowledgeManager, knowledge: Path, tmp_path: Path
) -> None:
    base = manager.engine.version
    pristine = tmp_path / "pristine"
    shutil.copytree(knowledge, pristine)
    answers: dict[tuple[str, str], str | None] = {}  # (version, question) -> entry id
    editing_done = asyncio.Event()
    reloading = False
    asked = asked_during_reloads = 0

    async def ask_flood(offset: int) -> None:
        nonlocal asked, asked_during_reloads
        count = 0
        while count < MIN_ASKS_EACH or not editing_done.is_set():
            engine = manager.engine  # taken once, as a handler does
            question = QUESTIONS[(offset + count) % len(QUESTIONS)]
            result = engine.ask(question)
            entry = result.entry
            # The answer comes from the engine that was asked, not from a mix of two bases.
            if entry is not None:
                assert engine.knowledge.entry(entry.id) is entry
            got = entry.id if entry else None
            assert answers.setdefault((engine.version, question), got) == got
            count += 1
            asked_during_reloads += reloading
            await asyncio.sleep(PAUSE_SECONDS)
        asked += count

    def restore() -> None:
        shutil.rmtree(knowledge)
        shutil.copytree(pristine, knowledge)

    outcomes: list[ReloadOutcome] = []

    async def reload() -> ReloadOutcome:
        nonlocal reloading
        reloading = True
        try:
            outcome = await manager.reload()
        finally:
            reloading = False
        outcomes.append(outcome)
        return outcome

    async def moderator() -> None:
        try:
            for round_ in range(2):
                for break_it in (
                    break_yaml,
                    invalid_utf8,
                    replace_with_directory,
                    quote_not_verbatim,
                    regression_broken,
                ):
                    good = manager.engine.version
                    break_it(knowledge)
                    refused = await reload()
                    assert not refused.ok and manager.engine.version == good
                    restore()
                    if round_ == 0:  # the first round edits on top of the good base
                        add_new_entry(knowledge)
                    assert (await reload()).ok
        finally:
            editing_done.set()

    await asyncio.gather(moderator(), *(ask_flood(offset) for offset in range(ASKERS)))

    assert asked >= ASKERS * MIN_ASKS_EACH
    assert asked_during_reloads > ASKERS * 10  # the flood really ran while reloads were loading
    good_versions = {base} | {outcome.version for outcome in outcomes if outcome.ok}
    assert len(good_versions) == 2  # the base and the edit, back and forth
    assert {version for version, _ in answers} == good_versions  # never a refused one
    edited = next(version for version in good_versions if version != base)
    assert answers[base, NEW_QUESTION] is None
    assert answers[edited, NEW_QUESTION] == "quokka-mention"
    assert sum(not outcome.ok for outcome in outcomes) == 10
    assert manager.engine.version == base  # the second round restored the base each time
