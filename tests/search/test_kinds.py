"""What a question asks for, what an entry answers, and "not in the article" when they differ."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine import Engine, load_engine
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import ANSWER_KINDS, KnowledgeError
from bot.render.text import render_answer
from bot.search.kinds import KindsError, default_kinds, kinds_file, read_kinds
from bot.search.results import Outcome
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.conftest import TINY_QA, KnowledgeDir

KINDS = default_kinds()
EXAMPLES = [(kind.name, example) for kind in KINDS.kinds for example in kind.examples]


@pytest.mark.parametrize(("kind", "example"), EXAMPLES)
def test_each_example_of_kinds_yaml_is_read_as_its_kind(kind: str, example: str) -> None:
    asked = KINDS.asked(example)
    assert asked is not None and asked.name == kind


def test_kinds_yaml_defines_exactly_what_entries_may_name() -> None:
    assert set(KINDS.names) == set(ANSWER_KINDS)


def test_a_kinds_file_without_a_kind_entries_name_is_refused(tmp_path: Path) -> None:
    text = kinds_file().read_text(encoding="utf-8").replace("kind: yesno", "kind: yes-or-no")
    (tmp_path / "kinds.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KindsError, match="must define exactly"):
        read_kinds(tmp_path / "kinds.yaml")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("settled: in", "settled: expected a list of words"),
        ("locatives: [in, 3]", "locatives: expected a list of words"),
        ("units: [km, miles]", "units: expected a list of lists of words"),
    ],
)
def test_a_kinds_file_with_a_malformed_word_list_is_refused(
    tmp_path: Path, line: str, expected: str
) -> None:
    text = kinds_file().read_text(encoding="utf-8")
    key = line.split(":")[0]
    start = text.index(f"\n{key}:") + 1
    end = text.index("\n", start) if key != "units" else text.index("\n# ", start)
    (tmp_path / "kinds.yaml").write_text(text[:start] + line + text[end:], encoding="utf-8")
    with pytest.raises(KindsError, match=expected):
        read_kinds(tmp_path / "kinds.yaml")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When Medvedev went to Beijing, what were the main topics", "definition"),  # no "when"
        ("how old is the investment fund", "number"),  # a name with "investment" in it
        ("how much did the investment fund start with", "money"),
        ("how long did the visit last", "duration"),
        ("how long is the border", "number"),
        ("my cousin says the border is long. where does the pipeline end?", "place"),
    ],
)
def test_the_kind_asked_is_read_from_what_the_question_asks(question: str, kind: str) -> None:
    asked = KINDS.asked(question.split(". ")[-1])
    assert asked is not None and asked.name == kind


def test_an_entry_gives_a_person_only_with_a_name_the_question_lacks() -> None:
    asked = KINDS.asked("which russian companies got chinese loans")
    banks = KINDS.of_entry(
        ["Do Chinese banks lend to Russia?"],
        "Yes. Chinese banks lend to Russian businesses hit by Western sanctions.",
    )
    deal = KINDS.of_entry(["Who signed the deal?"], "Gazprom signed it.")
    assert asked is not None
    assert not KINDS.answers(banks, asked, "which russian companies got chinese loans")
    assert KINDS.answers(deal, asked, "which russian companies got chinese loans")


def test_which_of_a_class_needs_a_name_whatever_the_entry_s_phrasings_ask() -> None:
    # "who lends to russian firms" is answered by "Chinese banks"; "which chinese banks" is not.
    banks = KINDS.of_entry(
        ["Who lends money to Russian firms?"],
        "Chinese banks lend to Russian businesses hit by Western sanctions.",
    )
    who, which = "who lends to russian firms", "which chinese banks lend to russian firms"
    assert KINDS.answers(banks, KINDS.asked(who), who)
    asked = KINDS.asked(which)
    assert asked is not None and asked.name == "person" and asked.asks_instance
    assert not KINDS.answers(banks, asked, which)
    named = KINDS.of_entry(["Who lends money to Russian firms?"], "Harbin Bank does.")
    assert KINDS.answers(named, asked, which)


def test_which_chinese_banks_is_not_answered_by_the_fact_that_banks_lend(engine: Engine) -> None:
    result = engine.ask("which chinese banks give loans to russian firms")
    assert result.outcome is Outcome.NOT_IN_ARTICLE
    assert result.not_said == "The article doesn't say who."
    assert result.shown is not None and result.shown.id == "chinese-bank-loans"
    assert engine.ask("who gives loans to russian businesses").outcome is Outcome.ANSWER


def test_a_count_needs_the_thing_counted() -> None:
    asked = KINDS.asked("how many cubic metres of gas a year")
    deal = KINDS.of_entry(["How big is the gas deal?"], "A $400 billion gas deal.")
    assert asked is not None and asked.name == "number"
    assert not KINDS.answers(deal, asked, "how many cubic metres of gas a year")
    assert KINDS.answers(deal, KINDS.asked("how many billion"), "how many billion")


def test_evidence_made_of_the_question_s_own_words_shows_nothing() -> None:
    pipeline = KINDS.of_entry(
        ["Will there be a second pipeline?"],
        "Yes. They have agreed to build a second gas pipeline to Xinjiang.",
    )
    route = KINDS.of_entry(["How long is the pipeline?"], "A 3,200km gas pipeline.")
    asked = "how long is the second pipeline"
    length = KINDS.asked(asked)
    assert length is not None and length.name == "number"
    assert "number" in pipeline.kinds  # "second" is a number word...
    assert not KINDS.answers(pipeline, length, asked)
    # ...and a figure the answer adds does give it.
    assert KINDS.answers(route, length, asked)


def test_a_name_is_given_by_a_name_of_several_words_or_by_called() -> None:
    asked = KINDS.asked("what is the eastern pipeline called")
    route = KINDS.of_entry([], "A 3,200km gas pipeline from eastern Siberia to northeast China.")
    bank = KINDS.of_entry([], "The New Development Bank will finance projects.")
    named = KINDS.of_entry([], "The plan is known as the double freeze.")
    assert asked is not None and asked.name == "name"
    assert not KINDS.answers(route, asked, "what is the eastern pipeline called")
    assert KINDS.answers(bank, KINDS.asked("whats the bank called"), "whats the bank called")
    assert KINDS.answers(named, KINDS.asked("what is the plan called"), "what is the plan called")
    agency = KINDS.of_entry([], "Russia and China plan a joint credit agency.")
    called = "what is the credit agency called"
    assert not KINDS.answers(agency, KINDS.asked(called), called)
    asked_again = KINDS.asked("what is the new development bank called")
    assert not KINDS.answers(bank, asked_again, "what is the new development bank called")


def test_a_place_is_a_name_the_answer_puts_something_in_or_sends_it_to() -> None:
    measure = KINDS.of_entry(
        [], "The measure would require the US and South Korea to halt military drills."
    )
    route = KINDS.of_entry([], "A second gas pipeline from western Siberia to Xinjiang province.")
    asked = KINDS.asked("where in south korea are the drills")
    assert asked is not None and asked.name == "place"
    assert not KINDS.answers(measure, asked, "where in south korea are the drills")
    where = KINDS.asked("where will the second pipeline go")
    assert KINDS.answers(route, where, "where will the second pipeline go")
    # A place the question names itself is no answer to where in it.
    assert not KINDS.answers(route, where, "where in xinjiang will the pipeline from siberia go")


def test_a_name_the_answer_puts_somewhere_is_no_one_who_did_it() -> None:
    route = KINDS.of_entry([], "A 3,200km gas pipeline to northeast China, built in Siberia.")
    asked = KINDS.asked("which company runs the pipeline")
    assert asked is not None and asked.name == "person"
    assert not KINDS.answers(route, asked, "which company runs the pipeline")
    suspended = KINDS.of_entry([], "Russia was suspended from the G8 during the crisis.")
    group = KINDS.asked("which group was russia suspended from")
    assert KINDS.answers(suspended, group, "which group was russia suspended from")


def test_which_month_asks_for_a_date_that_this_month_does_not_give() -> None:
    trip = KINDS.of_entry([], "Trump visits the region for 12 days this month.")
    asked = KINDS.asked("which month is the trip")
    assert asked is not None and asked.name == "date"
    assert not KINDS.answers(trip, asked, "which month is the trip")
    assert KINDS.answers(KINDS.of_entry([], "The forum was held in May."), asked, "which month")


@pytest.mark.parametrize(
    "asked", ["how many kilometres long is it", "how many miles is it", "how many dollars"]
)
def test_a_unit_counts_no_thing_a_figure_in_the_same_measure_gives_it(asked: str) -> None:
    route = KINDS.of_entry([], "A 3,200km gas pipeline worth $400 billion.")
    kind = KINDS.asked(asked)
    assert kind is not None
    assert KINDS.answers(route, kind, asked)
    assert not KINDS.answers(KINDS.of_entry([], "Three pipelines."), kind, asked)


def test_a_name_put_in_a_place_anywhere_is_a_place_everywhere() -> None:
    bodies = ["Putin hosted Xi in Moscow.", "Moscow has opened its oil sector to Beijing."]
    places = KINDS.known_places(bodies)
    assert "moscow" in places and "putin" not in places
    sector = KINDS.of_entry([], bodies[1], places=places)
    visit = KINDS.of_entry([], bodies[0], places=places)
    asked = "which russian oil companies opened up"
    kind = KINDS.asked(asked)
    assert kind is not None and kind.name == "person"
    assert not KINDS.answers(sector, kind, asked)
    assert KINDS.answers(visit, KINDS.asked("who hosted xi"), "who hosted xi")


def test_when_something_will_happen_needs_a_time_to_come() -> None:
    doubling = KINDS.of_entry([], "It was announced this week that the fund will double in size.")
    trip = KINDS.of_entry([], "Trump visits the region for 12 days this month.")
    asked = KINDS.asked("when will the fund double")
    assert asked is not None and asked.name == "future"
    assert not KINDS.answers(doubling, asked, "when will the fund double")
    assert KINDS.answers(trip, KINDS.asked("when will trump visit"), "when will trump visit")
    past = KINDS.asked("when did trump say 'we will'")
    assert past is not None and past.name == "time"


# -- through the engine, the CLI and the text renderer --------------------------------------------


def test_a_question_the_topic_entry_does_not_answer_gets_not_in_the_article(
    engine: Engine,
) -> None:
    result = engine.ask("how much did the investment fund start with")
    assert result.outcome is Outcome.NOT_IN_ARTICLE
    assert not result.matched and result.entry is None
    assert result.shown is not None and result.shown.id == "investment-fund"
    assert result.not_said == "The article doesn't give that amount."
    text = render_answer(result, engine.knowledge)
    assert text.startswith("The article doesn't give that amount.")
    assert "What it does say: " + result.shown.answer.split()[0] in text
    assert result.shown.quotes[0].text.split()[0] in text


@pytest.mark.parametrize(
    "question",
    ["is gazprom building the second gas pipeline", "did rosneft sign the 400 billion gas deal"],
)
def test_a_yes_or_no_about_a_name_nobody_wrote_down_is_not_confirmed(
    engine: Engine, question: str
) -> None:
    result = engine.ask(question)
    assert result.outcome is Outcome.NOT_IN_ARTICLE
    assert result.not_said == "The article doesn't say whether that is so."
    assert result.shown is not None


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("did putin host xi in moskow", "xi-moscow-visit"),
        ("is the border 4000km long", "border-length"),
    ],
)
def test_a_yes_or_no_with_a_typo_or_a_wrong_figure_is_still_answered(
    engine: Engine, question: str, entry_id: str
) -> None:
    result = engine.ask(question)
    assert result.outcome is Outcome.ANSWER
    assert result.entry is not None and result.entry.id == entry_id


def test_the_same_topic_asked_what_it_does_say_is_answered(engine: Engine) -> None:
    result = engine.ask("when was the investment fund set up")
    assert result.outcome is Outcome.ANSWER
    assert result.entry is not None and "2012" in result.entry.answer


def test_ask_json_reports_the_outcome_and_what_is_not_said(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["ask", "--json", "how much did the investment fund start with"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["outcome"] == "not_in_article"
    assert payload["matched"] is False
    assert payload["entry_id"] == "investment-fund"
    assert payload["not_said"] == "The article doesn't give that amount."
    assert payload["quotes"] and payload["answer"]
    assert main(["ask", "--json", "when was the investment fund set up"]) == 0
    answered = json.loads(capsys.readouterr().out)
    assert (answered["outcome"], answered["matched"], answered["not_said"]) == (
        "answer",
        True,
        None,
    )


def test_explain_shows_the_kind_asked_and_why_the_entry_did_not_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", "how much did the investment fund start with"]) == 0
    out = capsys.readouterr().out
    assert "Asks for: money ('investment-fund' does not give it)." in out
    assert "asked-kind: asks for money, which the entry does not give" in out
    assert "said the article does not say it" in out


def test_explain_names_the_word_a_yes_or_no_cannot_be_confirmed_by(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", "is gazprom building the second gas pipeline"]) == 0
    out = capsys.readouterr().out
    assert "Asks for: yesno ('second-gas-pipeline' cannot confirm 'gazprom')." in out
    assert "asked-kind: asks yes or no about 'gazprom', which no entry uses" in out


# -- moderators' answers: field ---------------------------------------------------------------

STATED = TINY_QA.replace(
    "    answer: The border is 3,645km long.",
    "    answers: [number]\n    answer: The border is 3,645km long.",
)


def test_moderators_may_state_what_an_entry_answers(knowledge_dir: KnowledgeDir) -> None:
    knowledge = load_knowledge(knowledge_dir(STATED))
    (entry,) = knowledge.entries
    assert entry.answers == ("number",)
    engine = Engine(knowledge)
    assert engine.ask("how long is the border").matched
    # Stated kinds are all it answers: a "when" is not in the article, however well it matches.
    assert engine.ask("when was the border length set").outcome is not Outcome.ANSWER


def test_an_unknown_kind_is_reported_with_its_line_and_a_guess(
    knowledge_dir: KnowledgeDir,
) -> None:
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_dir(STATED.replace("[number]", "[numbr, time]")))
    (problem,) = error.value.problems
    assert problem.field == "answers[1]" and problem.line == 7
    assert "unknown kind 'numbr'; did you mean 'number'?" in problem.message


def test_validate_verbose_lists_each_entrys_kinds(
    knowledge_dir: KnowledgeDir, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = knowledge_dir(STATED)
    assert main(["validate", "--verbose", "--knowledge", str(directory)]) == 0
    out = capsys.readouterr().out
    assert "border-length: answers number (stated)" in out
    load_engine(directory)  # and it still loads as an engine


def _asked_one_pattern_at_a_time(text: str) -> str | None:
    """The kind asked, as the rule says: the earliest phrase, ties to the kind listed first."""
    from bot.text.normalize import normalize

    kinds = default_kinds()
    padded = normalize(text) + " "
    best = None
    for order, kind in enumerate(kinds.kinds):
        for pattern in kind.asks:
            found = (pattern.leading if kind.at_start else pattern.anywhere).search(padded)
            if found is None or (kind.at_start and not found.group()):
                continue
            if best is None or (found.start(), order) < best[:2]:
                best = (found.start(), order, kind)
    return None if best is None else best[2].name


def test_one_search_for_every_kind_finds_what_one_search_per_phrase_finds() -> None:
    """Kinds are asked through one combined regex; it must pick the same phrase as the rule."""
    import yaml

    texts = [entry.question for entry in load_knowledge(DEFAULT_KNOWLEDGE_DIR).entries]
    for path in sorted((Path(__file__).parents[1] / "eval").glob("dev*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [item["q"] for item in data["in_scope"] + (data.get("unsaid") or [])]
    kinds = default_kinds()
    seen = set()
    for text in texts:
        asked = kinds.asked(text)
        # A broad kind may give way to a narrower one ("how much" + "cost" is money).
        broad = asked.within if asked and asked.within else (asked.name if asked else None)
        expected = _asked_one_pattern_at_a_time(text)
        assert (asked.name if asked else None) == expected or broad == expected, text
        seen.add(expected)
    assert len(seen) >= 10  # most kinds were asked somewhere


def test_kinds_read_when_first_needed_decide_as_kinds_read_at_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A large knowledge base reads an entry's kinds when a question first shortlists it."""
    import yaml

    from bot.search import retrieval

    path = Path(__file__).parents[1] / "eval" / "dev18.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = [item["q"] for item in data["in_scope"] + (data.get("unsaid") or [])]
    eager = load_engine(DEFAULT_KNOWLEDGE_DIR)
    monkeypatch.setattr(retrieval, "EAGER_KINDS_ENTRIES", 0)
    lazy = load_engine(DEFAULT_KNOWLEDGE_DIR)
    assert not lazy._matcher.index._answers  # nothing read yet
    for question in questions:
        first, second = eager.ask(question), lazy.ask(question)
        assert (first.outcome, first.candidates) == (second.outcome, second.candidates), question
    assert any(eager.ask(q).outcome is Outcome.NOT_IN_ARTICLE for q in questions)
    assert lazy.answer_kinds() == eager.answer_kinds()


