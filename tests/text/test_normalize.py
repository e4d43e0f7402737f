"""Text normalisation: case, Unicode, punctuation and markup, and no words of any list."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.text.normalize import _PLAIN, _normalize, normalize


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


def _every_text() -> list[str]:
    """Every question, alternate, answer and quote of the knowledge base and the eval sets."""
    import yaml

    from bot.knowledge.loader import load_knowledge
    from bot.settings import DEFAULT_KNOWLEDGE_DIR

    texts = []
    for entry in load_knowledge(DEFAULT_KNOWLEDGE_DIR).entries:
        texts += [*entry.phrasings, entry.answer, *(quote.text for quote in entry.quotes)]
    for path in sorted((Path(__file__).parents[1] / "eval").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in ("in_scope", "off_topic", "unsaid"):
            texts += [item["q"] for item in (data.get(section) or ()) if isinstance(item, dict)]
    return texts


def test_the_short_way_for_plain_text_gives_what_every_rule_gives() -> None:
    """Plain text skips the Unicode, markup and number rules; the result must not change."""
    texts = [
        *_every_text(),
        "Whyyy did  they\tsplit?!",
        '(who) - said; "that"',
        "soooo... what now",
        "A-B-C",
        "",
    ]
    assert len(texts) > 2000
    plain = [text for text in texts if text.isascii() and _PLAIN.fullmatch(text)]
    assert len(plain) > 500  # the short way is actually taken
    for text in texts:
        assert normalize(text) == _normalize(text), text
