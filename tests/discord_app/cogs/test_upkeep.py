"""Background upkeep: the knowledge watcher's reports reach the mod log; tasks stop with the bot."""

from __future__ import annotations

import asyncio
import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.discord_app.client import CiteBot
from bot.discord_app.cogs.upkeep import Upkeep
from bot.engine.lifecycle import KnowledgeManager
from bot.engine.outcomes import RELOAD, ReloadOutcome
from bot.knowledge.model import Problem
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.discord_app.conftest import NO_PINGS, BotFactory, World, requests_to


def refused(problems: int) -> ReloadOutcome:
    """A refused reload with ``problems`` long problems."""
    return ReloadOutcome(
        action=RELOAD,
        ok=False,
        version="abc123",
        previous_version="abc123",
        entries=75,
        at=datetime.now(UTC),
        problems=tuple(
            Problem(
                f"knowledge/articles/beijing-moscow/qa/x{n}.yaml",
                "@everyone " + "broken " * 40,
                line=n,
            )
            for n in range(problems)
        ),
    )


def upkeep_of(world: World, mod_log: int | None = None) -> Upkeep:
    """The running bot's upkeep cog, with the mod log channel set when given."""
    bot = world.env.bot
    assert isinstance(bot, CiteBot)
    if mod_log is not None:
        bot.settings = bot.settings.model_copy(update={"mod_log_channel_id": mod_log})
    cog = bot.get_cog("Upkeep")
    assert isinstance(cog, Upkeep)
    return cog


async def test_a_refused_automatic_reload_is_posted_to_the_mod_log_within_limits(
    world: World,
) -> None:
    log_channel = world.guild.create_text_channel("mod-log")
    upkeep = upkeep_of(world, mod_log=log_channel.id)

    await upkeep.on_outcome(refused(problems=40))

    posted = log_channel.last_message
    assert posted is not None
    assert posted.content.startswith("Knowledge changed on disk but was refused:\n```")
    assert "knowledge/articles/beijing-moscow/qa/x0.yaml:0" in posted.content
    assert len(posted.content) <= 2000
    sent = requests_to(world.env, "POST", f"/channels/{log_channel.id}/messages")
    assert sent[-1].json["allowed_mentions"] == NO_PINGS


async def test_without_a_mod_log_channel_nothing_is_posted(world: World) -> None:
    upkeep = upkeep_of(world)
    before = len(requests_to(world.env, "POST", "/messages"))

    await upkeep.on_outcome(refused(problems=1))

    assert len(requests_to(world.env, "POST", "/messages")) == before


async def test_the_watcher_reloads_an_edit_and_stops_when_the_bot_closes(
    make_bot: BotFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    knowledge = Path(shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge"))
    manager = KnowledgeManager.start(knowledge, tmp_path / "data")
    bot = make_bot(manager=manager, watch_knowledge=True, reload_debounce_ms=50)
    await bot.setup_hook()  # no application id: cogs load, commands are not synced
    upkeep = bot.get_cog("Upkeep")
    assert isinstance(upkeep, Upkeep) and upkeep.watcher is not None
    watcher = upkeep.watcher
    await asyncio.sleep(0.5)  # let the watch start before the edit

    with caplog.at_level(logging.WARNING, logger="bot.discord_app.modlog"):
        (knowledge / "articles" / "beijing-moscow" / "qa" / "about.yaml").write_text(
            "entries: [", encoding="utf-8"
        )
        for _ in range(100):
            if manager.status().last_failure is not None:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.1)  # the report follows the reload
        await bot.close()

    assert manager.status().last_failure is not None
    assert any("Automatic reload refused" in r.getMessage() for r in caplog.records)
    assert watcher.done()
    assert not upkeep.purge.is_running()
    assert bot.feedback.store is None  # closed with the bot
