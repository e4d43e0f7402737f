"""The engine: one loaded knowledge base ready for questions, and its lifecycle.

``core`` builds an engine from a knowledge directory; ``lifecycle`` serves one directory to the
CLI and the bot alike (load once at start, reload all or nothing, roll back), with ``snapshots``
(the last good copies on disk), ``outcomes`` (what a reload did) and ``watcher`` (reload on save).
"""

from bot.engine.core import Engine, check_regressions, load_engine, settle_heap

__all__ = ["Engine", "check_regressions", "load_engine", "settle_heap"]
