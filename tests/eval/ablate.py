"""What each lexicon row is worth: the dev-set answers that change without it.

Usage: python -m tests.eval.ablate [--list NAME ...] [--jobs N] [--prune]

For every row of every lexicon list (bot/search/lexicon/*.txt) and every phrase rule
(phrases.yaml), the matcher is rebuilt without that one row and asked every question of the dev
sets and every regression question of knowledge/tests.yaml. A row whose removal changes no
answer (the outcome, the answering entry, the suggestions, the usage hint) moves nothing and
should go; the others are printed with what they are worth: correct answers, wrong answers
and off-topic answers gained or lost, regression questions broken.

Rows that each change nothing may still matter together ("where" and "wheres" both catch the
typo "wher"). --prune finds a set of them that can go together without changing any answer:
it removes them all, and splits the set in halves wherever that changes something.

The held-out questions.yaml and the sealed sets (evaluate.SEALED) are never asked: rows are kept
or dropped on the tuning sets alone.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache

import yaml

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.search.analysis import Analyzer
from bot.search.lexicon import Lexicon, PhraseRule, Row, default_lexicon
from bot.search.matcher import Matcher
from bot.search.results import AskResult
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.eval.evaluate import SEALED, SETS, _fold

HELD_OUT = "questions"


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    facts: tuple[str, ...] | None  # None: off-topic
    expect: str | None = None  # a regression question's entry ("" for no answer)


@dataclass(frozen=True, slots=True)
class Worth:
    """What removing one row changed."""

    row: str
    changed: int
    correct: int  # correct answers lost (positive: the row earns them)
    wrong: int  # wrong answers avoided
    off_topic: int  # off-topic answers avoided
    regressions: int  # regression questions that break without it

    def line(self) -> str:
        return (
            f"{self.row:48} changes {self.changed:3}  correct {self.correct:+3}  "
            f"wrong avoided {self.wrong:+3}  off-topic avoided {self.off_topic:+3}  "
            f"regressions {self.regressions}"
        )


@cache
def _knowledge() -> KnowledgeBase:
    return load_knowledge(DEFAULT_KNOWLEDGE_DIR)


@cache
def _questions() -> tuple[Question, ...]:
    found: list[Question] = []
    for name, path in SETS.items():
        if name == HELD_OUT or name in SEALED:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [Question(i["q"], tuple(i["fact"])) for i in data["in_scope"]]
        found += [Question(i["q"], None) for i in data["off_topic"]]
    found += [Question(c.question, None, c.expect or "") for c in _knowledge().regressions]
    return tuple(found)


def answers(lexicon: Lexicon) -> list[tuple[object, ...]]:
    """Ask every question with a matcher reading by ``lexicon``; return what each got."""
    knowledge = _knowledge()
    matcher = Matcher(knowledge.entries, analyzer=Analyzer.for_knowledge(knowledge, lexicon))
    return [_what(matcher.ask(q.text)) for q in _questions()]


def _what(result: AskResult) -> tuple[object, ...]:
    """What a member sees: the outcome, the entry or suggestions, and why nothing was looked up
    (an empty question and a request for help get the usage hint, not "I don't know")."""
    return (
        result.outcome,
        result.entry.id if result.entry else None,
        tuple(entry.id for entry in result.suggestions),
        result.reason if result.evidence is None else "",
    )


def _verdict(question: Question, got: tuple[object, ...]) -> str:
    entry_id = got[1]
    if question.expect is not None:
        return "pass" if (entry_id or "") == question.expect else "fail"
    if question.facts is None:
        return "off-topic answered" if entry_id else "declined"
    if entry_id is None:
        return "abstained"
    entry = _knowledge().entry(str(entry_id))
    assert entry is not None
    shown = _fold(" ".join((entry.answer, *(quote.text for quote in entry.quotes))))
    return "correct" if any(_fold(fact) in shown for fact in question.facts) else "wrong"


def worth(name: str, rule: Row | PhraseRule, base: list[tuple[object, ...]]) -> Worth:
    """Measure one row against the answers with the whole lexicon."""
    without = answers(default_lexicon().without(rule))
    tally = {"correct": 0, "wrong": 0, "off-topic answered": 0, "fail": 0}
    changed = 0
    for question, before, after in zip(_questions(), base, without, strict=True):
        if before == after:
            continue
        changed += 1
        was, now = _verdict(question, before), _verdict(question, after)
        for verdict in tally:
            tally[verdict] += (was == verdict) - (now == verdict)
    return Worth(
        name,
        changed,
        tally["correct"],
        -tally["wrong"],
        -tally["off-topic answered"],
        -tally["fail"],
    )


def _rows(lists: Sequence[str]) -> list[tuple[str, Row | PhraseRule]]:
    lexicon = default_lexicon()
    rows: list[tuple[str, Row | PhraseRule]] = [
        (str(row), row) for row in lexicon.rows if not lists or row.list in lists
    ]
    for section, rules in lexicon.phrases.items():
        if not lists or section in lists or "phrases" in lists:
            rows += [(f"phrases:{section}:{rule.name}", rule) for rule in rules]
    return rows


def _measure(job: tuple[str, Row | PhraseRule]) -> Worth:
    return worth(job[0], job[1], _base())


@cache
def _base() -> list[tuple[object, ...]]:
    return answers(default_lexicon())


def without_all(lexicon: Lexicon, rows: Sequence[Row | PhraseRule]) -> Lexicon:
    for row in rows:
        lexicon = lexicon.without(row)
    return lexicon


def prune(
    candidates: Sequence[tuple[str, Row | PhraseRule]], lexicon: Lexicon
) -> list[tuple[str, Row | PhraseRule]]:
    """Return the candidates that can be removed together without changing an answer."""
    if not candidates:
        return []
    if answers(without_all(lexicon, [row for _, row in candidates])) == _base():
        return list(candidates)
    if len(candidates) == 1:
        return []
    half = len(candidates) // 2
    first = prune(candidates[:half], lexicon)
    rest = without_all(lexicon, [row for _, row in first])
    return first + prune(candidates[half:], rest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="append", default=[], help="only these lists")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--prune", action="store_true", help="find idle rows that can go together")
    args = parser.parse_args(argv)
    rows = _rows(args.list)
    print(f"{len(rows)} rows, {len(_questions())} dev and regression questions", flush=True)
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(_measure, rows, chunksize=8))
    idle = [r for r in results if not r.changed]
    for result in sorted(results, key=lambda r: -r.changed):
        if result.changed:
            print(result.line())
    print(f"\n{len(idle)} rows change no answer:")
    for result in idle:
        print(f"  {result.row}")
    if args.prune:
        named = dict(rows)
        removable = prune([(r.row, named[r.row]) for r in idle], default_lexicon())
        print(f"\n{len(removable)} of them can go together without changing an answer:")
        for name, _ in removable:
            print(f"  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
