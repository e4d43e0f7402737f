"""Word patterns: the words a pattern can use, and the filter built on them."""

from __future__ import annotations

import pytest

from bot.search.lexicon import default_lexicon
from bot.text.normalize import normalize
from bot.text.patterns import WordFilter, compile_pattern
from tests.text.test_normalize import _every_text


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("what is it about", {"what", "is", "it", "about"}),
        (
            "[so] (whats|what is) the deal with",
            {"so", "whats", "what", "is", "the", "deal", "with"},
        ),
        ("which * companies", {"which", "companies"}),
        ("what does {author} say", {"what", "does", "hammond", "say"}),
        ("* *", None),
        ("[the] *", None),
    ],
)
def test_a_pattern_knows_the_words_its_phrases_can_use(source: str, words: set[str] | None) -> None:
    pattern = compile_pattern(source, {"author": ["Hammond"]})
    assert pattern.words == (None if words is None else frozenset(words))


def test_a_text_sharing_no_word_with_the_patterns_is_passed_over() -> None:
    patterns = [compile_pattern("whats the deal with"), compile_pattern("quick one")]
    words = WordFilter(patterns)
    assert not words.may_match("how long is our border")
    assert words.may_match("how long is the border")  # "the" may start "the deal with"
    assert words.may_match("so whats up")
    assert WordFilter([*patterns, compile_pattern("[the] *")]).may_match("anything at all")
    assert words.may_start("whats new") and not words.may_start("so whats the deal with")
    assert words.may_be("quick one") and not words.may_be("quick one please")


def test_a_wildcard_lets_any_word_open_or_fill_a_phrase() -> None:
    """ "*" stands for any word: a filter cannot rule a text out by its first or other words."""
    middle = WordFilter([compile_pattern("which * companies")])
    assert middle.may_be("which russian companies")
    assert not middle.may_match("how long is our border")  # still needs "which" or "companies"
    first = WordFilter([compile_pattern("* about it")])
    assert first.may_start("hey about it")


def test_the_filter_never_passes_over_a_text_a_pattern_matches() -> None:
    """Over every lexicon phrase rule and every knowledge and eval text."""
    lexicon = default_lexicon()
    rules = [rule for section in lexicon.phrases.values() for rule in section]
    patterns = [rule.compile({**lexicon.slots, "author": ("hammond",)}) for rule in rules]
    texts = [normalize(text) for text in _every_text()]
    matched = started = whole = 0
    for pattern in patterns:
        words = WordFilter([pattern])
        for text in texts:
            if pattern.anywhere.search(text + " "):
                matched += 1
                assert words.may_match(text), (pattern.source, text)
            if pattern.whole.match(text + " "):
                started += 1
                assert words.may_start(text), (pattern.source, text)
            if pattern.fullmatch(text):
                whole += 1
                assert words.may_be(text), (pattern.source, text)
    assert matched > 100 and started > 50 and whole > 0
