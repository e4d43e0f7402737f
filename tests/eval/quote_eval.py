"""Measure /quote on a quote set: how often the first sentence found is the one wanted.

Usage: python -m tests.eval.quote_eval [--set quotes|quotes2|quotes3] [--show]

The sets were written from the article alone: terms as members type them (typos, hyphen and
spacing variants, acronyms, spelled-out forms), each with a few words of the sentence they want
first. The respelling rules were built on quotes.yaml; quotes2.yaml was measured once before and
once after them, never tuned on; quotes3.yaml was measured unseen, then tuned on. Every hit is
also checked verbatim against the article.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

import yaml

from bot.engine import load_engine
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.eval.evaluate import EVAL_DIR, _fold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="quotes", choices=["quotes", "quotes2", "quotes3"])
    parser.add_argument("--show", action="store_true", help="print every miss")
    args = parser.parse_args(argv)
    engine = load_engine(DEFAULT_KNOWLEDGE_DIR)
    terms = yaml.safe_load((EVAL_DIR / f"{args.set}.yaml").read_text(encoding="utf-8"))["terms"]
    total: Counter[str] = Counter()
    first: Counter[str] = Counter()
    verbatim = True
    for item in terms:
        hits = engine.quote(item["term"])
        for hit in hits:
            verbatim &= hit.text in engine.source(hit.source_id).text
        total[item["kind"]] += 1
        if hits and _fold(item["sentence"]) in _fold(hits[0].text):
            first[item["kind"]] += 1
        elif args.show:
            got = hits[0].text[:70] if hits else "(nothing)"
            print(f"  miss {item['kind']:9} {item['term']!r}: got {got!r}")
    count = sum(total.values())
    print(
        f"quotes: {count} terms, top-1 {100 * sum(first.values()) / count:.1f}%, "
        f"every quote verbatim: {'yes' if verbatim else 'NO'}"
    )
    for kind in sorted(total):
        print(f"    {kind:9} n={total[kind]:3}  top-1 {100 * first[kind] / total[kind]:5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
