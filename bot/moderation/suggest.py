"""Group what members asked in vain, and turn each group into a YAML snippet to paste.

CPU-bound (it re-asks every distinct question): from the event loop, run it in a thread.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.engine import Engine
from bot.knowledge.loader import MAX_PHRASE_CHARS, MAX_QUESTION_CHARS
from bot.knowledge.model import Entry
from bot.moderation.records import UNHELPFUL, UnansweredQuestion
from bot.search.config import DEFAULT
from bot.search.lexicon import default_lexicon
from bot.search.results import Candidate
from bot.text.normalize import normalize

log = logging.getLogger(__name__)

# Two questions belong together at this similarity (0-100, see similarity()). Chosen by hand on
# the pairs pinned in tests/moderation/test_suggest.py: rephrasings of one question mostly score
# 85+, questions sharing a topic word but asking different things under 75. Grouping is only
# presentation (a moderator reads every group), so an odd pair in one group costs little; it is
# order-blind ("what did trump say about putin" groups with the reverse).
GROUP_SIMILARITY = 80.0
# Below the matcher's answer threshold the nearest entry is as often about something else ("is
# it raining today" scores ~59 against an entry on a person), so only questions at least this
# close become alternates of it; the others become a new-entry skeleton.
ALTERNATE_MIN_SCORE = DEFAULT.answer
MAX_EXAMPLES = 5
MAX_SLUG_WORDS = 5
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060\ufeff]")
_SLUG_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Questions that ask the same thing, how often, and the entry nearest to them now."""

    questions: tuple[str, ...]  # distinct wordings as asked, most frequent first
    count: int  # times asked in total
    nearest: Candidate | None
    unhelpful_entries: tuple[str, ...] = ()  # entries members voted down for these questions

    @property
    def example(self) -> str:
        """The most frequent wording."""
        return self.questions[0]

    @property
    def fits_alternates(self) -> bool:
        """True when the questions should become alternates of the nearest entry."""
        return (
            self.nearest is not None
            and self.nearest.score >= ALTERNATE_MIN_SCORE
            and self.nearest.entry.id not in self.unhelpful_entries
            and not self.nearest.entry.from_details  # in no YAML file to add alternates to
        )


def similarity(first: str, second: str) -> float:
    """Score two normalised questions 0-100 on their topic words, ignoring order."""
    a, b = _topic(first), _topic(second)
    # token_set_ratio alone gives 100 whenever one question's words are a subset of the other's
    # ("china" vs "why does china oppose thaad"); the sort ratio takes off for the extra words.
    return (
        fuzz.token_set_ratio(a, b, processor=None) + fuzz.token_sort_ratio(a, b, processor=None)
    ) / 2


def group_unanswered(
    records: Iterable[UnansweredQuestion],
    engine: Engine,
    *,
    threshold: float = GROUP_SIMILARITY,
    examples: int = MAX_EXAMPLES,
) -> list[QuestionGroup]:
    """Group questions by similarity, most asked first; drop those the engine answers now."""
    counts: Counter[str] = Counter()
    wordings: dict[str, Counter[str]] = {}
    voted_down: dict[str, set[str]] = {}
    answered_now: dict[str, bool] = {}
    for record in records:
        key = normalize(record.question) or record.normalized
        if not key:
            continue
        if record.reason == UNHELPFUL:
            voted_down.setdefault(key, set()).add(record.candidate_id or "")
        else:
            if key not in answered_now:
                answered_now[key] = engine.ask(record.question).matched
            if answered_now[key]:
                continue  # the knowledge base answers it now: a moderator already added it
        counts[key] += 1
        wordings.setdefault(key, Counter())[_clean(record.question)] += 1
    clusters: list[list[str]] = []
    for key, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        scored = [(similarity(key, cluster[0]), cluster) for cluster in clusters]
        best = max(scored, key=lambda pair: pair[0], default=None)
        if best is not None and best[0] >= threshold:
            best[1].append(key)
        else:
            clusters.append([key])
    groups = [
        _group(cluster, counts, wordings, voted_down, engine, examples) for cluster in clusters
    ]
    groups.sort(key=lambda group: (-group.count, group.example))
    return groups


def _group(
    keys: list[str],
    counts: Counter[str],
    wordings: dict[str, Counter[str]],
    voted_down: dict[str, set[str]],
    engine: Engine,
    examples: int,
) -> QuestionGroup:
    asked: Counter[str] = Counter()
    for key in keys:
        asked.update(wordings[key])
    questions = tuple(text for text, _ in asked.most_common(examples))
    result = engine.ask(questions[0])
    down = sorted({entry_id for key in keys for entry_id in voted_down.get(key, ()) if entry_id})
    return QuestionGroup(
        questions=questions,
        count=sum(counts[key] for key in keys),
        nearest=result.candidates[0] if result.candidates else None,
        unhelpful_entries=tuple(down),
    )


