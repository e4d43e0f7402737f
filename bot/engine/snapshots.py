"""Copies of the knowledge directory under the data dir: what is live and what was live before.

A reload copies the moderators' directory to a staging copy and loads *that*, so what was
validated is exactly what is kept: an editor saving mid-load cannot mix two versions, and the
copy can be promoted to ``knowledge-live/`` (and the old one to ``knowledge-previous/``) for a
rollback that survives a restart. Everything here is blocking file work: call it in a thread.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

LIVE = "knowledge-live"
PREVIOUS = "knowledge-previous"
STAGING = "knowledge-staging"
VERSION_FILE = "version"

# Editor droppings (swap, backup, lock and temp files) never reach a snapshot: the loader ignores
# them anyway, and one vanishing mid-copy would fail a reload for nothing.
_IGNORED = shutil.ignore_patterns(
    ".*", "#*", "~*", "*~", "*.swp", "*.swx", "*.tmp", "4913", "__pycache__"
)


class Snapshots:
    """The live, previous and staging copies of one knowledge directory under ``root``."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = root
        # Each copy keeps the directory's own name, so problems and the content hash read
        # 'knowledge/qa/energy.yaml' exactly as when loading the original.
        self.name = name

    def knowledge(self, slot: str) -> Path:
        """Return the knowledge copy inside ``slot`` (LIVE, PREVIOUS or STAGING)."""
        return self.root / slot / self.name

    def version(self, slot: str) -> str | None:
        """Return the version recorded for ``slot``, or None when it holds no snapshot."""
        try:
            return (self.root / slot / VERSION_FILE).read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def stage(self, directory: Path) -> Path:
        """Copy ``directory`` to staging and return the copy; raise OSError when it cannot."""
        staging = self.root / STAGING
        _remove(staging)
        # copyfile, not copy2: metadata is not needed, and fewer system calls keep the copy
        # quick when the event loop is busy answering (each one hands the interpreter back).
        shutil.copytree(
            directory, staging / self.name, ignore=_IGNORED, copy_function=shutil.copyfile
        )
        return staging / self.name

    def promote(self, version: str) -> None:
        """Make staging live; the live copy becomes previous unless it holds the same version."""
        (self.root / STAGING / VERSION_FILE).write_text(version + "\n", encoding="utf-8")
        live, previous = self.root / LIVE, self.root / PREVIOUS
        if live.exists() and self.version(LIVE) not in (None, version):
            _remove(previous)
            live.rename(previous)
        else:
            _remove(live)
        (self.root / STAGING).rename(live)

    def exchange(self) -> None:
        """Swap the live and previous copies (a rollback)."""
        live, previous, spare = self.root / LIVE, self.root / PREVIOUS, self.root / STAGING
        _remove(spare)
        if live.exists():
            live.rename(spare)
        previous.rename(live)
        if spare.exists():
            spare.rename(previous)

    def discard_staging(self) -> None:
        """Remove the staging copy, if any."""
        _remove(self.root / STAGING)


def _remove(path: Path) -> None:
    """Delete a file or directory tree if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
