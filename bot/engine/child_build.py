"""Build an engine in a child process and hand it to the parent through a pipe.

A reload of a large knowledge base builds in a child process (lifecycle.py), for two reasons:
the building never holds the bot's interpreter, and the parent's memory only ever holds engines
read back whole, never the garbage of building one, which stays behind in the allocator's
arenas and made resident memory grow with every reload. The engine comes back as the index's
saved form (what the engine cache keeps), written with ``transfer`` so the parent reads it a
slice at a time.

Run as ``python -m bot.engine.child_build COPY DIRECTORY FD CODE``, with the matcher config
pickled on standard input: COPY is the directory to load, DIRECTORY the one it stands for, FD
the pipe to write to, CODE the bot's code_digest (a child running other code, after an upgrade
on disk, refuses: the bot would read its engine with its older classes). The pipe carries
``("engine", knowledge, saved_index)`` or ``("problems", problems)``; anything unexpected is a
traceback on standard error and exit status 1.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

from bot.engine import transfer
from bot.engine.cache import code_digest
from bot.engine.core import build_engine, check_regressions
from bot.knowledge.model import KnowledgeError, Problem
from bot.search.retrieval import collector_paused

# The bot keeps answering while this builds: on a small machine it must not wait for a core.
NICENESS = 10
CODE_CHANGED = (
    "was not reloaded: citebot's code on disk has changed since the bot started; restart the bot "
    "(the knowledge itself was not checked)"
)


def main(argv: list[str]) -> int:
    copy, directory, fd, code = Path(argv[0]), Path(argv[1]), int(argv[2]), argv[3]
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    config = pickle.load(sys.stdin.buffer)
    payload: tuple[object, ...]
    if code != code_digest():  # what it would hand over is read by the bot's older code
        payload = ("problems", [Problem(str(directory), CODE_CHANGED)])
        with os.fdopen(fd, "wb") as pipe:
            transfer.write(payload, pipe)
        return 0
    try:
        with collector_paused():  # nothing here outlives the process: no collection is needed
            engine = build_engine(copy, config, place=directory)
            failures = check_regressions(engine)
            payload = (
                ("problems", failures)
                if failures
                else ("engine", engine.knowledge, engine.saved_index())
            )
    except KnowledgeError as error:
        payload = ("problems", error.problems)
    with os.fdopen(fd, "wb") as pipe:
        transfer.write(payload, pipe)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
