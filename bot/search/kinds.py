"""Kinds: what a question asks for (a time, a number, a person...) and what an entry answers.

Read from the lexicon's ``kinds.yaml``: each kind has the phrases that ask for it and, for the
kinds an answer visibly gives, the evidence of it in an answer's text. The policy will not answer
a question as a fact with an entry that does not give the kind asked: "how much did the fund
start with" is not answered by what the fund is for (see policy.py, rule "asked-kind").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml

from bot.knowledge.model import ANSWER_KINDS
from bot.search.lexicon import default_lexicon
from bot.text.normalize import normalize
from bot.text.patterns import Pattern, PatternError, compile_pattern
from bot.text.stem import stem

NAMES = "names"
FULL_NAMES = "full names"  # evidence: a name of two or more words the question does not use
PLACES = "places"  # evidence: a name after "in", "to" (locatives) the question does not use
# A counted word this short may be shorthand the answer spells out ("bil", "km"): not checked.
MIN_COUNTED_LENGTH = 4
_WORD = r"[A-Z][\w'’-]*"  # a capitalised word
_CAPITALISED = re.compile(rf"\b{_WORD}")
# A name of several words: capitalised words, "of", "for" or "the" between ("Bank of China");
# not "and", which joins two names ("Russia and China").
# Characters a case-insensitive ASCII pattern matches that lowercasing does not turn into the
# letter it matches ("ı", "ſ"), or turns into two characters ("İ"): every other character
# lowercases into what such a pattern matches case-insensitively, in the same place.
_LOWERS_UNLIKE_RE = re.compile("[\u0130\u0131\u017f]")
_FULL_NAME = re.compile(rf"\b{_WORD}(?:\s+(?:(?:of|for|the)\s+)?{_WORD})+")


class KindsError(ValueError):
    """A kinds file that cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of thing a question asks for."""

    name: str
    asks: tuple[Pattern, ...]
    not_said: str
    examples: tuple[str, ...]
    evidence: tuple[re.Pattern[str], ...] = ()
    needs_names: bool = False
    needs_full_names: bool = False
    needs_places: bool = False
    within: str = ""  # the broader kind this one is part of ("money" within "number")
    words: frozenset[str] = frozenset()  # words that make a question of ``within`` ask this
    after: tuple[str, ...] = ()  # ...when it asks ``within`` with one of these ("how much")
    at_start: bool = False  # asked only by a question starting with one of its phrases
    # How many of ``asks``, the last ones, come from kinds.yaml's ``asks_instance``: they ask
    # which one of a class the question names ("which banks"). A kind asked by one of them is
    # ``asks_instance``: only an answer showing one gives it, whatever the entry's phrasings ask.
    instance_phrases: int = 0
    asks_instance: bool = False

    @property
    def checked(self) -> bool:
        """True when an answer's text can show this kind (else every entry is taken to give it)."""
        return bool(self.evidence) or self.needs_names or self.needs_full_names or self.needs_places


@dataclass(frozen=True, slots=True)
class Answers:
    """What one entry answers: the kinds it gives, and the names its answer uses."""

    kinds: frozenset[str]
    names: frozenset[str] = frozenset()  # lowercased names in its answer, for person and place
    stated: bool = False  # moderators listed the kinds in the entry's ``answers:`` field
    asked_by_phrasing: frozenset[str] = frozenset()  # kinds its own phrasings ask for
    words: frozenset[str] = frozenset()  # stems of its answer's words (what it counts)
    # For each kind its text shows: the words that show it ("3,200km" shows a number, "New
    # Development Bank" a name). Words a question uses itself show it nothing.
    shown_by: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)


NO_KINDS = Answers(frozenset())  # an entry known to answer nothing in particular


