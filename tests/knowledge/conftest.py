"""Fixtures for the knowledge tests: reading in two processes made to happen, and watched."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from bot.knowledge import parallel


@dataclass
class Forks:
    """What each forked reader was started with, and the readers themselves."""

    later: list[list[object]] = field(default_factory=list)  # the items each worker read
    readers: list[parallel._Reader[object]] = field(default_factory=list)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> Forks:
    """Split any two items or more between two processes, and record each worker started."""
    monkeypatch.setattr(parallel, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "_may_fork", lambda: True)  # whatever threads the tests left
    seen = Forks()
    real = parallel._start_reader

    def spy(later, read):  # type: ignore[no-untyped-def]
        reader = real(later, read)
        seen.later.append(list(later))
        if reader is not None:
            seen.readers.append(reader)
        return reader

    monkeypatch.setattr(parallel, "_start_reader", spy)
    return seen
