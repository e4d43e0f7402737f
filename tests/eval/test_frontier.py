"""The frontier analysis reads only the tuning sets; its rows say what a user would have seen."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import load_knowledge
from bot.search.matcher import Matcher
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.eval.evaluate import SEALED
from tests.eval.frontier import SIGNALS, Row, lacked, left_out_probabilities, row, rows, shares


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.for_knowledge(load_knowledge(DEFAULT_KNOWLEDGE_DIR))


@pytest.mark.parametrize("name", sorted(SEALED | {"questions"}))
def test_a_sealed_or_held_out_set_is_never_read(matcher: Matcher, name: str) -> None:
    with pytest.raises(ValueError, match="never tuned on"):
        rows(matcher, [name])


def test_a_row_says_whether_answering_with_the_best_entry_is_right(matcher: Matcher) -> None:
    asked = {"q": "how long is the russia china border", "fact": ["3,645"]}
    answered = row(matcher, "x", "in", asked)
    assert answered.answered and answered.right
    assert answered.signals is not None and len(answered.signals) == len(SIGNALS)
    assert not row(matcher, "x", "in", {**asked, "fact": ["Xinjiang"]}).right
    assert not row(matcher, "x", "unsaid", {"q": asked["q"]}).right


def test_chat_with_no_topic_word_has_no_signals(matcher: Matcher) -> None:
    chat = row(matcher, "x", "off", {"q": "hey there"})
    assert not chat.answered and chat.signals is None


def test_the_words_an_entry_lacks_are_found(matcher: Matcher) -> None:
    best = next(item for item in matcher.index.items if item.entry.id == "border-length")
    words, gaps = lacked(matcher, "how long is the border btwn russia n china", best)
    assert words >= 4
    # "btwn" is no word of the knowledge base's, nor of English; every other word is the entry's.
    assert [(known, english) for _, known, english in gaps] == [(False, False)]
    assert 0 < gaps[0][0] < 0.5


def test_shares_are_of_each_type_of_question() -> None:
    found = [
        Row("x", "in", True, True, None),
        Row("x", "in", True, False, None),
        Row("x", "in", False, True, None),
        Row("x", "unsaid", True, False, None),
        Row("x", "off", False, False, None),
    ]
    assert shares(found, [r.answered for r in found]) == (100 / 3, 100 / 3, 100.0, 0.0)


def test_ordinary_english_is_asked_of_the_word_as_typed(matcher: Matcher) -> None:
    # "married" is read as the term "marri", which is no English word; the word typed is.
    _, gaps = lacked(matcher, "is putin married", matcher.index.items[0])
    assert (False, True) in [(known, english) for _, known, english in gaps]


def test_each_set_is_judged_by_a_model_that_never_saw_it() -> None:
    # Each row's first signal names its set; the stub fails if it is asked about a set it saw.
    found = [
        Row(name, "in", False, i % 2 == 0, (float(number), float(i)))
        for number, name in enumerate(("a", "b", "c"))
        for i in range(4)
    ]

    class Stub:
        def __init__(self) -> None:
            self.seen: set[float] = set()

        def fit(self, signals: list[tuple[float, ...]], labels: list[bool]) -> None:
            self.seen = {row[0] for row in signals}

        def predict_proba(self, signals: list[tuple[float, ...]]) -> list[tuple[float, float]]:
            assert self.seen and not self.seen & {row[0] for row in signals}
            return [(0.5, 0.5)] * len(signals)

    assert left_out_probabilities(found, Stub) == [0.5] * len(found)
