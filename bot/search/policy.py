"""Policy: answer, say it is not in the article, suggest or abstain, by thresholds and rules.

The last stage of matching. ``Evidence`` gathers what the decision rests on; each ``Rule`` checks
one thing and says in one line why it exists; ``decide`` answers only when no answer rule
objects, and says "the article doesn't say" when only the rules about what was asked object.
`/kb why` and `python -m bot explain` print the rules that objected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.knowledge.about import beyond_details, untold
from bot.knowledge.model import Entry
from bot.search.analysis import Analyzer
from bot.search.config import MatchConfig, Thresholds
from bot.search.kinds import Kind
from bot.search.results import AskResult, Candidate, Outcome
from bot.search.retrieval import IndexedEntry


@dataclass(frozen=True, slots=True)
class Scored:
    """A shortlisted entry after the re-rank: its candidate, coverage and index item."""

    candidate: Candidate
    coverage: float
    item: IndexedEntry


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the decision rests on: the best score, its lead over a rival, and word coverage."""

    score: float
    lead: float
    coverage: float
    known: float
    long_question: bool
    unmet_aspects: tuple[str, ...] = ()  # aspect words asked that the best entry does not know
    personal: bool = False  # talks to the bot or about the asker ("what's your name")
    lone_word: bool = False  # one topic word, which no phrasing of the entry has on its own
    unmet_kind: Kind | None = None  # the kind asked (a time, a number) the entry does not give
    asked_kind: Kind | None = None  # what the question asks for, whether or not the entry gives it
    unconfirmed: tuple[str, ...] = ()  # names a yes-or-no question uses that no entry does

    @classmethod
    def of(
        cls,
        scored: list[Scored],
        known: float,
        long_question: bool,
        unmet_aspects: tuple[str, ...] = (),
        personal: bool = False,
        lone_word: bool = False,
        rivals: int | None = None,
        unmet_kind: Kind | None = None,
        asked_kind: Kind | None = None,
        unconfirmed: tuple[str, ...] = (),
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
                if not same_passage(top.entry, s.candidate.entry)
            ),
            0.0,
        )
        return cls(
            top.score,
            top.score - rival,
            scored[0].coverage,
            known,
            long_question,
            unmet_aspects,
            personal,
            lone_word,
            unmet_kind,
            asked_kind,
            unconfirmed,
        )

    def vetoes(self, thresholds: Thresholds) -> list[tuple[Rule, str]]:
        """Return each answer rule that objects, with what it saw ("score 50 < 56")."""
        return [(rule, why) for rule in ANSWER_RULES if (why := rule.check(self, thresholds))]

    def shortfalls(self, thresholds: Thresholds) -> list[str]:
        """Name each answer rule the evidence fails ("score 50 < 56"); [] if it answers."""
        return [why for _, why in self.vetoes(thresholds)]

    def answers(self, thresholds: Thresholds) -> bool:
        """True when the best entry is good enough, far enough ahead, and covers the question."""
        return not self.shortfalls(thresholds)

    def not_said(self, thresholds: Thresholds) -> bool:
        """True when only "not said" rules object: the topic is found, the thing asked is not."""
        vetoes = self.vetoes(thresholds)
        return bool(vetoes) and all(rule.name in NOT_SAID_RULES for rule, _ in vetoes)

    def suggest_shortfalls(self, thresholds: Thresholds) -> list[str]:
        """Name each suggestion threshold the evidence misses; [] if it may suggest."""
        return [why for rule in SUGGEST_RULES if (why := rule.check(self, thresholds))]

    def suggests(self, thresholds: Thresholds) -> bool:
        """True when the best entries are close enough to offer as "did you mean"."""
        return not self.suggest_shortfalls(thresholds)

    def __str__(self) -> str:
        return (
            f"score {self.score}, lead {self.lead:.1f}, coverage {self.coverage:.2f}, "
            f"known {self.known:.2f}{', long question' if self.long_question else ''}"
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """One check of the policy: its name, why it exists, and the check itself.

    ``check`` returns what it saw when it objects ("score 50 < 56"), else "".
    """

    name: str
    explanation: str
    check: Callable[[Evidence, Thresholds], str]

    def __str__(self) -> str:
        return f"{self.name}: {self.explanation}"


def _below(name: str, value: float, needed: float) -> str:
    return f"{name} {value:g} < {needed:g}" if value < needed else ""


def _short(evidence: Evidence, why: str, objects: bool) -> str:
    # A long question tells its own story ("my older brother says..."): only short ones are
    # held to the words they ask about, and read as chat when they are about "you" or "me".
    return why if objects and not evidence.long_question else ""


ANSWER_RULES: tuple[Rule, ...] = (
    Rule(
        "score",
        "the best entry must score at least the answer threshold",
        lambda e, t: _below("score", e.score, t.answer),
    ),
    Rule(
        "lead",
        "the best entry must lead the best rival citing other paragraphs by the margin",
        lambda e, t: _below("lead over the best rival", e.lead, t.margin),
    ),
    Rule(
        "coverage",
        "the entry must know this share of the question's topic words (less for long questions)",
        lambda e, t: _below(
            "coverage", e.coverage, t.long_coverage if e.long_question else t.coverage
        ),
    ),
    Rule(
        "known",
        "the knowledge base must know this share of the question's topic words at all",
        lambda e, t: _below("known share", e.known, t.long_known if e.long_question else t.known),
    ),
    Rule(
        "unmet-aspect",
        "a short question asking an aspect (age, what someone said) needs an entry using the word",
        lambda e, t: _short(
            e,
            f"asks about {', '.join(e.unmet_aspects)}, which the entry lacks",
            bool(e.unmet_aspects),
        ),
    ),
    Rule(
        "asked-kind",
        "a question asking for a kind of thing (a time, a number) needs an entry that gives it",
        lambda e, t: (
            f"asks yes or no about {', '.join(map(repr, e.unconfirmed))}, which no entry uses"
            if e.unconfirmed
            else f"asks for {e.unmet_kind.name}, which the entry does not give"
            if e.unmet_kind
            else ""
        ),
    ),
    Rule(
        "personal",
        "a short question about the asker or the bot, beyond asking politely, is chat",
        lambda e, t: _short(e, "talks to the bot or about the asker", e.personal),
    ),
    Rule(
        "lone-word",
        "a one-word question must be a keyword of the entry, not a word in a longer phrasing",
        lambda e, t: _short(e, "its one topic word is no keyword of the entry", e.lone_word),
    ),
)
# When only these object, the entry is about what was asked but does not say it: the reply says
# the article does not say that, and shows what it does say.
NOT_SAID_RULES = frozenset({"asked-kind", "unmet-aspect"})
SUGGEST_RULES: tuple[Rule, ...] = (
    Rule(
        "suggest-score",
        "below this score even a 'did you mean' would mislead",
        lambda e, t: _below("score", e.score, t.suggest),
    ),
    Rule(
        "suggest-coverage",
        "a suggestion must know this share of the question's topic words",
        lambda e, t: _below("coverage", e.coverage, t.suggest_coverage),
    ),
)


def same_passage(first: Entry, second: Entry) -> bool:
    """True when two entries cite a paragraph in common: answering either is answering right."""
    cited = {(quote.source_id, quote.paragraph) for quote in first.quotes}
    return any((quote.source_id, quote.paragraph) in cited for quote in second.quotes)


def unmet_aspects(analyzer: Analyzer, prepared: str, item: IndexedEntry) -> tuple[str, ...]:
    """Return the aspect words of a question that the entry does not use ("old", "say")."""
    asked = analyzer.asked_aspects(prepared)
    if not asked:
        return ()
    written = item.aspect_words
    if not analyzer.saying.isdisjoint(written):  # "who said" answers "what did he say"
        written = written | analyzer.saying
    return tuple(
        word
        for word in asked
        if word not in written
        and (term := analyzer.term(word)) not in item.phrasing_terms
        and term not in item.body_terms
    )


def prefer_entries_that_fit(
    scored: list[Scored], fits: Callable[[IndexedEntry], bool], config: MatchConfig
) -> tuple[list[Scored], int]:
    """Put first the entries that give what was asked, when the best one does not, if close behind.

    ``fits`` says whether an entry uses the question's aspect words and gives the kind asked.
    "gatilov said what" ranks Gatilov's biography first, but the entry with what he said is a
    few points behind. Returns the new order and how many leading entries can answer: the
    others stay on as suggestions, but are no rivals.
    """
    top = scored[0].candidate.score
    having = [
        s
        for s in scored[1:]
        if top - s.candidate.score <= config.aspect_rerank_range and fits(s.item)
    ]
    if not having:
        return scored, len(scored)
    return having + [s for s in scored if s not in having], len(having)


def prefer_article(
    scored: list[Scored],
    article: str | None,
    thresholds: Thresholds,
    *,
    about_the_article: bool = False,
) -> list[Scored]:
    """Keep only ``article``'s entries when the question is as much about it as about another.

    With several articles on the reading list, "who wrote the article?" is answered by each
    article's entry: the channel's article (or the newest) answers it, not a "did you mean"
    between the articles. That holds when entries of several articles are within the answer
    margin at the top, and, for a question about the text itself (``about_the_article``: "the
    article", "the author"), whenever ``article`` has an entry that could answer on its own
    (at the answer threshold), however well another article's entry scores. Otherwise an
    article whose entry leads clearly still wins: the question is about that article.
    """
    if article is None or not scored:
        return scored
    mine = [s for s in scored if s.candidate.entry.source_id == article]
    if not mine or len(mine) == len(scored):
        return scored
    if about_the_article and mine[0].candidate.score >= thresholds.answer:
        return mine
    top = scored[0].candidate.score
    close = {
        s.candidate.entry.source_id for s in scored if top - s.candidate.score <= thresholds.margin
    }
    if article not in close or len(close) == 1:
        return scored
    return mine


def answer_about_article(
    scored: list[Scored],
    article: str | None,
    stand_in: Callable[[str, str], tuple[Entry, IndexedEntry | None] | None],
    *,
    only_about_text: bool,
    names_its_article: bool,
) -> tuple[list[Scored], str, str]:
    """Answer a question about an article itself for ``article``, not with another's entry.

    "Who wrote the article?" in a channel whose article has no such entry is best matched by
    another article's entry marked ``about: author``; its answer names the wrong writer. When
    the question is made only of words asking about a text (``only_about_text``), ``article``
    (the channel's, or the newest) answers instead: by its own entry telling the same, else by
    its details; ``stand_in`` gives either, with its index item (None: the details), or None
    when neither gives what was asked. An own entry that was ranked keeps its own score; one
    that was not, or the details, take the best candidate's: it was matched on what was asked.
    When the question names the other article (``names_its_article``:
    "who wrote the op-ed about china and russia"), that article's entry stands. Otherwise, or
    when nothing of ``article`` tells it (no summary, no date written down), no other article's
    entry about itself is kept: the rest may only be suggested.

    Returns the candidates, what was asked of the article ("" when the rule does not apply),
    and why it cannot be answered ("" when it can).
    """
    if article is None or not scored:
        return scored, "", ""
    top = scored[0]
    told = top.candidate.entry.about
    if not told or top.candidate.entry.source_id == article or names_its_article:
        return scored, "", ""
    # Another article's entries about itself answer nothing asked of this one ("Where was the
    # article published?" is no suggestion for its date); this one's own stay.
    rest = [
        s
        for s in scored[1:]
        if not s.candidate.entry.about or s.candidate.entry.source_id == article
    ]
    found = stand_in(article, told) if only_about_text else None
    if found is None:
        why = untold(article, told) if only_about_text else beyond_details(article, told)
        return rest, told, why
    entry, item = found
    # An entry of its own that was ranked is taken as ranked: its own score and coverage. One
    # that was not (it has no phrasing like the question), or the details, take the place of
    # the entry that matched what was asked.
    ranked = next((s for s in rest if s.candidate.entry is entry), None)
    rest = [s for s in rest if s is not ranked]
    if ranked is not None:
        return [ranked, *rest], told, ""
    chosen = Scored(replace(top.candidate, entry=entry), top.coverage, item or top.item)
    return [chosen, *rest], told, ""


def decide(
    question: str,
    prepared: str,
    scored: list[Scored],
    evidence: Evidence,
    thresholds: Thresholds,
    max_candidates: int,
    not_said: str = "The article doesn't say that.",
) -> AskResult:
    """Answer, say it is not in the article, suggest or abstain, from the ranked candidates.

    ``not_said`` is what to say when the article does not say what was asked, unless the kind
    asked has its own sentence ("The article doesn't say when.").
    """
    candidates = tuple(s.candidate for s in scored[:max_candidates])
    if evidence.answers(thresholds):
        outcome = Outcome.ANSWER
    elif evidence.not_said(thresholds):
        outcome = Outcome.NOT_IN_ARTICLE
    elif evidence.suggests(thresholds):
        outcome = Outcome.SUGGESTIONS
    else:
        outcome = Outcome.NO_MATCH
    if outcome is Outcome.NOT_IN_ARTICLE and evidence.unmet_kind is not None:
        not_said = evidence.unmet_kind.not_said
    return AskResult(
        question,
        prepared,
        outcome,
        candidates,
        str(evidence),
        evidence,
        not_said if outcome is Outcome.NOT_IN_ARTICLE else "",
    )
