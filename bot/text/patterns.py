"""Word patterns: the small language that lexicon and knowledge files write phrase rules in.

A pattern is words separated by spaces, matched against normalised text word by word:

    (what|whats|what is) the deal with     one of several words or phrases
    [so] what is it about                  optional: one of these, or nothing
    what does {author} say about           a slot, filled in by the caller (the author's name)
    which [*] companies                    * is any one word ("which russian companies")

Groups nest, and an alternative may be several words. Nothing else is special, so a moderator can
read and write one without knowing regular expressions. A pattern compiles to one regular
expression over "word word " (each word followed by a space), which keeps optional words and
spaces right without lookarounds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.text.normalize import normalize

_TOKEN = re.compile(r"\s*(\(|\)|\[|\]|\||\{[a-z_]+\}|[^\s()\[\]|{}]+)")


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why, in one sentence."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled word pattern: the same phrases matched whole, anywhere, or at the start."""

    source: str
    whole: re.Pattern[str]
    anywhere: re.Pattern[str]
    leading: re.Pattern[str]
    # Every word a phrase of the pattern can use; None when a phrase may be made of ``*`` alone.
    # A text sharing none of them holds no phrase of the pattern (see WordFilter).
    words: frozenset[str] | None = None
    # True when the pattern has a ``*``: its phrases may start with, and hold, any word at all.
    wildcard: bool = False

    def fullmatch(self, text: str) -> bool:
        """True when all of ``text`` (normalised) is one phrase of the pattern."""
        return bool(text) and self.whole.fullmatch(text + " ") is not None

    def replace(self, text: str, replacement: str) -> str:
        """Replace every phrase of the pattern in ``text`` with ``replacement`` ("" removes it)."""
        if not text:
            return text
        out = self.anywhere.sub(replacement + " " if replacement else "", text + " ")
        return " ".join(out.split())

    def strip_leading(self, text: str) -> str:
        """Remove phrases of the pattern from the start of ``text``, as many as there are."""
        return " ".join(self.leading.sub("", text + " ", count=1).split())


def compile_pattern(source: str, slots: Mapping[str, Sequence[str]] | None = None) -> Pattern:
    """Compile a word pattern; raise PatternError saying what is wrong with it.

    ``slots`` fills ``{name}`` with any of its phrases (normalised here).
    """
    tokens = [match.group(1) for match in _TOKEN.finditer(source)]
    if "".join(tokens) != "".join(source.split()):
        raise PatternError(f"cannot read pattern {source!r}")
    parser = _Parser(tokens, source, slots or {})
    body = parser.alternatives(closing=None)
    if re.fullmatch(body, ""):
        raise PatternError(f"pattern {source!r} can match nothing at all; make a word required")
    whole = re.compile(body)
    # A phrase made of "*" alone uses no word of the pattern: n stars match n words of anything.
    stars_only = any(whole.fullmatch("\x00 " * n) for n in range(1, source.count("*") + 1))
    return Pattern(
        source,
        whole,
        re.compile(rf"(?:^|(?<= ))(?:{body})"),
        re.compile(rf"^(?:{body})*"),
        None if stars_only else frozenset(parser.words),
        "*" in source,
    )


class WordFilter:
    """Say cheaply that a text holds no phrase of any of some patterns: it shares no word.

    Most texts use none of a lexicon section's phrases; checking their words against the
    section's is several times faster than searching for the phrases.
    """

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        words: set[str] = set()
        self._words: frozenset[str] | None = None  # None: any text may hold a phrase
        self._any_word = any(pattern.wildcard for pattern in patterns)  # "*" takes any word
        for pattern in patterns:
            if pattern.words is None:
                return
            words |= pattern.words
        self._words = frozenset(words)

    # Each takes normalised text, or its words (text.split()) when the caller has them already.

    def may_match(self, text: str | Sequence[str]) -> bool:
        """False only when no pattern can match anywhere in normalised ``text``."""
        if self._words is None:
            return True
        return not self._words.isdisjoint(text.split() if isinstance(text, str) else text)

    def may_start(self, text: str | Sequence[str]) -> bool:
        """False only when no pattern can match at the start of normalised ``text``."""
        if self._words is None or self._any_word:
            return True
        if isinstance(text, str):
            return text.split(" ", 1)[0] in self._words
        return bool(text) and text[0] in self._words

    def may_be(self, text: str | Sequence[str]) -> bool:
        """False only when no pattern can match all of normalised ``text``."""
        if self._words is None or self._any_word:
            return True
        return self._words.issuperset(text.split() if isinstance(text, str) else text)


def first_of(patterns: Sequence[Pattern]) -> re.Pattern[str]:
    """Return one regex that finds a phrase of any of ``patterns``, anywhere, in one search.

    Searched in "word word " text; None from it means no pattern has a phrase there.
    """
    if not patterns:
        return re.compile(r"(?!)")
    body = "|".join(pattern.whole.pattern for pattern in patterns)
    return re.compile(rf"(?:^|(?<= ))(?:{body})")


class _Parser:
    """Recursive descent over pattern tokens, producing a regex for "word word " text."""

    def __init__(self, tokens: list[str], source: str, slots: Mapping[str, Sequence[str]]):
        self.tokens = tokens
        self.position = 0
        self.source = source
        self.slots = slots
        self.words: set[str] = set()  # every word a phrase may use, slots' words too

    def alternatives(self, closing: str | None) -> str:
        options = [self.sequence()]
        while self._peek() == "|":
            self.position += 1
            options.append(self.sequence())
        token = self._peek()
        if token != closing:
            expected = f"a closing {closing!r}" if closing else "the end"
            found = repr(token) if token else "the end"
            raise PatternError(f"pattern {self.source!r}: expected {expected}, found {found}")
        if closing is not None:
            self.position += 1
        if any(not option for option in options):
            raise PatternError(f"pattern {self.source!r} has an empty alternative")
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    def sequence(self) -> str:
        parts = []
        while (token := self._peek()) not in (None, "|", ")", "]"):
            self.position += 1
            if token == "(":
                parts.append(self.alternatives(")"))
            elif token == "[":
                inner = self.alternatives("]")
                parts.append(f"(?:{inner})?")
            elif token.startswith("{"):
                parts.append(self._slot(token[1:-1]))
            elif token == "*":
                parts.append(r"\S+ ")
            else:
                parts.append(self._word(token))
        return "".join(parts)

    def _word(self, word: str) -> str:
        if normalize(word) != word:
            raise PatternError(
                f"pattern {self.source!r}: write {word!r} as matching reads it, "
                f"{normalize(word)!r} (lowercase, no punctuation)"
            )
        self.words.add(word)
        return re.escape(word) + " "

    def _slot(self, name: str) -> str:
        phrases = [normalize(phrase) for phrase in self.slots.get(name, ())]
        phrases = [phrase for phrase in phrases if phrase]
        if name not in self.slots:
            known = ", ".join(f"{{{slot}}}" for slot in self.slots) or "none"
            raise PatternError(f"pattern {self.source!r}: unknown slot {{{name}}} (known: {known})")
        self.words.update(word for phrase in phrases for word in phrase.split())
        if not phrases:
            return "(?!)"  # nothing to fill it with: the pattern matches nothing
        return "(?:" + "|".join(re.escape(phrase) + " " for phrase in phrases) + ")"

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None
