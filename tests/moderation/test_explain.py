"""/kb why: the normalised question, the candidates, and the threshold that decided."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.engine import Engine
from bot.moderation.explain import decision_for, explain
from bot.search.config import DEFAULT, MatchConfig
from bot.search.policy import Evidence
from bot.search.results import AskResult, Candidate, Outcome

# Fixed thresholds, so the sentences below do not move when the matcher is retuned.
PINNED = replace(
    DEFAULT,
    answer=60.0,
    margin=4.0,
    coverage=0.65,
    known=0.6,
    long_coverage=0.2,
    long_known=0.4,
    suggest=50.0,
    suggest_coverage=0.35,
)


def result(engine: Engine, outcome: Outcome, reason: str) -> AskResult:
    """Build a result whose evidence is written like the matcher's reason text."""
    entry = engine.knowledge.entry("gas-deal-value")
    assert entry is not None
    candidate = Candidate(entry, 61.0, "how big is the gas deal")
    parts = dict(part.split(" ", 1) for part in reason.split(", ") if " " in part)
    if "score" not in parts:
        return AskResult("gas money?", "gas money", outcome, (candidate,), reason)
    evidence = Evidence(
        float(parts["score"]),
        float(parts["lead"]),
        float(parts["coverage"]),
        float(parts["known"]),
        long_question=reason.endswith("long question"),
    )
    return AskResult("gas money?", "gas money", outcome, (candidate,), reason, evidence)


def test_an_answer_is_explained_with_candidates_and_thresholds(engine: Engine) -> None:
    explained = explain(engine, "How big is the GAS deal??")  # a regression question

    text = explained.describe()

    assert explained.decision.startswith("answered with 'gas-deal-value': score ")
    assert "Normalised: 'how big is the gas deal'" in text
    assert "\n  1. gas-deal-value  " in text
    assert f"Thresholds (default): answer {DEFAULT.answer:g}, margin {DEFAULT.margin:g}" in text


def test_a_greeting_alone_is_explained(engine: Engine) -> None:
    explained = explain(engine, "hey bot!")

    assert explained.decision == (
        "no answer: nothing is left of the question once greetings and markup are removed."
    )
    assert "Candidates" not in explained.describe()


def test_a_request_for_help_is_explained(engine: Engine) -> None:
    explained = explain(engine, "!help")

    assert explained.decision == (
        "no answer: it asks how to use the bot; members get the usage hint."
    )


def test_strict_mode_shows_the_strict_thresholds(engine: Engine) -> None:
    assert (
        "Thresholds (strict): answer " in explain(engine, "what is THAAD", strict=True).describe()
    )


@pytest.mark.parametrize(
    ("outcome", "reason", "decision"),
    [
        (
            Outcome.SUGGESTIONS,
            "score 61.0, lead 3.3, coverage 0.50, known 1.00",
            "suggested 'gas-deal-value' and others instead of answering: "
            "lead over the best rival 3.3 < 4; coverage 0.5 < 0.65.",
        ),
        (
            Outcome.SUGGESTIONS,
            "score 55.0, lead 9.0, coverage 0.30, known 0.50, long question",
            "suggested 'gas-deal-value' and others instead of answering: score 55 < 60.",
        ),
        (
            Outcome.NO_MATCH,
            "score 45.0, lead 10.0, coverage 0.30, known 0.90",
            "no answer and no suggestions: score 45 < 50 needed to suggest; "
            "coverage 0.3 < 0.35 needed to suggest.",
        ),
        (
            Outcome.ANSWER,
            "score 80.0, lead 20.0, coverage 0.90, known 1.00",
            "answered with 'gas-deal-value': score 80, lead 20, coverage 0.9, known 1 "
            "clear the answer thresholds.",
        ),
        (
            Outcome.NO_MATCH,
            "no known words",
            "no answer: none of the question's topic words appear in the knowledge base.",
        ),
    ],
)
def test_the_decision_names_the_threshold_that_decided(
    engine: Engine, outcome: Outcome, reason: str, decision: str
) -> None:
    assert decision_for(result(engine, outcome, reason), PINNED) == decision


def test_a_deployments_own_thresholds_are_the_ones_explained(engine: Engine) -> None:
    cautious = Engine(engine.knowledge, MatchConfig().with_thresholds(answer=99.9))

    explained = explain(cautious, "how long is their border")

    assert explained.thresholds.answer == 99.9
    assert explained.decision.endswith("< 99.9.")  # the deployment's bar decided
    assert "Thresholds (this deployment's): answer 99.9" in explained.describe()
