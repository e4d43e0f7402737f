"""Load a knowledge directory: sources, Q&A entries and regression questions, all validated.

Every problem is collected and reported together; nothing is returned unless the whole directory
is valid, so a caller can keep serving its previous knowledge base when this raises.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import yaml
from rapidfuzz import process

from bot.knowledge.about import inferred_about
from bot.knowledge.model import (
    ABOUT_FIELDS,
    ANSWER_KINDS,
    CitedQuote,
    Entry,
    KnowledgeBase,
    KnowledgeError,
    Problem,
    RegressionCase,
    Rewrite,
    Source,
)
from bot.knowledge.parallel import read_in_order
from bot.knowledge.sources import FoldedText, explain_miss, locate, split_paragraphs
from bot.knowledge.yaml_strict import (
    MAX_FILE_BYTES,
    STR_TAG,
    YamlSyntaxError,
    describe_non_string,
    duplicate_keys,
    line_of,
    parse_yaml,
)
from bot.text.normalize import normalize
from bot.text.patterns import PatternError, compile_pattern
from bot.text.stem import stem

log = logging.getLogger(__name__)

SOURCES_DIR = "sources"
QA_DIR = "qa"
# One folder per article: articles/<id>/article.yaml (metadata), its text, and qa/*.yaml whose
# entries belong to that article without a `source:` field.
ARTICLES_DIR = "articles"
ARTICLE_FILE = "article.yaml"
ARTICLE_TEXT = "article.txt"
REGRESSIONS_FILE = "tests.yaml"
SYNONYMS_FILE = "synonyms.yaml"
PHRASES_FILE = "phrases.yaml"
YAML_SUFFIXES = (".yaml", ".yml")

# Discord embeds allow 4,096 characters of description, but an answer is a sentence or two: 600
# keeps the answer and its three quotes inside one 2,000-character plain message as well.
MAX_ANSWER_CHARS = 600
# A quote is shown in an embed field (1,024 characters) with a "> " prefix and a citation line.
MAX_QUOTE_CHARS = 900
MAX_QUOTES = 3
# Discord's limit for a button or select label is 80; a question is shown on "did you mean" buttons
# and in /topics, where longer text is trimmed, so we cap it well above that but keep it a question.
MAX_QUESTION_CHARS = 300
MAX_PHRASE_CHARS = 300
NO_ANSWER = "no-answer"

ENTRY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SOURCE_FIELDS = {
    "id": True,
    "title": True,
    "author": True,
    "publication": True,
    "file": True,
    "author_bio": False,
    "section": False,
    "url": False,
    "date": False,
}
# In an article's folder the folder names the article and the text is article.txt by default;
# `added` (an ISO date, written by new-article) says which article is the newest.
ARTICLE_FIELDS = {
    **SOURCE_FIELDS,
    "id": False,
    "file": False,
    "publication": False,  # new-article leaves it out when not given
    "added": False,
}
# Identical problems beyond this many are listed once, with a count and a few places.
GROUP_AFTER = 3
QA_FILE_FIELDS = {"topic": True, "entries": True}
ENTRY_FIELDS = {
    "id": True,
    "question": True,
    "answer": True,
    "quotes": True,
    "alternates": False,
    "keywords": False,
    "source": False,
    "answers": False,
    "about": False,
}
REGRESSION_FILE_FIELDS = {"cases": True}
SYNONYM_FILE_FIELDS = {"synonyms": False, "names": False}
PHRASE_FILE_FIELDS = {"phrases": False, "questions": False}
REWRITE_FIELDS = {"say": True, "for": True}
REGRESSION_FIELDS = {"question": True, "expect": True, "article": False}


@dataclass
class _Collector:
    """Accumulates problems for one file, tagging each with the file's display path."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        message: str,
        line: int | None = None,
        entry_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.problems.append(Problem(self.file, message, line, entry_id, field))


def display_path(path: Path, directory: Path) -> str:
    """Show a path as the moderator knows it: relative to the knowledge dir's parent."""
    try:
        return str(path.relative_to(directory.parent))
    except ValueError:
        return str(path)


def _read_mapping(
    path: Path, directory: Path, problems: list[Problem], hasher: hashlib._Hash
) -> tuple[yaml.MappingNode | None, _Collector]:
    """Read one YAML file whose top level must be a mapping; record problems."""
    out = _Collector(display_path(path, directory))
    data = _read_bytes(path, out)
    node = None
    if data is not None:
        hasher.update(_hashed(out.file, data))
        node = _parse_mapping(data, out)
    problems.extend(out.problems)
    return node, out


def _read_bytes(path: Path, out: _Collector) -> bytes | None:
    """Return a file's bytes, or None after recording why it cannot be read."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        out.add("is a directory, expected a YAML file")
    except OSError as error:
        out.add(f"cannot be read: {error.strerror or error}")
    return None


def _hashed(file: str, data: bytes) -> bytes:
    """What the knowledge's version hashes of a file: its name and its bytes."""
    return file.encode() + b"\0" + data + b"\0"


