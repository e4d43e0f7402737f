"""Paging long listings."""

from __future__ import annotations

from bot.discord_app.pages import paginate


def test_blocks_that_fit_share_a_page() -> None:
    assert paginate(["aaa", "bbb"], 100) == ["aaa\n\nbbb"]


def test_a_block_that_does_not_fit_starts_a_new_page() -> None:
    assert paginate(["a" * 60, "b" * 60], 100) == ["a" * 60, "b" * 60]


def test_an_oversized_block_is_split_at_lines() -> None:
    block = "\n".join(f"line {n:02}" for n in range(30))  # 30 lines of 7 characters
    pages = paginate([block], 50)

    assert all(len(page) <= 50 for page in pages)
    assert "\n".join(pages).split("\n") == block.split("\n")


def test_an_overlong_line_is_trimmed() -> None:
    assert [len(page) for page in paginate(["x" * 500], 100)] == [100]


def test_nothing_gives_no_pages() -> None:
    assert paginate([], 100) == []