class Kinds:
    """The kinds of kinds.yaml, in file order."""

    def __init__(
        self,
        kinds: Sequence[Kind],
        not_name_endings: Iterable[str] = (),
        not_names: Iterable[str] = (),
        not_said: str = "The article doesn't say that.",
        counted: Iterable[str] = (),
        locatives: Iterable[str] = (),
        units: Iterable[Iterable[str]] = (),
        settled: Iterable[str] = (),
    ) -> None:
        self.kinds = tuple(kinds)
        self.by_name: Mapping[str, Kind] = {kind.name: kind for kind in self.kinds}
        self.not_name_endings = tuple(not_name_endings)
        self.not_names = frozenset(not_names)  # capitalised words that are no names (lexicon)
        self.not_said = not_said  # said when the question's kind is not what the entry lacks
        # "how many X": X is what is counted.
        phrases = "|".join(re.escape(normalize(p)) for p in counted)
        self._counted = re.compile(rf"(?:^| )(?:{phrases}) (\w+)") if phrases else None
        # Units of one measure, stemmed: "how many kilometres" counts no thing, it asks a length.
        self._units = tuple(frozenset(stem(normalize(w)) for w in unit) for unit in units)
        # A name where something is, goes or comes from: "in Beijing", "to northeast China".
        self._place = _after(locatives)
        self._settled = _after(settled)
        # Every phrase asking a kind, kinds in file order and each kind's phrases in order, with
        # (order, kind) for each; kinds asked only at the start are tried on their own.
        asking = [(order, kind) for order, kind in enumerate(self.kinds) if not kind.at_start]
        self._asks = [pattern for _, kind in asking for pattern in kind.asks]
        self._asks_kind = [
            (
                order,
                replace(kind, asks_instance=True)
                if i >= len(kind.asks) - kind.instance_phrases
                else kind,
            )
            for order, kind in asking
            for i in range(len(kind.asks))
        ]
        # A phrase starts with one of its pattern's words, or with any word for a pattern with
        # "*": at each word of a question only the phrases that can start there are tried, in
        # that order (a handful, instead of every kind's phrases).
        any_word = [i for i, pattern in enumerate(self._asks) if pattern.wildcard]
        starting: dict[str, set[int]] = {}
        for i, pattern in enumerate(self._asks):
            for word in pattern.words or ():
                starting.setdefault(word, set()).add(i)
        self._may_start = {word: sorted(found | set(any_word)) for word, found in starting.items()}
        self._may_start_any_word = any_word
        self._at_start = [(order, kind) for order, kind in enumerate(self.kinds) if kind.at_start]
        # Each kind's evidence, to search lowercased text with: case-insensitive searching is
        # twice as slow. Only for patterns of ASCII without capitals (all of kinds.yaml's).
        self._lowered_evidence = {
            kind.name: tuple(re.compile(pattern.pattern) for pattern in kind.evidence)
            for kind in self.kinds
            if all(_lowercase_ascii(pattern.pattern) for pattern in kind.evidence)
        }

    @property
    def names(self) -> tuple[str, ...]:
        """Every kind's name, in file order (what moderators may list in ``answers:``)."""
        return tuple(self.by_name)

    def asked(self, text: str) -> Kind | None:
        """Return the kind a question (or its last sentence) asks for, or None.

        The earliest phrase of any kind wins; a tie goes to the kind listed first. A question of
        a broad kind using a narrower kind's word asks the narrower ("how much did it cost").
        """
        prepared = normalize(text)
        if not prepared:
            return None
        padded = prepared + " "
        best: tuple[int, int, Kind] | None = None
        at = 0
        for word in prepared.split():
            for i in self._may_start.get(word, self._may_start_any_word):
                if self._asks[i].whole.match(padded, at):
                    best = (at, *self._asks_kind[i])
                    break
            if best is not None:
                break
            at += len(word) + 1
        for order, kind in self._at_start:
            starts = any(_starts(pattern, padded) for pattern in kind.asks)
            if starts and (best is None or (0, order) < best[:2]):
                best = (0, order, kind)
        if best is None:
            return None
        start, _, kind = best
        words = set(prepared.split())
        for narrower in self.kinds:
            if (
                narrower.within == kind.name
                and prepared.startswith(narrower.after, start)
                and not words.isdisjoint(narrower.words)
            ):
                return narrower
        return kind

    def of_entry(
        self,
        phrasings: Iterable[str],
        answer: str,
        stated: Iterable[str] = (),
        places: Iterable[str] = (),
    ) -> Answers:
        """Return what an entry answers, from its ``answers:`` field or else inferred.

        Inferred: the kinds its phrasings ask for, the checked kinds its ``answer`` (the text a
        reply shows: answer and quotes) shows, and every kind no text can show (reasons, yes/no).
        ``places`` are names known to be places (``known_places`` of the whole knowledge base).
        """
        # Names of who did something: a name put somewhere ("to Xinjiang", "in Moscow"), here or
        # anywhere in the knowledge base, is a place, not who did it ("Moscow has opened...").
        names = self.names_in(answer) - self.places_in(answer) - frozenset(places)
        words = frozenset(stem(word) for word in normalize(answer).split())
        by_phrasing = frozenset(
            kind.name for kind in map(self.asked, phrasings) if kind is not None
        )
        stated = frozenset(stated)
        if stated:
            return Answers(self._with_broader(stated), names, True, by_phrasing, words)
        shown_by: dict[str, list[tuple[str, ...]]] = {}
        # The same matches at the same places, when lowercasing keeps every character's place
        # and changes no match of an ASCII pattern (see _LOWERS_UNLIKE_RE).
        lowered = "" if _LOWERS_UNLIKE_RE.search(answer) else answer.lower()
        for kind in self.kinds:
            evidence = self._lowered_evidence.get(kind.name) if lowered else None
            if evidence is not None:
                found = [_words_at(answer, m) for e in evidence for m in e.finditer(lowered)]
            else:
                found = [_words_at(answer, m) for e in kind.evidence for m in e.finditer(answer)]
            if kind.needs_full_names:
                found += [tuple(normalize(m.group()).split()) for m in _FULL_NAME.finditer(answer)]
            if kind.needs_places:
                found += [
                    tuple(normalize(m.group(1)).split()) for m in self._place.finditer(answer)
                ]
            if found:
                shown_by[kind.name] = found
                if kind.within:
                    shown_by.setdefault(kind.within, []).extend(found)
        shown = {
            kind.name
            for kind in self.kinds
            if not kind.checked or (kind.needs_names and names) or kind.name in shown_by
        }
        return Answers(
            self._with_broader(shown | by_phrasing),
            names,
            False,
            by_phrasing,
            words,
            {kind: tuple(dict.fromkeys(found)) for kind, found in shown_by.items()},
        )

    def _with_broader(self, kinds: Iterable[str]) -> frozenset[str]:
        found = set(kinds)
        for name in list(found):
            kind = self.by_name.get(name)
            if kind is not None and kind.within:
                found.add(kind.within)
        return frozenset(found)

    def answers(self, entry: Answers, asked: Kind | None, question: str) -> bool:
        """True when an entry gives the kind asked (a person or place: one the question lacks)."""
        if asked is None or asked.name not in entry.kinds:
            return asked is None
        if entry.stated:
            return True
        used = normalize(question).split()
        # Its own phrasings vouch for it, unless the question asks which one of a class it names.
        if asked.name not in entry.asked_by_phrasing or asked.asks_instance:
            if asked.needs_names:
                return any(not _same_name(name, used) for name in entry.names)
            shown_by = entry.shown_by.get(asked.name, ())
            if asked.asks_instance and not shown_by:
                return False  # which one of them: the answer must show one
            if shown_by and all(set(words) <= set(used) for words in shown_by):
                return False  # "how long is the second pipeline": "second" is the question's own
        if "number" not in (asked.name, asked.within) or self._counted is None:
            return True
        counted = self._counted.search(" ".join(used))
        if counted is None:
            return True
        word = counted.group(1)
        if len(word) < MIN_COUNTED_LENGTH:  # "how many bil", "how many km": shorthand
            return True
        readings = {stem(word), stem(word.removesuffix("s"))}
        for unit in self._units:  # "how many miles": a figure in km answers it
            if not readings.isdisjoint(unit):
                readings |= unit
        return not entry.words.isdisjoint(readings)

    def places_in(self, text: str) -> frozenset[str]:
        """Return the words of names a text puts somewhere ("in Beijing", "to Xinjiang")."""
        return _words_of(self._place, text)

    def known_places(self, texts: Iterable[str]) -> frozenset[str]:
        """Return the names some text settles as places ("in Moscow"), for ``of_entry``."""
        return frozenset().union(*(_words_of(self._settled, text) for text in texts))

    def names_in(self, text: str) -> frozenset[str]:
        """Return the capitalised names of a text, lowercased, without words of nations.

        Capitalised words the lexicon knows are no names ("The", "Yes", "Prime") do not count.
        """
        names = set()
        for found in _CAPITALISED.finditer(text):
            word = normalize(found.group())
            if word and word not in self.not_names and not word.endswith(self.not_name_endings):
                names.add(word)
        return frozenset(names)


