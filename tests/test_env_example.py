""".env.example documents every setting and works as a .env when copied."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[1] / ".env.example"


def documented_names() -> set[str]:
    """Setting names on `NAME=` lines, commented out or not."""
    return set(re.findall(r"^(?:# )?([A-Z][A-Z_]+)=", EXAMPLE.read_text(encoding="utf-8"), re.M))


def test_every_setting_is_documented() -> None:
    assert documented_names() == {name.upper() for name in Settings.model_fields}


def test_the_example_loads_with_an_empty_token() -> None:
    settings = load_settings(_env_file=EXAMPLE, discord_token=None)

    assert settings.discord_token is None
    assert settings == load_settings(_env_file=None, discord_token=None)  # same as the defaults
