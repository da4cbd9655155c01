"""Role schedules: a Latin square over the three chambers, with teams and double roles.

Seats are numbered in joining order at a table. In round t (0-based), with n players:
- n >= 3: seat i holds chamber (i + t) mod 3; seats sharing a chamber form its team;
- n < 3: chamber r is held by seat (r + t) mod n, so one player holds two chambers.
Over any three consecutive rounds every player holds every chamber; a late joiner takes
the next seat and nobody else's schedule changes (for n >= 3).
"""
from __future__ import annotations

CHAMBERS = ("capital", "property", "social")  # Vermogenskamer, Vastgoedkamer, Maatschappelijke Kamer


def roles_for_seats(n: int, round_index: int) -> list[list[str]]:
    """For each seat 0..n-1, the chambers it holds in round `round_index` (0-based)."""
    if n <= 0:
        return []
    seats: list[list[str]] = [[] for _ in range(n)]
    if n >= 3:
        for i in range(n):
            seats[i].append(CHAMBERS[(i + round_index) % 3])
    else:
        for r, chamber in enumerate(CHAMBERS):
            seats[(r + round_index) % n].append(chamber)
    return [sorted(s, key=CHAMBERS.index) for s in seats]


def holders(players: list[str], round_index: int) -> dict[str, list[str]]:
    """Chamber -> the players (in seat order) who hold it."""
    out: dict[str, list[str]] = {c: [] for c in CHAMBERS}
    for pid, roles in zip(players, roles_for_seats(len(players), round_index)):
        for r in roles:
            out[r].append(pid)
    return out
