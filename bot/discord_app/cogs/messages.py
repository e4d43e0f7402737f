"""Answers in channels: mentions, replies to citebot, and optional auto-answer channels."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.answering import respond
from bot.discord_app.questions import clean_question, looks_like_question
from bot.discord_app.replies import MessageReply, retry_message
from bot.discord_app.shutdown import RESTARTING
from bot.search.results import Outcome

if TYPE_CHECKING:
    from bot.discord_app.client import CiteBot

log = logging.getLogger(__name__)

# Questions waiting out the auto-answer delay; beyond this many, new ones are left alone.
MAX_WAITING = 500
# A cooldown notice in a channel tidies itself away after at most this long.
NOTICE_SECONDS = 30.0
CONVERSATION = (discord.MessageType.default, discord.MessageType.reply)


class ChannelAnswers(commands.Cog):
    """Answer messages that ask citebot, and question-like ones in auto-answer channels."""

    def __init__(self, bot: CiteBot) -> None:
        self.bot = bot
        self.holder = bot.holder
        self.auto_channels = frozenset(bot.settings.auto_answer_channel_ids)
        self.delay = bot.settings.auto_answer_delay_seconds
        # Question message id -> True once a person replied to it or it was deleted.
        self._waiting: dict[int, bool] = {}

    async def cog_load(self) -> None:
        """Warn when auto-answer channels are set but cannot work."""
        if self.auto_channels and not self.bot.intents.message_content:
            log.warning(
                "AUTO_ANSWER_CHANNEL_IDS is set but MESSAGE_CONTENT_INTENT is off: without the "
                "message content intent those channels get no answers (mentions still work)"
            )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Route a new message: answer it if it asks us, else maybe auto-answer it."""
        if message.author.bot or message.webhook_id or message.type not in CONVERSATION:
            return  # bots (ourselves included), webhooks and system messages
        self._note_reply(message)
        mentioned = self._mentioned(message)
        if mentioned or self._replied_to_us(message):
            if self.bot.in_flight.admit(message):
                await self._answer_addressed(message, mentioned=mentioned)
            elif mentioned:
                await MessageReply(self.bot, message).send(RESTARTING)
        elif self._auto_candidate(message) and not self.bot.in_flight.stopping:
            # Not work in flight: nobody asked, so a stop may drop it during its delay.
            await self._answer_unasked(message)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """Drop a waiting auto-answer when its question is deleted."""
        if payload.message_id in self._waiting:
            self._waiting[payload.message_id] = True

    def _note_reply(self, message: discord.Message) -> None:
        reference = message.reference
        if reference is not None and reference.message_id in self._waiting:
            self._waiting[reference.message_id] = True

    def _mentioned(self, message: discord.Message) -> bool:
        # Only a mention written in the text counts: a reply's automatic ping is not a request.
        me = self.bot.user
        if me is not None and (
            f"<@{me.id}>" in message.content or f"<@!{me.id}>" in message.content
        ):
            return True
        own_role = message.guild.self_role if message.guild is not None else None
        return own_role is not None and own_role in message.role_mentions

    def _replied_to_us(self, message: discord.Message) -> bool:
        me, replied = self.bot.user, _replied_message(message)
        return me is not None and replied is not None and replied.author.id == me.id

    def _auto_candidate(self, message: discord.Message) -> bool:
        channel = message.channel
        in_auto = channel.id in self.auto_channels or (
            getattr(channel, "parent_id", None) in self.auto_channels
        )
        # A reply or a mention of someone is a conversation between people: not ours to join.
        return (
            in_auto
            and message.reference is None
            and not message.mentions
            and looks_like_question(message.content)
        )

    async def _answer_addressed(self, message: discord.Message, *, mentioned: bool) -> None:
        question = clean_question(message.content)
        replied = _replied_message(message)
        if not question and replied is not None and not replied.author.bot:
            question = clean_question(replied.content)  # "@citebot" under someone's question
        engine = self.holder.engine
        result = engine.ask(question, article=self.bot.article_for(message.channel))
        # A bare mention, or "@citebot help", is someone who wants to know how to ask (respond
        # says how). A reply without one must ask something: a textless reply (a sticker, or
        # text hidden without the message content intent) or a "thanks!" needs no reply.
        if not mentioned and (
            not result.normalized
            or (result.outcome is Outcome.NO_MATCH and not looks_like_question(question))
        ):
            return
        to = MessageReply(self.bot, message)
        try:
            await respond(to, engine, result, question=question)
        except app_commands.CommandOnCooldown as refused:
            wait = refused.retry_after
            await to.notice(retry_message(wait), seconds=min(wait, NOTICE_SECONDS))

    async def _answer_unasked(self, message: discord.Message) -> None:
        engine = self.holder.engine
        article = self.bot.article_for(message.channel)
        result = engine.ask(clean_question(message.content), strict=True, article=article)
        if result.entry is None or len(self._waiting) >= MAX_WAITING:
            return  # unsure, or flooded: stay quiet
        self._waiting[message.id] = False
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
        finally:
            interrupted = self._waiting.pop(message.id, True)
        if interrupted:
            log.debug("Not auto-answering %s: someone replied or it was deleted", message.id)
            return
        try:
            await respond(MessageReply(self.bot, message), engine, result, question=result.question)
        except app_commands.CommandOnCooldown:
            return  # nobody asked, so nobody is told to wait


def _replied_message(message: discord.Message) -> discord.Message | None:
    reference = message.reference
    if reference is None:
        return None
    if isinstance(reference.resolved, discord.Message):
        return reference.resolved
    return reference.cached_message
