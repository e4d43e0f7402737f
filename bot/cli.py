"""Command line: ask, quote, validate, suggest, chat and run, all on the same engine."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.engine import Engine, load_engine
from bot.engine.cache import EngineCache
from bot.engine.checks import check_knowledge
from bot.env import NO_TOKEN, SettingsError, load_core_settings
from bot.knowledge.model import KnowledgeError
from bot.knowledge.parallel import reading_workers
from bot.render.data import ask_payload, quote_payload
from bot.render.text import render_answer, render_quotes
from bot.search.config import MatchConfig

if TYPE_CHECKING:
    from bot.moderation.records import UnansweredQuestion
    from bot.settings import Settings

log = logging.getLogger(__name__)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

TOKEN_HELP = """\
No DISCORD_TOKEN is set, so citebot cannot connect to Discord.
To get one: open https://discord.com/developers/applications, create an application, open
"Bot", press "Reset Token" and copy it into .env as DISCORD_TOKEN=... (see .env.example and
the README's "Running on Discord"). Meanwhile, here is citebot in your terminal."""


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--knowledge",
        type=Path,
        metavar="DIR",
        help="knowledge directory (default: KNOWLEDGE_DIR, else the project's knowledge/)",
    )
    parser = argparse.ArgumentParser(
        prog="citebot", description="Answer questions about the article, with verbatim quotes."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = commands.add_parser("ask", parents=[common], help="answer a question")
    ask.add_argument("question", nargs="?", help="the question (default: one per line on stdin)")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    ask.add_argument(
        "--article",
        metavar="ID",
        help="ask as in a channel whose own article this is (default: the newest answers "
        "what several articles answer alike)",
    )

    quote = commands.add_parser("quote", parents=[common], help="find the article's sentences")
    quote.add_argument("term", nargs="?", help="a word or name (default: one per line on stdin)")
    quote.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    quote.add_argument("--limit", type=int, default=3, help="how many sentences (default: 3)")
    quote.add_argument("--article", metavar="ID", help="search this article only")

    validate = commands.add_parser("validate", parents=[common], help="check a knowledge directory")
    validate.add_argument("directory", nargs="?", type=Path, help="the directory to check")
    validate.add_argument(
        "--verbose", action="store_true", help="also list what kinds of thing each entry answers"
    )

    suggest = commands.add_parser(
        "suggest", parents=[common], help="print YAML snippets for unanswered questions"
    )
    suggest.add_argument(
        "--since", type=int, default=30, metavar="DAYS", help="look back DAYS days (default: 30)"
    )
    suggest.add_argument(
        "--limit", type=int, default=20, metavar="N", help="at most N groups (default: 20)"
    )

    explain = commands.add_parser(
        "explain", parents=[common], help="say why a question is answered, suggested or not"
    )
    explain.add_argument("question", help="the question")
    explain.add_argument("--strict", action="store_true", help="as an auto-answer would")
    explain.add_argument("--article", metavar="ID", help="as in a channel of this article")

    article = commands.add_parser(
        "new-article", parents=[common], help="add an article to the reading list"
    )
    article.add_argument("file", type=Path, help="the article's text (UTF-8; one paragraph a line)")
    article.add_argument("--id", required=True, help="its id and folder name, like week-12")
    article.add_argument("--title", required=True, help="the article's title")
    article.add_argument("--author", required=True, help="who wrote it")
    article.add_argument("--publication", default="", help="where it was published")
    article.add_argument("--date", default="", help="when it was published, as printed")
    article.add_argument("--url", default="", help="where to read it")

    coverage = commands.add_parser(
        "coverage", parents=[common], help="which paragraphs of each article no entry quotes yet"
    )
    coverage.add_argument("--json", action="store_true", help="print JSON")

    commands.add_parser("chat", parents=[common], help="talk to citebot in this terminal")
    commands.add_parser("run", parents=[common], help="run the Discord bot")
    commands.add_parser(
        "check",
        parents=[common],
        help="check what `run` needs (settings, token, knowledge, database) without connecting",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    if args.command in ("run", "suggest", "check"):
        return _with_all_settings(args)
    try:
        core = load_core_settings()  # ask, quote, explain, validate, chat: no pydantic import
    except SettingsError as error:
        print(f"citebot: {error}", file=sys.stderr)
        return EXIT_USAGE
    directory: Path = args.knowledge or core.knowledge_dir
    if args.command == "validate":
        return validate(args.directory or directory, verbose=args.verbose)
    if args.command == "new-article":
        return new_article(directory, args)
    if args.command == "coverage":
        return show_coverage(directory, as_json=args.json)
    config = MatchConfig().with_thresholds(**core.threshold_overrides)
    try:
        engine = load_engine(
            directory,
            config,
            cache=EngineCache.under(core.data_dir),
            one_shot=args.command != "chat",
            workers=reading_workers(),  # nothing else runs yet: the files may take two cores
        )
    except KnowledgeError as error:
        print(f"citebot: cannot load the knowledge base:\n{_listing(error)}", file=sys.stderr)
        return EXIT_USAGE
    article = getattr(args, "article", None)
    if article is not None and article not in engine.knowledge.sources:
        known = ", ".join(sorted(engine.knowledge.sources))
        print(f"citebot: no article {article!r} (known: {known})", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "ask":
        return _answer_each(args.question, args.json, lambda q: _ask(engine, q, args.json, article))
    if args.command == "quote":
        if args.limit < 1:
            print("citebot: --limit must be at least 1", file=sys.stderr)
            return EXIT_USAGE
        return _answer_each(
            args.term, args.json, lambda t: _quote(engine, t, args.json, args.limit, article)
        )
    if args.command == "explain":
        from bot.moderation.explain import explain

        print(explain(engine, args.question, strict=args.strict, article=article).describe())
        return EXIT_OK
    return chat(engine)


def _with_all_settings(args: argparse.Namespace) -> int:
    """Run ``run``, ``suggest`` or ``check``, which read every setting (bot/settings.py)."""
    from bot.settings import load_settings

    try:
        settings = load_settings()
    except SettingsError as error:
        if args.command == "check":
            print(f"settings: PROBLEM: {error}\nNot ready to run: 1 problem.")
            return EXIT_PROBLEMS
        print(f"citebot: {error}", file=sys.stderr)
        return EXIT_USAGE
    directory: Path = args.knowledge or settings.knowledge_dir
    if args.command == "check":
        return check(settings, directory)
    if args.command == "suggest":
        return suggest(settings, directory, since_days=args.since, limit=args.limit)
    config = MatchConfig().with_thresholds(**settings.threshold_overrides)
    return run(settings, directory, config)


def _listing(error: KnowledgeError) -> str:
    return _indented(error.problems)


def _indented(problems: Iterable[object]) -> str:
    """One problem a line, indented under the sentence that counts them."""
    return "\n".join(f"  {problem}" for problem in problems)


def validate(directory: Path, *, verbose: bool = False) -> int:
    """Check a knowledge directory and its regression questions; print every problem.

    ``verbose`` also lists what each entry answers (a time, a number...), stated or inferred.
    """
    checked = check_knowledge(directory, workers=reading_workers())
    engine = checked.engine
    if engine is None:
        problems = checked.load_problems
        print(f"{len(problems)} problem(s) in {directory}:\n{_indented(problems)}")
        return EXIT_PROBLEMS
    failures, conflicts = checked.failing_regressions, checked.vocabulary
    if conflicts:
        print(f"{len(conflicts)} word(s) in {directory} that can never take effect:")
        print(_indented(conflicts))
    if failures:
        print(f"{len(failures)} regression question(s) fail in {directory}:")
        print(_indented(failures))
        return EXIT_PROBLEMS
    if conflicts:
        return EXIT_PROBLEMS
    knowledge = engine.knowledge
    if verbose:
        about = {entry.id: entry.about for entry in knowledge.entries if entry.about}
        for entry_id, kinds, stated in engine.answer_kinds():
            how = "stated" if stated else "inferred from its phrasings, answer and quotes"
            told = f"; tells the article's {about[entry_id]}" if entry_id in about else ""
            print(f"{entry_id}: answers {', '.join(kinds) or 'nothing checked'} ({how}){told}")
    print(
        f"OK: {len(knowledge.entries)} entries in {len(knowledge.topics)} topics, "
        f"{len(knowledge.sources)} source(s), {len(knowledge.regressions)} regression "
        f"question(s) pass; knowledge version {knowledge.version}"
    )
    return EXIT_OK


def check(settings: Settings, directory: Path) -> int:
    """Print what `run` would find wrong, one line per part; 0 when it would start, else 1."""
    from bot.health import check_service

    findings = check_service(settings, directory)
    print("settings: ok: read from the environment and .env")
    for finding in findings:
        print(finding.line())
    problems = sum(finding.fatal for finding in findings)
    if problems:
        print(f"Not ready to run: {problems} problem(s).")
        return EXIT_PROBLEMS
    print("Ready to run.")
    return EXIT_OK


NEXT_STEPS = """\
Next:
  1. Write its entries in {folder}/qa/<topic>.yaml (see docs/moderators.md, "An entry");
     they belong to this article, with no source: field.
  2. .venv/bin/python -m bot validate       checks every quote against the text
  3. .venv/bin/python -m bot coverage       lists the paragraphs no entry quotes yet
A running bot picks the folder up at its next reload."""


def new_article(directory: Path, args: argparse.Namespace) -> int:
    """Add an article folder to the knowledge directory and say what to do next."""
    from bot.knowledge.articles import ArticleError, add_article
    from bot.knowledge.loader import load_knowledge

    try:
        added = add_article(
            directory,
            args.file,
            article_id=args.id,
            title=args.title,
            author=args.author,
            publication=args.publication,
            published=args.date,
            url=args.url,
        )
    except ArticleError as error:
        print(f"citebot: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Added “{args.title.strip()}” as {added.shown_as}/ ({added.paragraphs} paragraphs).")
    try:
        knowledge = load_knowledge(directory)
    except KnowledgeError as error:
        print(f"The knowledge directory does not load yet:\n{_listing(error)}")
    else:
        print(f"The knowledge directory loads: {len(knowledge.sources)} article(s).")
    print(NEXT_STEPS.format(folder=added.shown_as))
    return EXIT_OK


def show_coverage(directory: Path, *, as_json: bool) -> int:
    """Print, per article, the paragraphs that entries quote and those none does yet."""
    from bot.knowledge.coverage import coverage
    from bot.knowledge.loader import load_knowledge

    try:
        knowledge = load_knowledge(directory)
    except KnowledgeError as error:
        print(f"citebot: cannot load the knowledge base:\n{_listing(error)}", file=sys.stderr)
        return EXIT_USAGE
    found = coverage(knowledge)
    if as_json:
        print(_json({"articles": [article.as_json() for article in found]}))
    else:
        print("\n\n".join(article.describe() for article in found))
    return EXIT_OK


def suggest(settings: Settings, directory: Path, *, since_days: int, limit: int) -> int:
    """Print unanswered questions from the feedback database as YAML snippets to paste."""
    # Imported here, so `ask` and `quote` start without loading the feedback store.
    import asyncio

    from bot.moderation.store import StoreUnavailable
    from bot.moderation.suggest import group_unanswered, render_suggestions

    if since_days < 1 or limit < 1:
        print("citebot: --since and --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    path = settings.database_path
    if not path.exists():
        print(f"No unanswered questions recorded yet (no database at {path}).")
        return EXIT_OK
    since = datetime.now(UTC) - timedelta(days=since_days)
    try:
        records = asyncio.run(_read_unanswered(path, since, settings.database_timeout_seconds))
    except StoreUnavailable as error:
        print(f"citebot: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not records:
        print(f"No unanswered questions in the last {since_days} day(s).")
        return EXIT_OK
    try:
        engine = load_engine(directory)
    except KnowledgeError as error:
        print(f"citebot: cannot load the knowledge base:\n{_listing(error)}", file=sys.stderr)
        return EXIT_USAGE
    groups = group_unanswered(records, engine)[:limit]
    if not groups:
        print(f"Every question asked in the last {since_days} day(s) is answered now.")
        return EXIT_OK
    print(render_suggestions(groups, engine), end="")
    return EXIT_OK


async def _read_unanswered(path: Path, since: datetime, timeout: float) -> list[UnansweredQuestion]:
    from bot.moderation.store import FeedbackStore

    async with await FeedbackStore.open(path, timeout=timeout) as store:
        return await store.unanswered(since)


def _answer_each(query: str | None, as_json: bool, answer: Callable[[str], str]) -> int:
    """Answer one query from the command line, or one per stdin line, one output line each."""
    if query is not None:
        print(answer(query))
        return EXIT_OK
    for line in _stdin_lines(sys.stdin):
        output = answer(line)
        print(output if as_json else " ".join(output.split()), flush=True)
    return EXIT_OK


def _stdin_lines(stream: TextIO) -> Iterable[str]:
    for line in stream:
        yield line.rstrip("\r\n")


def _ask(engine: Engine, question: str, as_json: bool, article: str | None = None) -> str:
    result = engine.ask(question, article=article)
    if as_json:
        return _json(ask_payload(result))
    return render_answer(result, engine.knowledge)


def _quote(engine: Engine, term: str, as_json: bool, limit: int, article: str | None = None) -> str:
    hits = engine.quote(term, limit=limit, article=article)
    if as_json:
        return _json(quote_payload(term, hits))
    return render_quotes(term, hits, engine.knowledge)


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False)


CHAT_HELP = """\
Ask anything about the article. Commands: /quote TERM, /help, /quit.
After "did you mean", type 1, 2 or 3 to pick a suggestion."""


def chat(engine: Engine, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Interactive terminal session on the engine; ends on /quit, EOF or Ctrl-C."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    source = next(iter(engine.knowledge.sources.values()))
    print(f"citebot: questions about “{source.title}” by {source.author}.", file=stdout)
    print(CHAT_HELP, file=stdout)
    suggestions: list[str] = []
    while True:
        print("\nyou> ", end="", file=stdout, flush=True)
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            line = ""
        if not line:
            print("", file=stdout)
            return EXIT_OK
        text = line.strip()
        if text in ("/quit", "/exit", "quit", "exit"):
            return EXIT_OK
        if text == "/help":
            print(CHAT_HELP, file=stdout)
            continue
        if text.startswith("/quote"):
            term = text.removeprefix("/quote").strip()
            print(render_quotes(term, engine.quote(term), engine.knowledge), file=stdout)
            continue
        if text.isdigit() and 1 <= int(text) <= len(suggestions):
            text = suggestions[int(text) - 1]
        result = engine.ask(text)
        suggestions = [entry.question for entry in result.suggestions]
        print(render_answer(result, engine.knowledge), file=stdout)


def run(settings: Settings, directory: Path, config: MatchConfig) -> int:
    """Run the Discord bot; without a token, chat in a terminal or fail fast as a service.

    The knowledge loads once, into the manager the bot serves and reloads.
    """
    from bot.engine.lifecycle import KnowledgeManager

    if settings.discord_token is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(f"citebot: {NO_TOKEN}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if settings.discord_token is None:
            engine = load_engine(directory, config, cache=EngineCache.under(settings.data_dir))
            print(TOKEN_HELP)
            return chat(engine)
        cache = EngineCache.under(settings.data_dir)
        manager = KnowledgeManager.start(directory, settings.data_dir, config=config, cache=cache)
    except KnowledgeError as error:
        print(f"citebot: cannot load the knowledge base:\n{_listing(error)}", file=sys.stderr)
        return EXIT_USAGE
    from bot.discord_app.runner import run_bot  # Discord is only imported when it is needed.

    return run_bot(settings, manager)
