"""The engine holder: one reference, swapped atomically."""

from __future__ import annotations

from bot.discord_app.holder import EngineHolder
from bot.engine import Engine


def test_swap_puts_the_new_engine_live_and_returns_the_old(engine: Engine) -> None:
    holder = EngineHolder(engine)
    replacement = Engine(engine.knowledge)

    assert holder.swap(replacement) is engine
    assert holder.engine is replacement
