"""The engine the bot answers with, held in one place so it can be swapped while serving."""

from __future__ import annotations

import logging

from bot.engine import Engine

log = logging.getLogger(__name__)


class EngineHolder:
    """Hold the live engine; a swap is one assignment, so readers never see a half-built one.

    Handlers read ``holder.engine`` once per question and keep that reference, so a question
    in flight finishes on the engine it started with.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def engine(self) -> Engine:
        """Return the engine currently serving."""
        return self._engine

    def swap(self, engine: Engine) -> Engine:
        """Put a new engine live and return the one it replaced."""
        previous, self._engine = self._engine, engine
        log.info("knowledge version %s is live (was %s)", engine.version, previous.version)
        return previous
