"""Write a large object graph as a stream of small pickles, and read it back a slice at a time.

A reload builds its engine in another process (lifecycle.py), which hands it over in a file.
Reading a large engine with one ``pickle.load`` holds the interpreter for seconds at 100,000
entries, and with it the event loop. Here the large containers (the entries, the postings, the
word weights) are written first, each as a few thousand elements per pickle, and the rest of the
graph after them, referring to them by number. ``read`` loads one slice per call, so another
thread (the event loop) gets the interpreter between slices.

One pickler writes every slice and one unpickler reads them, so an object met twice (an entry
in the knowledge base and in the index, a term in several maps) is written once and read back as
one object, exactly as a single pickle would.
"""

from __future__ import annotations

import pickle
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import IO, Any

from bot.engine.retire import large_containers

# Containers at least this long are written in slices; smaller ones inside whatever holds them.
LARGE = 1000
# Bytes per slice, about: reading one takes a few milliseconds (entries read at about 35 MB/s).
SLICE_BYTES = 64 * 1024
FIRST_SLICE = 64  # elements in a container's first slice, which measures how big they are
# The kinds of containers written in slices. Subclasses other than defaultdict (an OrderedDict,
# say) are written whole, as they may carry more than their elements.
_KINDS: dict[type, str] = {
    list: "list",
    tuple: "tuple",
    dict: "dict",
    set: "set",
    frozenset: "frozenset",
    defaultdict: "defaultdict",
    array: "array",  # numbers: written and read as arrays, a slice at a time
}
_ROOT = "root"


class _Counted:
    """A binary file that counts the bytes written to it (a pipe cannot say where it is)."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self.written = 0

    def write(self, data: bytes) -> int:
        self.written += len(data)
        return self._file.write(data)


class _Writer(pickle.Pickler):
    """A pickler that writes containers already written as their numbers."""

    def __init__(self, file: _Counted) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.numbers: dict[int, int] = {}  # id(container) -> its number, once written
        self.pending: dict[int, object] = {}  # id -> large containers not written yet
        self.inline: set[int] = set()  # pending containers written inside another after all

    def persistent_id(self, obj: object) -> int | None:
        number = self.numbers.get(id(obj))
        if number is None and id(obj) in self.pending:
            # Met inside a slice before its own turn: it is written there, whole, and the
            # pickler's memo shares it from then on.
            self.inline.add(id(obj))
        return number


class _Reader(pickle.Unpickler):
    """An unpickler that turns container numbers back into the containers read before."""

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file)
        self.containers: list[object] = []

    def persistent_load(self, pid: Any) -> object:
        return self.containers[pid]


def write(root: object, file: IO[bytes]) -> None:
    """Write ``root`` to a binary file as a stream that ``read`` reads back a slice at a time."""
    counted = _Counted(file)
    writer = _Writer(counted)
    large = large_containers((root,), _sliced)  # the root too, when it is a large container
    writer.pending = {id(container): container for container in large}
    for container in large:
        if id(container) in writer.inline:
            continue
        kind = _KINDS[type(container)]
        elements = _elements(container)
        factory = _factory(container)
        writer.dump((kind, len(elements), factory))
        start, size = 0, FIRST_SLICE
        while start < len(elements):
            before = counted.written
            writer.dump(elements[start : start + size])
            written = max(counted.written - before, 1)
            start += size
            size = max(1, min(2 * size, size * SLICE_BYTES // written))
        writer.numbers[id(container)] = len(writer.numbers)
        del writer.pending[id(container)]
    writer.dump((_ROOT, 0, None))
    writer.dump(root)


def read(file: IO[bytes], between: Callable[[], None] = lambda: None) -> Any:
    """Read what ``write`` wrote; ``between`` runs after each slice (a pause, a check).

    Each ``load`` is one slice; the interpreter may switch threads between them. A stream that
    ends early (a writer that died) raises EOFError, even in the middle of a slice.
    """
    try:
        return _read(_Reader(file), between)
    except pickle.UnpicklingError as error:  # "pickle data was truncated"
        raise EOFError(f"the stream broke off: {error}") from None


def _read(reader: _Reader, between: Callable[[], None]) -> Any:
    for kind, count, factory in _headers(reader):
        if kind == _ROOT:
            return reader.load()
        parts: Any = array(factory) if kind == "array" else []
        while len(parts) < count:
            parts.extend(reader.load())
            between()
        reader.containers.append(_built(kind, parts, factory))
        between()
    raise EOFError("the stream ended before its root")


def _headers(reader: _Reader) -> Iterator[tuple[str, int, Any]]:
    while True:
        yield reader.load()


def _built(kind: str, parts: Any, factory: Any) -> object:
    if kind in ("list", "array"):
        return parts
    if kind == "tuple":
        return tuple(parts)
    if kind == "set":
        return set(parts)
    if kind == "frozenset":
        return frozenset(parts)
    if kind == "dict":
        return dict(parts)
    found: defaultdict[Any, Any] = defaultdict(factory)
    found.update(parts)
    return found


def _elements(container: Any) -> Any:
    """A container's elements, to slice: a mapping's as (key, value) pairs, an array as is."""
    if isinstance(container, dict):
        return list(container.items())
    if isinstance(container, array):
        return container
    return list(container)


def _factory(container: Any) -> Any:
    """What a container is made from anew: a defaultdict's default, an array's type code."""
    if isinstance(container, defaultdict):
        return container.default_factory
    if isinstance(container, array):
        return container.typecode
    return None


def _sliced(thing: object) -> bool:
    """True for a container written a slice at a time: one of _KINDS, and large."""
    return type(thing) in _KINDS and len(thing) >= LARGE  # type: ignore[arg-type]