def _parse_mapping(data: bytes, out: _Collector) -> yaml.MappingNode | None:
    """Parse a file's bytes, whose top level must be a mapping; None after recording why not."""
    try:
        node = parse_yaml(data)
    except YamlSyntaxError as error:
        out.add(error.message, error.line)
        return None
    if node is None:
        out.add("is empty")
    elif not isinstance(node, yaml.MappingNode):
        out.add("top level must be a mapping (key: value lines)", line_of(node))
    else:
        return node
    return None


def _fields(
    node: yaml.MappingNode,
    allowed: dict[str, bool],
    out: _Collector,
    entry_id: str | None = None,
    prefix: str = "",
) -> dict[str, yaml.Node]:
    """Check a mapping's keys (unknown, duplicate, missing) and return key -> value node."""
    for duplicate in duplicate_keys(node):
        out.add(
            f"duplicate key (first on line {duplicate.first_line}); keep one",
            duplicate.line,
            entry_id,
            prefix + duplicate.key,
        )
    values: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in allowed:
            guess = process.extractOne(key, list(allowed), score_cutoff=60)
            hint = f"; did you mean '{guess[0]}'?" if guess else ""
            known = ", ".join(allowed)
            out.add(
                f"unknown field{hint} (known fields: {known})",
                line_of(key_node),
                entry_id,
                prefix + key,
            )
            continue
        values.setdefault(key, value_node)
    for key, required in allowed.items():
        if required and key not in values:
            out.add("is missing", line_of(node), entry_id, prefix + key)
    return values


def _text(
    node: yaml.Node | None,
    out: _Collector,
    name: str,
    entry_id: str | None = None,
    *,
    allow_empty: bool = False,
    max_chars: int | None = None,
) -> str | None:
    """Read a string field strictly: text only, trimmed, non-empty unless allowed."""
    if node is None:
        return None
    why = describe_non_string(node)
    if why is not None:
        if allow_empty and node.tag == "tag:yaml.org,2002:null":
            return ""
        out.add(why, line_of(node), entry_id, name)
        return None
    value = str(node.value).strip()
    if not value and not allow_empty:
        out.add("is empty", line_of(node), entry_id, name)
        return None
    if max_chars is not None and len(value) > max_chars:
        out.add(
            f"is {len(value)} characters; keep it under {max_chars}", line_of(node), entry_id, name
        )
        return None
    return value


def _text_list(
    node: yaml.Node | None,
    out: _Collector,
    name: str,
    entry_id: str | None = None,
    *,
    max_chars: int | None = None,
) -> list[tuple[str, int]] | None:
    """Read a list of strings, each with its line; a single string is not accepted as a list."""
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        out.add("must be a list (lines starting with '- ')", line_of(node), entry_id, name)
        return None
    items: list[tuple[str, int]] = []
    ok = True
    for index, item in enumerate(node.value):
        # Most items are plain text that fits: read here, without the checks' messages made up.
        if type(item) is yaml.ScalarNode and item.tag == STR_TAG:
            value: str | None = str(item.value).strip()
            if value and (max_chars is None or len(value) <= max_chars):
                items.append((value, line_of(item)))
                continue
        value = _text(item, out, f"{name}[{index + 1}]", entry_id, max_chars=max_chars)
        if value is None:
            ok = False
        else:
            items.append((value, line_of(item)))
    return items if ok else None


@dataclass
class _Article:
    """One folder under articles/: its id, and whether its metadata and text loaded."""

    folder: Path
    source_id: str
    loaded: bool


def _load_sources(
    directory: Path, problems: list[Problem], hasher: hashlib._Hash
) -> tuple[dict[str, tuple[Source, FoldedText]], list[_Article]]:
    """Load every source's metadata and text: sources/*.yaml and articles/<id>/article.yaml."""
    sources: dict[str, tuple[Source, FoldedText]] = {}
    source_dir = directory / SOURCES_DIR
    for path in _yaml_files(source_dir):
        _load_source(path, directory, SOURCE_FIELDS, sources, problems, hasher)
    articles = []
    for folder in _article_folders(directory):
        article_id = folder.name
        if not ENTRY_ID.match(article_id):
            problems.append(Problem(display_path(folder, directory), f"folder name {_ID_RULE}"))
            continue
        path = folder / ARTICLE_FILE
        if not path.is_file():
            problems.append(
                Problem(
                    display_path(folder, directory),
                    f"has no {ARTICLE_FILE} (the article's title, author and publication)",
                )
            )
            articles.append(_Article(folder, article_id, loaded=False))
            continue
        loaded = _load_source(
            path, directory, ARTICLE_FIELDS, sources, problems, hasher, folder_id=article_id
        )
        articles.append(_Article(folder, article_id, loaded))
    if not sources and not problems:
        where = display_path(directory / ARTICLES_DIR, directory)
        problems.append(
            Problem(where, "has no articles; add one with `python -m bot new-article FILE ...`")
        )
    return sources, articles


def _article_folders(directory: Path) -> list[Path]:
    folder = directory / ARTICLES_DIR
    if not folder.is_dir():
        return []
    return sorted(
        path for path in folder.iterdir() if path.is_dir() and not path.name.startswith(".")
    )


