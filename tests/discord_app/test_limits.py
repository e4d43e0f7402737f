"""Trimming and cleaning text to Discord's limits."""

from __future__ import annotations

import pytest

from bot.discord_app.limits import ELLIPSIS, block_quote, strip_invisible, trim, visible


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("eleven char", 10, "eleven ch" + ELLIPSIS),
        ("words then   spaces", 12, "words then" + ELLIPSIS),
        ("anything", 1, ELLIPSIS),
        ("anything", 0, ""),
    ],
)
def test_trim(text: str, limit: int, expected: str) -> None:
    assert trim(text, limit) == expected
    assert len(trim(text, limit)) <= limit


def test_strip_invisible_removes_zero_width_and_bidi_controls() -> None:
    assert strip_invisible("T\u200bH\u200cA\u200dA\u2060D\ufeff\u202e") == "THAAD"


def test_visible_puts_text_on_one_trimmed_line() -> None:
    assert visible("  who\n\twrote\u200b   it ", 100) == "who wrote it"
    assert visible("x" * 300, 100) == "x" * 99 + ELLIPSIS


def test_block_quote_quotes_every_line_within_the_limit() -> None:
    assert block_quote("one\ntwo", 100) == "> one\n> two"
    assert block_quote("one\n\ntwo", 100) == "> one\n>\n> two"
    assert len(block_quote("y" * 5000, 1024)) == 1024
