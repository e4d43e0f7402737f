"""What an engine's memory is made of, and giving freed memory back to the system.

Apart from retire.py's asyncio, so that a one-shot command (``python -m bot ask``) that builds
an engine does not import the event loop's machinery.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Callable


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
