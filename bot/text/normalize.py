"""Make typed text comparable: case, Unicode, punctuation and Discord markup, nothing more.

This is the first stage of matching and the only one the knowledge loader needs, so it knows no
words of any list or knowledge base: what people *mean* by their words is the analysis stage's
job (bot/search/analysis.py).
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters that render as nothing and would split or hide words.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_DISCORD_MARKUP = re.compile(r"<(?:@[!&]?|#|a?:\w+:)\d+>")  # mentions, channels, custom emoji
_URL = re.compile(r"https?://\S+")
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}(?!\d))")
# "3645km" -> "3645 km", but "g8" stays one token.
_NUMBER_UNIT = re.compile(r"(?<=\d)(?!(?:st|nd|rd|th)\b)(?=[a-z]{2,}\b)")
_NON_WORD = re.compile(r"[^\w$%]+")
_UNDERSCORE = re.compile(r"_+")
_DOLLAR_SPACE = re.compile(r"\$\s*(?=\d)")
_LONE_DOLLAR = re.compile(r"\$(?!\d)")
# Letters held down for effect ("whyyy", "lmaooo", "soooo"): no English word has three in a row.
_HELD_LETTER = re.compile(r"([^\W\d_])\1{2,}")
# Most text is plain: ASCII letters, spaces and punctuation that only separates words. It needs
# no Unicode, markup, apostrophe or number rule, and takes a short way (the same result, faster).
_PLAIN = re.compile(r"[A-Za-z\s,.?!;()\"-]*")
# The separators, as bytes: bytes.translate is several times faster than str.translate.
_PLAIN_SEPARATORS = bytes.maketrans(b',.?!;()"-', b" " * 9)
_PLAIN_HELD_LETTER = re.compile(r"([a-z])\1\1")  # in plain lowercase text, a far faster search


# The loader, the index and every question call this, often with the same short strings:
# remembering recent results saves a third of the load time.
@functools.lru_cache(maxsize=16384)
def normalize(text: str) -> str:
    """Return ``text`` casefolded, as single-spaced words, without markup or punctuation."""
    if text.isascii() and _PLAIN.fullmatch(text):
        # One for one, so letters stay adjacent; plain text is ASCII, so bytes say it exactly.
        plain = text.lower().encode("ascii").translate(_PLAIN_SEPARATORS).decode("ascii")
        if _PLAIN_HELD_LETTER.search(plain):
            plain = _HELD_LETTER.sub(r"\1", plain)
        return " ".join(plain.split())
    return _normalize(text)


# ``normalize`` remembering nothing: for texts read once (a large index's), whose place in the
# cache would only push out texts asked again.
normalize_once = normalize.__wrapped__


def _normalize(text: str) -> str:
    """Return ``text`` normalised by every rule (``normalize`` without its short way)."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_QUOTES)
    text = _DISCORD_MARKUP.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _HELD_LETTER.sub(r"\1", text.casefold())
    text = _POSSESSIVE.sub("", text)
    text = _APOSTROPHE.sub("", text)
    text = _THOUSANDS.sub("", text)
    text = _NUMBER_UNIT.sub(" ", text)
    text = _UNDERSCORE.sub(" ", _NON_WORD.sub(" ", text)).strip()
    text = _DOLLAR_SPACE.sub("$", text)
    text = _LONE_DOLLAR.sub(" ", text)
    return " ".join(text.split())
