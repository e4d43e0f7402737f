"""citebot's cogs, loaded in this order by the bot's setup_hook."""

from __future__ import annotations

from bot.discord_app.cogs.answers import Answers
from bot.discord_app.cogs.info import Info
from bot.discord_app.cogs.kb import KnowledgeAdmin
from bot.discord_app.cogs.messages import ChannelAnswers
from bot.discord_app.cogs.upkeep import Upkeep

DEFAULT_COGS = (Answers, Info, ChannelAnswers, KnowledgeAdmin, Upkeep)
