"""What kind of answer a question asks for: a person, a time, a place, a reason, an amount."""

from __future__ import annotations

import re

from bot.search.vocabulary import SHORTHAND

# (kind, pattern on normalised text). The first match wins, so "how much" comes before "how".
# "what" and "which" ask for anything and have no kind: only specific kinds are compared.
_KINDS = [
    ("amount", r"\bhow (?:much|many|big|large|huge|expensive)\b|\bwhat (?:size|amount)\b"),
    ("length", r"\bhow (?:long|far)\b"),
    ("age", r"\bhow old\b|\bwhat age\b"),
    ("height", r"\bhow (?:tall|high|short)\b"),
    ("time", r"\bwhen\b|\bwhat (?:time|year|day|date|month)\b|\bhow soon\b"),
    ("place", r"\bwhere\b|\bwhat (?:country|city|place|region)\b"),
    ("person", r"\bwho(?:m|se|s)?\b"),
    ("reason", r"\bwhy\b|\bhow come\b|\bwhat for\b"),
]
_COMPILED = [(kind, re.compile(pattern)) for kind, pattern in _KINDS]


def question_kind(normalized: str) -> str | None:
    """Return the kind of answer a normalised question asks for, or None for open questions."""
    words = " ".join(SHORTHAND.get(word, word) for word in normalized.split())
    for kind, pattern in _COMPILED:
        if pattern.search(words):
            return kind
    return None
