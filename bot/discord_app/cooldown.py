"""Per-user answer cooldown shared by every way of asking; answering.spend_answer charges it."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable

log = logging.getLogger(__name__)

# Forget idle users once this many are tracked, so the table cannot grow without bound.
_PRUNE_AT = 10_000


def _monotonic() -> float:
    # Looked up at call time, so a test clock that replaces time.monotonic applies.
    return time.monotonic()


class AnswerCooldown:
    """Allow each user ``rate`` answers in any ``per`` seconds (a sliding window)."""

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = _monotonic) -> None:
        self.rate = rate
        self.per = per
        self._clock = clock
        self._recent: dict[int, deque[float]] = {}

    def hit(self, user_id: int) -> float | None:
        """Spend one answer for ``user_id``; return seconds to wait if none is left."""
        now = self._clock()
        if len(self._recent) >= _PRUNE_AT:
            self._prune(now)
        stamps = self._recent.setdefault(user_id, deque())
        while stamps and now - stamps[0] >= self.per:
            stamps.popleft()
        if len(stamps) >= self.rate:
            return self.per - (now - stamps[0])
        stamps.append(now)
        return None

    def _prune(self, now: float) -> None:
        idle = [user for user, stamps in self._recent.items() if now - stamps[-1] >= self.per]
        for user in idle:
            del self._recent[user]