def _load_source(
    path: Path,
    directory: Path,
    allowed: dict[str, bool],
    sources: dict[str, tuple[Source, FoldedText]],
    problems: list[Problem],
    hasher: hashlib._Hash,
    *,
    folder_id: str | None = None,
) -> bool:
    """Load one article's metadata and text into ``sources``; False after recording problems.

    ``folder_id`` is the id of an article folder, where ``id`` and ``file`` may be left out.
    """
    node, out = _read_mapping(path, directory, problems, hasher)
    if node is None:
        return False
    values = _fields(node, allowed, out)
    meta = {
        key: _text(values.get(key), out, key, allow_empty=not required)
        for key, required in allowed.items()
    }
    problems.extend(out.problems)
    source_id = meta["id"] or folder_id
    file_name = meta["file"] or (ARTICLE_TEXT if folder_id is not None else None)
    if out.problems or source_id is None or file_name is None:
        return False
    if folder_id is not None and source_id != folder_id:
        problems.append(
            Problem(
                out.file,
                f"id {source_id!r} differs from the folder's name {folder_id!r}; "
                "the folder names the article (leave id out)",
                line_of(values["id"]),
                field="id",
            )
        )
        return False
    if not ENTRY_ID.match(source_id):
        problems.append(Problem(out.file, _ID_RULE, line_of(values["id"]), field="id"))
        return False
    if source_id in sources:
        problems.append(
            Problem(
                out.file,
                f"duplicate source id {source_id!r} (first in {sources[source_id][0].file})",
                line_of(values["id"]) if "id" in values else None,
            )
        )
        return False
    text_path = path.parent / file_name
    try:
        raw = text_path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = (
            "is not valid UTF-8"
            if isinstance(error, UnicodeDecodeError)
            else (f"cannot be read: {error.strerror or error}")
        )
        problems.append(
            Problem(
                out.file,
                f"text file {file_name!r} {reason}",
                line_of(values["file"]) if "file" in values else None,
                field="file",
            )
        )
        return False
    hasher.update(file_name.encode() + b"\0" + raw + b"\0")
    added = _added(meta.get("added"), values.get("added"), out.file, problems)
    if added is None:
        return False
    source = Source(
        id=source_id,
        title=meta["title"] or "",
        author=meta["author"] or "",
        publication=meta["publication"] or "",
        text=text,
        paragraphs=split_paragraphs(text),
        author_bio=meta["author_bio"] or "",
        section=meta["section"] or "",
        url=meta["url"] or "",
        date=meta["date"] or "",
        file=display_path(text_path, directory),
        added=added,
    )
    sources[source_id] = (source, FoldedText.of(text))
    return True


def _added(
    text: str | None, node: yaml.Node | None, file: str, problems: list[Problem]
) -> str | None:
    """Read ``added`` as a date or date and time; "" when absent, None after a problem.

    Kept as an ISO string of one shape ("2026-12-06T14:05:00"), so strings compare as times.
    """
    if not text:
        return ""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        problems.append(
            Problem(
                file,
                f"{text!r} is not a date; write it like 2026-12-06 or 2026-12-06T14:05",
                line_of(node) if node is not None else None,
                field="added",
            )
        )
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.isoformat()


_ID_RULE = "must be lowercase letters, digits and single hyphens, like 'gas-deal-value'"


