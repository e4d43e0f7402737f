"""A light English stemmer: enough for "sanctions"/"sanction" and "opposes"/"opposed" to meet."""

from __future__ import annotations

# Longest first: the first suffix that fits is the one removed.
_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
# A stem keeps at least this many letters, so "news" and "bus" are left alone.
_MIN_STEM = 4


def stem(token: str) -> str:
    """Strip one common inflection; words of four letters or fewer, and non-words, stay as is."""
    if len(token) <= _MIN_STEM or not token.isalpha():
        return token
    for suffix, replacement in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            if suffix == "s" and token.endswith(("ss", "us", "is")):
                return token
            token = token[: -len(suffix)] + replacement
            break
    # "oppose", "opposes" and "opposed" all end as "oppos".
    return token[:-1] if token.endswith("e") and len(token) > _MIN_STEM else token
