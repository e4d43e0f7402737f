"""Fingerprint every decision the matcher makes on the evaluation sets, for refactors and speed-ups.

Usage: python -m tests.eval.fingerprint

Asks every question of every set (default and strict thresholds) and searches every quote term,
and prints how many decisions were made and one hash over all of them: outcome, entry, score,
the "did you mean" list and what /quote found. A change meant to leave answers alone must print
the same line before and after. It prints nothing about any one question, so it may be run over
the sealed sets without showing them.
"""

from __future__ import annotations

import hashlib
import sys

import yaml

from bot.engine import load_engine
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.eval.evaluate import EVAL_DIR, SETS

SECTIONS = ("in_scope", "off_topic", "unsaid")
QUOTE_SETS = ("quotes", "quotes2", "quotes3")


def fingerprint() -> tuple[int, str]:
    """Return (decisions, hash) over every evaluation question and quote term."""
    engine = load_engine(DEFAULT_KNOWLEDGE_DIR)
    digest = hashlib.sha256()
    decisions = 0
    for name, path in sorted(SETS.items()):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in SECTIONS:
            for item in data.get(section) or ():
                for strict in (False, True):
                    result = engine.ask(item["q"], strict=strict)
                    shown = [(c.entry.id, c.score, c.matched_phrasing) for c in result.candidates]
                    line = (
                        f"{name}|{section}|{strict}|{item['q']}|{result.outcome}|"
                        f"{result.reason}|{result.not_said}|{shown}"
                    )
                    digest.update(line.encode())
                    decisions += 1
    for name in QUOTE_SETS:
        data = yaml.safe_load((EVAL_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
        for item in data["terms"]:
            hits = [(hit.source_id, hit.paragraph, hit.text) for hit in engine.quote(item["term"])]
            digest.update(f"{name}|{item['term']}|{hits}".encode())
            decisions += 1
    return decisions, digest.hexdigest()[:16]


def main() -> int:
    decisions, digest = fingerprint()
    print(f"{decisions} decisions, fingerprint {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
