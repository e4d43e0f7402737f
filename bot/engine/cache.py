"""Built engines kept on disk, so a large knowledge base that has not changed starts in a second.

Loading 20,000 entries means parsing and checking their YAML and building the index: about ten
seconds. Both are pure functions of the knowledge directory's files and of citebot's own code,
so the result is kept in ``DATA_DIR/cache`` under a key made of both, and a later start (of the
bot, or of a one-shot ``python -m bot ask``) with the same files and the same code reads it back
instead: the same entries, the same index, the same answers.

- The key hashes every file under the knowledge directory (path and bytes) and every file of
  the ``bot`` package (code, lexicon, word lists), with the Python version and this module's
  format. Any edit, upgrade or checkout gives a new key; nothing is ever trusted by date.
- Only knowledge bases of at least ``MIN_CACHED_ENTRIES`` entries are kept: a small one builds
  faster than it would be read.
- Only a knowledge base that loaded without a problem is kept, and only when its files did not
  change while it loaded. A cache file that cannot be read is removed and the knowledge is
  loaded from its files, as if there were none.
- Files are written whole (a temporary file, then a rename) with the owner's permissions only,
  and the newest ``KEEP`` are kept.

Cache files are pickles: whoever can write ``DATA_DIR`` can run code as the bot. It is the
bot's own state directory (docs/deploy.md); keep it so.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import rapidfuzz
import yaml

from bot.knowledge.model import KnowledgeBase
from bot.search.retrieval import collector_paused

log = logging.getLogger(__name__)

CACHE_DIR = "cache"  # under DATA_DIR
FORMAT = 1  # raise when what a cache file holds changes shape
MIN_CACHED_ENTRIES = 2000
KEEP = 2  # cache files kept: the knowledge serving now, and the one before it
SUFFIX = ".engine"
STALE_TEMPORARY_SECONDS = 3600  # a temporary file this old was left by a crash
_CODE_ROOT = Path(__file__).resolve().parent.parent  # the bot package


@functools.cache
def code_digest() -> str:
    """Hash citebot's own files (code, lexicon, word lists) and the versions it runs on.

    PyYAML reads the files and rapidfuzz is the matcher's: an upgrade of either is a new key.
    """
    versions = f"{FORMAT}\0{sys.version}\0{yaml.__version__}\0{rapidfuzz.__version__}\0"
    hasher = hashlib.sha256(versions.encode())
    for path in sorted(_CODE_ROOT.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".txt"):
            hasher.update(path.relative_to(_CODE_ROOT).as_posix().encode() + b"\0")
            hasher.update(path.read_bytes() + b"\0")
    return hasher.hexdigest()


def knowledge_digest(directory: Path) -> str:
    """Hash every file under a knowledge directory: its path there and its bytes.

    Symbolic links are followed (the loader follows an article folder's), each real folder
    read once; names starting with "." at the top (``.git``) are not knowledge. Raises
    OSError when a file cannot be read.
    """
    hasher = hashlib.sha256()
    for path in _files(Path(directory)):
        hasher.update(path.relative_to(directory).as_posix().encode() + b"\0")
        hasher.update(path.read_bytes() + b"\0")
    return hasher.hexdigest()


def _files(directory: Path) -> list[Path]:
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for root, folders, files in os.walk(directory, followlinks=True):
        status = os.stat(root)
        if (status.st_dev, status.st_ino) in seen:  # a link back up: read once
            folders.clear()
            continue
        seen.add((status.st_dev, status.st_ino))
        if Path(root) == directory:
            folders[:] = [name for name in folders if not name.startswith(".")]
            files = [name for name in files if not name.startswith(".")]
        folders.sort()
        found += [Path(root, name) for name in sorted(files)]
    return found


def _outside(knowledge: KnowledgeBase, directory: Path) -> tuple[tuple[str, str], ...]:
    """Return (path, hash) of each article text the knowledge read from outside ``directory``.

    A source's ``file:`` may name a text elsewhere ("../shared/article.txt"): the key does
    not cover it, so the cache file records it and checks it before it is used.
    """
    directory = directory.resolve()
    found = []
    for source in knowledge.sources.values():
        path = Path(source.file)
        if not path.is_absolute():  # shown relative to the knowledge directory's parent
            path = directory.parent / path
        path = path.resolve()
        if not path.is_relative_to(directory):
            found.append((str(path), hashlib.sha256(path.read_bytes()).hexdigest()))
    return tuple(found)


class EngineCache:
    """Built knowledge bases and their entry indexes, in one directory, by content."""

    def __init__(self, root: Path, *, min_entries: int | None = None) -> None:
        self.root = Path(root)
        self.min_entries = MIN_CACHED_ENTRIES if min_entries is None else min_entries

    def key(self, directory: Path) -> str | None:
        """Return the key of a knowledge directory as it is now, with this code.

        None when a file cannot be read: the loader will say what is wrong with it.
        """
        # The folder's name too: entries show their files relative to the folder's parent.
        try:
            name = Path(directory).resolve().name
            both = f"{code_digest()}\0{name}\0{knowledge_digest(directory)}"
        except OSError as error:
            log.info("not using the engine cache: %s", error)
            return None
        return hashlib.sha256(both.encode()).hexdigest()[:32]

    def path(self, key: str) -> Path:
        return self.root / f"{key}{SUFFIX}"

    def load(
        self, key: str, directory: Path, place: Path | None = None
    ) -> tuple[KnowledgeBase, dict[str, Any]] | None:
        """Return the knowledge and saved index kept under ``key`` for ``directory``, or None.

        The knowledge is given ``place`` (default: ``directory``) as where it was loaded from
        and now as its load time, as a load of the files would.
        """
        path = self.path(key)
        if not path.is_file():
            return None
        import pickle  # only when there is a file to read: a one-shot command starts faster

        try:
            # Millions of objects are made at once: the collector would walk them again and
            # again, and none of them is garbage (load_engine's settle_heap freezes them).
            with path.open("rb") as file, collector_paused():
                held = pickle.load(file)
            stored_key, knowledge, saved_index, outside = held
            if stored_key != key or not isinstance(knowledge, KnowledgeBase):
                raise ValueError("holds another knowledge base")
            if _outside(knowledge, directory) != outside:
                log.info("not using the engine cache: an article text outside it changed")
                return None
        except FileNotFoundError:
            return None
        except Exception as error:  # a torn, old or foreign file: load from the files instead
            self.discard(key, error)
            return None
        with contextlib.suppress(OSError):  # read-only, or removed meanwhile: it was read
            os.utime(path)  # newest first when pruning
        knowledge = replace(
            knowledge, directory=Path(place or directory).resolve(), loaded_at=datetime.now(UTC)
        )
        log.info("loaded knowledge %s from the engine cache", knowledge.version)
        return knowledge, saved_index

    def discard(self, key: str, error: Exception) -> None:
        """Remove a cache file that could not be used, saying why."""
        path = self.path(key)
        log.warning("ignoring the engine cache %s (%s: %s)", path, type(error).__name__, error)
        try:
            path.unlink(missing_ok=True)
        except OSError as failure:
            log.warning("could not remove %s: %s", path, failure)

    def store(
        self, key: str, directory: Path, knowledge: KnowledgeBase, saved_index: dict[str, Any]
    ) -> bool:
        """Keep a knowledge base built from ``directory`` under ``key``; True when written.

        Never raises for the disk: a cache that cannot be written costs only the next start.
        """
        if len(knowledge.entries) < self.min_entries:
            return False
        import pickle
        import tempfile

        temporary = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.root, suffix=".tmp")
            with os.fdopen(handle, "wb") as file:
                held = (key, knowledge, saved_index, _outside(knowledge, directory))
                pickle.dump(held, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path(key))
        except OSError as error:
            log.warning("could not write the engine cache in %s: %s", self.root, error)
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            return False
        self._prune()
        return True

    def _prune(self) -> None:
        """Remove all but the newest KEEP cache files, and temporary files a crash left."""
        try:
            kept = sorted(
                self.root.glob(f"*{SUFFIX}"), key=lambda path: path.stat().st_mtime, reverse=True
            )
            for path in kept[KEEP:]:
                path.unlink(missing_ok=True)
            stale = time.time() - STALE_TEMPORARY_SECONDS  # another process may be writing one
            for path in self.root.glob("*.tmp"):
                if path.stat().st_mtime < stale:
                    path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not tidy the engine cache in %s: %s", self.root, error)
