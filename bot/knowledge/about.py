"""Answers about an article itself, from its metadata, for an article with no entry giving them.

With a reading list, "who wrote the article?" is asked of the channel's article (or the newest).
An entry marked ``about: author`` answers it for its own article; for an article without one,
the answer comes from its ``article.yaml`` instead of from the other article's entry. Such an
answer has no quotes: it is told from the article's details, and the reply says so.
"""

from __future__ import annotations

from bot.knowledge.model import METADATA_ID_SEPARATOR, Entry, Source

# The question each answer stands for, as a "did you mean" button or an embed title shows it.
QUESTIONS = {
    "author": "Who wrote the article?",
    "publication": "Where was the article published?",
    "date": "When was the article published?",
    "title": "What is the article called?",
}
FROM_DETAILS = "From the article's details, not its text."
# What kind of thing each answer from the details gives (bot/search/lexicon/kinds.yaml): "who
# wrote it" asks for a person, "where does the author work" a place, which a byline is not.
GIVES = {
    "author": ("person", "name"),
    "publication": ("place", "name"),
    "date": ("time", "date"),
    "title": ("name", "definition"),
}


def untold(article: str, told: str) -> str:
    """Why a question about an article itself is not answered: it has nothing telling that."""
    return f"asks for the {told} of article '{article}', which no entry or detail of it tells"


def beyond_details(article: str, told: str) -> str:
    """Why a question about an article itself that asks more than its details is not answered."""
    return (
        f"asks about the {told} of article '{article}' in words its details do not answer, "
        "and names no other article"
    )


def inferred_about(question: str) -> str:
    """What an entry asked exactly as one of QUESTIONS tells, when its ``about:`` is not given."""
    asked = " ".join(question.casefold().split())
    return next((told for told, text in QUESTIONS.items() if text.casefold() == asked), "")


def metadata_entry(source: Source, told: str) -> Entry | None:
    """Return the answer to an ``about`` field from ``source``'s metadata, or None if it has none.

    "summary" has none: only an entry drawn from the text can summarise it.
    """
    answer = _answer(source, told)
    if not answer:
        return None
    return Entry(
        id=f"{source.id}{METADATA_ID_SEPARATOR}{told}",
        question=QUESTIONS[told],
        answer=answer,
        quotes=(),
        source_id=source.id,
        topic="about",
        file=source.file,
        about=told,
    )


def _answer(source: Source, told: str) -> str:
    title = f"“{source.title}”"
    if told == "author" and source.author:
        bio = f", {source.author_bio}" if source.author_bio else ""
        return f"{title} was written by {source.author}{bio}."
    if told == "publication" and source.publication:
        section = f", in its {source.section} section" if source.section else ""
        return f"{title} was published in {source.publication}{section}."
    if told == "date" and source.date:
        return f"{title} was published on {source.date}."
    if told == "title":
        by = f", by {source.author}" if source.author else ""
        return f"The article is {title}{by}."
    return ""
