"""Fixtures for the cogs' tests: a moderator, and a manager over a knowledge copy.

A test module that serves its own copy defines a ``knowledge`` fixture (the directory) and a
``simcord_bot`` built with ``make_bot(manager=manager)``.
"""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
import simcord

from bot.engine.lifecycle import KnowledgeManager
from tests.discord_app.conftest import World


@pytest.fixture
def moderator(world: World) -> simcord.MemberActor:
    """A member whose role has Manage Server."""
    role = world.guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    return world.guild.add_member(world.env.create_user("carol"), roles=[role])


@pytest.fixture
def manager(knowledge: Path, tmp_path: Path) -> KnowledgeManager:
    """A manager serving the module's ``knowledge`` copy, as the bot's start-up would."""
    return KnowledgeManager.start(knowledge, tmp_path / "data")
