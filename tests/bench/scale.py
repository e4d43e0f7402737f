"""Scale benchmark: a large knowledge base through the CLI, side by side with a plain anchor.

Usage: python -m tests.bench.scale [--sizes 20000 100000] [--runs 3]

For each size, a knowledge directory is generated (the project's own knowledge plus synthetic
entries whose quotes are real sentences of the article, so the loader's every check runs) and
measured, each figure in the same run:

- **anchor**: a fresh process parses the same YAML with PyYAML's C loader and builds a plain
  token index (token -> phrasings), the least any loader could do;
- **CLI**: a fresh process runs ``python -m bot ask QUESTION --knowledge DIR`` (load, validate,
  index, answer) with an empty DATA_DIR, so it also writes the engine cache; then another reads
  that cache instead (bot/engine/cache.py): wall time, CPU time and peak RSS of each (it
  reads a large knowledge base's files in two processes where it has two cores: CPU time is
  the two processes' sum, peak RSS the larger of their two peaks, not their sum);
- **in process**: index build time and the resident memory it adds, ask median/p99 over
  typo'd alternates, and how many of those are answered with their own entry.

Medians over ``--runs`` runs; the machine is shared, so compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bot.settings import DEFAULT_KNOWLEDGE_DIR
from bot.text.normalize import normalize

ENTRIES_PER_FILE = 1000  # files stay under the loader's 1 MiB limit
ROOT = Path(__file__).resolve().parents[2]  # the checkout whose `python -m bot` is timed

ANCHOR = """
import sys, time, resource, pathlib, yaml
start = time.perf_counter()
index = {}
for path in sorted(pathlib.Path(sys.argv[1]).glob("**/qa/*.yaml")):
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    for entry in data["entries"]:
        for phrasing in [entry["question"], *entry.get("alternates", [])]:
            for token in phrasing.lower().split():
                index.setdefault(token, []).append(entry["id"])
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _article_sentences() -> list[str]:
    text = (DEFAULT_KNOWLEDGE_DIR / "articles" / "beijing-moscow" / "article.txt").read_text(
        encoding="utf-8"
    )
    sentences = [s for line in text.splitlines() for s in re.split(r"(?<=[.?!])\s+", line)]
    return [s.strip() for s in sentences if 40 <= len(s.strip()) <= 200 and '"' not in s]


def _vocabulary(rng: random.Random) -> list[str]:
    article = normalize(
        (DEFAULT_KNOWLEDGE_DIR / "articles" / "beijing-moscow" / "article.txt").read_text()
    )
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "zen", "dor", "pha", "qui"]
    invented = {
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(20000)
    }
    return sorted(set(article.split())) + sorted(invented)


def make_knowledge(directory: Path, size: int, seed: int = 7) -> list[tuple[str, str]]:
    """Write the project's knowledge plus ``size`` synthetic entries into ``directory``.

    Returns (entry id, one of its alternates) for every synthetic entry.
    """
    rng = random.Random(seed)
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, directory)
    # Its regression questions pin answers among the real entries alone; thousands of made-up
    # entries change word weights, so they do not apply here.
    (directory / "tests.yaml").unlink()
    words, sentences = _vocabulary(rng), _article_sentences()
    (directory / "qa").mkdir(exist_ok=True)  # beside the article's own qa/, for one article

    def phrase() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(4, 9)))

    made = []
    for first in range(0, size, ENTRIES_PER_FILE):
        entries = []
        for number in range(first, min(size, first + ENTRIES_PER_FILE)):
            alternates = [phrase() for _ in range(4)]
            entries.append(
                {
                    "id": f"synthetic-{number}",
                    "question": phrase() + "?",
                    "answer": phrase().capitalize() + ".",
                    "alternates": alternates,
                    "keywords": [rng.choice(words)],
                    "quotes": [rng.choice(sentences)],
                }
            )
            made.append((f"synthetic-{number}", alternates[0]))
        data = {"topic": f"Synthetic {first}", "entries": entries}
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
        (directory / "qa" / f"synthetic-{first // ENTRIES_PER_FILE:03}.yaml").write_text(
            text, encoding="utf-8"
        )
    return made


def _typo(text: str, rng: random.Random) -> str:
    chars = list(text)
    position = rng.randrange(len(chars))
    if chars[position].isalpha():
        chars[position] = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return "".join(chars)