def _after(words: Iterable[str]) -> re.Pattern[str]:
    """Return a pattern for a capitalised name after one of ``words`` ("in the BRICS states")."""
    before = "|".join(re.escape(word) for word in words if word)
    if not before:
        return re.compile(r"(?!)")
    return re.compile(rf"\b(?i:{before})\s+(?:the\s+|[a-z]+\s+)?({_WORD}(?:\s+{_WORD})*)")


def _lowercase_ascii(pattern: str) -> bool:
    """True for a regex of ASCII with no capital letter but in escapes (\\S, \\W, \\B...)."""
    return pattern.isascii() and not any(map(str.isupper, re.sub(r"\\.", "", pattern)))


def _starts(pattern: Pattern, padded: str) -> bool:
    """True when "word word " text starts with a phrase of ``pattern``.

    A phrase is never empty (compile_pattern refuses patterns that can match nothing), so one
    match of the phrase at the start says it; ``leading`` would try it again and again.
    """
    return pattern.whole.match(padded) is not None


def _words_of(pattern: re.Pattern[str], text: str) -> frozenset[str]:
    """Return the normalised words of the names ``pattern`` finds (its first group)."""
    return frozenset(
        word for found in pattern.finditer(text) for word in normalize(found[1]).split()
    )


def _words_at(text: str, found: re.Match[str]) -> tuple[str, ...]:
    """Return the normalised words of ``text`` a match falls in ("3" in "3,200km": 3200 km)."""
    start, end = found.span()
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return tuple(normalize(text[start:end]).split())


