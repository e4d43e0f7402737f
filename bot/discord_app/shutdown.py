"""A clean stop: finish what members are waiting for, tell the rest to ask again, then close.

Every handler that answers someone (commands, buttons, mentions) first calls ``InFlight.admit``,
which counts its task as work in flight. On SIGTERM or SIGINT (runner.py), ``stop_gracefully``:

1. stops admitting: work that arrives from now on gets "restarting, ask again" at once;
   interactions Discord delivered before the stop (their tasks already exist) are answered;
2. waits up to the grace period for the work in flight;
3. cancels the work that has not started its reply and tells each of those members to ask
   again (privately for an interaction, also one that only said "thinking...", and as a reply
   to a mention); a reply already on its way (or sent, its record being written) gets a
   moment more to finish, as do the "restarting" replies;
4. closes the bot: the gateway with close code 1000, HTTP, then the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import discord

from bot.discord_app.replies import NO_MENTIONS, UNDELIVERABLE, reply_privately

log = logging.getLogger(__name__)

RESTARTING = "citebot is restarting; ask again in a moment."
# How long telling one member to ask again may take, so a stop never hangs on Discord.
TELL_SECONDS = 2.0
# First responses that only acknowledge ("thinking..."): the answer has still to be sent.
DEFERRED = (
    discord.InteractionResponseType.deferred_channel_message,
    discord.InteractionResponseType.deferred_message_update,
)
# Whom a piece of work answers: an interaction, a message that mentioned the bot, or nobody.
Asker = discord.Interaction[Any] | discord.Message | None


@dataclass
class StopReport:
    """What a stop did: answers finished in the grace period, members told to ask again."""

    finished: int = 0
    told: int = 0


class InFlight:
    """The tasks answering someone now, and whether new work is still taken."""

    def __init__(self) -> None:
        self.stopping = False
        self._grace_over = False
        self._work: dict[asyncio.Task[Any], Asker] = {}
        self._received: set[asyncio.Task[Any]] = set()  # tasks that existed when the stop began
        self._replying: set[asyncio.Task[Any]] = set()  # tasks sending a reply right now
        self._replied: set[asyncio.Task[Any]] = set()  # tasks that sent a reply
        self._cut_short = asyncio.Event()

    def admit(self, asker: Asker = None) -> bool:
        """Count the running task as work to finish before a stop; False: answer "restarting".

        ``asker`` is told to ask again if the stop cuts the work off. Work Discord delivered
        before the stop began is still admitted during the grace period.
        """
        task = asyncio.current_task()
        if task is None:
            return not self.stopping
        if task not in self._work:
            self._work[task] = asker
            task.add_done_callback(self._forget)
        return not self.stopping or (task in self._received and not self._grace_over)

    @contextmanager
    def replying(self) -> Iterator[None]:
        """Mark the running task as sending a reply: a stop lets it finish rather than cancel it."""
        task = asyncio.current_task()
        if task is None:
            yield
            return
        self._replying.add(task)
        try:
            yield
            self._replied.add(task)
        finally:
            self._replying.discard(task)

    def __len__(self) -> int:
        return len(self._work)

    def cut_short(self) -> None:
        """End the grace period now (a second Ctrl-C)."""
        self._cut_short.set()

    async def drain(self, grace: float) -> StopReport:
        """Stop admitting, wait up to ``grace`` seconds, then cancel and tell what is left."""
        self.stopping = True
        self._received = asyncio.all_tasks()
        before = len(self._work)
        await self._wait(grace)
        self._grace_over = True  # from here on, work not yet started is told to ask again
        left = {task: who for task, who in self._work.items() if not self._answering(task, who)}
        for task in left:
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)
        told = await asyncio.gather(*(_tell(who) for who in left.values() if who is not None))
        report = StopReport(finished=max(before - len(left), 0), told=sum(told))
        await asyncio.sleep(0)  # let work delivered but not started yet refuse itself...
        await self._wait(TELL_SECONDS)  # ...and wait for replies on their way
        for task in list(self._work):
            task.cancel()
        return report

    async def _wait(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        cut_short = asyncio.create_task(self._cut_short.wait())
        try:
            while not cut_short.done():
                pending = [task for task in self._work if not task.done()]
                remaining = deadline - loop.time()
                if not pending or remaining <= 0:
                    return
                await asyncio.wait(
                    [*pending, cut_short], timeout=remaining, return_when=asyncio.FIRST_COMPLETED
                )
        finally:
            cut_short.cancel()

    def _answering(self, task: asyncio.Task[Any], asker: Asker) -> bool:
        """True when ``task`` is done, sending its reply, or replied (not just "thinking...")."""
        if task.done() or task in self._replying or task in self._replied:
            return True
        response = getattr(asker, "response", None)  # an interaction's; a message has none
        return response is not None and response.is_done() and response.type not in DEFERRED

    def _forget(self, task: asyncio.Task[Any]) -> None:
        self._work.pop(task, None)
        self._replied.discard(task)


def admits(interaction: discord.Interaction[Any]) -> bool:
    """Admit an interaction as work in flight; False once the bot is stopping (see InFlight)."""
    in_flight: InFlight | None = getattr(interaction.client, "in_flight", None)
    return in_flight is None or in_flight.admit(interaction)


async def admit_or_tell(interaction: discord.Interaction[Any]) -> bool:
    """Admit a click as work in flight; once stopping, tell the member to try again: False."""
    if admits(interaction):
        return True
    await _tell(interaction)
    return False


async def _tell(asker: discord.Interaction[Any] | discord.Message) -> bool:
    """Tell a member whose answer was cut off to ask again; True if the message went out.

    An interaction is told privately (as a follow-up if it said "thinking..."); a mention is
    answered with a reply, where nothing can be private.
    """
    telling: Awaitable[object]
    if isinstance(asker, discord.Message):
        telling = asker.reply(RESTARTING, mention_author=False, allowed_mentions=NO_MENTIONS)
        who = asker.author.id
    else:
        telling = reply_privately(asker, RESTARTING)
        who = asker.user.id
    try:
        await asyncio.wait_for(telling, TELL_SECONDS)
    except UNDELIVERABLE as error:
        log.warning("Could not tell user %s to ask again: %s", who, error)
        return False
    return True
