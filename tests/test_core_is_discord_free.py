"""The core (everything in bot/ but bot/discord_app/) never imports discord."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bot"
SKIN = PACKAGE / "discord_app"
CORE_MODULES = sorted(
    path for path in PACKAGE.rglob("*.py") if SKIN not in path.parents and path != SKIN
)


def module_name(path: Path) -> str:
    """bot/search/index.py -> bot.search.retrieval"""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def discord_imports(path: Path) -> list[str]:
    """Return 'line N: import ...' for every import of discord in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "discord" or name.startswith("discord.") for name in names):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_the_check_catches_every_import_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nimport discord\nfrom discord.ext import commands\n"
        "import discordant\nfrom . import discord as local\n",
        encoding="utf-8",
    )
    assert discord_imports(sample) == [
        "line 2: import discord",
        "line 3: from discord.ext import commands",
    ]


def test_the_walk_sees_the_core() -> None:
    names = {module_name(path) for path in CORE_MODULES}
    assert {"bot.engine", "bot.settings", "bot.cli", "bot.search.matcher"} <= names
    assert not any(name.startswith("bot.discord_app") for name in names)


@pytest.mark.parametrize("path", CORE_MODULES, ids=module_name)
def test_core_module_does_not_import_discord(path: Path) -> None:
    assert discord_imports(path) == []


def test_importing_the_whole_core_loads_no_discord() -> None:
    # Catches indirect imports too (core -> some module -> discord) at import time.
    modules = ", ".join(repr(module_name(path)) for path in CORE_MODULES if path.stem != "__main__")
    script = (
        "import importlib, sys\n"
        f"for name in [{modules}]: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'discord' or m.startswith('discord.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
