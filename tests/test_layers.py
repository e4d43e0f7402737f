"""The package's layers point one way, and only the Discord layer imports discord.

    text, env             know nothing else of citebot (env: the CLI's few settings, fast)
    settings              every setting (uses env)
    knowledge             reads knowledge directories (uses text)
    search                the matcher's stages (uses knowledge, text)
    engine                one knowledge base ready for questions, and its lifecycle
    moderation, render    moderators' tools; how results read (siblings: neither uses the other)
    discord_app, health   the Discord skin (uses all of the above, and settings); `check`
    cli                   the command line, on top of everything

A module may import its own package and the layers below its own, never above or beside.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bot"
RANK = {
    "text": 0,
    "env": 0,
    "settings": 1,
    "knowledge": 1,
    "search": 2,
    "engine": 3,
    "moderation": 4,
    "render": 4,
    "discord_app": 5,
    "health": 5,
    "cli": 6,
    "__main__": 7,
}
MODULES = sorted(PACKAGE.rglob("*.py"))
SKIN = PACKAGE / "discord_app"


def module_name(path: Path, package: Path = PACKAGE) -> str:
    """bot/search/retrieval.py -> bot.search.retrieval"""
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(name: str) -> str:
    """bot.search.matcher -> search; bot -> "" (the package itself)."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports(path: Path) -> list[tuple[int, str]]:
    """Return (line, module) for every absolute import in a file, in functions too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def violations(path: Path, package: Path = PACKAGE) -> list[str]:
    """Return each import of a module that breaks the layering, as 'line N: name (why)'."""
    own = layer(module_name(path, package))
    wrong = []
    for line, name in imports(path):
        if name == "discord" or name.startswith("discord."):
            if package / "discord_app" not in path.parents:
                wrong.append(f"line {line}: {name} (only bot/discord_app/ imports discord)")
            continue
        if not name.startswith("bot.") or layer(name) in ("", own):
            continue
        if RANK[layer(name)] >= RANK[own]:
            wrong.append(f"line {line}: {name} (layer {own} may not use layer {layer(name)})")
    return wrong


def test_every_module_is_in_a_layer() -> None:
    assert {layer(module_name(path)) for path in MODULES} - {""} == set(RANK)


def test_the_check_catches_an_upward_import_and_discord(tmp_path: Path) -> None:
    sample = tmp_path / "bot" / "knowledge" / "sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text(
        "import discord\nfrom bot.text.normalize import normalize\n"
        "def f():\n    from bot.search.matcher import Matcher\n",
        encoding="utf-8",
    )
    found = [message.split(" (")[0] for message in violations(sample, tmp_path / "bot")]
    assert found == ["line 1: discord", "line 4: bot.search.matcher"]


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_module_imports_only_layers_below_its_own(path: Path) -> None:
    assert violations(path) == []


def test_the_named_contracts_hold() -> None:
    # The three the issue names, said plainly in case RANK is ever edited.
    def uses(package: str, other: str) -> list[str]:
        return [
            f"{module_name(path)}:{line}"
            for path in MODULES
            if layer(module_name(path)) == package
            for line, name in imports(path)
            if layer(name) == other and name.startswith("bot.")
        ]

    assert uses("knowledge", "search") == []
    assert uses("discord_app", "cli") == []
    assert uses("settings", "search") == []


def test_importing_everything_below_discord_app_loads_no_discord() -> None:
    # Catches indirect imports too (core -> some module -> discord) at import time.
    core = [p for p in MODULES if SKIN not in p.parents and p != SKIN and p.stem != "__main__"]
    modules = ", ".join(repr(module_name(path)) for path in core)
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
