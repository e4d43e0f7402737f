"""bot/env.py reads the core settings without pydantic; it must agree with bot/settings.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.env import CoreSettings, SettingsError, load_core_settings
from bot.settings import Settings, load_settings

CASES = [
    {},
    {"MIN_ANSWER_SCORE": "60"},
    {"min_answer_score": " 55.5 "},
    {"ANSWER_MARGIN": "0"},
    {"ANSWER_MARGIN": "100"},
    {"MIN_ANSWER_SCORE": ""},
    {"MIN_ANSWER_SCORE": "high"},
    {"MIN_ANSWER_SCORE": "-1"},
    {"ANSWER_MARGIN": "100.5"},
    {"ANSWER_MARGIN": "nan"},
    {"KNOWLEDGE_DIR": "elsewhere/knowledge"},
    {"KNOWLEDGE_DIR": ""},
    {"DATA_DIR": "state/citebot"},
    {"data_dir": ""},
]


def _read(reader: Callable[[], CoreSettings | Settings]) -> str | tuple[object, ...]:
    """The core settings a reader gives, or the error it says."""
    try:
        settings = reader()
    except SettingsError as error:
        return str(error)
    return (
        settings.knowledge_dir,
        settings.min_answer_score,
        settings.answer_margin,
        settings.data_dir,
    )


@pytest.mark.parametrize("where", ["environment", ".env"])
@pytest.mark.parametrize("values", CASES)
def test_core_settings_agree_with_the_full_settings(
    values: dict[str, str], where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("MIN_ANSWER_SCORE", "ANSWER_MARGIN", "KNOWLEDGE_DIR", "DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    if where == "environment":
        for name, value in values.items():
            monkeypatch.setenv(name, value)
    else:
        lines = [f"{name}={value}" for name, value in values.items()]
        (tmp_path / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _read(load_core_settings) == _read(load_settings)


def test_the_environment_wins_over_env_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("MIN_ANSWER_SCORE=70\nANSWER_MARGIN=3\n", encoding="utf-8")
    monkeypatch.setenv("MIN_ANSWER_SCORE", "65")
    monkeypatch.delenv("ANSWER_MARGIN", raising=False)
    core = load_core_settings()
    assert (core.min_answer_score, core.answer_margin) == (65.0, 3.0)
    assert core.threshold_overrides == {"answer": 65.0, "margin": 3.0}
    assert _read(load_core_settings) == _read(load_settings)
