"""Every number matching is tuned by, in one object: thresholds, weights, sizes.

``MatchConfig`` is passed to the matcher; nothing reads a module global. ``tests/eval/tune.py``
writes a config file (``--out``), ``tests/eval/evaluate.py --config`` reads one, and
``write_config``/``read_config`` keep the format one flat YAML mapping of these field names.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import yaml


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When to answer, suggest or abstain. Scores are 0-100; see DEFAULT for what each means."""

    answer: float
    margin: float
    coverage: float
    known: float
    long_coverage: float
    long_known: float
    suggest: float
    suggest_coverage: float


# Chosen with tests/eval/tune.py on the dev sets (never the held-out questions.yaml) and pinned
# by tests/search/test_matcher.py: the setting with most correct answers less three for each
# mistake (a wrong answer, or an answered off-topic question), among those that keep every
# regression question in knowledge/tests.yaml passing.
DEFAULT = Thresholds(
    answer=56.0,  # below this, never answer
    margin=4.0,  # the best entry must lead the first runner-up that cites other paragraphs
    coverage=0.8,  # share (IDF-weighted) of the question's topic words the entry must know
    known=0.8,  # share of the question's topic words the knowledge base knows at all
    long_coverage=0.2,  # coverage and known share for long questions (long_question_terms+
    long_known=0.4,  # topic words), which mention context no single entry covers
    suggest=50.0,  # below this, no "did you mean" either: an honest "I don't know"
    suggest_coverage=0.35,  # and a suggestion must know this share of the question's words
)
# For answers nobody asked for (auto-answer channels): a wrong unsolicited answer is worse, and
# unsolicited "did you mean" would be noise, so suggestions are off. Tuned with
# `python -m tests.eval.tune --strict`, which counts each mistake twenty times.
STRICT = Thresholds(
    answer=70.0,
    margin=8.0,
    coverage=0.9,
    known=0.9,
    long_coverage=0.5,
    long_known=0.7,
    suggest=101.0,
    suggest_coverage=1.0,
)


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """The matcher's thresholds and weights. Defaults are the tuned ones."""

    thresholds: Thresholds = DEFAULT
    strict: Thresholds = STRICT
    # Final score: how much of the question the entry covers, how closely the question reads
    # like the entry's closest phrasing, and how much of some phrasing the question covers.
    w_coverage: float = 0.45
    w_phrase: float = 0.35
    w_phrasing_covered: float = 0.2
    # A question with this many topic words is long-winded: it restates context ("the author
    # says China and Russia...") that other entries also know, so each entry covers less of it.
    long_question_terms: int = 7
    # The words of a long question's last sentence (or last clause) weigh at least
    # focus_emphasis times the others, and together at least focus_share of the question, so
    # the story before them does not choose the entry.
    focus_emphasis: float = 2.0
    focus_share: float = 0.6
    # How far behind the best entry one that uses the question's aspect words may be and still
    # be put first, when the best one does not use them.
    aspect_rerank_range: float = 10.0
    # Entries re-ranked (more when tied). Re-ranking 6 answered one dev question fewer correctly
    # and took a third longer.
    shortlist_size: int = 4
    # Phrasings of one entry compared with a question, those sharing most topic words first.
    max_phrasings_compared: int = 10
    max_candidates: int = 5
    # A word nobody wrote down weighs this share of the rarest word's weight: it may be the
    # real subject ("net worth") or just chat ("buddies").
    unknown_word_weight: float = 1.0
    # An unknown word that is no ordinary English word is mostly chat or a typo ("deadass"),
    # not the subject of a question the article cannot answer ("pizza"): it weighs this share.
    unknown_chat_factor: float = 0.5
    # A word that appears only in an entry's answer or quotes counts this much of a phrasing word.
    body_word_weight: float = 0.6

    def with_thresholds(self, **changes: float) -> MatchConfig:
        """Return this config with some default thresholds changed (answer=60, ...)."""
        return replace(self, thresholds=replace(self.thresholds, **changes))


def write_config(config: MatchConfig, path: Path) -> None:
    """Write a config as YAML (what tune --out produces)."""
    data = asdict(config)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def read_config(path: Path) -> MatchConfig:
    """Read a config written by write_config; raise ValueError naming what is wrong.

    A missing field keeps its tuned default; an unknown one is an error, not ignored.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of config fields")
    known = {f.name for f in fields(MatchConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{path}: unknown config fields: {', '.join(unknown)}")
    for name in ("thresholds", "strict"):
        if name in data:
            given = data[name] if isinstance(data[name], dict) else {}
            missing = {f.name for f in fields(Thresholds)} - set(given)
            extra = set(given) - {f.name for f in fields(Thresholds)}
            if missing or extra or not isinstance(data[name], dict):
                raise ValueError(
                    f"{path}: {name} must name every threshold once: "
                    f"missing {sorted(missing)}, unknown {sorted(extra)}"
                )
            data[name] = Thresholds(**given)
    return MatchConfig(**data)
