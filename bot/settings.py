"""Typed settings from the environment and `.env`: every setting, read and checked.

The command line's one-shot commands (ask, quote, explain, validate, chat) read only the few they
need through bot/env.py, which agrees with this module and does not import pydantic.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.env import (
    DEFAULT_DATA_DIR,
    DEFAULT_KNOWLEDGE_DIR,
    ENV_FILES,
    NO_TOKEN,
    PROJECT_ROOT,
    THRESHOLD_MAX,
    THRESHOLD_MIN,
    SettingsError,
    invalid,
)

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_KNOWLEDGE_DIR",
    "NO_TOKEN",
    "PROJECT_ROOT",
    "Settings",
    "SettingsError",
    "load_settings",
]


class Settings(BaseSettings):
    """Everything citebot can be configured with; see .env.example for each setting."""

    model_config = SettingsConfigDict(
        env_file=ENV_FILES,
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    # How sure citebot must be to answer (bot/search/config.py explains both): the best entry's
    # score, and its lead over the best rival. Unset: the tuned values. Higher: fewer answers,
    # fewer wrong ones.
    min_answer_score: float | None = Field(default=None, ge=THRESHOLD_MIN, le=THRESHOLD_MAX)
    answer_margin: float | None = Field(default=None, ge=THRESHOLD_MIN, le=THRESHOLD_MAX)
    log_level: str = "INFO"

    # Bot state that is not knowledge (the command-sync fingerprint); created on first use.
    data_dir: Path = DEFAULT_DATA_DIR

    # Privileged intent: needed to read messages that do not mention the bot (auto-answer).
    message_content_intent: bool = True

    # Channels where question-like messages are answered unasked, with the stricter threshold.
    auto_answer_channel_ids: list[int] = Field(default_factory=list)
    # How long an unasked answer waits, so a person who replies first keeps the conversation.
    auto_answer_delay_seconds: float = Field(default=10.0, ge=0, le=600)

    # Sharding: all empty for one connection; sharded=true alone lets Discord pick the count.
    sharded: bool = False
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: list[int] | None = None

    cooldown_rate: int = Field(default=5, ge=1)
    cooldown_per_seconds: float = Field(default=60.0, gt=0)

    moderator_role_id: int | None = None
    mod_log_channel_id: int | None = None
    database_path: Path = PROJECT_ROOT / "data" / "citebot.sqlite3"
    retention_days: int = Field(default=90, ge=1)
    # How long a write waits for another connection's lock before the store reports it busy.
    database_timeout_seconds: float = Field(default=5.0, gt=0, le=60)

    # On SIGTERM or SIGINT, how long answers in flight may take before their askers are told to
    # ask again and the bot closes (keep systemd's TimeoutStopSec above it).
    shutdown_grace_seconds: float = Field(default=5.0, ge=0, le=60)

    # Live reload: watch knowledge_dir and reload once saves have been quiet this long.
    watch_knowledge: bool = True
    reload_debounce_ms: int = Field(default=500, ge=50, le=60_000)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}")
        return level

    @field_validator("shard_ids")
    @classmethod
    def _ids_within_count(cls, value: list[int] | None, info: ValidationInfo) -> list[int] | None:
        if value is None:
            return None
        count = info.data.get("shard_count")
        if count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT as well")
        if not value or any(not 0 <= shard < count for shard in value):
            raise ValueError(f"every shard id must be between 0 and {count - 1}")
        return value

    @property
    def threshold_overrides(self) -> dict[str, float]:
        """This deployment's answer thresholds, by name, where it sets any (answer, margin)."""
        chosen = {"answer": self.min_answer_score, "margin": self.answer_margin}
        return {name: value for name, value in chosen.items() if value is not None}

    @property
    def uses_sharding(self) -> bool:
        """True when the bot should run as an AutoShardedBot."""
        return self.sharded or self.shard_count is not None

    @field_validator("discord_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation failure into one readable sentence."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "settings"
        raise invalid(name, first["msg"]) from None
