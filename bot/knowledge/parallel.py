"""Read a knowledge base's files in two processes: the later half in a forked worker.

Parsing and checking a Q&A file is most of a large load, and no file needs another, so a
command that has the machine's two cores to itself (the CLI's) reads a large knowledge base in
a little over half the time. Results come back in the files' order, so whatever spans files is
checked as if one process had read them all (loader._load_qa). Anything amiss with the worker
(it cannot start, dies, or sends nothing) and its files are read here instead; a worker never
outlives a reading that stopped (an error, Ctrl-C, a killed command).
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

# Read apart only when there is this much to read: a worker costs a few milliseconds to start
# and what it read has to be sent back (a tenth of the time it saves).
PARALLEL_BYTES = 1024 * 1024
# The worker reads a little slower (its first writes copy pages it shares with this process)
# and sends what it read back, so this process reads a little over half.
OWN_SHARE = 0.55


def reading_workers() -> int:
    """How many processes a command that has the machine to itself reads knowledge files with.

    Two where two cores are free to it (see read_in_order).
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return min(cores, 2)


def read_in_order(
    items: Sequence[Item],
    read: Callable[[Item], Result],
    *,
    size: Callable[[Item], int],
    workers: int = 1,
) -> Iterator[Result]:
    """Yield ``read(item)`` for each item in order; with two workers, the later half forked.

    ``size`` says how many bytes an item is, to split them in two halves of about equal work.
    ``read`` runs in the worker as here (a fork: nothing is pickled but what it returns).
    """
    mine: list[Item] = list(items)
    later: list[Item] = []
    worker = None
    if workers > 1 and _may_fork():
        mine, later = _split_by_size(mine, [size(item) for item in mine])
        worker = _start_reader(later, read) if later else None
        if worker is None:
            mine, later = mine + later, []
    read_here = False
    try:
        for item in mine:
            yield read(item)
        read_here = True
    finally:  # a reading abandoned half way (an error, Ctrl-C) stops the worker
        sent = None if worker is None else _received(worker, wait=read_here)
    if sent is not None:
        yield from sent
        return
    for item in later:
        yield read(item)


def _may_fork() -> bool:
    """True where a process may fork safely: a POSIX system and this one thread running."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _split_by_size(items: list[Item], sizes: list[int]) -> tuple[list[Item], list[Item]]:
    """Split items in order into a first and a later half by size (none later if small)."""
    total = sum(sizes)
    if total < PARALLEL_BYTES or len(items) < 2:
        return items, []
    running = 0
    for cut, size in enumerate(sizes):
        if running + size / 2 > total * OWN_SHARE:
            return items[: max(cut, 1)], items[max(cut, 1) :]
        running += size
    return items, []


class _Reader(NamedTuple, Generic[Result]):
    """A worker reading items, and where it sends what it read."""

    process: BaseProcess
    connection: Connection


def _start_reader(items: list[Item], read: Callable[[Item], Result]) -> _Reader[Result] | None:
    """Fork a process that reads ``items`` and sends them back; None if it cannot start."""
    import multiprocessing  # only for a large knowledge base: not on every command's start

    context = multiprocessing.get_context("fork")
    try:
        receiving, sending = context.Pipe(duplex=False)
    except OSError as error:  # no file descriptors left, say
        log.warning("reading the files in one process: cannot start another (%s)", error)
        return None
    process = context.Process(
        target=_read_and_send,
        args=(sending, receiving, items, read),
        name="citebot-reader",
        daemon=True,
    )
    try:
        process.start()
    except OSError as error:
        log.warning("reading the files in one process: cannot start another (%s)", error)
        receiving.close()
        sending.close()
        return None
    sending.close()  # the worker's end: when it exits, a read here ends instead of waiting
    return _Reader(process, receiving)


def _read_and_send(
    sending: Connection,
    receiving: Connection,
    items: list[Item],
    read: Callable[[Item], Result],
) -> None:
    """In the worker: read each item and send them all back."""
    # The parent's end, inherited by the fork: kept open here, a send to a parent that has
    # stopped reading (killed, interrupted) would wait forever instead of failing.
    receiving.close()
    try:
        sending.send([read(item) for item in items])
    except (BrokenPipeError, KeyboardInterrupt):  # the parent gave up: nothing to tell it
        os._exit(1)
    sending.close()


def _received(worker: _Reader[Result], *, wait: bool = True) -> list[Result] | None:
    """What the worker read, or None (logged) when it sent nothing.

    Without ``wait`` (the reading was abandoned), the worker is stopped and nothing is read.
    """
    sent: list[Result] | None = None
    try:
        if wait:
            sent = worker.connection.recv()
    except (EOFError, OSError, pickle.UnpicklingError) as error:
        log.warning("the reader process sent nothing (%r); reading its files here", error)
    finally:
        worker.connection.close()
        if sent is None:  # abandoned, interrupted or failed: it may be blocked sending
            worker.process.terminate()
        worker.process.join()
    return sent
