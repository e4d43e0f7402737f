"""Split long listings into pages that fit a Discord embed."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.discord_app.limits import trim

log = logging.getLogger(__name__)


def paginate(blocks: Iterable[str], limit: int) -> list[str]:
    """Join blocks into pages of at most ``limit`` characters, never splitting a block that fits.

    A block longer than a page is split at line breaks (and a single overlong line trimmed).
    """
    pages: list[str] = []
    current = ""
    for block in _pieces(blocks, limit):
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
            continue
        pages.append(current)
        current = block
    if current:
        pages.append(current)
    return pages


def _pieces(blocks: Iterable[str], limit: int) -> Iterable[str]:
    for block in blocks:
        if len(block) <= limit:
            yield block
            continue
        chunk = ""
        for line in block.splitlines():
            line = trim(line, limit)
            candidate = f"{chunk}\n{line}" if chunk else line
            if len(candidate) > limit:
                yield chunk
                candidate = line
            chunk = candidate
        if chunk:
            yield chunk
