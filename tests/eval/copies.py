"""Eval questions a knowledge-base phrasing nearly repeats, and which of those phrasings are older.

Usage: python -m tests.eval.copies [--write]

A pair (evaluation question, phrasing) is *flagged* when the two are `NEAR` or closer once both are
normalised the way citebot normalises questions. A phrasing is any entry's question, alternate or
keyword; a question is any in_scope or off_topic question of any set. A flagged pair is
*independent* when git shows the phrasing in that entry at a commit strictly before the question
appeared in that set: the sets were written without seeing knowledge/, so an older phrasing cannot
be a copy of the question. Any other flagged pair is a copy, and the phrasing must go from
knowledge/.

Without --write, prints every flagged pair not on record in independent.yaml, and every row there
that no longer names a flagged pair, with their provenance; exits 1 if there is any. With --write,
rewrites independent.yaml with the flagged pairs git proves independent (never a copy) and prints
the copies left. Either needs the full git history; the tests read only independent.yaml.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import yaml
from rapidfuzz import fuzz, process

from bot.knowledge.loader import load_knowledge
from bot.search.analysis import Analyzer
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.eval.evaluate import EVAL_DIR, SETS


@cache
def _analyzer() -> Analyzer:
    return Analyzer.for_knowledge(load_knowledge(DEFAULT_KNOWLEDGE_DIR))


def normalize(text: str) -> str:
    """The one place the evaluation compares text the way citebot does: as the matcher reads it."""
    return _analyzer().prepare(text)


# fuzz.ratio on normalised text: 90 catches one or two typos in a short phrase, and a word more
# or less in a long one; an independent writer lands that close mostly on names and bare keywords.
NEAR = 90.0
RECORD = EVAL_DIR / "independent.yaml"
UNCOMMITTED = "uncommitted"
HINT = (
    "remove the phrasing from knowledge/, "
    "or run python -m tests.eval.copies if it predates the question"
)
RECORD_HEADER = """\
# Flagged pairs (an evaluation question within fuzz.ratio 90 of a knowledge-base phrasing, both
# normalised) that git proves independent: the phrasing was in that entry at a commit before the
# question was in that set. Written by `python -m tests.eval.copies --write`, which never records
# a copy; tests/eval/test_copies.py fails on a flagged pair missing here and on a stale row.
"""


@dataclass(frozen=True, order=True)
class Pair:
    """An evaluation question and a knowledge-base phrasing close enough to look copied."""

    set: str
    question: str
    entry: str
    phrasing: str

    def describe(self) -> str:
        return f"{self.set}: {self.question!r} ~ {self.entry}: {self.phrasing!r}"


@dataclass(frozen=True)
class Phrasing:
    entry: str
    text: str


@dataclass(frozen=True)
class Question:
    set: str
    text: str


class _HasPhrasings(Protocol):
    """What copies needs of a knowledge-base entry (bot.knowledge.model.Entry has it)."""

    @property
    def id(self) -> str: ...
    @property
    def question(self) -> str: ...
    @property
    def alternates(self) -> Sequence[str]: ...
    @property
    def keywords(self) -> Sequence[str]: ...


def entry_phrasings(entry_id: str, fields: Mapping[str, object]) -> list[Phrasing]:
    """Every way an entry can be asked: its question, alternates and keywords, once each."""
    texts: list[str] = []
    question = fields.get("question")
    if isinstance(question, str):
        texts.append(question)
    for key in ("alternates", "keywords"):
        values = fields.get(key)
        if isinstance(values, list):
            texts.extend(text for text in values if isinstance(text, str))
    return [Phrasing(entry_id, text) for text in dict.fromkeys(texts)]


def knowledge_phrasings(entries: Iterable[_HasPhrasings]) -> list[Phrasing]:
    """The phrasings of loaded knowledge-base entries."""
    found: list[Phrasing] = []
    for entry in entries:
        fields = {
            "question": entry.question,
            "alternates": list(entry.alternates),
            "keywords": list(entry.keywords),
        }
        found.extend(entry_phrasings(entry.id, fields))
    return found


def set_questions(name: str, data: object) -> list[Question]:
    """The in_scope and off_topic questions of one parsed evaluation set."""
    if not isinstance(data, dict):
        return []
    found: list[Question] = []
    for key in ("in_scope", "off_topic"):
        for item in data.get(key) or []:
            if isinstance(item, dict) and isinstance(item.get("q"), str):
                found.append(Question(name, item["q"]))
    return found


def eval_questions(sets: Mapping[str, Path] = SETS) -> list[Question]:
    """Every question of every evaluation set."""
    found: list[Question] = []
    for name, path in sets.items():
        found.extend(set_questions(name, yaml.safe_load(path.read_text(encoding="utf-8"))))
    return found


def flagged_pairs(
    questions: Iterable[Question], phrasings: Sequence[Phrasing]
) -> dict[Pair, float]:
    """Each (question, phrasing) pair at least NEAR after normalising, with its score."""
    choices = [normalize(phrasing.text) for phrasing in phrasings]
    flagged: dict[Pair, float] = {}
    for question in questions:
        matches = process.extract(
            normalize(question.text),
            choices,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=NEAR,
            limit=None,
        )
        for _, score, index in matches:
            phrasing = phrasings[index]
            pair = Pair(question.set, question.text, phrasing.entry, phrasing.text)
            flagged[pair] = max(score, flagged.get(pair, 0.0))
    return flagged


# --- the record ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One independent pair on record, with the commits that prove it."""

    pair: Pair
    phrasing_commit: str
    question_commit: str


