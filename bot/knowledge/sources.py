"""Source text: paragraphs, verbatim quote location and sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.model import Paragraph

_WHITESPACE = re.compile(r"\s+")
# Straight and typographic variants people type for the same character; used only to explain a
# near miss, never to accept one (quotes stay verbatim).
_LOOKALIKES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"})


def split_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Split a source into paragraphs: each non-blank line, numbered from 1."""
    paragraphs: list[Paragraph] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            start = offset + (len(body) - len(body.lstrip()))
            paragraphs.append(
                Paragraph(len(paragraphs) + 1, start, start + len(stripped), stripped)
            )
        offset += len(line)
    return tuple(paragraphs)


@dataclass(frozen=True, slots=True)
class FoldedText:
    """Text with each whitespace run folded to one space, mapped back to the original offsets."""

    folded: str
    origin: tuple[int, ...]  # origin[i] = offset in the original text of folded[i]

    @classmethod
    def of(cls, text: str) -> FoldedText:
        """Fold ``text``'s whitespace runs into single spaces, remembering where each came from."""
        folded: list[str] = []
        origin: list[int] = []
        for match in re.finditer(r"\s+|\S+", text):
            if match.group().isspace():
                folded.append(" ")
                origin.append(match.start())
            else:
                folded.append(match.group())
                origin.extend(range(match.start(), match.end()))
        return cls("".join(folded), tuple(origin))


def fold_whitespace(text: str) -> str:
    """Collapse whitespace runs to one space and trim the ends."""
    return _WHITESPACE.sub(" ", text).strip()


def locate(folded_source: FoldedText, source_text: str, quote: str) -> tuple[int, int] | None:
    """Return the (start, end) offsets of ``quote`` in the source, whitespace folded; or None."""
    needle = fold_whitespace(quote)
    if not needle:
        return None
    index = folded_source.folded.find(needle)
    if index < 0:
        return None
    start = folded_source.origin[index]
    end = folded_source.origin[index + len(needle) - 1] + 1
    return start, end


def explain_miss(folded_source: FoldedText, quote: str) -> str:
    """Say why a quote was not found, pointing at the usual culprits."""
    needle = fold_whitespace(quote)
    haystack = folded_source.folded
    if needle.translate(_LOOKALIKES) in haystack.translate(_LOOKALIKES):
        return (
            "differs from the source only in quote marks or dashes; copy the source's "
            "typographic characters (’ “ ” —) exactly"
        )
    if needle.casefold() in haystack.casefold():
        return "differs from the source only in upper/lower case; copy it exactly"
    return "check the wording against the source and copy it exactly"


# A sentence ends at . ! ? or … followed by space and a capital, quote or digit, unless the full
# stop ends a known abbreviation. Good enough for news prose; quote search works per sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’)]?\s+(?=[“\"A-Z0-9•])")
_ABBREVIATIONS = ("Mr.", "Mrs.", "Ms.", "Dr.", "St.", "U.S.", "U.N.", "e.g.", "i.e.", "vs.")


def split_sentences(paragraph: Paragraph) -> list[tuple[int, int]]:
    """Return (start, end) source offsets of each sentence in a paragraph."""
    text = paragraph.text
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate_end = match.start()
        head = text[start:candidate_end]
        closing = text[candidate_end : match.end()].rstrip()
        if head.endswith(_ABBREVIATIONS):
            continue
        end = candidate_end + len(closing)
        spans.append((start, end))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return [(paragraph.start + s, paragraph.start + e) for s, e in spans if e > s]
