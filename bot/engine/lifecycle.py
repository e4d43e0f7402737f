"""Live reload: validate a knowledge edit off the event loop, then swap it in, all or nothing."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import pickle
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TypeVar

from bot.engine import Engine, check_regressions, transfer
from bot.engine.cache import EngineCache, code_digest
from bot.engine.core import build_engine
from bot.engine.memory import give_back_memory
from bot.engine.outcomes import RELOAD, ROLLBACK, KnowledgeStatus, ReloadOutcome
from bot.engine.retire import retire
from bot.engine.snapshots import PREVIOUS, Snapshots
from bot.knowledge.model import KnowledgeError, Problem
from bot.search.config import MatchConfig
from bot.search.retrieval import collector_paused

log = logging.getLogger(__name__)

T = TypeVar("T")
SwapCallback = Callable[[Engine], object]

# A knowledge base this large (the one serving, in entries) is rebuilt in a child process
# (child_build.py): building it here would hold the interpreter in long stretches, and leave
# the allocator's arenas holding the new engine among the holes its building left, so resident
# memory grew with each reload. Smaller ones build in a thread, in a fraction of a second.
CHILD_BUILD_ENTRIES = 2000


class KnowledgeManager:
    """Serve one knowledge directory: reload it all or nothing, keep the previous one to roll back.

    ``engine`` is the only reference readers use; a swap is one attribute assignment, so a
    question that already took the engine finishes on it. Reloads and rollbacks are serialised.
    ``on_swap`` (settable, e.g. to an engine holder's ``swap``) hears of every engine put live.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        directory: Path,
        data_dir: Path,
        on_swap: SwapCallback | None = None,
    ) -> None:
        self.directory = Path(directory)
        self._engine = engine
        # Engines replaced and being freed (retire.py); held so their tasks are not collected.
        self._retiring: set[asyncio.Task[bool]] = set()
        self._snapshots = Snapshots(Path(data_dir), self.directory.resolve().name)
        self._disk_previous = self._snapshots.version(PREVIOUS)  # one tiny read, at start-up
        self._last_failure: ReloadOutcome | None = None
        self.on_swap = on_swap
        self._lock = asyncio.Lock()
        # Rebuild in a child process from this many entries (tests lower it to try that path).
        self.child_build_entries = CHILD_BUILD_ENTRIES if os.name == "posix" else sys.maxsize
        code_digest()  # the code this bot runs: a build process running other code refuses

    @classmethod
    def start(
        cls,
        directory: Path,
        data_dir: Path,
        *,
        on_swap: SwapCallback | None = None,
        config: MatchConfig | None = None,
        cache: EngineCache | None = None,
    ) -> KnowledgeManager:
        """Load ``directory`` as a reload would and serve it; raise KnowledgeError (blocking).

        Reloads and rollbacks keep the ``config`` of the engine they replace. A ``cache``
        serves the start-up load alone (see _load).
        """
        snapshots = Snapshots(Path(data_dir), Path(directory).resolve().name)
        engine, staged = _build(Path(directory), snapshots, config, cache)
        if staged:
            _keep(snapshots.promote, engine.version)
        return cls(engine, directory=directory, data_dir=data_dir, on_swap=on_swap)

    @property
    def engine(self) -> Engine:
        """Return the engine serving now; read it once per question."""
        return self._engine

    async def reload(self) -> ReloadOutcome:
        """Load, validate and regression-test the directory; put it live only if all pass."""
        async with self._lock:
            current = self._engine
            try:
                if len(current.knowledge.entries) >= self.child_build_entries:
                    copy, staged = await _off_loop(_stage, self.directory, self._snapshots)
                    engine = await _load_in_child(copy, self.directory, current.config)
                else:
                    engine, staged = await _off_loop(
                        _build, self.directory, self._snapshots, current.config
                    )
            except KnowledgeError as error:
                return self._refuse(RELOAD, error.problems)
            except Exception as error:  # a reload must never take the bot down
                log.exception("reload of %s failed unexpectedly", self.directory)
                return self._refuse(RELOAD, [_unexpected(self.directory, error)])
            if engine.version == current.version:
                return await _off_loop(self._outcome, RELOAD, current, current)
            if staged:
                await _off_loop(_keep, self._snapshots.promote, engine.version)
                self._disk_previous = await _off_loop(self._snapshots.version, PREVIOUS)
            return await self._swap(RELOAD, engine)

    async def rollback(self) -> ReloadOutcome:
        """Put the previous good knowledge live again, loaded from its snapshot on disk.

        The previous engine is not kept in memory: with the one serving and one being built,
        that would make three large engines alive at once.
        """
        async with self._lock:
            try:
                if len(self._engine.knowledge.entries) >= self.child_build_entries:
                    previous = await _off_loop(_previous, self._snapshots)
                    target = await _load_in_child(previous, self.directory, self._engine.config)
                else:
                    target = await _off_loop(
                        _load_previous, self._snapshots, self.directory, self._engine.config
                    )
            except KnowledgeError as error:
                return self._refuse(ROLLBACK, error.problems)
            except Exception as error:
                log.exception("rollback from %s failed unexpectedly", self._snapshots.root)
                return self._refuse(ROLLBACK, [_unexpected(self.directory, error)])
            await _off_loop(_keep, self._snapshots.exchange)
            self._disk_previous = await _off_loop(self._snapshots.version, PREVIOUS)
            return await self._swap(ROLLBACK, target)

    def status(self) -> KnowledgeStatus:
        """Describe what is live, what rollback would restore, and the last refused reload."""
        knowledge = self._engine.knowledge
        return KnowledgeStatus(
            version=knowledge.version,
            entries=len(knowledge.entries),
            sources=len(knowledge.sources),
            topics=len(knowledge.topics),
            regressions=len(knowledge.regressions),
            loaded_at=knowledge.loaded_at,
            directory=self.directory,
            previous_version=self._disk_previous,
            last_failure=self._last_failure,
        )

    async def _swap(self, action: str, engine: Engine) -> ReloadOutcome:
        current = self._engine
        # What changed, worked out off the loop (a set of 100,000 ids is tens of milliseconds);
        # nothing else swaps meanwhile: reloads and rollbacks hold the lock.
        outcome = await _off_loop(self._outcome, action, current, engine)
        self._engine = engine  # the swap: one assignment, nothing awaited from here on
        log.info("%s: knowledge %s is live (was %s)", action, engine.version, current.version)
        if self.on_swap is not None:
            try:
                self.on_swap(engine)
            except Exception:
                log.exception("on_swap callback failed; knowledge %s is live", engine.version)
        # Freed a slice at a time once questions in flight are done with it (retire.py).
        task = asyncio.get_running_loop().create_task(retire(current))
        del current
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)
        return outcome

    def _refuse(self, action: str, problems: list[Problem]) -> ReloadOutcome:
        current = self._engine
        outcome = ReloadOutcome(
            action=action,
            ok=False,
            version=current.version,
            previous_version=current.version,
            entries=len(current.knowledge.entries),
            at=datetime.now(UTC),
            problems=tuple(problems),
        )
        self._last_failure = outcome
        log.warning("%s refused, knowledge %s keeps serving", action, current.version)
        return outcome

    @staticmethod
    def _outcome(action: str, before: Engine, after: Engine) -> ReloadOutcome:
        old = {entry.id for entry in before.knowledge.entries}
        new = [entry.id for entry in after.knowledge.entries]
        return ReloadOutcome(
            action=action,
            ok=True,
            version=after.version,
            previous_version=before.version,
            entries=len(new),
            at=datetime.now(UTC),
            added=tuple(entry_id for entry_id in new if entry_id not in old),
            removed=tuple(sorted(old - set(new))),
        )


