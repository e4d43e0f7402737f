"""Free a replaced engine a slice at a time, so the event loop never waits for it.

A large engine is millions of objects. Dropping the last reference frees them all in one go,
inside a single C call that holds the interpreter: 0.6 s at 100,000 entries, during which the
bot hears nothing. ``retire`` waits until nothing else holds the old engine (a question in
flight finishes on it first), takes hold of the elements of its large containers, lets the
containers go (cheap: their elements live on), then frees those elements a slice at a time,
yielding to the loop between slices.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import sys
from collections.abc import Callable

log = logging.getLogger(__name__)

# Containers at least this long are emptied slice by slice; smaller ones are freed in one go.
LARGE = 1000
# Objects freed per step, between which the loop runs (a step is about a millisecond).
SLICE = 2000
# How long to wait for questions in flight to let go of the old engine before giving up
# (dropping it whole, as before) and how often to look.
PATIENCE_SECONDS = 60.0
POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 2.0
# References to the engine that ``retire`` itself holds: its argument, and getrefcount's own.
_OWN_REFERENCES = 2


async def retire(engine: object) -> bool:
    """Free ``engine`` in slices once nothing else holds it; True when it was taken apart."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE_SECONDS  # the loop's clock, which its sleeps follow
    pause = POLL_SECONDS
    while sys.getrefcount(engine) > _OWN_REFERENCES:
        if loop.time() > deadline:
            log.info("a replaced engine is still in use; it will be freed when released")
            return False
        await asyncio.sleep(pause)
        pause = min(pause * 2, MAX_POLL_SECONDS)  # a long question: look less often
    held: list[object] = []
    container: object = None
    for container in _large_containers(engine):
        held.extend(_elements(container))
        await asyncio.sleep(0)
    del container  # the loop variable would keep the last container alive
    del engine  # frees the engine's own objects; the elements in ``held`` live on
    await asyncio.sleep(0)
    while held:
        del held[-SLICE:]
        await asyncio.sleep(0)
    await asyncio.to_thread(give_back_memory)
    return True


def give_back_memory() -> None:
    """Ask the C allocator to return freed memory to the system (glibc only; else nothing).

    Python returns its own emptied arenas, but memory the C allocator served (large lists,
    dicts, strings) stays with the process after an engine is freed: without this, resident
    memory grew by most of an engine at each reload. The call releases the GIL.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


def _find_malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, say): nothing to trim
        return None


_malloc_trim = _find_malloc_trim()


def _large_containers(root: object) -> list[object]:
    """Return the large lists, tuples, dicts and sets reachable from ``root``."""
    return large_containers(root, _is_large)


def _is_large(thing: object) -> bool:
    return isinstance(thing, (list, tuple, dict, set, frozenset)) and len(thing) >= LARGE


def large_containers(root: object, is_large: Callable[[object], bool]) -> list[object]:
    """Return what ``is_large`` picks out among the objects reachable from ``root``, in order met.

    Objects and small containers are looked into; large containers are not (their elements are
    handled a slice at a time), so this visits tens or thousands of objects, not millions.
    """
    found: list[object] = []
    seen = {id(root)}
    todo = [root]
    while todo:
        current = todo.pop()
        for child in gc.get_referents(current):
            if id(child) in seen or isinstance(child, (str, bytes, int, float, type)):
                continue
            seen.add(id(child))
            if is_large(child):
                found.append(child)
            elif not _is_shared(child):
                todo.append(child)
    return found


def _is_shared(thing: object) -> bool:
    """True for what an engine refers to but does not own: modules, functions, classes."""
    return callable(thing) and not hasattr(thing, "__self__")


def _elements(container: object) -> list[object]:
    """Return a container's elements (a dict's keys and values), as a new list."""
    if isinstance(container, dict):
        return [*container.keys(), *container.values()]
    assert isinstance(container, (list, tuple, set, frozenset))
    return list(container)
