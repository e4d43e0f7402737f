"""/kb: moderators reload, roll back and inspect the knowledge; everyone else is refused."""

from __future__ import annotations

import random
import shutil
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord
import pytest
import simcord

from bot.discord_app.client import CiteBot
from bot.discord_app.cogs import kb
from bot.discord_app.moderators import MODERATORS_ONLY, moderator_check
from bot.engine.lifecycle import KnowledgeManager
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.discord_app.conftest import NO_PINGS, BotFactory, World, last_callback, requests_to

AUTHOR_QUOTE = "Andrew Hammond is an Associate at LSE IDEAS at the London School of Economics."
NEW_ALTERNATE = "zebra marmalade byline riddle"
SUBCOMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("reload", {}),
    ("rollback", {}),
    ("status", {}),
    ("unanswered", {}),
    ("stats", {"period": "day"}),
    ("why", {"question": "who wrote the article?"}),
    ("article", {}),
    ("coverage", {}),
]


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A copy of the real knowledge base that a test may edit."""
    return Path(shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge"))


@pytest.fixture
def simcord_bot(make_bot: BotFactory, manager: KnowledgeManager) -> CiteBot:
    """The bot over the editable copy."""
    return make_bot(manager=manager)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, world: World) -> list[str]:
    """Record every moderation operation a /kb command starts (the real ones still run)."""
    bot = world.env.bot
    assert isinstance(bot, CiteBot)
    seen: list[str] = []

    def spy(owner: object, name: str) -> None:
        real: Callable[..., Any] = getattr(owner, name)

        def recording(*args: Any, **kwargs: Any) -> Any:
            seen.append(name)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, recording)

    for name in ("reload", "rollback", "status"):
        spy(bot.manager, name)
    for name in ("unanswered", "stats"):
        spy(bot.feedback, name)
    spy(kb, "explain")
    return seen


def kb_command(world: World) -> dict[str, Any]:
    """The /kb command as Discord registered it."""
    command = world.env.backend.find_command("kb", world.guild.id)
    assert command is not None
    return command


def text_of(result: simcord.InteractionResult) -> str:
    """What the moderator sees: the reply's text, or its first embed's description."""
    response = result.response
    assert response is not None
    if response.embeds:
        return response.embeds[0].description or ""
    return response.content


def test_every_kb_subcommand_has_the_moderator_check(world: World) -> None:
    group = world.env.bot.tree.get_command("kb")  # type: ignore[attr-defined]
    assert isinstance(group, discord.app_commands.Group)
    names = sorted(command.name for command in group.walk_commands())
    assert names == sorted(name for name, _ in SUBCOMMANDS)
    for command in group.walk_commands():
        assert moderator_check in command.checks, command.name


async def test_kb_is_hidden_by_default_permissions_and_guild_only(world: World) -> None:
    command = kb_command(world)

    assert (
        int(command["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    )
    assert command["contexts"] == [0]  # guilds only
    assert "kb" not in world.alice.available_commands(world.channel)


@pytest.mark.parametrize(("name", "options"), SUBCOMMANDS, ids=[name for name, _ in SUBCOMMANDS])
async def test_a_member_without_manage_server_is_refused_and_nothing_runs(
    world: World, calls: list[str], name: str, options: dict[str, Any]
) -> None:
    # A server admin allowed Alice in Integrations, so Discord lets her call it: the check decides.
    world.guild.set_command_permissions(int(kb_command(world)["id"]), {world.alice: True})

    result = await world.alice.slash(world.channel, f"kb {name}", **options)

    assert result.ephemeral
    assert result.response is not None and result.response.content == MODERATORS_ONLY
    assert last_callback(world.env)["data"]["allowed_mentions"] == NO_PINGS
    assert calls == []
    assert [type(error).__name__ for error in world.env.errors] == ["CheckFailure"]


async def test_the_moderator_role_is_let_in(world: World, calls: list[str]) -> None:
    role = world.guild.create_role("Moderators")
    dave = world.guild.add_member(world.env.create_user("dave"), roles=[role])
    world.guild.set_command_permissions(int(kb_command(world)["id"]), {role: True})
    bot = world.env.bot
    assert isinstance(bot, CiteBot)
    bot.settings = bot.settings.model_copy(update={"moderator_role_id": role.id})

    result = await dave.slash(world.channel, "kb status")

    assert result.ephemeral
    assert "is live" in text_of(result)
    assert calls == ["status"]


async def test_status_shows_the_live_version(
    world: World, moderator: simcord.MemberActor, manager: KnowledgeManager
) -> None:
    result = await moderator.slash(world.channel, "kb status")

    assert result.ephemeral
    text = text_of(result)
    assert f"Knowledge {manager.engine.version} is live" in text
    assert "No reload has failed." in text
    assert last_callback(world.env)["data"]["allowed_mentions"] == NO_PINGS


async def test_reload_puts_a_good_edit_live(
    world: World, moderator: simcord.MemberActor, knowledge: Path
) -> None:
    before = await world.alice.slash(world.channel, "ask", question=NEW_ALTERNATE)
    assert before.ephemeral  # not answerable yet
    about = knowledge / "articles" / "beijing-moscow" / "qa" / "about.yaml"
    text = about.read_text(encoding="utf-8")
    about.write_text(
        text.replace('      - "author"\n', f'      - "author"\n      - "{NEW_ALTERNATE}"\n', 1),
        encoding="utf-8",
    )

    result = await moderator.slash(world.channel, "kb reload")

    assert result.ephemeral
    assert "Reloaded: knowledge" in text_of(result)
    after = await world.alice.slash(world.channel, "ask", question=NEW_ALTERNATE)
    assert not after.ephemeral
    assert after.response is not None
    assert "Andrew Hammond" in (after.response.embeds[0].description or "")


async def test_reload_refuses_a_broken_edit_and_the_old_knowledge_keeps_answering(
    world: World, moderator: simcord.MemberActor, knowledge: Path, manager: KnowledgeManager
) -> None:
    live = manager.engine.version
    about = knowledge / "articles" / "beijing-moscow" / "qa" / "about.yaml"
    lines = about.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if AUTHOR_QUOTE in line)
    lines[number - 1] = lines[number - 1].replace(AUTHOR_QUOTE, "Andrew Hammond teaches at Oxford.")
    about.write_text("".join(lines), encoding="utf-8")

    result = await moderator.slash(world.channel, "kb reload")

    text = text_of(result)
    assert result.ephemeral
    assert f"knowledge {live} keeps serving." in text
    assert text.startswith("```\nReload refused (")
    assert (
        f"knowledge/articles/beijing-moscow/qa/about.yaml:{number}: entry 'article-author'" in text
    )
    assert len(text) <= 2000
    answer = await world.alice.slash(world.channel, "ask", question="who wrote the article?")
    assert answer.response is not None
    assert "LSE IDEAS" in (answer.response.embeds[0].description or "")
    assert f"knowledge {live}" in (answer.response.embeds[0].footer.text or "")
    status = await moderator.slash(world.channel, "kb status")
    assert "Last failed reload" in text_of(status)
    assert f"about.yaml:{number}" in text_of(status)


async def test_rollback_restores_the_previous_knowledge(
    world: World, moderator: simcord.MemberActor, knowledge: Path, manager: KnowledgeManager
) -> None:
    first = manager.engine.version
    about = knowledge / "articles" / "beijing-moscow" / "qa" / "about.yaml"
    about.write_text(
        about.read_text(encoding="utf-8").replace(
            '      - "author"\n', f'      - "author"\n      - "{NEW_ALTERNATE}"\n', 1
        ),
        encoding="utf-8",
    )
    await moderator.slash(world.channel, "kb reload")
    assert manager.engine.version != first

    result = await moderator.slash(world.channel, "kb rollback")

    assert result.ephemeral
    assert f"Rolled back: knowledge {first} is live" in text_of(result)
    assert world.env.bot.holder.engine.version == first  # type: ignore[attr-defined]
    miss = await world.alice.slash(world.channel, "ask", question=NEW_ALTERNATE)
    assert miss.ephemeral


async def test_rollback_without_a_previous_version_says_so(
    world: World, moderator: simcord.MemberActor
) -> None:
    result = await moderator.slash(world.channel, "kb rollback")

    assert "Rollback refused" in text_of(result)
    assert "no previous knowledge" in text_of(result)


async def test_why_explains_a_match_in_a_code_block(
    world: World, moderator: simcord.MemberActor
) -> None:
    result = await moderator.slash(world.channel, "kb why", question="@everyone who wrote it?")

    text = text_of(result)
    assert result.ephemeral
    assert text.startswith("```") and text.endswith("```")
    assert "Decision:" in text and "article-author" in text and "Thresholds" in text
    assert "@everyone" not in text
    assert len(text) <= 2000


async def test_why_trims_a_huge_question_to_one_message(
    world: World, moderator: simcord.MemberActor
) -> None:
    result = await moderator.slash(world.channel, "kb why", question="```who wrote " * 300)

    text = text_of(result)
    assert len(text) <= 2000
    assert text.count("```") == 2


async def test_unanswered_groups_recent_misses_most_frequent_first(
    world: World, moderator: simcord.MemberActor
) -> None:
    for question in ("what's the weather in Paris", "whats the weather in paris?", "best pizza"):
        await world.alice.slash(world.channel, "ask", question=question)

    result = await moderator.slash(world.channel, "kb unanswered")

    assert result.ephemeral
    text = text_of(result)
    assert text.index("**2×**") < text.index("**1×**")
    assert "weather" in text and "pizza" in text
    assert "Nearest entry" in text


async def test_unanswered_with_nothing_recorded_says_so(
    world: World, moderator: simcord.MemberActor
) -> None:
    result = await moderator.slash(world.channel, "kb unanswered", days=1)

    assert "No unanswered questions in the last 1 days" in text_of(result)


async def test_stats_counts_questions_over_the_period(
    world: World, moderator: simcord.MemberActor
) -> None:
    await world.alice.slash(world.channel, "ask", question="who wrote the article?")
    await world.alice.slash(world.channel, "ask", question="what's the weather in Paris")

    result = await moderator.slash(world.channel, "kb stats", period="day")

    text = text_of(result)
    assert result.ephemeral
    assert "2 questions; answered 1 (50%)" in text
    assert "no answer 1 (50%)" in text
    assert "article-author (1)" in text


async def test_reload_is_also_posted_to_the_mod_log(
    world: World, moderator: simcord.MemberActor
) -> None:
    log_channel = world.guild.create_text_channel("mod-log")
    bot = world.env.bot
    assert isinstance(bot, CiteBot)
    bot.settings = bot.settings.model_copy(update={"mod_log_channel_id": log_channel.id})

    await moderator.slash(world.channel, "kb reload")

    posted = log_channel.last_message
    assert posted is not None
    assert posted.content.startswith("/kb reload by carol:\n```")
    assert "No change" in posted.content
    sent = requests_to(world.env, "POST", f"/channels/{log_channel.id}/messages")
    assert sent[-1].json["allowed_mentions"] == NO_PINGS


async def test_many_unanswered_groups_are_paged_within_embed_limits(
    world: World, moderator: simcord.MemberActor
) -> None:
    bot = world.env.bot
    assert isinstance(bot, CiteBot) and bot.feedback.store is not None
    rng = random.Random(4)
    for _ in range(40):
        words = ["".join(rng.choices(string.ascii_lowercase, k=9)) for _ in range(20)]
        question = " ".join(words) + " **bold** @everyone"
        await bot.feedback.store.record_unanswered(
            question,
            normalized=question,
            guild_id=world.guild.id,
            channel_id=world.channel.id,
            candidate_id=None,
            candidate_score=None,
        )

    result = await moderator.slash(world.channel, "kb unanswered")

    assert result.ephemeral and result.response is not None
    first = result.response.embeds[0]
    assert len(first) <= 6000 and len(first.description or "") <= 4096
    assert first.footer.text is not None and first.footer.text.startswith("Page 1/")
    assert "@everyone" not in (first.description or "")
    turned = await moderator.click(result.response, label="Next ▶")
    assert turned.response is not None
    assert (turned.response.embeds[0].footer.text or "").startswith("Page 2/")