def _yaml_files(folder: Path) -> list[Path]:
    """Return the YAML files under a folder, sorted, skipping editor backups and hidden files."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.rglob("*")
        if path.suffix in YAML_SUFFIXES and not path.name.startswith((".", "#", "~"))
    )


class _Phrase(NamedTuple):
    """Where a phrasing was first met (see _Phrases)."""

    entry_id: str
    file: str
    line: int
    alternate: int  # 0 for the question, else the alternate's number

    @property
    def field(self) -> str:
        return _phrasing_field(self.alternate)


def _phrasing_field(alternate: int) -> str:
    """The field a phrasing is in: 0 is the question, else the alternate of that number."""
    return f"alternates[{alternate}]" if alternate else "question"


def _load_entry(
    node: yaml.Node,
    index: int,
    out: _Collector,
    topic: str,
    sources: dict[str, tuple[Source, FoldedText]],
    owner: str | None,
    cited: dict[tuple[str, str], CitedQuote | str],
) -> Entry | None:
    """Validate one entry; return it, or None after recording its problems.

    ``owner`` is the article whose folder holds the entry's file (None: the top-level qa/).
    ``cited`` remembers each quote's citation by (source, text): entries often quote the same
    sentence, which is then looked up once and shared.
    """
    if not isinstance(node, yaml.MappingNode):
        out.add(f"entry #{index} must be a mapping (id:, question:, ...)", line_of(node))
        return None
    before = len(out.problems)
    id_node = next((v for k, v in node.value if k.value == "id"), None)
    entry_id = _text(id_node, out, "id")
    label = entry_id or f"#{index}"
    values = _fields(node, ENTRY_FIELDS, out, label)
    if entry_id is not None and not ENTRY_ID.match(entry_id):
        out.add(_ID_RULE, line_of(values["id"]), label, "id")
    question = _text(values.get("question"), out, "question", label, max_chars=MAX_QUESTION_CHARS)
    answer = _text(values.get("answer"), out, "answer", label, max_chars=MAX_ANSWER_CHARS)
    alternates = _text_list(
        values.get("alternates"), out, "alternates", label, max_chars=MAX_PHRASE_CHARS
    )
    keywords = _text_list(
        values.get("keywords"), out, "keywords", label, max_chars=MAX_PHRASE_CHARS
    )
    quote_items = _text_list(values.get("quotes"), out, "quotes", label, max_chars=MAX_QUOTE_CHARS)
    kinds = _answer_kinds(values.get("answers"), out, label)
    about = _about(values.get("about"), out, label)

    source_id = _text(values.get("source"), out, "source", label)
    if owner is not None and source_id not in (None, owner):
        out.add(
            f"this file is in the folder of article {owner!r}, so its entries belong to it; "
            "remove source:",
            line_of(values["source"]),
            label,
            "source",
        )
        source_id = None  # its quotes are not checked against another article as well
    elif owner is not None:
        source_id = owner
    elif source_id is None and "source" not in values:
        if len(sources) == 1:
            source_id = next(iter(sources))
        elif sources:
            out.add(
                f"is required when there are several sources ({', '.join(sorted(sources))})",
                line_of(node),
                label,
                "source",
            )
    quotes: list[CitedQuote] = []
    if quote_items is not None and "quotes" in values:
        if not 1 <= len(quote_items) <= MAX_QUOTES:
            out.add(
                f"needs 1 to {MAX_QUOTES} quotes, found {len(quote_items)}",
                line_of(values["quotes"]),
                label,
                "quotes",
            )
        if source_id is not None and source_id not in sources:
            if sources:
                out.add(
                    f"unknown source {source_id!r} (known: {', '.join(sorted(sources))})",
                    line_of(values["source"]),
                    label,
                    "source",
                )
        elif source_id is not None:
            source, folded = sources[source_id]
            for number, (text, line) in enumerate(quote_items, start=1):
                citation = cited.get((source_id, text))
                if citation is None:
                    citation = cited[source_id, text] = _cite(text, source, folded)
                if isinstance(citation, str):
                    out.add(citation, line, label, f"quotes[{number}]")
                else:
                    quotes.append(citation)
    if len(out.problems) > before or None in (entry_id, question, answer, source_id):
        return None
    assert entry_id and question and answer and source_id and alternates is not None
    assert keywords is not None and kinds is not None
    return Entry(
        id=entry_id,
        question=question,
        answer=answer,
        quotes=tuple(quotes),
        source_id=source_id,
        alternates=tuple(dict.fromkeys(text for text, _ in alternates)),
        keywords=tuple(dict.fromkeys(text for text, _ in keywords)),
        topic=topic,
        file=out.file,
        line=line_of(node),
        answers=kinds,
        about=about or inferred_about(question),
    )


def _about(node: yaml.Node | None, out: _Collector, label: str) -> str | None:
    """Read an entry's optional ``about:`` (what it tells about the article itself)."""
    told = _text(node, out, "about", label)
    if node is None or told is None or told in ABOUT_FIELDS:
        return told
    guess = process.extractOne(told.casefold(), ABOUT_FIELDS, score_cutoff=60)
    hint = f"; did you mean {guess[0]!r}?" if guess else ""
    out.add(
        f"unknown value {told!r}{hint} (known: {', '.join(ABOUT_FIELDS)})",
        line_of(node),
        label,
        "about",
    )
    return None


def _answer_kinds(node: yaml.Node | None, out: _Collector, label: str) -> tuple[str, ...] | None:
    """Read an entry's optional ``answers:`` list of kinds; None after recording a problem."""
    items = _text_list(node, out, "answers", label)
    if items is None:
        return None
    kinds = []
    for number, (kind, line) in enumerate(items, start=1):
        if kind not in ANSWER_KINDS:
            guess = process.extractOne(kind, ANSWER_KINDS, score_cutoff=60)
            hint = f"; did you mean {guess[0]!r}?" if guess else ""
            out.add(
                f"unknown kind {kind!r}{hint} (known: {', '.join(ANSWER_KINDS)})",
                line,
                label,
                f"answers[{number}]",
            )
            return None
        kinds.append(kind)
    return tuple(dict.fromkeys(kinds))


def _cite(text: str, source: Source, folded: FoldedText) -> CitedQuote | str:
    """Locate a quote verbatim in its source, or explain why it is not there."""
    span = locate(folded, source.text, text)
    if span is None:
        return f"not found verbatim in source '{source.id}': {explain_miss(folded, text)}"
    start, end = span
    first = source.paragraph_at(start)
    last = source.paragraph_at(end - 1)
    if first.number != last.number:
        return (
            f"spans paragraphs {first.number} to {last.number} of source '{source.id}'; "
            "split it into one quote per paragraph"
        )
    # Entries often quote the same sentence: one copy of its text serves them all.
    return CitedQuote(sys.intern(source.text[start:end]), source.id, first.number, start, end)


