"""A reading list: articles in folders of their own, added with new-article, covered or not.

The second article (tests/fixtures/harbour-library) was written for these tests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import EXIT_OK, EXIT_USAGE, main
from bot.engine import check_regressions, load_engine
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeError
from bot.search.results import Outcome
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.conftest import SECOND_ABOUT, SECOND_ARTICLE, SECOND_TITLE, add_second_article

SECOND = SECOND_ARTICLE
# Dev-set decisions in the first article's channel that a second article may move: questions
# naming the first article by its title, asked without those words (Matcher, 2026-12-06: 2).
MOVED_BY_NAMING = 2
TITLE = SECOND_TITLE


@pytest.fixture
def knowledge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's knowledge, as a moderator's checkout."""
    monkeypatch.chdir(tmp_path)  # no developer's .env
    return Path(shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge"))


def add_second(knowledge: Path, *extra: str) -> Path:
    """Add the harbour library article with new-article, and its entries; return its folder."""
    status = main(
        [
            "new-article",
            str(SECOND / "article.txt"),
            "--id",
            "harbour-library",
            "--title",
            TITLE,
            "--author",
            "Test Writer",
            "--publication",
            "The Eastmere Gazette",
            "--knowledge",
            str(knowledge),
            *extra,
        ]
    )
    assert status == EXIT_OK
    folder = knowledge / "articles" / "harbour-library"
    shutil.copy(SECOND / "qa.yaml", folder / "qa" / "library.yaml")
    return folder


def add_cases(knowledge: Path, cases: str) -> None:
    """Append regression cases (YAML list items) to the knowledge's tests.yaml."""
    tests_yaml = knowledge / "tests.yaml"
    tests_yaml.write_text(tests_yaml.read_text(encoding="utf-8") + cases, encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    return status, capsys.readouterr().out


def test_a_second_article_needs_no_edit_elsewhere_and_is_answered_and_quoted(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_second(knowledge)
    capsys.readouterr()

    validated, report = run(capsys, "validate", str(knowledge))
    asked, answer = run(
        capsys,
        "ask",
        "--json",
        "how much did the library repairs cost",
        "--knowledge",
        str(knowledge),
    )
    quoted, quotes = run(capsys, "quote", "--json", "Okafor", "--knowledge", str(knowledge))

    assert validated == EXIT_OK, report
    assert "2 source(s)" in report
    assert asked == EXIT_OK
    answered = json.loads(answer)
    assert answered["outcome"] == "answer" and answered["entry_id"] == "library-repair-cost"
    assert {quote["source"] for quote in answered["quotes"]} == {"harbour-library"}
    hits = json.loads(quotes)["quotes"]
    assert quoted == EXIT_OK and hits and hits[0]["source"] == "harbour-library"
    assert "Ruth Okafor" in hits[0]["text"]


def test_the_answer_cites_its_own_article_by_title(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_second(knowledge)
    capsys.readouterr()

    _, text = run(capsys, "ask", "library opening hours", "--knowledge", str(knowledge))

    assert f"— {TITLE}, paragraph 3" in text


def test_coverage_lists_each_articles_uncovered_paragraphs(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_second(knowledge)
    capsys.readouterr()

    status, out = run(capsys, "coverage", "--json", "--knowledge", str(knowledge))
    _, text = run(capsys, "coverage", "--knowledge", str(knowledge))

    assert status == EXIT_OK
    articles = {article["id"]: article for article in json.loads(out)["articles"]}
    second = articles["harbour-library"]
    assert second == {
        "id": "harbour-library",
        "title": TITLE,
        "paragraphs": 5,
        "covered": [2, 3],
        "uncovered": [1, 4, 5],
    }
    first = articles["beijing-moscow"]
    assert len(first["covered"]) + len(first["uncovered"]) == first["paragraphs"]
    assert "(harbour-library): 2 of 5 paragraphs quoted by an entry; not yet:" in text
    assert "  4: The building's basement, where the flood ruined the …" in text


def test_new_article_writes_the_folder_with_normalised_text(
    knowledge: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    windows = tmp_path / "week12.txt"
    windows.write_bytes("\ufeffFirst paragraph.\r\n\r\nSecond “paragraph”.\r\n".encode())

    status, out = run(
        capsys,
        *("new-article", str(windows), "--id", "week-12", "--title", "Week 12"),
        *("--author", "A. Writer", "--knowledge", str(knowledge)),
    )

    folder = knowledge / "articles" / "week-12"
    assert status == EXIT_OK
    assert "knowledge/articles/week-12/ (2 paragraphs)" in out
    assert "The knowledge directory loads: 2 article(s)." in out
    assert "bot validate" in out and "bot coverage" in out
    assert (
        folder / "article.txt"
    ).read_bytes() == "First paragraph.\n\nSecond “paragraph”.\n".encode()
    assert (folder / "qa").is_dir()
    source = load_knowledge(knowledge).sources["week-12"]
    assert (source.title, source.author, source.publication) == ("Week 12", "A. Writer", "")
    assert source.added  # today's date, so this is now the newest article
    assert load_knowledge(knowledge).newest_source().id == "week-12"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--id", "Week 12"), "must be lowercase letters, digits and single hyphens"),
        (("--id", "beijing-moscow"), "knowledge/articles/beijing-moscow already exists"),
    ],
    ids=["bad-id", "existing"],
)
def test_new_article_refuses_a_bad_id_or_an_existing_folder(
    knowledge: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    status = main(
        [
            *("new-article", str(SECOND / "article.txt"), *argv),
            *("--title", "T", "--author", "A", "--knowledge", str(knowledge)),
        ]
    )

    err = capsys.readouterr().err
    assert status == EXIT_USAGE
    assert message in err and err.count("\n") == 1


def test_new_article_refuses_text_that_is_not_utf8_and_writes_nothing(
    knowledge: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Caf\xe9 society.\n".encode("latin-1"))

    status = main(
        [
            *("new-article", str(latin), "--id", "cafe"),
            *("--title", "T", "--author", "A", "--knowledge", str(knowledge)),
        ]
    )

    assert status == EXIT_USAGE
    assert "is not UTF-8" in capsys.readouterr().err
    assert not (knowledge / "articles" / "cafe").exists()


def test_an_entry_in_an_articles_folder_cannot_claim_another_article(knowledge: Path) -> None:
    folder = add_second(knowledge)
    qa = folder / "qa" / "library.yaml"
    qa.write_text(
        qa.read_text(encoding="utf-8").replace(
            "  - id: library-opening-hours\n",
            "  - id: library-opening-hours\n    source: beijing-moscow\n",
        ),
        encoding="utf-8",
    )

    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(knowledge)

    (problem,) = refused.value.problems
    assert (
        str(problem).startswith("knowledge/articles/harbour-library/qa/library.yaml:")
        and problem.entry_id == "library-opening-hours"
    )
    assert "in the folder of article 'harbour-library'" in problem.message


def test_an_article_that_fails_to_load_is_one_problem_not_one_per_entry(knowledge: Path) -> None:
    folder = add_second(knowledge)
    (folder / "article.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    add_cases(
        knowledge,
        "  - question: how much did the library repairs cost\n    expect: library-repair-cost\n",
    )

    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(knowledge)

    shown = [str(problem) for problem in refused.value.problems]
    assert len(shown) == 3, shown
    assert shown[0].startswith("knowledge/articles/harbour-library/article.yaml:2: not valid YAML")
    assert shown[1] == (
        "knowledge/articles/harbour-library/qa: 1 Q&A file(s) not checked: the article failed "
        "to load"
    )
    assert shown[2].startswith("knowledge/tests.yaml: 1 case(s) skipped: entry failed to load: ")
    assert "(library-repair-cost)" in shown[2]


def test_cases_naming_a_broken_entry_are_skipped_not_each_an_unknown_id(knowledge: Path) -> None:
    about = knowledge / "articles" / "beijing-moscow" / "qa" / "about.yaml"
    about.write_text(
        about.read_text(encoding="utf-8").replace("    answer:", "    answr:", 1), encoding="utf-8"
    )

    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(knowledge)

    shown = [str(problem) for problem in refused.value.problems]
    assert not any("unknown entry id" in line for line in shown)
    assert any("entry 'article-author': answr: unknown field" in line for line in shown)
    (skipped,) = [line for line in shown if "skipped" in line]
    assert skipped.startswith("knowledge/tests.yaml: ")
    assert "case(s) skipped: entry failed to load: cases[1] (article-author)" in skipped


def test_a_problem_repeated_in_many_places_is_listed_once_with_a_count(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    for name in ("one", "two"):
        (root / "articles" / name / "qa").mkdir(parents=True)
        (root / "articles" / name / "article.yaml").write_text(
            f"title: {name}\nauthor: A\n", encoding="utf-8"
        )
        (root / "articles" / name / "article.txt").write_text("Some text.\n", encoding="utf-8")
    entries = "".join(
        f"  - id: entry-{n}\n    question: Question {n}?\n    quotes: ['Some text.']\n"
        for n in range(6)
    )
    (root / "articles" / "one" / "qa" / "a.yaml").write_text(
        "topic: T\nentries:\n" + entries, encoding="utf-8"
    )

    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(root)

    (problem,) = refused.value.problems
    assert problem.entry_id == "entry-0" and problem.field == "answer"
    assert problem.message.startswith("is missing (the same in 5 more places: ")
    assert "'entry-1'" in problem.message


def worse(before: str, after: str) -> bool:
    """True when an evaluation line got worse: a right answer lost, or a wrong one, an
    off-topic or an unsaid question answered where it was not."""
    then, now = before.split()[:2], after.split()[:2]
    if then == now:
        return False
    if then[0] == "correct" or now[0] == "wrong":
        return True
    return now in (["off-topic", "answered"], ["unsaid", "answered"])


def test_the_first_articles_answers_do_not_move_with_a_second_present(knowledge: Path) -> None:
    """Asked as in a channel of the first article (what the sets ask about), the dev sets'
    decisions are the ones it makes alone (Engine.ask), but for questions that name it by its
    title ("who wrote the beijing moscow article"), which may only get better."""
    from tests.eval.evaluate import SETS, evaluate
    from tests.eval.test_accuracy import DEV_SETS

    alone = load_engine(DEFAULT_KNOWLEDGE_DIR)
    add_second_article(knowledge)  # with its own "Who wrote the article?"
    together = load_engine(knowledge)

    moved = 0
    for name in DEV_SETS:
        for strict in (False, True):
            before = evaluate(alone, SETS[name], strict=strict)
            after = evaluate(together, SETS[name], strict=strict, article="beijing-moscow")
            pairs = list(zip(before.lines, after.lines, strict=True))
            # Counted, not shown: the sealed sets' questions stay unseen (tests/eval/README.md).
            assert sum(worse(*pair) for pair in pairs) == 0, f"{name}: a decision got worse"
            moved += sum(one != other for one, other in pairs)
    assert moved <= MOVED_BY_NAMING  # measured: 2 (both to a right answer)


def test_with_no_channel_the_first_articles_other_answers_do_not_get_worse(
    knowledge: Path,
) -> None:
    """With no channel article, questions go first to the newest (the test article); the first
    article's answers still come as it alone gives them, so no outcome of the dev sets gets
    worse (questions about the article itself go to the newest by design, and are left out)."""
    from tests.eval.evaluate import SETS, evaluate
    from tests.eval.test_accuracy import DEV_SETS

    alone = load_engine(DEFAULT_KNOWLEDGE_DIR)
    add_second_article(knowledge)
    together = load_engine(knowledge)
    about_itself = {entry.id for entry in together.knowledge.entries if entry.about}

    for name in DEV_SETS:
        before = evaluate(alone, SETS[name])
        after = evaluate(together, SETS[name])
        # Counted, not shown: the sealed sets' questions stay unseen (tests/eval/README.md).
        got_worse = sum(
            worse(then, now) and then.split("-> ")[1].split()[0] not in about_itself
            for then, now in zip(before.lines, after.lines, strict=True)
        )
        assert got_worse == 0, f"{name}: {got_worse} outcome(s) got worse"


def test_with_no_channel_the_first_article_still_offers_did_you_mean(knowledge: Path) -> None:
    # Every question and alternate of the first article with its last word left off: where it
    # alone offers "did you mean", it still does (or answers) beside a newer article.
    alone = load_engine(DEFAULT_KNOWLEDGE_DIR)
    add_second_article(knowledge)
    together = load_engine(knowledge)
    asked = {
        " ".join(phrasing.split()[:-1])
        for entry in alone.knowledge.entries
        if not entry.about
        for phrasing in entry.phrasings
        if len(phrasing.split()) > 2
    }

    lost = [
        question
        for question in sorted(asked)
        if alone.ask(question).outcome is Outcome.SUGGESTIONS
        and together.ask(question).outcome is Outcome.NO_MATCH
    ]

    assert lost == []


@pytest.fixture
def two_authors(knowledge: Path) -> Path:
    """The reading list of two, each article with its own "Who wrote the article?" entry."""
    add_second_article(knowledge)
    return knowledge


def test_each_article_may_ask_the_same_question_of_itself(two_authors: Path) -> None:
    knowledge = load_knowledge(two_authors)

    asked = [e.id for e in knowledge.entries if e.question == "Who wrote the article?"]
    assert sorted(asked) == ["article-author", "harbour-article-author"]


def test_a_question_every_article_answers_goes_to_the_newest_or_the_one_named(
    two_authors: Path,
) -> None:
    engine = load_engine(two_authors)

    newest = engine.ask("who wrote the article?")
    named = engine.ask("who wrote the article?", article="beijing-moscow")

    assert engine.newest_article == "harbour-library"
    assert newest.outcome is Outcome.ANSWER and newest.entry is not None
    assert newest.entry.id == "harbour-article-author"
    assert named.outcome is Outcome.ANSWER and named.entry is not None
    assert named.entry.id == "article-author"


def test_a_question_only_one_article_answers_goes_to_it_whatever_the_channel(
    two_authors: Path,
) -> None:
    engine = load_engine(two_authors)

    border = engine.ask(
        "how long is the border between china and russia", article="harbour-library"
    )

    assert border.entry is not None and border.entry.id == "border-length"


def test_a_regression_case_may_ask_as_in_a_channel_of_one_article(two_authors: Path) -> None:
    add_cases(
        two_authors,
        "  - question: who wrote the article?\n    expect: harbour-article-author\n"
        "  - question: who wrote the article?\n    article: beijing-moscow\n"
        "    expect: article-author\n",
    )
    assert check_regressions(load_engine(two_authors)) == []

    add_cases(
        two_authors,
        "  - question: who wrote the article?\n    article: beijing-moscow\n"
        "    expect: harbour-article-author\n"
        "  - question: who wrote it?\n    article: week-99\n    expect: article-author\n",
    )
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(two_authors)
    (unknown,) = refused.value.problems
    assert unknown.field and unknown.field.endswith(".article")
    assert "unknown article 'week-99' (known: beijing-moscow, harbour-library)" in unknown.message


def test_the_command_line_asks_and_quotes_as_in_an_articles_channel(
    two_authors: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ("--knowledge", str(two_authors))

    _, newest = run(capsys, "ask", "--json", "who wrote the article?", *where)
    _, named = run(
        capsys, "ask", "--json", "--article", "beijing-moscow", "who wrote the article?", *where
    )
    _, quoted = run(capsys, "quote", "--json", "--article", "beijing-moscow", "Okafor", *where)
    refused = main(["ask", "--article", "week-99", "who wrote it?", *where])

    assert json.loads(newest)["entry_id"] == "harbour-article-author"
    assert json.loads(named)["entry_id"] == "article-author"
    assert json.loads(quoted)["quotes"] == []
    assert refused == EXIT_USAGE
    assert (
        "no article 'week-99' (known: beijing-moscow, harbour-library)" in capsys.readouterr().err
    )


def test_quoting_one_article_finds_what_it_would_alone(
    two_authors: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "reopened" is a word of the second article only; the first has "opened" (a typo away).
    where = ("--knowledge", str(two_authors))
    _, alone = run(capsys, "quote", "--json", "reopened")  # the project's one article
    _, named = run(capsys, "quote", "--json", "--article", "beijing-moscow", "reopened", *where)

    assert json.loads(alone)["quotes"]
    assert json.loads(named) == json.loads(alone)


def test_a_case_naming_an_article_that_failed_is_skipped_not_unknown(two_authors: Path) -> None:
    article = two_authors / "articles" / "harbour-library" / "article.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace("title:", "titel:"), "utf-8")
    add_cases(
        two_authors,
        "  - question: who wrote it?\n    article: harbour-library\n    expect: article-author\n",
    )

    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(two_authors)

    shown = [str(problem) for problem in refused.value.problems]
    assert not any("unknown article" in line for line in shown), shown
    skipped = next(line for line in shown if "skipped" in line)
    assert "(article harbour-library)" in skipped


@pytest.mark.parametrize(
    ("written", "problem"),
    [("2026-13-01", "'2026-13-01' is not a date"), ("last week", "'last week' is not a date")],
)
def test_added_must_be_a_date(two_authors: Path, written: str, problem: str) -> None:
    article = two_authors / "articles" / "harbour-library" / "article.yaml"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.split("added:")[0] + f"added: '{written}'\n", encoding="utf-8")

    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(two_authors)

    assert any(p.field == "added" and problem in p.message for p in refused.value.problems), (
        refused.value.problems
    )


def test_of_two_articles_added_the_same_day_the_later_is_the_newest(knowledge: Path) -> None:
    from datetime import UTC, datetime

    from bot.knowledge.articles import add_article

    for article_id, hour in (("zz-morning", 9), ("aa-evening", 18)):
        add_article(
            knowledge,
            SECOND / "article.txt",
            article_id=article_id,
            title=article_id,
            author="A",
            now=datetime(2026, 12, 6, hour, tzinfo=UTC),
        )

    assert load_knowledge(knowledge).newest_source().id == "aa-evening"


def test_explain_asks_as_in_the_channel_of_the_article_named(
    two_authors: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ("--knowledge", str(two_authors))

    _, newest = run(capsys, "explain", "who wrote the article?", *where)
    _, named = run(
        capsys, "explain", "--article", "beijing-moscow", "who wrote the article?", *where
    )

    assert "Decision: answered with 'harbour-article-author'" in newest
    assert "Decision: answered with 'article-author'" in named


def test_a_question_about_the_article_itself_goes_to_the_channels_even_if_another_leads(
    knowledge: Path,
) -> None:
    folder = add_second_article(knowledge, about=False)
    terse = SECOND_ABOUT.replace('    alternates:\n      - "who is the author"\n', "")
    assert "alternates" not in terse  # one phrasing only: the first article's entry has many
    (folder / "qa" / "about.yaml").write_text(terse, encoding="utf-8")
    engine = load_engine(knowledge)

    author = engine.ask("who is the author", article="harbour-library")
    content = engine.ask("does the article say how long the border is", article="harbour-library")

    assert author.entry is not None and author.entry.id == "harbour-article-author"
    assert content.entry is not None and content.entry.id == "border-length"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "how much is the natural gas supply deal worth according to this article",
            "gas-deal-value",
        ),
        ("where does hammond work", "author-bio"),
    ],
)
def test_content_questions_naming_the_article_keep_their_answers_beside_a_newer_one(
    two_authors: Path, question: str, expected: str
) -> None:
    # The newest article is the test one; questions about the first article's subjects that
    # name "the article" or its writer still get the first article's entries (a rule that
    # dropped every candidate phrased with "the article" lost almost all of these).
    engine = load_engine(two_authors)

    result = engine.ask(question)

    assert result.entry is not None and result.entry.id == expected


# -- Questions about an article itself, for an article without an entry telling it -----------


@pytest.fixture
def without_about(knowledge: Path) -> Path:
    """The reading list of two, the newest article with no entry about itself."""
    add_second_article(knowledge, about=False)
    return knowledge


@pytest.mark.parametrize("question", ["who wrote the article?", "whose byline is this"])
def test_the_writer_of_an_article_without_such_an_entry_comes_from_its_details(
    without_about: Path, question: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = load_engine(without_about)

    newest = engine.ask(question)
    first = engine.ask(question, article="beijing-moscow")
    status, shown = run(capsys, "ask", "--knowledge", str(without_about), question)

    assert newest.outcome is Outcome.ANSWER and newest.entry is not None
    assert newest.entry.id == "harbour-library:author"
    assert newest.entry.answer == f"“{TITLE}” was written by Test Writer."
    assert newest.quotes == ()  # nothing quoted: it is not in the article's text
    assert "Hammond" not in newest.entry.answer
    assert first.entry is not None and first.entry.id == "article-author"
    assert status == EXIT_OK
    assert f"“{TITLE}” was written by Test Writer." in shown
    assert "From the article's details, not its text." in shown


def test_the_json_of_an_answer_from_the_details_has_no_quotes(
    without_about: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(
        capsys, "ask", "--json", "--knowledge", str(without_about), "where was it published"
    )

    payload = json.loads(out)
    assert status == EXIT_OK
    assert payload["outcome"] == "answer" and payload["entry_id"] == "harbour-library:publication"
    assert payload["answer"] == f"“{TITLE}” was published in The Eastmere Gazette."
    assert payload["quotes"] == []


def test_what_an_articles_details_do_not_tell_is_not_answered_by_another_articles_entry(
    without_about: Path,
) -> None:
    engine = load_engine(without_about)

    summary = engine.ask("what is the main argument of the article?")
    date = engine.ask("when was the article published?")
    first = engine.ask("what is the main argument of the article?", article="beijing-moscow")

    for result in (summary, date):  # the test article has neither a summary nor a date
        assert result.outcome in (Outcome.SUGGESTIONS, Outcome.NO_MATCH)
        assert result.shown is None
        assert all(
            entry.source_id == "harbour-library" or entry.about not in ("summary", "date")
            for entry in result.suggestions
        )
    assert summary.reason == (
        "asks for the summary of article 'harbour-library', which no entry or detail of it tells"
    )
    assert first.entry is not None and first.entry.id == "article-summary"


def test_a_question_naming_an_article_is_answered_about_that_one(without_about: Path) -> None:
    engine = load_engine(without_about)

    by_name = engine.ask("who is andrew hammond", article="harbour-library")
    by_workplace = engine.ask("what is lse ideas", article="harbour-library")

    assert by_name.entry is not None and by_name.entry.id == "author-bio"
    assert by_workplace.shown is None or by_workplace.shown.source_id == "beijing-moscow"


def test_an_articles_own_entry_about_itself_answers_before_its_details(two_authors: Path) -> None:
    # "Who wrote the article?" is taken as `about: author` without saying so; the first article's
    # entry has the most phrasings, but the newest article's own entry gives its answer.
    engine = load_engine(two_authors)

    result = engine.ask("whose byline is this")

    assert result.entry is not None and result.entry.id == "harbour-article-author"


def test_an_entry_about_the_article_is_found_by_its_id_for_buttons_and_votes(
    without_about: Path,
) -> None:
    knowledge = load_knowledge(without_about)

    author = knowledge.entry("harbour-library:author")

    assert author is not None and author.answer.endswith("written by Test Writer.")
    assert knowledge.entry("harbour-library:date") is None  # no date written down
    assert knowledge.entry("harbour-library:colour") is None
    assert knowledge.entry("week-99:author") is None


@pytest.mark.parametrize("written", ["auther", "AUTHOR"])
def test_about_must_name_what_it_tells(knowledge: Path, written: str) -> None:
    about = knowledge / "articles" / "beijing-moscow" / "qa" / "about.yaml"
    text = about.read_text(encoding="utf-8")
    about.write_text(text.replace("about: author\n", f"about: {written}\n", 1), encoding="utf-8")

    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(knowledge)

    problem, skipped = raised.value.problems
    assert "case(s) skipped: entry failed to load" in skipped.message
    assert problem.entry_id == "article-author" and problem.field == "about"
    assert problem.line == 6 and problem.file.endswith("about.yaml")
    assert f"unknown value '{written}'; did you mean 'author'?" in problem.message


def test_explain_says_why_a_question_about_an_article_was_not_answered(
    without_about: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(
        capsys,
        "explain",
        "--knowledge",
        str(without_about),
        "what is the main argument of the article?",
    )

    assert status == EXIT_OK
    assert (
        "instead of answering: asks for the summary of article 'harbour-library', which no entry "
        "or detail of it tells." in out
    )


def test_a_word_every_article_is_asked_with_names_none_of_them(two_authors: Path) -> None:
    # The test article's writer is "Test Writer": "writer" is still no name of that article,
    # since it is a word for asking about any article.
    engine = load_engine(two_authors)

    first = engine.ask("who is the writer", article="beijing-moscow")

    assert first.entry is not None and first.entry.id == "article-author"


@pytest.mark.parametrize("channel", [None, "beijing-moscow", "harbour-library"])
def test_a_question_naming_an_article_by_its_title_is_answered_about_that_one(
    without_about: Path, channel: str | None
) -> None:
    engine = load_engine(without_about)

    result = engine.ask("who wrote the harbour library article", article=channel)

    assert result.entry is not None and result.entry.id == "harbour-library:author"


@pytest.mark.parametrize(
    "question",
    [
        "who wrote the op-ed about china and russia",
        "sorry if this is a dumb question but who actually wrote this op-ed about china and "
        "russia, i want to know the name of the author",
    ],
)
def test_a_question_naming_an_article_by_its_subjects_gets_that_articles_writer(
    without_about: Path, question: str
) -> None:
    # Asked in the test article's channel (the newest): the subjects are the first article's.
    engine = load_engine(without_about)

    result = engine.ask(question)

    assert result.entry is not None and result.entry.id == "article-author"


@pytest.mark.parametrize(
    "question",
    [
        "which uni is the author from",  # more than the details tell
        "is the writer a professor or something",
        "name and background of the writer",
        "is the author from london?",
        "where does the author work",  # a place, which a byline is not
    ],
)
def test_a_question_about_the_writer_beyond_the_details_gets_no_other_writer(
    without_about: Path, question: str
) -> None:
    engine = load_engine(without_about)

    result = engine.ask(question, article="harbour-library")

    assert result.shown is None, result.shown
    assert all(not entry.about for entry in result.suggestions)


def test_a_common_word_of_an_articles_details_names_no_article(without_about: Path) -> None:
    # "idea" is in the first writer's "LSE IDEAS", "news" in "Arab News": common words.
    engine = load_engine(without_about)

    writer = engine.ask("no idea who wrote this, who is it", article="harbour-library")
    gist = engine.ask("main idea of the article", article="harbour-library")

    assert writer.entry is not None and writer.entry.id == "harbour-library:author"
    assert gist.shown is None or gist.shown.source_id == "harbour-library"


def test_no_other_articles_entry_about_itself_is_suggested(without_about: Path) -> None:
    engine = load_engine(without_about)

    for question in ("when was the article published?", "what does the author argue"):
        result = engine.ask(question, article="harbour-library")

        assert result.shown is None
        assert [
            e.id for e in result.suggestions if e.about and e.source_id != "harbour-library"
        ] == []


def test_explain_says_an_answer_was_asked_of_the_article_itself(
    without_about: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(capsys, "explain", "--knowledge", str(without_about), "who wrote this")

    assert status == EXIT_OK
    assert (
        "answered with 'harbour-library:author', as asked of article 'harbour-library' itself "
        "(its author), in the place of another article's entry telling its own" in out
    )


@pytest.mark.parametrize("channel", [None, "beijing-moscow", "harbour-library"])
def test_an_article_named_by_its_title_answers_with_its_own_entry(
    two_authors: Path, channel: str | None
) -> None:
    engine = load_engine(two_authors)

    harbour = engine.ask("who wrote the harbour library article", article=channel)
    first = engine.ask("who wrote the beijing moscow article", article=channel)

    assert harbour.entry is not None and harbour.entry.id == "harbour-article-author"
    assert first.entry is not None and first.entry.id == "article-author"


def test_an_own_entry_in_the_place_of_anothers_is_held_to_its_own_score(
    two_authors: Path,
) -> None:
    # The first article's byline entry matches "why did the author write this" well; the test
    # article's own does not, and auto-answer (strict) must not post it on the other's score.
    engine = load_engine(two_authors)

    default = engine.ask("why did the author write this", article="harbour-library")
    strict = engine.ask("why did the author write this", article="harbour-library", strict=True)

    assert default.entry is None
    assert strict.entry is None


def test_a_date_in_the_articles_details_is_given_as_the_answer(without_about: Path) -> None:
    details = without_about / "articles" / "harbour-library" / "article.yaml"
    text = details.read_text(encoding="utf-8")
    assert "date: ''\n" in text  # new-article leaves it empty without --date
    details.write_text(text.replace("date: ''\n", 'date: "3 March 2025"\n'), encoding="utf-8")
    engine = load_engine(without_about)

    result = engine.ask("what's the date of the article", article="harbour-library")

    assert result.outcome is Outcome.ANSWER and result.not_said == ""
    assert result.entry is not None and result.entry.id == "harbour-library:date"
    assert result.entry.answer == f"“{TITLE}” was published on 3 March 2025."


ABOUT_QUESTIONS = [
    "who wrote this",
    "whose byline is this",
    "who is the author",
    "what does the author do",
    "which uni is the author from",
    "where does the author work",
    "when was it published",
    "where was it published",
    "main idea of the article",
    "why did the author write this",
    "who wrote the harbour library article",
    "who wrote the beijing moscow article",
    "who wrote the op-ed about china and russia",
    "is arab news actually saying this or just the writer",
]


# More of the test article's entries, about its people: "who wrote to complain" is no byline.
HARBOUR_PEOPLE = """\
topic: People in the harbour library story
entries:
  - id: civic-society-objection
    question: Who objects to the solar panels?
    alternates:
      - "who wrote to complain about the panels"
    answer: The Eastmere Civic Society, which says the panels spoil the view from the quay.
    quotes:
      - "the Eastmere Civic Society argues that the solar panels spoil the view"
  - id: librarian
    question: Who is the head librarian?
    alternates:
      - "who runs the library"
    answer: Ruth Okafor.
    quotes:
      - "Head librarian Ruth Okafor said"
"""


@pytest.mark.parametrize("about", [False, True])
def test_auto_answer_shows_only_what_asking_shows(knowledge: Path, about: bool) -> None:
    # Auto-answer (strict) must never post what /ask would not answer: which article answers
    # does not depend on how sure the answer must be.
    folder = add_second_article(knowledge, about=about)
    (folder / "qa" / "people.yaml").write_text(HARBOUR_PEOPLE, encoding="utf-8")
    engine = load_engine(knowledge)

    for channel in (None, "beijing-moscow", "harbour-library"):
        for question in ABOUT_QUESTIONS:
            strict = engine.ask(question, article=channel, strict=True)
            default = engine.ask(question, article=channel)
            if strict.shown is not None:
                assert default.shown is not None, (channel, question)
                assert default.shown.id == strict.shown.id, (channel, question)
