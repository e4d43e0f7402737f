"""Token index over entries: what each entry is about, and a fast shortlist for a question."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.knowledge.model import Entry
from bot.search.normalize import normalize
from bot.search.vocabulary import SHORTHAND, STOPWORDS, stem

# A misspelt word maps onto a known one at this fuzz.ratio or above ("thad" -> "thaad" is 89,
# "tillersen" -> "tillerson" 89, "gatilof" -> "gatilov" 86); "rice" -> "price" (89) is why the
# matcher also needs most of a question to be covered before it answers.
TYPO_CUTOFF = 84
# Words this short are matched exactly: "xi", "un", "g8", "imf" have no safe typo neighbours.
MIN_TYPO_LENGTH = 4
# Postings longer than this are only used to add to candidates that rarer words found.
MAX_POSTINGS_OPENED = 2000
# A word that appears only in an entry's answer or quotes counts this much of a phrasing word.
BODY_WORD_WEIGHT = 0.6


def content_terms(normalized: str) -> list[str]:
    """Return the stemmed topic words of normalised text, shorthand expanded, stopwords dropped."""
    terms: list[str] = []
    for token in normalized.split():
        for word in SHORTHAND.get(token, token).split():
            if word not in STOPWORDS:
                terms.append(stem(word))
    return terms


@dataclass(frozen=True, slots=True)
class IndexedEntry:
    """An entry with its normalised phrasings and weighted topic words."""

    entry: Entry
    phrasings: tuple[str, ...]  # normalised question, alternates and keywords
    terms_by_phrasing: tuple[frozenset[str], ...]  # topic words of each phrasing, same order
    phrasing_terms: frozenset[str]
    body_terms: frozenset[str]


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A question word mapped onto the index vocabulary (or not: ``term`` is None)."""

    word: str
    term: str | None
    similarity: float  # 0-1


class EntryIndex:
    """Inverted index from topic words to entries, with IDF weights and typo-tolerant lookup."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.items: list[IndexedEntry] = []
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for position, entry in enumerate(entries):
            phrasings = tuple(
                dict.fromkeys(p for p in map(normalize, (*entry.phrasings, *entry.keywords)) if p)
            )
            terms_by_phrasing = tuple(frozenset(content_terms(p)) for p in phrasings)
            phrasing_terms = frozenset().union(*terms_by_phrasing)
            body_text = " ".join((entry.answer, *(q.text for q in entry.quotes)))
            body_terms = frozenset(content_terms(normalize(body_text))) - phrasing_terms
            self.items.append(
                IndexedEntry(entry, phrasings, terms_by_phrasing, phrasing_terms, body_terms)
            )
            for term in phrasing_terms | body_terms:
                postings[term].append(position)
        self.postings: dict[str, tuple[int, ...]] = {t: tuple(p) for t, p in postings.items()}
        # The same postings split by where the word appears: phrasings (strong) or body (weak).
        self.strong: dict[str, tuple[int, ...]] = {
            t: tuple(i for i in p if t in self.items[i].phrasing_terms) for t, p in postings.items()
        }
        self.weak: dict[str, tuple[int, ...]] = {
            t: tuple(i for i in p if t not in self.items[i].phrasing_terms)
            for t, p in postings.items()
        }
        count = max(len(self.items), 1)
        # Smoothed IDF; a word the index has never seen weighs like one seen in half an entry.
        self.idf = {t: math.log(1 + count / len(p)) for t, p in self.postings.items()}
        self.unknown_idf = math.log(1 + count / 0.5)
        # Typo candidates are looked up by (first letter, length) and (last letter, length):
        # one slip leaves at least one end intact, and this keeps lookups far below a full scan.
        self._by_ends: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
        for term in self.postings:
            self._by_ends[term[0], len(term)].append(term)
            self._by_ends[term[-1] + "$", len(term)].append(term)
        self.lookup = lru_cache(maxsize=4096)(self._lookup)

    def _lookup(self, word: str) -> TermMatch:
        """Map one question word onto the vocabulary: exactly, or as a likely typo."""
        if word in self.postings:
            return TermMatch(word, word, 1.0)
        if len(word) < MIN_TYPO_LENGTH or not word.isalpha():
            return TermMatch(word, None, 0.0)
        nearby: list[str] = []
        for length in range(len(word) - 2, len(word) + 3):
            nearby.extend(self._by_ends.get((word[0], length), ()))
            nearby.extend(self._by_ends.get((word[-1] + "$", length), ()))
        best = process.extractOne(
            word, nearby, scorer=fuzz.ratio, processor=None, score_cutoff=TYPO_CUTOFF
        )
        if best is None:
            return TermMatch(word, None, 0.0)
        return TermMatch(word, best[0], best[1] / 100)

    def weight(self, match: TermMatch) -> float:
        """How much a question word matters: rarer words matter more; unknown words most."""
        return self.idf[match.term] if match.term is not None else self.unknown_idf

    def shortlist(self, matches: Sequence[TermMatch], limit: int) -> list[tuple[int, float]]:
        """Return up to ``limit`` (entry position, coverage 0-1) pairs, best coverage first.

        Coverage is the IDF-weighted share of the question's topic words that the entry knows.
        """
        total = sum(self.weight(m) for m in matches)
        if total == 0:
            return []
        scores: dict[int, float] = {}
        known = sorted(
            (m for m in matches if m.term is not None),
            key=lambda m: len(self.postings[str(m.term)]),
        )
        for match in known:
            term = str(match.term)
            weight = self.weight(match) * match.similarity
            for postings, share in (
                (self.strong[term], weight),
                (self.weak[term], weight * BODY_WORD_WEIGHT),
            ):
                if len(self.postings[term]) > MAX_POSTINGS_OPENED and scores:
                    # A very common word only adds to entries that rarer words already found:
                    # opening its postings would cost a scan of most of a large index.
                    members = set(postings)
                    for position in scores:
                        if position in members:
                            scores[position] += share
                    continue
                get = scores.get
                for position in postings:
                    scores[position] = get(position, 0.0) + share
        ranked = heapq.nlargest(limit, scores.items(), key=lambda pair: pair[1])
        return [(position, score / total) for position, score in ranked]
