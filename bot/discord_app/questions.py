"""Turn a Discord message into a question for the engine, and spot question-like messages."""

from __future__ import annotations

import logging
import re

from bot.discord_app.limits import MAX_QUESTION, strip_invisible

log = logging.getLogger(__name__)

# User, role and channel mentions, slash-command mentions, custom emoji and @everyone/@here
# carry nothing the knowledge base can match, and an echoed mention must never ping.
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|</[^>]+:\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b")
_SPACE = re.compile(r"\s+")
_QUESTION_WORDS = frozenset(
    "who whom whose what which when where why how is are was were do does did can could "
    "will would should has have had".split()
)


def clean_question(text: str) -> str:
    """Strip mentions, emoji and invisible characters; collapse whitespace."""
    text = strip_invisible(text[: MAX_QUESTION * 2])
    return _SPACE.sub(" ", _MENTION.sub(" ", text)).strip()[:MAX_QUESTION]


def looks_like_question(text: str) -> bool:
    """Return True for text that reads as a question: ends with '?' or opens with a wh-word."""
    text = clean_question(text)
    if text.endswith("?"):
        return True
    first = text.split(" ", 1)[0].lower().strip(",.:;!")
    return first in _QUESTION_WORDS and len(text.split()) >= 3
