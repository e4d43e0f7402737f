"""docs/deploy.md stays true: its unit file and exit codes match what the code does."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from bot.cli import EXIT_USAGE
from bot.discord_app.runner import EXIT_FAILED, EXIT_NO_TOKEN, EXIT_OK
from bot.discord_app.shutdown import TELL_SECONDS
from bot.settings import Settings

DEPLOY = Path(__file__).resolve().parents[1] / "docs" / "deploy.md"


def code_blocks(language: str = "") -> list[str]:
    """The fenced blocks of docs/deploy.md in ``language``, de-indented."""
    text = DEPLOY.read_text(encoding="utf-8")
    blocks = re.findall(rf"^( *)```{language}\n(.*?)^\1```", text, flags=re.S | re.M)
    return [re.sub(rf"^{indent}", "", body, flags=re.M) for indent, body in blocks]


def unit() -> configparser.ConfigParser:
    """The systemd unit the page tells readers to install."""
    (text,) = code_blocks("ini")
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read_string(text)
    return parser


def test_the_unit_runs_the_bot_as_its_own_user_and_check_comes_before_a_restart() -> None:
    service = unit()["Service"]
    restart = next(block for block in code_blocks() if "systemctl restart citebot" in block)

    assert service["ExecStart"].endswith("/.venv/bin/python -m bot run")
    # A failing ExecStartPre would be retried by Restart=on-failure: check runs beforehand.
    assert "ExecStartPre" not in service
    assert "-m bot check" in restart and "-p User=citebot" in restart
    assert "-p EnvironmentFile=/etc/citebot.env" in restart
    assert service["User"] != "root"


def test_the_unit_stops_with_sigterm_and_waits_longer_than_the_grace_period() -> None:
    service = unit()["Service"]
    grace = Settings.model_fields["shutdown_grace_seconds"].default

    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) > grace + 2 * TELL_SECONDS


def test_the_unit_does_not_restart_what_a_person_must_fix() -> None:
    service = unit()["Service"]

    assert service["Restart"] == "on-failure"  # exit 1: Discord unreachable, try again
    # run's "a person must fix this" exits: no token (runner) and a bad setting or knowledge (cli)
    assert EXIT_NO_TOKEN == EXIT_USAGE == int(service["RestartPreventExitStatus"])


def test_the_exit_code_table_says_what_each_code_of_run_means() -> None:
    rows = dict(re.findall(r"^\| (\d) \| ([^|]+) \|", DEPLOY.read_text(encoding="utf-8"), re.M))

    assert "stopped by a signal" in rows[str(EXIT_OK)]
    assert "Discord refused or could not be reached" in rows[str(EXIT_FAILED)]
    assert "`DISCORD_TOKEN` missing" in rows[str(EXIT_NO_TOKEN)]
    assert "the knowledge does not load" in rows[str(EXIT_USAGE)]


def test_the_environment_file_names_real_settings() -> None:
    environment = next(block for block in code_blocks() if "DISCORD_TOKEN=" in block)
    names = [line.split("=")[0] for line in environment.splitlines() if "=" in line]

    assert names and all(name.lower() in Settings.model_fields for name in names)
