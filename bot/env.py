"""The few settings the command line's ask, quote, explain and validate need, read fast.

``bot/settings.py`` reads and validates every setting with pydantic-settings, which takes about
0.1 s to import: a third of a one-shot ``python -m bot ask``. These commands need only where the
knowledge is, the two answer thresholds and where the bot keeps its data (for the engine cache),
so they read them here, from the same places (the environment, else the project's ``.env``,
else ``.env`` in the working directory) with the same checks and messages;
``tests/test_env.py`` holds the two readers to agreeing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
ENV_FILES = (PROJECT_ROOT / ".env", Path(".env"))  # a later file wins, the environment over all
THRESHOLD_MIN, THRESHOLD_MAX = 0.0, 100.0  # MIN_ANSWER_SCORE and ANSWER_MARGIN

# Said by `python -m bot run` and by the bot's runner alike when the token is missing.
NO_TOKEN = (
    "DISCORD_TOKEN is not set: put the bot token in the environment or .env "
    '(see the README\'s "Running on Discord").'
)


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one sentence for the user."""


@dataclass(frozen=True, slots=True)
class CoreSettings:
    """Where the knowledge is, and this deployment's answer thresholds."""

    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    min_answer_score: float | None = None
    answer_margin: float | None = None
    data_dir: Path = DEFAULT_DATA_DIR  # where a large knowledge base's built engine is kept

    @property
    def threshold_overrides(self) -> dict[str, float]:
        """This deployment's answer thresholds, by name, where it sets any (answer, margin)."""
        chosen = {"answer": self.min_answer_score, "margin": self.answer_margin}
        return {name: value for name, value in chosen.items() if value is not None}


def load_core_settings() -> CoreSettings:
    """Read the core settings; raise SettingsError naming the first malformed one."""
    values = _read_values(("knowledge_dir", "min_answer_score", "answer_margin", "data_dir"))
    knowledge, data = values.get("knowledge_dir"), values.get("data_dir")
    return CoreSettings(
        DEFAULT_KNOWLEDGE_DIR if knowledge is None else Path(knowledge),
        _threshold("min_answer_score", values.get("min_answer_score")),
        _threshold("answer_margin", values.get("answer_margin")),
        DEFAULT_DATA_DIR if data is None else Path(data),
    )


def invalid(name: str, message: str) -> SettingsError:
    """Return the error for one malformed setting, worded as load_settings words it."""
    return SettingsError(
        f"Setting {name.upper()} is invalid: {message} (check your environment or .env)."
    )


def _threshold(name: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        message = "Input should be a valid number, unable to parse string as a number"
        raise invalid(name, message) from None
    if value < THRESHOLD_MIN:
        raise invalid(name, f"Input should be greater than or equal to {THRESHOLD_MIN:g}")
    if not value <= THRESHOLD_MAX:  # nan too
        raise invalid(name, f"Input should be less than or equal to {THRESHOLD_MAX:g}")
    return value


def _read_values(names: tuple[str, ...]) -> dict[str, str]:
    """Return the named settings that are set: env files in order, then the environment.

    Names are matched without regard to case, as pydantic-settings matches them.
    """
    found: dict[str, str] = {}
    files = [path for path in ENV_FILES if path.is_file()]
    if files:
        from dotenv import dotenv_values  # only when there is a file to read

        for path in files:
            for key, value in dotenv_values(path, encoding="utf-8").items():
                if key.lower() in names and value is not None:
                    found[key.lower()] = value
    for key, value in os.environ.items():
        if key.lower() in names:
            found[key.lower()] = value
    return found
