"""`python -m bot check`: whether `run` would start, found out without connecting to Discord.

Each part the bot needs is checked on its own, so one run lists every problem: the token is
set, the knowledge loads and its regression questions pass (what start-up and every reload
demand), the feedback database opens at its schema, and DATA_DIR takes the snapshots and the
command-sync fingerprint. Discord itself is not contacted: a rejected token shows at `run`.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.engine.checks import check_knowledge
from bot.knowledge.model import Problem
from bot.moderation.store import FeedbackStore, StoreUnavailable
from bot.settings import NO_TOKEN, Settings


@dataclass(frozen=True)
class Finding:
    """One part of the service and what the check found: fine, a warning, or a problem."""

    part: str
    detail: str
    fatal: bool = False  # `run` would refuse to start, or start without something it needs
    warning: bool = False

    def line(self) -> str:
        """Return the finding as one line for the terminal."""
        status = "PROBLEM" if self.fatal else "warning" if self.warning else "ok"
        return f"{self.part}: {status}: {self.detail}"


def check_service(settings: Settings, directory: Path) -> list[Finding]:
    """Check everything `run` needs with ``settings`` and the knowledge in ``directory``."""
    return [
        _token(settings),
        *_knowledge(directory),
        _data_dir(settings.data_dir),
        asyncio.run(_database(settings)),
    ]


def _token(settings: Settings) -> Finding:
    if settings.discord_token is None:
        return Finding("token", NO_TOKEN, fatal=True)
    return Finding("token", "DISCORD_TOKEN is set (Discord checks it when the bot connects)")


def _knowledge(directory: Path) -> list[Finding]:
    """What `validate` finds: problems and failing regression questions stop `run`."""
    checked = check_knowledge(directory)
    if checked.engine is None:
        problems = checked.load_problems
        return [
            Finding(
                "knowledge", f"{len(problems)} problem(s) in {directory}:{_listed(problems)}", True
            )
        ]
    findings = []
    failures, conflicts = checked.failing_regressions, checked.vocabulary
    if failures:
        findings.append(
            Finding(
                "knowledge",
                f"{len(failures)} regression question(s) fail:{_listed(failures)}",
                True,
            )
        )
    if conflicts:
        said = f"{len(conflicts)} word(s) never take effect:{_listed(conflicts)}"
        findings.append(Finding("knowledge", said, warning=True))
    if not failures:
        knowledge = checked.engine.knowledge
        findings.append(
            Finding(
                "knowledge",
                f"{len(knowledge.entries)} entries from {directory}, version {knowledge.version}",
            )
        )
    return findings


def _listed(problems: list[Problem]) -> str:
    return "".join(f"\n  {problem}" for problem in problems)


def _data_dir(data_dir: Path) -> Finding:
    """DATA_DIR must take files: reload snapshots (rollback) and the command-sync fingerprint."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=data_dir, prefix=".citebot-check-")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        reason = error.strerror or str(error)
        return Finding("data dir", f"{data_dir} cannot be written ({reason})", fatal=True)
    return Finding("data dir", f"{data_dir} can be written")


async def _database(settings: Settings) -> Finding:
    """Open the feedback database as the bot does (creating and migrating it if needed)."""
    path = settings.database_path
    existed = path.exists()
    try:
        store = await FeedbackStore.open(path, timeout=settings.database_timeout_seconds)
        async with store:
            version = await store.schema_version()
    except StoreUnavailable as error:
        # The bot would still answer, but record no questions or votes.
        return Finding("database", str(error), fatal=True)
    made = "opened" if existed else "created"
    return Finding("database", f"{path} {made}, schema {version}")
