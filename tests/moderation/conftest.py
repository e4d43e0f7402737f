"""Fixtures for moderation: a private copy of the real knowledge base and a manager serving it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine.lifecycle import KnowledgeManager
from bot.settings import DEFAULT_KNOWLEDGE_DIR

# A question the real knowledge base cannot answer (its topic word appears nowhere) until a
# moderator adds NEW_ENTRY, which answers it; written this way so the tests keep working while
# moderators improve the real knowledge base.
NEW_QUESTION = "Does the article mention a quokka?"
NEW_ENTRY = """
  - id: quokka-mention
    question: Does the article mention a quokka?
    answer: No, it is about China and Russia; it starts with their energy deals.
    quotes:
      - "In the energy sector"
"""
ENERGY = Path("articles/beijing-moscow/qa/energy.yaml")


def add_new_entry(root: Path) -> None:
    """Make a good edit: append NEW_ENTRY to the energy topic's entries."""
    path = root / ENERGY
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + NEW_ENTRY, "utf-8")


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """Return a copy of the project's knowledge/ that a test may edit freely."""
    return Path(shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(params=["in a thread", "in a child process"])
def manager(knowledge: Path, data_dir: Path, request: pytest.FixtureRequest) -> KnowledgeManager:
    """A manager serving the knowledge copy, as the bot would at start-up.

    Each test runs twice: rebuilding in a thread, as for a knowledge base of this size, and in a
    child process, as for a large one (lifecycle.CHILD_BUILD_ENTRIES).
    """
    started = KnowledgeManager.start(knowledge, data_dir)
    if request.param == "in a child process":
        started.child_build_entries = 0
    return started


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a knowledge file as a moderator's editor would; the text must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """Return the 1-based line where ``text`` first appears in a file."""
    content = path.read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1
