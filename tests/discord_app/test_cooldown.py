"""The per-user answer cooldown."""

from __future__ import annotations

import pytest

from bot.discord_app.cooldown import AnswerCooldown


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_allows_rate_answers_then_says_how_long_to_wait() -> None:
    clock = Clock()
    cooldown = AnswerCooldown(rate=2, per=60, clock=clock)

    assert cooldown.hit(1) is None
    clock.now = 10
    assert cooldown.hit(1) is None
    clock.now = 15
    assert cooldown.hit(1) == pytest.approx(45)


def test_the_window_slides() -> None:
    clock = Clock()
    cooldown = AnswerCooldown(rate=2, per=60, clock=clock)
    cooldown.hit(1)
    clock.now = 30
    cooldown.hit(1)

    clock.now = 60
    assert cooldown.hit(1) is None  # the first answer has left the window
    assert cooldown.hit(1) == pytest.approx(30)


def test_users_have_separate_allowances() -> None:
    cooldown = AnswerCooldown(rate=1, per=60, clock=Clock())

    assert cooldown.hit(1) is None
    assert cooldown.hit(2) is None
    assert cooldown.hit(1) is not None


def test_a_refused_attempt_does_not_extend_the_wait() -> None:
    clock = Clock()
    cooldown = AnswerCooldown(rate=1, per=60, clock=clock)
    cooldown.hit(1)
    for second in range(1, 60):
        clock.now = second
        cooldown.hit(1)

    clock.now = 60
    assert cooldown.hit(1) is None
