"""The matcher answers when one entry is clearly best, suggests when unsure, abstains otherwise."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from bot.engine import Engine
from bot.knowledge.model import CitedQuote, Entry
from bot.search.analysis import Analyzer
from bot.search.config import DEFAULT, STRICT
from bot.search.features import phrase_similarity
from bot.search.matcher import Matcher
from bot.search.results import Outcome


def assert_answered_with(engine: Engine, question: str, entry_id: str) -> None:
    result = engine.ask(question)
    assert result.entry is not None, f"{question!r} was not answered: {result.evidence}"
    assert result.entry.id == entry_id


def make_entry(
    entry_id: str,
    question: str,
    *alternates: str,
    paragraph: int = 1,
    answer: str = "An answer.",
    quote: str = "x",
) -> Entry:
    cited = CitedQuote(quote, "tiny", paragraph, 0, len(quote))
    return Entry(entry_id, question, answer, (cited,), "tiny", alternates=alternates)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("Who wrote the article?", "article-author"),
        ("<@123> how long is the border between them", "border-length"),
        ("THAAD", "thaad-what"),
        ("why does china hate thaad", "thaad-china-opposition"),
        ("who is wang li", "who-is-wang-li"),
        ("g8", "g8-suspension"),
        ("when was the investment fund set up", "investment-fund"),
    ],
)
def test_clear_questions_get_their_entry(engine: Engine, question: str, entry_id: str) -> None:
    result = engine.ask(question)
    assert result.outcome is Outcome.ANSWER
    assert result.entry is not None and result.entry.id == entry_id
    assert result.quotes == result.entry.quotes


@pytest.mark.parametrize(
    "question",
    [
        "hello",
        "hi bot",
        "what's the weather",
        "asdfgh",
        "tell me a joke",
        "lol",
        "",
        "<@123>",
        "who won the world cup",
        "how do I cook rice",
        "what is bitcoin",
    ],
)
def test_chatter_gets_an_honest_no_answer(engine: Engine, question: str) -> None:
    result = engine.ask(question)
    assert result.outcome is Outcome.NO_MATCH
    assert result.entry is None and result.quotes == () and result.suggestions == ()


@pytest.mark.parametrize(
    "question",
    ["what is putin's net worth", "how old is xi jinping", "how much does a THAAD battery cost"],
)
def test_near_misses_are_not_answered(engine: Engine, question: str) -> None:
    result = engine.ask(question)
    assert not result.matched
    assert len(result.suggestions) <= 3


def test_two_equally_good_entries_give_suggestions_not_a_guess() -> None:
    matcher = Matcher(
        [
            make_entry("pipeline-east", "Where does the eastern gas pipeline run?", paragraph=1),
            make_entry("pipeline-west", "Where does the western gas pipeline run?", paragraph=2),
        ]
    )
    result = matcher.ask("gas pipeline")
    assert result.outcome is Outcome.SUGGESTIONS
    assert {entry.id for entry in result.suggestions} == {"pipeline-east", "pipeline-west"}


def test_entries_citing_the_same_passage_are_not_rivals() -> None:
    matcher = Matcher(
        [
            make_entry("pipeline-east", "Where does the eastern gas pipeline run?", paragraph=6),
            make_entry("pipeline-deal", "What gas pipeline deal was signed?", paragraph=6),
        ]
    )
    result = matcher.ask("gas pipeline")
    assert result.outcome is Outcome.ANSWER


def test_typo_in_a_rare_word_still_answers() -> None:
    matcher = Matcher(
        [
            make_entry("tillerson", "What did Tillerson announce?"),
            make_entry("gatilov", "What did Gatilov say?"),
        ]
    )
    result = matcher.ask("what did tillersen announce")
    assert result.entry is not None and result.entry.id == "tillerson"


def test_strict_mode_raises_every_bar() -> None:
    assert STRICT.answer > DEFAULT.answer
    assert STRICT.margin > DEFAULT.margin
    assert STRICT.coverage > DEFAULT.coverage
    assert STRICT.suggest > 100  # unsolicited answers never offer suggestions


def test_strict_mode_declines_what_default_mode_suggests(engine: Engine) -> None:
    question = "how old is xi jinping"
    assert engine.ask(question, strict=True).outcome is Outcome.NO_MATCH


def test_very_long_question_is_answered_not_crashed(engine: Engine) -> None:
    result = engine.ask("why does china oppose thaad " * 400)
    assert len(result.normalized) <= 1000
    assert result.entry is not None and result.entry.id == "thaad-china-opposition"


def test_candidates_explain_the_decision(engine: Engine) -> None:
    result = engine.ask("why does china hate thaad")
    assert result.candidates[0].score >= result.candidates[1].score
    assert result.reason
    assert result.candidates[0].matched_phrasing


def test_chat_about_the_bot_or_the_asker_is_not_answered() -> None:
    matcher = Matcher(
        [
            make_entry("author", "Who wrote the article?", "author name"),
            make_entry("loans", "Have Chinese banks given Russia loans?", "bank loans"),
        ]
    )
    for chat in ("whats your name bot", "where can i get a loan", "do you have a loan"):
        result = matcher.ask(chat)
        assert not result.matched, chat
        assert result.evidence is not None
        assert "talks to the bot or about the asker" in result.evidence.shortfalls(DEFAULT)
    # Asking politely is still asking: "can you tell me", "i was wondering".
    for question in ("can you tell me the author name", "i was wondering about the bank loans"):
        assert matcher.ask(question).matched, question


def test_a_short_question_about_what_no_entry_says_is_not_answered() -> None:
    matcher = Matcher([make_entry("hammond", "Who is Andrew Hammond?", "andrew hammond")])
    assert matcher.ask("who is andrew hammond").matched
    result = matcher.ask("when did andrew hammond die")
    assert not result.matched
    assert result.evidence is not None and result.evidence.unmet_aspects == ("die",)
    assert result.suggestions[0].id == "hammond"


def test_an_entry_that_knows_the_aspect_may_answer_it() -> None:
    matcher = Matcher([make_entry("date", "When was the article published?", "how old is it")])
    assert matcher.ask("how old is the article").matched


def test_misspelt_filler_near_a_topic_word_is_ignored() -> None:
    matcher = Matcher(
        [
            make_entry("closer", "Why are Beijing and Moscow getting closer?", paragraph=1),
            make_entry("meeting", "Who was at the meeting?", paragraph=2),
        ]
    )
    # "geting" is one slip from "getting" (filler) and from "meting", a spelling of "meeting".
    words = [match.word for match in matcher.analyse("why are beijing and moscow geting closer")[0]]
    assert "geting" not in words
    result = matcher.ask("why are beijing and moscow geting closer")
    assert result.entry is not None and result.entry.id == "closer"


def test_entries_tied_on_the_shortlist_are_all_reranked() -> None:
    # Ten entries use "trip"; the one phrased most like the question is last in file order.
    entries = [
        make_entry(f"other-{n}", f"Which city number {n} did the trip reach?", paragraph=n)
        for n in range(1, 10)
    ]
    entries.append(make_entry("focus", "What was the trip about?", "trip focus", paragraph=10))
    result = Matcher(entries).ask("what was the trip about")
    assert result.candidates[0].entry.id == "focus"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        (
            "So Medvedev flew to Beijing after the party congress and right before Trump's Asia "
            "trip, and sat down with Xi and the premier. How many days was he there?",
            "visit-length",
        ),
        (
            "I read the bit about Putin hosting Xi in Moscow and then going to a big forum in "
            "Beijing in May. What was that forum called?",
            "belt-and-road-forum",
        ),
        (
            "My friend says Russia and China only cooperate on gas and the pipelines and the $400 "
            "billion deal. Which regions do they coordinate on strategically?",
            "strategic-coordination",
        ),
    ],
)
def test_a_long_question_is_matched_on_what_it_finally_asks(
    engine: Engine, question: str, entry_id: str
) -> None:
    # The story before the question names other entries' subjects; the last sentence decides.
    result = engine.ask(question)
    assert result.entry is not None and result.entry.id == entry_id


def test_the_focus_is_the_last_sentence_or_clause() -> None:
    assert Analyzer().focus_words("He met Xi. How long was the visit?") == frozenset(
        "how long was the visit".split()
    )
    assert Analyzer().focus_words(
        "he met xi and the premier, but how long was the visit"
    ) == frozenset("but how long was the visit".split())


def test_a_short_question_has_no_separate_focus() -> None:
    assert Analyzer().focus_words("how long was the visit") == frozenset()


def test_what_someone_said_is_answered_only_by_an_entry_with_their_words() -> None:
    matcher = Matcher(
        [
            make_entry("talks", "What did Medvedev and Xi talk about?", "medvedev xi talks"),
            make_entry(
                "gatilov", "What did Gatilov say about THAAD?", "gatilov thaad", paragraph=2
            ),
        ]
    )
    said = matcher.ask("what did xi say to medvedev in the talks")
    assert not said.matched
    assert said.evidence is not None and said.evidence.unmet_aspects == ("say",)
    assert matcher.ask("what did gatilov say about thaad").matched
    # The article "saying" something is not a person's words.
    assert matcher.ask("what does the article say about the medvedev xi talks").matched


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("what is the article about", "article-summary"),
        ("summary of the article", "article-summary"),
        ("summarise it for me", "article-summary"),
        ("where is this article from", "publication"),
        ("gatilof said what", "gatilov-quote"),
        ("how does the article end", "visit-conclusion"),
        ("what does the last paragraph say", "visit-conclusion"),
        ("wats the new development bank", "new-development-bank"),
        ("whats next for russia n china", "whats-next"),
        ("wheres the second pipeline going", "second-gas-pipeline"),
        ("whats teh lenght of the border btwn russia and chian", "border-length"),
        ("that gas pipeline from siberia how long is it no cap", "gas-pipeline-route"),
        ("tillerson said smth about options on the table right?? wym", "tillerson-all-options"),
        ("history wise were they always friends or nah", "relationship-history"),
        ("what's china giving russia tech-wise", "chinese-technology"),
        ("Sino-Russian ties overstated", "ties-overstated"),
        ("yo who's this hammond bloke anyway", "author-bio"),
        ("mate how long's the gas pipeline from siberia", "gas-pipeline-route"),
        ("what's beijing scared the yanks might do to north korea", "preemptive-strike-fear"),
        ("how have the two countries gotten along under putin", "putin-warming"),
    ],
)
def test_everyday_questions_about_the_article_are_answered(
    engine: Engine, question: str, entry_id: str
) -> None:
    assert_answered_with(engine, question, entry_id)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("my teacher mentioned thaad in class today. what is thaad?", "thaad-what"),
        ("i've never heard of this guy. who is gatilov?", "who-is-gatilov"),
        ("my dad says they hate each other. why did china and russia split?", "late-1980s-split"),
    ],
)
def test_a_short_story_before_the_question_does_not_hide_it(
    engine: Engine, question: str, entry_id: str
) -> None:
    # Each is declined when the story counts: its words are in no entry, "my dad" reads as
    # chat about the asker, "says" as asking what someone said.
    assert_answered_with(engine, question, entry_id)


def test_a_last_sentence_pointing_back_at_the_story_is_not_asked_alone(engine: Engine) -> None:
    # "whats that about" alone would be the article's gist.
    result = engine.ask("tillerson said smth about 'all options' right? whats that about")
    assert result.entry is not None and result.entry.id == "tillerson-all-options"


def test_a_story_does_not_get_an_off_topic_last_sentence_answered(engine: Engine) -> None:
    assert not engine.ask("great article about the gas deal. how old is putin?").matched


def test_what_year_is_answered_only_by_an_entry_that_gives_one(engine: Engine) -> None:
    # The article dates the fund and the split; not the Soviet collapse or the G8 suspension.
    fund = engine.ask("what year was the investment fund created")
    assert fund.entry is not None and fund.entry.id == "investment-fund"
    assert engine.ask("what year did china and russia split").matched
    assert not engine.ask("what year did the soviet union collapse").matched
    assert not engine.ask("what year did russia get suspended from the g8").matched


def test_an_unknown_chat_word_counts_less_than_an_unknown_english_word() -> None:
    matcher = Matcher(
        [
            make_entry("border", "How long is the border between China and Russia?", paragraph=1),
            make_entry("gas", "How big is the gas deal?", paragraph=2),
        ]
    )
    # "zorbly" is in no dictionary: chat or a typo. "pizza" is a real subject the entry lacks.
    assert matcher.ask("how long is the china russia border zorbly").matched
    assert not matcher.ask("how long is the china russia border pizza").matched


def test_a_long_alternate_sharing_one_word_does_not_read_like_a_short_question() -> None:
    long_alternate = (
        "there is a bit in the article about a special currency reserve fund alongside the new"
        " development bank how big is that fund"
    )
    # WRatio gives any long text sharing one word 85.5 (its partial_token_set_ratio part).
    assert fuzz.WRatio("is the fund getting bigger", long_alternate) > 85
    assert phrase_similarity("is the fund getting bigger", long_alternate) < 70
    assert phrase_similarity("how big is that fund", long_alternate) > 85


def test_a_long_alternate_does_not_outrank_the_entry_that_says_it_plainly(
    engine: Engine,
) -> None:
    # A long alternate of the BRICS reserve fund mentions "fund" and "big"; with WRatio it came
    # first, and the question was answered with the wrong fund.
    result = engine.ask("so the money fund thing is getting bigger?? by how much")
    assert result.candidates[0].entry.id == "investment-fund-doubling"


def test_one_everyday_word_is_not_answered_by_an_alternate_that_merely_contains_it() -> None:
    matcher = Matcher(
        [
            make_entry("warming", "Have ties warmed under Putin?", "were ties cold before putin"),
            make_entry("border", "How long is the border?", "border", paragraph=2),
        ]
    )
    cold = matcher.ask("its cold")
    assert not cold.matched
    assert cold.evidence is not None and cold.evidence.lone_word
    assert matcher.ask("border").matched  # a keyword the moderators gave the entry


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("when did deng and gorbachev fall out, the 1970s?", "deng-gorbachev"),
        ("who announced strategic patience was over, mattis?", "tillerson-strategic-patience"),
    ],
)
def test_a_guess_after_the_comma_does_not_stop_the_answer(
    engine: Engine, question: str, entry_id: str
) -> None:
    result = engine.ask(question)
    assert result.outcome is Outcome.ANSWER
    assert result.entry is not None and result.entry.id == entry_id
    assert result.question == question


def test_a_guess_after_the_comma_does_not_make_chat_an_answer(engine: Engine) -> None:
    assert engine.ask("what is the capital of france, paris?").outcome is Outcome.NO_MATCH


@pytest.mark.parametrize("opening", ["Hello", "Okay"])
def test_a_word_opening_an_answer_or_a_quote_counts_as_said(opening: str) -> None:
    """Greetings are dropped from questions ("hello, who wrote it"), not from what entries say."""
    said = f"{opening} neighbours, said Putin as the pipeline opened."
    matcher = Matcher(
        [
            make_entry(
                "quoted",
                "What did Putin say when the pipeline opened?",
                answer="He greeted the crowd.",
                quote=said,
            ),
            make_entry("answered", "How did the minister reply?", answer=said),
            make_entry("elsewhere", "Where does the pipeline run?"),
        ]
    )
    term = matcher.analyzer.term(opening.lower())
    body_terms = {item.entry.id: item.body_terms for item in matcher.index.items}
    assert term in body_terms["quoted"]
    assert term in body_terms["answered"]
    assert term not in body_terms["elsewhere"]
    candidates = [candidate.entry.id for candidate in matcher.ask(f"who said {opening}").candidates]
    assert sorted(candidates[:2]) == ["answered", "quoted"]


def test_places_are_settled_by_each_text_not_across_an_answer_and_its_quote() -> None:
    """An answer ending "received in Beijing", a quote opening "Xi welcomed": Xi is no place."""
    matcher = Matcher(
        [
            make_entry(
                "received",
                "Where was the delegation received?",
                answer="The delegation was received in Beijing",
                quote="Xi welcomed the delegation at the palace.",
            ),
            make_entry("elsewhere", "Where does the pipeline run?"),
        ]
    )
    assert matcher.index._places == frozenset({"beijing"})
