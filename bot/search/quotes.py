"""Find the sentences of the sources that mention a term: whole words first, then typos.

In between, in this order: the other names moderators list under ``names:`` in synonyms.yaml
("USSR" for "Soviet Union"); spacing and hyphens set aside ("preemptive" finds "pre-emptive",
"li ke qiang" finds "Li Keqiang", "worldbank" finds "World Bank"); and acronyms both ways ("IMF"
finds "International Monetary Fund", "terminal high altitude area defense" finds "THAAD").
A typo may also swap two neighbouring letters ("brisc" finds "BRICS").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.knowledge.model import Source
from bot.knowledge.sources import split_sentences
from bot.search.lexicon import default_lexicon
from bot.search.results import QuoteHit
from bot.search.retrieval import MIN_TYPO_LENGTH
from bot.text.normalize import normalize
from bot.text.stem import stem

# Scores (0-100) by kind of hit, so whole-word and phrase hits always rank above typo hits.
EXACT_PHRASE_SCORE = 100.0
SAME_STEM_SCORE = 95.0  # "sanction" finds "sanctions"
ALL_WORDS_SCORE = 90.0  # every word of a multi-word term, not side by side
# A term word this close (fuzz.ratio) to a word of the article is a typo of it: "thad" -> "thaad"
# is 89, "tillersen" -> "tillerson" 89, "gatilof" -> "gatilov" 86.
TYPO_CUTOFF = 84
# Typo hits score their fuzz.ratio scaled into 0-85, below every whole-word hit.
TYPO_SCALE = 0.85
MAX_TERM_CHARS = 100
MAX_CHOICE_CHARS = 100

# Runs of capitalised words and acronyms, and figures: the names and numbers a member is likely
# to look up. Moderators' entry keywords add the multi-word terms ("Belt and Road Forum").
_NAME = re.compile(r"[A-Z][\w-]*(?:[’'][a-z]+)?(?:\s+[A-Z][\w-]*(?:[’'][a-z]+)?)*")
_POSSESSIVE = re.compile(r"[’']s\b")
_FIGURE = re.compile(r"\$?\d[\d,]*\d(?:\s?(?:km|billion|million|days))?")
# Spellings that differ only in spaces and hyphens score as whole-word hits of a term split or
# joined: up to this many adjacent words of the article are read as one.
MAX_JOINED_WORDS = 3
JOINED_SCORE = 90.0
OTHER_NAME_SCORE = 95.0  # a name the moderators list as another name of the article's
# A sentence this short that has the term is a byline or a heading ("Andrew Hammond"): it ranks
# after full sentences of the same score.
MAX_BARE_WORDS = 3
# Small words an acronym leaves out ("International Monetary Fund" is IMF, "Bank of China" BOC),
# and a name typed in full may leave out ("Brazil, Russia, India, China and South Africa").
_SMALL_WORDS = frozenset({"of", "and", "the", "for"})
# A term no sentence has every word of ("gas deal 400bn", "sanctions over ukraine"): the sentences
# with the most of its words, each word weighted by how few sentences have it, when they hold at
# least this share of the weight. A word no sentence has weighs as much as a word that only one
# sentence has, so "trains analogy" finds the trains but "pizza moscow" finds nothing. Scored
# below every hit of the whole term. Only words this long are read as typos there: "cold" is
# no typo of "could".
MIN_PARTIAL_SHARE = 0.5
PARTIAL_SCALE = 70.0
MIN_PARTIAL_TYPO_LENGTH = 5
# A long word may be further off than a short one: "shinjiang" for "xinjiang" (82).
LONG_WORD = 8
LONG_TYPO_CUTOFF = 80


def _plain_words(query: str) -> list[tuple[str, str]]:
    """Each word of a normalised term with its stem (no lexicon, no synonyms)."""
    return [(word, stem(word)) for word in query.split()]


@dataclass(frozen=True, slots=True)
class _Sentence:
    source_id: str
    paragraph: int
    start: int
    end: int
    text: str
    padded: str  # " normalised text " for whole-word containment checks
    words: frozenset[str]
    stems: frozenset[str]


class QuoteFinder:
    """Sentence index over the sources."""

    def __init__(
        self,
        sources: Iterable[Source],
        extra_terms: Iterable[str] = (),
        other_names: Mapping[str, Iterable[str]] | None = None,
        *,
        read: Callable[[str], list[tuple[str, str]]] = _plain_words,
        aliases: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """``read`` gives a term's topic words with their terms, as matching reads a question
        (shorthand read, filler dropped, synonyms applied), for the search by most words;
        ``aliases`` names words of the text a term stands for ("author" -> "hammond").
        """
        self._read = read
        self._aliases = {
            term: tuple(stem(normalize(word)) for word in words)
            for term, words in (aliases or {}).items()
        }
        self.sentences: list[_Sentence] = []
        terms: dict[str, None] = {}
        sources_list = list(sources)
        for source in sources_list:
            for paragraph in source.paragraphs:
                for start, end in split_sentences(paragraph):
                    text = source.text[start:end]
                    normalized = normalize(text)
                    words = frozenset(normalized.split())
                    self.sentences.append(
                        _Sentence(
                            source.id,
                            paragraph.number,
                            start,
                            end,
                            text,
                            f" {normalized} ",
                            words,
                            frozenset(map(stem, words)),
                        )
                    )
                terms.update(dict.fromkeys(_terms_in(paragraph.text)))
        texts = [(source.text, source.text.lower()) for source in sources_list]
        extra = dict.fromkeys(t.strip() for t in extra_terms if t.strip())
        terms.update(dict.fromkeys(_as_written(term, texts) for term in extra))
        # One choice per term whatever its case: the article's spelling wins over a keyword's.
        unique: dict[str, str] = {}
        for term in terms:
            unique.setdefault(term.casefold(), term[:MAX_CHOICE_CHARS])
        self.terms = list(unique.values())
        self._folded_terms = [t.casefold() for t in self.terms]
        self.vocabulary = sorted({w for s in self.sentences for w in s.words})
        self._words = frozenset(self.vocabulary)
        # The article's words by their letters, for typos that swap two letters ("brisc").
        self._anagrams: dict[str, list[str]] = {}
        for word in self.vocabulary:
            self._anagrams.setdefault("".join(sorted(word)), []).append(word)
        # Adjacent words run together ("pre emptive" -> "preemptive": the sentences that have
        # them), and acronyms of the article's names ("imf" -> "international monetary fund").
        self._joined: dict[str, set[int]] = {}
        self._acronyms: dict[str, str] = {}
        self._other_names = {  # "ussr" -> "soviet union"; small words aside
            _content(normalize(other)): normalize(name)
            for name, others in (other_names or {}).items()
            for other in others
        }
        self._by_stem: dict[str, set[int]] = {}  # "sanction" -> the sentences using it
        for position, sentence in enumerate(self.sentences):
            for word_stem in sentence.stems:
                self._by_stem.setdefault(word_stem, set()).add(position)
            tokens = sentence.padded.split()
            for size in range(2, MAX_JOINED_WORDS + 1):
                for at in range(len(tokens) - size + 1):
                    self._joined.setdefault("".join(tokens[at : at + size]), set()).add(position)
        for name in self.terms:
            name_words = normalize(name).split()
            if len(name_words) >= 2:
                self._acronyms.setdefault(_acronym(name_words), normalize(name))

    def find(self, term: str, limit: int = 3) -> list[QuoteHit]:
        """Return up to ``limit`` sentences mentioning ``term``, best first; [] if none do."""
        query = normalize(term[: MAX_TERM_CHARS * 2])[:MAX_TERM_CHARS].strip()
        if not query or limit <= 0:
            return []
        words = query.split()
        hits: dict[int, float] = {}
        for position, sentence in enumerate(self.sentences):
            score = _literal_score(sentence, query, words)
            if score:
                hits[position] = score
        if not hits and _content(query) in self._other_names:
            hits = self._literal(self._other_names[_content(query)], OTHER_NAME_SCORE)
        if not hits:
            hits = self._respelled_hits(query, words)
        if not hits:
            hits = self._typo_hits(words)
        partial = not hits
        if partial:
            hits = self._partial_hits(query)
        ranked = sorted(hits.items(), key=lambda pair: (-pair[1], self._bare(pair[0]), pair[0]))
        return [
            self._hit(self.sentences[position], score, partial)
            for position, score in ranked[:limit]
        ]

    def _bare(self, position: int) -> bool:
        return len(self.sentences[position].words) <= MAX_BARE_WORDS

    def _respelled_hits(self, query: str, words: list[str]) -> dict[int, float]:
        """Sentences with the term spaced or hyphenated otherwise, or as its acronym or in full."""
        together = "".join(words)
        joined = self._joined.get(together)
        if joined:  # "preemptive" -> "pre emptive", "li ke qiang" -> "li keqiang"
            return dict.fromkeys(joined, JOINED_SCORE)
        if len(words) >= 2 and together in self._words:  # "gorba chev" -> "gorbachev"
            return self._literal(together, JOINED_SCORE)
        if len(words) == 1 and query in self._acronyms:  # "imf" -> "international monetary fund"
            return self._literal(self._acronyms[query], JOINED_SCORE)
        acronym = _acronym(words) if len(words) >= 2 else ""
        if acronym in self._words:  # "terminal high altitude area defense" -> "thaad"
            return self._literal(acronym, JOINED_SCORE)
        return {}

    def _literal(self, query: str, score: float) -> dict[int, float]:
        """Sentences containing ``query`` word for word (or by stems), each scored ``score``."""
        words = query.split()
        return {
            position: score
            for position, sentence in enumerate(self.sentences)
            if _literal_score(sentence, query, words)
        }

    def _typo_hits(self, words: list[str]) -> dict[int, float]:
        """Sentences containing a close spelling of every word of the term."""
        mapped: list[tuple[str, float]] = []
        for word in words:
            if word in self._words:
                mapped.append((word, 100.0))
                continue
            if len(word) < MIN_TYPO_LENGTH:
                return {}
            best = self._close_spelling(word)
            if best is None:
                return {}
            mapped.append(best)
        score = round(TYPO_SCALE * min(similarity for _, similarity in mapped), 1)
        return {
            position: score
            for position, sentence in enumerate(self.sentences)
            if all(word in sentence.words for word, _ in mapped)
        }

    def _partial_hits(self, query: str) -> dict[int, float]:
        """Sentences with most of a term's topic words, weighted by how rare each one is.

        A one-word term gets here only when neither it nor a close spelling is in the text,
        so what it finds comes from the knowledge base's synonyms and shorthand.
        """
        having = [self._sentences_with(word, term) for word, term in self._read(query)]
        if not any(having):
            return {}
        count = len(self.sentences)
        rarest = math.log((count + 1) / 1.5)  # the weight of a word one sentence has
        weights: dict[int, float] = {}
        total = 0.0
        for sentences in having:
            weight = math.log((count + 1) / (len(sentences) + 0.5)) if sentences else rarest
            total += weight
            for position in sentences:
                weights[position] = weights.get(position, 0.0) + weight
        return {
            position: round(PARTIAL_SCALE * weight / total, 1)
            for position, weight in weights.items()
            if weight >= MIN_PARTIAL_SHARE * total
        }

    def _sentences_with(self, word: str, term: str) -> set[int]:
        """The sentences using a word: its stem, its synonym's, an alias, or a close spelling."""
        having = self._by_stem.get(stem(word), set()) | self._by_stem.get(term, set())
        for alias in self._aliases.get(term, ()):
            having |= self._by_stem.get(alias, set())
        if having or len(word) < MIN_PARTIAL_TYPO_LENGTH:
            return having
        best = self._close_spelling(word)
        return self._by_stem.get(stem(best[0]), set()) if best else set()

    def _close_spelling(self, word: str) -> tuple[str, float] | None:
        """The article's word closest to a typo'd ``word`` and how close, or None if none is."""
        cutoff = LONG_TYPO_CUTOFF if len(word) >= LONG_WORD else TYPO_CUTOFF
        best = process.extractOne(
            word, self.vocabulary, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff
        )
        return (best[0], float(best[1])) if best else self._swapped(word)

    def _swapped(self, word: str) -> tuple[str, float] | None:
        """A word of the article with two neighbouring letters of ``word`` swapped ("brisc")."""
        for other in self._anagrams.get("".join(sorted(word)), ()):
            if OSA.distance(word, other) == 1:
                return other, round(100 * (1 - 1 / len(word)), 1)
        return None

    def complete(self, prefix: str, limit: int = 25) -> list[str]:
        """Return known names and terms for autocomplete: prefix, then substring, then typo hits."""
        folded = prefix.strip().casefold()[:MAX_TERM_CHARS]
        if not folded:
            return self.terms[:limit]
        starts = [
            t for t, f in zip(self.terms, self._folded_terms, strict=True) if f.startswith(folded)
        ]
        inside = [
            t
            for t, f in zip(self.terms, self._folded_terms, strict=True)
            if folded in f and not f.startswith(folded)
        ]
        choices = list(dict.fromkeys(starts + inside))
        if len(choices) < limit and len(folded) >= MIN_TYPO_LENGTH - 1:
            fuzzy = process.extract(
                folded,
                self._folded_terms,
                scorer=fuzz.partial_ratio,
                processor=None,
                score_cutoff=75,
                limit=limit,
            )
            choices += [self.terms[index] for _, _, index in fuzzy]
        return list(dict.fromkeys(choices))[:limit]

    @staticmethod
    def _hit(sentence: _Sentence, score: float, partial: bool) -> QuoteHit:
        return QuoteHit(
            sentence.text,
            sentence.source_id,
            sentence.paragraph,
            score,
            sentence.start,
            sentence.end,
            partial,
        )


