"""Which words are ordinary English: an ordinary word the knowledge base lacks is no typo."""

from __future__ import annotations

from functools import cache

from spellchecker import SpellChecker

# pyspellchecker's English frequency list counts "married" 240,829 times and a real slip like
# "tillersen" 0; "thad" (134) and "wat" (680) are rare enough to still be read as typos.
COMMON_WORD_COUNT = 1000


@cache
def _english_counts() -> dict[str, int]:
    """Load the English word frequencies once per process (about 0.1 s)."""
    return dict(SpellChecker(distance=1).word_frequency.dictionary)


def is_common_english(word: str) -> bool:
    """True for an ordinary English word ("married", "tall"): it is not a typo of another."""
    return _english_counts().get(word, 0) >= COMMON_WORD_COUNT
