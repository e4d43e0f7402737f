"""What a reload or rollback did, and what is live: plain data with one text rendering."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.knowledge.model import Problem

log = logging.getLogger(__name__)

RELOAD, ROLLBACK = "reload", "rollback"
# A moderator needs the first problems to fix, not a wall of text; the rest are counted.
MAX_PROBLEMS_SHOWN = 15


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """The result of one reload or rollback; when refused, ``problems`` say why."""

    action: str  # RELOAD or ROLLBACK
    ok: bool
    version: str  # live after this operation (unchanged when refused)
    previous_version: str  # live before it
    entries: int  # entries live after it
    at: datetime
    problems: tuple[Problem, ...] = ()
    added: tuple[str, ...] = ()  # entry ids that went live
    removed: tuple[str, ...] = ()  # entry ids no longer served

    @property
    def changed(self) -> bool:
        """True when a different knowledge version went live."""
        return self.ok and self.version != self.previous_version

    def describe(self, max_problems: int = MAX_PROBLEMS_SHOWN) -> str:
        """Return the moderator's reply: what went live, or every reason it did not."""
        if not self.ok:
            verb = "Reload" if self.action == RELOAD else "Rollback"
            count = len(self.problems)
            noun = "problem" if count == 1 else "problems"
            lines = [f"{verb} refused ({count} {noun}); knowledge {self.version} keeps serving."]
            lines += [f"  {problem}" for problem in self.problems[:max_problems]]
            if count > max_problems:
                lines.append(f"  ... and {count - max_problems} more")
            return "\n".join(lines)
        if not self.changed:
            return f"No change: knowledge {self.version} is already live ({self.entries} entries)."
        verb = "Reloaded" if self.action == RELOAD else "Rolled back"
        text = (
            f"{verb}: knowledge {self.version} is live (was {self.previous_version}), "
            f"{self.entries} entries"
        )
        for label, ids in (("added", self.added), ("removed", self.removed)):
            if ids:
                shown = ", ".join(ids[:10]) + (", ..." if len(ids) > 10 else "")
                text += f"; {label} {len(ids)}: {shown}"
        return text + "."


@dataclass(frozen=True, slots=True)
class KnowledgeStatus:
    """What is live now, what a rollback would restore, and the last refused reload."""

    version: str
    entries: int
    sources: int
    topics: int
    regressions: int
    loaded_at: datetime
    directory: Path
    previous_version: str | None  # what rollback() restores; None when nothing is kept
    last_failure: ReloadOutcome | None

    def describe(self) -> str:
        """Return a few lines for /kb status."""
        lines = [
            f"Knowledge {self.version} is live: {self.entries} entries in {self.topics} topics, "
            f"{self.sources} source(s), {self.regressions} regression question(s).",
            f"Loaded {self.loaded_at:%Y-%m-%d %H:%M:%S %Z} from {self.directory}.",
            f"Rollback restores {self.previous_version}."
            if self.previous_version
            else "No previous knowledge is kept for rollback yet.",
        ]
        if self.last_failure is None:
            lines.append("No reload has failed.")
        else:
            failure = self.last_failure
            lines.append(f"Last failed {failure.action} at {failure.at:%Y-%m-%d %H:%M:%S %Z}:")
            lines += [f"  {problem}" for problem in failure.problems[:MAX_PROBLEMS_SHOWN]]
            if len(failure.problems) > MAX_PROBLEMS_SHOWN:
                lines.append(f"  ... and {len(failure.problems) - MAX_PROBLEMS_SHOWN} more")
        return "\n".join(lines)