def _load_qa(
    directory: Path,
    sources: dict[str, tuple[Source, FoldedText]],
    articles: list[_Article],
    problems: list[Problem],
    hasher: hashlib._Hash,
    normalized: dict[str, str] | None = None,
    workers: int = 1,
) -> tuple[list[Entry], set[str]]:
    """Load every Q&A file and check ids and phrasings across all of them.

    Return the entries, and the ids of entries that failed to load (so that what refers to
    them can say so instead of reporting each as unknown). Each file is read on its own
    (_read_qa_file), by up to ``workers`` processes (parallel.read_in_order); what spans files
    is checked here, in file order, so the result and every message are the same however many
    read them.
    """
    entries: list[Entry] = []
    failed: set[str] = set()
    files: list[tuple[Path, str | None]] = [
        (path, None) for path in _yaml_files(directory / QA_DIR)
    ]
    for article in articles:
        found = _yaml_files(article.folder / QA_DIR)
        if article.loaded:
            files += [(path, article.source_id) for path in found]
        elif found:  # its quotes cannot be checked: one line, not one per entry
            problems.append(
                Problem(
                    display_path(article.folder / QA_DIR, directory),
                    f"{len(found)} Q&A file(s) not checked: the article failed to load",
                )
            )
            for path in found:
                failed |= _entry_ids(path)
    if not files and not failed:
        problems.append(
            Problem(display_path(directory / QA_DIR, directory), "has no Q&A files (*.yaml)")
        )
    seen_ids: dict[str, Entry] = {}
    seen_phrases: defaultdict[str, _Phrases] = defaultdict(lambda: _Phrases(normalized))
    cited: dict[tuple[str, str], CitedQuote | str] = {}

    def read_file(item: tuple[Path, str | None]) -> _QaFile:
        return _read_qa_file(item[0], item[1], directory, sources, cited)

    for qa_file in read_in_order(files, read_file, size=_file_size, workers=workers):
        if qa_file.data is not None:
            hasher.update(_hashed(qa_file.file, qa_file.data))
        failed |= qa_file.failed
        out = _Collector(qa_file.file, qa_file.problems)
        for read in qa_file.entries:
            out.problems += read.problems
            entry = read.entry
            if entry is None:
                failed.add(read.node_id)
                continue
            if entry.id in seen_ids:
                first = seen_ids[entry.id]
                out.add(
                    f"duplicate id (first used at {first.file}:{first.line})",
                    entry.line,
                    entry.id,
                    "id",
                )
                continue
            seen_ids[entry.id] = entry
            _check_phrases(read.phrasings, entry, out, seen_phrases[entry.source_id])
            entries.append(entry)
        problems.extend(out.problems)
    for phrases in seen_phrases.values():
        phrases.let_go()
    failed.discard("")
    return entries, failed - seen_ids.keys()


class _ReadEntry(NamedTuple):
    """One entry of a Q&A file as read on its own, before what spans entries is checked."""

    entry: Entry | None  # None: it failed to load, for ``problems``
    node_id: str  # the id it gives itself, or ""
    problems: list[Problem]
    phrasings: list[tuple[str, str, int]]  # its question and alternates: text, normalised, line


class _QaFile(NamedTuple):
    """A Q&A file as read on its own: no other file is consulted (see _load_qa)."""

    file: str  # as shown to moderators
    data: bytes | None  # for the knowledge's version; None when it could not be read
    problems: list[Problem]  # the file's own, before its entries'
    entries: list[_ReadEntry]
    failed: set[str]  # when the file did not parse: the ids its text shows


def _read_qa_file(
    path: Path,
    owner: str | None,
    directory: Path,
    sources: dict[str, tuple[Source, FoldedText]],
    cited: dict[tuple[str, str], CitedQuote | str],
) -> _QaFile:
    """Read and check one Q&A file and each of its entries on its own."""
    out = _Collector(display_path(path, directory))
    data = _read_bytes(path, out)
    node = None if data is None else _parse_mapping(data, out)
    if node is None:
        return _QaFile(out.file, data, out.problems, [], _entry_ids(path))
    values = _fields(node, QA_FILE_FIELDS, out)
    topic = _text(values.get("topic"), out, "topic") or ""
    entries_node = values.get("entries")
    read: list[_ReadEntry] = []
    if entries_node is not None and not isinstance(entries_node, yaml.SequenceNode):
        out.add(
            "must be a list of entries (lines starting with '- ')",
            line_of(entries_node),
            field="entries",
        )
    elif entries_node is not None:
        for index, entry_node in enumerate(entries_node.value, start=1):
            said = _Collector(out.file)  # the entry's own problems, apart from the file's
            entry = _load_entry(entry_node, index, said, topic, sources, owner, cited)
            if entry is None:
                read.append(_ReadEntry(None, _node_id(entry_node), said.problems, []))
            else:
                phrasings = _phrasings(entry_node, entry)
                read.append(_ReadEntry(entry, entry.id, said.problems, phrasings))
    return _QaFile(out.file, data, out.problems, read, set())


def _phrasings(node: yaml.Node, entry: Entry) -> list[tuple[str, str, int]]:
    """An entry's question and each alternate as written, normalised, with its line."""
    assert isinstance(node, yaml.MappingNode)
    lines = {k.value: v for k, v in node.value}
    fields: list[tuple[str, yaml.Node]] = [(entry.question, lines["question"])]
    alternates_node = lines.get("alternates")
    if isinstance(alternates_node, yaml.SequenceNode):
        fields += [(str(item.value), item) for item in alternates_node.value]
    return [(text, normalize(text), line_of(field_node)) for text, field_node in fields]


def _file_size(item: tuple[Path, str | None]) -> int:
    """A Q&A file's size in bytes (0 when it cannot be read: the reading says why)."""
    try:
        return item[0].stat().st_size
    except OSError:
        return 0


