"""Retrieval: an index of what each entry is about, and a fast shortlist for a question.

The third stage of matching. Each entry's phrasings and body are read by the analysis stage
(bot/search/analysis.py) into terms; a question's words are looked up here, typo-tolerant, and
the entries sharing most of their IDF weight make the shortlist the features stage re-ranks.
"""

from __future__ import annotations

import gc
import heapq
import math
from array import array
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import accumulate, chain
from operator import itemgetter
from typing import Any, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Indel

from bot.knowledge.model import Entry
from bot.search.analysis import Analyzer
from bot.search.config import MatchConfig
from bot.search.english import is_common_english
from bot.search.kinds import Answers
from bot.text.normalize import normalize, normalize_once

# A misspelt word maps onto a known one within one slip (Damerau-Levenshtein: an insertion,
# deletion, substitution or swap), or two for words longer than MAX_ONE_SLIP_LENGTH:
# "thad" -> "thaad", "raod" -> "road", "tillersen" -> "tillerson". Ordinary English words
# ("rice", "married") are never corrected (see is_common_english).
MAX_ONE_SLIP_LENGTH = 6
# Words this short are matched exactly: "xi", "un", "g8", "imf" have no safe typo neighbours.
MIN_TYPO_LENGTH = 4
# At most this many typo neighbours per word (a word rarely has more than two plausible ones).
MAX_TYPO_TERMS = 3
# Words sharing their first 7 letters are forms of one word ("strategy", "strategic");
# they count at this similarity. Shorter shared prefixes ("nation", "national") are too loose.
SHARED_STEM_LENGTH = 7
SHARED_STEM_SIMILARITY = 0.85
# Postings longer than this are only used to add to candidates that rarer words found, and
# once this many candidates are found, later (commoner) words add to them only.
MAX_POSTINGS_OPENED = 2000
MAX_CANDIDATES_OPENED = 1000
# Above this many candidate spellings, a fast Indel pass narrows them first (see _typos).
FEW_NEARBY = 64
# Up to this many entries, every entry's kinds are read at build, so no question pays for them
# (30 ms for the project's 75 entries); above it, each entry's are read when first shortlisted.
EAGER_KINDS_ENTRIES = 2000
# Up to this many entries, the texts read to build the index are remembered (normalize's and
# prepare's caches): the loader has just normalised the same phrasings, so most are found there.
# Above it, they are long gone from those caches by the time the index reads them.
REMEMBERED_ENTRIES = 2000
# Words looked up are remembered, up to this many.
LOOKUP_CACHE_SIZE = 4096
# Up to this many phrasings, an entry's phrasings are searched one by one for a question's words.
FEW_PHRASINGS = 8
# Up to this many candidates, the shortlist sorts them all instead of using heapq.nlargest.
SORTED_CANDIDATES = 256
# How far a tie at the end of the shortlist may stretch it (see EntryIndex.shortlist).
MAX_TIED_KEPT = 4


T = TypeVar("T")
_NUMBERS = "i"  # array typecode of entry positions and term numbers (C int)
_SMALL_NUMBERS = "H"  # the same when all are below 65,536 (half the memory)

# One empty set shared by the many entries that use no aspect word (each empty set costs memory).
_NO_WORDS: frozenset[str] = frozenset()


def _phrasings_with(
    terms_by_phrasing: tuple[tuple[str, ...], ...],
) -> dict[str, tuple[int, ...]] | None:
    """Return term -> phrasings using it, for an entry of more than FEW_PHRASINGS phrasings.

    A question's hits in a few phrasings are counted fastest phrasing by phrasing, and a large
    knowledge base of such entries is spared a dict each; an entry of dozens of alternates
    (moderators write many) is counted fastest term by term.
    """
    if len(terms_by_phrasing) <= FEW_PHRASINGS:
        return None
    found: defaultdict[str, list[int]] = defaultdict(list)
    for which, terms in enumerate(terms_by_phrasing):
        for term in terms:
            found[term].append(which)
    return {term: tuple(positions) for term, positions in found.items()}


