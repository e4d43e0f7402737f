"""The index's typo search finds exactly what checking every nearby spelling one by one finds."""

from __future__ import annotations

import random
import string
from collections import defaultdict

import pytest
from rapidfuzz.distance import DamerauLevenshtein

from bot.engine import Engine
from bot.search.retrieval import (
    FEW_NEARBY,
    MAX_ONE_SLIP_LENGTH,
    MAX_TYPO_TERMS,
    MIN_TYPO_LENGTH,
    EntryIndex,
)


def _slip(word: str, rng: random.Random) -> str:
    """Return ``word`` with one random insertion, deletion, substitution or swap."""
    at = rng.randrange(len(word))
    letter = rng.choice(string.ascii_lowercase)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:at] + letter + word[at:]
    if kind == 1:
        return word[:at] + word[at + 1 :]
    if kind == 2:
        return word[:at] + letter + word[at + 1 :]
    at = min(at, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def _brute_force(
    index: EntryIndex, by_length: dict[int, list[str]], word: str
) -> list[tuple[str, int]]:
    """The typo search checked against every spelling, as first written.

    Every spelling sharing the word's first letter (or, for a word the index does not know, its
    last) and up to one letter longer or shorter (two for an unknown word), listed by length,
    then first letter before last, then in the index's order; each measured, the closest
    MAX_TYPO_TERMS + 1 kept, ties in that order.
    """
    slips = 1 if len(word) <= MAX_ONE_SLIP_LENGTH else 2
    known = word in index.entries_using
    spread = 1 if known else 2
    nearby = []
    for length in range(len(word) - spread, len(word) + spread + 1):
        spellings = by_length.get(length, [])
        nearby += [spelling for spelling in spellings if spelling[0] == word[0]]
        if not known:
            nearby += [spelling for spelling in spellings if spelling[-1] == word[-1]]
    measured = [
        (DamerauLevenshtein.distance(word, spelling), place, spelling)
        for place, spelling in enumerate(nearby)
    ]
    close = sorted(found for found in measured if found[0] <= slips)
    return [(spelling, distance) for distance, _, spelling in close[: MAX_TYPO_TERMS + 1]]


@pytest.fixture(scope="module")
def index(engine: Engine) -> EntryIndex:
    return engine._matcher.index


def test_the_typo_search_finds_what_checking_every_spelling_finds(index: EntryIndex) -> None:
    by_length: defaultdict[int, list[str]] = defaultdict(list)
    for spelling in index._spellings:
        by_length[len(spelling)].append(spelling)
    rng = random.Random(11)
    vocabulary = [
        spelling
        for spelling in index._spellings
        if len(spelling) >= MIN_TYPO_LENGTH and spelling.isalpha()
    ]
    words = rng.sample(vocabulary, 400)
    words += [_slip(word, rng) for word in words for _ in range(3)]
    words += [_slip(_slip(word, rng), rng) for word in words[:400]]
    asked = [word for word in dict.fromkeys(words) if len(word) >= MIN_TYPO_LENGTH]
    # Both kinds of word and both paths (narrowed first, or not) are covered.
    assert any(word not in index.entries_using for word in asked)
    assert any(len(index._nearby(word, 2)) > FEW_NEARBY for word in asked)
    assert any(len(index._nearby(word, 1)) <= FEW_NEARBY for word in asked)
    for word in asked:
        assert index._typos(word) == _brute_force(index, by_length, word), word
