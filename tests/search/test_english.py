"""The shipped list of ordinary English words (bot/search/common_english.txt)."""

from __future__ import annotations

from bot.search.english import (
    WORDS_FILE,
    common_words,
    is_common_english,
    words_from_pyspellchecker,
)


def test_the_shipped_list_is_what_pyspellchecker_counts_as_common() -> None:
    """Regenerate with `python -m bot.search.english` when this fails."""
    shipped = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    assert shipped == words_from_pyspellchecker()
    assert len(common_words()) == len(shipped) > 10_000


def test_ordinary_words_are_common_and_slips_are_not() -> None:
    for word in ("married", "tall", "rice", "the"):
        assert is_common_english(word), word
    for word in ("tillersen", "thad", "wat", "deadass", ""):
        assert not is_common_english(word), word
