"""Measure answer accuracy on the evaluation questions; prints correct / wrong / abstained rates.

Usage: python -m tests.eval.evaluate [--set questions|dev|dev2|...|dev13]
       [--show wrong|abstained|all] [--knowledge DIR] [--strict] [--config FILE]

An in-scope question is *correct* when the bot answers and the answer or its quotes contain one of
the question's facts, *wrong* when it answers without one, *abstained* when it does not answer
("did you mean" suggestions count as abstaining). An off-topic question is *answered* when the bot
answers it as a fact, or (for unrelated chat, kind ``far``) shows any entry at all. An *unsaid*
question names the article's subject but asks what it does not say: it should be declined, best
as "not in the article" with an entry about its subject (``about``), never answered as a fact.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.engine import Engine, load_engine
from bot.knowledge.model import Entry
from bot.search.config import read_config
from bot.settings import DEFAULT_KNOWLEDGE_DIR

EVAL_DIR = Path(__file__).resolve().parent
SETS = {
    "questions": EVAL_DIR / "questions.yaml",
    "dev": EVAL_DIR / "dev.yaml",
    "dev2": EVAL_DIR / "dev2.yaml",
    "dev3": EVAL_DIR / "dev3.yaml",
    "dev4": EVAL_DIR / "dev4.yaml",
    "dev5": EVAL_DIR / "dev5.yaml",
    "dev6": EVAL_DIR / "dev6.yaml",
    "dev7": EVAL_DIR / "dev7.yaml",
    "dev8": EVAL_DIR / "dev8.yaml",
    "dev9": EVAL_DIR / "dev9.yaml",
    "dev10": EVAL_DIR / "dev10.yaml",
    "dev11": EVAL_DIR / "dev11.yaml",
    "dev12": EVAL_DIR / "dev12.yaml",
    "dev13": EVAL_DIR / "dev13.yaml",
    "dev14": EVAL_DIR / "dev14.yaml",
    "dev15": EVAL_DIR / "dev15.yaml",
    "dev16": EVAL_DIR / "dev16.yaml",
    "dev17": EVAL_DIR / "dev17.yaml",
    "dev18": EVAL_DIR / "dev18.yaml",
    "dev19": EVAL_DIR / "dev19.yaml",
    "dev20": EVAL_DIR / "dev20.yaml",
    "dev21": EVAL_DIR / "dev21.yaml",
    "dev22": EVAL_DIR / "dev22.yaml",
}
# Measured as numbers only, before and after a piece of work, never tuned on (README.md).
SEALED = frozenset({"dev14", "dev15", "dev17", "dev19", "dev20", "dev22"})


def _fold(text: str) -> str:
    """Compare facts loosely: case, typographic quotes, commas and spaces do not matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(str.maketrans({"’": "'", "“": '"', "”": '"'}))
    return re.sub(r"[\s,]+", "", text)


