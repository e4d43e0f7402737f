"""What the feedback store hands back: plain data, with a text rendering for moderators."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger(__name__)

# The reason kept with a question whose answer a member voted not helpful.
UNHELPFUL = "unhelpful"


@dataclass(frozen=True, slots=True)
class UnansweredQuestion:
    """A question kept for review: what was asked, where, when, and the nearest entry then."""

    question: str
    normalized: str
    guild_id: int | None
    channel_id: int | None
    asked_at: datetime
    candidate_id: str | None
    candidate_score: float | None
    reason: str  # "no_match", "suggestions" or "unhelpful" (a member voted the answer down)


@dataclass(frozen=True, slots=True)
class Stats:
    """How the bot did over a period."""

    since: datetime
    asked: int
    answered: int
    suggested: int  # offered "did you mean" instead of answering
    abstained: int  # said honestly that it has no answer
    top_entries: tuple[tuple[str, int], ...]  # (entry id, times answered), most first
    helpful: int
    unhelpful: int

    @property
    def helpful_ratio(self) -> float | None:
        """Share of votes that said helpful (0-1), or None when nobody voted."""
        votes = self.helpful + self.unhelpful
        return self.helpful / votes if votes else None

    def describe(self) -> str:
        """Return a few lines for /kb stats."""

        def share(count: int) -> str:
            return f"{count} ({count / self.asked:.0%})" if self.asked else str(count)

        lines = [
            f"Since {self.since:%Y-%m-%d %H:%M %Z}: {self.asked} questions; answered "
            f"{share(self.answered)}, suggested {share(self.suggested)}, "
            f"no answer {share(self.abstained)}.",
        ]
        if self.top_entries:
            top = ", ".join(f"{entry_id} ({count})" for entry_id, count in self.top_entries)
            lines.append(f"Most answered: {top}.")
        ratio = self.helpful_ratio
        if ratio is None:
            lines.append("No feedback votes yet.")
        else:
            lines.append(
                f"Helpful: {ratio:.0%} of {self.helpful + self.unhelpful} votes "
                f"({self.helpful} helpful, {self.unhelpful} not helpful)."
            )
        return "\n".join(lines)
