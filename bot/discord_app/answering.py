"""The one answer path: every way of asking posts its answer, or its "I don't know", here.

Five ways of asking end here: /ask, the "Ask citebot" message command, mentions and replies
(cogs/messages.py), auto-answers, and clicks on "did you mean" buttons. Each reads the engine
once and asks it, then hands the result and a ``Destination`` (replies.py: an interaction,
answered as its response or a follow-up, or a message, answered with a reply) to ``respond``;
a click hands the entry it chose to ``post_answer``. ``post_answer`` is the only code that posts
an answer: the embed, the two vote buttons, no mentions, then the record that makes votes count.

The answer cooldown is charged by ``spend_answer`` alone, once per question that gets a reply
from the knowledge base, answer or honest "I don't know", in ``respond`` just before replying:

- /ask, "Ask citebot", mentions and replies to citebot: charged when answered or declined.
  The usage hint for an empty question ("@citebot", "@citebot help", a message with no text)
  is free; so is silence (a "thanks!" under an answer).
- Auto-answers: charged only when they answer, after the delay; over the limit they stay quiet.
- "Did you mean" clicks: free, whoever clicks (an offer in a channel is public). The question
  that offered them was charged when it was declined, so a question and the answer picked
  from its suggestions cost one answer together.
- /quote: charged on every use, like an answer (cogs/answers.py calls ``spend_answer`` too).

Over the limit, ``spend_answer`` raises ``CommandOnCooldown``. From an interaction it reaches
the one error handler (errors.py), which tells the asker privately when to try again; the
channel cog catches it and posts the same words as a notice that deletes itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from bot.discord_app import limits
from bot.discord_app.embeds import answer_embed
from bot.discord_app.feedback import new_answer_id
from bot.discord_app.holder import EngineHolder
from bot.discord_app.replies import (
    EMPTY_MESSAGE,
    Destination,
    InteractionReply,
    miss_message,
    reply_privately,
)
from bot.discord_app.views import CitebotView
from bot.discord_app.votes import vote_view
from bot.engine import Engine
from bot.knowledge.model import Entry
from bot.search.results import AskResult

log = logging.getLogger(__name__)

GONE = "That entry is no longer in the knowledge base; ask again to get the current answer."


def spend_answer(to: Destination) -> None:
    """Charge the asker one answer; raise CommandOnCooldown, with the wait, if none is left."""
    cooldown = to.bot.cooldown
    retry_after = cooldown.hit(to.asker_id)
    if retry_after is not None:
        rate = app_commands.Cooldown(cooldown.rate, cooldown.per)
        raise app_commands.CommandOnCooldown(rate, retry_after)


async def respond(
    to: Destination,
    engine: Engine,
    result: AskResult,
    *,
    question: str,
    content: str | None = None,
) -> None:
    """Answer publicly or decline privately, for one answer of the asker's; record the question.

    ``result`` is ``engine``'s answer to ``question`` (what the member typed, echoed in a miss);
    ``content`` is a line to post above the answer.
    """
    if not result.normalized:
        await to.send(EMPTY_MESSAGE, private=True)  # how to ask: free
        return
    spend_answer(to)
    if result.shown is not None:  # an answer, or what the article does say of the topic
        await post_answer(
            to,
            engine,
            result.shown,
            asked=result.question,
            score=result.score,
            content=content,
            not_said=result.not_said,
        )
    else:
        await decline(to, result, question)
    await to.bot.feedback.asked(result, guild_id=to.guild_id, channel_id=to.channel_id)


async def post_answer(
    to: Destination,
    engine: Engine,
    entry: Entry,
    *,
    asked: str,
    score: float | None,
    content: str | None = None,
    not_said: str = "",
) -> None:
    """Post ``entry``'s answer publicly with vote buttons, then remember it so votes count.

    ``asked`` is the member's question and ``score`` the matcher's, both kept with the answer;
    ``not_said`` says the article does not say what was asked (the entry is what it does say).
    """
    answer_id = new_answer_id()
    embed = answer_embed(entry, engine, not_said=not_said)
    sent = await to.send(content, embed=embed, view=vote_view(answer_id))
    if sent is None:
        return
    # Recorded after the reply: a slow or locked database must not delay the answer.
    await to.bot.feedback.answered(
        answer_id,
        entry.id,
        question=asked,
        score=score,
        guild_id=to.guild_id,
        channel_id=to.channel_id,
    )


async def decline(to: Destination, result: AskResult, question: str) -> None:
    """Say there is no answer, privately where possible, with "did you mean" buttons if any."""
    if not result.suggestions:
        await to.send(miss_message(question, result), private=True)
        return
    view = SuggestionsView(result.suggestions, to.bot.holder, question=result.question)
    view.message = await to.send(miss_message(question, result), view=view, private=True)


class SuggestionsView(CitebotView):
    """One button per suggested entry; clicking one answers it publicly."""

    def __init__(
        self, entries: Sequence[Entry], holder: EngineHolder, *, question: str = ""
    ) -> None:
        super().__init__(timeout=180)
        self.holder = holder
        self.question = question  # what the member asked, recorded with the chosen answer
        for entry in entries[:3]:
            self.add_item(SuggestionButton(entry))

    async def choose(self, interaction: discord.Interaction[Any], entry_id: str) -> None:
        """Drop the buttons, then post the chosen entry's answer (free: see the module)."""
        engine = self.holder.engine
        entry = engine.knowledge.entry(entry_id)
        if entry is None:
            await reply_privately(interaction, GONE)
            return
        self.stop()
        note = f"Answered: {limits.trim(entry.question, limits.BUTTON_LABEL)}"
        await interaction.response.edit_message(content=note, view=None)
        # The member chose the entry; the matcher was unsure, so there is no score to keep.
        await post_answer(
            InteractionReply(interaction),
            engine,
            entry,
            asked=self.question or entry.question,
            score=None,
        )


class SuggestionButton(discord.ui.Button[SuggestionsView]):
    """A "did you mean" button for one entry."""

    def __init__(self, entry: Entry) -> None:
        label = limits.trim(entry.question, limits.BUTTON_LABEL)
        super().__init__(label=label, style=discord.ButtonStyle.secondary)
        self.entry_id = entry.id

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Answer this entry."""
        assert self.view is not None
        await self.view.choose(interaction, self.entry_id)
