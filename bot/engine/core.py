"""The answer engine: one loaded knowledge base with its indexes, ready for questions."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.engine.cache import EngineCache
from bot.engine.memory import give_back_memory
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase, Problem, Source
from bot.search.analysis import Analyzer
from bot.search.config import DEFAULT, MatchConfig, Thresholds
from bot.search.matcher import Matcher
from bot.search.quotes import QuoteFinder
from bot.search.results import AskResult, QuoteHit
from bot.search.retrieval import collector_paused
from bot.text.normalize import normalize

log = logging.getLogger(__name__)

DEFAULT_QUOTE_LIMIT = 3


class Engine:
    """Answers questions and finds quotes over one immutable knowledge base."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        config: MatchConfig | None = None,
        *,
        saved_index: Mapping[str, object] | None = None,
        normalized: Mapping[str, str] | None = None,
    ) -> None:
        """Build the indexes of ``knowledge`` (from ``saved_index``, as saved_index() gave it).

        ``normalized`` holds texts of the knowledge already normalised (by load_knowledge).
        """
        self.knowledge = knowledge
        self.config = config or MatchConfig()
        saved: Mapping[str, Any] = saved_index or {}
        every = saved["every"] if saved_index is not None else None  # a KeyError: does not fit
        self._matcher = Matcher.for_knowledge(knowledge, self.config, every, normalized)
        # Where questions about "the article" go when a channel names none (one article: moot).
        several = len(knowledge.sources) > 1
        self.newest_article = knowledge.newest_source().id if several else None
        # Each article's own matcher, its word weights and typos as if it were the only one: a
        # channel's article answers what it can exactly as it would alone (see ask).
        self._own: dict[str, Matcher] = {}
        if several:
            for source_id in knowledge.sources:
                alone = alone_with(knowledge, source_id)
                if alone.entries:
                    own_index = saved["articles"][source_id] if saved_index is not None else None
                    self._own[source_id] = Matcher.for_knowledge(
                        alone, self.config, own_index, normalized
                    )
        self._quotes = self._quote_finder(knowledge.sources.values())
        # One article's own finder, built when a search first names it: its words and typos
        # are that article's, as if it were the only one.
        self._article_quotes: dict[str, QuoteFinder] = {}

    @property
    def thresholds(self) -> Thresholds:
        """The thresholds questions are answered by (the deployment's, unless strict)."""
        return self.config.thresholds

    @property
    def analyzer(self) -> Analyzer:
        """How this engine reads questions (for tools that group or explain them)."""
        return self._matcher.analyzer

    @property
    def index_terms(self) -> frozenset[str]:
        """Every term some entry's phrasings or body use (for checks of the vocabulary)."""
        return frozenset(self._matcher.index.entries_using)

    def saved_index(self) -> dict[str, object]:
        """Return the entry indexes as plain data, to build this engine again faster (cache.py):
        the one over every article, and each article's own."""
        return {
            "every": self._matcher.index.saved(),
            "articles": {article: own.index.saved() for article, own in self._own.items()},
        }

    @property
    def version(self) -> str:
        """Short content hash of the knowledge base, shown in answer footers."""
        return self.knowledge.version

    def ask(
        self,
        question: str,
        *,
        strict: bool = False,
        thresholds: Thresholds | None = None,
        article: str | None = None,
    ) -> AskResult:
        """Answer a question, suggest close entries, or abstain honestly.

        ``strict`` raises the bar, for answers nobody explicitly asked the bot for;
        ``thresholds`` replaces the engine's own for this question. A question that several
        articles answer alike ("who wrote the article?") is answered from ``article`` (a
        channel's own), or else from the newest article.
        """
        chosen = self.newest_article
        if article in self.knowledge.sources and self.newest_article is not None:
            chosen = article
        every = self._matcher.ask(question, strict=strict, thresholds=thresholds, article=chosen)
        if chosen is None:
            return every
        # With several articles, the matcher over all of them says which article answers (the
        # chosen one unless another's entry leads clearly, policy.prefer_article), and what is
        # asked about an article itself (policy.answer_about_article). An article's entry is
        # then shown only as that article alone would answer it: adding an article moves none
        # of another's answers, as word weights over every article would.
        shown = every.shown
        named = self._own.get(every.named_article)
        if named is not None:  # asked of the article it names, without its name
            of_it = named.ask(every.named_question, strict=strict, thresholds=thresholds)
            same = shown is not None and of_it.shown is not None and of_it.shown.id == shown.id
            return replace(of_it, question=question) if same else every
        if every.about or (shown is not None and shown.source_id not in self._own):
            return every

        def alone(source_id: str) -> AskResult:
            return self._own[source_id].ask(question, strict=strict, thresholds=thresholds)

        if shown is not None:
            # As that article alone answers; unsure alone, it says so with its own suggestions.
            return alone(shown.source_id)
        best = every.candidates[0].entry if every.candidates else None
        if best is not None and best.source_id != chosen and best.source_id in self._own:
            # Unsure over every article, with another article's entry first: that article
            # alone may be sure of it; else the "did you mean" over every article.
            own = alone(best.source_id)
            return own if own.shown is not None and own.shown.id == best.id else every
        return alone(chosen) if chosen in self._own else every

    def answer_kinds(self) -> list[tuple[str, tuple[str, ...], bool]]:
        """For each entry: its id, the kinds it answers, and whether moderators stated them.

        Inferred kinds leave out those every entry is taken to answer (a reason, yes or no).
        """
        kinds = self.analyzer.kinds
        rows = []
        index = self._matcher.index
        for item in index.items:
            answers = index.answers(item)
            named = [
                kind.name
                for kind in kinds.kinds
                if kind.name in answers.kinds and (answers.stated or kind.checked)
            ]
            rows.append((item.entry.id, tuple(named), answers.stated))
        return rows

    def quote(
        self, term: str, limit: int = DEFAULT_QUOTE_LIMIT, *, article: str | None = None
    ) -> list[QuoteHit]:
        """Return up to ``limit`` sentences about ``term``, best first (``article``'s alone)."""
        if article is None or len(self.knowledge.sources) == 1:
            return self._quotes.find(term, limit=limit)
        finder = self._article_quotes.get(article)
        if finder is None:
            finder = self._quote_finder([self.knowledge.sources[article]])
            self._article_quotes[article] = finder
        return finder.find(term, limit=limit)

    def _quote_finder(self, sources: Iterable[Source]) -> QuoteFinder:
        chosen = list(sources)
        ids = {source.id for source in chosen}
        keywords = (
            keyword
            for entry in self.knowledge.entries
            if entry.source_id in ids
            for keyword in entry.keywords
        )
        analyzer = self.analyzer
        return QuoteFinder(
            chosen,
            extra_terms=keywords,
            other_names=self.knowledge.names,
            read=analyzer.words,
            # "the author's bio": the text names its writer, never "the author".
            aliases={analyzer.term("author"): [s.author.split()[-1] for s in chosen if s.author]},
        )

    def complete_term(self, prefix: str, limit: int = 25) -> list[str]:
        """Return names and terms from the sources that start like ``prefix`` (autocomplete)."""
        return self._quotes.complete(prefix, limit=limit)

    def source(self, source_id: str) -> Source:
        """Return a source by id."""
        return self.knowledge.sources[source_id]


