"""The Latin-square role schedule: fair for 1-12 players, teams, double roles, late joiners."""
from __future__ import annotations

from collections import Counter

import pytest

from game.rotation import CHAMBERS, holders, roles_for_seats

PLAYERS = range(1, 13)
ROUNDS = range(0, 12)


@pytest.mark.parametrize("n", PLAYERS)
@pytest.mark.parametrize("t", ROUNDS)
def test_every_player_holds_every_chamber_in_any_three_rounds(n, t):
    for seat in range(n):
        held = set()
        for r in (t, t + 1, t + 2):
            held.update(roles_for_seats(n, r)[seat])
        assert held == set(CHAMBERS), (n, t, seat)


@pytest.mark.parametrize("n", PLAYERS)
@pytest.mark.parametrize("t", ROUNDS)
def test_every_chamber_is_held_every_round(n, t):
    seats = roles_for_seats(n, t)
    assert len(seats) == n
    held = Counter(c for roles in seats for c in roles)
    assert set(held) == set(CHAMBERS)
    if n >= 3:
        # one chamber per player; team sizes differ by at most one
        assert all(len(roles) == 1 for roles in seats)
        assert max(held.values()) - min(held.values()) <= 1
        assert sum(held.values()) == n
    else:
        # each chamber by exactly one player
        assert all(v == 1 for v in held.values())


@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.parametrize("t", ROUNDS)
def test_fewer_than_three_players_hold_double_roles(n, t):
    seats = roles_for_seats(n, t)
    if n == 1:
        assert seats == [list(CHAMBERS)]
    else:
        assert sorted(len(r) for r in seats) == [1, 2]
    for roles in seats:  # no player holds a chamber twice, in the canonical order
        assert roles == sorted(set(roles), key=CHAMBERS.index)


@pytest.mark.parametrize("n", range(3, 12))
@pytest.mark.parametrize("t", ROUNDS)
def test_late_joiner_changes_nobody_elses_roles(n, t):
    before = roles_for_seats(n, t)
    after = roles_for_seats(n + 1, t)
    assert after[:n] == before
    assert len(after[n]) == 1


@pytest.mark.parametrize("n", range(3, 12))
def test_late_joiner_schedule_is_fair_from_the_round_they_join(n):
    # a late joiner's seat rotates like everyone else's: all chambers within three rounds
    for t in ROUNDS:
        held = {c for r in (t, t + 1, t + 2) for c in roles_for_seats(n + 1, r)[n]}
        assert held == set(CHAMBERS)


def test_roles_rotate_every_round():
    for n in PLAYERS:
        for t in ROUNDS:
            a, b = roles_for_seats(n, t), roles_for_seats(n, t + 1)
            if n != 1:
                assert a != b


def test_no_players():
    assert roles_for_seats(0, 0) == []
    assert holders([], 0) == {c: [] for c in CHAMBERS}


def test_holders_in_seat_order():
    assert holders(["a", "b", "c", "d"], 0) == {"capital": ["a", "d"], "property": ["b"], "social": ["c"]}
    assert holders(["a", "b", "c", "d"], 1) == {"capital": ["c"], "property": ["a", "d"], "social": ["b"]}
    assert holders(["a", "b"], 0) == {"capital": ["a"], "property": ["b"], "social": ["a"]}
    assert holders(["a"], 5) == {"capital": ["a"], "property": ["a"], "social": ["a"]}
