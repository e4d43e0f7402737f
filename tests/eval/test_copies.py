"""The copy guard: no knowledge-base phrasing nearly repeats an eval question unless it is older.

Every flagged pair in the real knowledge base and sets must be on record in independent.yaml,
which `python -m tests.eval.copies --write` fills from git history; these tests need no git.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from tests.eval.copies import (
    HINT,
    UNCOMMITTED,
    Pair,
    Phrasing,
    Question,
    Row,
    entry_phrasings,
    eval_questions,
    first_seen,
    flagged_pairs,
    is_independent,
    knowledge_phrasings,
    load_record,
    set_questions,
    write_record,
)


@pytest.fixture(scope="module")
def flagged(engine: Engine) -> dict[Pair, float]:
    """The flagged pairs of the real knowledge base and evaluation sets."""
    return flagged_pairs(eval_questions(), knowledge_phrasings(engine.knowledge.entries))


def test_every_flagged_pair_is_on_record(flagged: dict[Pair, float]) -> None:
    recorded = {row.pair for row in load_record()}
    missing = [
        f"{score:.1f}  {pair.describe()}: {HINT}"
        for pair, score in sorted(flagged.items())
        if pair not in recorded
    ]
    assert missing == []


def test_every_row_on_record_is_still_a_flagged_pair(flagged: dict[Pair, float]) -> None:
    stale = [
        f"{row.pair.describe()}: no longer a flagged pair; run python -m tests.eval.copies --write"
        for row in load_record()
        if row.pair not in flagged
    ]
    assert stale == []


def test_each_row_names_its_pair_once_with_the_phrasing_commit_first() -> None:
    rows = load_record()
    pairs = [row.pair for row in rows]
    assert len(pairs) == len(set(pairs))
    assert all(row.phrasing_commit not in ("", UNCOMMITTED) for row in rows)
    assert all(row.question_commit not in ("", row.phrasing_commit) for row in rows)


@pytest.mark.parametrize(
    ("question", "phrasing", "flagged"),
    [
        ("thaad full name", "thaad full name", True),  # word for word
        ("credit agency", "credit agancy", True),  # a bare keyword, one typo apart
        ("wat is the new devlopment bank", "What is the New Development Bank?", True),
        (
            "so whats the deal with russia and the g8",
            "what's the deal with russia and the g8",
            True,
        ),
        ("who wrote this article", "who is the author", False),
        ("how long is the border", "how long was the visit", False),
    ],
)
def test_a_question_near_a_phrasing_is_flagged(question: str, phrasing: str, flagged: bool) -> None:
    pairs = flagged_pairs([Question("dev", question)], [Phrasing("some-entry", phrasing)])
    assert (Pair("dev", question, "some-entry", phrasing) in pairs) is flagged, pairs


def test_every_phrasing_of_an_entry_counts_keywords_included() -> None:
    fields = {
        "question": "What is THAAD?",
        "alternates": ["thaad full name", "what is thaad"],
        "keywords": ["thaad", "thaad full name"],
        "answer": "Terminal High Altitude Area Defense.",
    }
    texts = [phrasing.text for phrasing in entry_phrasings("thaad-what", fields)]
    assert texts == ["What is THAAD?", "thaad full name", "what is thaad", "thaad"]


def test_every_question_of_a_set_counts_off_topic_included() -> None:
    data = {
        "in_scope": [{"q": "thaad full name", "fact": ["Terminal"], "kind": "keyword"}],
        "off_topic": [{"q": "hi bot", "kind": "far"}],
    }
    assert set_questions("dev", data) == [
        Question("dev", "thaad full name"),
        Question("dev", "hi bot"),
    ]


QA_V1 = """\
entries:
  - id: thaad-what
    question: What is THAAD?
    alternates: ["what does thaad stand for"]
"""
QA_V2 = """\
entries:
  - id: thaad-what
    question: What is THAAD?
    alternates: ["what does thaad stand for", "thaad full name"]
  - id: other
    question: thaad full name?
"""
SET_V1 = """\
in_scope:
  - {q: "thaad full name", fact: ["Terminal"], kind: keyword}
off_topic: []
"""


def test_first_seen_is_the_oldest_commit_per_entry_and_per_set() -> None:
    snapshots = [
        (0, "knowledge/qa/thaad.yaml", QA_V1),
        (1, "tests/eval/questions.yaml", SET_V1),
        (2, "knowledge/qa/thaad.yaml", QA_V2),
        (3, "tests/eval/dev.yaml", SET_V1),
        (3, "knowledge/qa/broken.yaml", "entries: [unclosed"),
        (3, "knowledge/articles/week-12/qa/more.yaml", QA_V1.replace("thaad-what", "week-12")),
        (3, "knowledge/articles/week-12/article.yaml", "title: Week 12\n"),
    ]
    seen = first_seen(
        ["c0", "c1", "c2", "c3"],
        snapshots,
        {"questions": "tests/eval/questions.yaml", "dev": "tests/eval/dev.yaml"},
        "knowledge/",
    )
    assert seen.phrasing_at(Phrasing("thaad-what", "What does THAAD stand for")) == 0
    assert seen.phrasing_at(Phrasing("thaad-what", "thaad full name")) == 2
    assert seen.phrasing_at(Phrasing("other", "thaad full name?")) == 2
    assert seen.question_at(Question("questions", "thaad full name")) == 1
    assert seen.question_at(Question("dev", "thaad full name")) == 3
    assert seen.unreadable == ["c3:knowledge/qa/broken.yaml"]
    assert seen.phrasing_at(Phrasing("week-12", "What does THAAD stand for")) == 3  # an article's
    # What no commit holds yet comes after every commit.
    assert seen.phrasing_at(Phrasing("thaad-what", "new alternate")) == 4
    assert seen.commit(4) == UNCOMMITTED


@pytest.mark.parametrize(
    ("phrasing_at", "question_at", "independent"),
    [(0, 1, True), (1, 1, False), (2, 1, False), (3, 4, True)],
)
def test_a_phrasing_is_independent_only_when_strictly_older(
    phrasing_at: int, question_at: int, independent: bool
) -> None:
    assert is_independent(phrasing_at, question_at) is independent


def test_the_record_reads_back_what_was_written(tmp_path: Path) -> None:
    rows = [
        Row(
            Pair("dev3", "new developement bank?", "new-development-bank", "NDB"),
            "60aca8b",
            "6bdeaf1",
        ),
        Row(
            Pair("questions", 'he said "no"', "gatilov-quote", "gatilov: no"), "60aca8b", "a534e7d"
        ),
    ]
    path = tmp_path / "independent.yaml"
    write_record(rows, path)
    assert load_record(path) == [rows[1], rows[0]]  # held-out set first, as in SETS
    assert load_record(tmp_path / "missing.yaml") == []
