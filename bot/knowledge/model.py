"""The knowledge base as the rest of citebot sees it: plain, immutable data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

# What an entry may answer, in its optional ``answers:`` field (see docs/moderators.md); matching
# reads each from bot/search/lexicon/kinds.yaml, which defines exactly these.
ANSWER_KINDS = (
    "money",
    "percent",
    "duration",
    "date",
    "future",
    "time",
    "number",
    "name",
    "person",
    "place",
    "reason",
    "opinion",
    "list",
    "definition",
    "yesno",
)
# What an entry about the article itself tells, in its optional ``about:`` field: with several
# articles, "who wrote the article?" is answered for the channel's article, by its own entry
# or from its metadata (see bot/knowledge/about.py and docs/moderators.md).
ABOUT_FIELDS = ("author", "publication", "date", "title", "summary")
# The id of an answer from article.yaml is "ARTICLE:FIELD" ("beijing-moscow:author"): no id
# written in YAML can hold the separator.
METADATA_ID_SEPARATOR = ":"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a knowledge directory, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    entry_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.entry_id is not None:
            parts.append(f"entry '{self.entry_id}'")
        if self.field is not None:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class KnowledgeError(Exception):
    """Raised when a knowledge directory has problems; carries every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in the knowledge base:\n" + "\n".join(map(str, problems)))


@dataclass(frozen=True, slots=True)
class Source:
    """An article the knowledge base quotes from, with its moderator-edited metadata."""

    id: str
    title: str
    author: str
    publication: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    author_bio: str = ""
    section: str = ""
    url: str = ""
    date: str = ""
    file: str = ""
    added: str = ""  # when a moderator added the article (ISO date); "" for the oldest ones

    def paragraph_at(self, offset: int) -> Paragraph:
        """Return the paragraph containing character ``offset`` of the text."""
        for paragraph in self.paragraphs:
            if paragraph.start <= offset < paragraph.end:
                return paragraph
        raise ValueError(f"offset {offset} is outside every paragraph of source {self.id!r}")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of a source: its 1-based number and where it sits in the text."""

    number: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class CitedQuote:
    """A verbatim slice of a source, located by paragraph and character offsets."""

    text: str
    source_id: str
    paragraph: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One curated question with its answer and the quotes that back it."""

    id: str
    question: str
    answer: str
    quotes: tuple[CitedQuote, ...]
    source_id: str
    alternates: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    topic: str = ""
    file: str = ""
    line: int = 0
    answers: tuple[str, ...] = ()  # kinds moderators say it answers (ANSWER_KINDS); () infers
    about: str = ""  # what it tells about the article itself (ABOUT_FIELDS), or ""

    @property
    def from_details(self) -> bool:
        """True for an answer told from article.yaml (bot/knowledge/about.py): it quotes nothing."""
        return not self.quotes

    @property
    def phrasings(self) -> tuple[str, ...]:
        """Every way this entry can be asked: the question first, then alternates."""
        return (self.question, *self.alternates)

    def __reduce__(self) -> tuple[type[Entry], tuple[Any, ...]]:
        # Pickled as a call with its fields: the engine cache writes and reads every entry,
        # and a dataclass's own state goes a field at a time in Python (a third slower).
        return (Entry, _entry_fields(self))


_entry_fields = attrgetter(*(found.name for found in fields(Entry)))


@dataclass(frozen=True, slots=True)
class RegressionCase:
    """A moderator's regression question: it must reach ``expect`` (None: no answer)."""

    question: str
    expect: str | None
    file: str = ""
    line: int = 0
    article: str | None = None  # asked as in a channel whose own article this is


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A moderator's phrase rewrite: text matching any of ``patterns`` is read as ``say``.

    ``whole_question`` rewrites apply only when a whole question matches; the others wherever
    a pattern appears. Patterns are in the word-pattern language of bot/text/patterns.py.
    """

    say: str
    patterns: tuple[str, ...]
    whole_question: bool
    file: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Everything loaded from one knowledge directory, validated."""

    directory: Path
    sources: Mapping[str, Source]
    entries: tuple[Entry, ...]
    version: str
    loaded_at: datetime
    regressions: tuple[RegressionCase, ...] = ()
    topics: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # word -> variants
    synonym_lines: Mapping[str, int] = field(default_factory=dict)  # word -> line of its key
    # A name as the article writes it -> other names members type for it (quote search).
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rewrites: tuple[Rewrite, ...] = ()  # phrases.yaml, in file order

    def newest_source(self) -> Source:
        """Return the article added most recently (by ``added``; the last loaded on a tie)."""
        ordered = list(self.sources.values())
        return max(reversed(ordered), key=lambda source: source.added)

    def entry(self, entry_id: str) -> Entry | None:
        """Return the entry with this id, or None."""
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        from bot.knowledge.about import metadata_entry  # here: about.py imports this module

        article, _, told = entry_id.partition(METADATA_ID_SEPARATOR)
        source = self.sources.get(article) if told else None
        return metadata_entry(source, told) if source is not None else None
