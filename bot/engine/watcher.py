"""Watch the knowledge directory and reload once a burst of saves has settled."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from watchfiles import awatch

from bot.engine.lifecycle import KnowledgeManager
from bot.engine.outcomes import ReloadOutcome

log = logging.getLogger(__name__)

DEFAULT_DEBOUNCE_MS = 500
# A save storm that never pauses (a large git checkout) still reloads at least this often.
MAX_BATCH_MS = 5000
# How often the watcher checks that the directory it watches is still the same directory: a
# directory deleted and recreated (git checkout, rsync) gets a new inode the old watch never sees.
RECHECK_MS = 2000
# How long to wait before watching again after the directory vanished or the watcher failed.
RETRY_SECONDS = 1.0

OutcomeCallback = Callable[[ReloadOutcome], Awaitable[object]]
_IGNORED_PREFIXES = (".", "#", "~")
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp")


def is_relevant(path: Path, directory: Path) -> bool:
    """Return False for editor droppings (swap, backup, lock, temp files) and hidden paths."""
    try:
        parts = path.relative_to(directory).parts
    except ValueError:
        return True
    return not any(
        part.startswith(_IGNORED_PREFIXES) or part.endswith(_IGNORED_SUFFIXES) or part == "4913"
        for part in parts
    )


async def watch(
    manager: KnowledgeManager,
    directory: Path | None = None,
    *,
    debounce_ms: int = DEFAULT_DEBOUNCE_MS,
    on_outcome: OutcomeCallback | None = None,
    recheck_ms: int = RECHECK_MS,
) -> None:
    """Reload ``manager`` after each settled burst of edits, until cancelled; never fail on one.

    ``on_outcome`` hears about every refused reload and every change that went live (not about
    reloads that found nothing new).
    """
    directory = Path(directory or manager.directory).resolve()
    lost = False  # the directory vanished or was replaced: it may hold anything when back
    polling = False  # after a native watch fails (inotify limits), poll instead
    while True:
        identity = _identity(directory)
        if identity is None:
            lost = True
            await asyncio.sleep(RETRY_SECONDS)
            continue
        # Back after a loss, reload once the new watch is up (its first step), so that an edit
        # made between the reload and the watch starting is not missed.
        pending, lost = lost, False
        try:
            async for changes in awatch(
                directory,
                watch_filter=lambda _change, path: is_relevant(Path(path), directory),
                debounce=max(MAX_BATCH_MS, debounce_ms),
                step=debounce_ms,
                rust_timeout=recheck_ms,
                yield_on_timeout=True,
                force_polling=polling or None,
            ):
                moved = _identity(directory) != identity
                if changes or moved or pending:  # a vanished directory is reported like an edit
                    pending = False
                    log.debug("knowledge changed: %s", sorted(path for _, path in changes))
                    await _reload(manager, on_outcome)
                if moved:
                    log.warning("%s was removed or replaced; watching it again", directory)
                    lost = True
                    break
        except Exception as error:  # vanished between checks, or out of inotify watches
            log.warning("cannot watch %s (%s); polling it instead", directory, error)
            polling, lost = True, True
            await asyncio.sleep(RETRY_SECONDS)


async def _reload(manager: KnowledgeManager, on_outcome: OutcomeCallback | None) -> None:
    """Reload and report; a failing callback is logged, never allowed to stop the watcher."""
    outcome = await manager.reload()
    if outcome.ok and not outcome.changed:
        log.debug("reload found nothing new")
        return
    log.info("%s", outcome.describe())
    if on_outcome is not None:
        try:
            await on_outcome(outcome)
        except Exception:
            log.exception("reporting a reload outcome failed")


def _identity(directory: Path) -> tuple[int, int] | None:
    """Return the directory's (device, inode), or None when it is not a directory now."""
    try:
        stat = os.stat(directory)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino) if os.path.isdir(directory) else None
