"""Typed settings from the environment and `.env`: the one place configuration is read."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one sentence for the user."""


class Settings(BaseSettings):
    """Everything citebot can be configured with; see .env.example for each setting."""

    model_config = SettingsConfigDict(
        env_file=(PROJECT_ROOT / ".env", ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    log_level: str = "INFO"

    # Matching strictness for unsolicited answers in auto-answer channels (stricter than /ask).
    auto_answer_channel_ids: list[int] = Field(default_factory=list)

    # Sharding: leave both empty for a single connection; set shard_count for AutoShardedBot.
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: list[int] | None = None

    cooldown_rate: int = Field(default=5, ge=1)
    cooldown_per_seconds: float = Field(default=60.0, gt=0)

    moderator_role_id: int | None = None
    mod_log_channel_id: int | None = None
    database_path: Path = PROJECT_ROOT / "data" / "citebot.sqlite3"
    retention_days: int = Field(default=90, ge=1)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}")
        return level

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
        name = ".".join(str(part) for part in first["loc"]).upper() or "settings"
        raise SettingsError(
            f"Setting {name} is invalid: {first['msg']} (check your environment or .env)."
        ) from None
