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
import logging
import sys

from bot.engine.memory import give_back_memory, large_containers

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


def _large_containers(root: object) -> list[object]:
    """Return the large lists, tuples, dicts and sets reachable from ``root``."""
    return large_containers(root, _is_large)


def _is_large(thing: object) -> bool:
    return isinstance(thing, (list, tuple, dict, set, frozenset)) and len(thing) >= LARGE


def _elements(container: object) -> list[object]:
    """Return a container's elements (a dict's keys and values), as a new list."""
    if isinstance(container, dict):
        return [*container.keys(), *container.values()]
    assert isinstance(container, (list, tuple, set, frozenset))
    return list(container)
