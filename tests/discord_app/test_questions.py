"""Reading a question out of a Discord message."""

from __future__ import annotations

import pytest

from bot.discord_app.questions import clean_question, looks_like_question


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("<@123> who wrote it?", "who wrote it?"),
        ("<@!123>   what is   THAAD", "what is THAAD"),
        ("@everyone <@&55> why <#77> gas @here", "why gas"),
        ("hey <:thaad:123456> and <a:spin:99> </ask:42>", "hey and"),
        ("T\u200bHAAD\u2060?", "THAAD?"),
        ("<@123> \u200b ", ""),
        ("", ""),
    ],
)
def test_clean_question(message: str, question: str) -> None:
    assert clean_question(message) == question


def test_clean_question_bounds_the_length() -> None:
    assert len(clean_question("why " * 10_000)) == 4000


@pytest.mark.parametrize(
    "text",
    [
        "who wrote the article?",
        "gas deal?",
        "What is THAAD exactly",
        "how long is the border",
        "<@1> does china oppose thaad",
    ],
)
def test_question_like(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize(
    "text", ["lol", "thanks!", "what", "i think china is right", "Why not", "", "<@1>"]
)
def test_not_question_like(text: str) -> None:
    assert not looks_like_question(text)
