"""Benchmark ask/quote latency and index build on the real and synthetic knowledge bases.

Usage: python -m tests.bench.benchmark [--sizes 1000 10000 100000] [--repeat N]

Prints median and p99 per ask and per quote, load+index time, peak memory, and the same ask
figures for a plain ``process.extractOne(..., scorer=WRatio)`` over every phrasing, measured in
the same run as the baseline. Synthetic knowledge bases are generated here from the article's own
vocabulary plus made-up words, so questions share words with many entries, as real ones do.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.engine import Engine, load_engine, settle_heap
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import CitedQuote, Entry
from bot.search.analysis import Analyzer
from bot.search.matcher import Matcher
from bot.search.retrieval import collector_paused
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from bot.text.normalize import normalize

EVAL_FILE = Path(__file__).resolve().parents[1] / "eval" / "questions.yaml"
QUOTE_TERMS = ["THAAD", "thad", "Gatilov", "tillersen", "gas pipeline", "G8", "bitcoin", "Wang Li"]


def _percentiles(samples: Sequence[float]) -> tuple[float, float]:
    """Return (median, p99) in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


def _time_each(
    call: Callable[[str], object],
    queries: Sequence[str],
    repeat: int,
    analyzer: Analyzer | None = None,
) -> list[float]:
    """Time each call; a repeated question is no faster than a new one (caches are emptied)."""
    samples = []
    for _ in range(repeat):
        for query in queries:
            normalize.cache_clear()
            if analyzer is not None:
                analyzer.forget()
            start = time.perf_counter()
            call(query)
            samples.append(time.perf_counter() - start)
    return samples


def _row(label: str, samples: Sequence[float]) -> str:
    median, p99 = _percentiles(samples)
    return f"| {label} | {median:.3f} | {p99:.3f} | {len(samples)} |"


def _questions() -> list[str]:
    data = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    return [item["q"] for item in data["in_scope"] + data["off_topic"]]


def _synthetic_entries(count: int, seed: int = 7) -> list[Entry]:
    """Generate ``count`` entries from the article's words and invented ones."""
    rng = random.Random(seed)
    article = normalize(
        (DEFAULT_KNOWLEDGE_DIR / "articles" / "beijing-moscow" / "article.txt").read_text()
    )
    words = sorted(set(article.split()))
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "zen", "dor", "pha", "qui"]
    invented = {
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(20000)
    }
    vocabulary = words + sorted(invented)
    quote = CitedQuote("x", "synthetic", 1, 0, 1)
    entries = []
    for number in range(count):

        def phrase() -> str:
            return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(4, 9)))

        entries.append(
            Entry(
                id=f"entry-{number}",
                question=phrase(),
                answer=phrase(),
                quotes=(quote,),
                source_id="synthetic",
                alternates=tuple(phrase() for _ in range(4)),
                keywords=(rng.choice(vocabulary),),
            )
        )
    return entries


def _typo(text: str, rng: random.Random) -> str:
    chars = list(text)
    if len(chars) > 3:
        position = rng.randrange(len(chars))
        chars[position] = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return "".join(chars)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_real(repeat: int) -> list[str]:
    """Benchmark the project's knowledge base."""
    loads = []
    for _ in range(5):
        normalize.cache_clear()  # each load normalises every phrasing afresh, as at start-up
        start = time.perf_counter()
        engine = Engine(load_knowledge(DEFAULT_KNOWLEDGE_DIR))
        loads.append(time.perf_counter() - start)
    engine = load_engine(DEFAULT_KNOWLEDGE_DIR)
    questions = _questions()
    entries = engine.knowledge.entries
    phrasings = [normalize(p) for e in entries for p in (*e.phrasings, *e.keywords)]
    baseline = _time_each(
        lambda q: process.extractOne(normalize(q), phrasings, scorer=fuzz.WRatio, processor=None),
        questions,
        repeat,
    )
    return [
        f"Real knowledge base: {len(entries)} entries, {len(phrasings)} phrasings; "
        f"load+index median {statistics.median(loads) * 1000:.1f} ms over {len(loads)} loads",
        "",
        "| operation | median ms | p99 ms | samples |",
        "|---|---|---|---|",
        _row("ask (citebot)", _time_each(engine.ask, questions, repeat, engine.analyzer)),
        _row("ask (baseline extractOne WRatio)", baseline),
        _row("quote", _time_each(engine.quote, QUOTE_TERMS, repeat * 20)),
    ]


def bench_synthetic(size: int, repeat: int) -> list[str]:
    """Benchmark a generated knowledge base of ``size`` entries."""
    rng = random.Random(size)
    entries = _synthetic_entries(size)
    start = time.perf_counter()
    with collector_paused():  # as the bot builds (bot/engine/lifecycle.py's _load)
        matcher = Matcher(entries)
        gc.freeze()
    build = time.perf_counter() - start
    settle_heap()  # as load_engine and a reload do
    picked = [rng.choice(entries) for _ in range(100)]
    queries = [_typo(rng.choice(entry.alternates), rng) for entry in picked]
    queries += ["what's the weather like", "asdfgh", "who won the world cup"] * 5
    phrasings = [normalize(p) for e in entries for p in (*e.phrasings, *e.keywords)]
    ours = _time_each(matcher.ask, queries, repeat, matcher.analyzer)
    baseline_queries = queries[: max(5, min(len(queries), 2_000_000 // len(phrasings)))]
    baseline = _time_each(
        lambda q: process.extractOne(normalize(q), phrasings, scorer=fuzz.WRatio, processor=None),
        baseline_queries,
        1,
    )
    hits = sum(
        matcher.ask(query).entry is entry for query, entry in zip(queries, picked, strict=False)
    )
    return [
        _row(f"ask, {size:,} entries (citebot)", ours),
        _row(f"ask, {size:,} entries (baseline)", baseline),
        f"|   index build {build * 1000:.0f} ms; typo'd alternates answered with their own "
        f"entry: {hits}/{len(picked)}; peak RSS so far {_peak_rss_mib():.0f} MiB | | | |",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print("\n".join(bench_real(args.repeat)))
    for size in args.sizes:
        print("\n".join(bench_synthetic(size, args.repeat)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
