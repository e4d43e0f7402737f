"""Run the unmodified `python -m bot run` against a fake Discord: `python -m
tests.discord_app.against_fake PORT`. Only discord.py's two base URLs point at 127.0.0.1:PORT.
"""

from __future__ import annotations

import sys

import discord.http
import yarl
from discord.gateway import DiscordWebSocket

from bot.cli import main

if __name__ == "__main__":
    port = int(sys.argv[1])
    discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")
    raise SystemExit(main(["run", *sys.argv[2:]]))
