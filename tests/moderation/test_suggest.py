"""Suggestions: similar questions grouped, most asked first, as YAML that validates once pasted."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.engine import Engine, check_regressions, load_engine
from bot.knowledge.loader import MAX_PHRASE_CHARS, load_knowledge
from bot.knowledge.model import Entry, KnowledgeError
from bot.moderation.records import UNHELPFUL, UnansweredQuestion
from bot.moderation.suggest import (
    ALTERNATE_MIN_SCORE,
    GROUP_SIMILARITY,
    QuestionGroup,
    group_unanswered,
    render_snippet,
    render_suggestions,
    similarity,
)
from bot.search.results import Candidate
from bot.text.normalize import normalize
from tests.conftest import KnowledgeDir

ODD_BUT_FAIR = [  # what members type, including what YAML would misread if not quoted
    'what does "strategic patience" mean',
    "no",
    "1.10",
    "gas: how much? # really",
    "- is it $400bn",
    "back\\slash and {braces} & *stars* @everyone",
    "did they sign it 🤝 yet",
    "tab\there and a zero\u200bwidth space",
]


def record(
    question: str, reason: str = "no_match", candidate: str | None = None
) -> UnansweredQuestion:
    return UnansweredQuestion(
        question=question,
        normalized=normalize(question),
        guild_id=1,
        channel_id=2,
        asked_at=datetime.now(UTC),
        candidate_id=candidate,
        candidate_score=None,
        reason=reason,
    )


def near(entry: Entry, score: float = ALTERNATE_MIN_SCORE + 5) -> Candidate:
    return Candidate(entry, score, entry.question.lower())


def paste(root: Path, entry: Entry, snippet: str) -> None:
    """Paste a snippet where its comment says: into the entry, under its alternates."""
    path = root.parent / entry.file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {entry.id}")
    if "\n    alternates:\n" in snippet:  # the entry had none: the snippet brings the key
        at = start + 1
    else:
        at = next(i for i in range(start, len(lines)) if lines[i].strip() == "alternates:") + 1
    lines[at:at] = [snippet + "\n"]
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("whats the weather", "weather today"),
        ("how much is a pizza in moscow", "pizza price in moscow"),
        ("when was the pipeline finished", "pipeline finished when"),
        ("who is the president of china", "who is china's president"),
        ("whens the next summit", "when is the next summit"),
        ("does china have nukes", "how many nukes does china have"),
    ],
)
def test_rephrasings_group_together(first: str, second: str) -> None:
    assert similarity(normalize(first), normalize(second)) >= GROUP_SIMILARITY


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("china", "why does china oppose thaad"),
        ("gas deal", "gas pipeline"),
        ("who is xi", "who is putin"),
        ("how long is the border", "how long is the pipeline"),
        ("when did xi visit moscow", "when did putin visit beijing"),
        ("russia gdp", "china gdp"),
    ],
)
def test_different_questions_stay_apart(first: str, second: str) -> None:
    assert similarity(normalize(first), normalize(second)) < GROUP_SIMILARITY


def test_groups_come_most_asked_first_with_counts_and_examples(
    knowledge_dir: KnowledgeDir,
) -> None:
    tiny = load_engine(knowledge_dir())
    asked = (
        ["whats the weather"] * 2
        + ["how much is a pizza in moscow"] * 3
        + ["weather today", "pizza price in moscow", "who won the football"]
    )

    groups = group_unanswered([record(q) for q in asked], tiny)

    assert [(g.count, g.questions) for g in groups] == [
        (4, ("how much is a pizza in moscow", "pizza price in moscow")),
        (3, ("whats the weather", "weather today")),
        (1, ("who won the football",)),
    ]


def test_questions_the_engine_answers_now_are_left_out(knowledge_dir: KnowledgeDir) -> None:
    tiny = load_engine(knowledge_dir())
    assert tiny.ask("How long is the border?").matched

    groups = group_unanswered([record("How long is the border?"), record("pizza?")], tiny)

    assert [g.questions for g in groups] == [("pizza?",)]


def test_an_answer_voted_unhelpful_becomes_a_new_entry_not_its_alternates(
    knowledge_dir: KnowledgeDir,
) -> None:
    tiny = load_engine(knowledge_dir())
    voted = record("How long is the border?", UNHELPFUL, "border-length")

    (group,) = group_unanswered([voted], tiny)
    snippet = render_snippet(group, tiny)

    assert group.unhelpful_entries == ("border-length",) and not group.fits_alternates
    assert "# Members voted 'border-length' not helpful for these" in snippet
    assert "  - id: " in snippet


def test_pasted_alternates_validate_and_reach_the_entry(knowledge: Path) -> None:
    engine = load_engine(knowledge)
    entry = engine.knowledge.entry("gas-deal-value")
    assert entry is not None
    taken = next(e for e in engine.knowledge.entries if e.id != entry.id).question
    too_long = "why " * (MAX_PHRASE_CHARS // 4 + 1)
    group = QuestionGroup((*ODD_BUT_FAIR, taken, too_long), 12, near(entry))

    snippet = render_snippet(group, engine)
    paste(knowledge, entry, snippet)

    assert f"Add these lines to the alternates of entry 'gas-deal-value' in {entry.file}" in snippet
    reloaded = load_knowledge(knowledge)  # raises KnowledgeError listing any problem
    pasted = reloaded.entry("gas-deal-value")
    assert pasted is not None
    added, kept = pasted.alternates[: len(ODD_BUT_FAIR)], pasted.alternates[len(ODD_BUT_FAIR) :]
    assert added == tuple(" ".join(q.replace("\u200b", " ").split()) for q in ODD_BUT_FAIR)
    assert kept == entry.alternates  # the taken and the too-long wordings were left out
    assert check_regressions(load_engine(knowledge)) == []


def test_alternates_for_an_entry_without_any_bring_the_key(
    knowledge_dir: KnowledgeDir,
) -> None:
    root = knowledge_dir(qa=TINY_QA_WITHOUT_ALTERNATES)
    tiny = load_engine(root)
    entry = tiny.knowledge.entry("border-length")
    assert entry is not None and entry.alternates == ()

    snippet = render_snippet(QuestionGroup(("border km?", "frontier length"), 2, near(entry)), tiny)
    paste(root, entry, snippet)

    pasted = load_knowledge(root).entry("border-length")
    assert pasted is not None and pasted.alternates == ("border km?", "frontier length")


def test_a_new_entry_skeleton_is_refused_until_a_moderator_completes_it(
    knowledge: Path,
) -> None:
    engine = load_engine(knowledge)
    group = QuestionGroup(("how much is a pizza in moscow", "pizza price in moscow"), 4, None)

    snippet = render_snippet(group, engine)
    path = knowledge / "articles" / "beijing-moscow" / "qa" / "energy.yaml"
    path.write_text(path.read_text(encoding="utf-8") + snippet + "\n", encoding="utf-8")

    assert "TODO(moderator): write the answer and replace the quote" in snippet
    assert '    answer: "TODO:' in snippet
    slug = re.search(r"  - id: (\S+)", snippet)
    assert slug is not None and slug[1] == "pizza-moscow"
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(knowledge)
    problems = [str(problem) for problem in refused.value.problems]
    assert problems == [
        f"knowledge/articles/beijing-moscow/qa/energy.yaml:{_line_of(path, 'TODO: paste')}: "
        "entry 'pizza-moscow': "
        "quotes[1]: not found verbatim in source 'beijing-moscow': check the wording against "
        "the source and copy it exactly"
    ]


def test_a_far_nearest_entry_gives_a_skeleton(engine: Engine) -> None:
    entry = engine.knowledge.entries[0]
    group = QuestionGroup(("pizza?",), 1, near(entry, ALTERNATE_MIN_SCORE - 1))

    snippet = render_snippet(group, engine)

    assert not group.fits_alternates
    assert f"Nearest entry: '{entry.id}' (score {ALTERNATE_MIN_SCORE - 1:.1f}), too far" in snippet


def test_skeleton_ids_never_collide(engine: Engine) -> None:
    groups = [
        QuestionGroup(("pizza in moscow?",), 2, None),
        QuestionGroup(("pizza moscow",), 1, None),
    ]

    text = render_suggestions(groups, engine)

    assert re.findall(r"  - id: (\S+)", text) == ["pizza-moscow", "pizza-moscow-2"]
    assert text.startswith("# citebot suggest: 3 unanswered question(s) in 2 group(s)")


TINY_QA_WITHOUT_ALTERNATES = """\
topic: Geography
entries:
  - id: border-length
    question: How long is the border?
    answer: The border is 3,645km long.
    quotes:
      - "the border is 3,645km long."
"""


def _line_of(path: Path, text: str) -> int:
    content = path.read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1


def test_an_answer_from_an_articles_details_gets_a_new_entry_not_alternates(
    engine: Engine,
) -> None:
    # "harbour:author" is told from article.yaml (bot/knowledge/about.py): no YAML to paste into.
    from bot.knowledge.about import metadata_entry

    source = next(iter(engine.knowledge.sources.values()))
    told = metadata_entry(source, "author")
    assert told is not None
    group = QuestionGroup(("whose piece is this",), 3, Candidate(told, 90.0, "who wrote it"))

    snippet = render_snippet(group, engine)

    assert not group.fits_alternates
    assert "which is in no entry file: this needs a new entry, with `about: author`" in snippet
    assert "Add these lines to the alternates" not in snippet
