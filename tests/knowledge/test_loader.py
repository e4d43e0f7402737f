"""The loader accepts valid knowledge and reports every problem with file, line, entry and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.loader import MAX_ANSWER_CHARS, load_knowledge
from bot.knowledge.model import KnowledgeError
from bot.knowledge.yaml_strict import MAX_FILE_BYTES
from tests.conftest import TINY_QA, KnowledgeDir


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return [str(problem) for problem in caught.value.problems]


def entry(**fields: str) -> str:
    """Render one entry of a Q&A file, with sensible defaults for fields not given."""
    values = {
        "id": "border-length",
        "question": "How long is the border?",
        "answer": "The border is 3,645km long.",
        "quotes": '\n      - "the border is 3,645km long."',
        **fields,
    }
    body = "\n".join(f"    {key}: {value}" for key, value in values.items() if value != "")
    return "  -" + body[3:] + "\n"


def qa(*entries: str) -> str:
    return "topic: Geography\nentries:\n" + "".join(entries)


def test_valid_directory_loads_with_cited_paragraphs(knowledge_dir: KnowledgeDir) -> None:
    knowledge = load_knowledge(knowledge_dir())
    (loaded,) = knowledge.entries
    assert loaded.id == "border-length"
    assert loaded.alternates == ("border length",)
    (quote,) = loaded.quotes
    assert quote.paragraph == 1
    assert quote.text == "the border is 3,645km long."
    assert knowledge.sources["tiny"].text[quote.start : quote.end] == quote.text
    assert knowledge.topics == {"Geography": knowledge.entries}
    assert len(knowledge.version) == 12


def test_quote_in_second_paragraph_is_cited_as_paragraph_two(knowledge_dir: KnowledgeDir) -> None:
    directory = knowledge_dir(qa(entry(quotes='\n      - "mentions THAAD and the G8"')))
    (quote,) = load_knowledge(directory).entries[0].quotes
    assert quote.paragraph == 2


def test_quote_may_fold_whitespace_but_keeps_source_text(knowledge_dir: KnowledgeDir) -> None:
    directory = knowledge_dir(qa(entry(quotes='\n      - "3,645km long. It is the world’s"')))
    (quote,) = load_knowledge(directory).entries[0].quotes
    assert quote.text == "3,645km long.  It is the world’s"


def test_version_changes_when_knowledge_changes(knowledge_dir: KnowledgeDir) -> None:
    first = load_knowledge(knowledge_dir()).version
    second = load_knowledge(knowledge_dir(TINY_QA.replace("long.\n", "long!\n", 1))).version
    assert first != second


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"quotes": '\n      - "the border is 9,999km long."'},
            "knowledge/qa/geo.yaml:7: entry 'border-length': quotes[1]: not found verbatim in "
            "source 'tiny'",
        ),
        (
            {"quotes": '\n      - "the world\'s sixth largest"'},
            "quotes[1]: not found verbatim in source 'tiny': differs from the source only in "
            "quote marks",
        ),
        (
            {"quotes": '\n      - "long.  It is the world’s sixth largest. A second"'},
            "spans paragraphs 1 to 2",
        ),
        (
            {"anwser": "typo"},
            "knowledge/qa/geo.yaml:8: entry 'border-length': anwser: "
            "unknown field; did you mean 'answer'?",
        ),
        ({"answer": "no"}, "answer: YAML reads 'no' as a boolean, not text; put it in quotes"),
        ({"answer": "1.10"}, "answer: YAML reads '1.10' as a number"),
        ({"answer": '""'}, "entry 'border-length': answer: is empty"),
        ({"answer": "x" * (MAX_ANSWER_CHARS + 1)}, f"keep it under {MAX_ANSWER_CHARS}"),
        ({"question": ""}, "entry 'border-length': question: is missing"),
        ({"id": "Border Length"}, "id: must be lowercase letters, digits and single hyphens"),
        ({"quotes": "[]"}, "quotes: needs 1 to 3 quotes, found 0"),
        ({"quotes": '"just one string"'}, "quotes: must be a list"),
        ({"alternates": "\n      - yes"}, "alternates[1]: YAML reads 'yes' as a boolean"),
        ({"source": "elsewhere"}, "source: unknown source 'elsewhere' (known: tiny)"),
    ],
)
def test_entry_problem_is_reported_with_location(
    knowledge_dir: KnowledgeDir, fields: dict[str, str], expected: str
) -> None:
    problems = problems_of(knowledge_dir(qa(entry(**fields))))
    assert any(expected in problem for problem in problems), problems


def test_every_problem_is_reported_at_once(knowledge_dir: KnowledgeDir) -> None:
    broken = qa(
        entry(id="one", anwser="typo"),
        entry(
            id="two",
            question="Another?",
            alternates="\n      - other",
            quotes='\n      - "not in the article"',
        ),
    )
    problems = problems_of(knowledge_dir({"geo.yaml": broken, "bad.yaml": "topic: [unclosed\n"}))
    assert len(problems) == 3
    assert problems[0].startswith("knowledge/qa/bad.yaml:2: not valid YAML")
    assert "entry 'one': anwser" in problems[1]
    assert "entry 'two': quotes[1]" in problems[2]


def test_duplicate_keys_are_rejected(knowledge_dir: KnowledgeDir) -> None:
    text = qa(entry()).replace("    answer:", "    answer: first\n    answer:", 1)
    (problem,) = problems_of(knowledge_dir(text))
    assert problem == (
        "knowledge/qa/geo.yaml:6: entry 'border-length': answer: duplicate key (first on line 5); "
        "keep one"
    )


def test_duplicate_ids_across_files_are_rejected(knowledge_dir: KnowledgeDir) -> None:
    other = qa(entry(question="Different question?", alternates="\n      - different"))
    (problem,) = problems_of(knowledge_dir({"a.yaml": TINY_QA, "b.yaml": other}))
    assert problem.startswith("knowledge/qa/b.yaml:3: entry 'border-length': id: duplicate id")
    assert "knowledge/qa/a.yaml:3" in problem


def test_alternates_colliding_after_normalisation_are_rejected(
    knowledge_dir: KnowledgeDir,
) -> None:
    text = qa(
        entry(alternates='\n      - "border length"'),
        entry(
            id="border-rank",
            question="Where does the border rank?",
            alternates='\n      - "Border length?!"',
        ),
    )
    (problem,) = problems_of(knowledge_dir(text))
    assert problem == (
        "knowledge/qa/geo.yaml:16: entry 'border-rank': alternates[1]: collides with entry "
        "'border-length' alternates[1] (knowledge/qa/geo.yaml:9) after normalisation "
        "('border length'); a question must lead to one entry"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe not utf-8", "knowledge/qa/geo.yaml:1: not valid UTF-8"),
        (b"", "knowledge/qa/geo.yaml: is empty"),
        (b"- just\n- a list\n", "top level must be a mapping"),
        (b"topic: x\nentries: &a [1]\nmore: *a\n", "anchors and aliases"),
        (b"x" * (MAX_FILE_BYTES + 1), "the limit is 1,048,576"),
        (b"[" * 200 + b"]" * 200, "nested more than"),
        (
            b"topic: x\nentries:\n" + b"".join(b"  " * i + b"- x:\n" for i in range(1, 30)),
            "knowledge/qa/geo.yaml:12: nested more than 20 levels deep",
        ),
        (b"topic: Geography\nentries: not a list\n", "entries: must be a list of entries"),
    ],
)
def test_unreadable_or_unsafe_file_is_refused_with_a_reason(
    knowledge_dir: KnowledgeDir, content: bytes, expected: str
) -> None:
    directory = knowledge_dir({})
    (directory / "qa" / "geo.yaml").write_bytes(content)
    problems = problems_of(directory)
    assert any(expected in problem for problem in problems), problems


def test_alias_bomb_is_refused_without_expanding(knowledge_dir: KnowledgeDir) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(10)
    )
    directory = knowledge_dir({"bomb.yaml": bomb})
    assert any("anchors and aliases" in problem for problem in problems_of(directory))


def test_directory_in_place_of_a_file_is_reported(knowledge_dir: KnowledgeDir) -> None:
    directory = knowledge_dir()
    (directory / "qa" / "folder.yaml").mkdir()
    assert problems_of(directory) == [
        "knowledge/qa/folder.yaml: is a directory, expected a YAML file"
    ]


def test_missing_directory_is_reported(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "nowhere")
    assert problem.endswith("nowhere: is not a directory")


def test_missing_source_text_is_reported(knowledge_dir: KnowledgeDir) -> None:
    directory = knowledge_dir()
    (directory / "sources" / "tiny.txt").unlink()
    problems = problems_of(directory)
    assert problems[0].startswith("knowledge/sources/tiny.yaml:7: file: text file 'tiny.txt'")


def test_regression_file_with_unknown_entry_is_reported(knowledge_dir: KnowledgeDir) -> None:
    regressions = "cases:\n  - question: how long\n    expect: no-such-entry\n"
    (problem,) = problems_of(knowledge_dir(**{"tests.yaml": regressions}))
    assert problem.startswith("knowledge/tests.yaml:3: cases[1].expect: unknown entry id")


def test_real_knowledge_base_is_valid() -> None:
    from bot.settings import DEFAULT_KNOWLEDGE_DIR

    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    assert len(knowledge.entries) >= 60


def test_synonyms_load_as_groups(knowledge_dir: KnowledgeDir) -> None:
    synonyms = "synonyms:\n  oppose: [hate, mad]\n  border: [frontier]\n"
    knowledge = load_knowledge(knowledge_dir(**{"synonyms.yaml": synonyms}))
    assert knowledge.synonyms == {"oppose": ("hate", "mad"), "border": ("frontier",)}


@pytest.mark.parametrize(
    ("synonyms", "expected"),
    [
        (
            "synonyms:\n  oppose: [hate]\n  dislike: [hate]\n",
            "knowledge/synonyms.yaml:3: synonyms.dislike: 'hate' is already a synonym of 'oppose'",
        ),
        (
            "synonyms:\n  deal: [agreement]\n  cope: [coping, dealing]\n",
            "knowledge/synonyms.yaml:3: synonyms.cope: 'dealing' reads as 'deal' in matching, the"
            " same as 'deal' in group 'deal'; one reading can belong to one group only",
        ),
        ("synonyms:\n  oppose: [really hate]\n", "'really hate' must be a single word"),
        ("synonyms:\n  oppose: hate\n", "synonyms.oppose: must be a list"),
        ("synonyms:\n  oppose: [no]\n", "YAML reads 'no' as a boolean"),
        ("synonym:\n  oppose: [hate]\n", "synonym: unknown field; did you mean 'synonyms'?"),
    ],
)
def test_synonym_problems_are_reported(
    knowledge_dir: KnowledgeDir, synonyms: str, expected: str
) -> None:
    problems = problems_of(knowledge_dir(**{"synonyms.yaml": synonyms}))
    assert any(expected in problem for problem in problems), problems


def test_other_names_load_for_quote_search(knowledge_dir: KnowledgeDir) -> None:
    names = "names:\n  G8: [Group of Eight]\n  THAAD: [Terminal High Altitude Area Defense]\n"
    knowledge = load_knowledge(knowledge_dir(**{"synonyms.yaml": names}))
    assert knowledge.names == {
        "G8": ("Group of Eight",),
        "THAAD": ("Terminal High Altitude Area Defense",),
    }
    assert knowledge.synonyms == {}


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            "names:\n  Group of Eight: [G8]\n",
            "knowledge/synonyms.yaml:2: names.Group of Eight: is not in any article word for word",
        ),
        (
            "names:\n  G8: [summit club]\n  THAAD: [Summit Club]\n",
            "knowledge/synonyms.yaml:3: names.THAAD: 'Summit Club' is already another name of 'G8'",
        ),
        ("names:\n  G8: Group of Eight\n", "names.G8: must be a list"),
        ("names:\n  - G8\n", "names: must map each name in the article to a list"),
        ("names:\n  G8: ['!!']\n", "'!!' has no words once punctuation is ignored"),
    ],
)
def test_other_name_problems_are_reported(
    knowledge_dir: KnowledgeDir, names: str, expected: str
) -> None:
    problems = problems_of(knowledge_dir(**{"synonyms.yaml": names}))
    assert any(expected in problem for problem in problems), problems


def test_synonyms_let_members_use_their_own_words(knowledge_dir: KnowledgeDir) -> None:
    from bot.engine import Engine

    directory = knowledge_dir(**{"synonyms.yaml": "synonyms:\n  border: [frontier]\n"})
    result = Engine(load_knowledge(directory)).ask("frontier length")
    assert result.entry is not None and result.entry.id == "border-length"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"topic: x\nentries: &a [1]\nmore: *a\n", "knowledge/qa/geo.yaml:2: anchors and aliases"),
        (b"[" * 200 + b"]" * 200, "knowledge/qa/geo.yaml:1: nested more than"),
        (b"topic: [unclosed\n", "knowledge/qa/geo.yaml:2: not valid YAML"),
    ],
)
def test_pure_python_yaml_parser_refuses_the_same(
    knowledge_dir: KnowledgeDir,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
    expected: str,
) -> None:
    """Without libyaml, PyYAML's own parser gives the same refusals at the same lines."""
    from bot.knowledge import yaml_strict

    monkeypatch.setattr(yaml_strict, "_FAST_LOADER", None)
    directory = knowledge_dir({})
    (directory / "qa" / "geo.yaml").write_bytes(content)
    problems = problems_of(directory)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_pure_python_yaml_parser_loads_the_real_knowledge(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.knowledge import yaml_strict
    from bot.settings import DEFAULT_KNOWLEDGE_DIR

    fast = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    monkeypatch.setattr(yaml_strict, "_FAST_LOADER", None)
    slow = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    assert slow.version == fast.version
    assert slow.entries == fast.entries
