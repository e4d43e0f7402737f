"""Search score weights and thresholds on the dev set; prints the best settings found.

Usage: python -m tests.eval.tune [--strict] [--penalty N]

With --strict it searches the STRICT thresholds for auto-answer channels instead, with the
current weights, counting each mistake twenty times against: an answer nobody asked for had better
be right.

Only the dev sets (dev.yaml to dev12.yaml) are used: the held-out questions.yaml must stay unseen
by tuning, so the numbers it gives in the README are honest. The search is a plain grid; each
setting is scored by correct answers, with each wrong answer and answered off-topic question
counted three times against (the targets allow 3% wrong and 5% off-topic beside 90% correct).
"""

from __future__ import annotations

import argparse
import itertools
from collections import Counter
from dataclasses import dataclass, replace

import yaml

import bot.search.matcher as matcher_module
from bot.engine import load_engine
from bot.knowledge.model import Entry
from bot.search.index import UNKNOWN_WORD_WEIGHT
from bot.search.matcher import DEFAULT, STRICT, Evidence, Thresholds
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.eval.evaluate import SETS, _fold

# Never "questions": it is the held-out measure.
TUNING_SETS = (
    "dev",
    "dev2",
    "dev3",
    "dev4",
    "dev5",
    "dev6",
    "dev7",
    "dev8",
    "dev9",
    "dev10",
    "dev11",
)
WEIGHTS = [(0.45, 0.35, 0.20), (0.5, 0.3, 0.2), (0.35, 0.35, 0.3), (0.4, 0.3, 0.3)]
UNKNOWN = [1.0, 0.75, 0.5]
GRID = {
    "answer": [56.0, 60.0, 64.0, 68.0],
    "margin": [2.0, 4.0, 6.0, 8.0],
    "coverage": [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8],
    "known": [0.5, 0.6, 0.7, 0.8],
    "long_coverage": [0.2, 0.3, 0.4],
    "long_known": [0.4, 0.6],
}
STRICT_GRID = {
    "answer": [70.0, 75.0, 80.0, 85.0],
    "margin": [8.0, 10.0, 15.0, 20.0],
    "coverage": [0.8, 0.85, 0.9, 1.0],
    "known": [0.9, 1.0],
    "long_coverage": [0.5, 0.7],
    "long_known": [0.7, 0.9],
}


@dataclass
class Case:
    question: str
    facts: list[str] | None  # None: off-topic


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="tune STRICT, not DEFAULT")
    parser.add_argument(
        "--penalty", type=int, help="how many correct answers one mistake costs (3; strict 20)"
    )
    args = parser.parse_args(argv)
    strict = args.strict
    grid, base = (STRICT_GRID, STRICT) if strict else (GRID, DEFAULT)
    penalty = args.penalty if args.penalty is not None else (20 if strict else 3)
    unknowns, weight_sets = (
        (
            [UNKNOWN_WORD_WEIGHT],
            [
                (
                    matcher_module.W_COVERAGE,
                    matcher_module.W_PHRASE,
                    matcher_module.W_PHRASING_COVERED,
                )
            ],
        )
        if strict
        else (UNKNOWN, WEIGHTS)
    )
    engine = load_engine(DEFAULT_KNOWLEDGE_DIR)
    matcher = engine._matcher
    cases: list[Case] = []
    in_scope = 0
    for name in TUNING_SETS:
        data = yaml.safe_load(SETS[name].read_text(encoding="utf-8"))
        cases += [Case(i["q"], i["fact"]) for i in data["in_scope"]]
        cases += [Case(i["q"], None) for i in data["off_topic"]]
        in_scope += len(data["in_scope"])
    results = []
    skipped = 0
    # UNKNOWN holds values of UNKNOWN_WORD_WEIGHT itself, not multiples of the current one.
    base_unknown = matcher.index.unknown_idf / UNKNOWN_WORD_WEIGHT
    for unknown, weights in itertools.product(unknowns, weight_sets):
        matcher.index.unknown_idf = base_unknown * unknown
        matcher_module.W_COVERAGE, matcher_module.W_PHRASE, matcher_module.W_PHRASING_COVERED = (
            weights
        )
        # What an answer would be is fixed for a given scoring; thresholds only decide whether
        # to give it, so each question's evidence and verdict are computed once.
        prepared: list[tuple[Evidence, str]] = []
        for case in cases:
            result = matcher.ask(case.question)
            if result.evidence is not None:
                prepared.append((result.evidence, _verdict(case, result.candidates[0].entry)))
        # The moderators' regression questions (knowledge/tests.yaml) are requirements, not
        # trade-offs: `validate` refuses a setting that breaks one, so the search skips it.
        required: list[tuple[Evidence | None, str | None, str | None]] = []
        for regression in engine.knowledge.regressions:
            result = matcher.ask(regression.question, strict=strict)
            top = result.candidates[0].entry.id if result.candidates else None
            required.append((result.evidence, top, regression.expect))
        for values in itertools.product(*grid.values()):
            thresholds = replace(base, **dict(zip(grid, values, strict=True)))
            if not all(_meets(case, thresholds, strict=strict) for case in required):
                skipped += 1
                continue
            tally = Counter(
                verdict for evidence, verdict in prepared if evidence.answers(thresholds)
            )
            correct, wrong, answered_off = tally["correct"], tally["wrong"], tally["off-topic"]
            objective = correct - penalty * (wrong + answered_off)
            results.append(
                (objective, correct, wrong, answered_off, (unknown, *weights), thresholds)
            )
    results.sort(key=lambda row: row[0], reverse=True)
    print(f"{skipped} settings skipped: they break a regression question in knowledge/tests.yaml")
    print("Best setting for each number of mistakes (wrong + off-topic answered):")
    frontier = {}
    for row in results:
        mistakes = row[2] + row[3]
        if mistakes not in frontier or row[1] > frontier[mistakes][1]:
            frontier[mistakes] = row
    for row in [frontier[m] for m in sorted(frontier)][:8]:
        _print_row(row, in_scope)
    print("Top settings by objective:")
    for row in results[:5]:
        _print_row(row, in_scope)
    return 0


def _print_row(row: tuple[object, ...], in_scope: int) -> None:
    objective, correct, wrong, off, weights, thresholds = row
    assert isinstance(thresholds, Thresholds)
    print(
        f"{objective:4} correct {correct}/{in_scope} wrong {wrong} off-topic {off}  "
        f"weights {weights}  {_brief(thresholds)}"
    )


def _meets(
    required: tuple[Evidence | None, str | None, str | None],
    thresholds: Thresholds,
    *,
    strict: bool = False,
) -> bool:
    """True when a regression question gets what it expects under these thresholds.

    Strict mode answers less by design: it need not answer, but never with another entry, and
    never what must stay unanswered.
    """
    evidence, top, expect = required
    answers = evidence is not None and evidence.answers(thresholds)
    if expect is None:
        return not answers
    if answers:
        return top == expect
    return strict


def _verdict(case: Case, entry: Entry) -> str:
    """Say what answering with the best candidate would be: correct, wrong or off-topic."""
    if case.facts is None:
        return "off-topic"
    shown = _fold(" ".join((entry.answer, *(quote.text for quote in entry.quotes))))
    return "correct" if any(_fold(fact) in shown for fact in case.facts) else "wrong"


def _brief(thresholds: Thresholds) -> str:
    return " ".join(f"{name}={getattr(thresholds, name)}" for name in GRID)


if __name__ == "__main__":
    raise SystemExit(main())
