"""Match a question to an entry: answer when one is clearly best, else suggest or abstain."""

from __future__ import annotations

import heapq
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from bot.knowledge.model import Entry
from bot.search.index import EntryIndex, IndexedEntry, TermMatch
from bot.search.normalize import asks_for_help, normalize
from bot.search.results import AskResult, Candidate, Outcome
from bot.search.vocabulary import (
    ASPECT_WORDS,
    DOCUMENT_WORDS,
    SAYING_WORDS,
    STOPWORDS,
    is_mistyped_filler,
    is_personal,
    stem,
)

log = logging.getLogger(__name__)


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


# Chosen with tests/eval/tune.py on the dev sets (dev.yaml to dev10.yaml; never the held-out
# questions.yaml) and pinned by tests/search/test_matcher.py: the setting with most correct answers
# less three for each mistake (a wrong answer, or an answered off-topic question), among those
# that keep every regression question in knowledge/tests.yaml passing.
DEFAULT = Thresholds(
    answer=56.0,  # below this, never answer
    margin=4.0,  # the best entry must lead the first runner-up that cites other paragraphs
    coverage=0.8,  # share (IDF-weighted) of the question's topic words the entry must know
    known=0.8,  # share of the question's topic words the knowledge base knows at all
    long_coverage=0.2,  # coverage and known share for long questions (LONG_QUESTION_TERMS+
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
# A question with this many topic words is long-winded: it restates context ("the author says
# China and Russia...") that other entries also know, so each entry covers less of it.
LONG_QUESTION_TERMS = 7
# A long question tells a story, then asks: "...he met Xi and the premier, but I forgot the length
# of the trip. How long was the visit?" The words of its last sentence (or last clause, when it is
# one sentence) weigh at least FOCUS_EMPHASIS times the others, and together at least FOCUS_SHARE
# of the question, so the story does not choose the entry. Chosen on the dev sets.
FOCUS_EMPHASIS = 2.0
FOCUS_SHARE = 0.6
# How far behind the best entry one that uses the question's ASPECT_WORDS may be and still be put
# first, when the best one does not use them.
ASPECT_RERANK_RANGE = 10.0

# Phrasings of one entry compared with a question, those sharing most topic words first.
MAX_PHRASINGS_COMPARED = 10
# Entries re-ranked (more when tied, see EntryIndex.shortlist). Re-ranking 6 answered one dev
# question fewer correctly and took a third longer; as many on the dev sets as they were unseen.
SHORTLIST_SIZE = 4
MAX_CANDIDATES = 5
# Weights of the final score: how much of the question the entry covers, how closely the question
# reads like the entry's closest phrasing, and how much of some phrasing the question covers.
W_COVERAGE, W_PHRASE, W_PHRASING_COVERED = 0.45, 0.35, 0.2
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True, slots=True)
class Scored:
    candidate: Candidate
    coverage: float
    item: IndexedEntry