def test_a_question_asking_no_kind_reads_no_entry_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any entry answers a question that asks no kind, so a large knowledge base reads none."""
    from bot.search import retrieval

    monkeypatch.setattr(retrieval, "EAGER_KINDS_ENTRIES", 0)
    lazy = load_engine(DEFAULT_KNOWLEDGE_DIR)
    question = "THAAD china opposition"
    assert lazy.analyzer.asked_kind(question)[0] is None
    assert lazy.ask(question).entry is not None
    assert not lazy._matcher.index._answers


def test_an_answer_shows_the_same_kinds_as_a_case_blind_search_finds() -> None:
    """Evidence is searched in lowercased text; it must find what a case-blind search does.

    Over every knowledge and eval text, in capitals too, and texts holding the letters that a
    case-blind search matches unlike their lowercase ("ı", "ſ", "İ", the Kelvin sign).
    """
    from tests.text.test_normalize import _every_text

    texts = _every_text()
    texts += [text.upper() for text in texts]
    texts += [
        "It took ſix MONTHS and cost $5BN.",
        "In İstanbul on MONDAY the 3RD, they met for ıı weeks.",
        "The 300\u212am pipeline opens NEXT year.",
        "Called the NEW DEVELOPMENT BANK in 2015.",
    ]
    case_blind = copy.copy(KINDS)
    case_blind._lowered_evidence = {}  # every pattern searched as written: case-insensitive
    assert KINDS._lowered_evidence  # the fast way is taken for kinds.yaml's patterns
    shown = 0
    for text in texts:
        assert KINDS.of_entry((), text) == case_blind.of_entry((), text), text
        shown += bool(KINDS.of_entry((), text).shown_by)
    assert shown > 100


@pytest.mark.parametrize(
    ("pattern", "lowercase"),
    [
        (r"\b(next|coming)\b", True),
        (r"\d{2,4}s\b\S\W\B", True),  # capitals only in escapes
        (r"\b[A-Z][a-z]+", False),  # a capital: searched case-blind, as written
        (r"\bcafé\b", False),  # not ASCII
    ],
)
def test_only_lowercase_ascii_evidence_is_searched_in_lowercased_text(
    pattern: str, lowercase: bool
) -> None:
    from bot.search.kinds import _lowercase_ascii

    assert _lowercase_ascii(pattern) is lowercase
