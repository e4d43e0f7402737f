"""Checks of a knowledge directory: it loads, its regression questions pass, its words work.

``check_knowledge`` is what `python -m bot validate` and `python -m bot check` both run.
``vocabulary_problems`` checks the knowledge against the lexicon: each is a silent collision
the loader cannot see, since it needs the matcher's reading: a synonym that is filler (dropped
before synonyms apply), a word that is shorthand (read as something else first), a rewrite or
synonym whose words no entry uses. A live reload does not wait for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.engine.core import Engine, check_regressions, load_engine
from bot.knowledge.loader import PHRASES_FILE, SYNONYMS_FILE, display_path
from bot.knowledge.model import KnowledgeError, Problem
from bot.search.lexicon import lexicon_dir
from bot.text.normalize import normalize


@dataclass(frozen=True)
class KnowledgeCheck:
    """What checking a knowledge directory found; ``engine`` is None when it does not load."""

    engine: Engine | None
    load_problems: list[Problem] = field(default_factory=list)
    failing_regressions: list[Problem] = field(default_factory=list)
    vocabulary: list[Problem] = field(default_factory=list)


def check_knowledge(directory: Path, *, workers: int = 1) -> KnowledgeCheck:
    """Load ``directory``, run its regression questions and check its words against the lexicon.

    ``workers``: how many processes may read the knowledge files (load_knowledge).
    """
    try:
        engine = load_engine(directory, workers=workers)
    except KnowledgeError as error:
        return KnowledgeCheck(None, load_problems=error.problems)
    return KnowledgeCheck(engine, [], check_regressions(engine), vocabulary_problems(engine))


def vocabulary_problems(engine: Engine) -> list[Problem]:
    """Return every synonym, rewrite and lexicon word that cannot take effect."""
    knowledge, analyzer = engine.knowledge, engine.analyzer
    lexicon = analyzer.lexicon
    known = engine.index_terms
    problems: list[Problem] = []
    file = display_path(knowledge.directory / SYNONYMS_FILE, knowledge.directory)
    for word, variants in knowledge.synonyms.items():
        line = knowledge.synonym_lines.get(word)
        field = f"synonyms.{word}"
        for variant in map(normalize, variants):
            if variant in analyzer.filler:
                problems.append(
                    Problem(
                        file,
                        f"'{variant}' is filler (bot/search/lexicon/filler.txt): matching "
                        "drops it before synonyms apply; remove it from one of the two",
                        line,
                        field=field,
                    )
                )
            elif variant in lexicon.shorthand:
                problems.append(
                    Problem(
                        file,
                        f"'{variant}' is shorthand for '{lexicon.shorthand[variant]}' "
                        "(bot/search/lexicon/shorthand.txt), read first; this never applies",
                        line,
                        field=field,
                    )
                )
        missing = [t for t in analyzer.terms(normalize(word)) if t not in known]
        if missing or not analyzer.terms(normalize(word)):
            problems.append(
                Problem(
                    file,
                    f"no entry uses '{word}' in any form (or it is filler): "
                    "its synonyms lead nowhere",
                    line,
                    field=field,
                )
            )
    for rewrite in knowledge.rewrites:
        missing = [t for t in analyzer.terms(rewrite.say) if t not in known]
        if missing:
            problems.append(
                Problem(
                    display_path(knowledge.directory / PHRASES_FILE, knowledge.directory),
                    f"no entry uses {', '.join(repr(t) for t in missing)} of '{rewrite.say}': "
                    "the rewrite leads nowhere",
                    rewrite.line,
                )
            )
    for word in sorted(lexicon["filler"] & lexicon.shorthand.keys()):
        problems.append(
            Problem(
                str(lexicon_dir() / "filler.txt"),
                f"'{word}' is also shorthand (shorthand.txt), which is read first; keep one",
            )
        )
    return problems