class Matcher:
    """Scores questions against entry phrasings: a token shortlist, then a fuzzy re-rank."""

    def __init__(
        self,
        entries: Iterable[Entry],
        thresholds: Thresholds = DEFAULT,
        synonyms: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.index = EntryIndex(entries, synonyms)
        self.thresholds = thresholds

    def ask(
        self, question: str, *, strict: bool = False, thresholds: Thresholds | None = None
    ) -> AskResult:
        """Resolve a question to an answer, suggestions, or no match.

        ``thresholds`` overrides this matcher's own (and STRICT's, with ``strict``).
        """
        thresholds = thresholds or (STRICT if strict else self.thresholds)
        typed = question[: MAX_QUESTION_CHARS * 2]
        normalized = normalize(typed)[:MAX_QUESTION_CHARS]
        if not normalized:
            return AskResult(question, normalized, Outcome.NO_MATCH, reason="empty question")
        if asks_for_help(normalized):  # nothing to look up: like an empty one, gets the usage hint
            return AskResult(question, "", Outcome.NO_MATCH, reason="asks for help")
        last_typed, last = last_sentence(typed)
        if last and self._stands_alone(last_typed, last, normalized):
            alone = self.ask(last_typed, thresholds=thresholds)
            if alone.entry is not None:
                return replace(alone, question=question)
        matches, known = self.analyse(normalized, typed)
        if not any(match.known for match in matches):  # also when every word was filler
            return AskResult(question, normalized, Outcome.NO_MATCH, reason="no known words")
        scored = self.rank(normalized, matches)
        if not scored:
            return AskResult(question, normalized, Outcome.NO_MATCH, reason="no candidates")
        # "my dad says they fell out. why did they split?" asks its last sentence: the story
        # before it is no "what did he say", nor chat about the asker.
        asked = last or normalized
        unmet = self.unmet_aspects(asked, scored[0].item)
        rivals = len(scored)
        if unmet and len(matches) < LONG_QUESTION_TERMS:
            scored, rivals = self.prefer_entries_with_aspects(asked, scored)
            unmet = self.unmet_aspects(asked, scored[0].item)
        lone_word = len(matches) == 1 and not _has_keyword(scored[0].item, matches[0])
        evidence = Evidence.of(
            scored, known, len(matches), unmet, is_personal(asked), lone_word, rivals=rivals
        )
        return decide(question, normalized, scored, evidence, thresholds)

    def _stands_alone(self, typed: str, sentence: str, question: str) -> bool:
        """True when a short question's last sentence can be answered without the story before it.

        ``typed`` is that sentence as typed, ``sentence`` normalised, ``question`` the whole one
        normalised. "my teacher mentioned thaad in class. what is thaad?" asks "what is thaad?";
        but "brics bank?? whats that about" points back with "that" (which normalising may have
        rewritten away), and a long question has its own rules (see focus_words).
        """
        return (
            len(self.index.words(question)) < LONG_QUESTION_TERMS
            and bool(self.index.words(sentence))
            and _REFERS_BACK.isdisjoint(re.findall(r"\w+", typed.casefold()))
        )

    def unmet_aspects(self, normalized: str, item: IndexedEntry) -> tuple[str, ...]:
        """Return the ASPECT_WORDS of a question that the entry does not use ("old", "say")."""
        words = dict.fromkeys(normalized.split())
        asked = [word for word in words if word in ASPECT_WORDS]
        if not DOCUMENT_WORDS.isdisjoint(words):  # "what does the article say": not a person
            asked = [word for word in asked if word not in SAYING_WORDS]
        if not asked:
            return ()
        written = item.aspect_words
        if not SAYING_WORDS.isdisjoint(written):  # "who said" answers "what did he say"
            written = written | SAYING_WORDS
        return tuple(word for word in asked if word not in written and not self._knows(item, word))

    def _knows(self, item: IndexedEntry, word: str) -> bool:
        """True when an entry's phrasings or body use the word in any form ("marry": "married")."""
        term = self.index.synonyms.get(stem(word), stem(word))
        return term in item.phrasing_terms or term in item.body_terms

    def prefer_entries_with_aspects(
        self, normalized: str, scored: list[Scored]
    ) -> tuple[list[Scored], int]:
        """Put first the entries that use the aspect words the best one lacks, if close behind.

        "gatilov said what" ranks Gatilov's biography first, but the entry with what he said is
        a few points behind. Returns the new order and how many leading entries can answer: the
        others stay on as suggestions, but are no rivals.
        """
        top = scored[0].candidate.score
        having = [
            s
            for s in scored[1:]
            if top - s.candidate.score <= ASPECT_RERANK_RANGE
            and not self.unmet_aspects(normalized, s.item)
        ]
        if not having:
            return scored, len(scored)
        return having + [s for s in scored if s not in having], len(having)

    def analyse(self, normalized: str, question: str = "") -> tuple[list[TermMatch], float]:
        """Map a question's topic words onto the index; return them and the known share (0-1).

        In a long question, the words of what it finally asks (see focus_words; ``question`` is
        the text as typed) outweigh the story before them (see FOCUS_SHARE).
        """
        pairs = list(dict.fromkeys(self.index.words(normalized)))
        found: list[tuple[str, TermMatch]] = []
        for typed, term in pairs:
            match = self.index.lookup_word(typed, term)
            # Unknown bits of chat ("wy", "u") and misspelt filler ("actully", "happend") say
            # nothing, even when the misspelling is also near some topic word ("geting" is one
            # slip from "meeting"); a word the knowledge base spells exactly like that stays.
            exact = any(similarity == 1.0 for _, similarity in match.terms)
            if exact or not ((len(typed) <= 2 and not match.known) or is_mistyped_filler(typed)):
                found.append((typed, match))
        if len(pairs) >= LONG_QUESTION_TERMS:
            matches = self._emphasise(found, focus_words(question))
        else:
            matches = [match for _, match in found]
        weights = [self.index.weight(match) for match in matches]
        total = sum(weights)
        known = (
            sum(w for w, m in zip(weights, matches, strict=True) if m.known) / total
            if total
            else 0.0
        )
        return matches, known

    def _emphasise(
        self, matches: list[tuple[str, TermMatch]], focus: frozenset[str]
    ) -> list[TermMatch]:
        """Weigh a long question's focus words so they make at least FOCUS_SHARE of it."""
        focus_weight = sum(self.index.weight(m) for typed, m in matches if typed in focus)
        story_weight = sum(self.index.weight(m) for typed, m in matches if typed not in focus)
        if not focus_weight:
            return [match for _, match in matches]
        emphasis = max(
            FOCUS_EMPHASIS, FOCUS_SHARE / (1 - FOCUS_SHARE) * story_weight / focus_weight
        )
        return [
            replace(match, emphasis=emphasis) if typed in focus else match
            for typed, match in matches
        ]

    def rank(self, normalized: str, matches: list[TermMatch]) -> list[Scored]:
        """Re-rank the shortlist with rapidfuzz, best first."""
        asked = {term for match in matches for term, _ in match.terms}
        ranked = []
        for position, coverage in self.index.shortlist(matches, SHORTLIST_SIZE):
            item = self.index.items[position]
            hits = item.phrasing_hits(asked)
            phrase_score, which = _closest_phrasing(normalized, item, hits)
            covered = max(
                (count / len(item.terms_by_phrasing[w]) for w, count in hits.items()), default=0.0
            )
            score = 100 * (
                W_COVERAGE * coverage + W_PHRASE * phrase_score / 100 + W_PHRASING_COVERED * covered
            )
            candidate = Candidate(item.entry, round(score, 1), item.phrasings[which])
            ranked.append(Scored(candidate, coverage, item))
        ranked.sort(key=lambda scored: scored.candidate.score, reverse=True)
        return ranked


def _closest_phrasing(
    normalized: str, item: IndexedEntry, hits: dict[int, int]
) -> tuple[float, int]:
    """Return the best phrase_similarity over the entry's phrasings, and which phrasing it was.

    ``hits`` counts the question's topic words in each phrasing. Only the phrasings sharing most
    of them are compared (up to MAX_PHRASINGS_COMPARED; all phrasings when none shares a word):
    the others cannot read as much like the question, and skipping them keeps the re-rank fast as
    alternates grow.
    """
    if 0 < len(hits) <= MAX_PHRASINGS_COMPARED:
        positions = sorted(hits)  # ``hits`` follows set order, which each process salts anew
    elif hits:
        # Most shared words first; among equals, those made most of the question's words, then
        # the earliest.
        positions = heapq.nlargest(
            MAX_PHRASINGS_COMPARED,
            hits,
            key=lambda which: (
                hits[which],
                hits[which] / len(item.terms_by_phrasing[which]),
                -which,
            ),
        )
    else:
        positions = list(range(len(item.phrasings)))
    best, which = 0.0, positions[0] if positions else 0
    for position in positions:
        similarity = phrase_similarity(normalized, item.phrasings[position], better_than=best)
        if similarity > best or (similarity == best and position < which):
            best, which = similarity, position
            if best >= 100:
                break
    return best, which


def phrase_similarity(question: str, phrasing: str, *, better_than: float = 0.0) -> float:
    """How alike two normalised texts read, 0-100: rapidfuzz's WRatio, less one of its parts.

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
    if longer < 1.5 * shorter:
        return fuzz.WRatio(question, phrasing, processor=None, score_cutoff=better_than)
    scale = 0.9 if longer <= 8 * shorter else 0.6  # as WRatio scales partial matches
    if better_than >= 100 * scale:
        return 0.0
    best = max(
        fuzz.ratio(question, phrasing, score_cutoff=better_than),
        fuzz.partial_ratio(question, phrasing, score_cutoff=better_than / scale) * scale,
    )
    floor = max(best, better_than) / (scale * 0.95)
    if floor >= 100:
        return best
    in_any_order = fuzz.partial_token_sort_ratio(question, phrasing, score_cutoff=floor)
    return max(best, in_any_order * scale * 0.95)


def last_sentence(question: str) -> tuple[str, str]:
    """Return a question's last sentence with topic words, as typed and normalised.

    ("", "") for a question of one such sentence.
    """
    sentences = _topical(_SENTENCE_END.split(question))
    return sentences[-1] if len(sentences) >= 2 else ("", "")


def focus_words(question: str) -> frozenset[str]:
    """Return the words of what a question finally asks: its last sentence or clause.

    A last piece of only filler ("can someone tell me") gives way to the one before it.
    """
    pieces = _SENTENCE_END.split(question)
    if len([piece for piece in pieces if normalize(piece)]) < 2:
        pieces = question.split(",")
    topical = _topical(pieces)
    return frozenset(topical[-1][1].split()) if len(topical) >= 2 else frozenset()


def _topical(pieces: list[str]) -> list[tuple[str, str]]:
    """Return the pieces that have a topic word, each as typed and normalised."""
    normalised = [(piece, normalize(piece)) for piece in pieces]
    return [pair for pair in normalised if any(w not in STOPWORDS for w in pair[1].split())]


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
# Words by which a last sentence points back at the story before it ("...? whats that about").
_REFERS_BACK = frozenset("it its that this these those he she him her his hers".split())


def _has_keyword(item: IndexedEntry, match: TermMatch) -> bool:
    """True when some phrasing of the entry is the question's one topic word and nothing else.

    "its cold", "is this real", "never mind": a lone everyday word that only turns up inside a
    longer alternate ("were ties cold before putin") says nothing about what was asked; "thaad"
    or "border" is a keyword moderators gave their entry.
    """
    asked = {term for term, _ in match.terms}
    return any(terms and terms <= asked for terms in item.terms_by_phrasing)


def _same_passage(first: Entry, second: Entry) -> bool:
    """True when two entries cite a paragraph in common: answering either is answering right."""
    cited = {(quote.source_id, quote.paragraph) for quote in first.quotes}
    return any((quote.source_id, quote.paragraph) in cited for quote in second.quotes)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the decision rests on: the best score, its lead over a rival, and word coverage."""

    score: float
    lead: float
    coverage: float
    known: float
    long_question: bool
    unmet_aspects: tuple[str, ...] = ()  # ASPECT_WORDS asked that the best entry does not know
    personal: bool = False  # talks to the bot or about the asker ("what's your name")
    lone_word: bool = False  # one topic word, which no phrasing of the entry has on its own

    @classmethod
    def of(
        cls,
        scored: list[Scored],
        known: float,
        term_count: int,
        unmet_aspects: tuple[str, ...] = (),
        personal: bool = False,
        lone_word: bool = False,
        rivals: int | None = None,
    ) -> Evidence:
        """Gather the evidence from ranked candidates (best first).

        Only the first ``rivals`` candidates (all by default) can be rivals of the best one.
        """
        top = scored[0].candidate
        # Entries citing the same passage as the best one are not rivals: their answers agree.
        rival = next(
            (
                s.candidate.score
                for s in scored[1:rivals]
                if not _same_passage(top.entry, s.candidate.entry)
            ),
            0.0,
        )
        return cls(
            top.score,
            top.score - rival,
            scored[0].coverage,
            known,
            term_count >= LONG_QUESTION_TERMS,
            unmet_aspects,
            personal,
            lone_word,
        )

    def shortfalls(self, thresholds: Thresholds) -> list[str]:
        """Name each answer threshold the evidence misses ("score 50 < 56"); [] if it answers."""
        min_coverage = thresholds.long_coverage if self.long_question else thresholds.coverage
        min_known = thresholds.long_known if self.long_question else thresholds.known
        missed = _missed(
            ("score", self.score, thresholds.answer),
            ("lead over the best rival", self.lead, thresholds.margin),
            ("coverage", self.coverage, min_coverage),
            ("known share", self.known, min_known),
        )
        # A long question tells its own story ("my older brother says..."): only short ones are
        # held to the words they ask about, and read as chat when they are about "you" or "me".
        if not self.long_question:
            if self.unmet_aspects:
                missed.append(f"asks about {', '.join(self.unmet_aspects)}, which the entry lacks")
            if self.personal:
                missed.append("talks to the bot or about the asker")
            if self.lone_word:
                missed.append("its one topic word is no keyword of the entry")
        return missed

    def answers(self, thresholds: Thresholds) -> bool:
        """True when the best entry is good enough, far enough ahead, and covers the question."""
        return not self.shortfalls(thresholds)

    def suggest_shortfalls(self, thresholds: Thresholds) -> list[str]:
        """Name each suggestion threshold the evidence misses; [] if it may suggest."""
        return _missed(
            ("score", self.score, thresholds.suggest),
            ("coverage", self.coverage, thresholds.suggest_coverage),
        )

    def suggests(self, thresholds: Thresholds) -> bool:
        """True when the best entries are close enough to offer as "did you mean"."""
        return not self.suggest_shortfalls(thresholds)

    def __str__(self) -> str:
        return (
            f"score {self.score}, lead {self.lead:.1f}, coverage {self.coverage:.2f}, "
            f"known {self.known:.2f}{', long question' if self.long_question else ''}"
        )


def decide(
    question: str,
    normalized: str,
    scored: list[Scored],
    evidence: Evidence,
    thresholds: Thresholds,
) -> AskResult:
    """Answer, suggest or abstain, from the ranked candidates and what they show."""
    candidates = tuple(s.candidate for s in scored[:MAX_CANDIDATES])
    if evidence.answers(thresholds):
        outcome = Outcome.ANSWER
    elif evidence.suggests(thresholds):
        outcome = Outcome.SUGGESTIONS
    else:
        outcome = Outcome.NO_MATCH
    return AskResult(question, normalized, outcome, candidates, str(evidence), evidence)


def _missed(*checks: tuple[str, float, float]) -> list[str]:
    """Return "name value < needed" for each (name, value, needed) that falls short."""
    return [f"{name} {value:g} < {needed:g}" for name, value, needed in checks if value < needed]
