"""A replaced engine is freed at once, by reference counting: it holds no reference cycles.

load_engine freezes what it built out of the cyclic collector's reach (settle_heap), which is
only safe because of this: a cycle inside a frozen engine would never be collected.
"""

from __future__ import annotations

import gc

from bot.engine import load_engine
from bot.settings import DEFAULT_KNOWLEDGE_DIR


def test_a_dropped_engine_leaves_nothing_for_the_cyclic_collector() -> None:
    engine = load_engine(DEFAULT_KNOWLEDGE_DIR)
    engine.ask("who wrote the article")  # fills the word lookup cache too
    engine.quote("THAAD")
    gc.unfreeze()  # let the collector see the engine's objects again
    gc.collect()  # and clear whatever earlier tests left behind
    del engine
    assert gc.collect() == 0
