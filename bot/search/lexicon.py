"""The lexicon: the word lists and phrase rules matching uses, read from data files.

Every list lives in ``bot/search/lexicon/``, one row a line, each row with an example question
(``tests/search/test_lexicon.py`` asks every example and checks the row does what its file says).
What a list *means* is said at the top of its file; this module only reads them:

- ``filler.txt``: words that say how someone asks, not what about; dropped from questions.
- ``shorthand.txt``: what people type for a word (``abt -> about``), read before anything else.
- ``aspects.txt``, ``saying.txt``: things an article like this one does not say of its people
  (age, family, ...), and the words for what someone said; a short question asking one is only
  answered by an entry that uses the word itself.
- ``document.txt``: words for the text itself ("what does the *article* say" is nobody's words).
- ``metadata.txt``: words that ask for an article's metadata (who wrote it, when, its gist).
- ``personal.txt``: words of someone talking to the bot or about themselves.
- ``typo_prone.txt``: question words people often mistype ("hwo", "wat", "teh").
- ``refers_back.txt``: words by which a last sentence points back at what came before.
- ``not_names.txt``: capitalised words of the article that are no names to look up.
- ``phrases.yaml``: phrase rules in the word-pattern language of bot/text/patterns.py.

Words of the knowledge base itself (its names, its synonyms) belong in ``knowledge/``, where
moderators see them; nothing here may name the article's subjects.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from bot.text.normalize import normalize
from bot.text.patterns import Pattern, PatternError, compile_pattern

log = logging.getLogger(__name__)

WORD_LISTS = (
    "filler",
    "aspects",
    "saying",
    "document",
    "metadata",
    "personal",
    "typo_prone",
    "refers_back",
    "not_names",
)
# Sections of phrases.yaml, in the order they are applied to a question (see Analyzer.prepare).
PHRASE_SECTIONS = ("framings", "idioms", "greetings", "address", "small_talk", "help", "requests")
SLOTS = ("author",)


class LexiconError(ValueError):
    """A lexicon file that cannot be read; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a lexicon file: the word (or rule) and the example question that shows it."""

    list: str
    entry: str
    example: str
    line: int
    target: str = ""  # shorthand: what the word means; phrase rules: what the phrase is said as

    def __str__(self) -> str:
        return f"{self.list}:{self.line}: {self.entry!r}"


@dataclass(frozen=True, slots=True)
class PhraseRule:
    """A phrase rule of phrases.yaml: a pattern, what it is said as, and an example."""

    section: str
    name: str
    pattern: str  # the source, compiled per knowledge base (slots such as {author} vary)
    say: str
    example: str

    def compile(self, slots: Mapping[str, Iterable[str]]) -> Pattern:
        """Compile the pattern with the knowledge base's slot values."""
        return compile_pattern(self.pattern, {k: tuple(v) for k, v in slots.items()})


@dataclass(frozen=True)
class Lexicon:
    """Every list and rule of the lexicon, as read from its files."""

    words: Mapping[str, frozenset[str]]
    shorthand: Mapping[str, str]
    phrases: Mapping[str, tuple[PhraseRule, ...]]
    rows: tuple[Row, ...] = field(default=(), repr=False)
    slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # {name} in phrase rules

    def __getitem__(self, name: str) -> frozenset[str]:
        return self.words[name]

    def without(self, row: Row | PhraseRule) -> Lexicon:
        """Return the lexicon less one row: how the ablation measures what a row is worth."""
        if isinstance(row, PhraseRule):
            phrases = {
                section: tuple(rule for rule in rules if rule != row)
                for section, rules in self.phrases.items()
            }
            return Lexicon(self.words, self.shorthand, phrases, self.rows, self.slots)
        rows = tuple(r for r in self.rows if r != row)
        if row.list == "shorthand":
            shorthand = {k: v for k, v in self.shorthand.items() if k != row.entry}
            return Lexicon(self.words, shorthand, self.phrases, rows, self.slots)
        words = dict(self.words)
        words[row.list] = words[row.list] - {row.entry}
        return Lexicon(words, self.shorthand, self.phrases, rows, self.slots)


def lexicon_dir() -> Path:
    """Return the folder of the lexicon's data files."""
    return Path(str(resources.files("bot.search") / "lexicon"))


@cache
def default_lexicon() -> Lexicon:
    """Read the package's lexicon once per process."""
    return read_lexicon(lexicon_dir())


def read_lexicon(folder: Path) -> Lexicon:
    """Read every lexicon file in ``folder``; raise LexiconError on the first malformed row."""
    rows: list[Row] = []
    words: dict[str, frozenset[str]] = {}
    for name in WORD_LISTS:
        found = _read_rows(folder / f"{name}.txt", name)
        rows += found
        words[name] = frozenset(row.entry for row in found)
    shorthand_rows = _read_rows(folder / "shorthand.txt", "shorthand", arrow=True)
    rows += shorthand_rows
    shorthand = {row.entry: row.target for row in shorthand_rows}
    phrases, slots = _read_phrases(folder / "phrases.yaml")
    return Lexicon(words, shorthand, phrases, tuple(rows), slots)


def _read_rows(path: Path, name: str, *, arrow: bool = False) -> list[Row]:
    """Read ``word | example`` rows (``word -> meaning | example`` with ``arrow``)."""
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if raw.lstrip().startswith("#") else raw.strip()
        if not line:
            continue
        entry, bar, example = (part.strip() for part in line.partition(" | "))
        where = f"{path.name}:{number}"
        if not bar or not example:
            shape = "word -> meaning | example" if arrow else "word | example question"
            raise LexiconError(f"{where}: expected '{shape}', got {raw!r}")
        target = ""
        if arrow:
            entry, sep, target = (part.strip() for part in entry.partition(" -> "))
            if not sep or not target:
                raise LexiconError(f"{where}: expected 'word -> meaning | example', got {raw!r}")
        if " " in entry or normalize(entry) != entry:
            raise LexiconError(f"{where}: {entry!r} must be one word as matching reads it")
        if entry in seen:
            raise LexiconError(f"{where}: {entry!r} is already on line {seen[entry]}")
        seen[entry] = number
        rows.append(Row(name, entry, example, number, target))
    return rows


def _read_phrases(
    path: Path,
) -> tuple[dict[str, tuple[PhraseRule, ...]], dict[str, tuple[str, ...]]]:
    """Read phrases.yaml: slots (name -> phrases) and sections of {name, pattern, say, example}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise LexiconError(f"{path.name}: expected a mapping of sections")
    slots = {str(name): tuple(map(str, phrases)) for name, phrases in data.pop("slots", {}).items()}
    known_slots = {**slots, **{slot: () for slot in SLOTS}}
    phrases: dict[str, tuple[PhraseRule, ...]] = {}
    for section, items in data.items():
        if section not in PHRASE_SECTIONS:
            raise LexiconError(f"{path.name}: unknown section {section!r}")
        rules = []
        for item in items:
            if set(item) - {"name", "pattern", "say", "example"} or not {
                "name",
                "pattern",
                "example",
            } <= set(item):
                raise LexiconError(
                    f"{path.name}: {section}: a rule has name, pattern, example (and say): {item}"
                )
            rule = PhraseRule(
                section, item["name"], item["pattern"], item.get("say", ""), item["example"]
            )
            try:
                rule.compile(known_slots)
            except PatternError as error:
                raise LexiconError(f"{path.name}: {section}: {rule.name}: {error}") from None
            rules.append(rule)
        phrases[section] = tuple(rules)
    for section in PHRASE_SECTIONS:
        phrases.setdefault(section, ())
    return phrases, slots
