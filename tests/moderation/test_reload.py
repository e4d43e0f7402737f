"""Live reload: a good edit goes live whole, a bad one never replaces what is serving."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.engine.lifecycle import KnowledgeManager
from bot.search.config import MatchConfig
from tests.moderation.conftest import ENERGY, NEW_QUESTION, add_new_entry, edit, line_of


def break_yaml(root: Path) -> str:
    """An editor's half-written save: the file stops inside a quoted string."""
    path = root / ENERGY
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index('- "In the energy sector') + 12], encoding="utf-8")
    return r"knowledge/articles/beijing-moscow/qa/energy\.yaml:\d+: not valid YAML"


def delete_file(root: Path) -> str:
    (root / ENERGY).unlink()
    line = line_of(root / "tests.yaml", "expect: gas-deal-value")
    return rf"knowledge/tests\.yaml:{line}: cases\[\d+\]\.expect: unknown entry id 'gas-deal-value'"


def replace_with_directory(root: Path) -> str:
    (root / ENERGY).unlink()
    (root / ENERGY).mkdir()
    return (
        r"knowledge/articles/beijing-moscow/qa/energy\.yaml: is a directory, expected a YAML file"
    )


def invalid_utf8(root: Path) -> str:
    path = root / ENERGY
    data = path.read_bytes()
    cut = data.index(b"entries:")
    path.write_bytes(data[:cut] + b"\xff\xfe" + data[cut:])
    return r"knowledge/articles/beijing-moscow/qa/energy\.yaml:\d+: not valid UTF-8"


def quote_not_verbatim(root: Path) -> str:
    path = root / ENERGY
    line = line_of(path, '- "they have signed a $400 billion')
    edit(path, '- "they have signed a $400 billion', '- "they signed a $400 billion')
    return (
        rf"knowledge/articles/beijing-moscow/qa/energy\.yaml:{line}: "
        r"entry 'gas-deal-value': quotes\[1\]: "
        "not found verbatim in source 'beijing-moscow'"
    )


def regression_broken(root: Path) -> str:
    """A new entry that competes with 'thaad-what' so 'what is THAAD' is no longer answered."""
    rival = (
        "  - id: thaad-what-else\n    question: What is THAAD really?\n"
        '    answer: A rival answer.\n    quotes:\n      - "In the energy sector"\n\n'
    )
    edit(
        root / "articles/beijing-moscow/qa/thaad.yaml",
        "  - id: thaad-what\n",
        rival + "  - id: thaad-what\n",
    )
    line = line_of(root / "tests.yaml", "question: what is THAAD")
    return (
        rf"knowledge/tests\.yaml:{line}: regression: 'what is THAAD' should get "
        "entry 'thaad-what' but got"
    )


def remove_directory(root: Path) -> str:
    shutil.rmtree(root)
    return r"knowledge: is not a directory"


BROKEN_EDITS: list[Callable[[Path], str]] = [
    break_yaml,
    delete_file,
    replace_with_directory,
    invalid_utf8,
    quote_not_verbatim,
    regression_broken,
    remove_directory,
]


async def test_a_good_edit_goes_live_with_a_new_version(
    manager: KnowledgeManager, knowledge: Path
) -> None:
    before = manager.engine
    assert not before.ask(NEW_QUESTION).matched
    add_new_entry(knowledge)

    outcome = await manager.reload()

    assert outcome.ok and outcome.changed
    assert outcome.previous_version == before.version
    assert manager.engine.version == outcome.version != before.version
    answer = manager.engine.ask(NEW_QUESTION)
    assert answer.entry is not None and answer.entry.id == "quokka-mention"
    assert outcome.describe().startswith(f"Reloaded: knowledge {outcome.version} is live")


async def test_a_reload_without_changes_keeps_the_engine(manager: KnowledgeManager) -> None:
    before = manager.engine

    outcome = await manager.reload()

    assert outcome.ok and not outcome.changed
    assert manager.engine is before
    entries = len(before.knowledge.entries)
    assert outcome.describe() == (
        f"No change: knowledge {before.version} is already live ({entries} entries)."
    )


async def test_added_and_removed_entries_are_listed(
    manager: KnowledgeManager, knowledge: Path
) -> None:
    edit(
        knowledge / "articles/beijing-moscow/qa/thaad.yaml",
        "  - id: thaad-what\n",
        "  - id: thaad-meaning\n",
    )
    cases = knowledge / "tests.yaml"  # a rename updates every regression case naming it
    cases.write_text(
        cases.read_text(encoding="utf-8").replace("expect: thaad-what", "expect: thaad-meaning"),
        encoding="utf-8",
    )

    outcome = await manager.reload()

    assert outcome.ok, outcome.describe()
    assert outcome.added == ("thaad-meaning",) and outcome.removed == ("thaad-what",)
    assert "added 1: thaad-meaning; removed 1: thaad-what" in outcome.describe()


