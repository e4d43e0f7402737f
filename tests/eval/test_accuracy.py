"""The evaluation sets keep their size, and the dev sets stay within two questions of measured.

The product's targets are correct >= 90%, wrong <= 3% and off-topic answered <= 5% on the
held-out questions.yaml. That set is reported (`make eval`, tests/eval/HISTORY.md), not gated:
a gate at the target pushes every change toward fitting it. Each dev set holds the counts last
measured on it, with a tolerance of two questions either way, so that a change that gains overall
may lose a question or two in one set. Update MEASURED, with the reason in the commit, when a
change moves a set for good. That no phrasing in knowledge/ was copied from a set, held-out or
dev, is checked in test_copies.py.
"""

from __future__ import annotations

import re

import pytest
import yaml

from bot.engine import Engine
from tests.eval.evaluate import SEALED, SETS, evaluate, format_report
from tests.eval.tune import TUNING_SETS

HELD_OUT = "questions"
DEV_SETS = sorted(name for name in SETS if name != HELD_OUT)
# Questions a dev set may lose (or mistakes it may gain) against MEASURED before the test fails.
TOLERANCE = 2
# Counted by `python -m tests.eval.evaluate` on 2026-12-05, after the phrasings copied from eval
# questions left knowledge/ (tests/eval/HISTORY.md):
# (correct in-scope answers, wrong in-scope answers, off-topic questions answered).
MEASURED = {
    "dev": (67, 1, 0),  # of 70 in-scope, 30 off-topic
    "dev2": (110, 1, 2),  # of 116, 44
    "dev3": (128, 2, 3),  # of 139, 49
    "dev4": (112, 3, 2),  # of 130, 49
    "dev5": (106, 3, 4),  # of 117, 43
    "dev6": (109, 2, 2),  # of 126, 39
    "dev7": (87, 1, 1),  # of 103, 34
    "dev8": (80, 2, 1),  # of 105, 34
    "dev9": (82, 2, 3),  # of 98, 34
    "dev10": (85, 2, 1),  # of 96, 35
    "dev11": (90, 0, 1),  # of 114, 39
    "dev12": (85, 3, 1),  # of 110, 30
    "dev13": (84, 2, 5),  # of 114, 34: measured once unseen at the end of issue 9
    "dev14": (111, 2, 0),  # of 137, 24: measured unseen before and after issue 10, never tuned on
    "dev15": (77, 6, 0),  # of 141, 23: sealed like dev14, in harder voices (speech-to-text, slang)
    "dev16": (57, 3, 0),  # of 74, 15: written for issue 10's tuning, with 65 unsaid questions
    "dev17": (83, 2, 0),  # of 144, 21: sealed; measured unseen at 2a1ec18 and after, not tuned on
    "dev18": (65, 0, 0),  # of 75, 12: for tuning, with 104 unsaid questions
    "dev19": (94, 4, 0),  # of 137, 24: sealed; measured unseen at 96949f8 and 3b13133, not tuned on
    "dev20": (93, 1, 0),  # of 128, 21: sealed; measured unseen at f1950bc, not tuned on
    "dev21": (76, 2, 0),  # of 104, 11: for tuning, with 56 unsaid; measured unseen at f1950bc
    "dev22": (102, 2, 0),  # of 126, 23: sealed; measured unseen at 8a7d60e, not tuned on
}
# Questions about the article's subjects that it does not answer, answered as a fact anyway (the
# worst outcome), for the sets that have them.
UNSAID_ANSWERED = {
    "dev14": 14,
    "dev15": 15,
    "dev16": 5,
    "dev17": 16,
    "dev18": 17,
    "dev19": 9,
    "dev20": 6,
    "dev21": 15,
    "dev22": 14,
}
MIN_SIZES = {  # (in-scope, off-topic): a set that shrinks stops measuring what it did
    "questions": (100, 40),
    "dev": (50, 20),
    "dev2": (100, 40),
    "dev3": (130, 45),
    "dev4": (120, 45),
    "dev5": (110, 40),
    "dev6": (120, 35),
    "dev7": (100, 30),
    "dev8": (100, 30),
    "dev9": (95, 30),
    "dev10": (90, 30),
    "dev11": (110, 35),
    "dev12": (105, 30),
    "dev13": (110, 30),
    "dev14": (130, 20),
    "dev15": (140, 20),
    "dev16": (70, 15),
    "dev17": (140, 20),
    "dev18": (70, 10),
    "dev19": (130, 20),
    "dev20": (125, 20),
    "dev21": (100, 10),
    "dev22": (120, 20),
}


def test_tuning_never_reads_a_sealed_set() -> None:
    assert set(SETS) >= SEALED
    assert not SEALED & set(TUNING_SETS)


def test_every_set_is_measured_or_held_out() -> None:
    assert sorted(MEASURED) == DEV_SETS
    assert sorted(MIN_SIZES) == sorted(SETS)


@pytest.mark.parametrize("name", sorted(SETS))
def test_the_set_keeps_its_size(name: str) -> None:
    data = yaml.safe_load(SETS[name].read_text(encoding="utf-8"))
    min_in_scope, min_off_topic = MIN_SIZES[name]
    assert len(data["in_scope"]) >= min_in_scope
    assert len(data["off_topic"]) >= min_off_topic


@pytest.mark.parametrize("name", DEV_SETS)
def test_a_dev_set_stays_within_two_questions_of_measured(engine: Engine, name: str) -> None:
    report = evaluate(engine, SETS[name])
    summary = format_report(name, report)
    correct, wrong, off_topic_answered = MEASURED[name]
    assert report.in_scope["correct"] >= correct - TOLERANCE, summary
    assert report.in_scope["wrong"] <= wrong + TOLERANCE, summary
    assert report.off_topic["answered"] <= off_topic_answered + TOLERANCE, summary
    if name in UNSAID_ANSWERED:
        assert report.unsaid["answered"] <= UNSAID_ANSWERED[name] + TOLERANCE, summary


@pytest.mark.parametrize("name", sorted(SETS))
def test_strict_mode_answers_fewer_off_topic_questions(engine: Engine, name: str) -> None:
    usual = evaluate(engine, SETS[name])
    strict = evaluate(engine, SETS[name], strict=True)
    summary = format_report(f"{name} (strict)", strict)
    assert strict.off_topic["answered"] <= usual.off_topic["answered"], summary
    assert strict.in_scope["wrong"] <= usual.in_scope["wrong"], summary


def test_the_sets_share_no_question() -> None:
    # Tuning on a dev set that repeats a held-out question would leak it into the thresholds.
    owner: dict[str, str] = {}
    shared = []
    for name, path in SETS.items():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["in_scope"] + data["off_topic"]:
            key = _plain(item["q"])
            if key in owner:
                shared.append((owner[key], name, item["q"]))
            owner.setdefault(key, name)
    assert shared == []


def _plain(text: str) -> str:
    """Compare wording as typed: case and punctuation aside, nothing rewritten."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold().replace("’", "'")).split())