async def _off_loop(func: Callable[..., T], *args: object) -> T:
    """Run blocking work in a thread; if cancelled, let it finish so disk work never overlaps."""
    work = asyncio.ensure_future(asyncio.to_thread(func, *args))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        await asyncio.wait([work])
        if not work.cancelled():
            work.exception()  # retrieved, so asyncio does not warn about it
        raise


def _build(
    directory: Path,
    snapshots: Snapshots,
    config: MatchConfig | None = None,
    cache: EngineCache | None = None,
) -> tuple[Engine, bool]:
    """Load, validate, index and regression-test a directory; raise KnowledgeError.

    Returns the engine and whether it was loaded from a staging snapshot that can be kept.
    """
    copy, staged = _stage(directory, snapshots)
    return _load(copy, directory, config, cache), staged


def _stage(directory: Path, snapshots: Snapshots) -> tuple[Path, bool]:
    """Copy a directory to staging; return what to load and whether it is the staged copy."""
    if not directory.is_dir():
        raise KnowledgeError([Problem(str(directory), "is not a directory (moved or deleted?)")])
    try:
        return snapshots.stage(directory), True
    except OSError as error:
        # The snapshot only serves rollback after a restart: never let it block a reload.
        log.warning("cannot snapshot %s (%s); loading it in place", directory, _reason(error))
        return directory, False


def _load_previous(
    snapshots: Snapshots, directory: Path, config: MatchConfig | None = None
) -> Engine:
    """Load the previous snapshot for a rollback; raise KnowledgeError when there is none."""
    return _load(_previous(snapshots), directory, config)


