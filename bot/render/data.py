"""JSON-ready dictionaries for the CLI's --json contract (see README, "The command line")."""

from __future__ import annotations

from typing import Any

from bot.search.results import AskResult, QuoteHit


def ask_payload(result: AskResult) -> dict[str, Any]:
    """Return the documented JSON object for one question."""
    entry = result.shown
    return {
        "question": result.question,
        "outcome": result.outcome.value,
        "matched": result.matched,
        "entry_id": entry.id if entry is not None else None,
        "score": round(result.score, 1),
        "answer": entry.answer if entry is not None else None,
        "not_said": result.not_said or None,
        "quotes": [
            {"text": quote.text, "source": quote.source_id, "paragraph": quote.paragraph}
            for quote in (entry.quotes if entry is not None else ())
        ],
        "suggestions": [
            {"entry_id": suggestion.id, "question": suggestion.question}
            for suggestion in result.suggestions
        ],
    }


def quote_payload(term: str, hits: list[QuoteHit]) -> dict[str, Any]:
    """Return the documented JSON object for one quote search."""
    return {
        "term": term,
        "partial": bool(hits) and hits[0].partial,
        "quotes": [
            {
                "text": hit.text,
                "source": hit.source_id,
                "paragraph": hit.paragraph,
                "score": round(hit.score, 1),
            }
            for hit in hits
        ],
    }
