"""The analysis stage reads how people talk around a question, with the real knowledge base."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.search.analysis import Analyzer


@pytest.fixture(scope="module")
def analyzer(engine: Engine) -> Analyzer:
    return engine.analyzer


# Text normalisation alone (case, markup, Unicode) is tests/text/test_normalize.py's.
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("<@1234567890> what’s THAAD??", "what thaad"),
        ("<@!1234567890> hey bot, who wrote this?", "who wrote this"),
        ("yo citebot why does china hate thaad", "why does china hate thaad"),
        ("so what’s the deal with the gas pipeline", "what about the gas pipeline"),
        ("hi", ""),
        ("what do the two countries trade", "what do china and russia trade"),
        ("do these two nations get along", "do china and russia get along"),
        ("quick one - who wrote it", "who wrote it"),
        ("which crisis led to the g8 suspension", "which crisis the g8 suspension"),
        (
            "does russia get tech from china or the other way round",
            "does russia get tech from china or",
        ),
    ],
)
def test_prepare(analyzer: Analyzer, typed: str, expected: str) -> None:
    assert analyzer.prepare(typed) == expected


def test_asking_what_the_author_says_about_a_subject_asks_about_the_subject(
    analyzer: Analyzer,
) -> None:
    assert analyzer.prepare("What does the author say about Western sanctions?") == (
        "what about western sanctions"
    )


@pytest.mark.parametrize(
    ("typed", "meaning"),
    [
        ("What is this article about?", "gist of the article"),
        ("whats it about", "gist of the article"),
        ("so what is this whole thing about", "gist of the article"),
        ("where is this article from", "which publication published the article"),
        ("when was this article written?", "publication date of the article"),
        ("how does the article end", "the ending of the article"),
        ("where's this article from?", "which publication published the article"),
        ("when's this piece from", "publication date of the article"),
        ("whose article is this", "who wrote the article"),
        ("who is this by", "who wrote the article"),
        ("explain this article", "gist of the article"),
        ("what's the point of the article", "gist of the article"),
        ("is this just an op-ed?", "is this an opinion piece"),
    ],
)
def test_questions_about_the_article_made_only_of_filler_are_said_in_its_words(
    analyzer: Analyzer, typed: str, meaning: str
) -> None:
    assert analyzer.prepare(typed) == meaning


def test_a_longer_question_about_the_article_is_left_alone(analyzer: Analyzer) -> None:
    assert analyzer.prepare("what is the article about thaad") == "what is the article about thaad"


@pytest.mark.parametrize(
    "greeting", ["yo whats good", "whats up", "how are you", "hows it going guys"]
)
def test_greetings_phrased_as_questions_ask_nothing(analyzer: Analyzer, greeting: str) -> None:
    assert analyzer.prepare(greeting) == ""


@pytest.mark.parametrize(
    "typed", ["help", "!help", "<@1234567890> can you help me", "what can you do?"]
)
def test_asking_how_to_use_the_bot_is_recognised(analyzer: Analyzer, typed: str) -> None:
    assert analyzer.asks_for_help(analyzer.prepare(typed))


@pytest.mark.parametrize("typed", ["how does china help russia", "help from china"])
def test_help_as_a_topic_word_is_not_a_request_for_help(analyzer: Analyzer, typed: str) -> None:
    assert not analyzer.asks_for_help(analyzer.prepare(typed))


def test_the_authors_surname_is_read_as_the_article_not_a_person(analyzer: Analyzer) -> None:
    # {author} in the lexicon's framings is filled from the sources' metadata.
    assert analyzer.prepare("what does hammond say about sanctions") == "what about sanctions"
    assert analyzer.asked_aspects("what does hammond say") == []


def test_a_moderators_multi_word_synonym_is_read_as_shorthand() -> None:
    analyzer = Analyzer(synonyms={"north korea": ["nk"]})
    assert analyzer.terms(analyzer.prepare("why is nk testing missiles")) == analyzer.terms(
        "why is north korea testing missiles"
    )


def test_the_analyzer_knows_nothing_of_an_article_without_its_knowledge_base() -> None:
    # The package lexicon names no subject: "the two countries" is only China and Russia in a
    # knowledge base that says so (knowledge/phrases.yaml).
    assert (
        Analyzer().prepare("what do the two countries trade") == "what do the two countries trade"
    )
