"""Search score weights and thresholds on the dev set; prints the best settings found.

Usage: python -m tests.eval.tune [--strict] [--penalty N] [--out FILE]

With --strict it searches the STRICT thresholds for auto-answer channels instead, with the
current weights, counting each mistake twenty times against: an answer nobody asked for had better
be right.

Only the dev sets (dev.yaml to dev13.yaml, dev16.yaml, dev18.yaml and dev21.yaml; not the
sealed dev14, dev15, dev17, dev19 and dev20, kept for measuring before and after) are used: the
held-out questions.yaml must stay unseen by tuning, so the numbers it gives in the README are
honest. The search is a plain grid; each setting is scored by correct answers, with each wrong
answer and answered off-topic question counted three times against (the targets allow 3% wrong
and 5% off-topic beside 90% correct).

With --out it writes the best setting as a config file that `python -m tests.eval.evaluate
--config FILE` measures; adopting it means copying its numbers into bot/search/config.py.
Nothing here changes the matcher's own defaults.
"""

from __future__ import annotations

import argparse
import itertools
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from bot.engine import Engine
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Entry
from bot.search.config import DEFAULT, STRICT, MatchConfig, Thresholds, write_config
from bot.search.policy import Evidence
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
    "dev12",
    "dev13",
    "dev16",
    "dev18",
    "dev21",
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
    parser.add_argument("--out", type=Path, help="write the best setting here as a config file")
    args = parser.parse_args(argv)
    strict = args.strict
    grid, base = (STRICT_GRID, STRICT) if strict else (GRID, DEFAULT)
    penalty = args.penalty if args.penalty is not None else (20 if strict else 3)
    current = MatchConfig()
    unknowns, weight_sets = (
        (
            [current.unknown_word_weight],
            [(current.w_coverage, current.w_phrase, current.w_phrasing_covered)],
        )
        if strict
        else (UNKNOWN, WEIGHTS)
    )
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    cases: list[Case] = []
    in_scope = 0
    for name in TUNING_SETS:
        data = yaml.safe_load(SETS[name].read_text(encoding="utf-8"))
        cases += [Case(i["q"], i["fact"]) for i in data["in_scope"]]
        cases += [Case(i["q"], None) for i in data["off_topic"]]
        in_scope += len(data["in_scope"])
    results = []
    skipped = 0
    for unknown, weights in itertools.product(unknowns, weight_sets):
        w_coverage, w_phrase, w_covered = weights
        config = replace(
            current,
            unknown_word_weight=unknown,
            w_coverage=w_coverage,
            w_phrase=w_phrase,
            w_phrasing_covered=w_covered,
        )
        matcher = Engine(knowledge, config)
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
        for regression in knowledge.regressions:
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
            chosen = (
                replace(config, strict=thresholds)
                if strict
                else replace(config, thresholds=thresholds)
            )
            results.append(
                (objective, correct, wrong, answered_off, (unknown, *weights), thresholds, chosen)
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
    if args.out and results:
        write_config(results[0][-1], args.out)
        print(f"Wrote the best setting to {args.out}")
    return 0


def _print_row(row: tuple[object, ...], in_scope: int) -> None:
    objective, correct, wrong, off, weights, thresholds, _ = row
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
