"""Start-up wiring: the bot starts its knowledge manager and feedback store in setup_hook."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot.discord_app.client import create_bot
from bot.discord_app.holder import EngineHolder
from bot.engine import Engine
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.discord_app.conftest import make_settings


async def test_without_a_manager_the_bot_starts_one_and_follows_its_swaps(
    engine: Engine, tmp_path: Path
) -> None:
    knowledge = Path(shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge"))
    settings = make_settings(tmp_path / "data", knowledge_dir=knowledge)
    holder = EngineHolder(engine)
    bot = create_bot(settings, holder)
    await bot.setup_hook()  # no application id: cogs load, commands are not synced
    try:
        assert bot.manager.directory == knowledge
        assert bot.feedback.store is not None
        about = knowledge / "articles" / "beijing-moscow" / "qa" / "about.yaml"
        about.write_text(
            about.read_text(encoding="utf-8").replace('      - "author"\n', "", 1),
            encoding="utf-8",
        )
        outcome = await bot.manager.reload()
        assert outcome.changed
        assert holder.engine is bot.manager.engine  # the holder follows every swap
    finally:
        await bot.close()
    assert bot.feedback.store is None


async def test_a_knowledge_dir_broken_since_it_was_loaded_keeps_the_given_engine(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    knowledge = Path(shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge"))
    (knowledge / "articles" / "beijing-moscow" / "qa" / "about.yaml").write_text(
        "entries: [", encoding="utf-8"
    )
    settings = make_settings(tmp_path / "data", knowledge_dir=knowledge)
    bot = create_bot(settings, EngineHolder(engine))

    with caplog.at_level(logging.WARNING, logger="bot.discord_app.client"):
        await bot.setup_hook()
    await bot.close()

    assert bot.manager.engine is engine
    assert bot.holder.engine is engine
    assert any(
        "no longer loads" in record.getMessage() and engine.version in record.getMessage()
        for record in caplog.records
    )
