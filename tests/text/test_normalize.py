"""Text normalisation: case, Unicode, punctuation and markup, and no words of any list."""

from __future__ import annotations

import pytest

from bot.text.normalize import normalize


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("<@1234567890> what’s THAAD??", "what thaad"),
        ("How long is the 3,645km border?", "how long is the 3645 km border"),
        ("the $400 billion gas deal", "the $400 billion gas deal"),
        ("Russia was suspended from the G8", "russia was suspended from the g8"),
        ("China’s priority", "china priority"),
        ("“strategic patience”", "strategic patience"),
        ("wh\u200bat is\u00a0THAAD", "what is thaad"),
        ("@everyone who wrote this", "everyone who wrote this"),
        ("**bold** _question_ `code`", "bold question code"),
        ("ＴＨＡＡＤ", "thaad"),
        ("whyyy is china soooo mad lmaooo", "why is china so mad lmao"),
        ("see https://example.com/x?y=1 please", "see please"),
        ("   ", ""),
    ],
)
def test_normalize(typed: str, expected: str) -> None:
    assert normalize(typed) == expected


@pytest.mark.parametrize(
    "typed", ["hey bot, who wrote this?", "what do the two countries trade", "hi", "quick one"]
)
def test_normalisation_keeps_every_word(typed: str) -> None:
    # Greetings, idioms and the article's phrases are the analysis stage's: nothing is dropped.
    assert normalize(typed).split() == normalize(typed.replace(",", " ")).split()
    assert len(normalize(typed).split()) == len(typed.replace(",", " ").replace("?", "").split())
