"""Shared fixtures: the real knowledge base (loaded once) and tiny knowledge directories."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.engine import Engine, load_engine
from bot.settings import DEFAULT_KNOWLEDGE_DIR

TINY_SOURCE_TEXT = (
    "The first paragraph says the border is 3,645km long.  It is the world’s sixth largest.\n"
    "\n"
    "A second paragraph mentions THAAD and the G8 summit.\n"
)
TINY_SOURCE_META = """\
id: tiny
title: A Tiny Article
author: Ann Author
publication: The Test Times
url: ""
date: ""
file: tiny.txt
"""
TINY_QA = """\
topic: Geography
entries:
  - id: border-length
    question: How long is the border?
    alternates:
      - "border length"
    answer: The border is 3,645km long.
    quotes:
      - "the border is 3,645km long."
"""


SECOND_ARTICLE = Path(__file__).resolve().parent / "fixtures" / "harbour-library"
SECOND_TITLE = "Eastmere's harbour library reopens with a solar roof"
# The second article's own "Who wrote the article?", beside the first article's.
SECOND_ABOUT = """\
topic: About this article
entries:
  - id: harbour-article-author
    question: Who wrote the article?
    alternates:
      - "who is the author"
    answer: The article does not name its writer; it quotes head librarian Ruth Okafor.
    quotes:
      - "Head librarian Ruth Okafor said"
"""


def add_second_article(knowledge: Path, *, about: bool = True) -> Path:
    """Add the test article (tests/fixtures/harbour-library) and its entries; return its folder.

    It is added today, so it is the newest article of the reading list.
    """
    from bot.knowledge.articles import add_article

    added = add_article(
        knowledge,
        SECOND_ARTICLE / "article.txt",
        article_id="harbour-library",
        title=SECOND_TITLE,
        author="Test Writer",
        publication="The Eastmere Gazette",
    )
    qa = added.folder / "qa"
    (qa / "library.yaml").write_text(
        (SECOND_ARTICLE / "qa.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    if about:
        (qa / "about.yaml").write_text(SECOND_ABOUT, encoding="utf-8")
    return added.folder


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine over the project's real knowledge/ directory."""
    return load_engine(DEFAULT_KNOWLEDGE_DIR)


KnowledgeDir = Callable[..., Path]


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> KnowledgeDir:
    """Return a factory writing a small valid knowledge dir; pass file contents to override."""

    def make(qa: str | dict[str, str] = TINY_QA, **extra: str | bytes) -> Path:
        root = tmp_path / "knowledge"
        (root / "sources").mkdir(parents=True, exist_ok=True)
        (root / "qa").mkdir(exist_ok=True)
        (root / "sources" / "tiny.yaml").write_text(TINY_SOURCE_META, encoding="utf-8")
        (root / "sources" / "tiny.txt").write_text(TINY_SOURCE_TEXT, encoding="utf-8")
        files = {"geo.yaml": qa} if isinstance(qa, str) else qa
        for name, text in files.items():
            (root / "qa" / name).write_text(text, encoding="utf-8")
        for relative, content in extra.items():
            path = root / relative.replace("__", "/")
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make
