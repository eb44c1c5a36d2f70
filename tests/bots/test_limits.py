"""The per-user cooldown and the per-server cap, on a fake clock."""

from __future__ import annotations

from bots.limits import ConcurrencyCap, Cooldown
from bots.streaming import Throttle
from tests.bots.standins import FakeClock


def test_cooldown_counts_from_each_use_per_user() -> None:
    clock = FakeClock()
    cooldown = Cooldown(5.0, clock)
    assert cooldown.remaining("ann") == 0.0
    cooldown.hit("ann")
    clock.advance(2.0)
    assert cooldown.remaining("ann") == 3.0
    assert cooldown.remaining("bob") == 0.0
    clock.advance(3.0)
    assert cooldown.remaining("ann") == 0.0


def test_cooldown_forgets_users_once_their_wait_is_over() -> None:
    clock = FakeClock()
    cooldown = Cooldown(1.0, clock)
    for user in range(1000):
        cooldown.hit(user)
    clock.advance(2.0)
    cooldown.remaining("anyone")
    assert not cooldown._last


def test_cap_holds_slots_per_key_until_released() -> None:
    cap = ConcurrencyCap(2)
    assert cap.try_acquire("guild a") and cap.try_acquire("guild a")
    assert not cap.try_acquire("guild a")
    assert cap.try_acquire("guild b")
    cap.release("guild a")
    assert cap.held("guild a") == 1
    assert cap.try_acquire("guild a")


def test_throttle_lets_one_action_through_per_interval() -> None:
    clock = FakeClock()
    throttle = Throttle(1.0, clock)
    passed = []
    for _ in range(30):
        clock.advance(0.25)
        if throttle.ready():
            passed.append(clock.now)
    assert passed == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
