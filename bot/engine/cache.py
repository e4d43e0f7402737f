"""Built engines kept on disk, so a large knowledge base that has not changed starts in a second.

Loading 20,000 entries means parsing and checking their YAML and building the index: about ten
seconds. Both are pure functions of the knowledge directory's files and of citebot's own code,
so the result is kept in ``DATA_DIR/cache`` under a key made of both, and a later start (of the
bot, or of a one-shot ``python -m bot ask``) with the same files and the same code reads it back
instead: the same entries, the same index, the same answers.

- The key hashes everything under the knowledge directory (folders, files' bytes, links'
  targets; see knowledge_digest) and every file of the ``bot`` package (code, lexicon, word
  lists), with the Python, PyYAML and rapidfuzz versions and this module's format. Each
  article's text, as the loader read it, is checked against its file before use (a ``file:``
  may name a text the key does not cover). Any edit, upgrade or checkout gives a new key;
  nothing is ever trusted by date.
- Only knowledge bases of at least ``MIN_CACHED_ENTRIES`` entries are kept: a small one builds
  faster than it would be read.
- With several articles, each article's own index (Engine.ask) is kept beside the one over
  every article.
- Only a knowledge base that loaded without a problem is kept, and only when no file was saved
  while it loaded. A cache file that cannot be read is removed and the knowledge is loaded
  from its files, as if there were none.
- A file holds two pickles: the knowledge, written as soon as it has loaded (before the index
  is built, so the two never take memory together), then the index, which names the entries
  by their place in the knowledge. Arrays of numbers are written from their own memory.
- Files are written whole (a temporary file, then a rename) with the owner's permissions only,
  in a folder created for the owner only, and the newest ``KEEP`` are kept; a file that is not
  this user's own, or that others could write, is never read.

Cache files are pickles: whoever can write ``DATA_DIR`` can run code as the bot. It is the
bot's own state directory (docs/deploy.md); keep it so.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import IO, Any

import rapidfuzz
import yaml

from bot.knowledge.model import Entry, KnowledgeBase
from bot.search.retrieval import collector_paused

log = logging.getLogger(__name__)

CACHE_DIR = "cache"  # under DATA_DIR
FORMAT = 3  # raise when what a cache file holds changes shape
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
    hasher = _Hasher()
    for version in (str(FORMAT), sys.version, yaml.__version__, rapidfuzz.__version__):
        hasher.add(version.encode())
    for path in sorted(_CODE_ROOT.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".txt"):
            hasher.add(os.fsencode(path.relative_to(_CODE_ROOT)), path.read_bytes())
    return hasher.hexdigest()


def knowledge_digest(directory: Path) -> str:
    """Hash everything under a knowledge directory the loader could read or trip over.

    Every folder (an empty one may be a misnamed article), every regular file with its bytes,
    every link with where it points, and the name of anything else (a pipe, a broken link),
    by its path there. Links are followed (the loader follows an article folder's); each real
    folder is walked once and, wherever it is reached again, named by its real path. Names
    starting with "." at the top (``.git``) are not knowledge. Raises OSError when something
    cannot be read.
    """
    hasher = _Hasher()
    _walk(Path(directory), PurePath(), set(), hasher, _contents)
    return hasher.hexdigest()


def knowledge_stamp(directory: Path) -> str:
    """Hash what ``knowledge_digest`` walks, each file by its size, times and inode, unread.

    Two equal stamps around a load say no file was saved meanwhile (see load_engine).
    """
    hasher = _Hasher()
    _walk(Path(directory), PurePath(), set(), hasher, _status)
    return hasher.hexdigest()


def _contents(path: str) -> bytes:
    return Path(path).read_bytes()


def _status(path: str) -> bytes:
    # The change time too: tools that copy a file's times back (cp -p, rsync -t) cannot set it.
    status = os.stat(path)
    fields = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)
    return " ".join(map(str, fields)).encode()


def _walk(
    folder: Path,
    relative: PurePath,
    walked: set[str],
    hasher: _Hasher,
    describe: Callable[[str], bytes],
) -> None:
    """Hash a folder's entries and the folders in it, each real folder walked once."""
    waiting = [(folder, relative)]
    walked.add(os.path.realpath(folder))
    while waiting:
        folder, relative = waiting.pop()
        with os.scandir(folder) as listing:
            found = sorted(listing, key=lambda item: os.fsencode(item.name), reverse=True)
        for item in found:
            if not relative.parts and item.name.startswith("."):
                continue
            path = os.fsencode(relative / item.name)
            if item.is_symlink():
                hasher.add(b"link", path, os.fsencode(os.readlink(item.path)))
            if item.is_dir():
                real = os.path.realpath(item.path)
                # A folder reached again (by a link, or a loop) is walked once, and named by
                # where it really is: pointing a link elsewhere still changes the key.
                hasher.add(b"folder", path, os.fsencode(real) if real in walked else b"")
                if real not in walked:
                    walked.add(real)
                    waiting.append((Path(item.path), relative / item.name))
            elif item.is_file():
                hasher.add(b"file", path, describe(item.path))
            else:
                hasher.add(b"other", path)


class _Hasher:
    """SHA-256 over fields, each prefixed with its length: no two sequences of fields collide."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, *fields: bytes) -> None:
        for field in fields:
            self._hash.update(len(field).to_bytes(8, "big") + field)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _texts(knowledge: KnowledgeBase) -> dict[str, str]:
    """Return each article's id with a hash of its text as the loader read it."""
    return {
        source.id: hashlib.sha256(source.text.encode("utf-8")).hexdigest()
        for source in knowledge.sources.values()
    }


def _texts_unchanged(knowledge: KnowledgeBase, texts: dict[str, str], directory: Path) -> bool:
    """True when each article's text file under ``directory`` still holds what was read.

    A source's ``file:`` may name a text the key does not cover: outside the folder
    ("../shared/article.txt"), or in a hidden one. UTF-8 text round-trips to its bytes.
    """
    parent = Path(directory).resolve().parent
    for source in knowledge.sources.values():
        path = Path(source.file)  # shown relative to the knowledge directory's parent
        try:
            read = (path if path.is_absolute() else parent / path).read_bytes()
        except OSError:
            return False
        if hashlib.sha256(read).hexdigest() != texts.get(source.id):
            return False
    return True


class EngineCache:
    """Built knowledge bases and their entry indexes, in one directory, by content."""

    def __init__(self, root: Path, *, min_entries: int | None = None) -> None:
        self.root = Path(root)
        self.min_entries = MIN_CACHED_ENTRIES if min_entries is None else min_entries

    @classmethod
    def under(cls, data_dir: Path) -> EngineCache:
        """Return the cache a deployment keeps in its DATA_DIR."""
        return cls(Path(data_dir) / CACHE_DIR)

    def key(self, directory: Path) -> str | None:
        """Return the key of a knowledge directory as it is now, with this code.

        None when something cannot be read: the loader will say what is wrong with it.
        """
        # The folder's name too: entries show their files relative to the folder's parent.
        try:
            hasher = _Hasher()
            name = os.fsencode(Path(directory).resolve().name)
            hasher.add(code_digest().encode(), name, knowledge_digest(directory).encode())
        except OSError as error:
            log.info("not using the engine cache: %s", error)
            return None
        return hasher.hexdigest()[:32]

    def stamp(self, directory: Path) -> str | None:
        """Return the stamp of a knowledge directory (knowledge_stamp), None if unreadable."""
        try:
            return knowledge_stamp(directory)
        except OSError:
            return None

    def path(self, key: str) -> Path:
        return self.root / f"{key}{SUFFIX}"

    def load(
        self, key: str, directory: Path, place: Path | None = None
    ) -> tuple[KnowledgeBase, dict[str, Any]] | None:
        """Return the knowledge and saved index kept under ``key`` for ``directory``, or None.

        The knowledge is given ``place`` (default: ``directory``) as where it was loaded from
        and now as its load time, as a load of the files would. Only a file of this user's,
        that no one else can write, is read.
        """
        path = self.path(key)
        try:  # not through a link, and not waiting on a pipe someone put there
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
            handle = os.open(path, flags)
        except FileNotFoundError:
            return None
        except OSError as error:  # DATA_DIR not ours to read, say: load from the files
            log.info("not using the engine cache: %s", error)
            return None
        with os.fdopen(handle, "rb") as file:
            status = os.fstat(file.fileno())
            if not stat.S_ISREG(status.st_mode) or (
                hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o022)
            ):
                log.warning("not reading %s: it is not this user's own file", path)
                return None
            try:
                # Millions of objects are made at once: the collector would walk them again
                # and again, and none is garbage (load_engine's settle_heap freezes them).
                with collector_paused():
                    stored_key, knowledge, texts = pickle.load(file)
                    if stored_key != key or not isinstance(knowledge, KnowledgeBase):
                        raise ValueError("holds another knowledge base")
                    saved_index = _IndexUnpickler(file, knowledge.entries).load()
                unchanged = _texts_unchanged(knowledge, texts, directory)
            except Exception as error:  # torn, old or foreign: load from the files instead
                self.discard(key, error)
                return None
        if not unchanged:
            log.info("not using the engine cache: an article's text changed")
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

    def wants(self, knowledge: KnowledgeBase) -> bool:
        """True for a knowledge base large enough to keep (MIN_CACHED_ENTRIES)."""
        return len(knowledge.entries) >= self.min_entries

    def start(self, key: str, knowledge: KnowledgeBase) -> Storing | None:
        """Begin keeping ``knowledge`` under ``key``: write it now, its index once built.

        None when it is not kept (too small, or the file cannot be written). Never raises.
        Writing the knowledge before its index is built means the two pickles' bookkeeping
        never adds to the memory of an engine built alongside (20 MiB at 20,000 entries).
        """
        if not self.wants(knowledge):
            return None
        temporary = None
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.root, suffix=".tmp")
            file = os.fdopen(handle, "wb")
            storing = Storing(self, key, Path(temporary), file, knowledge.entries)
            with storing.failing_quietly():
                _Pickler(file).dump((key, knowledge, _texts(knowledge)))
                return storing
        except Exception as error:  # the disk, say
            log.warning("could not write the engine cache in %s: %s", self.root, error)
            if temporary is not None:
                with contextlib.suppress(OSError):
                    Path(temporary).unlink(missing_ok=True)
        return None

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


