"""Accuracy on the evaluation sets stays at or above what has been measured.

The product's targets are correct >= 90%, wrong <= 3% and off-topic answered <= 5% on the
held-out questions.yaml, which holds them as its floor. The dev sets hold their own measured
levels: they were written to be hard, and tuning trades their answers against mistakes. Raise
a floor as matching improves; lower one only with the reason in the commit (a change that gains
overall may lose a question or two in one set).
"""

from __future__ import annotations

import re

import pytest
import yaml

from bot.engine import Engine
from tests.eval.evaluate import SETS, evaluate, format_report

TARGET_CORRECT, TARGET_WRONG, TARGET_OFF_TOPIC = 90.0, 3.0, 5.0
# Measured floors per set: (min correct %, max wrong %, max off-topic answered %).
FLOORS = {
    "questions": (TARGET_CORRECT, TARGET_WRONG, TARGET_OFF_TOPIC),
    "dev": (95.5, TARGET_WRONG, TARGET_OFF_TOPIC),
    "dev2": (94.5, TARGET_WRONG, TARGET_OFF_TOPIC),
    "dev3": (92.0, TARGET_WRONG, 6.5),
    "dev4": (87.5, TARGET_WRONG, TARGET_OFF_TOPIC),
    "dev5": (91.0, TARGET_WRONG, 9.5),
    "dev6": (86.0, TARGET_WRONG, 5.5),
    "dev7": (85.0, TARGET_WRONG, TARGET_OFF_TOPIC),
    "dev8": (76.0, TARGET_WRONG, TARGET_OFF_TOPIC),
    "dev9": (82.5, TARGET_WRONG, 9.0),
    "dev10": (89.5, TARGET_WRONG, TARGET_OFF_TOPIC),
    "dev11": (78.0, TARGET_WRONG, TARGET_OFF_TOPIC),
    "dev12": (78.0, TARGET_WRONG, TARGET_OFF_TOPIC),
}
MIN_SIZES = {
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
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_accuracy_holds_its_measured_floor(engine: Engine, name: str) -> None:
    report = evaluate(engine, SETS[name])
    summary = format_report(name, report)
    min_in_scope, min_off_topic = MIN_SIZES[name]
    assert sum(report.in_scope.values()) >= min_in_scope, summary
    assert sum(report.off_topic.values()) >= min_off_topic, summary
    min_correct, max_wrong, max_off_topic = FLOORS[name]
    assert report.correct >= min_correct, summary
    assert report.wrong <= max_wrong, summary
    assert report.off_topic_answered <= max_off_topic, summary


@pytest.mark.parametrize("name", sorted(SETS))
def test_strict_mode_answers_fewer_off_topic_questions(engine: Engine, name: str) -> None:
    usual = evaluate(engine, SETS[name])
    strict = evaluate(engine, SETS[name], strict=True)
    summary = format_report(f"{name} (strict)", strict)
    assert strict.off_topic["answered"] <= usual.off_topic["answered"], summary
    assert strict.in_scope["wrong"] <= usual.in_scope["wrong"], summary
    if name == "questions":
        assert strict.off_topic_answered <= TARGET_OFF_TOPIC, summary
        assert strict.wrong <= TARGET_WRONG, summary


@pytest.mark.parametrize("name", sorted(SETS))
def test_eval_questions_are_not_copied_from_the_knowledge_base(engine: Engine, name: str) -> None:
    phrasings = {_plain(text) for entry in engine.knowledge.entries for text in entry.phrasings}
    data = yaml.safe_load(SETS[name].read_text(encoding="utf-8"))
    # Bare keyword queries are names ("gatilov", "belt and road forum") that an alternate written
    # independently may also be; any other question that equals an alternate was copied.
    copied = [
        item["q"]
        for item in data["in_scope"]
        if item["kind"] != "keyword" and _plain(item["q"]) in phrasings
    ]
    assert copied == []


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
