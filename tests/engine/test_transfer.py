"""transfer: an object graph written as small pickles reads back the same, a slice at a time."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.engine import transfer


@dataclass(frozen=True)
class _Item:
    name: str
    tags: tuple[str, ...]


def _round_trip(root: object) -> tuple[object, int]:
    """Write and read ``root``; return what was read and how many slices it took."""
    buffer = io.BytesIO()
    transfer.write(root, buffer)
    buffer.seek(0)
    slices = 0

    def count() -> None:
        nonlocal slices
        slices += 1

    return transfer.read(buffer, count), slices


def test_large_containers_of_every_kind_read_back_equal_and_of_their_type() -> None:
    size = 3 * transfer.LARGE
    root = {
        "list": [f"word {i}" for i in range(size)],
        "tuple": tuple(range(size)),
        "dict": {f"key {i}": i for i in range(size)},
        "set": {f"member {i}" for i in range(size)},
        "frozenset": frozenset(range(size)),
        "defaultdict": defaultdict(list, {i: [i] for i in range(size)}),
        "small": (1, "two", [3.0]),
    }
    read, slices = _round_trip(root)
    assert read == root
    assert isinstance(read, dict)
    for name, value in root.items():
        assert type(read[name]) is type(value), name
    assert read["defaultdict"].default_factory is list
    assert slices > len(root) - 1  # the large ones came a slice at a time


def test_an_object_met_twice_is_read_back_as_one_object() -> None:
    items = tuple(_Item(f"entry {i}", ("a", f"t{i}")) for i in range(2 * transfer.LARGE))
    by_name = {item.name: item for item in items}
    (read_items, read_by_name), _ = _round_trip((items, by_name))
    assert read_items == items
    assert all(read_by_name[item.name] is item for item in read_items)


def test_a_large_entry_s_slices_stay_small() -> None:
    # Thousands of records with text of their own: read in many slices, not one.
    items = tuple(_Item("x" * 200 + str(i), tuple(map(str, range(20)))) for i in range(20_000))
    read, slices = _round_trip(items)
    assert read == items
    assert slices >= 20


def test_a_large_container_inside_another_s_element_is_still_one_object() -> None:
    shared = list(range(2 * transfer.LARGE))
    inner = [("holder", shared)] * (2 * transfer.LARGE)  # reached only through a large list
    (read_inner, read_shared), _ = _round_trip((inner, shared))
    assert read_shared == shared
    assert all(pair[1] is read_shared for pair in read_inner)


def test_a_stream_cut_short_raises_eof() -> None:
    buffer = io.BytesIO()
    transfer.write(tuple(range(5 * transfer.LARGE)), buffer)
    with pytest.raises(EOFError):
        transfer.read(io.BytesIO(buffer.getvalue()[: len(buffer.getvalue()) // 2]))


def test_arrays_of_numbers_read_back_as_arrays_a_slice_at_a_time() -> None:
    from array import array

    numbers = array("l", range(1_000_000))
    read, slices = _round_trip({"numbers": numbers})
    assert isinstance(read, dict) and read["numbers"] == numbers
    assert read["numbers"].typecode == "l"
    assert slices > 10


def test_an_element_shared_by_later_slices_and_maps_is_read_back_once() -> None:
    terms = tuple(f"term{i}" for i in range(5 * transfer.LARGE))  # as the postings list them
    weights = {term: float(i) for i, term in enumerate(terms)}  # keyed by the same strings
    tail = [terms[0], terms[-1]] * transfer.LARGE  # far from where they were first written
    (read_terms, read_weights, read_tail), _ = _round_trip((terms, weights, tail))
    assert read_terms == terms and read_weights == weights and read_tail == tail
    by_identity = {id(term) for term in read_terms}
    assert all(id(term) in by_identity for term in read_weights)
    assert read_tail[0] is read_terms[0] and read_tail[-1] is read_terms[-1]


def test_a_list_longer_than_what_is_freed_at_a_time_comes_back_whole() -> None:
    long_list = [f"w{i}" for i in range(3 * transfer.SLICE_FREE)]
    (read_list,), _ = _round_trip((long_list,))
    assert read_list == long_list
    read_root, _ = _round_trip(long_list)  # the root itself
    assert read_root == long_list


def test_a_list_reached_through_many_holders_and_itself_is_one_object() -> None:
    shared: list[object] = list(range(2 * transfer.LARGE))
    holders = [_Item(str(i), ()) for i in range(2 * transfer.LARGE)]
    pairs = [(holder, shared) for holder in holders]  # each pair its own holder of ``shared``
    shared.append(shared)  # and the list holds itself
    (read_pairs, read_shared), _ = _round_trip((pairs, shared))
    assert all(pair[1] is read_shared for pair in read_pairs)
    assert read_shared[-1] is read_shared


def test_a_graph_that_would_come_back_different_is_refused() -> None:
    # An element of a later large list, met first inside an earlier one's elements.
    elements = [_Item(str(i), ()) for i in range(2 * transfer.LARGE)]
    holders = [(element,) for element in elements]
    with pytest.raises(ValueError, match="before the large container holding it"):
        transfer.write({"a": holders, "b": elements}, io.BytesIO())


def test_an_engine_comes_back_with_about_as_many_objects_as_one_pickle_and_answers_alike(
    tmp_path: Path,
) -> None:
    import gc
    import pickle

    from bot.engine import load_engine
    from bot.engine.core import Engine
    from tests.bench.scale import make_knowledge

    made = make_knowledge(tmp_path / "knowledge", 3 * transfer.LARGE)
    engine = load_engine(tmp_path / "knowledge")
    handed = (engine.knowledge, engine.saved_index())
    read, _ = _round_trip(handed)
    # What slices share besides the large containers' elements (a file name that entries
    # repeat) comes back once per slice: a few hundred strings more than one pickle gives.
    once = _reachable(pickle.loads(pickle.dumps(handed)))
    assert once <= _reachable(read) <= 1.02 * once
    again = Engine(read[0], engine.config, saved_index=read[1])
    for question, _entry in made[:300]:
        expected, got = engine.ask(question), again.ask(question)
        assert (got.outcome, got.score, got.entry) == (
            expected.outcome,
            expected.score,
            expected.entry,
        )
    gc.collect()


def _reachable(root: object) -> int:
    """How many objects (not ints, floats or None) are reachable from ``root``."""
    import gc

    seen = {id(root)}
    todo = [root]
    while todo:
        for child in gc.get_referents(todo.pop()):
            if id(child) not in seen and not isinstance(child, (int, float, type)):
                seen.add(id(child))
                todo.append(child)
    return len(seen)