class Storing:
    """A cache file being written: its knowledge is in it, its index is to come (finish)."""

    def __init__(
        self, cache: EngineCache, key: str, path: Path, file: IO[bytes], entries: Sequence[Entry]
    ) -> None:
        self.cache, self.key, self.path, self.file, self.entries = cache, key, path, file, entries
        self.done = False

    @contextlib.contextmanager
    def failing_quietly(self) -> Iterator[None]:
        """On an error: say so, remove the partial file and leave the cache as it was.

        An interruption (KeyboardInterrupt, a cancelled task) removes the file too, and goes on.
        """
        try:
            yield
        except Exception as error:  # the disk, or a pickling failure (memory, say)
            log.warning("could not write the engine cache in %s: %s", self.cache.root, error)
            self.abandon()
        except BaseException:
            self.abandon()
            raise

    def finish(self, saved_index: Callable[[], dict[str, Any]]) -> bool:
        """Write the index (as ``saved_index()`` gives it) and put the file in place.

        True when done. Never raises (but for an interruption), leaving no partial file.
        """
        with self.failing_quietly():
            _IndexPickler(self.file, self.entries).dump(saved_index())
            self.file.close()
            os.replace(self.path, self.cache.path(self.key))
            self.done = True
        if self.done:
            self.cache._prune()
        return self.done

    def abandon(self) -> None:
        """Remove the partial file (a build that failed after the knowledge was written)."""
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)


