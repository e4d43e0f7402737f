"""Analysis: what a question asks about, in the words the knowledge base uses.

The second stage of matching, after text normalisation (bot/text/normalize.py). It reads the
lexicon (bot/search/lexicon/) and the knowledge base's own words (synonyms.yaml, phrases.yaml,
the authors' names) and answers, for one text:

- ``prepare``: the text with how people talk around a question said plainly ("what's the deal
  with X" -> "what about X", "the two countries" -> "china and russia", greetings dropped, whole
  questions about the article said as the knowledge base says them);
- ``words``/``terms``: its topic words, shorthand read, filler dropped, stemmed, synonyms applied;
- the signals the policy stage weighs: whether it asks for help, talks about the asker, asks an
  aspect (age, what someone said), what kind of thing it asks for (a time, a number, a person:
  kinds.py), and which sentence it finally asks.

Every phrasing of every entry goes through the same ``prepare`` and ``terms``, so a question and
the phrasing it repeats always meet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain

from rapidfuzz.distance import DamerauLevenshtein

from bot.knowledge.model import KnowledgeBase, Rewrite
from bot.search.kinds import Kind, Kinds, default_kinds
from bot.search.lexicon import Lexicon, default_lexicon
from bot.text.normalize import normalize, normalize_once
from bot.text.patterns import Pattern, WordFilter, compile_pattern, first_of
from bot.text.stem import stem

# A typed word this long may take two slips against a filler word at least as long ("artical",
# "hapend"); shorter ones take one, and words under 5 letters are only compared with the
# typo-prone question words ("cost" is one slip from "most").
LONG_FILLER_LENGTH = 7
# Prepared texts remembered, up to this many (loading prepares every phrasing, often twice).
PREPARE_CACHE_SIZE = 16384
# Typed words remembered with their terms, up to this many (a knowledge base of 100,000 entries
# uses about 30,000 distinct words; each is stemmed once, not once per phrasing).
WORDS_CACHE_SIZE = 65536

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_WORD = re.compile(r"\w+")


def _as_is(text: str) -> str:
    return text


class Analyzer:
    """Reads questions and phrasings with one lexicon and one knowledge base's own words."""

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        *,
        synonyms: Mapping[str, Iterable[str]] | None = None,
        rewrites: Sequence[Rewrite] = (),
        authors: Iterable[str] = (),
        kinds: Kinds | None = None,
    ) -> None:
        self.lexicon = lexicon = lexicon or default_lexicon()
        self.kinds = kinds or default_kinds()
        surnames = tuple(dict.fromkeys(n.split()[-1] for n in map(normalize, authors) if n))
        slots = {**lexicon.slots, "author": surnames}
        self.filler = lexicon["filler"]
        self.saying = lexicon["saying"]
        self.aspects = self.saying | lexicon["aspects"]
        self.document = lexicon["document"] | frozenset(surnames)
        # Words that ask about a text itself, naming none: who wrote it, when, its gist.
        self.about_text = lexicon["document"] | lexicon["metadata"]
        self.personal = lexicon["personal"]
        self.refers_back = lexicon["refers_back"]
        self.typo_prone = lexicon["typo_prone"]
        self.long_filler = frozenset(w for w in self.filler | self.typo_prone if len(w) >= 5)
        self.shorthand: dict[str, str] = dict(lexicon.shorthand)
        self.synonyms: dict[str, str] = {}  # stemmed variant -> stemmed article word
        for word, variants in (synonyms or {}).items():
            article_words = normalize(word)
            for variant in variants:
                said = normalize(variant)
                if " " in article_words and " " not in said:
                    # "nk" for "north korea": read like shorthand, before anything else.
                    self.shorthand[said] = article_words
                    continue
                for token in said.split():
                    self.synonyms[stem(token)] = stem(article_words)

        def compiled(section: str) -> list[Pattern]:
            return [rule.compile(slots) for rule in lexicon.phrases[section]]

        self._framings = compiled("framings")
        self._idioms = compiled("idioms")
        self._greetings = compiled("greetings")
        self._address = compiled("address")
        self._small_talk = compiled("small_talk")
        self._help = compiled("help")
        self._requests = compiled("requests")
        self._phrases: list[tuple[Pattern, str]] = []
        self._questions: list[tuple[Pattern, str]] = []
        for rewrite in rewrites:
            target = self._questions if rewrite.whole_question else self._phrases
            target += [(compile_pattern(p, slots), rewrite.say) for p in rewrite.patterns]
        # Most texts use no phrase of a section. A word filter rules most of them out (a text
        # sharing no word with the section's rules holds none of its phrases), then one regex
        # of the section's patterns says whether to walk it pattern by pattern.
        rewritten = [*self._framings, *(pattern for pattern, _ in self._phrases), *self._idioms]
        self._rewrite_words = WordFilter(rewritten)
        self._opening_words = WordFilter([*self._greetings, *self._address])
        self._small_talk_words = WordFilter(self._small_talk)
        self._question_words = WordFilter([pattern for pattern, _ in self._questions])
        self._any_framing = first_of(self._framings)
        self._any_phrase = first_of([pattern for pattern, _ in self._phrases])
        self._any_idiom = first_of(self._idioms)
        self._any_greeting = first_of(self._greetings)
        self._any_small_talk = first_of(self._small_talk)
        # A whole question one of the knowledge base's own questions says: one fullmatch.
        whole = "|".join(pattern.whole.pattern for pattern, _ in self._questions) or "(?!)"
        self._any_question = re.compile(f"(?:{whole})")
        # Plain dicts, not functools.lru_cache over bound methods: that would make the analyzer
        # a reference cycle, left for the cyclic collector instead of freed with its engine.
        self._prepared: dict[str, str] = {}
        self._words: dict[str, tuple[tuple[str, str], ...]] = {}  # token -> its (word, term)s

    @classmethod
    def for_knowledge(cls, knowledge: KnowledgeBase, lexicon: Lexicon | None = None) -> Analyzer:
        """Return the analyzer of one knowledge base: its synonyms, rewrites and authors."""
        authors = [source.author for source in knowledge.sources.values() if source.author]
        return cls(
            lexicon, synonyms=knowledge.synonyms, rewrites=knowledge.rewrites, authors=authors
        )

    # -- the text ---------------------------------------------------------------------------

    def prepare(self, text: str) -> str:
        """Return ``text`` normalised, with the lexicon's and the knowledge base's phrases read."""
        prepared = self._prepared.get(text)
        if prepared is None:
            if len(self._prepared) >= PREPARE_CACHE_SIZE:
                self._prepared.clear()
            prepared = self._prepared[text] = self._prepare(text)
        return prepared

    def prepare_once(self, text: str) -> str:
        """``prepare``, remembering nothing: for the texts of a large index, each read once.

        Remembering them would cost more than it saves (about a microsecond a text at 100,000
        entries, and memory), as the loader's normalised texts are long gone by then.
        """
        return self._prepare(text, normalize_once)

    def prepare_normalized(self, text: str) -> str:
        """``prepare`` for text already normalised (the loader's), remembering nothing."""
        return self._prepare(text, _as_is)

    def prepare_statement(self, normalized: str) -> str:
        """Prepare normalised text that is said, not asked: an entry's answer, a quote.

        Its phrases are read as in questions, so that their words meet ("the two countries");
        the rules for how people ask are not applied (greetings, the bot's name, small talk,
        whole-question forms): "Hello neighbours," opening a quote is part of what was said.
        """
        return (
            self._rewritten(normalized)
            if self._rewrite_words.may_match(normalized.split())
            else normalized
        )

    def _rewritten(self, text: str) -> str:
        """Apply the framings, phrases and idioms to normalised text."""
        if self._any_framing.search(text + " "):
            for pattern in self._framings:
                text = pattern.replace(text, "what about")
        if self._any_phrase.search(text + " "):
            for pattern, say in self._phrases:
                text = pattern.replace(text, say)
        if self._any_idiom.search(text + " "):
            for pattern in self._idioms:
                text = pattern.replace(text, "")
        return text

    def _prepare(self, text: str, normalized: Callable[[str], str] = normalize) -> str:
        text = normalized(text)
        words = text.split()  # for the word filters; split again only when the text changed
        if self._rewrite_words.may_match(words):
            text = self._rewritten(text)
            words = text.split()
        if self._opening_words.may_start(words):
            if self._any_greeting.match(text + " "):
                for pattern in self._greetings:
                    text = pattern.strip_leading(text)
            for pattern in self._address:  # one address to the bot, after the greetings
                found = pattern.whole.match(text + " ")
                if found:
                    text = text[found.end() :].strip()
                    break
            words = text.split()
        if (
            self._small_talk_words.may_be(words)
            and self._any_small_talk.match(text + " ")
            and any(pattern.fullmatch(text) for pattern in self._small_talk)
        ):
            return ""
        if not self._question_words.may_be(words) or not self._any_question.fullmatch(text + " "):
            return text
        for pattern, say in self._questions:
            if pattern.fullmatch(text):
                return say
        return text

    def forget(self) -> None:
        """Forget every prepared text and word (benchmarks time a question as if first asked)."""
        self._prepared.clear()
        self._words.clear()

    def asks_for_help(self, prepared: str) -> bool:
        """True for a whole question that asks how to use the bot: "help", "what can you do"."""
        return any(pattern.fullmatch(prepared) for pattern in self._help)

    # -- topic words ------------------------------------------------------------------------

    def words(self, prepared: str) -> list[tuple[str, str]]:
        """Return (word as typed, term) for each topic word of prepared text.

        Shorthand is read, filler dropped, and each word stemmed and mapped through the
        knowledge base's synonyms, so "hate" and "opposes" meet as "oppos".
        """
        tokens = prepared.split()
        try:  # most texts use only words read before: one pass in C
            return list(chain.from_iterable(map(self._words.__getitem__, tokens)))
        except KeyError:
            known = self._words
            return [
                pair
                for token in tokens
                for pair in (known[token] if token in known else self._token_words(token))
            ]

    def _token_words(self, token: str) -> tuple[tuple[str, str], ...]:
        """Return (word, term) for each topic word of one token, remembering it."""
        if len(self._words) >= WORDS_CACHE_SIZE:
            self._words.clear()
        words = self._words[token] = tuple(
            (word, self.term(word))
            for word in self.shorthand.get(token, token).split()
            if word not in self.filler
        )
        return words

    def terms(self, prepared: str) -> list[str]:
        """Return the terms (stemmed topic words) of prepared text."""
        return [term for _, term in self.words(prepared)]

    def term(self, word: str) -> str:
        """Return the term of one word: stemmed, through the synonyms ("married" -> "marri")."""
        stemmed = stem(word)
        return self.synonyms.get(stemmed, stemmed)

    def has_topic(self, prepared: str) -> bool:
        """True when prepared text has a word that is not filler."""
        return any(word not in self.filler for word in prepared.split())

    # -- signals ----------------------------------------------------------------------------

    def is_personal(self, prepared: str) -> bool:
        """True when text talks to the bot or about the asker, beyond asking politely."""
        if self.personal.isdisjoint(prepared.split()):
            return False  # taking polite requests out only takes words away
        for pattern in self._requests:
            prepared = pattern.replace(prepared, "")
        return not self.personal.isdisjoint(prepared.split())

    def is_mistyped_filler(self, word: str) -> bool:
        """True for "hwo", "teh", "actully": one slip (a swap counts as one) from a filler word.

        Short words are only compared with the typo-prone question words.
        """
        if len(word) < 3:
            return False
        candidates = self.typo_prone if len(word) < 5 else self.long_filler
        long_word = len(word) >= LONG_FILLER_LENGTH - 1
        return any(
            candidate[0] == word[0]
            and DamerauLevenshtein.distance(word, candidate, score_cutoff=2)
            <= (2 if long_word and len(candidate) >= LONG_FILLER_LENGTH else 1)
            for candidate in candidates
        )

    def refers_to_document(self, prepared: str) -> bool:
        """True when a question names the text itself: the article, its writer, a paragraph."""
        return not self.document.isdisjoint(prepared.split())

    def asks_only_about_text(self, prepared: str) -> bool:
        """True when every topic word asks about a text itself ("who wrote the article").

        "which uni is the author from" asks more than who wrote it; so does a question naming
        the writer ("who is andrew hammond").
        """
        words = self.words(prepared)
        return bool(words) and all(word in self.about_text for word, _ in words)

    def asked_aspects(self, prepared: str) -> list[str]:
        """Return the aspect words a question asks ("old", "say"), in order.

        What a document says ("what does the article say") asks no one's words.
        """
        words = dict.fromkeys(prepared.split())
        asked = [word for word in words if word in self.aspects]
        if not self.document.isdisjoint(words):
            asked = [word for word in asked if word not in self.saying]
        return asked

    def asked_kind(self, typed: str) -> tuple[Kind | None, str]:
        """Return what a question asks for (a time, a number, a person...) and where it asks.

        From the text as typed: a question of several sentences asks in its last one with a
        question word, which is returned with the kind (the whole text when there is none).
        """
        for sentence in reversed(_SENTENCE_END.split(typed)):
            kind = self.kinds.asked(sentence)
            if kind is not None:
                return kind, sentence
        return None, typed

    def aspects_in(self, texts: Iterable[str]) -> frozenset[str]:
        """Return the aspect words that prepared texts use, as typed."""
        return self.aspects.intersection(" ".join(texts).split())

    def points_back(self, typed: str) -> bool:
        """True when typed text has a word pointing back at what came before ("that", "he")."""
        return not self.refers_back.isdisjoint(_WORD.findall(typed.casefold()))

    def last_sentence(self, question: str) -> tuple[str, str]:
        """Return a question's last sentence with topic words, as typed and prepared.

        ("", "") for a question of one such sentence.
        """
        sentences = self._topical(_SENTENCE_END.split(question))
        return sentences[-1] if len(sentences) >= 2 else ("", "")

    def focus_words(self, question: str) -> frozenset[str]:
        """Return the words of what a question finally asks: its last sentence or clause.

        A last piece of only filler ("can someone tell me") gives way to the one before it.
        """
        pieces = _SENTENCE_END.split(question)
        if len([piece for piece in pieces if self.prepare(piece)]) < 2:
            pieces = question.split(",")
        topical = self._topical(pieces)
        return frozenset(topical[-1][1].split()) if len(topical) >= 2 else frozenset()

    def _topical(self, pieces: list[str]) -> list[tuple[str, str]]:
        """Return the pieces that have a topic word, each as typed and prepared."""
        prepared = [(piece, self.prepare(piece)) for piece in pieces]
        return [pair for pair in prepared if self.has_topic(pair[1])]
