"""Match a question to an entry: answer when one is clearly best, else suggest or abstain."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.knowledge.model import Entry
from bot.search.index import EntryIndex, IndexedEntry, TermMatch, content_terms
from bot.search.normalize import normalize
from bot.search.results import AskResult, Candidate, Outcome

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When to answer, suggest or abstain. Scores are 0-100; see the constants below."""

    answer: float
    margin: float
    sure: float
    sure_margin: float
    coverage: float
    suggest: float
    suggest_coverage: float


# Chosen on tests/eval/dev.yaml (never on the held-out questions.yaml) and pinned by
# tests/search/test_matcher.py: the lowest bar that kept wrong answers near zero on dev.
DEFAULT = Thresholds(
    answer=60.0,  # below this, never answer
    margin=6.0,  # the best entry must lead the runner-up by this much ...
    sure=85.0,  # ... or, scoring at least this (several entries share words) ...
    sure_margin=2.0,  # ... lead by this much: a tie is never answered
    coverage=0.6,  # share (IDF-weighted) of the question's topic words the entry must know
    suggest=50.0,  # below this, no "did you mean" either: an honest "I don't know"
    suggest_coverage=0.4,  # and a suggestion must know this share of the question's words
)
# For answers nobody asked for (auto-answer channels): a wrong unsolicited answer is worse.
STRICT = Thresholds(
    answer=72.0,
    margin=10.0,
    sure=90.0,
    sure_margin=5.0,
    coverage=0.75,
    suggest=101.0,
    suggest_coverage=1.0,
)

SHORTLIST_SIZE = 30
MAX_CANDIDATES = 5
# Weights of the final score: how much of the question the entry covers, how closely the question
# reads like one of the entry's phrasings, and how much of that phrasing the question covers.
W_COVERAGE, W_PHRASE, W_PHRASING_COVERED = 0.45, 0.35, 0.20
MAX_QUESTION_CHARS = 1000


class Matcher:
    """Scores questions against entry phrasings: a token shortlist, then a fuzzy re-rank."""

    def __init__(self, entries: Iterable[Entry], thresholds: Thresholds = DEFAULT) -> None:
        self.index = EntryIndex(entries)
        self.thresholds = thresholds

    def ask(self, question: str, *, strict: bool = False) -> AskResult:
        """Resolve a question to an answer, suggestions, or no match."""
        thresholds = STRICT if strict else self.thresholds
        normalized = normalize(question[: MAX_QUESTION_CHARS * 2])[:MAX_QUESTION_CHARS]
        if not normalized:
            return AskResult(question, normalized, Outcome.NO_MATCH, reason="empty question")
        words = content_terms(normalized)
        if not words:
            return AskResult(question, normalized, Outcome.NO_MATCH, reason="no topic words")
        matches = [self.index.lookup(word) for word in dict.fromkeys(words)]
        if all(match.term is None for match in matches):
            return AskResult(question, normalized, Outcome.NO_MATCH, reason="no known words")
        scored = self._rank(normalized, matches)
        if not scored:
            return AskResult(question, normalized, Outcome.NO_MATCH, reason="no candidates")
        return self._decide(question, normalized, scored, thresholds)

    def _rank(self, normalized: str, matches: list[TermMatch]) -> list[tuple[Candidate, float]]:
        """Re-rank the shortlist with rapidfuzz; return (candidate, coverage), best first."""
        asked = {m.term for m in matches if m.term is not None}
        ranked = []
        for position, coverage in self.index.shortlist(matches, SHORTLIST_SIZE):
            item = self.index.items[position]
            phrase_score, which = self._best_phrasing(normalized, item)
            covered = _phrasing_covered(item.terms_by_phrasing[which], asked)
            phrasing = item.phrasings[which]
            score = 100 * (
                W_COVERAGE * coverage + W_PHRASE * phrase_score / 100 + W_PHRASING_COVERED * covered
            )
            ranked.append((Candidate(item.entry, round(score, 1), phrasing), coverage))
        ranked.sort(key=lambda pair: pair[0].score, reverse=True)
        return ranked

    @staticmethod
    def _best_phrasing(normalized: str, item: IndexedEntry) -> tuple[float, int]:
        """Return the best WRatio against the entry's phrasings and that phrasing's position."""
        best = process.extractOne(normalized, item.phrasings, scorer=fuzz.WRatio, processor=None)
        if best is None:
            return 0.0, 0
        return float(best[1]), int(best[2])

    @staticmethod
    def _decide(
        question: str,
        normalized: str,
        scored: list[tuple[Candidate, float]],
        thresholds: Thresholds,
    ) -> AskResult:
        (best, coverage), *rest = scored
        runner_up = rest[0][0].score if rest else 0.0
        candidates = tuple(candidate for candidate, _ in scored[:MAX_CANDIDATES])
        lead = best.score - runner_up
        clear_lead = lead >= thresholds.margin or (
            best.score >= thresholds.sure and lead >= thresholds.sure_margin
        )
        if best.score >= thresholds.answer and coverage >= thresholds.coverage and clear_lead:
            reason = f"score {best.score} >= {thresholds.answer}, lead {lead:.1f}"
            return AskResult(question, normalized, Outcome.ANSWER, candidates, reason)
        if best.score >= thresholds.suggest and coverage >= thresholds.suggest_coverage:
            reason = (
                f"best {best.score}, coverage {coverage:.2f}, lead {best.score - runner_up:.1f}"
            )
            return AskResult(question, normalized, Outcome.SUGGESTIONS, candidates, reason)
        return AskResult(
            question, normalized, Outcome.NO_MATCH, candidates, f"best {best.score} too low"
        )


def _phrasing_covered(terms: frozenset[str], asked: set[str]) -> float:
    """Share of the phrasing's topic words that the question contains."""
    if not terms:
        return 0.0
    return len(terms & asked) / len(terms)
