"""Plain-text rendering of answers and quotes, for the terminal and any text-only front end."""

from __future__ import annotations

import textwrap

from bot.knowledge.about import FROM_DETAILS
from bot.knowledge.model import KnowledgeBase
from bot.search.results import AskResult, Outcome, QuoteHit

NO_ANSWER = "I don't know: the knowledge base has no answer to that."
NO_QUOTES = "The article never mentions {term!r}."
# Said before the sentences found with only some of a term's words, so none reads as a match.
PARTIAL_QUOTES = "No sentence has every word of {term!r}; the closest:"
EMPTY_QUESTION = "Ask me a question about the article."


def citation(knowledge: KnowledgeBase, source_id: str, paragraph: int) -> str:
    """Name where a quote comes from: the source's title and the paragraph number."""
    source = knowledge.sources.get(source_id)
    title = source.title if source is not None else source_id
    return f"{title}, paragraph {paragraph}"


def render_answer(result: AskResult, knowledge: KnowledgeBase, *, width: int = 88) -> str:
    """Render an answer with its cited quotes, suggestions, or an honest no-answer."""
    entry = result.shown
    if entry is not None:
        lines = [textwrap.fill(entry.answer, width)]
        if result.not_said:  # not in the article: say so, then what it does say
            lines = [result.not_said, "", textwrap.fill(f"What it does say: {entry.answer}", width)]
        for quote in entry.quotes:
            lines.append("")
            lines.extend(
                textwrap.wrap(
                    f"“{quote.text}”", width, initial_indent="  > ", subsequent_indent="    "
                )
            )
            lines.append(f"    — {citation(knowledge, quote.source_id, quote.paragraph)}")
        if entry.from_details:
            lines += ["", f"  {FROM_DETAILS}"]
        lines.append("")
        lines.append(f"[entry {entry.id}, score {result.score:.0f}, knowledge {knowledge.version}]")
        return "\n".join(lines)
    if not result.normalized:
        return EMPTY_QUESTION
    if result.outcome is Outcome.SUGGESTIONS:
        options = "\n".join(f"  - {entry.question}" for entry in result.suggestions)
        return f"{NO_ANSWER} Did you mean:\n{options}"
    return NO_ANSWER


def render_quotes(
    term: str, hits: list[QuoteHit], knowledge: KnowledgeBase, width: int = 88
) -> str:
    """Render quote-search hits with citations, or say the article never mentions the term."""
    if not term.strip():
        return "Give me a word or name to look up in the article."
    if not hits:
        return NO_QUOTES.format(term=term.strip())
    blocks = [PARTIAL_QUOTES.format(term=term.strip())] if hits[0].partial else []
    for hit in hits:
        text = textwrap.fill(f"“{hit.text}”", width, initial_indent="> ", subsequent_indent="  ")
        blocks.append(f"{text}\n  — {citation(knowledge, hit.source_id, hit.paragraph)}")
    return "\n\n".join(blocks)