def _same_name(name: str, words: Sequence[str]) -> bool:
    """True when a question word is the name or a form of it ("russia", "russias")."""
    return any(word == name or (word[:4] == name[:4] and len(word) >= 4) for word in words)


def kinds_file() -> Path:
    """Return the lexicon's kinds file."""
    return Path(__file__).resolve().parent / "lexicon" / "kinds.yaml"


@cache
def default_kinds() -> Kinds:
    """Read the package's kinds once per process."""
    return read_kinds(kinds_file(), default_lexicon()["not_names"])


def read_kinds(path: Path, not_names: Iterable[str] = ()) -> Kinds:
    """Read a kinds file; raise KindsError naming what is wrong."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), list):
        raise KindsError(f"{path.name}: expected a mapping with a list of kinds")
    if not isinstance(data.get("not_said"), str) or not data["not_said"].strip():
        raise KindsError(f"{path.name}: expected not_said: what to say of an unsaid aspect")
    kinds = []
    allowed = {
        "kind",
        "asks",
        "not_said",
        "examples",
        "evidence",
        "within",
        "words",
        "after",
        "at_start",
        "asks_instance",
    }
    for item in data["kinds"]:
        name = item.get("kind", "?") if isinstance(item, dict) else "?"
        where = f"{path.name}: kind {name!r}"
        if not isinstance(item, dict) or set(item) - allowed:
            raise KindsError(f"{where}: expected the keys {sorted(allowed)}")
        if not item.get("asks") or not item.get("not_said") or not item.get("examples"):
            raise KindsError(f"{where}: every kind needs asks, not_said and examples")
        try:
            instance = tuple(compile_pattern(str(p)) for p in item.get("asks_instance") or ())
            asks = tuple(compile_pattern(str(p)) for p in item["asks"]) + instance
        except PatternError as error:
            raise KindsError(f"{where}: {error}") from None
        evidence = [str(e) for e in item.get("evidence") or ()]
        try:
            compiled = tuple(
                re.compile(e, re.IGNORECASE)
                for e in evidence
                if e not in (NAMES, FULL_NAMES, PLACES)
            )
        except re.error as error:
            raise KindsError(f"{where}: evidence: {error}") from None
        kinds.append(
            Kind(
                str(name),
                asks,
                str(item["not_said"]),
                tuple(map(str, item["examples"])),
                compiled,
                NAMES in evidence,
                FULL_NAMES in evidence,
                PLACES in evidence,
                str(item.get("within", "")),
                frozenset(map(normalize, item.get("words") or ())),
                tuple(map(normalize, item.get("after") or ())),
                bool(item.get("at_start", False)),
                len(instance),
            )
        )
    known = {kind.name for kind in kinds}
    if known != set(ANSWER_KINDS):
        raise KindsError(
            f"{path.name}: must define exactly the kinds entries may name: "
            + ", ".join(ANSWER_KINDS)
        )
    for kind in kinds:
        if kind.within and kind.within not in known:
            raise KindsError(f"{path.name}: kind {kind.name!r}: within unknown {kind.within!r}")
    endings = _word_list(data, "not_name_endings", path)
    counted = _word_list(data, "counted", path)
    locatives = _word_list(data, "locatives", path)
    settled = _word_list(data, "settled", path)
    units = data.get("units") or []
    if not isinstance(units, list) or not all(_is_words(unit) for unit in units):
        raise KindsError(f"{path.name}: units: expected a list of lists of words, one per measure")
    return Kinds(
        kinds, endings, not_names, data["not_said"].strip(), counted, locatives, units, settled
    )


def _word_list(data: Mapping[str, object], key: str, path: Path) -> list[str]:
    """Return an optional top-level list of words; raise KindsError for anything else."""
    value = data.get(key) or []
    if not isinstance(value, list) or not _is_words(value):
        raise KindsError(f"{path.name}: {key}: expected a list of words")
    return [str(word) for word in value]


def _is_words(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(word, str) for word in value)
