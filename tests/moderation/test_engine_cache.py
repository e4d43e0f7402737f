"""The engine cache: a knowledge base read back answers exactly as one built from its files.

The cache keeps only knowledge bases of MIN_CACHED_ENTRIES entries or more; these tests lower
that to 0 so the project's own knowledge base (75 entries) is kept.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import bot.engine.core as core
from bot.engine import Engine, load_engine
from bot.engine.cache import KEEP, SUFFIX, EngineCache, _texts
from bot.engine.lifecycle import KnowledgeManager
from bot.knowledge.model import KnowledgeError
from bot.search.retrieval import EntryIndex
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.moderation.conftest import ENERGY, NEW_ENTRY, NEW_QUESTION, add_new_entry

EVAL = Path(__file__).resolve().parents[1] / "eval"


def _questions() -> list[str]:
    """Questions of every kind the evaluation sets hold (answered, declined, unsaid, chat)."""
    data = yaml.safe_load((EVAL / "dev16.yaml").read_text(encoding="utf-8"))
    return [item["q"] for section in ("in_scope", "off_topic", "unsaid") for item in data[section]]


def _answers(engine: Engine, questions: list[str]) -> list[tuple[object, ...]]:
    """What a member would see for each question: outcome, entries, scores, phrasing, quotes."""
    seen: list[tuple[object, ...]] = []
    for question in questions:
        result = engine.ask(question)
        shown = tuple((c.entry.id, c.score, c.matched_phrasing) for c in result.candidates)
        seen.append((question, result.outcome, result.reason, result.not_said, shown))
    for term in ("THAAD", "thad", "gas pipeline", "Gatilov"):
        seen.append((term, tuple((hit.paragraph, hit.text) for hit in engine.quote(term))))
    return seen


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge"))


@pytest.fixture
def cache(tmp_path: Path) -> EngineCache:
    return EngineCache(tmp_path / "cache", min_entries=0)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every knowledge directory loaded from its files (not read from a cache)."""
    loaded: list[Path] = []
    real = core.load_knowledge
    monkeypatch.setattr(
        core, "load_knowledge", lambda path, **kwargs: loaded.append(path) or real(path, **kwargs)
    )
    return loaded


def test_an_engine_read_back_answers_exactly_as_the_one_built(
    knowledge: Path, cache: EngineCache, loads: list[Path]
) -> None:
    questions = _questions()
    built = load_engine(knowledge, cache=cache)
    read_back = load_engine(knowledge, cache=cache)

    assert len(loads) == 1  # the second came from the cache
    assert read_back is not built
    assert read_back.knowledge.directory == knowledge.resolve()
    assert read_back.version == built.version
    assert read_back.knowledge.entries == built.knowledge.entries
    assert _answers(read_back, questions) == _answers(built, questions)
    # The index's entries are the knowledge's own, read once, not copies of them.
    assert all(
        item.entry is entry
        for item, entry in zip(
            read_back._matcher.index.items, read_back.knowledge.entries, strict=True
        )
    )


