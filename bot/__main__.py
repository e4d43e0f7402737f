"""Entry point for ``python -m bot``."""

import os
import sys

from bot.cli import main

try:
    status = main()
    sys.stdout.flush()
except BrokenPipeError:
    # The reader went away (`python -m bot validate --verbose | head`): stop quietly, as Unix
    # tools do, and keep Python from failing again when it flushes stdout at exit.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    status = 141  # 128 + SIGPIPE, what a shell reports for a tool stopped this way
raise SystemExit(status)
