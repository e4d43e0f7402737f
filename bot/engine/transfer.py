"""Write a large object graph as a stream of small pickles, and read it back a slice at a time.

A reload of a large knowledge base builds its engine in a child process (child_build.py), which
hands it over through a pipe. Reading a large engine with one ``pickle.load`` holds the
interpreter for seconds at 100,000 entries, and with it the event loop. Here the large
containers (the entries, the postings, the word weights, arrays of numbers) are written first,
each as pickles of about SLICE_BYTES, and the rest of the graph after them, referring to them by
number. ``read`` loads one slice per call, so another thread (the event loop) gets the
interpreter between slices.

Each slice is a pickle of its own, with its own memo: one memo for the whole stream would hold
every object read, and freeing it at the end held the interpreter for 33 ms at 100,000 entries.
An object that several slices share is an element of a large container (an entry of the
knowledge base's list, a term of the postings' list): later slices refer to it by its place
there, so it is read back as one object, as a single pickle would. What slices share otherwise
(a file name that entries repeat) is read back once per slice.
"""

from __future__ import annotations

import pickle
from array import array
from collections import defaultdict
from collections.abc import Callable
from typing import IO, Any

from bot.engine.memory import large_containers

# Containers at least this long are written in slices; smaller ones inside whatever holds them.
LARGE = 1000
# Bytes per slice, about: reading one takes a few milliseconds (entries read at about 35 MB/s).
SLICE_BYTES = 64 * 1024
FIRST_SLICE = 64  # elements in a container's first slice, which measures how big they are
SLICE_FREE = 20_000  # elements freed at a time once read
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


class _Counted:
    """A binary file that counts the bytes written to it (a pipe cannot say where it is)."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self.written = 0

    def write(self, data: bytes) -> int:
        self.written += len(data)
        return self._file.write(data)


class _Writer(pickle.Pickler):
    """A pickler that writes what was written before (a container, an element) as its place."""

    def __init__(self, file: _Counted, large: list[object]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        # Every large container's number. A mutable one exists (empty) from the start of the
        # stream, so it may be referred to before its turn; an immutable one once written.
        self.numbers = {id(container): number for number, container in enumerate(large)}
        self.written: set[int] = {id(c) for c in large if not isinstance(c, _IMMUTABLE)}
        self.places: dict[int, tuple[int, ...]] = {}  # id(element) -> (number, position[, 0|1])
        # Each container's elements as written (a map's as new pairs): what ``places`` names,
        # kept so that no id is reused while writing.
        self.kept = [_elements(container) for container in large]
        self.readable = [0] * len(large)  # each container's elements the reader has by now
        self.current = -1  # the container being written

    def persistent_id(self, obj: object) -> int | tuple[int, ...] | None:
        number = self.numbers.get(id(obj))
        if number is not None:
            if id(obj) not in self.written:
                raise ValueError(f"a large {type(obj).__name__} is met before its turn")
            return number
        place = self.places.get(id(obj))
        if place is None or place[1] < self.readable[place[0]]:
            return place
        if place[0] == self.current:
            return None  # in the slice being written: its own memo shares it
        raise ValueError(f"a {type(obj).__name__} is met before the large container holding it")

    def place(self, element: object, where: tuple[int, ...]) -> None:
        """Note where an element was written, so that later slices refer to it."""
        if not isinstance(element, (int, float, type(None))) and id(element) not in self.places:
            self.places[id(element)] = where


class _Reader:
    """Reads the slices, each with an unpickler of its own, turning places back into objects."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.containers: list[Any] = []  # by number; an immutable one None until read
        self.elements: list[Any] = []  # each container's elements, as read (pairs for a map)

    def load(self) -> Any:
        """Read one slice. A new unpickler for each: an unpickler's memo only ever grows."""
        unpickler = pickle.Unpickler(self.file)
        unpickler.persistent_load = self.find  # type: ignore[method-assign]
        return unpickler.load()

    def find(self, pid: Any) -> object:
        if isinstance(pid, int):
            return self.containers[pid]
        element = self.elements[pid[0]][pid[1]]
        return element[pid[2]] if len(pid) == 3 else element


_IMMUTABLE = (tuple, frozenset)


def write(root: object, file: IO[bytes]) -> None:
    """Write ``root`` to a binary file as a stream that ``read`` reads back a slice at a time.

    Raises ValueError, part of the stream written, for a graph that would come
    back different: one whose large tuple or frozenset, or an element of a large container, is
    also reached from inside an earlier large container's elements (the engine has none).
    """
    counted = _Counted(file)
    large = large_containers((root,), _sliced)  # the root too, when it is a large container
    writer = _Writer(counted, large)
    for number, (container, elements) in enumerate(zip(large, writer.kept, strict=True)):
        if isinstance(container, array):
            continue  # numbers: nothing to share
        for position, element in enumerate(elements):
            if isinstance(container, dict):
                writer.place(element[0], (number, position, 0))
                writer.place(element[1], (number, position, 1))
            else:
                writer.place(element, (number, position))
    _dump(writer, [(_KINDS[type(c)], _factory(c)) for c in large])  # what each number is
    for number, (container, elements) in enumerate(zip(large, writer.kept, strict=True)):
        writer.current = number
        _dump(writer, len(elements))
        start, size = 0, FIRST_SLICE
        while start < len(elements):
            before = counted.written
            _dump(writer, elements[start : start + size])
            start += size
            writer.readable[number] = min(start, len(elements))
            size = max(1, min(2 * size, size * SLICE_BYTES // max(counted.written - before, 1)))
        writer.written.add(id(container))
    writer.current = -1
    _dump(writer, root)


def _dump(writer: _Writer, thing: object) -> None:
    """Write one slice. Each slice has a memo of its own: what several share, they refer to
    by place (see _Writer), so the reader never holds a memo of every object read, whose
    freeing at the end held the interpreter for tens of milliseconds at 100,000 entries.
    """
    writer.dump(thing)
    writer.clear_memo()


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
    kinds: list[tuple[str, Any]] = reader.load()
    reader.containers = [_empty(kind, factory) for kind, factory in kinds]
    # Element lists kept for places (a tuple's, a set's, a map's pairs): not the container itself.
    temporary: list[list[Any]] = []
    for number, (kind, _) in enumerate(kinds):
        count = reader.load()
        container = reader.containers[number]
        parts: Any = container if kind in ("list", "array") else []
        if parts is not container:
            temporary.append(parts)
        reader.elements.append(parts)
        while len(parts) < count:
            found = reader.load()
            parts.extend(found)
            if kind in ("dict", "defaultdict", "set"):
                container.update(found)
            between()
        if kind == "tuple":
            reader.containers[number] = tuple(parts)
        elif kind == "frozenset":
            reader.containers[number] = frozenset(parts)
        between()
    root = reader.load()
    reader.elements.clear()
    for parts in temporary:  # freed a slice at a time
        while parts:
            del parts[-SLICE_FREE:]
            between()
    return root


def _empty(kind: str, factory: Any) -> Any:
    """A mutable container, empty, to fill as its slices come; None for an immutable one."""
    if kind == "array":
        return array(factory)
    if kind == "defaultdict":
        return defaultdict(factory)
    return {"list": list, "dict": dict, "set": set}.get(kind, lambda: None)()


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
