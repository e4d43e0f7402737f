"""Two processes reading the Q&A files load exactly what one does, and say the same problems.

A large knowledge base's later files are read by a forked worker (bot/knowledge/parallel.py).
These tests lower the size at which that happens, so that a few small files split in two.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

import pytest

from bot.knowledge import loader, parallel
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase, KnowledgeError
from tests.conftest import KnowledgeDir
from tests.knowledge.conftest import Forks


def entry(entry_id: str, question: str, alternate: str, quote: str = "3,645km long") -> str:
    return (
        f"  - id: {entry_id}\n"
        f"    question: {question}\n"
        f"    alternates:\n      - {alternate}\n"
        f"    answer: An answer about {entry_id}.\n"
        f'    quotes:\n      - "{quote}"\n'
    )


def files(count: int = 6) -> dict[str, str]:
    """``count`` Q&A files of three entries each, all valid."""
    return {
        f"{number:02}.yaml": f"topic: Topic {number}\nentries:\n"
        + "".join(
            entry(f"e{number}-{n}", f"Question {number} {n}?", f"alternate {number} {n}")
            for n in range(3)
        )
        for number in range(count)
    }


def names(forks: Forks) -> list[str]:
    """The files the first worker was started with."""
    started: list[tuple[Path, str | None]] = forks.later[0]  # type: ignore[assignment]
    return [path.name for path, _ in started]


def loaded(directory: Path, workers: int) -> tuple[KnowledgeBase, dict[str, str]]:
    normalized: dict[str, str] = {}
    return load_knowledge(directory, workers=workers, normalized=normalized), normalized


def problems(directory: Path, workers: int) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory, workers=workers)
    return [str(problem) for problem in caught.value.problems]


def same_knowledge(one: KnowledgeBase, other: KnowledgeBase) -> bool:
    return (one.entries, one.topics, one.version, one.sources) == (
        other.entries,
        other.topics,
        other.version,
        other.sources,
    )


def test_two_workers_load_what_one_does(knowledge_dir: KnowledgeDir, forks: Forks) -> None:
    directory = knowledge_dir(files())
    alone, alone_normalized = loaded(directory, 1)
    assert forks.later == []
    shared, shared_normalized = loaded(directory, 2)
    assert forks.later and names(forks)[-1] == "05.yaml"  # the later files went
    assert len(shared.entries) == 18
    assert same_knowledge(shared, alone)
    assert [entry.id for entry in shared.entries] == [entry.id for entry in alone.entries]
    assert list(shared_normalized.items()) == list(alone_normalized.items())


def test_problems_across_the_two_halves_are_said_the_same(
    knowledge_dir: KnowledgeDir, forks: Forks
) -> None:
    qa = files()
    # In the worker's half: an id and a question the first half has, a bad quote, bad YAML.
    qa["04.yaml"] += (
        entry("e0-1", "Something new?", "something else")
        + entry("e4-new", "question 0 2", "not taken")
        + entry("e4-quote", "A quote?", "misquoted", quote="a sentence nobody wrote")
    )
    qa["05.yaml"] = "topic: Broken\nentries:\n  - id: [unclosed\n"
    directory = knowledge_dir(qa)
    alone = problems(directory, 1)
    assert problems(directory, 2) == alone
    assert forks.later and "05.yaml" in names(forks)
    said = "\n".join(alone)
    assert "04.yaml" in said and "duplicate id (first used at" in said
    assert "collides with entry 'e0-2' question" in said
    assert "not found verbatim" in said and "05.yaml" in said


def test_a_worker_that_dies_leaves_its_files_to_this_process(
    knowledge_dir: KnowledgeDir,
    forks: Forks,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    directory = knowledge_dir(files())
    alone, _ = loaded(directory, 1)
    monkeypatch.setattr(parallel, "_read_and_send", lambda *_: os._exit(3))
    with caplog.at_level(logging.WARNING, logger="bot.knowledge.parallel"):
        shared, _ = loaded(directory, 2)
    assert forks.later
    assert same_knowledge(shared, alone)
    assert "sent nothing" in caplog.text


def test_a_small_knowledge_base_is_read_in_one_process(
    knowledge_dir: KnowledgeDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(parallel, "_start_reader", lambda *args: started.append(args))
    knowledge, _ = loaded(knowledge_dir(files()), 2)
    assert started == []
    assert len(knowledge.entries) == 18


def test_a_load_abandoned_half_way_stops_its_worker(
    knowledge_dir: KnowledgeDir, forks: Forks, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug while checking phrasings")

    monkeypatch.setattr(parallel, "_read_and_send", lambda *_: time.sleep(60))  # still reading
    monkeypatch.setattr(loader, "_check_phrases", fail)
    with pytest.raises(RuntimeError, match="a bug"):
        load_knowledge(knowledge_dir(files()), workers=2)
    (reader,) = forks.readers
    assert reader.process.exitcode == -signal.SIGTERM  # stopped and reaped, not left behind
