"""Run citebot on Discord until stopped; turn the failures a user can fix into one sentence."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import aiohttp
import discord

from bot.discord_app.client import CiteBot, CogFactory, create_bot
from bot.discord_app.holder import EngineHolder
from bot.engine.lifecycle import KnowledgeManager
from bot.settings import NO_TOKEN, Settings

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_NO_TOKEN = 0, 1, 2

BAD_TOKEN = (
    "Discord rejected DISCORD_TOKEN: copy it again from your application's Bot page "
    '("Reset Token") into .env.'
)
NO_INTENT = (
    "Discord refused the Message Content intent: enable it under Bot > Privileged Gateway "
    "Intents in the developer portal, or set MESSAGE_CONTENT_INTENT=false."
)
UNREACHABLE = "cannot reach Discord ({error}); check the network connection and try again."
REFUSED = "Discord ended the connection ({error}); see the log above and try again later."


def run_bot(
    settings: Settings, manager: KnowledgeManager, *, extra_cogs: Sequence[CogFactory] = ()
) -> int:
    """Connect to Discord and serve ``manager``'s knowledge until stopped; return the exit code.

    Without a token, print one sentence and return EXIT_NO_TOKEN (2) before touching Discord.
    """
    if settings.discord_token is None:
        print(f"citebot: {NO_TOKEN}", file=sys.stderr)
        return EXIT_NO_TOKEN
    level = logging.getLevelNamesMapping()[settings.log_level]
    discord.utils.setup_logging(level=level, root=True)
    bot = create_bot(settings, EngineHolder(manager.engine), extra_cogs=extra_cogs, manager=manager)
    try:
        return asyncio.run(serve(bot, settings.discord_token.get_secret_value()))
    except KeyboardInterrupt:
        log.info("Stopped by Ctrl-C")
        return EXIT_OK


async def serve(bot: CiteBot, token: str) -> int:
    """Log in and stay connected until the bot closes or a stop signal; return the exit code.

    SIGTERM (systemd, Docker) or SIGINT (Ctrl-C) stops gracefully: answers in flight finish
    within SHUTDOWN_GRACE_SECONDS, then the gateway and the database close and this returns 0.
    A second signal ends the grace period at once.
    """
    try:
        with _stop_on_signals(bot):
            async with bot:
                await bot.start(token)
    except discord.LoginFailure:
        return _fail(BAD_TOKEN)
    except discord.PrivilegedIntentsRequired:
        return _fail(NO_INTENT)
    except (aiohttp.ClientConnectionError, discord.GatewayNotFound, OSError) as error:
        return _fail(UNREACHABLE.format(error=type(error).__name__))
    except (discord.HTTPException, discord.ConnectionClosed) as error:
        return _fail(REFUSED.format(error=error))
    return EXIT_OK


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def _stop_on_signals(bot: CiteBot) -> Iterator[None]:
    """While serving, turn SIGTERM and SIGINT into a graceful stop (where the OS allows)."""
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[object]] = []

    def stop(signum: int) -> None:
        name = signal.Signals(signum).name
        if stopping:
            log.warning("%s again: not waiting any longer for answers in flight", name)
            bot.in_flight.cut_short()
            if stopping[0].done():  # the stop failed before closing: close now
                stopping.append(asyncio.create_task(bot.close(), name="citebot-close"))
            return
        log.info("%s received", name)
        grace = bot.settings.shutdown_grace_seconds
        stopping.append(asyncio.create_task(bot.stop_gracefully(grace), name="citebot-stop"))

    installed = []
    for signum in STOP_SIGNALS:
        try:
            loop.add_signal_handler(signum, stop, signum)
        except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
            continue
        installed.append(signum)
    try:
        yield
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)


def _fail(sentence: str) -> int:
    print(f"citebot: {sentence}", file=sys.stderr)
    return EXIT_FAILED