def _node_id(node: yaml.Node) -> str:
    """The id an entry's node gives itself, or "" when it has none that reads as text."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "id" and isinstance(value, yaml.ScalarNode):
                return str(value.value).strip()
    return ""


def _entry_ids(path: Path) -> set[str]:
    """The ids of a Q&A file that failed to load, as far as its text shows them."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return set(re.findall(r"^\s*-?\s*id:\s*['\"]?([a-z0-9-]+)", text, flags=re.M))


class _Phrases:
    """Every normalised question and alternate met so far, with where it was first met.

    Kept in many small dicts, not one: a dict of half a million phrasings grows by copying
    itself in one step of tens of milliseconds, during which no other thread runs (a bot
    reloading its knowledge would not hear Discord meanwhile). Freed a slice at a time too.
    Where a phrasing was met is one int (its entry's number, line and field), not a record:
    a large knowledge base has a million, all freed as the load ends, and as many records
    left gaps among the index built next (a bot held 40 MiB more after its reloads).
    """

    SHARDS = 256
    # Above any line or field number of a file under MAX_FILE_BYTES (a line is a byte at least).
    _PLACES = 1 << 21
    assert MAX_FILE_BYTES + 1 < _PLACES, "a larger file limit needs room for its line numbers"

    def __init__(self, normalized: dict[str, str] | None = None) -> None:
        self._shards: list[dict[str, int]] = [{} for _ in range(self.SHARDS)]
        self._entries: list[Entry] = []  # the entries met, by number
        self.normalized = normalized  # where each text met is kept with its normalised text

    def meet(self, entry: Entry) -> int:
        """Take note of an entry whose phrasings come next; return its number."""
        self._entries.append(entry)
        return len(self._entries) - 1

    def first(self, key: str) -> _Phrase | None:
        """Where a normalised phrasing was first met, or None."""
        where = self._shards[hash(key) % self.SHARDS].get(key)
        if where is None:
            return None
        where, alternate = divmod(where, self._PLACES)
        number, line = divmod(where, self._PLACES)
        entry = self._entries[number]
        return _Phrase(entry.id, entry.file, line, alternate)

    def note(self, key: str, entry_number: int, line: int, alternate: int) -> None:
        """Keep where a phrasing was met, unless it was met before."""
        where = (entry_number * self._PLACES + line) * self._PLACES + alternate
        self._shards[hash(key) % self.SHARDS].setdefault(key, where)

    def let_go(self) -> None:
        """Free every phrasing, one shard at a time."""
        while self._shards:
            self._shards.pop()
        self._entries = []


def _check_phrases(
    phrasings: list[tuple[str, str, int]], entry: Entry, out: _Collector, seen: _Phrases
) -> None:
    """Reject a question/alternate that another entry of its article uses (once normalised).

    ``seen`` holds the article's phrasings: each article may have its own "Who wrote it?".
    """
    number = seen.meet(entry)
    for alternate, (text, normalized, line) in enumerate(phrasings):
        if seen.normalized is not None:
            seen.normalized[text] = normalized
        if not normalized:
            out.add(
                "has no words left after normalisation",
                line,
                entry.id,
                _phrasing_field(alternate),
            )
            continue
        other = seen.first(normalized)
        if other is None:
            seen.note(normalized, number, line, alternate)
        elif other.entry_id != entry.id:
            out.add(
                f"collides with entry '{other.entry_id}' {other.field} "
                f"({other.file}:{other.line}) after normalisation ({normalized!r}); "
                "a question must lead to one entry",
                line,
                entry.id,
                _phrasing_field(alternate),
            )


def _load_regressions(
    directory: Path,
    entry_ids: Iterable[str],
    problems: list[Problem],
    hasher: hashlib._Hash,
    failed: Collection[str] = (),
    articles: Collection[str] = (),
    failed_articles: Collection[str] = (),
) -> list[RegressionCase]:
    """Load the moderators' regression questions, if the file exists.

    A case naming an entry in ``failed`` (it failed to load, and said why) is skipped, and the
    skipped cases are reported together in one line.
    """
    path = directory / REGRESSIONS_FILE
    if not path.exists():
        return []
    node, out = _read_mapping(path, directory, problems, hasher)
    if node is None:
        return []
    values = _fields(node, REGRESSION_FILE_FIELDS, out)
    cases_node = values.get("cases")
    known = set(entry_ids)
    cases: list[RegressionCase] = []
    skipped: list[str] = []
    if cases_node is not None and not isinstance(cases_node, yaml.SequenceNode):
        out.add("must be a list of cases", line_of(cases_node), field="cases")
    elif cases_node is not None:
        for index, case in enumerate(cases_node.value, start=1):
            name = f"cases[{index}]"
            if not isinstance(case, yaml.MappingNode):
                out.add("must be a mapping (question:, expect:)", line_of(case), field=name)
                continue
            fields = _fields(case, REGRESSION_FIELDS, out, prefix=f"{name}.")
            question = _text(fields.get("question"), out, f"{name}.question")
            expect = _text(fields.get("expect"), out, f"{name}.expect")
            article = _text(fields.get("article"), out, f"{name}.article")
            if article is not None and article in failed_articles:
                skipped.append(f"{name} (article {article})")
                continue
            if article is not None and article not in articles:
                out.add(
                    f"unknown article {article!r} (known: {', '.join(sorted(articles))})",
                    line_of(fields["article"]),
                    field=f"{name}.article",
                )
                continue
            if expect is not None and expect in failed:
                skipped.append(f"{name} ({expect})")
                continue
            if expect is not None and expect != NO_ANSWER and expect not in known:
                out.add(
                    f"unknown entry id {expect!r} (or '{NO_ANSWER}')",
                    line_of(fields["expect"]),
                    field=f"{name}.expect",
                )
                continue
            if question is not None and expect is not None:
                expected = None if expect == NO_ANSWER else expect
                cases.append(RegressionCase(question, expected, out.file, line_of(case), article))
    if skipped:
        shown = ", ".join(skipped[:GROUP_AFTER]) + (", ..." if len(skipped) > GROUP_AFTER else "")
        out.add(f"{len(skipped)} case(s) skipped: entry failed to load: {shown}")
    problems.extend(out.problems)
    return cases


def _load_synonyms(
    directory: Path,
    sources: dict[str, tuple[Source, FoldedText]],
    problems: list[Problem],
    hasher: hashlib._Hash,
) -> tuple[dict[str, tuple[str, ...]], dict[str, int], dict[str, tuple[str, ...]]]:
    """Load the moderators' synonym groups (article word -> words members use), if present.

    Returns the groups, the line of each group's key, and the other names of the article's
    names (``names:``, for quote search).
    """
    path = directory / SYNONYMS_FILE
    if not path.exists():
        return {}, {}, {}
    node, out = _read_mapping(path, directory, problems, hasher)
    if node is None:
        return {}, {}, {}
    fields = _fields(node, SYNONYM_FILE_FIELDS, out)
    names = _names(fields.get("names"), sources, out)
    groups: dict[str, tuple[str, ...]] = {}
    lines: dict[str, int] = {}
    owner: dict[str, tuple[str, str]] = {}  # reading -> (group, first variant)
    for word, key_node, variants in _keyed_lists(
        fields.get("synonyms"), "synonyms", "must map each article word to a list of words", out
    ):
        name = f"synonyms.{word}"
        if not normalize(word):
            out.add(f"{word!r} has no words once punctuation is ignored", line_of(key_node))
            continue
        # A group's key may be several words ("north korea: [nk, dprk]"); what members type
        # for it is one word each, read as the whole key.
        for variant, line in (
            variants
            if " " in normalize(word)
            else [
                (word, line_of(key_node)),
                *variants,
            ]
        ):
            if len(normalize(variant).split()) != 1:
                out.add(f"{variant!r} must be a single word", line, field=name)
                continue
            # Matching drops word endings, so "dealing" is read as "deal": two groups must
            # not claim one reading, or one silently takes the other's words.
            reading = stem(normalize(variant))
            first = owner.get(reading)
            if first is not None and first[0] != word:
                group, other = first
                out.add(
                    f"{variant!r} is already a synonym of {group!r}"
                    if normalize(other) == normalize(variant)
                    else f"{variant!r} reads as {reading!r} in matching, the same as {other!r} "
                    f"in group {group!r}; one reading can belong to one group only",
                    line,
                    field=name,
                )
            elif first is None:
                owner[reading] = (word, variant)
        groups[word] = tuple(variant for variant, _ in variants)
        lines[word] = line_of(key_node)
    problems.extend(out.problems)
    return groups, lines, names


def _keyed_lists(
    node: yaml.Node | None, section: str, expected: str, out: _Collector
) -> list[tuple[str, yaml.Node, list[tuple[str, int]]]]:
    """Read a mapping of text keys to lists of texts; report what is malformed, once each.

    Returns (key, its node, [(item, line)]) for every well-formed key, in file order.
    """
    if node is None:
        return []
    if not isinstance(node, yaml.MappingNode):
        out.add(expected, line_of(node), field=section)
        return []
    for duplicate in duplicate_keys(node):
        out.add(
            f"duplicate key (first on line {duplicate.first_line}); keep one",
            duplicate.line,
            field=f"{section}.{duplicate.key}",
        )
    rows = []
    for key_node, value_node in node.value:
        key = _text(key_node, out, section)
        items = None if key is None else _text_list(value_node, out, f"{section}.{key}")
        if key is not None and items is not None:
            rows.append((key, key_node, items))
    return rows


def _names(
    node: yaml.Node | None, sources: dict[str, tuple[Source, FoldedText]], out: _Collector
) -> dict[str, tuple[str, ...]]:
    """Read ``names:`` (a name as the article writes it -> other names members type for it).

    Each name must be in an article, word for word; an other name belongs to one name only.
    """
    texts = [f" {normalize(source.text)} " for source, _ in sources.values()]
    names: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}  # other name, normalised -> its name
    for name, key_node, others in _keyed_lists(
        node, "names", "must map each name in the article to a list of other names", out
    ):
        field_name = f"names.{name}"
        if not any(f" {normalize(name)} " in text for text in texts):
            out.add(
                "is not in any article word for word; write the name as the article does",
                line_of(key_node),
                field=field_name,
            )
            continue
        for other, line in others:
            folded = normalize(other)
            if not folded:
                out.add(
                    f"{other!r} has no words once punctuation is ignored", line, field=field_name
                )
            elif folded in owner and owner[folded] != name:
                out.add(
                    f"{other!r} is already another name of {owner[folded]!r}",
                    line,
                    field=field_name,
                )
            else:
                owner[folded] = name
        names[name] = tuple(other for other, _ in others)
    return names


