"""Accuracy on the held-out evaluation set stays within the product's targets."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from tests.eval.evaluate import SETS, evaluate, format_report

MIN_CORRECT = 90.0
MAX_WRONG = 3.0
MAX_OFF_TOPIC_ANSWERED = 5.0


@pytest.mark.parametrize("name", sorted(SETS))
def test_accuracy_targets_hold(engine: Engine, name: str) -> None:
    report = evaluate(engine, SETS[name])
    summary = format_report(name, report)
    assert sum(report.in_scope.values()) >= (100 if name == "questions" else 50), summary
    assert sum(report.off_topic.values()) >= (40 if name == "questions" else 20), summary
    assert report.correct >= MIN_CORRECT, summary
    assert report.wrong <= MAX_WRONG, summary
    assert report.off_topic_answered <= MAX_OFF_TOPIC_ANSWERED, summary


def test_strict_mode_never_answers_off_topic(engine: Engine) -> None:
    report = evaluate(engine, SETS["questions"], strict=True)
    assert report.off_topic["answered"] == 0, format_report("questions (strict)", report)
    assert report.wrong <= MAX_WRONG, format_report("questions (strict)", report)


@pytest.mark.parametrize("name", sorted(SETS))
def test_eval_questions_are_not_copied_from_the_knowledge_base(engine: Engine, name: str) -> None:
    import yaml

    from bot.search.normalize import normalize

    phrasings = {
        normalize(text)
        for entry in engine.knowledge.entries
        for text in (*entry.phrasings, *entry.keywords)
    }
    data = yaml.safe_load(SETS[name].read_text(encoding="utf-8"))
    copied = [item["q"] for item in data["in_scope"] if normalize(item["q"]) in phrasings]
    assert copied == []
