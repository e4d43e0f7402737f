"""Features: how well one shortlisted entry fits a question, as a few named figures.

The fourth stage of matching. Each feature is a rapidfuzz scorer or a coverage figure:

- ``coverage`` (from retrieval): the IDF-weighted share of the question's topic words the entry
  knows;
- ``phrase_similarity``: how alike the question and the entry's closest phrasing read;
- ``phrasing_covered``: the largest share of one phrasing's topic words that the question uses.

``score`` weighs them into the 0-100 figure the policy stage judges (weights in MatchConfig).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.search.config import MatchConfig
from bot.search.retrieval import IndexedEntry

# rapidfuzz's WRatio compares texts of very different lengths by their best partial alignment,
# scaled down: by 0.9 when the longer is up to 8 times the shorter, else by 0.6, and token-based
# partial scores by a further 0.95. phrase_similarity composes the same scorers at the same
# scales (see rapidfuzz's fuzz.WRatio documentation), without the token-set part.
SIMILAR_LENGTH_RATIO = 1.5
PARTIAL_SCALE = 0.9
LONG_PARTIAL_LENGTH_RATIO = 8
LONG_PARTIAL_SCALE = 0.6
TOKEN_SCALE = 0.95


@dataclass(frozen=True, slots=True)
class Features:
    """What the re-rank measured of one entry for one question."""

    coverage: float  # 0-1
    phrase_similarity: float  # 0-100
    phrasing_covered: float  # 0-1
    closest: int  # which phrasing read most like the question

    def score(self, config: MatchConfig) -> float:
        """The weighted score, 0-100, rounded as candidates show it."""
        return round(
            100
            * (
                config.w_coverage * self.coverage
                + config.w_phrase * self.phrase_similarity / 100
                + config.w_phrasing_covered * self.phrasing_covered
            ),
            1,
        )


def measure(
    prepared: str, item: IndexedEntry, asked: set[str], coverage: float, config: MatchConfig
) -> Features:
    """Measure one shortlisted entry against a prepared question whose terms are ``asked``."""
    hits = item.phrasing_hits(asked)
    similarity, closest = closest_phrasing(prepared, item, hits, config.max_phrasings_compared)
    covered = max(
        (count / len(item.terms_by_phrasing[which]) for which, count in hits.items()), default=0.0
    )
    return Features(coverage, similarity, covered, closest)


def closest_phrasing(
    prepared: str, item: IndexedEntry, hits: dict[int, int], limit: int
) -> tuple[float, int]:
    """Return the best phrase_similarity over the entry's phrasings, and which phrasing it was.

    ``hits`` counts the question's topic words in each phrasing. Only the phrasings sharing most
    of them are compared (up to ``limit``; all phrasings when none shares a word): the others
    cannot read as much like the question, and skipping them keeps the re-rank fast as
    alternates grow.
    """
    if 0 < len(hits) <= limit:
        positions = sorted(hits)  # ``hits`` follows set order, which each process salts anew
    elif hits:
        # Most shared words first; among equals, those made most of the question's words, then
        # the earliest. (Keys are unique, so sorting them is nlargest without a call per key.)
        terms_by_phrasing = item.terms_by_phrasing
        ranked = sorted(
            [
                (count, count / len(terms_by_phrasing[which]), -which)
                for which, count in hits.items()
            ],
            reverse=True,
        )
        positions = [-which for _, _, which in ranked[:limit]]
    else:
        positions = list(range(len(item.phrasings)))
    best, which = 0.0, positions[0] if positions else 0
    for position in positions:
        similarity = phrase_similarity(prepared, item.phrasings[position], better_than=best)
        if similarity > best or (similarity == best and position < which):
            best, which = similarity, position
            if best >= 100:
                break
    return best, which


def phrase_similarity(question: str, phrasing: str, *, better_than: float = 0.0) -> float:
    """How alike two prepared texts read, 0-100: rapidfuzz's WRatio, less one of its parts.

    For texts of very different lengths WRatio also takes partial_token_set_ratio, which is 100
    whenever the two share a single word: every long alternate that mentions "fund" then reads
    85.5 like "is the fund getting bigger", and long alternates tie with the entry that has the
    answer. Without it, dev7, dev8 and dev9 as they were when still unseen got 9 more correct
    answers and 3 fewer wrong ones (thresholds retuned). Returns 0 when it cannot beat
    ``better_than``.
    """
    shorter, longer = len(question), len(phrasing)
    if shorter > longer:
        shorter, longer = longer, shorter
    if not shorter:
        return 0.0
    if longer < SIMILAR_LENGTH_RATIO * shorter:
        return fuzz.WRatio(question, phrasing, processor=None, score_cutoff=better_than)
    scale = PARTIAL_SCALE if longer <= LONG_PARTIAL_LENGTH_RATIO * shorter else LONG_PARTIAL_SCALE
    if better_than >= 100 * scale:
        return 0.0
    best = max(
        fuzz.ratio(question, phrasing, score_cutoff=better_than),
        fuzz.partial_ratio(question, phrasing, score_cutoff=better_than / scale) * scale,
    )
    floor = max(best, better_than) / (scale * TOKEN_SCALE)
    if floor >= 100:
        return best
    in_any_order = fuzz.partial_token_sort_ratio(question, phrasing, score_cutoff=floor)
    return max(best, in_any_order * scale * TOKEN_SCALE)