def _body(entry: Entry) -> str:
    """Return the text a reply shows of an entry: its answer and its quotes."""
    return " ".join((entry.answer, *(quote.text for quote in entry.quotes)))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building an index.

    A build makes millions of objects and no reference cycles; the collector, run every few
    hundred allocations, would walk the growing heap again and again (a tenth of a large build).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class IndexedEntry:
    """An entry with its normalised phrasings and weighted topic words."""

    entry: Entry
    phrasings: tuple[str, ...]  # normalised question, alternates and keywords
    terms_by_phrasing: tuple[tuple[str, ...], ...]  # distinct topic words of each, same order
    # Every term of its phrasings, and those only its answer and quotes use, sorted. Tuples,
    # not sets: a few dozen terms are searched as fast, in a seventh of the memory.
    phrasing_terms: tuple[str, ...]
    body_terms: tuple[str, ...]
    aspect_words: frozenset[str] = frozenset()  # aspect words its phrasings or body use, as typed
    position: int = 0  # its place in the index (EntryIndex.answers reads its kinds by it)
    # For an entry of many phrasings: term -> the phrasings using it (see phrasing_hits).
    phrasings_with: Mapping[str, tuple[int, ...]] | None = None

    def phrasing_hits(self, asked: set[str]) -> dict[int, int]:
        """Count, for each phrasing sharing any, how many of the ``asked`` terms it uses."""
        shared = asked.intersection(self.phrasing_terms)
        if not shared:
            return {}
        hits: dict[int, int] = {}
        if self.phrasings_with is not None:
            for term in shared:
                for which in self.phrasings_with[term]:
                    hits[which] = hits.get(which, 0) + 1
            return hits
        for which, terms in enumerate(self.terms_by_phrasing):
            count = len(shared.intersection(terms))
            if count:
                hits[which] = count
        return hits


@dataclass(frozen=True, slots=True)
class _FlatSequences:
    """Sequences of numbers as one array and where each ends: compact, and fast to pickle."""

    numbers: array[int]
    ends: array[int]

    @classmethod
    def of(
        cls, sequences: Sequence[Sequence[Any]], below: int, number: Callable[[Any], int] = int
    ) -> _FlatSequences:
        """Flatten ``sequences``, each element as its ``number``, from 0 to ``below`` - 1.

        In one pass each, without a Python step per sequence or element.
        """
        flat = chain.from_iterable(sequences)
        numbers = array(
            _SMALL_NUMBERS if below <= 1 << 16 else _NUMBERS,
            flat if number is int else map(number, flat),
        )
        return cls(numbers, array(_NUMBERS, accumulate(map(len, sequences))))

    def lists(self, values: Sequence[T]) -> list[tuple[T, ...]]:
        """Return each sequence as a tuple of ``values[number]``, in order."""
        pick, numbers, start, found = values.__getitem__, self.numbers, 0, []
        for end in self.ends:
            found.append(tuple(map(pick, numbers[start:end])))
            start = end
        return found