@pytest.mark.parametrize("break_it", BROKEN_EDITS, ids=lambda f: f.__name__)
async def test_a_broken_edit_keeps_the_old_knowledge_serving(
    manager: KnowledgeManager, knowledge: Path, break_it: Callable[[Path], str]
) -> None:
    before = manager.engine
    expected = break_it(knowledge)

    outcome = await manager.reload()

    assert not outcome.ok and not outcome.changed
    assert manager.engine is before
    assert outcome.version == before.version
    reported = [str(problem) for problem in outcome.problems]
    assert any(re.search(expected, line) for line in reported), reported
    reply = outcome.describe()
    assert reply.startswith(f"Reload refused ({len(reported)} problem")
    assert f"knowledge {before.version} keeps serving" in reply
    served = manager.engine.ask("how big is the gas deal").entry  # a regression case
    assert served is not None and served.id == "gas-deal-value"


async def test_the_good_edit_after_a_broken_one_goes_live(
    manager: KnowledgeManager, knowledge: Path
) -> None:
    original = (knowledge / ENERGY).read_text(encoding="utf-8")
    break_yaml(knowledge)
    assert not (await manager.reload()).ok

    (knowledge / ENERGY).write_text(original, encoding="utf-8")
    add_new_entry(knowledge)
    outcome = await manager.reload()

    assert outcome.ok and outcome.changed
    assert manager.engine.ask(NEW_QUESTION).matched


async def test_the_directory_coming_back_is_reloaded(
    manager: KnowledgeManager, knowledge: Path, tmp_path: Path
) -> None:
    shutil.copytree(knowledge, tmp_path / "aside")
    shutil.rmtree(knowledge)
    assert not (await manager.reload()).ok

    shutil.copytree(tmp_path / "aside", knowledge)
    add_new_entry(knowledge)

    assert (await manager.reload()).changed


async def test_a_question_in_flight_keeps_the_engine_it_took(
    manager: KnowledgeManager, knowledge: Path
) -> None:
    taken = manager.engine
    add_new_entry(knowledge)

    await manager.reload()

    assert manager.engine is not taken
    assert not taken.ask(NEW_QUESTION).matched  # the old engine is whole and unchanged
    assert manager.engine.ask(NEW_QUESTION).matched


async def test_concurrent_reloads_run_one_at_a_time(
    manager: KnowledgeManager, knowledge: Path
) -> None:
    original = manager.engine.version
    add_new_entry(knowledge)

    outcomes = await asyncio.gather(*(manager.reload() for _ in range(5)))

    assert [outcome.changed for outcome in outcomes].count(True) == 1
    assert all(outcome.ok for outcome in outcomes)
    assert manager.status().previous_version == original


async def test_on_swap_hears_of_every_engine_put_live(knowledge: Path, data_dir: Path) -> None:
    seen: list[str] = []
    manager = KnowledgeManager.start(knowledge, data_dir, on_swap=lambda e: seen.append(e.version))
    add_new_entry(knowledge)

    reloaded = await manager.reload()
    rolled_back = await manager.rollback()

    assert seen == [reloaded.version, rolled_back.version]


async def test_rollback_restores_the_previous_version(
    manager: KnowledgeManager, knowledge: Path
) -> None:
    original = manager.engine.version
    add_new_entry(knowledge)
    reloaded = await manager.reload()

    outcome = await manager.rollback()

    assert outcome.ok and outcome.changed
    assert manager.engine.version == original
    assert not manager.engine.ask(NEW_QUESTION).matched
    assert outcome.describe().startswith(
        f"Rolled back: knowledge {original} is live (was {reloaded.version})"
    )
    assert manager.status().previous_version == reloaded.version  # a second rollback undoes it


async def test_rollback_after_a_restart_loads_the_snapshot_from_disk(
    manager: KnowledgeManager, knowledge: Path, data_dir: Path
) -> None:
    original = manager.engine.version
    add_new_entry(knowledge)
    edited = (await manager.reload()).version
    del manager

    restarted = KnowledgeManager.start(knowledge, data_dir)
    assert restarted.engine.version == edited
    assert restarted.status().previous_version == original

    outcome = await restarted.rollback()

    assert outcome.ok and restarted.engine.version == original
    assert not restarted.engine.ask(NEW_QUESTION).matched
    assert restarted.engine.knowledge.directory == knowledge.resolve()


async def test_rollback_with_nothing_kept_is_refused(manager: KnowledgeManager) -> None:
    before = manager.engine

    outcome = await manager.rollback()

    assert not outcome.ok and manager.engine is before
    assert "holds no previous knowledge to roll back to" in outcome.describe()


async def test_status_describes_what_is_live(manager: KnowledgeManager, knowledge: Path) -> None:
    status = manager.status()

    assert status.version == manager.engine.version
    qa_files = sorted((knowledge / "articles" / "beijing-moscow" / "qa").glob("*.yaml"))
    ids = sum(path.read_text(encoding="utf-8").count("\n  - id: ") for path in qa_files)
    assert (status.entries, status.sources, status.topics) == (ids, 1, len(qa_files))
    assert status.regressions == len(manager.engine.knowledge.regressions) > 0
    assert datetime.now(UTC) - status.loaded_at < timedelta(minutes=1)
    assert status.directory == knowledge
    assert status.previous_version is None and status.last_failure is None
    assert "No reload has failed." in status.describe()


