"""Which questions read as chat with the bot or about the asker, rather than about the article."""

from __future__ import annotations

import pytest

from bot.search.analysis import Analyzer

ANALYZER = Analyzer()


def is_personal(text: str) -> bool:
    return ANALYZER.is_personal(ANALYZER.prepare(text))


is_mistyped_filler = ANALYZER.is_mistyped_filler


@pytest.mark.parametrize(
    "chat",
    [
        "whats your name bot",
        "are you a real person",
        "where can i get a loan",
        "how do i transfer money to my friend",
        "do you like pizza",
        "can you help me with my homework",
        "who made you",
        "i had a loan from a chinese bank",
        "i get money from my parents",
        "you could lend me some money",
    ],
)
def test_chat_with_the_bot_or_about_the_asker_is_personal(chat: str) -> None:
    assert is_personal(chat)


@pytest.mark.parametrize(
    "question",
    [
        "can you tell me who wrote this",
        "could u explain the gas deal",
        "explain the thaad thing to me",
        "i dont get why china hates thaad",
        "i was wondering how long the border is",
        "im confused about the pipelines",
        "do you know how long the border is",
        "what do you think about russia china ties",
        "why did the us stop strategic patience",  # "us" is the United States
        "i get that they are close but why did they split",
        "i was reading about medvedev and got confused, who did he meet",
        "i always mix up the russian leaders, who is medvedev",
        "i've never heard of gatilov, who is he",
        "i had no idea about the gas deal, how big is it",
        "reckon you could tell me who wrote this piece mate",
    ],
)
def test_asking_politely_is_not_personal(question: str) -> None:
    assert not is_personal(question)


@pytest.mark.parametrize(
    "typed", ["hwo", "teh", "actully", "happend", "geting", "artical", "hapend", "actuly"]
)
def test_misspelt_filler_is_recognised(typed: str) -> None:
    assert is_mistyped_filler(typed)


@pytest.mark.parametrize("word", ["thaad", "sanctions", "pipeline", "tillerson", "economic"])
def test_topic_words_are_not_mistaken_for_filler(word: str) -> None:
    assert not is_mistyped_filler(word)