def _previous(snapshots: Snapshots) -> Path:
    """Return the previous snapshot's knowledge; raise KnowledgeError when there is none."""
    if snapshots.version(PREVIOUS) is None:
        raise KnowledgeError(
            [
                Problem(
                    str(snapshots.root / PREVIOUS),
                    "holds no previous knowledge to roll back to: one is kept on disk after "
                    "a reload, where DATA_DIR can be written",
                )
            ]
        )
    return snapshots.knowledge(PREVIOUS)


async def _load_in_child(copy: Path, directory: Path, config: MatchConfig) -> Engine:
    """Load a copy as if it were ``directory`` in a child process; raise KnowledgeError.

    The child loads, indexes and regression-tests it (child_build.py); the engine comes back
    through a pipe, read in a thread a slice at a time. Cancelled (the bot stopping), the child
    is killed rather than waited for. A child that cannot be started at all (no interpreter
    to start) leaves the build to a thread, as for a small knowledge base.
    """
    settings = pickle.dumps(config)
    read_end, write_end = os.pipe()
    try:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.engine.child_build",
            str(copy),
            str(directory),
            str(write_end),
            code_digest(),
            stdin=asyncio.subprocess.PIPE,
            pass_fds=(write_end,),
        )
    except OSError as error:
        os.close(read_end)
        log.warning("cannot start a build process (%s); building in a thread", error)
        return await _off_loop(_load, copy, directory, config)
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)  # the child's now: the pipe ends when the child is done with it
    stream = os.fdopen(read_end, "rb")
    reading = asyncio.ensure_future(asyncio.to_thread(_read_built, stream, config))
    try:
        assert child.stdin is not None
        child.stdin.write(settings)
        child.stdin.close()
        return await asyncio.shield(reading)
    except EOFError:  # the child ended without handing an engine over
        code = await child.wait()
        raise KnowledgeError(
            [
                Problem(
                    str(directory),
                    f"could not be loaded: its build process handed nothing over (exit {code})",
                )
            ]
        ) from None
    finally:
        # Shielded: a second cancellation must not leave the pipe open or the child unreaped.
        await asyncio.shield(_stop_child(child, reading, stream))


async def _stop_child(
    child: asyncio.subprocess.Process, reading: asyncio.Future[Engine], stream: IO[bytes]
) -> None:
    """Stop a build process (killed unless done) and its reader, and close the pipe."""
    if not reading.done() and child.returncode is None:
        child.kill()  # the pipe closes with it: the reading thread ends with EOFError
    await asyncio.wait([reading])
    if not reading.cancelled():
        reading.exception()  # retrieved, so asyncio does not warn about it
    stream.close()  # a child still writing gets a broken pipe, and ends
    await child.wait()


def _read_built(stream: IO[bytes], config: MatchConfig) -> Engine:
    """Read what child_build.py hands over: an engine, or its problems (KnowledgeError).

    The regression questions are asked again: what goes live is the engine read back.
    """

    def read() -> Engine:
        handed = transfer.read(stream)
        if handed[0] == "problems":
            raise KnowledgeError(list(handed[1]))
        _, knowledge, saved_index = handed
        return Engine(knowledge, config, saved_index=saved_index)

    return _checked(read)


def _load(
    copy: Path,
    directory: Path,
    config: MatchConfig | None = None,
    cache: EngineCache | None = None,
) -> Engine:
    """Load a copy as if it were ``directory`` and run its regression questions.

    Only the load at start-up is given a ``cache``: reading or writing one holds the
    interpreter for about a second at 20,000 entries, which a reload must not do to the loop.
    """
    return _checked(lambda: build_engine(copy, config, cache=cache, place=directory))


def _checked(make: Callable[[], Engine]) -> Engine:
    """Make an engine, run its regression questions (KnowledgeError), settle it for serving."""
    # The collector stays off while millions of objects are made: each of its passes would hold
    # the interpreter, and with it the event loop, for a walk of the growing heap. What survives
    # is then exempted from it (as at start-up: see settle_heap), without a full collection.
    with collector_paused():
        engine = make()
        failures = check_regressions(engine)
        if failures:
            raise KnowledgeError(failures)
        # Frozen before the collector is back on: its first pass would otherwise walk every
        # object just made, in one go.
        gc.freeze()
    give_back_memory()
    return engine


def _keep(step: Callable[..., None], *args: object) -> None:
    """Update the on-disk snapshots; a failure costs only the rollback after a restart."""
    try:
        step(*args)
    except OSError as error:
        log.warning("could not update the knowledge snapshots: %s", _reason(error))


def _reason(error: OSError) -> str:
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list):
        source, _, why = error.args[0][0]
        return f"{source}: {why}"
    return error.strerror or str(error)


def _unexpected(directory: Path, error: Exception) -> Problem:
    return Problem(str(directory), f"could not be loaded ({type(error).__name__}: {error})")