def _child(
    args: list[str], data_dir: Path | None = None, cwd: Path | None = None
) -> tuple[float, float, float]:
    """Run a child Python; return its wall time, its CPU time (seconds) and peak RSS (MiB).

    CPU time adds the processes it started (a load reading its files in two); peak RSS is the
    largest of them, not their sum (wait4's ru_maxrss).
    ``data_dir`` is its DATA_DIR (where the engine cache is kept), ``cwd`` where it runs (the
    checkout whose ``bot`` it imports).
    """
    env = dict(os.environ)
    if data_dir is not None:
        env["DATA_DIR"] = str(data_dir)
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{args[:3]} exited with {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _rss_mib() -> float:
    """Resident memory now (not the peak), from /proc."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


def bench_cli(directory: Path, question: str, runs: int, before: Path | None = None) -> list[str]:
    """Time the anchor and the CLI over the same directory, in fresh processes.

    The CLI runs twice per run: first with an empty DATA_DIR (it loads the files, builds the
    engine and writes the engine cache), then again (it reads the cache). ``before``: another
    checkout of citebot whose first run is timed in the same runs, for a before and after.
    """
    anchor: list[tuple[float, float, float]] = []
    first: list[tuple[float, float, float]] = []
    cached: list[tuple[float, float, float]] = []
    earlier: list[tuple[float, float, float]] = []
    ask = ["-m", "bot", "ask", question, "--knowledge", str(directory)]
    for _ in range(runs):
        anchor.append(_child(["-c", ANCHOR, str(directory)], cwd=Path(tempfile.gettempdir())))
        if before is not None:
            with tempfile.TemporaryDirectory() as data_dir:
                earlier.append(_child(ask, Path(data_dir), before))
        with tempfile.TemporaryDirectory() as data_dir:
            first.append(_child(ask, Path(data_dir), ROOT))
            cached.append(_child(ask, Path(data_dir), ROOT))
    a, a_cpu, a_rss = (statistics.median(values) for values in zip(*anchor, strict=True))
    rows = [
        f"| anchor: parse YAML (C loader) + plain token index | {a:.2f} s (CPU {a_cpu:.2f} s) "
        f"| {a_rss:.0f} MiB |"
    ]
    measured = [
        ("`python -m bot ask`, first (load, check, index, answer; writes the cache)", first),
        ("`python -m bot ask`, again (reads the engine cache, answers)", cached),
    ]
    if before is not None:
        measured.insert(0, (f"before ({before}): `python -m bot ask`, first", earlier))
    for label, samples in measured:
        c, c_cpu, c_rss = (statistics.median(values) for values in zip(*samples, strict=True))
        rows.append(
            f"| citebot: {label} | {c:.2f} s ({c / a:.2f}x; "
            f"CPU {c_cpu:.2f} s, {c_cpu / a_cpu:.2f}x) | {c_rss:.0f} MiB |"
        )
    return rows


def bench_in_process(directory: Path, made: list[tuple[str, str]], size: int) -> list[str]:
    """Build the engine here: index time and memory, ask latency, typo'd alternates answered."""
    from bot.engine import Engine, settle_heap
    from bot.knowledge.loader import load_knowledge
    from bot.search.retrieval import collector_paused

    knowledge = load_knowledge(directory)
    gc.collect()
    before = _rss_mib()
    start = time.perf_counter()
    with collector_paused():  # as the bot builds (bot/engine/lifecycle.py's _load)
        engine = Engine(knowledge)
        gc.freeze()
    build = time.perf_counter() - start
    settle_heap()
    held = _rss_mib() - before
    rng = random.Random(size)
    picked = [rng.choice(made) for _ in range(200)]
    questions = [_typo(alternate, rng) for _, alternate in picked]
    samples = []
    for question in questions:
        normalize.cache_clear()
        engine.analyzer.forget()
        begin = time.perf_counter()
        engine.ask(question)
        samples.append(time.perf_counter() - begin)
    answered = [engine.ask(question).entry for question in questions]
    hits = sum(
        entry is not None and entry.id == entry_id
        for entry, (entry_id, _) in zip(answered, picked, strict=True)
    )
    median, p99 = _ms(samples)
    return [
        f"| index build (in process) | {build:.2f} s | {held:.0f} MiB more resident |",
        f"| ask, typo'd alternates | median {median:.3f} ms, p99 {p99:.3f} ms | |",
        f"| typo'd alternates answered with their own entry | {hits}/{len(picked)} | |",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[20000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-cli", action="store_true", help="skip the fresh-process figures")
    parser.add_argument(
        "--before",
        type=Path,
        help="another checkout of citebot (a git worktree): its first CLI run, in the same runs",
    )
    args = parser.parse_args(argv)
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as temporary:
            directory = Path(temporary) / "knowledge"
            made = make_knowledge(directory, size)
            print(f"\n{size:,} synthetic entries (plus the project's own)\n")
            print("| measure | time | memory |\n|---|---|---|")
            if not args.no_cli:
                question = _typo(made[0][1], random.Random(1))
                print("\n".join(bench_cli(directory, question, args.runs, args.before)), flush=True)
            print("\n".join(bench_in_process(directory, made, size)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