def _array(typecode: str, data: bytes) -> array[Any]:
    """An array of numbers as _Pickler wrote it."""
    numbers = array(typecode)
    numbers.frombytes(data)
    return numbers


class _Pickler(pickle.Pickler):
    """A pickler that writes arrays of numbers from their own memory.

    An array pickles as a copy of its bytes, which the pickler holds until it is done: 10 MiB
    of copies at 20,000 entries, on top of everything else.
    """

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)

    def reducer_override(self, obj: object) -> Any:
        if type(obj) is array:
            return _array, (obj.typecode, pickle.PickleBuffer(obj))
        return NotImplemented


class _IndexPickler(_Pickler):
    """Writes an index, each of the knowledge's entries as its place in the knowledge."""

    def __init__(self, file: IO[bytes], entries: Sequence[Entry]) -> None:
        super().__init__(file)
        self._places = {id(entry): place for place, entry in enumerate(entries)}

    def persistent_id(self, obj: object) -> int | None:
        return self._places.get(id(obj)) if type(obj) is Entry else None


class _IndexUnpickler(pickle.Unpickler):
    """Reads what _IndexPickler wrote, with the entries of the knowledge read before it."""

    def __init__(self, file: IO[bytes], entries: Sequence[Entry]) -> None:
        super().__init__(file)
        self._entries = entries

    def persistent_load(self, pid: Any) -> Entry:
        if type(pid) is not int or not 0 <= pid < len(self._entries):
            raise pickle.UnpicklingError(f"no entry at place {pid!r}")
        return self._entries[pid]
