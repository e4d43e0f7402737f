"""/quote finds the article's sentences about a term: whole words first, then typos, never junk."""

from __future__ import annotations

import pytest

from bot.engine import Engine


def test_acronym_finds_sentences_that_name_it(engine: Engine) -> None:
    hits = engine.quote("THAAD")
    assert len(hits) == 3
    assert all("THAAD" in hit.text for hit in hits)
    assert all(hit.score == 100 for hit in hits)
    assert [hit.paragraph for hit in hits] == sorted(hit.paragraph for hit in hits)


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("thad", "THAAD"),
        ("tillersen", "Tillerson"),
        ("gatilof", "Gatilov"),
        ("medvedv", "Medvedev"),
    ],
)
def test_typo_finds_the_intended_word(engine: Engine, typed: str, word: str) -> None:
    hits = engine.quote(typed)
    assert hits, typed
    assert all(word in hit.text for hit in hits)
    assert all(hit.score < 100 for hit in hits)


def test_g8_is_matched_as_a_whole_word_only(engine: Engine) -> None:
    hits = engine.quote("G8", limit=10)
    assert len(hits) == 1
    assert hits[0].text.endswith("Russia was suspended from the G8.")
    assert hits[0].paragraph == 3


def test_phrase_hits_rank_above_scattered_words(engine: Engine) -> None:
    hits = engine.quote("strategic patience", limit=10)
    assert "“strategic patience”" in hits[0].text
    assert hits[0].score == 100


def test_plural_finds_the_singular(engine: Engine) -> None:
    hits = engine.quote("pipelines")
    assert hits
    assert all("pipeline" in hit.text for hit in hits)


@pytest.mark.parametrize("term", ["bitcoin", "weather", "asdfgh", "", "   ", "!!!"])
def test_term_never_mentioned_returns_nothing(engine: Engine, term: str) -> None:
    assert engine.quote(term) == []


def test_quote_text_is_verbatim_source_text(engine: Engine) -> None:
    for term in ("Gatilov", "Wang Li", "3,645km", "Deng Xiaoping"):
        for hit in engine.quote(term):
            source = engine.source(hit.source_id)
            assert source.text[hit.start : hit.end] == hit.text
            assert hit.text in source.paragraphs[hit.paragraph - 1].text


def test_limit_caps_the_results(engine: Engine) -> None:
    assert len(engine.quote("China", limit=2)) == 2
    assert len(engine.quote("China", limit=50)) > 3


def test_autocomplete_offers_names_by_prefix_within_discord_limits(engine: Engine) -> None:
    choices = engine.complete_term("ti")
    assert any(choice.startswith("Tillerson") or "Tillerson" in choice for choice in choices)
    assert len(engine.complete_term("")) <= 25
    assert all(len(choice) <= 100 for choice in engine.complete_term("", limit=1000))


def test_autocomplete_tolerates_typos(engine: Engine) -> None:
    assert "THAAD" in engine.complete_term("thad")


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [
        ("preemptive", "pre-emptive"),  # a hyphen left out
        ("li ke qiang", "Li Keqiang"),  # a name split into syllables
        ("gorba chev", "Gorbachev"),
        ("worldbank", "World Bank"),  # two words run together
        ("IMF", "International Monetary Fund"),  # an acronym of the article's name
        ("terminal high altitude area defense", "THAAD"),  # a name the article abbreviates
        ("brisc", "BRICS"),  # two neighbouring letters swapped
        # Other names the moderators list under names: in knowledge/synonyms.yaml.
        ("USSR", "Soviet Union"),
        ("UNSC", "Security Council"),
        ("brazil russia india china south africa", "BRICS"),  # "and" left out of the listed name
    ],
)
def test_other_spellings_and_names_find_the_article_s_wording(
    engine: Engine, typed: str, wanted: str
) -> None:
    hits = engine.quote(typed)
    assert hits, typed
    assert all(wanted in hit.text for hit in hits)


def test_a_byline_ranks_after_the_sentence_about_the_person(engine: Engine) -> None:
    hits = engine.quote("hammond")
    assert [hit.text.strip() for hit in hits][1:] == ["Andrew Hammond"]
    assert "is an Associate at LSE IDEAS" in hits[0].text


@pytest.mark.parametrize(
    ("term", "wanted"),
    [
        # No sentence has every word: the one with the most of the rarer ones.
        ("gas deal 400bn", "$400 billion natural gas supply deal"),
        ("trains analogy", "apply the break to both trains"),
        # Words read as matching reads them: moderators' synonyms and shorthand.
        ("frontier", "3,645km land border"),
        ("nk missile launches", "North Korea"),
        # The text names its writer, never "the writer".
        ("the writer", "Andrew Hammond is an Associate at LSE IDEAS"),
    ],
)
def test_a_term_with_some_of_its_words_finds_the_closest_sentence(
    engine: Engine, term: str, wanted: str
) -> None:
    hits = engine.quote(term)
    assert hits, term
    assert wanted in hits[0].text
    assert all(hit.partial for hit in hits)
    # Below every hit that has the whole term, typos included (0.85 x at least 84).
    assert all(hit.score < 71 for hit in hits)


@pytest.mark.parametrize("term", ["cold war", "pizza moscow", "trump weather", "bitcoin price"])
def test_a_term_mostly_of_words_the_article_lacks_finds_nothing(engine: Engine, term: str) -> None:
    assert engine.quote(term) == []


def test_a_whole_term_is_never_marked_partial(engine: Engine) -> None:
    for term in ("THAAD", "thad", "preemptive", "Deng Xiaoping"):
        assert not any(hit.partial for hit in engine.quote(term)), term
