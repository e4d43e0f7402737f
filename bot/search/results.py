"""What a search returns: plain data that the CLI and the Discord layer both render."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from bot.knowledge.model import CitedQuote, Entry

if TYPE_CHECKING:  # the policy imports this module; the annotation needs no import at run time
    from bot.search.policy import Evidence


class Outcome(Enum):
    """How a question was resolved."""

    ANSWER = "answer"
    NOT_IN_ARTICLE = "not_in_article"  # the topic is the article's, the thing asked is not in it
    SUGGESTIONS = "suggestions"
    NO_MATCH = "no_match"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry the matcher considered, its score (0-100) and the phrasing that scored best."""

    entry: Entry
    score: float
    matched_phrasing: str


@dataclass(frozen=True, slots=True)
class AskResult:
    """The engine's answer to one question."""

    question: str
    normalized: str
    outcome: Outcome
    candidates: tuple[Candidate, ...] = ()
    reason: str = ""
    evidence: Evidence | None = None  # what the decision rested on; None for early exits
    not_said: str = ""  # NOT_IN_ARTICLE: one sentence saying what the article does not say
    # What it asked about an article itself ("author"), answered for the article asked about
    # rather than by another article's entry (policy.answer_about_article); "" for the rest.
    about: str = ""
    # A question naming an article by its title or writer, asked of it without
    # those words ("who wrote the harbour library article"): that article, and what was asked.
    named_article: str = ""
    named_question: str = ""

    @property
    def matched(self) -> bool:
        """True when the engine is confident enough to answer."""
        return self.outcome is Outcome.ANSWER

    @property
    def entry(self) -> Entry | None:
        """The answering entry, or None when the engine abstained."""
        return self.candidates[0].entry if self.matched else None

    @property
    def shown(self) -> Entry | None:
        """The entry a reply shows: the answer, or what the article does say of the topic."""
        if self.outcome in (Outcome.ANSWER, Outcome.NOT_IN_ARTICLE):
            return self.candidates[0].entry
        return None

    @property
    def score(self) -> float:
        """The best candidate's score (0-100), 0 when there was none."""
        return self.candidates[0].score if self.candidates else 0.0

    @property
    def quotes(self) -> tuple[CitedQuote, ...]:
        """The answering entry's quotes; empty when the engine abstained."""
        entry = self.entry
        return entry.quotes if entry is not None else ()

    @property
    def suggestions(self) -> tuple[Entry, ...]:
        """Up to three "did you mean" entries when nothing was clearly ahead."""
        if self.outcome is not Outcome.SUGGESTIONS:
            return ()
        return tuple(candidate.entry for candidate in self.candidates[:3])


@dataclass(frozen=True, slots=True)
class QuoteHit:
    """A sentence of a source that mentions a term, and how well it matched (0-100)."""

    text: str
    source_id: str
    paragraph: int
    score: float
    start: int
    end: int
    partial: bool = False  # the sentence has only some of the term's words (the closest found)
