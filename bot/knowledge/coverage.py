"""Which paragraphs of each article the entries quote, and which no entry covers yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.knowledge.model import KnowledgeBase, Paragraph

FIRST_WORDS = 8


@dataclass(frozen=True)
class ArticleCoverage:
    """One article: its paragraphs, those at least one entry quotes, and the rest."""

    id: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    covered: tuple[int, ...]
    uncovered: tuple[int, ...]

    def as_json(self) -> dict[str, Any]:
        """The JSON shape of `coverage --json`: id, title, paragraphs, covered, uncovered."""
        return {
            "id": self.id,
            "title": self.title,
            "paragraphs": len(self.paragraphs),
            "covered": list(self.covered),
            "uncovered": list(self.uncovered),
        }

    def describe(self) -> str:
        """Say it for a moderator: the count, then each uncovered paragraph's first words."""
        head = (
            f"{self.title} ({self.id}): {len(self.covered)} of {len(self.paragraphs)} "
            "paragraphs quoted by an entry"
        )
        if not self.uncovered:
            return head + "; every paragraph is covered."
        lines = [head + "; not yet:"]
        lines += [
            f"  {number}: {first_words(self.paragraphs[number - 1])}" for number in self.uncovered
        ]
        return "\n".join(lines)


def coverage(knowledge: KnowledgeBase) -> list[ArticleCoverage]:
    """Return every article's coverage, in the knowledge base's order of articles."""
    quoted: dict[str, set[int]] = {source_id: set() for source_id in knowledge.sources}
    for entry in knowledge.entries:
        for quote in entry.quotes:
            quoted.setdefault(quote.source_id, set()).add(quote.paragraph)
    found = []
    for source in knowledge.sources.values():
        numbers = [paragraph.number for paragraph in source.paragraphs]
        covered = tuple(n for n in numbers if n in quoted[source.id])
        uncovered = tuple(n for n in numbers if n not in quoted[source.id])
        found.append(
            ArticleCoverage(source.id, source.title, source.paragraphs, covered, uncovered)
        )
    return found


def first_words(paragraph: Paragraph, count: int = FIRST_WORDS) -> str:
    """A paragraph's first ``count`` words, with "…" when there are more."""
    words = paragraph.text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")