def _load_phrases(
    directory: Path, problems: list[Problem], hasher: hashlib._Hash
) -> tuple[Rewrite, ...]:
    """Load the moderators' phrase rewrites (phrases anywhere, whole questions), if present."""
    path = directory / PHRASES_FILE
    if not path.exists():
        return ()
    node, out = _read_mapping(path, directory, problems, hasher)
    if node is None:
        return ()
    rewrites: list[Rewrite] = []
    for section, section_node in _fields(node, PHRASE_FILE_FIELDS, out).items():
        if not isinstance(section_node, yaml.SequenceNode):
            out.add("must be a list of rewrites (- say: ..., for: [...])", line_of(section_node))
            continue
        for index, item in enumerate(section_node.value, start=1):
            name = f"{section}[{index}]"
            if not isinstance(item, yaml.MappingNode):
                out.add("must be a mapping (say:, for:)", line_of(item), field=name)
                continue
            values = _fields(item, REWRITE_FIELDS, out, prefix=f"{name}.")
            say = _text(values.get("say"), out, f"{name}.say")
            variants = _text_list(values.get("for"), out, f"{name}.for")
            if say is None or not variants:
                if variants == []:
                    out.add("needs at least one variant", line_of(item), field=f"{name}.for")
                continue
            good = True
            for number, (variant, line) in enumerate(variants, start=1):
                try:
                    compile_pattern(variant)
                except PatternError as error:
                    out.add(str(error), line, field=f"{name}.for[{number}]")
                    good = False
            if good:
                rewrites.append(
                    Rewrite(
                        say=normalize(say),
                        patterns=tuple(variant for variant, _ in variants),
                        whole_question=section == "questions",
                        file=out.file,
                        line=line_of(item),
                    )
                )
    problems.extend(out.problems)
    return tuple(rewrites)