async def test_status_keeps_the_last_failed_reload(
    manager: KnowledgeManager, knowledge: Path
) -> None:
    quote_not_verbatim(knowledge)
    failed = await manager.reload()

    status = manager.status()

    assert status.last_failure is failed
    assert status.last_failure.at <= datetime.now(UTC)
    text = status.describe()
    assert "Last failed reload at" in text
    assert "quotes[1]: not found verbatim in source 'beijing-moscow'" in text


async def test_a_broken_start_raises_with_every_problem(knowledge: Path, data_dir: Path) -> None:
    from bot.knowledge.model import KnowledgeError

    quote_not_verbatim(knowledge)

    with pytest.raises(KnowledgeError, match="quotes\\[1\\]: not found verbatim"):
        KnowledgeManager.start(knowledge, data_dir)


BUILT_IN = pytest.mark.parametrize("child_build_entries", [2000, 0], ids=["thread", "child"])


@BUILT_IN
async def test_an_unwritable_data_dir_costs_only_the_rollback(
    knowledge: Path, tmp_path: Path, child_build_entries: int
) -> None:
    """The previous knowledge is kept on disk, not as a third engine in memory."""
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file where the data folder should be", encoding="utf-8")
    manager = KnowledgeManager.start(knowledge, not_a_folder)
    manager.child_build_entries = child_build_entries
    add_new_entry(knowledge)

    reloaded = await manager.reload()
    rolled_back = await manager.rollback()

    assert reloaded.changed and manager.engine.version == reloaded.version
    assert not rolled_back.ok and manager.engine.version == reloaded.version
    assert "where DATA_DIR can be written" in rolled_back.problems[0].message
    quote_not_verbatim(knowledge)
    assert not (await manager.reload()).ok  # validation is unchanged when loading in place


@BUILT_IN
async def test_reloads_and_rollbacks_keep_the_deployments_thresholds(
    knowledge: Path, data_dir: Path, child_build_entries: int
) -> None:
    cautious = MatchConfig().with_thresholds(answer=99.9)  # as MIN_ANSWER_SCORE=99.9 would
    manager = KnowledgeManager.start(knowledge, data_dir, config=cautious)
    manager.child_build_entries = child_build_entries
    add_new_entry(knowledge)

    outcome = await manager.reload()  # the regression questions still pass: they use DEFAULT

    assert outcome.ok and manager.engine.config == cautious
    assert Engine(manager.engine.knowledge).ask("how long is their border").matched
    assert not manager.engine.ask("how long is their border").matched
    await manager.rollback()
    assert manager.engine.config == cautious


# -- a large knowledge base, rebuilt in a child process -------------------------------------------


async def test_a_build_process_that_dies_is_a_refused_reload(
    knowledge: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = KnowledgeManager.start(knowledge, data_dir)
    manager.child_build_entries = 0
    serving = manager.engine
    add_new_entry(knowledge)
    monkeypatch.setattr("sys.executable", shutil.which("false"))  # exits 1, hands nothing over

    outcome = await manager.reload()

    assert not outcome.ok and manager.engine is serving
    assert "its build process handed nothing over (exit 1)" in outcome.problems[0].message
    monkeypatch.undo()
    assert (await manager.reload()).changed  # and the next reload builds as usual


async def test_a_reload_cancelled_mid_build_ends_at_once_and_the_next_one_works(
    knowledge: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A bot stopping mid-reload kills the build process instead of waiting for it."""
    manager = KnowledgeManager.start(knowledge, data_dir)
    manager.child_build_entries = 0
    serving = manager.engine
    add_new_entry(knowledge)
    slow = tmp_path / "slow-python"  # a build process that takes its time
    slow.write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    slow.chmod(0o755)
    monkeypatch.setattr("sys.executable", str(slow))

    reloading = asyncio.ensure_future(manager.reload())
    await asyncio.sleep(0.5)
    reloading.cancel()
    started = asyncio.get_running_loop().time()
    with pytest.raises(asyncio.CancelledError):
        await reloading

    assert asyncio.get_running_loop().time() - started < 5
    assert manager.engine is serving
    monkeypatch.undo()
    assert (await manager.reload()).changed


async def test_a_build_process_running_other_code_refuses_to_hand_over(
    knowledge: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade on disk, the bot must be restarted before it loads what a build makes."""
    manager = KnowledgeManager.start(knowledge, data_dir)
    manager.child_build_entries = 0
    add_new_entry(knowledge)
    monkeypatch.setattr("bot.engine.lifecycle.code_digest", lambda: "the code the bot started with")

    outcome = await manager.reload()

    assert not outcome.ok
    assert "code on disk has changed since the bot started" in outcome.problems[0].message


async def test_no_interpreter_to_start_builds_in_a_thread_instead(
    knowledge: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    manager = KnowledgeManager.start(knowledge, data_dir)
    manager.child_build_entries = 0
    add_new_entry(knowledge)
    monkeypatch.setattr("sys.executable", str(tmp_path / "no-such-python"))

    outcome = await manager.reload()

    assert outcome.changed and manager.engine.ask(NEW_QUESTION).matched