def alone_with(knowledge: KnowledgeBase, source_id: str) -> KnowledgeBase:
    """Return ``knowledge`` as if ``source_id`` were its only article (its entries alone)."""
    entries = tuple(entry for entry in knowledge.entries if entry.source_id == source_id)
    topics = {
        topic: kept
        for topic, listed in knowledge.topics.items()
        if (kept := tuple(entry for entry in listed if entry.source_id == source_id))
    }
    return replace(
        knowledge,
        sources={source_id: knowledge.sources[source_id]},
        entries=entries,
        topics=topics,
    )


def load_engine(
    directory: Path,
    config: MatchConfig | None = None,
    *,
    cache: EngineCache | None = None,
    one_shot: bool = False,
    workers: int = 1,
) -> Engine:
    """Load and validate a knowledge directory and build an engine; raises KnowledgeError.

    With a ``cache``, an engine built before from the same files by the same code is read
    from it instead, and one built here is kept in it (see bot/engine/cache.py).
    ``one_shot``: for a command that answers and exits, which has no use for a tidy heap.
    ``workers``: how many processes may read the knowledge files (load_knowledge).
    """
    # As a reload builds (lifecycle.py): the collector paused while millions of objects are
    # made, and back on only once they are exempted from it, so it never walks them young.
    with collector_paused():
        engine = build_engine(directory, config, cache=cache, workers=workers)
        if one_shot:
            # Exempted as they are: collecting the garbage first walks every object (a tenth
            # of a second at 20,000 entries) to free memory the process will give back anyway.
            gc.freeze()
        else:
            settle_heap()
    return engine