def _literal_score(sentence: _Sentence, query: str, words: list[str]) -> float:
    """Score a whole-word or phrase hit; 0 when the sentence does not contain the term."""
    if f" {query} " in sentence.padded:
        return EXACT_PHRASE_SCORE
    if all(stem(word) in sentence.stems for word in words):
        return SAME_STEM_SCORE if len(words) == 1 else ALL_WORDS_SCORE
    return 0.0


def _terms_in(text: str) -> list[str]:
    """Names and figures in a paragraph, for autocomplete: whole runs and their single words."""
    found: list[str] = []
    for match in _NAME.finditer(text):
        words = [w for w in _POSSESSIVE.sub("", match.group()).split()]
        while words and _is_no_name(words[0]):
            words.pop(0)
        if len(words) > 1:
            found.append(" ".join(words))
        found.extend(word for word in words if len(word) > 1 and not _is_no_name(word))
    found += [m.group() for m in _FIGURE.finditer(text)]
    return found


def _is_no_name(word: str) -> bool:
    """True for a word capitalised only as a sentence start or a title (lexicon: not_names)."""
    return word.casefold() in default_lexicon()["not_names"]


def _as_written(term: str, texts: list[tuple[str, str]]) -> str:
    """Return ``term`` as a source spells it ("embarrass trump" -> "embarrass Trump").

    ``texts`` are the sources' texts, each with its lowercase form. A plain search of that form
    finds an ASCII term where matching case-blind would (and compiles no regex per term).
    """
    lowered = term.lower()
    for text, lower in texts:
        if term.isascii() and len(lower) == len(text):
            at = lower.find(lowered)
            if at >= 0:
                return text[at : at + len(term)]
            continue
        found = re.search(re.escape(term), text, flags=re.IGNORECASE)
        if found:
            return found.group()
    return term


def _content(text: str) -> str:
    """Return normalised text without the small words names often drop ("of", "and")."""
    return " ".join(word for word in text.split() if word not in _SMALL_WORDS)


def _acronym(words: list[str]) -> str:
    """Return the acronym of normalised words: their first letters, small words left out."""
    return "".join(word[0] for word in words if word not in _SMALL_WORDS)
