"""Explain a match for moderators (/kb why): what the engine saw and which threshold decided."""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

from bot.engine import Engine
from bot.search.config import DEFAULT, STRICT, Thresholds
from bot.search.results import AskResult, Outcome

log = logging.getLogger(__name__)

_EARLY_EXITS = {
    "empty question": "nothing is left of the question once greetings and markup are removed",
    "asks for help": "it asks how to use the bot; members get the usage hint",
    "no known words": "none of the question's topic words appear in the knowledge base",
    "no candidates": "no entry shares a topic word with the question",
}


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the engine answered, suggested or abstained on one question."""

    result: AskResult
    thresholds: Thresholds
    decision: str  # one sentence naming the thresholds that decided

    def describe(self, candidates: int = 5) -> str:
        """Return the explanation as lines of text for a moderator."""
        t = self.thresholds
        lines = [
            f"Question: {self.result.question!r}",
            f"Normalised: {self.result.normalized!r}",
            f"Decision: {self.decision}",
        ]
        evidence = self.result.evidence
        if evidence is not None and self.result.candidates:
            asked = evidence.asked_kind.name if evidence.asked_kind else "nothing in particular"
            best = self.result.candidates[0].entry.id
            gives = "does not give it" if evidence.unmet_kind else "gives it"
            if evidence.asked_kind is None:
                gives = "nothing to check"
            elif evidence.unconfirmed:
                gives = f"cannot confirm {', '.join(map(repr, evidence.unconfirmed))}"
            lines.append(f"Asks for: {asked} ('{best}' {gives}).")
        if self.result.not_said:
            lines.append(f"Says: {self.result.not_said}")
        vetoes = evidence.vetoes(t) if evidence is not None else []
        if vetoes:
            lines.append("Rules that kept it from answering:")
            lines += [f"  - {rule.name}: {why} ({rule.explanation})" for rule, why in vetoes]
        if self.result.candidates:
            lines.append("Candidates (score, the phrasing that matched best):")
            lines += [
                f"  {rank}. {c.entry.id}  {c.score:.1f}  {c.matched_phrasing!r}"
                for rank, c in enumerate(self.result.candidates[:candidates], start=1)
            ]
        named = ", ".join(f"{f.name} {getattr(t, f.name):g}" for f in fields(t))
        kind = "strict" if t == STRICT else "default" if t == DEFAULT else "this deployment's"
        lines.append(f"Thresholds ({kind}): {named}.")
        return "\n".join(lines)


def explain(
    engine: Engine, question: str, *, strict: bool = False, article: str | None = None
) -> Explanation:
    """Ask ``question`` and explain the outcome against the thresholds that applied.

    ``article`` asks as in a channel whose own article that is (see Engine.ask).
    """
    thresholds = engine.config.strict if strict else engine.thresholds
    result = engine.ask(question, strict=strict, article=article)
    return Explanation(result, thresholds, decision_for(result, thresholds))


def decision_for(result: AskResult, t: Thresholds) -> str:
    """Say in one sentence why ``result`` answered, suggested or abstained under ``t``."""
    evidence = result.evidence
    if evidence is None or not result.candidates:
        why = _EARLY_EXITS.get(result.reason, result.reason or "no reason given")
        return f"no answer: {why}."
    best = result.candidates[0].entry.id
    facts = (
        f"score {evidence.score:g}, lead {evidence.lead:g}, coverage {evidence.coverage:g}, "
        f"known {evidence.known:g}"
    )
    if evidence.long_question:
        facts += " (a long question: its own lower coverage thresholds)"
    if result.outcome is Outcome.ANSWER:
        if result.about:  # policy.answer_about_article put it in another article's entry's place
            return (
                f"answered with '{best}', as asked of article "
                f"'{result.candidates[0].entry.source_id}' itself (its {result.about}), in the "
                f"place of another article's entry telling its own: {facts} clear the answer "
                "thresholds."
            )
        return f"answered with '{best}': {facts} clear the answer thresholds."
    missed = "; ".join(evidence.shortfalls(t)) or (
        result.reason if result.reason != str(evidence) else "no answer threshold was met"
    )
    if result.outcome is Outcome.NOT_IN_ARTICLE:
        return (
            f"said the article does not say it, showing what '{best}' does say: {facts} clear "
            f"the answer thresholds, but {missed}."
        )
    if result.outcome is Outcome.SUGGESTIONS:
        return f"suggested '{best}' and others instead of answering: {missed}."
    floor = [f"{miss} needed to suggest" for miss in evidence.suggest_shortfalls(t)]
    return f"no answer and no suggestions: {'; '.join(floor) or missed}."
