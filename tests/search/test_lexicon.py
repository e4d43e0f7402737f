"""Every row of the lexicon does something to its own example question.

Generated from the data files: for each word list row and phrase rule, the example is read with
the whole lexicon and with the lexicon less that row; the two readings must differ, and in the
way the row's file says (a filler word is dropped, an aspect is asked, a small-talk greeting asks
nothing, ...). A row that changes nothing in its own example is dead weight or has a bad example.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.search.analysis import Analyzer
from bot.search.lexicon import (
    WORD_LISTS,
    LexiconError,
    PhraseRule,
    Row,
    default_lexicon,
    read_lexicon,
)
from bot.text.normalize import normalize

LEXICON = default_lexicon()
WITH_ALL = Analyzer(LEXICON, authors=["Ann Example"])
PHRASE_RULES = [rule for rules in LEXICON.phrases.values() for rule in rules]


def reading(analyzer: Analyzer, example: str) -> tuple[object, ...]:
    """Everything the analysis stage says of a text."""
    prepared = analyzer.prepare(example)
    return (
        prepared,
        analyzer.words(prepared),
        analyzer.asked_aspects(prepared),
        analyzer.is_personal(prepared),
        analyzer.asks_for_help(prepared),
        analyzer.points_back(analyzer.last_sentence(example)[0] or example),
        [word for word in prepared.split() if analyzer.is_mistyped_filler(word)],
        sorted(analyzer.document.intersection(prepared.split())),
        analyzer.asks_only_about_text(prepared),
    )


def without(row: Row | PhraseRule) -> Analyzer:
    return Analyzer(LEXICON.without(row), authors=["Ann Example"])


def row_id(row: Row | PhraseRule) -> str:
    return f"{row.section}:{row.name}" if isinstance(row, PhraseRule) else f"{row.list}:{row.entry}"


def test_every_row_has_an_example() -> None:
    rows = [*LEXICON.rows, *PHRASE_RULES]
    assert [row_id(row) for row in rows if row.example.strip() in ("", "TODO")] == []


@pytest.mark.parametrize(
    "row", [row for row in LEXICON.rows if row.list != "not_names"], ids=row_id
)
def test_a_word_row_changes_how_its_example_is_read(row: Row) -> None:
    typed = normalize(row.example).split()
    if row.list == "typo_prone":
        assert row.entry not in typed, "the example should mistype the word"
    else:
        assert row.entry in typed, "the example should use the word"
    assert reading(WITH_ALL, row.example) != reading(without(row), row.example)


@pytest.mark.parametrize("row", [r for r in LEXICON.rows if r.list == "filler"], ids=row_id)
def test_filler_is_no_topic_word(row: Row) -> None:
    words = [typed for typed, _ in WITH_ALL.words(WITH_ALL.prepare(row.example))]
    assert row.entry not in words


@pytest.mark.parametrize(
    "row", [r for r in LEXICON.rows if r.list in ("aspects", "saying")], ids=row_id
)
def test_an_aspect_is_asked(row: Row) -> None:
    assert row.entry in WITH_ALL.asked_aspects(WITH_ALL.prepare(row.example))


@pytest.mark.parametrize("row", [r for r in LEXICON.rows if r.list == "personal"], ids=row_id)
def test_personal_words_make_chat(row: Row) -> None:
    assert WITH_ALL.is_personal(WITH_ALL.prepare(row.example))


@pytest.mark.parametrize("row", [r for r in LEXICON.rows if r.list == "not_names"], ids=row_id)
def test_a_word_that_is_no_name_is_capitalised_in_its_example(row: Row) -> None:
    assert re.search(rf"\b{row.entry.capitalize()}\b", row.example)


@pytest.mark.parametrize("rule", PHRASE_RULES, ids=row_id)
def test_a_phrase_rule_changes_how_its_example_is_read(rule: PhraseRule) -> None:
    assert reading(WITH_ALL, rule.example) != reading(without(rule), rule.example)


@pytest.mark.parametrize(
    ("section", "check"),
    [
        ("framings", lambda a, text: "what about" in a.prepare(text)),
        ("small_talk", lambda a, text: a.prepare(text) == ""),
        ("help", lambda a, text: a.asks_for_help(a.prepare(text))),
        ("requests", lambda a, text: not a.is_personal(a.prepare(text))),
    ],
)
def test_phrase_rules_do_what_their_section_says(
    section: str, check: Callable[[Analyzer, str], bool]
) -> None:
    for rule in LEXICON.phrases[section]:
        assert check(WITH_ALL, rule.example), rule.name


def test_no_word_is_in_two_lists_that_contradict_each_other() -> None:
    # Shorthand is read first: a filler word that is also shorthand is never seen as filler.
    assert sorted(LEXICON["filler"] & LEXICON.shorthand.keys()) == []


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("abt | an example", "expected 'word -> meaning | example'"),
        ("Abt -> about | an example", "must be one word as matching reads it"),
        ("abt -> about", "expected 'word -> meaning | example'"),
    ],
)
def test_a_malformed_row_is_reported_with_file_and_line(
    tmp_path: Path, text: str, error: str
) -> None:
    for name in WORD_LISTS:
        (tmp_path / f"{name}.txt").write_text("", encoding="utf-8")
    (tmp_path / "phrases.yaml").write_text("{}\n", encoding="utf-8")
    (tmp_path / "shorthand.txt").write_text(f"# header\n{text}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=re.escape(error)) as raised:
        read_lexicon(tmp_path)
    assert str(raised.value).startswith("shorthand.txt:2:")


def _string_literals(path: Path) -> list[str]:
    """Every string constant of a module but its docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and not re.fullmatch(r"__\w+__", node.value)  # Python's names ("__main__"), no words
    ]


def test_the_lexicon_lives_in_data_not_in_code() -> None:
    # Words of any lexicon list, wherever they appear in the search stage's string literals
    # (messages, rule explanations and kinds.yaml's keys use some: "the", "a", "question",
    # "words", "kind"). Was about 1,250.
    vocabulary = set().union(*LEXICON.words.values(), LEXICON.shorthand)
    vocabulary |= {word for rule in PHRASE_RULES for word in re.findall(r"[a-z0-9]+", rule.pattern)}
    search = Path(__file__).resolve().parents[2] / "bot" / "search"
    words = [
        word
        for path in sorted(search.glob("*.py"))
        for text in _string_literals(path)
        for word in re.findall(r"[A-Za-z]+", text)
        if word.lower() in vocabulary
    ]
    assert len(words) <= 240
