"""Match a question to an entry: the pipeline's stages, in order.

    text (bot/text/normalize.py)   case, Unicode, punctuation, markup
    analysis (analysis.py)         phrases read, topic words, the signals the policy weighs
    retrieval (retrieval.py)       typo-tolerant lookup and the IDF shortlist
    features (features.py)         coverage, phrase similarity, phrasing covered; the score
    policy (policy.py)             thresholds and veto rules: answer, suggest or abstain

Every number comes from one MatchConfig (config.py); every word list from the lexicon
(lexicon/) or the knowledge base. This module only runs the stages.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from bot.knowledge.about import GIVES, metadata_entry
from bot.knowledge.model import Entry, KnowledgeBase, Source
from bot.search.analysis import Analyzer
from bot.search.config import MatchConfig, Thresholds
from bot.search.english import is_common_english
from bot.search.features import measure
from bot.search.kinds import Kind
from bot.search.policy import (
    Evidence,
    Scored,
    answer_about_article,
    decide,
    prefer_article,
    prefer_entries_that_fit,
    unmet_aspects,
)
from bot.search.results import AskResult, Candidate, Outcome
from bot.search.retrieval import EntryIndex, IndexedEntry, TermMatch

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
# A question ending in the asker's guess after a comma: "..., mattis?", "..., the 1960s?".
_GUESS = re.compile(r"([^,]*[^\s,])[ \t]*,[ \t]*(?:[^\s,?]+[ \t]*){1,3}\?+")
MIN_HEAD_WORDS = 3  # topic words the question needs without the guess
# A word this short that nobody knows is more likely chat ("smth") than a name.
MIN_NAME_LENGTH = 4
# How much a question must use of one article's own words to name it: two common words of its
# text ("china", "russia"), or one that is not common English ("hammond").
NAMING_WEIGHT = 2


class Matcher:
    """Scores questions against entry phrasings: a token shortlist, then a fuzzy re-rank."""

    def __init__(
        self,
        entries: Iterable[Entry],
        config: MatchConfig | None = None,
        *,
        analyzer: Analyzer | None = None,
        saved_index: Mapping[str, object] | None = None,
        articles: Mapping[str, Source] | None = None,
        normalized: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config = config or MatchConfig()
        self.analyzer = analyzer or Analyzer()
        self.articles: Mapping[str, Source] = articles or {}
        if saved_index is not None:  # built before, for the same entries (EntryIndex.saved)
            self.index = EntryIndex.restore(saved_index, self.analyzer, config)
        else:
            self.index = EntryIndex(entries, self.analyzer, config, normalized)
        # With several articles: each article's words (text and details), and its entries
        # about itself (article, what it tells) -> index item (policy.answer_about_article).
        self._vocabulary: dict[str, frozenset[str]] = {}
        self._names: dict[str, frozenset[str]] = {}  # its title's and writer's words
        self._about: dict[tuple[str, str], IndexedEntry] = {}
        if len(self.articles) > 1:
            for source in self.articles.values():
                names = self._terms(source.title, source.author)
                self._names[source.id] = names
                self._vocabulary[source.id] = names | self._terms(
                    source.text, source.author_bio, source.publication
                )
            for item in self.index.items:
                if item.entry.about:
                    self._about.setdefault((item.entry.source_id, item.entry.about), item)

    @classmethod
    def for_knowledge(
        cls,
        knowledge: KnowledgeBase,
        config: MatchConfig | None = None,
        saved_index: Mapping[str, object] | None = None,
        normalized: Mapping[str, str] | None = None,
    ) -> Matcher:
        """Return the matcher of one knowledge base, reading it with its own words.

        ``saved_index`` is this knowledge base's index as saved before (an engine cache);
        ``normalized``, texts of its entries already normalised (load_knowledge).
        """
        analyzer = Analyzer.for_knowledge(knowledge)
        return cls(
            knowledge.entries,
            config,
            analyzer=analyzer,
            saved_index=saved_index,
            articles=knowledge.sources,
            normalized=normalized,
        )

    def _terms(self, *texts: str) -> frozenset[str]:
        prepared = self.analyzer.prepare_once(" ".join(texts))
        return frozenset(term for _, term in self.analyzer.words(prepared))

    def _own_words(
        self, article: str, table: Mapping[str, frozenset[str]]
    ) -> Callable[[str, str], bool]:
        """Whether a question word is one of ``article``'s own in ``table``: its alone."""
        mine = table[article]
        others = [words for other, words in table.items() if other != article]

        def own(word: str, term: str) -> bool:
            return (
                word not in self.analyzer.about_text
                and term in mine
                and all(term not in words for words in others)
            )

        return own

    def names_article(
        self, prepared: str, article: str, table: Mapping[str, frozenset[str]] | None = None
    ) -> bool:
        """True when a question names ``article`` by its own words: of its text and details
        (or ``table``'s words), no other article's, and none asking about a text.

        "who wrote the op-ed about china and russia" names the article about them: at least
        two such words, or one that is no common English word ("hammond", "eastmere").
        """
        table = self._vocabulary if table is None else table
        if article not in table:
            return False
        own = self._own_words(article, table)
        weight = sum(
            1 if is_common_english(word) else 2
            for word, term in self.analyzer.words(prepared)
            if own(word, term)
        )
        return weight >= NAMING_WEIGHT

    def _asked_of_named_article(self, typed: str, prepared: str) -> tuple[str, str] | None:
        """(article, question without its name) for a question about an article it names.

        "who wrote the harbour library article" asks "who wrote the article" of the article
        whose title or writer "harbour library" is from (not its publication: "what does arab
        news say" asks about the publisher). None with one article, when no article is named
        so, for a yes or no ("is this by andrew hammond"), or when the rest asks more than who
        wrote an article, where, when or its gist ("does the author think ties are overstated").
        """
        named = [
            article for article in self._names if self.names_article(prepared, article, self._names)
        ]
        if not named or self._asks_yes_or_no(typed):
            return None
        for article in named:
            own = self._own_words(article, self._names)
            kept = [
                token
                for token in prepared.split()
                if not any(own(word, term) for word, term in self.analyzer.words(token))
            ]
            rest = " ".join(kept)
            if self.analyzer.asks_only_about_text(rest):
                return article, rest
        return None

    def _asks_yes_or_no(self, typed: str) -> bool:
        kind, _ = self.analyzer.asked_kind(typed)
        return kind is not None and kind.name == "yesno"

    def _stand_in(
        self, article: str, told: str, kind: Kind | None, asking: str
    ) -> tuple[Entry, IndexedEntry | None] | None:
        """An article's own entry telling ``told`` ("author"), else its details' answer if they
        give the kind asked; None when neither.

        The index item comes with an own entry that does not give the kind asked, so the
        reply says the article does not say it ("where does the author work"); otherwise the
        question is held to the phrasing it matched.
        """
        own = self._about.get((article, told))
        if own is not None:
            gives = self.analyzer.kinds.answers(self.index.answers(own), kind, asking)
            return own.entry, None if gives else own
        source = self.articles.get(article)
        entry = metadata_entry(source, told) if source is not None else None
        if entry is None or (kind is not None and kind.name not in GIVES.get(told, ())):
            return None
        return entry, None

    @property
    def thresholds(self) -> Thresholds:
        """The thresholds questions are answered by, unless a call names others."""
        return self.config.thresholds

    def ask(
        self,
        question: str,
        *,
        strict: bool = False,
        thresholds: Thresholds | None = None,
        article: str | None = None,
    ) -> AskResult:
        """Resolve a question to an answer, suggestions, or no match.

        ``thresholds`` overrides the config's own (and its strict ones, with ``strict``);
        ``article`` answers a question several articles answer alike (policy.prefer_article).
        """
        thresholds = thresholds or (self.config.strict if strict else self.config.thresholds)
        result = self._ask(question, thresholds, article)
        if result.outcome in (Outcome.SUGGESTIONS, Outcome.NO_MATCH):
            # "who said strategic patience was over, mattis?": the guess after the comma is the
            # asker's, and the article may answer the question without it.
            guess = _GUESS.fullmatch(question.strip())
            without = guess[1] if guess else ""  # the question before the comma
            if len(self.analyzer.words(self.analyzer.prepare(without))) >= MIN_HEAD_WORDS:
                head = self._ask(without + "?", thresholds, article)
                if head.outcome is Outcome.ANSWER:
                    return replace(head, question=question)
        return result

    def _ask(self, question: str, thresholds: Thresholds, article: str | None) -> AskResult:
        config, analyzer = self.config, self.analyzer
        typed = question[: MAX_QUESTION_CHARS * 2]
        prepared = analyzer.prepare(typed)[:MAX_QUESTION_CHARS]
        if not prepared:
            return AskResult(question, prepared, Outcome.NO_MATCH, reason="empty question")
        if analyzer.asks_for_help(prepared):  # nothing to look up: gets the usage hint
            return AskResult(question, "", Outcome.NO_MATCH, reason="asks for help")
        named = self._asked_of_named_article(typed, prepared) if article is not None else None
        if named is not None:  # "who wrote the harbour library article": ask it of that one
            of_it = self._ask(named[1], thresholds, named[0])
            if of_it.shown is not None:
                return replace(
                    of_it, question=question, named_article=named[0], named_question=named[1]
                )
        last_typed, last = analyzer.last_sentence(typed)
        if last and self._stands_alone(last_typed, last, prepared):
            alone = self._ask(last_typed, thresholds, article)
            if alone.entry is not None:
                return replace(alone, question=question)
        matches, known = self.analyse(prepared, typed)
        if not any(match.known for match in matches):  # also when every word was filler
            return AskResult(question, prepared, Outcome.NO_MATCH, reason="no known words")
        scored = prefer_article(  # which article answers does not depend on how sure it must be
            self.rank(prepared, matches),
            article,
            self.config.thresholds,
            about_the_article=article is not None and analyzer.asks_only_about_text(prepared),
        )
        kind, asking = analyzer.asked_kind(last_typed or typed)
        about = unanswered = ""  # several articles: "who wrote the article?" asks this one
        if article is not None and scored:
            other = scored[0].candidate.entry.source_id
            scored, about, unanswered = answer_about_article(
                scored,
                article,
                lambda asked, told: self._stand_in(asked, told, kind, asking),
                only_about_text=analyzer.asks_only_about_text(prepared),
                names_its_article=self.names_article(prepared, other),
            )
        if not scored:
            reason = unanswered or "no candidates"
            return AskResult(question, prepared, Outcome.NO_MATCH, reason=reason, about=about)
        # "my dad says they fell out. why did they split?" asks its last sentence: the story
        # before it is no "what did he say", nor chat about the asker.
        asked = last or prepared
        long_question = len(matches) >= config.long_question_terms
        kinds = analyzer.kinds

        def lacks_kind(item: IndexedEntry) -> Kind | None:
            # Every entry answers a question that asks for no kind; an entry's kinds cost a
            # large knowledge base a third of a millisecond the first time they are read, so
            # they are not read for one (kinds.answers gives True without them).
            if kind is None:
                return None
            return None if kinds.answers(self.index.answers(item), kind, asking) else kind

        def fits(item: IndexedEntry) -> bool:
            return not lacks_kind(item) and not unmet_aspects(analyzer, asked, item)

        # An answer from an article's details stands in for another article's entry, whose
        # kinds and words are not its own: _stand_in checked the kind asked (about.GIVES).
        told = about and scored[0].candidate.entry.from_details
        unmet = () if told else unmet_aspects(analyzer, asked, scored[0].item)
        top_lacks = None if told else lacks_kind(scored[0].item)
        rivals = len(scored)
        if (unmet and not long_question) or top_lacks:
            scored, rivals = prefer_entries_that_fit(scored, fits, config)
            unmet = unmet_aspects(analyzer, asked, scored[0].item)
            top_lacks = lacks_kind(scored[0].item)
        # "is gazprom building it": a yes or no about a name the knowledge base never uses is
        # nothing the article confirms (a wrong figure is: "wasn't it 5000km" gets the right one).
        unconfirmed = (
            tuple(match.word for match in matches if _unknown_name(match))
            if kind is not None and kind.name == "yesno" and not long_question
            else ()
        )
        lone_word = len(matches) == 1 and not _has_keyword(scored[0].item, matches[0])
        evidence = Evidence.of(
            scored,
            known,
            long_question,
            unmet,
            analyzer.is_personal(asked),
            lone_word,
            rivals=rivals,
            unmet_kind=kind if unconfirmed else top_lacks,
            asked_kind=kind,
            unconfirmed=unconfirmed,
        )
        result = decide(
            question,
            prepared,
            scored,
            evidence,
            thresholds,
            config.max_candidates,
            kinds.not_said,
        )
        if unanswered:  # another article's entry is no answer to it: say why, suggest the rest
            outcome = Outcome.SUGGESTIONS if result.shown is not None else result.outcome
            return replace(result, outcome=outcome, not_said="", reason=unanswered, about=about)
        return replace(result, about=about) if about else result

    def _stands_alone(self, typed: str, sentence: str, question: str) -> bool:
        """True when a short question's last sentence can be answered without the story before it.

        ``typed`` is that sentence as typed, ``sentence`` prepared, ``question`` the whole one
        prepared. "my teacher mentioned thaad in class. what is thaad?" asks "what is thaad?";
        but "brics bank?? whats that about" points back with "that" (which preparing may have
        rewritten away), and a long question has its own rules (see Analyzer.focus_words).
        """
        return (
            len(self.analyzer.words(question)) < self.config.long_question_terms
            and bool(self.analyzer.words(sentence))
            and not self.analyzer.points_back(typed)
        )

    def analyse(self, prepared: str, question: str = "") -> tuple[list[TermMatch], float]:
        """Map a question's topic words onto the index; return them and the known share (0-1).

        In a long question, the words of what it finally asks (``question`` is the text as
        typed) outweigh the story before them (see MatchConfig.focus_share).
        """
        pairs = list(dict.fromkeys(self.analyzer.words(prepared)))
        found: list[tuple[str, TermMatch]] = []
        for typed, term in pairs:
            match = self.index.lookup_word(typed, term)
            # Unknown bits of chat ("wy", "u") and misspelt filler ("actully", "happend") say
            # nothing, even when the misspelling is also near some topic word ("geting" is one
            # slip from "meeting"); a word the knowledge base spells exactly like that stays.
            exact = any(similarity == 1.0 for _, similarity in match.terms)
            if exact or not (
                (len(typed) <= 2 and not match.known) or self.analyzer.is_mistyped_filler(typed)
            ):
                found.append((typed, match))
        if len(pairs) >= self.config.long_question_terms:
            matches = self._emphasise(found, self.analyzer.focus_words(question))
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
        """Weigh a long question's focus words so they make at least focus_share of it."""
        focus_weight = sum(self.index.weight(m) for typed, m in matches if typed in focus)
        story_weight = sum(self.index.weight(m) for typed, m in matches if typed not in focus)
        if not focus_weight:
            return [match for _, match in matches]
        share = self.config.focus_share
        emphasis = max(
            self.config.focus_emphasis, share / (1 - share) * story_weight / focus_weight
        )
        return [
            replace(match, emphasis=emphasis) if typed in focus else match
            for typed, match in matches
        ]

    def rank(self, prepared: str, matches: list[TermMatch]) -> list[Scored]:
        """Re-rank the shortlist by the features stage's score, best first."""
        asked = {term for match in matches for term, _ in match.terms}
        ranked = []
        for position, coverage in self.index.shortlist(matches, self.config.shortlist_size):
            item = self.index.items[position]
            features = measure(prepared, item, asked, coverage, self.config)
            candidate = Candidate(
                item.entry, features.score(self.config), item.phrasings[features.closest]
            )
            ranked.append(Scored(candidate, coverage, item))
        ranked.sort(key=lambda scored: scored.candidate.score, reverse=True)
        return ranked


def _unknown_name(match: TermMatch) -> bool:
    """True for a word the knowledge base does not know and English does not either: a name."""
    return (
        not match.known
        and match.unusual
        and len(match.word) >= MIN_NAME_LENGTH
        and not any(character.isdigit() for character in match.word)
    )


def _has_keyword(item: IndexedEntry, match: TermMatch) -> bool:
    """True when some phrasing of the entry is the question's one topic word and nothing else.

    "its cold", "is this real", "never mind": a lone everyday word that only turns up inside a
    longer alternate ("were ties cold before putin") says nothing about what was asked; "thaad"
    or "border" is a keyword moderators gave their entry.
    """
    asked = {term for term, _ in match.terms}
    return any(terms and asked.issuperset(terms) for terms in item.terms_by_phrasing)