def render_suggestions(groups: list[QuestionGroup], engine: Engine) -> str:
    """Return every group as a YAML snippet, with a header saying how to use them."""
    taken = {entry.id for entry in engine.knowledge.entries}
    snippets = [render_snippet(group, engine, taken) for group in groups]
    header = (
        f"# citebot suggest: {sum(g.count for g in groups)} unanswered question(s) in "
        f"{len(groups)} group(s), most asked first.\n"
        "# Paste each snippet where its comment says, then run `python -m bot validate`."
    )
    return "\n\n".join([header, *snippets]) + "\n"


def render_snippet(group: QuestionGroup, engine: Engine, taken: set[str] | None = None) -> str:
    """Return one group as alternates for its nearest entry, or as a new-entry skeleton."""
    taken = taken if taken is not None else {entry.id for entry in engine.knowledge.entries}
    times = "once" if group.count == 1 else f"{group.count} times"
    asked = f"# Asked {times}, e.g. {_quoted(group.example)}."
    if group.fits_alternates and group.nearest is not None:
        return _alternates_snippet(group, group.nearest, engine, asked)
    return _skeleton(group, engine, taken, asked)


def _alternates_snippet(
    group: QuestionGroup, nearest: Candidate, engine: Engine, asked: str
) -> str:
    entry = nearest.entry
    phrasings = _new_phrasings(group.questions, entry, engine)
    where = f"entry '{entry.id}' in {entry.file} (line {entry.line})"
    lines = [f"{asked} Nearest entry: '{entry.id}' (score {nearest.score:.1f})."]
    if not phrasings:
        lines.append(f"# Nothing to add: these already read like phrasings of {where}.")
        return "\n".join(lines)
    if entry.alternates:
        lines.append(f"# Add these lines to the alternates of {where}:")
    else:
        lines.append(f"# {where} has no alternates yet; add these lines to it:")
        lines.append("    alternates:")
    lines += [f"      - {_quoted(text)}" for text in phrasings]
    return "\n".join(lines)


def _skeleton(group: QuestionGroup, engine: Engine, taken: set[str], asked: str) -> str:
    lines = [asked]
    if group.nearest is None:
        lines.append("# No entry is close: this needs a new entry.")
    elif group.nearest.entry.from_details:
        told = group.nearest.entry.about
        lines.append(
            f"# Nearest: the answer from article '{group.nearest.entry.source_id}''s details "
            f"(score {group.nearest.score:.1f}), which is in no entry file: this needs a new "
            f"entry, with `about: {told}` if it tells the article's {told}."
        )
    else:
        lines.append(
            f"# Nearest entry: '{group.nearest.entry.id}' (score {group.nearest.score:.1f}), "
            "too far to reuse: this needs a new entry."
        )
    if group.unhelpful_entries:
        voted = ", ".join(f"'{entry_id}'" for entry_id in group.unhelpful_entries)
        lines.append(f"# Members voted {voted} not helpful for these: fix it or add this entry.")
    lines += [
        "# TODO(moderator): write the answer and replace the quote with 1-3 sentences copied",
        "# verbatim from the article; `python -m bot validate` refuses this entry until then.",
        "# Paste it under `entries:` in the topic file where it belongs. Not in the article?",
        "# Then add the question to knowledge/tests.yaml with `expect: no-answer` instead.",
    ]
    phrasings = _new_phrasings(group.questions, None, engine)
    question = next((p for p in phrasings if len(p) <= MAX_QUESTION_CHARS), None)
    slug = _slug(question or group.example, taken)
    taken.add(slug)
    lines += [f"  - id: {slug}", f"    question: {_quoted(question or 'TODO: the question')}"]
    others = [p for p in phrasings if p != question]
    if others:
        lines.append("    alternates:")
        lines += [f"      - {_quoted(text)}" for text in others]
    lines += [
        '    answer: "TODO: a sentence or two in your own words, faithful to the article"',
        "    quotes:",
        '      - "TODO: paste a sentence copied verbatim from the article"',
    ]
    return "\n".join(lines)


def _new_phrasings(questions: Iterable[str], entry: Entry | None, engine: Engine) -> list[str]:
    """Return the wordings that the loader will accept as new phrasings (of ``entry``)."""
    owners = {
        normalize(phrasing): other.id
        for other in engine.knowledge.entries
        for phrasing in other.phrasings
    }
    kept: list[str] = []
    seen: set[str] = set()
    for text in map(_clean, questions):
        key = normalize(text)
        if not key or key in seen or len(text) > MAX_PHRASE_CHARS:
            continue
        if key in owners:  # another entry's phrasing would collide; ours would be a repeat
            continue
        seen.add(key)
        kept.append(text)
    return kept


def _slug(text: str, taken: set[str]) -> str:
    words = [w for w in _SLUG_WORD.findall(normalize(text)) if w not in default_lexicon()["filler"]]
    base = "-".join(words[:MAX_SLUG_WORDS]) or "new-entry"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _topic(normalized: str) -> str:
    words = [word for word in normalized.split() if word not in default_lexicon()["filler"]]
    return " ".join(words) or normalized


def _clean(question: str) -> str:
    """Make a member's wording fit a YAML line: no control characters, single spaces."""
    return " ".join(_CONTROL.sub(" ", question).split())


def _quoted(text: str) -> str:
    """Quote text as a YAML double-quoted scalar (always a string, never `no` -> False)."""
    escaped = _clean(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
