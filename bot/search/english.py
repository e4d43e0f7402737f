"""Which words are ordinary English: an ordinary word the knowledge base lacks is no typo.

The words are shipped in ``common_english.txt`` (one a line): every word pyspellchecker's
English frequency list counts at least COMMON_WORD_COUNT times. Reading that list is a few
milliseconds and 2 MiB; building it from pyspellchecker at start-up was 0.1-0.2 s and 24 MiB.
Regenerate it after changing COMMON_WORD_COUNT or pyspellchecker (a dev dependency):

    python -m bot.search.english

``tests/search/test_english.py`` fails when the file and pyspellchecker disagree.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

# pyspellchecker's English frequency list counts "married" 240,829 times and a real slip like
# "tillersen" 0; "thad" (134) and "wat" (680) are rare enough to still be read as typos.
COMMON_WORD_COUNT = 1000
WORDS_FILE = Path(__file__).resolve().parent / "common_english.txt"


@cache
def common_words() -> frozenset[str]:
    """Return the ordinary English words, read once per process."""
    return frozenset(WORDS_FILE.read_text(encoding="utf-8").split())


def is_common_english(word: str) -> bool:
    """True for an ordinary English word ("married", "tall"): it is not a typo of another."""
    return word in common_words()


def words_from_pyspellchecker() -> list[str]:
    """Return the common words as pyspellchecker counts them today, sorted."""
    from spellchecker import SpellChecker

    counts = SpellChecker(distance=1).word_frequency.dictionary
    return sorted(word for word, count in counts.items() if count >= COMMON_WORD_COUNT)


def write_words() -> int:
    """Regenerate the shipped list from pyspellchecker; return how many words it holds."""
    words = words_from_pyspellchecker()
    WORDS_FILE.write_text("\n".join(words) + "\n", encoding="utf-8")
    return len(words)


if __name__ == "__main__":
    print(write_words())