def group_problems(problems: list[Problem]) -> list[Problem]:
    """List a problem repeated in more than GROUP_AFTER places once, with a count and examples.

    The first occurrence keeps its place and location; the rest are named after it ("... and
    the same in 74 more places: qa/a.yaml:12 'x', ..."), so one cause reads as one line.
    """
    by_message: dict[tuple[str, str | None], list[Problem]] = {}
    for problem in problems:
        by_message.setdefault((problem.message, problem.field), []).append(problem)
    grouped = []
    for problem in problems:
        same = by_message[(problem.message, problem.field)]
        if len(same) <= GROUP_AFTER + 1:
            grouped.append(problem)
        elif problem is same[0]:
            places = ", ".join(_place(other) for other in same[1 : GROUP_AFTER + 1])
            more = f" (the same in {len(same) - 1} more places: {places}, ...)"
            grouped.append(replace(problem, message=problem.message + more))
    return grouped


def _place(problem: Problem) -> str:
    where = problem.file if problem.line is None else f"{problem.file}:{problem.line}"
    return where if problem.entry_id is None else f"{where} '{problem.entry_id}'"


def load_knowledge(
    directory: Path,
    *,
    now: Callable[[], datetime] | None = None,
    normalized: dict[str, str] | None = None,
    workers: int = 1,
) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError listing every problem.

    ``normalized``, when given, receives every question and alternate with its normalised
    text (which the loader works out to compare them): an index built next reads it there.
    ``workers``: with 2, a large knowledge base's Q&A files are read by two processes (for a
    command that has the machine's cores to itself; a serving bot keeps one for Discord).
    """
    directory = Path(directory).resolve()
    problems: list[Problem] = []
    if not directory.is_dir():
        raise KnowledgeError([Problem(str(directory), "is not a directory")])
    hasher = hashlib.sha256()
    sources, articles = _load_sources(directory, problems, hasher)
    entries, failed = _load_qa(directory, sources, articles, problems, hasher, normalized, workers)
    unloaded = [article.source_id for article in articles if not article.loaded]
    regressions = _load_regressions(
        directory, (e.id for e in entries), problems, hasher, failed, sources.keys(), unloaded
    )
    synonyms, synonym_lines, names = _load_synonyms(directory, sources, problems, hasher)
    rewrites = _load_phrases(directory, problems, hasher)
    if problems:
        raise KnowledgeError(group_problems(problems))
    topics: dict[str, list[Entry]] = {}
    for entry in entries:
        topics.setdefault(entry.topic, []).append(entry)
    knowledge = KnowledgeBase(
        directory=directory,
        sources={source_id: pair[0] for source_id, pair in sources.items()},
        entries=tuple(entries),
        version=hasher.hexdigest()[:12],
        loaded_at=(now or (lambda: datetime.now(UTC)))(),
        regressions=tuple(regressions),
        topics={name: tuple(group) for name, group in topics.items()},
        synonyms=synonyms,
        synonym_lines=synonym_lines,
        names=names,
        rewrites=rewrites,
    )
    log.info(
        "loaded knowledge %s: %d entries, %d sources",
        knowledge.version,
        len(knowledge.entries),
        len(knowledge.sources),
    )
    return knowledge