def build_engine(
    directory: Path,
    config: MatchConfig | None = None,
    *,
    cache: EngineCache | None = None,
    place: Path | None = None,
    workers: int = 1,
) -> Engine:
    """Load a knowledge directory (or read it from ``cache``) and build its engine.

    ``place`` is where the knowledge says it was loaded from, when ``directory`` is a copy
    of it (a staging snapshot); ``workers``, how many processes may read its files (see
    load_knowledge). Raises KnowledgeError.
    """
    place = (place or directory).resolve()
    # Stamped before the key and again after the load: a save anywhere in between shows.
    stamp = cache.stamp(directory) if cache is not None else None
    key = cache.key(directory) if cache is not None else None
    if cache is not None and key is not None:
        found = cache.load(key, directory, place)
        if found is not None:
            knowledge, saved_index = found
            try:
                return Engine(knowledge, config, saved_index=saved_index)
            except Exception as error:  # a file that reads but does not fit: build it anew
                cache.discard(key, error)
    normalized: dict[str, str] = {}  # the loader's work, not done again by the index
    knowledge = replace(
        load_knowledge(directory, normalized=normalized, workers=workers), directory=place
    )
    # Kept only when nothing was saved while the key was taken and the files loaded: not even a
    # save undone since, which a second key alone would not show. The knowledge is written
    # now, the index once built (EngineCache.start).
    storing = None
    if cache is not None and key is not None and cache.wants(knowledge) and stamp is not None:
        storing = cache.start(key, knowledge) if cache.stamp(directory) == stamp else None
    try:
        engine = Engine(knowledge, config, normalized=normalized)
    except BaseException:
        if storing is not None:
            storing.abandon()
        raise
    if storing is not None:
        del normalized
        normalize.cache_clear()  # the texts just loaded, not needed again: room for the copy
        storing.finish(engine.saved_index)
    return engine


def settle_heap() -> None:
    """Collect garbage, then exempt what survives (a freshly built index) from cyclic GC.

    A large index is millions of objects that the cyclic collector would otherwise walk on every
    full collection: about 200 ms at 100,000 entries, landing on whichever question comes next.
    An index holds no reference cycles, so a replaced one is still freed, by reference counting.
    """
    gc.collect()
    gc.freeze()
    give_back_memory()  # what loading used and freed (parsed YAML, say) goes back to the system


def check_regressions(engine: Engine) -> list[Problem]:
    """Run the moderators' regression questions; return one problem per broken case.

    They pin what the knowledge answers at the project's tuned thresholds, whatever a deployment
    sets (MIN_ANSWER_SCORE, ANSWER_MARGIN): a stricter bot must still be able to reload.
    A case is asked as in a channel of the article it names, else of its expected entry's.
    """
    problems = []
    # A case is asked as in a channel of its expected entry's article unless it names one: it
    # pins an answer of that article, and adding another article must not need it edited.
    article_of = {entry.id: entry.source_id for entry in engine.knowledge.entries}
    for case in engine.knowledge.regressions:
        article = case.article or article_of.get(case.expect or "")
        result = engine.ask(case.question, thresholds=DEFAULT, article=article)
        got = result.entry.id if result.entry is not None else None
        if got == case.expect:
            continue
        wanted = f"entry '{case.expect}'" if case.expect else "no answer"
        actual = f"entry '{got}' (score {result.score:.0f})" if got else "no answer"
        where = f" in a channel of article '{case.article}'" if case.article else ""
        problems.append(
            Problem(
                case.file,
                f"{case.question!r}{where} should get {wanted} but got {actual}",
                case.line,
                field="regression",
            )
        )
    return problems
