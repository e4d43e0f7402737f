"""Write a large object graph as a stream of small pickles, and read it back a slice at a time.

A reload of a large knowledge base builds its engine in a child process (elsewhere.py), which
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
from collections.abc import Callable, Iterator
from typing import IO, Any

from bot.engine.retire import large_containers

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
    """A pickler that writes what it wrote before (a container, an element) as where it is."""

    def __init__(self, file: _Counted) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.numbers: dict[int, int] = {}  # id(container) -> its number, once written
        self.places: dict[int, tuple[int, ...]] = {}  # id(element) -> (number, position[, 0|1])
        self.kept: list[object] = []  # what ``places`` names, kept so no id is reused meanwhile
        self.pending: dict[int, object] = {}  # id -> large containers not written yet
        self.inline: set[int] = set()  # pending containers written inside another after all

    def persistent_id(self, obj: object) -> int | tuple[int, ...] | None:
        number = self.numbers.get(id(obj))
        if number is not None:
            return number
        place = self.places.get(id(obj))
        if place is None and id(obj) in self.pending:
            self.inline.add(id(obj))  # met before its own turn: written here, whole
        return place

    def place(self, element: object, where: tuple[int, ...]) -> None:
        """Note where an element was written, so that later slices refer to it."""
        if not isinstance(element, (int, float, type(None))) and id(element) not in self.places:
            self.places[id(element)] = where


class _Reader:
    """Reads the slices, each with an unpickler of its own, turning places back into objects."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.containers: list[object] = []
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


def write(root: object, file: IO[bytes]) -> None:
    """Write ``root`` to a binary file as a stream that ``read`` reads back a slice at a time."""
    counted = _Counted(file)
    writer = _Writer(counted)
    large = large_containers((root,), _sliced)  # the root too, when it is a large container
    writer.pending = {id(container): container for container in large}
    for container in large:
        if id(container) in writer.inline:
            continue
        number = len(writer.numbers)
        kind = _KINDS[type(container)]
        elements = _elements(container)
        writer.kept.append(elements)
        _dump(writer, (kind, len(elements), _factory(container)))
        start, size = 0, FIRST_SLICE
        while start < len(elements):
            before = counted.written
            _dump(writer, elements[start : start + size])
            if kind != "array":
                for position in range(start, min(start + size, len(elements))):
                    if kind in ("dict", "defaultdict"):
                        key, value = elements[position]
                        writer.place(key, (number, position, 0))
                        writer.place(value, (number, position, 1))
                    else:
                        writer.place(elements[position], (number, position))
            start += size
            size = max(1, min(2 * size, size * SLICE_BYTES // max(counted.written - before, 1)))
        writer.numbers[id(container)] = number
        del writer.pending[id(container)]
    _dump(writer, (_ROOT, 0, None))
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
    for kind, count, factory in _headers(reader):
        if kind == _ROOT:
            root = reader.load()
            _let_go(reader.elements, between)
            return root
        parts: Any = array(factory) if kind == "array" else []
        reader.elements.append(parts)
        while len(parts) < count:
            parts.extend(reader.load())
            between()
        reader.containers.append(_built(kind, parts, factory))
        between()
    raise EOFError("the stream ended before its root")


def _let_go(elements: list[Any], between: Callable[[], None]) -> None:
    """Drop the elements lists a slice at a time: a map's (key, value) pairs are freed here."""
    for parts in elements:
        while len(parts) > SLICE_FREE and isinstance(parts, list):
            del parts[-SLICE_FREE:]
            between()
    elements.clear()


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
