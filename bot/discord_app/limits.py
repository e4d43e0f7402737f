"""Discord's size limits and pure text helpers that keep every message inside them."""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

MESSAGE_CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_TOTAL = 6000
EMBED_FIELDS = 25
BUTTON_LABEL = 80
CHOICES = 25
CHOICE_TEXT = 100

# Discord Nitro allows 4,000-character messages; nothing longer can reach us, so nothing longer
# is worth matching.
MAX_QUESTION = 4000
# User text we echo back (a term, a missed question) is trimmed to this before escaping.
ECHO = 100

ELLIPSIS = "…"
# Zero-width and bidi control characters: invisible, but they split words and fool comparisons.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def trim(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, marking a cut with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    return text[: limit - 1].rstrip() + ELLIPSIS


def strip_invisible(text: str) -> str:
    """Remove zero-width and direction-control characters."""
    return _INVISIBLE.sub("", text)


def block_quote(text: str, limit: int) -> str:
    """Render ``text`` as a Markdown block quote of at most ``limit`` characters."""
    lines = [f"> {line}" if line.strip() else ">" for line in text.splitlines() or [""]]
    return trim("\n".join(lines), limit)


def visible(text: str, limit: int) -> str:
    """Return ``text`` on one line without invisible characters, trimmed to ``limit``."""
    return trim(" ".join(strip_invisible(text).split()), limit)
