"""Adding an article to a knowledge directory: its folder, its text and its metadata.

`python -m bot new-article` calls ``add_article``; the loader then finds the folder on its own,
so nothing else in the knowledge directory needs an edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bot.knowledge.loader import (
    ARTICLE_FILE,
    ARTICLE_TEXT,
    ARTICLES_DIR,
    ENTRY_ID,
    QA_DIR,
    display_path,
)
from bot.knowledge.sources import split_paragraphs

# A news article is a few thousand words (tens of KB); a bigger file is most likely not its text.
MAX_TEXT_BYTES = 1024 * 1024

HEADER = """\
# The article's metadata, written by `python -m bot new-article`; edit it freely. Its text is
# article.txt beside this file and its Q&A entries go in qa/*.yaml. The folder's name is the
# article's id. `added` says which article is the newest: questions about "the article" itself
# (who wrote it, when) go to the newest one unless a channel has its own.
"""


class ArticleError(Exception):
    """The article cannot be added; the message is one sentence for the moderator."""


@dataclass(frozen=True)
class AddedArticle:
    """Where the new article went and what it holds."""

    folder: Path
    paragraphs: int
    shown_as: str  # the folder as the moderator knows it: knowledge/articles/<id>


def add_article(
    knowledge: Path,
    text_file: Path,
    *,
    article_id: str,
    title: str,
    author: str,
    publication: str = "",
    published: str = "",
    url: str = "",
    now: datetime | None = None,
) -> AddedArticle:
    """Create ``knowledge``/articles/``article_id`` from ``text_file``; raise ArticleError.

    The text is copied as UTF-8 with its line endings made "\\n" (a byte order mark dropped);
    text that is not UTF-8 is refused rather than guessed at. Nothing is written unless every
    check passes.
    """
    if not ENTRY_ID.match(article_id):
        raise ArticleError(
            f"--id {article_id!r} must be lowercase letters, digits and single hyphens, "
            "like 'week-12'"
        )
    for name, value in (("--title", title), ("--author", author)):
        if not value.strip():
            raise ArticleError(f"{name} must not be empty")
    if not knowledge.is_dir():
        raise ArticleError(f"{knowledge} is not a knowledge directory")
    folder = knowledge / ARTICLES_DIR / article_id
    if folder.exists():
        raise ArticleError(f"{display_path(folder, knowledge)} already exists; pick another --id")
    text = _read_text(text_file)
    paragraphs = len(split_paragraphs(text))
    if paragraphs == 0:
        raise ArticleError(f"{text_file} has no text")
    metadata = {
        "title": title.strip(),
        "author": author.strip(),
        "publication": publication.strip(),
        "date": published.strip(),
        "url": url.strip(),
        # To the minute, in UTC: of two articles added the same day, the later is the newest.
        "added": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M"),
    }
    written = yaml.safe_dump(
        {key: value for key, value in metadata.items() if value or key in ("url", "date")},
        sort_keys=False,
        allow_unicode=True,
        width=1000,
    )
    (folder / QA_DIR).mkdir(parents=True)
    (folder / ARTICLE_TEXT).write_text(text, encoding="utf-8", newline="\n")
    (folder / ARTICLE_FILE).write_text(HEADER + written, encoding="utf-8", newline="\n")
    return AddedArticle(folder, paragraphs, display_path(folder, knowledge))


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ArticleError(f"{path} cannot be read ({error.strerror or error})") from error
    if len(raw) > MAX_TEXT_BYTES:
        raise ArticleError(f"{path} is over 1 MiB; is it the article's text?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleError(
            f"{path} is not UTF-8 (byte {error.start} cannot be read); save it as UTF-8 and "
            "try again"
        ) from error
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n") + "\n"
