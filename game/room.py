"""The state of a room: players, tables and the round, as the fold builds it from events.

Pure data with derived views (phase, who holds which chamber, what is confirmed). Only
`engine.apply` changes it; nothing here does I/O.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from .finance import CorpState
from .plan import Outcome, Package, Planner, cap_blocked
from .rotation import CHAMBERS, roles_for_seats
from .scenario import Scenario

if TYPE_CHECKING:
    from .prio_engine import PrioState


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Player:
    id: str
    name: str
    token_hash: str
    table: Optional[int] = None
    seat: int = 0              # order at the table: lower sits earlier in the rotation
    removed: bool = False
    autopilot: bool = False    # an abandoned seat: counts as confirmed; the timeout policy decides


@dataclass
class Table:
    index: int
    corp: CorpState
    opening: dict
    history: list[dict] = field(default_factory=list)
    package: Package = field(default_factory=Package)
    confirmed_by: set[str] = field(default_factory=set)   # players who confirmed this package
    timed_out: bool = False     # the clock locked this round before the table confirmed
    defaults: list[str] = field(default_factory=list)
    planner: Optional[Planner] = None


@dataclass
class Room:
    code: str
    scenario: Scenario
    scenario_text: str
    facilitator_hash: str
    tables: list[Table]
    players: dict[str, Player] = field(default_factory=dict)
    stage: str = "lobby"       # lobby | open | locked | revealed | finished
    round: int = 0
    version: int = 0
    rotation_frozen_at: Optional[int] = None
    created_at: str = ""
    seat_counter: int = 0
    prio: Optional["PrioState"] = None   # mode 2 (prioriteitenspel) only
    deadline: Optional[str] = None       # the round's clock (ISO UTC), see workshop.py
    paused: bool = False
    paused_remaining: Optional[float] = None
    nudged: dict[str, int] = field(default_factory=dict)   # player id -> round of the nudge
    series: str = ""                     # the reusable link's code: the first room of a series
    successor: Optional[str] = None      # the next session of the series, once opened

    # --- derived --------------------------------------------------------
    @property
    def phase(self) -> str:
        if self.prio is not None and self.stage == "open":
            return "choices"
        if self.stage == "open":
            return "frame" if any(t.package.frame is None for t in self.tables) else "choices"
        return self.stage

    def active_players(self) -> list[Player]:
        return [p for p in self.players.values() if not p.removed]

    def table_players(self, index: int) -> list[Player]:
        return sorted((p for p in self.active_players() if p.table == index), key=lambda p: p.seat)

    def roles(self, index: int) -> dict[str, list[str]]:
        """Player id -> chambers held this round at table `index`."""
        players = self.table_players(index)
        r = max(self.round, 1) - 1
        if self.rotation_frozen_at is not None:
            r = self.rotation_frozen_at
        return {p.id: roles for p, roles in zip(players, roles_for_seats(len(players), r))}

    def planner(self, table: Table) -> Planner:
        if table.planner is None:
            last = table.history[-1]["figures"] if table.history else None
            table.planner = Planner(self.scenario, table.corp, max(self.round, 1), cap_blocked(last, self.scenario))
        return table.planner

    def outcome(self, table: Table, pkg: Optional[Package] = None) -> Outcome:
        return self.planner(table).outcome(pkg or table.package)

    def confirmed_roles(self, index: int) -> list[str]:
        """Chambers every current holder of which has confirmed the table's package."""
        t = self.tables[index]
        holders: dict[str, list[str]] = {}
        for pid, roles in self.roles(index).items():
            for r in roles:
                holders.setdefault(r, []).append(pid)
        done = lambda pid: pid in t.confirmed_by or self.players[pid].autopilot
        return [c for c in CHAMBERS if holders.get(c) and all(done(p) for p in holders[c])]

    def player_by_token(self, token_h: str) -> Optional[Player]:
        return next((p for p in self.players.values() if p.token_hash == token_h), None)
