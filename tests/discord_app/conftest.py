"""Fixtures for driving the real bot through SimCord's simulated Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import simcord

from bot.discord_app.client import CiteBot, create_bot
from bot.discord_app.feedback import Feedback
from bot.discord_app.holder import EngineHolder
from bot.engine import Engine
from bot.engine.lifecycle import KnowledgeManager
from bot.knowledge.model import Entry
from bot.search.results import AskResult
from bot.settings import DEFAULT_KNOWLEDGE_DIR, Settings

NO_PINGS = {"parse": []}
EPHEMERAL = 64


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Build settings for a test bot, ignoring the developer's .env and environment."""
    values: dict[str, Any] = {
        "discord_token": None,
        "discord_guild_id": None,
        "data_dir": data_dir,
        "auto_answer_channel_ids": [],
        "auto_answer_delay_seconds": 10.0,
        "message_content_intent": True,
        "sharded": False,
        "shard_count": None,
        "shard_ids": None,
        "cooldown_rate": 50,
        "cooldown_per_seconds": 60.0,
        "database_path": data_dir / "citebot.sqlite3",
        "watch_knowledge": False,
        "moderator_role_id": None,
        "mod_log_channel_id": None,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


BotFactory = Callable[..., CiteBot]


@pytest.fixture(autouse=True)
async def close_feedback_stores(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """Close every feedback database a test's bots opened (SimCord never closes the bot)."""
    opened: list[Feedback] = []
    real_open = Feedback.open

    async def tracked_open(settings: Settings) -> Feedback:
        feedback = await real_open(settings)
        opened.append(feedback)
        return feedback

    monkeypatch.setattr(Feedback, "open", tracked_open)
    yield
    for feedback in opened:
        await feedback.close()


@pytest.fixture
def make_bot(engine: Engine, tmp_path: Path) -> BotFactory:
    """Return a factory for bots over the real knowledge base; keyword args are settings.

    Pass ``manager=`` to serve another knowledge directory; by default a manager wraps the
    session's engine over the real knowledge/ (nothing is loaded again).
    """

    def make(*, manager: KnowledgeManager | None = None, **overrides: Any) -> CiteBot:
        settings = make_settings(tmp_path / "data", **overrides)
        if manager is None:
            manager = KnowledgeManager(
                engine, directory=DEFAULT_KNOWLEDGE_DIR, data_dir=settings.data_dir
            )
        return create_bot(settings, EngineHolder(manager.engine), manager=manager)

    return make


@pytest.fixture
def simcord_bot(make_bot: BotFactory) -> CiteBot:
    """The bot SimCord's ``simcord_env`` fixture runs."""
    return make_bot()


@dataclass
class World:
    """A guild with a #general channel, two members and the running environment."""

    env: simcord.Env
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    alice: simcord.MemberActor
    bob: simcord.MemberActor

    @property
    def bot_mention(self) -> str:
        """How a member's client writes a mention of the bot."""
        user = self.env.bot.user
        assert user is not None
        return f"<@{user.id}>"


@pytest.fixture
def world(simcord_env: simcord.Env) -> World:
    """Arrange a server for the bot to answer in."""
    guild = simcord_env.create_guild("Readers")
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    return World(simcord_env, guild, channel, alice, bob)


def requests_to(env: simcord.Env, method: str, fragment: str) -> list[simcord.HttpLogEntry]:
    """Return the REST calls the bot made whose path contains ``fragment``."""
    return [r for r in env.http_requests if r.method == method and fragment in r.path]


def last_callback(env: simcord.Env) -> dict[str, Any]:
    """Return the JSON body of the bot's last interaction response."""
    calls = requests_to(env, "POST", "/callback")
    assert calls, "the bot never responded to an interaction"
    body = calls[-1].json
    assert isinstance(body, dict)
    return body


def answered(engine: Engine) -> tuple[str, Entry]:
    """Return a question the engine answers outright, and its entry (from the live knowledge)."""
    for entry in engine.knowledge.entries:
        if engine.ask(entry.question).entry == entry:
            return entry.question, entry
    pytest.fail("no entry in knowledge/ answers its own question")


def ambiguous(engine: Engine) -> tuple[str, AskResult]:
    """Return a question the engine meets with "did you mean" suggestions."""
    words = {keyword for entry in engine.knowledge.entries for keyword in entry.keywords}
    words |= {word for entry in engine.knowledge.entries for word in entry.question.split()}
    for word in sorted(words):
        result = engine.ask(word)
        if len(result.suggestions) >= 2:
            return word, result
    pytest.fail("no keyword of knowledge/ gets suggestions")


def sure_question(engine: Engine) -> tuple[str, str]:
    """A question the strict threshold still answers, and the answer."""
    for entry in engine.knowledge.entries:
        question = f"{entry.question.rstrip('?')}?"
        if engine.ask(question, strict=True).entry == entry:
            return question, entry.answer
    pytest.fail("no entry passes the strict threshold with its own question")
