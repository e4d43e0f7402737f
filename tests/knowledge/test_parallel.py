"""Reading in two processes: results in order, and no worker left behind, whatever happens."""

from __future__ import annotations

import threading

import pytest

from bot.knowledge import parallel
from bot.knowledge.parallel import read_in_order
from tests.knowledge.conftest import Forks

ITEMS = [f"item {number}" for number in range(10)]


def test_two_workers_yield_every_item_read_in_order(forks: Forks) -> None:
    read = list(read_in_order(ITEMS, str.upper, size=len, workers=2))
    assert read == [item.upper() for item in ITEMS]
    (later,) = forks.later
    assert later and later == ITEMS[len(ITEMS) - len(later) :]  # the later ones went


@pytest.mark.parametrize(
    ("sizes", "later"),
    [
        ({"a": 10, "b": 10, "c": 10, "d": 10}, ["c", "d"]),  # this process reads a little more
        ({"a": 1, "b": 100, "c": 1}, ["c"]),  # an item goes to the half its middle falls in
        ({"a": 100, "b": 1, "c": 1}, ["b", "c"]),  # and this process reads one at least
    ],
)
def test_the_later_items_by_size_go_to_the_worker(
    forks: Forks, sizes: dict[str, int], later: list[str]
) -> None:
    read = list(read_in_order(list(sizes), str.upper, size=sizes.__getitem__, workers=2))
    assert read == [item.upper() for item in sizes]
    assert forks.later == [later]


def test_no_worker_is_forked_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_BYTES", 0)
    forked: list[object] = []
    monkeypatch.setattr(parallel, "_start_reader", lambda *args: forked.append(args))
    waiting = threading.Event()
    thread = threading.Thread(target=waiting.wait)
    thread.start()
    try:
        read = list(read_in_order(ITEMS, str.upper, size=len, workers=2))
    finally:
        waiting.set()
        thread.join()
    assert forked == []
    assert read == [item.upper() for item in ITEMS]


def test_one_worker_forks_nothing(forks: Forks) -> None:
    assert list(read_in_order(ITEMS, str.upper, size=len, workers=1)) == [
        item.upper() for item in ITEMS
    ]
    assert forks.later == []


def _reader_of_much() -> parallel._Reader[str]:
    """A worker with more to send than a pipe holds."""
    reader = parallel._start_reader(["x"], lambda item: item * 4_000_000)
    assert reader is not None
    return reader


def test_a_worker_whose_reader_is_gone_stops_instead_of_waiting() -> None:
    # As when the command is killed: nobody reads what the worker sends.
    reader = _reader_of_much()
    reader.connection.close()
    reader.process.join(timeout=30)
    assert reader.process.exitcode == 1


class _Interrupted:
    """A connection whose receiving is interrupted (Ctrl-C, or kill -INT to this process)."""

    def __init__(self, connection: object) -> None:
        self.connection = connection

    def recv(self) -> object:
        raise KeyboardInterrupt

    def close(self) -> None:
        self.connection.close()  # type: ignore[attr-defined]


def test_interrupted_while_receiving_stops_the_worker() -> None:
    reader = _reader_of_much()
    interrupted = parallel._Reader(reader.process, _Interrupted(reader.connection))  # type: ignore[arg-type]
    with pytest.raises(KeyboardInterrupt):
        parallel._received(interrupted)
    assert reader.process.exitcode is not None  # not left blocked on sending
