"""Deliberate command sync: instantly to a development guild, globally only on change."""

from __future__ import annotations

import hashlib
import json
import logging
from enum import Enum
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.settings import Settings

log = logging.getLogger(__name__)

FINGERPRINT_FILE = "command-sync.json"


class Synced(Enum):
    """What ``sync_commands`` did."""

    GUILD = "guild"
    GLOBAL = "global"
    UNCHANGED = "unchanged"


def command_fingerprint(tree: app_commands.CommandTree[Any], application_id: int) -> str:
    """Hash the exact JSON a global sync would send, plus the application it goes to."""
    payloads = sorted(
        (command.to_dict(tree) for command in tree.get_commands()),
        key=lambda payload: (payload.get("type", 1), payload["name"]),
    )
    blob = json.dumps(
        {"application_id": application_id, "commands": payloads},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


async def sync_commands(
    tree: app_commands.CommandTree[Any], settings: Settings, application_id: int
) -> Synced:
    """Sync to DISCORD_GUILD_ID if set; otherwise globally only if the commands changed."""
    if settings.discord_guild_id is not None:
        guild = discord.Object(id=settings.discord_guild_id)
        tree.copy_global_to(guild=guild)
        synced = await tree.sync(guild=guild)
        log.info("Synced %d commands to guild %s", len(synced), settings.discord_guild_id)
        return Synced.GUILD
    path = settings.data_dir / FINGERPRINT_FILE
    fingerprint = command_fingerprint(tree, application_id)
    if _stored(path) == fingerprint:
        log.info("Commands unchanged since the last global sync; not syncing")
        return Synced.UNCHANGED
    synced = await tree.sync()
    log.info("Synced %d commands globally (Discord may take a while to show them)", len(synced))
    _store(path, fingerprint)
    return Synced.GLOBAL


# The fingerprint file is a few hundred bytes read once at start-up: blocking I/O that the
# event loop will not notice.
def _stored(path: Path) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("fingerprint") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _store(path: Path, fingerprint: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"fingerprint": fingerprint}) + "\n", encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        log.warning(
            "Could not save the command fingerprint to %s (%s); next start syncs again", path, error
        )