@dataclass
class Report:
    """Counts per outcome, overall and per kind of question."""

    in_scope: Counter[str] = field(default_factory=Counter)
    off_topic: Counter[str] = field(default_factory=Counter)
    unsaid: Counter[str] = field(default_factory=Counter)
    by_kind: dict[str, Counter[str]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def rate(self, counter: Counter[str], outcome: str) -> float:
        total = sum(counter.values())
        return 100 * counter[outcome] / total if total else 0.0

    @property
    def correct(self) -> float:
        return self.rate(self.in_scope, "correct")

    @property
    def wrong(self) -> float:
        return self.rate(self.in_scope, "wrong")

    @property
    def abstained(self) -> float:
        return self.rate(self.in_scope, "abstained")

    @property
    def off_topic_answered(self) -> float:
        return self.rate(self.off_topic, "answered")

    @property
    def unsaid_answered(self) -> float:
        return self.rate(self.unsaid, "answered")


def _shows(entry: Entry, facts: list[str]) -> bool:
    """True when the entry's answer or quotes contain one of the facts."""
    shown = _fold(" ".join((entry.answer, *(quote.text for quote in entry.quotes))))
    return any(_fold(fact) in shown for fact in facts)


def evaluate(
    engine: Engine, path: Path, *, strict: bool = False, article: str | None = None
) -> Report:
    """Ask every question in an evaluation file and tally the outcomes.

    ``article`` asks as in a channel of that article (the sets are about the first article).
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = Report()
    for item in data["in_scope"]:
        result = engine.ask(item["q"], strict=strict, article=article)
        entry = result.entry
        if entry is None:
            outcome = "abstained"
        else:
            outcome = "correct" if _shows(entry, item["fact"]) else "wrong"
        report.in_scope[outcome] += 1
        report.by_kind.setdefault(item.get("kind", "?"), Counter())[outcome] += 1
        got = f"{entry.id} ({result.score:.0f})" if entry else f"- ({result.score:.0f})"
        report.lines.append(f"{outcome:9} {item['q']!r} -> {got}; facts {item['fact']}")
    for item in data["off_topic"]:
        result = engine.ask(item["q"], strict=strict, article=article)
        shown = result.shown
        # A question near the article's subjects is best told what the article does say about
        # them; unrelated chat should be shown nothing.
        if result.matched or (shown is not None and item.get("kind") != "near"):
            outcome = "answered"
        else:
            outcome = "declined"
        report.off_topic[outcome] += 1
        got = f"{shown.id} ({result.score:.0f})" if shown else "-"
        report.lines.append(f"off-topic {outcome:8} {item['q']!r} -> {got}")
    for item in data.get("unsaid") or ():
        result = engine.ask(item["q"], strict=strict, article=article)
        shown = result.shown
        if result.matched:
            outcome = "answered"
        elif shown is not None:
            outcome = "not-said" if _shows(shown, item["about"]) else "not-said-elsewhere"
        else:
            outcome = "declined"
        report.unsaid[outcome] += 1
        got = f"{shown.id} ({result.score:.0f})" if shown else f"- ({result.score:.0f})"
        report.lines.append(f"unsaid {outcome:8} {item['q']!r} -> {got}; about {item['about']}")
    return report


def format_report(name: str, report: Report) -> str:
    """Render the headline rates and the per-kind breakdown."""
    total = sum(report.in_scope.values())
    off = sum(report.off_topic.values())
    lines = [
        f"{name}: {total} in-scope, {off} off-topic questions",
        f"  in-scope   correct {report.correct:5.1f}%  wrong {report.wrong:4.1f}%  "
        f"abstained {report.abstained:4.1f}%",
        f"  off-topic  answered {report.off_topic_answered:4.1f}%",
    ]
    if report.unsaid:
        counts = report.unsaid
        lines.append(
            f"  unsaid     answered {report.unsaid_answered:4.1f}%  "
            f"not in article {report.rate(counts, 'not-said'):4.1f}% "
            f"(+{report.rate(counts, 'not-said-elsewhere'):.1f}% another entry)  "
            f"declined {report.rate(counts, 'declined'):4.1f}%  (n={sum(counts.values())})"
        )
    for kind, counts in sorted(report.by_kind.items()):
        correct, wrong = report.rate(counts, "correct"), report.rate(counts, "wrong")
        lines.append(
            f"    {kind:7} n={sum(counts.values()):3}  correct {correct:5.1f}%  wrong {wrong:4.1f}%"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), action="append")
    parser.add_argument("--show", choices=["wrong", "abstained", "all"])
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE_DIR)
    parser.add_argument("--strict", action="store_true", help="use the auto-answer thresholds")
    parser.add_argument(
        "--config", type=Path, help="a matcher config file (as tune --out writes) to measure"
    )
    args = parser.parse_args(argv)
    try:
        config = read_config(args.config) if args.config else None
    except (OSError, ValueError) as error:
        parser.error(str(error))
    engine = load_engine(args.knowledge, config)
    for name in args.set or list(SETS):
        report = evaluate(engine, SETS[name], strict=args.strict)
        print(format_report(name, report))
        if args.show:
            wanted = (
                ("wrong", "off-topic answered", "unsaid answered")
                if args.show == "wrong"
                else (args.show,)
            )
            for line in report.lines:
                if args.show == "all" or line.startswith(wanted):
                    print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