def test_an_index_that_cannot_be_saved_leaves_no_file_and_the_engine_serves(
    knowledge: Path,
    cache: EngineCache,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def failing(self: Engine) -> dict[str, object]:
        raise MemoryError("no room for the saved form")

    monkeypatch.setattr(core.Engine, "saved_index", failing)

    with caplog.at_level(logging.WARNING, logger="bot.engine.cache"):
        engine = load_engine(knowledge, cache=cache)

    assert engine.ask("who wrote the article").entry is not None
    assert list(cache.root.iterdir()) == []
    assert "no room for the saved form" in caplog.text


def test_a_build_that_fails_after_the_knowledge_is_written_leaves_no_file(
    knowledge: Path, cache: EngineCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    being_written: list[Path] = []

    def failing(*args: object, **kwargs: object) -> Engine:
        being_written.extend(cache.root.glob("*.tmp"))  # the knowledge, written before the build
        raise MemoryError

    monkeypatch.setattr(core, "Engine", failing)

    with pytest.raises(MemoryError):
        load_engine(knowledge, cache=cache)

    assert being_written
    assert list(cache.root.iterdir()) == []


def test_an_edit_is_loaded_from_the_files(
    knowledge: Path, cache: EngineCache, loads: list[Path]
) -> None:
    before = load_engine(knowledge, cache=cache)
    assert before.ask(NEW_QUESTION).entry is None
    add_new_entry(knowledge)

    after = load_engine(knowledge, cache=cache)

    assert len(loads) == 2
    assert after.version != before.version
    assert after.ask(NEW_QUESTION).entry is not None
    assert load_engine(knowledge, cache=cache).ask(NEW_QUESTION).entry is not None
    assert len(loads) == 2  # and that edit is then read from the cache in turn


def test_a_broken_edit_is_reported_even_when_the_last_good_one_is_cached(
    knowledge: Path, cache: EngineCache
) -> None:
    load_engine(knowledge, cache=cache)
    path = knowledge / ENERGY
    path.write_text(path.read_text(encoding="utf-8") + "\n  - id: [unclosed\n", encoding="utf-8")

    with pytest.raises(KnowledgeError, match=r"energy\.yaml"):
        load_engine(knowledge, cache=cache)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path, _: path.write_bytes(path.read_bytes()[:1000]), id="torn"),
        pytest.param(lambda path, _: path.write_bytes(b"not a pickle"), id="garbage"),
        pytest.param(
            lambda path, _: path.write_bytes(pickle.dumps(("another key", None, {}))),
            id="another knowledge base",
        ),
        pytest.param(
            lambda path, built: path.write_bytes(
                pickle.dumps((path.stem, built.knowledge, _texts(built.knowledge)))
                + pickle.dumps({})
            ),
            id="an index that does not fit",
        ),
    ],
)
def test_a_cache_file_that_cannot_be_used_is_removed_and_the_files_loaded(
    damage: object,
    knowledge: Path,
    cache: EngineCache,
    loads: list[Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    built = load_engine(knowledge, cache=cache)
    (kept,) = cache.root.glob(f"*{SUFFIX}")
    damage(kept, built)  # type: ignore[operator]

    with caplog.at_level(logging.WARNING, logger="bot.engine.cache"):
        engine = load_engine(knowledge, cache=cache)

    assert len(loads) == 2
    assert engine.ask("who wrote the article").entry == built.ask("who wrote the article").entry
    assert f"ignoring the engine cache {kept}" in caplog.text
    assert kept.exists()  # written again from the files


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(
    knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", encoding="utf-8")
    cache = EngineCache(not_a_folder / "cache", min_entries=0)

    with caplog.at_level(logging.WARNING, logger="bot.engine.cache"):
        engine = load_engine(knowledge, cache=cache)

    assert engine.ask("who wrote the article").entry is not None
    assert "could not write the engine cache" in caplog.text


def test_small_knowledge_bases_are_not_kept(knowledge: Path, tmp_path: Path) -> None:
    cache = EngineCache(tmp_path / "cache")  # the project's 75 entries build in a blink
    load_engine(knowledge, cache=cache)
    assert not cache.root.exists()


def test_only_the_newest_files_are_kept_and_only_for_their_owner(
    knowledge: Path, cache: EngineCache
) -> None:
    versions = []
    for number in range(KEEP + 2):
        with (knowledge / "qa-note.txt").open("a", encoding="utf-8") as note:
            note.write(f"edit {number}\n")  # any file of the directory is part of the key
        versions.append(cache.key(knowledge))
        load_engine(knowledge, cache=cache)

    kept = sorted(path.stem for path in cache.root.glob(f"*{SUFFIX}"))
    assert kept == sorted(versions[-KEEP:])
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in cache.root.glob(f"*{SUFFIX}"))
    assert not list(cache.root.glob("*.tmp"))


def test_the_key_follows_the_files_and_the_code(
    knowledge: Path, cache: EngineCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.engine.cache as module

    key = cache.key(knowledge)
    copy = Path(shutil.copytree(knowledge, knowledge.parent / "elsewhere" / knowledge.name))
    assert cache.key(copy) == key  # a copy by the same name (a staging snapshot): the same
    os.utime(knowledge / ENERGY, (0, 0))
    assert cache.key(knowledge) == key  # a date says nothing; only contents do

    monkeypatch.setattr(module, "code_digest", lambda: "another citebot")
    assert cache.key(knowledge) != key


def test_the_bot_starts_from_the_cache_and_reloads_from_the_files(
    knowledge: Path, tmp_path: Path, loads: list[Path]
) -> None:
    cache = EngineCache(tmp_path / "data" / "cache", min_entries=0)
    first = KnowledgeManager.start(knowledge, tmp_path / "data", cache=cache)
    assert len(loads) == 1
    restarted = KnowledgeManager.start(knowledge, tmp_path / "data", cache=cache)

    assert len(loads) == 1
    assert restarted.engine.version == first.engine.version
    assert restarted.engine.knowledge.directory == knowledge.resolve()  # not the staging copy
    assert restarted.engine.ask("who wrote the article").entry is not None


def test_an_article_text_outside_the_directory_is_checked_too(
    knowledge: Path, cache: EngineCache, loads: list[Path], tmp_path: Path
) -> None:
    article = knowledge / "articles" / "beijing-moscow"
    shared = tmp_path / "shared.txt"
    shutil.move(article / "article.txt", shared)
    with (article / "article.yaml").open("a", encoding="utf-8") as meta:
        meta.write(f"file: {shared}\n")
    load_engine(knowledge, cache=cache)
    load_engine(knowledge, cache=cache)
    assert len(loads) == 1

    text = shared.read_text(encoding="utf-8")
    shared.write_text(text.replace("sixth largest", "seventh largest"), encoding="utf-8")

    with pytest.raises(KnowledgeError, match="not found verbatim"):  # its quotes no longer hold
        load_engine(knowledge, cache=cache)


def test_a_linked_article_folder_is_part_of_the_key_and_git_is_not(
    knowledge: Path, cache: EngineCache, tmp_path: Path
) -> None:
    elsewhere = shutil.move(knowledge / "articles" / "beijing-moscow", tmp_path / "elsewhere")
    (knowledge / "articles" / "beijing-moscow").symlink_to(elsewhere, target_is_directory=True)
    (knowledge / ".git").mkdir()
    key = cache.key(knowledge)

    (knowledge / ".git" / "FETCH_HEAD").write_text("abc\n", encoding="utf-8")
    assert cache.key(knowledge) == key
    with (Path(elsewhere) / "qa" / "energy.yaml").open("a", encoding="utf-8") as qa:
        qa.write("\n")
    assert cache.key(knowledge) != key


def test_a_folder_of_another_name_is_another_key(knowledge: Path, cache: EngineCache) -> None:
    # Entries show their files as "knowledge/articles/...": a copy named otherwise shows its own.
    renamed = Path(shutil.copytree(knowledge, knowledge.parent / "other-name"))
    assert cache.key(renamed) != cache.key(knowledge)


def test_the_index_read_back_is_the_index_built(knowledge: Path, cache: EngineCache) -> None:
    built = load_engine(knowledge, cache=cache)._matcher.index
    read_back = load_engine(knowledge, cache=cache)._matcher.index

    for name in vars(built).keys() - EntryIndex.NOT_SAVED:
        mine, theirs = getattr(read_back, name), getattr(built, name)
        assert mine == theirs, name
        if isinstance(theirs, dict):
            assert list(mine) == list(theirs), name  # the same order: ties are broken by it
    assert [item.entry.id for item in read_back.items] == [item.entry.id for item in built.items]


def test_a_reading_list_reads_back_each_articles_own_index_too(
    knowledge: Path, cache: EngineCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import add_second_article

    add_second_article(knowledge)
    built = load_engine(knowledge, cache=cache)
    builds: list[int] = []
    real = EntryIndex.__init__

    def counted(self: EntryIndex, *args: Any, **kwargs: Any) -> None:
        builds.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(EntryIndex, "__init__", counted)
    read_back = load_engine(knowledge, cache=cache)

    assert builds == []  # no index built again: the one over every article, nor each own
    assert read_back._own.keys() == built._own.keys() == {"beijing-moscow", "harbour-library"}
    for article, own in built._own.items():
        mine = read_back._own[article].index
        assert [item.entry.id for item in mine.items] == [item.entry.id for item in own.index.items]
        assert mine.idf == own.index.idf
    for channel in (None, "beijing-moscow", "harbour-library"):
        for question in ("who wrote the article?", "how long is the border", "library hours"):
            one, other = (
                built.ask(question, article=channel),
                read_back.ask(question, article=channel),
            )
            assert (one.outcome, one.score, one.shown) == (other.outcome, other.score, other.shown)


def test_an_article_text_in_a_hidden_folder_is_checked_too(
    knowledge: Path, cache: EngineCache, loads: list[Path]
) -> None:
    article = knowledge / "articles" / "beijing-moscow"
    (knowledge / ".texts").mkdir()
    shutil.move(article / "article.txt", knowledge / ".texts" / "article.txt")
    with (article / "article.yaml").open("a", encoding="utf-8") as meta:
        meta.write("file: ../../.texts/article.txt\n")
    load_engine(knowledge, cache=cache)
    text = (knowledge / ".texts" / "article.txt").read_text(encoding="utf-8")
    (knowledge / ".texts" / "article.txt").write_text(
        text.replace("sixth largest", "seventh largest"), encoding="utf-8"
    )

    with pytest.raises(KnowledgeError, match="not found verbatim"):
        load_engine(knowledge, cache=cache)


def test_a_link_pointed_elsewhere_is_another_key(knowledge: Path, cache: EngineCache) -> None:
    drafts = knowledge / "Drafts"  # sorts before "articles": walked first
    shutil.move(knowledge / "articles" / "beijing-moscow", drafts / "v1")
    shutil.copytree(drafts / "v1", drafts / "v2")
    with (drafts / "v2" / "qa" / "energy.yaml").open("a", encoding="utf-8") as qa:
        qa.write(NEW_ENTRY)
    link = knowledge / "articles" / "beijing-moscow"
    link.symlink_to(Path("..", "Drafts", "v1"), target_is_directory=True)
    key = cache.key(knowledge)

    link.unlink()
    link.symlink_to(Path("..", "Drafts", "v2"), target_is_directory=True)

    assert cache.key(knowledge) != key


def test_an_empty_misnamed_folder_is_reported_even_when_cached(
    knowledge: Path, cache: EngineCache
) -> None:
    load_engine(knowledge, cache=cache)
    (knowledge / "articles" / "Next_Article").mkdir()

    with pytest.raises(KnowledgeError, match="Next_Article"):
        load_engine(knowledge, cache=cache)


def test_a_file_name_that_is_not_utf8_does_not_stop_the_key(knowledge: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")  # Latin-1, as an old editor might save it
    (knowledge / name).write_text("notes", encoding="utf-8")
    assert EngineCache(knowledge.parent / "cache").key(knowledge) is not None


def test_nothing_is_kept_when_a_file_is_saved_while_loading(
    knowledge: Path, cache: EngineCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = knowledge / ENERGY
    real = core.load_knowledge

    def load_while_a_save_comes_and_is_undone(directory: Path, **kwargs: object) -> object:
        text = path.read_text(encoding="utf-8")
        loaded = real(directory, **kwargs)  # type: ignore[arg-type]
        path.write_text(text + "\n", encoding="utf-8")
        path.write_text(text, encoding="utf-8")  # back as it was: the key alone cannot tell
        return loaded

    monkeypatch.setattr(core, "load_knowledge", load_while_a_save_comes_and_is_undone)
    load_engine(knowledge, cache=cache)

    assert not list(cache.root.glob(f"*{SUFFIX}"))


def test_a_cache_file_others_could_write_is_not_read(
    knowledge: Path, cache: EngineCache, loads: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    load_engine(knowledge, cache=cache)
    (kept,) = cache.root.glob(f"*{SUFFIX}")
    kept.chmod(0o666)

    with caplog.at_level(logging.WARNING, logger="bot.engine.cache"):
        load_engine(knowledge, cache=cache)

    assert len(loads) == 2
    assert "it is not this user's own file" in caplog.text


def test_a_cache_folder_that_cannot_be_read_or_written_costs_nothing_but_time(
    knowledge: Path,
    cache: EngineCache,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    load_engine(knowledge, cache=cache)
    import bot.engine.cache as module

    def refused(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(module.os, "open", refused)  # a DATA_DIR of another user's
    monkeypatch.setattr(pickle, "dump", lambda *args, **kwargs: refused())
    (kept,) = cache.root.glob(f"*{SUFFIX}")
    kept.unlink()

    with caplog.at_level(logging.WARNING, logger="bot.engine.cache"):
        engine = load_engine(knowledge, cache=cache)

    assert engine.ask("who wrote the article").entry is not None
    assert "could not write the engine cache" in caplog.text
    assert not list(cache.root.glob("*.tmp"))


def test_nothing_is_kept_when_a_file_is_saved_just_after_the_key_was_taken(
    knowledge: Path, cache: EngineCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = knowledge / ENERGY
    text = path.read_text(encoding="utf-8")
    real_key = EngineCache.key

    def key_then_a_save(self: EngineCache, directory: Path) -> str | None:
        key = real_key(self, directory)
        path.write_text(text + NEW_ENTRY, encoding="utf-8")  # read by the load that follows
        return key

    monkeypatch.setattr(EngineCache, "key", key_then_a_save)
    assert load_engine(knowledge, cache=cache).ask(NEW_QUESTION).entry is not None
    monkeypatch.setattr(EngineCache, "key", real_key)
    path.write_text(text, encoding="utf-8")  # undone: the key is the first one again

    assert not list(cache.root.glob(f"*{SUFFIX}"))  # else the save would answer from it now
    assert load_engine(knowledge, cache=cache).ask(NEW_QUESTION).entry is None


def test_folders_reached_by_many_links_are_walked_once(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.engine.cache as module

    levels = [tmp_path / f"level{n}" for n in range(12)]  # each links twice to the next
    for level in levels:
        level.mkdir()
    for level, below in itertools.pairwise(levels):
        for name in ("a", "b"):
            (level / name).symlink_to(below, target_is_directory=True)
    (knowledge / "notes").symlink_to(levels[0], target_is_directory=True)
    folders = sum(1 for path in knowledge.rglob("*") if path.is_dir()) + 1 + len(levels)
    scans: list[str] = []
    real_scandir = os.scandir
    monkeypatch.setattr(module.os, "scandir", lambda path: scans.append(path) or real_scandir(path))

    assert EngineCache(tmp_path / "cache").key(knowledge) is not None
    assert len(scans) <= folders  # not once per path: 2**11 paths lead to the last level