@dataclass(frozen=True, slots=True)
class _SavedItems:
    """The indexed entries as EntryIndex.saved keeps them: terms by number, texts joined."""

    entries: tuple[Entry, ...]
    phrasings: tuple[str, ...]  # each entry's, joined by newlines (normalised text has none)
    by_phrasing: _FlatSequences  # every entry's phrasings' terms, one sequence per phrasing
    phrasing_counts: array[int]  # how many of those sequences each entry has
    phrasing_terms: _FlatSequences
    body_terms: _FlatSequences
    aspect_words: tuple[frozenset[str], ...]
    phrasings_with: dict[int, Mapping[str, tuple[int, ...]]]  # entries of many phrasings

    @classmethod
    def of(cls, items: Sequence[IndexedEntry], ids: Mapping[str, int]) -> _SavedItems:
        number, terms = ids.__getitem__, len(ids)
        by_phrasing = [found for item in items for found in item.terms_by_phrasing]
        return cls(
            tuple(item.entry for item in items),
            tuple("\n".join(item.phrasings) for item in items),
            _FlatSequences.of(by_phrasing, terms, number),
            array(_NUMBERS, (len(item.terms_by_phrasing) for item in items)),
            _FlatSequences.of([item.phrasing_terms for item in items], terms, number),
            _FlatSequences.of([item.body_terms for item in items], terms, number),
            tuple(item.aspect_words for item in items),
            {item.position: item.phrasings_with for item in items if item.phrasings_with},
        )

    def restore(self, terms: Sequence[str]) -> list[IndexedEntry]:
        """Return the indexed entries, each term one of ``terms`` (the index's own strings)."""
        by_phrasing = self.by_phrasing.lists(terms)
        phrasing_terms = self.phrasing_terms.lists(terms)
        body_terms = self.body_terms.lists(terms)
        items, start = [], 0
        for position, entry in enumerate(self.entries):
            end = start + self.phrasing_counts[position]
            phrasings = self.phrasings[position]
            items.append(
                IndexedEntry(
                    entry,
                    tuple(phrasings.split("\n")) if phrasings else (),
                    tuple(by_phrasing[start:end]),
                    phrasing_terms[position],
                    body_terms[position],
                    self.aspect_words[position],
                    position,
                    self.phrasings_with.get(position),
                )
            )
            start = end
        return items


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A question word and the vocabulary terms it may mean, closest first (none: unknown)."""

    word: str
    terms: tuple[tuple[str, float], ...]  # (term, similarity 0-1)
    emphasis: float = 1.0  # more for the words of what a long question finally asks
    unusual: bool = False  # as typed, no ordinary English word: a typo, a name or chat

    @property
    def known(self) -> bool:
        """True when the word maps onto at least one vocabulary term."""
        return bool(self.terms)


class EntryIndex:
    """Inverted index from topic words to entries, with IDF weights and typo-tolerant lookup."""

    def __init__(
        self,
        entries: Iterable[Entry],
        analyzer: Analyzer,
        config: MatchConfig | None = None,
        normalized: Mapping[str, str] | None = None,
    ) -> None:
        """Index ``entries``; ``normalized`` holds texts of theirs already normalised."""
        self.analyzer = analyzer
        self.config = config = config or MatchConfig()
        self.items: list[IndexedEntry] = []
        self.entries_using: dict[str, int] = {}  # term -> how many entries use it
        self.strong: dict[str, tuple[int, ...]] = {}  # term -> entries using it in a phrasing
        self.weak: dict[str, tuple[int, ...]] = {}  # term -> entries using it only in the body
        self._places: frozenset[str] = frozenset()  # names the knowledge base settles as places
        self._answers: dict[int, Answers] = {}  # entry position -> what it answers, once asked
        with collector_paused():
            self._build_lookup(self._build(list(entries), normalized or {}))
            if len(self.items) <= EAGER_KINDS_ENTRIES:
                for item in self.items:  # a small knowledge base reads them all now (see answers)
                    self.answers(item)
        # A plain dict, not functools.lru_cache over a bound method: that would make the index a
        # reference cycle, left for the cyclic collector instead of freed when a reload drops it.
        self._lookups: dict[tuple[str, bool], TermMatch] = {}
        is_common_english("")  # read the word list with the index, not on a question

    # What a built index is not saved with (see saved): how it reads questions, the config's
    # weights and what it remembers of recent questions.
    NOT_SAVED = frozenset({"analyzer", "config", "unknown_idf", "_lookups"})

    def saved(self) -> dict[str, object]:
        """Return the built index as plain data (entries, postings, weights, spellings).

        Terms and entry positions are kept as a few long arrays of numbers: a pickle writes an
        int anew each time it meets it and remembers every object it wrote until it is done
        (tens of bytes each), where the built index shares one string per term and one int per
        entry. ``restore`` shares them again.
        """
        saved = {name: value for name, value in vars(self).items() if name not in self.NOT_SAVED}
        ids = {term: number for number, term in enumerate(self.entries_using)}
        saved["items"] = _SavedItems.of(self.items, ids)
        for name in ("strong", "weak"):
            postings: dict[str, tuple[int, ...]] = getattr(self, name)
            saved[name] = (
                tuple(postings),
                _FlatSequences.of(list(postings.values()), len(self.items)),
            )
        return saved

    @classmethod
    def restore(
        cls, saved: Mapping[str, object], analyzer: Analyzer, config: MatchConfig | None = None
    ) -> EntryIndex:
        """Return the index ``saved`` describes, reading questions with ``analyzer``.

        ``analyzer`` must be one made for the same knowledge (Analyzer.for_knowledge); the
        result answers exactly as the index that was saved.
        """
        index = cls.__new__(cls)
        vars(index).update(saved)
        index.analyzer = analyzer
        index.config = config = config or MatchConfig()
        items: _SavedItems = saved["items"]  # type: ignore[assignment]
        index.items = items.restore(tuple(index.entries_using))
        positions = tuple(item.position for item in index.items)  # one int per entry, shared
        for name in ("strong", "weak"):
            terms, flat = getattr(index, name)
            lists = flat.lists(positions)
            setattr(index, name, dict(zip(terms, lists, strict=True)))
        index.unknown_idf = config.unknown_word_weight * math.log(1 + max(len(index.items), 1))
        index._lookups = {}
        is_common_english("")
        return index

    def _build_lookup(self, words: dict[str, str]) -> None:
        """Weigh the terms and file every spelling a typo may be aimed at.

        ``words`` are the words of the entries' phrasings and answers, with their terms.
        """
        analyzer, config = self.analyzer, self.config
        count = max(len(self.items), 1)
        # Smoothed IDF. A word nobody wrote down weighs a fixed share of the rarest word's weight:
        # it may be the real subject ("net worth") or just chat ("buddies").
        self.idf = {t: math.log(1 + count / df) for t, df in self.entries_using.items()}
        self.unknown_idf = config.unknown_word_weight * math.log(1 + count)
        # Typo candidates are looked up by (first letter, length) and (last letter, length):
        # one slip leaves at least one end intact, and this keeps lookups far below a full scan.
        # Spellings a typo may be aimed at: every term, and every synonym (which stands for its
        # article word), so "publishd" still finds "published" -> "publication".
        self._spellings = {term: term for term in self.entries_using}
        # Whole words too: "cuasing" is near "causing", not near its stem "caus".
        for word, term in words.items():
            self._spellings.setdefault(word, term)
        for variant, word in analyzer.synonyms.items():
            if word in self.entries_using:
                self._spellings.setdefault(variant, word)
        self._by_ends: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
        for spelling in self._spellings:
            self._by_ends[spelling[0], len(spelling)].append(spelling)
            self._by_ends[spelling[-1] + "$", len(spelling)].append(spelling)
        self._by_prefix: defaultdict[str, list[str]] = defaultdict(list)
        for term in self.entries_using:
            if len(term) >= SHARED_STEM_LENGTH:
                self._by_prefix[term[:SHARED_STEM_LENGTH]].append(term)

    def _build(self, entries: list[Entry], known: Mapping[str, str]) -> dict[str, str]:
        """Read every entry once: its phrasings, terms and postings.

        ``known`` maps texts to their normalised form where the loader worked it out.
        Returns each word of the phrasings and answers with its term, in the order first met.
        """
        analyzer = self.analyzer
        # Each text of a large index is read once: remembering it would only cost.
        fresh = analyzer.prepare if len(entries) <= REMEMBERED_ENTRIES else analyzer.prepare_once

        def prepare(text: str) -> str:
            normalized = known.get(text)
            return fresh(text) if normalized is None else analyzer.prepare_normalized(normalized)

        aspect_sets: dict[frozenset[str], frozenset[str]] = {}  # one copy of each, shared
        # Postings: for each term, the entries using it in a phrasing (strong) or only in the
        # answer and quotes (weak), in entry order.
        strong: defaultdict[str, list[int]] = defaultdict(list)
        weak: defaultdict[str, list[int]] = defaultdict(list)
        words: dict[str, str] = {}
        # An entry's answer and each of its quotes are read on their own, as a reply shows them,
        # and as statements (Analyzer.prepare_statement); a quote many entries cite, once.
        normalized = normalize if len(entries) <= REMEMBERED_ENTRIES else normalize_once
        statement = analyzer.prepare_statement
        quotes: dict[str, tuple[frozenset[str], frozenset[str]]] = {}  # -> terms, aspects

        def read_quote(text: str) -> tuple[frozenset[str], frozenset[str]]:
            found = quotes.get(text)
            if found is None:
                prepared = statement(normalized(text))
                found = quotes[text] = (
                    frozenset(self.terms(prepared)),
                    analyzer.aspects_in((prepared,)),
                )
            return found

        def read(prepared: str) -> list[str]:
            """Return the terms of a phrasing or answer, noting its words."""
            found = analyzer.words(prepared)
            words.update(found)  # a word's term never changes: first place, same value
            return [term for _, term in found]

        # Places are settled by what answers and quotes say, each text read once.
        self._places = analyzer.kinds.known_places(
            dict.fromkeys(
                text
                for entry in entries
                for text in (entry.answer, *(quote.text for quote in entry.quotes))
            )
        )
        for position, entry in enumerate(entries):
            phrasings = tuple(
                dict.fromkeys(p for p in map(prepare, (*entry.phrasings, *entry.keywords)) if p)
            )
            terms_by_phrasing = tuple(tuple(dict.fromkeys(read(p))) for p in phrasings)
            answer = statement(normalized(entry.answer))
            quoted = [read_quote(quote.text) for quote in entry.quotes]
            in_phrasings = frozenset().union(*terms_by_phrasing)
            in_body = frozenset(read(answer)).union(*(terms for terms, _ in quoted))
            in_body -= in_phrasings
            aspects = analyzer.aspects_in((answer, *phrasings))
            aspects = aspects.union(*(found for _, found in quoted))
            self.items.append(
                IndexedEntry(
                    entry,
                    phrasings,
                    terms_by_phrasing,
                    tuple(sorted(in_phrasings)),
                    tuple(sorted(in_body)),
                    aspect_sets.setdefault(aspects, aspects) if aspects else _NO_WORDS,
                    position,
                    _phrasings_with(terms_by_phrasing),
                )
            )
            for term in in_phrasings:
                strong[term].append(position)
            for term in in_body:
                weak[term].append(position)
        # Entries were taken in order, so each posting list is sorted already.
        self.strong = {term: tuple(found) for term, found in strong.items()}
        self.weak = {term: tuple(found) for term, found in weak.items()}
        # How many entries use each term, terms in the order first met (by entry, then by name):
        # not set order, which each process seeds anew, as typo lookups list spellings by it.
        first = {term: found[0] for term, found in self.weak.items()}
        # A term may be in one entry's phrasings and only in another's body.
        for term, found in self.strong.items():
            first[term] = min(found[0], first.get(term, found[0]))
        for term in sorted(first, key=lambda term: (first[term], term)):
            self.entries_using[term] = len(self.strong.get(term, ())) + len(self.weak.get(term, ()))
        return words

    def answers(self, item: IndexedEntry) -> Answers:
        """Return what an entry answers (kinds.py), worked out the first time it is asked.

        Reading an answer's kinds is the costliest part of indexing an entry, and only entries a
        question shortlists ever need it: a large knowledge base builds several times faster.
        A small one reads them all at build (EAGER_KINDS_ENTRIES).
        """
        answers = self._answers.get(item.position)
        if answers is None:
            entry = item.entry
            answers = self._answers[item.position] = self.analyzer.kinds.of_entry(
                entry.phrasings, _body(entry), entry.answers, self._places
            )
        return answers

    def terms(self, prepared: str) -> list[str]:
        """Return the terms of prepared text (see Analyzer.terms)."""
        return self.analyzer.terms(prepared)

    def lookup_word(self, typed: str, term: str) -> TermMatch:
        """Map a word onto the vocabulary by its term, or else by its spelling as typed."""
        # An ordinary English word the knowledge base lacks ("married") is not a typo of one it
        # has ("arrived"): only unusual spellings are corrected.
        correct_typos = not is_common_english(typed)
        match = self.lookup(term, correct_typos)
        if match.known:
            return match
        if typed != term:
            by_spelling = self.lookup(typed, correct_typos)
            if by_spelling.known:
                return TermMatch(term, by_spelling.terms)
        return replace(match, unusual=correct_typos) if correct_typos else match

    def lookup(self, word: str, correct_typos: bool = True) -> TermMatch:
        """Map one question word onto the vocabulary (see _lookup), remembering recent words."""
        key = (word, correct_typos)
        match = self._lookups.get(key)
        if match is None:
            if len(self._lookups) >= LOOKUP_CACHE_SIZE:
                self._lookups.clear()  # questions' words are few; forgetting all at once is fine
            match = self._lookups[key] = self._lookup(word, correct_typos)
        return match

    def _lookup(self, word: str, correct_typos: bool = True) -> TermMatch:
        """Map one question word onto the vocabulary: itself, likely typos, and close forms.

        A known word keeps its typo neighbours too: moderators list misspellings as alternates
        ("gatilof"), and a question using one must still count for the correctly spelt phrasing.
        """
        found: dict[str, float] = {}
        if word in self.entries_using:
            found[word] = 1.0
        if correct_typos and len(word) >= MIN_TYPO_LENGTH and word.isalpha():
            for spelling, distance in self._typos(word):
                if spelling == word:
                    continue
                term = self._spellings[spelling]
                similarity = 1 - distance / max(len(word), len(spelling))
                found[term] = max(found.get(term, 0.0), similarity)
        if len(word) >= SHARED_STEM_LENGTH and word.isalpha():
            # "strategy" and "strategic": the same stem, a different ending.
            for term in self._by_prefix.get(word[:SHARED_STEM_LENGTH], ()):
                found.setdefault(term, SHARED_STEM_SIMILARITY)
        ranked = sorted(found.items(), key=lambda pair: pair[1], reverse=True)
        return TermMatch(word, tuple(ranked))

    def _typos(self, word: str) -> list[tuple[str, int]]:
        """Return the spellings ``word`` may be a typo of, with their distance, closest first.

        Up to MAX_TYPO_TERMS + 1 (``word`` itself may be one), within ``slips``
        Damerau-Levenshtein slips; spellings as near as each other keep _nearby's order.
        """
        slips = 1 if len(word) <= MAX_ONE_SLIP_LENGTH else 2
        nearby = self._nearby(word, slips)
        if len(nearby) > FEW_NEARBY:
            # Damerau-Levenshtein is slow to compute, Indel (insertions and deletions only) fast
            # and a bound: each slip takes at most one letter out of the word and puts at most
            # one in, the rest staying in order, so a spelling ``slips`` slips away is at most
            # twice that many Indel edits away. Narrowing by it drops no match and keeps their
            # order; it leaves a fifth of what Levenshtein (a substitution is one edit) would.
            close = process.extract(
                word,
                nearby,
                scorer=Indel.distance,
                processor=None,
                score_cutoff=2 * slips,
                limit=None,
            )
            nearby = [nearby[index] for index in sorted(index for _, _, index in close)]
        found = process.extract(
            word,
            nearby,
            scorer=DamerauLevenshtein.distance,
            processor=None,
            score_cutoff=slips,
            limit=MAX_TYPO_TERMS + 1,
        )
        return [(spelling, distance) for spelling, distance, _ in found]

    def _nearby(self, word: str, slips: int) -> list[str]:
        """Return the spellings a typo of ``word`` may be aimed at, shortest first.

        A word already known only looks for close variants (one letter longer or shorter, same
        start); an unknown one also tries words it might begin differently from (same end, listed
        after those of each length with the same start), up to two letters longer or shorter as
        far as ``slips`` reach: a spelling more letters longer or shorter is more slips away. A
        spelling with both ends of ``word`` is listed twice.
        """
        known = word in self.entries_using
        spread = 1 if known else min(2, slips)
        nearby: list[str] = []
        for length in range(len(word) - spread, len(word) + spread + 1):
            nearby += self._by_ends.get((word[0], length), ())
            if not known:
                nearby += self._by_ends.get((word[-1] + "$", length), ())
        return nearby

    def weight(self, match: TermMatch) -> float:
        """How much a question word matters: rarer words more; words nobody wrote down most."""
        if not match.terms:  # "deadass", "hurtin", "shindig" are unusual; "pizza" is not
            factor = self.config.unknown_chat_factor if match.unusual else 1.0
            return self.unknown_idf * match.emphasis * factor
        return self.idf[match.terms[0][0]] * match.emphasis

    def shortlist(self, matches: Sequence[TermMatch], limit: int) -> list[tuple[int, float]]:
        """Return up to ``limit`` (entry position, coverage 0-1) pairs, best coverage first.

        Coverage is the IDF-weighted share of the question's topic words that the entry knows.
        """
        total = sum(self.weight(m) for m in matches)
        if total == 0:
            return []
        scores: dict[int, float] = {}
        known = sorted(
            (m for m in matches if m.known), key=lambda m: self.entries_using[m.terms[0][0]]
        )
        body_weight = self.config.body_word_weight
        for match in known:
            weight = self.weight(match)
            best: dict[int, float] = {}
            for rank, (term, similarity) in enumerate(match.terms):
                share = weight * similarity
                strong, weak = self.strong.get(term, ()), self.weak.get(term, ())
                # Rare words (taken first) choose the candidates. Once enough are found, for a
                # very common word, or for a word's less likely readings (typo neighbours),
                # postings only add to entries already found: opening them all would scan
                # much of a large index.
                found: Collection[int]
                for found, value in ((strong, share), (weak, share * body_weight)):
                    if scores and (
                        rank > 0
                        or len(scores) >= MAX_CANDIDATES_OPENED
                        or self.entries_using[term] > MAX_POSTINGS_OPENED
                    ):
                        found = scores.keys() & found  # a set operation, in C
                    # Each entry keeps its best share of the word, closest reading first; an
                    # entry new to the word joins in the order its postings list it.
                    shares = dict.fromkeys(found, value)
                    for position in shares.keys() & best.keys():
                        if value > best[position]:
                            best[position] = value
                        del shares[position]
                    best.update(shares)
            # Add the word's shares: where an entry has both, the sum (a + b is b + a, exactly);
            # entries new to ``scores`` join it in the order this word found them.
            for position in best.keys() & scores.keys():
                best[position] += scores[position]
            scores.update(best)
        # Entries tied with the last one kept are kept too (up to MAX_TIED_KEPT times the limit):
        # a question whose only topic word is "trip" ties every entry using it, and cutting
        # the tie by file order would leave the best-phrased of them out of the re-rank.
        kept = limit * MAX_TIED_KEPT
        if len(scores) <= SORTED_CANDIDATES:  # a C sort beats nlargest's Python loop (same order)
            ranked = sorted(scores.items(), key=itemgetter(1), reverse=True)[:kept]
        else:
            ranked = heapq.nlargest(kept, scores.items(), key=itemgetter(1))
        if len(ranked) > limit:
            last = ranked[limit - 1][1]
            ranked = [pair for i, pair in enumerate(ranked) if i < limit or pair[1] >= last]
        return [(position, score / total) for position, score in ranked]