def load_record(path: Path = RECORD) -> list[Row]:
    """The rows of independent.yaml (none when it does not exist)."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        Row(
            Pair(str(row["set"]), str(row["q"]), str(row["entry"]), str(row["phrasing"])),
            str(row["phrasing_commit"]),
            str(row["question_commit"]),
        )
        for row in data.get("independent") or []
    ]


def write_record(rows: Iterable[Row], path: Path = RECORD) -> None:
    """Write independent.yaml, rows in set order then by question."""
    order = {name: index for index, name in enumerate(SETS)}
    ordered = sorted(rows, key=lambda row: (order.get(row.pair.set, len(order)), row.pair))
    data = {
        "independent": [
            {
                "set": row.pair.set,
                "q": row.pair.question,
                "entry": row.pair.entry,
                "phrasing": row.pair.phrasing,
                "phrasing_commit": row.phrasing_commit,
                "question_commit": row.question_commit,
            }
            for row in ordered
        ]
    }
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    path.write_text(RECORD_HEADER + text, encoding="utf-8")


# --- provenance from git -------------------------------------------------------------------------


@dataclass
class FirstSeen:
    """Where each normalised phrasing (per entry) and question (per set) first appeared."""

    commits: list[str]  # short hashes, oldest first
    phrasings: dict[tuple[str, str], int]  # (entry id, normalised text) -> index in commits
    questions: dict[tuple[str, str], int]  # (set name, normalised text) -> index in commits
    unreadable: list[str]  # "commit:path" files that did not parse; their contents count later

    def phrasing_at(self, phrasing: Phrasing) -> int:
        """Index of the commit that first had it; len(commits) when no commit has it yet."""
        return self.phrasings.get((phrasing.entry, normalize(phrasing.text)), len(self.commits))

    def question_at(self, question: Question) -> int:
        """Index of the commit that first had it; len(commits) when no commit has it yet."""
        return self.questions.get((question.set, normalize(question.text)), len(self.commits))

    def commit(self, index: int) -> str:
        return self.commits[index] if index < len(self.commits) else UNCOMMITTED


def first_seen(
    commits: list[str],
    snapshots: Iterable[tuple[int, str, str]],
    set_paths: Mapping[str, str],
    knowledge_folder: str,
) -> FirstSeen:
    """Fold (commit index, path, file text) snapshots, oldest first, into first appearances.

    Q&A files are those under ``knowledge_folder`` in qa/ or in an article's articles/<id>/qa/.
    """
    seen = FirstSeen(commits, {}, {}, [])
    set_names = {path: name for name, path in set_paths.items()}
    for index, path, text in snapshots:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            seen.unreadable.append(f"{commits[index]}:{path}")
            continue
        if path in set_names:
            for question in set_questions(set_names[path], data):
                seen.questions.setdefault((question.set, normalize(question.text)), index)
        elif _is_qa_file(path, knowledge_folder) and isinstance(data, dict):
            for entry in data.get("entries") or []:
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    for phrasing in entry_phrasings(entry["id"], entry):
                        key = (phrasing.entry, normalize(phrasing.text))
                        seen.phrasings.setdefault(key, index)
    return seen


def _is_qa_file(path: str, knowledge_folder: str) -> bool:
    if not path.startswith(knowledge_folder):
        return False
    return re.match(r"(?:articles/[^/]+/)?qa/", path[len(knowledge_folder) :]) is not None


def is_independent(phrasing_index: int, question_index: int) -> bool:
    """A phrasing strictly older than the question cannot have been copied from it."""
    return phrasing_index < question_index


def _git(root: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], input=stdin, capture_output=True, text=True, check=True
    )
    return done.stdout


def read_history(root: Path) -> FirstSeen:
    """First appearances over the history of HEAD; refuses a shallow clone."""
    if _git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
        raise SystemExit("copies: this clone is shallow; run `git fetch --unshallow` first")
    knowledge = DEFAULT_KNOWLEDGE_DIR.resolve().relative_to(root).as_posix() + "/"
    set_paths = {name: path.resolve().relative_to(root).as_posix() for name, path in SETS.items()}
    log = _git(
        root,
        *("log", "--reverse", "--topo-order", "--full-history", "--no-renames"),
        *("--format=commit %h", "--name-only", "--", knowledge, *set_paths.values()),
    )
    commits: list[str] = []
    wanted: list[tuple[int, str]] = []
    for line in log.splitlines():
        if line.startswith("commit "):
            commits.append(line.split()[1])
        elif line.endswith(".yaml"):
            wanted.append((len(commits) - 1, line))
    return first_seen(commits, _blobs(root, commits, wanted), set_paths, knowledge)


def _blobs(
    root: Path, commits: list[str], wanted: list[tuple[int, str]]
) -> list[tuple[int, str, str]]:
    """The text of each (commit index, path) that exists, read in one `git cat-file --batch`."""
    specs = "".join(f"{commits[index]}:{path}\n" for index, path in wanted)
    raw = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch"],
        input=specs.encode(),
        capture_output=True,
        check=True,
    ).stdout
    found: list[tuple[int, str, str]] = []
    at = 0
    for index, path in wanted:
        header_end = raw.index(b"\n", at)
        header = raw[at:header_end].split()
        at = header_end + 1
        if header[-1] == b"missing":  # deleted in this commit
            continue
        size = int(header[2])
        found.append((index, path, raw[at : at + size].decode("utf-8")))
        at += size + 1
    return found


def _is_ancestor(root: Path, older: str, newer: str) -> bool:
    done = subprocess.run(
        ["git", "-C", str(root), "merge-base", "--is-ancestor", older, newer], capture_output=True
    )
    return done.returncode == 0


# --- the command ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """A flagged pair with its score and what git says about it."""

    pair: Pair
    score: float
    phrasing_commit: str
    question_commit: str
    independent: bool

    def describe(self) -> str:
        order = "<" if self.independent else "not before"
        return (
            f"{self.score:5.1f}  {self.pair.describe()}  "
            f"(phrasing {self.phrasing_commit} {order} question {self.question_commit})"
        )


def judge(root: Path, flagged: Mapping[Pair, float], history: FirstSeen) -> list[Verdict]:
    """Decide every flagged pair by provenance: independent, or a copy."""
    ancestry: dict[tuple[str, str], bool] = {}
    verdicts = []
    for pair, score in sorted(flagged.items()):
        phrasing_at = history.phrasing_at(Phrasing(pair.entry, pair.phrasing))
        question_at = history.question_at(Question(pair.set, pair.question))
        p_commit, q_commit = history.commit(phrasing_at), history.commit(question_at)
        independent = is_independent(phrasing_at, question_at)
        if independent and q_commit != UNCOMMITTED:  # in a DAG, "before" must be "an ancestor of"
            if (p_commit, q_commit) not in ancestry:
                ancestry[p_commit, q_commit] = _is_ancestor(root, p_commit, q_commit)
            independent = ancestry[p_commit, q_commit]
        verdicts.append(Verdict(pair, score, p_commit, q_commit, independent))
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write", action="store_true", help="record the flagged pairs git proves independent"
    )
    args = parser.parse_args(argv)

    from bot.engine import load_engine

    root = Path(_git(EVAL_DIR, "rev-parse", "--show-toplevel").strip())
    entries = load_engine(DEFAULT_KNOWLEDGE_DIR).knowledge.entries
    flagged = flagged_pairs(eval_questions(), knowledge_phrasings(entries))
    history = read_history(root)
    for unreadable in history.unreadable:
        print(f"warning: {unreadable} does not parse; what it added counts from the next commit")
    verdicts = judge(root, flagged, history)
    copies = [verdict for verdict in verdicts if not verdict.independent]
    recorded = {row.pair for row in load_record()}

    if args.write:
        independent = [
            Row(verdict.pair, verdict.phrasing_commit, verdict.question_commit)
            for verdict in verdicts
            if verdict.independent
        ]
        write_record(independent)
        print(f"recorded {len(independent)} independent pairs in {RECORD.relative_to(root)}")
        unlisted = copies
        stale: list[Pair] = []
    else:
        unlisted = [verdict for verdict in verdicts if verdict.pair not in recorded]
        stale = sorted(recorded - flagged.keys())
        for verdict in copies:
            if verdict.pair in recorded:
                print(f"COPY ON RECORD  {verdict.describe()}: remove the row and the phrasing")
    for verdict in unlisted:
        print(f"{'independent' if verdict.independent else 'COPY':15} {verdict.describe()}")
    for pair in stale:
        print(f"{'stale row':15} {pair.describe()}: no longer a flagged pair")
    print(
        f"{len(flagged)} flagged pairs, {len(flagged) - len(copies)} independent, "
        f"{len(copies)} copies; {len(unlisted)} shown above not on record, {len(stale)} stale rows"
    )
    if copies:
        print("a copy's phrasing must go from knowledge/ (never record a copy)")
    if not args.write and (stale or any(verdict.independent for verdict in unlisted)):
        print("run python -m tests.eval.copies --write to record the independent pairs")
    return 1 if copies or stale or unlisted else 0


if __name__ == "__main__":
    sys.exit(main())
