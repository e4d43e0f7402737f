"""The reading list on Discord: picking an article (autocomplete) and a channel's own article."""

from __future__ import annotations

from discord import app_commands

from bot.discord_app import limits
from bot.discord_app.replies import safe_echo
from bot.engine import Engine
from bot.knowledge.model import Source

NEWEST = "newest"  # /kb article's value for "no article of its own: the newest"
NO_SUCH_ARTICLE = "There is no article “{article}” on the reading list; pick one from the list."


def article_choices(
    engine: Engine, current: str, *, newest: bool = False
) -> list[app_commands.Choice[str]]:
    """Articles whose title or id contains what was typed, newest first, at most 25.

    ``newest`` offers "the newest article" first (the value NEWEST), to undo a channel's choice.
    """
    typed = current.casefold().strip()
    sources = sorted(engine.knowledge.sources.values(), key=lambda s: s.added, reverse=True)
    choices = []
    if newest and typed in "the newest article":
        choices.append(app_commands.Choice(name="The newest article (the default)", value=NEWEST))
    for source in sources:
        if typed in source.title.casefold() or typed in source.id:
            name = limits.visible(f"{source.title} ({source.id})", limits.CHOICE_TEXT)
            choices.append(app_commands.Choice(name=name, value=source.id))
    return choices[: limits.CHOICES]


def find_article(engine: Engine, typed: str) -> Source | None:
    """The article a member picked or typed: its id, or its title in any case."""
    sources = engine.knowledge.sources
    wanted = typed.strip()
    if wanted in sources:
        return sources[wanted]
    folded = wanted.casefold()
    return next((s for s in sources.values() if s.title.casefold() == folded), None)


def no_such_article(typed: str) -> str:
    """Say that what a member typed names no article, echoing it safely."""
    return NO_SUCH_ARTICLE.format(article=safe_echo(typed))
