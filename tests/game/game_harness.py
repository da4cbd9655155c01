"""A small harness that drives the engine through decide/apply and keeps the event log, so
every test can replay it (imported by tests/game/conftest.py and the engine tests)."""
from __future__ import annotations

from dataclasses import asdict
from typing import Optional

import pytest

from game.engine import Room, apply, create_events, decide, join_events, replay, token_hash
from game.messages import Refusal

FAC = ("facilitator", None)


def snapshot(room: Room) -> dict:
    """Everything that is state (not cache) in a room, in comparable form."""
    return {
        "code": room.code, "stage": room.stage, "round": room.round, "version": room.version,
        "phase": room.phase, "rotation_frozen_at": room.rotation_frozen_at,
        "seat_counter": room.seat_counter,
        "players": {pid: (p.name, p.token_hash, p.table, p.seat, p.removed) for pid, p in room.players.items()},
        "tables": [{
            "index": t.index,
            "corp": t.corp,
            "package": t.package.as_dict(),
            "confirmed_by": sorted(t.confirmed_by),
            "confirmed_roles": room.confirmed_roles(t.index),
            "defaults": list(t.defaults),
            "history": [{**h, "budget": asdict(h["budget"]) if h["budget"] else None} for h in t.history],
        } for t in room.tables],
    }


class Game:
    """A room driven through the public engine functions, with its event log."""

    def __init__(self, scenario_text: str, tables: int = 1, code: str = "ABC123"):
        self.events: list[dict] = []
        self.room: Optional[Room] = None
        self._push(create_events(code, scenario_text, tables, token_hash("fac-token"), at="t0"))
        self.ids: list[str] = []

    def _push(self, events: list[dict]) -> list[dict]:
        for e in events:
            self.room = apply(self.room, e)
            self.events.append(e)
        return events

    def join(self, name: str, pid: Optional[str] = None) -> str:
        pid = pid or f"p{len(self.ids) + 1}"
        self._push(join_events(self.room, pid, name, token_hash("tok-" + pid), at="t"))
        self.ids.append(pid)
        return pid

    def fac(self, cmd_type: str, **kw) -> list[dict]:
        return self._push(decide(self.room, FAC, {"type": cmd_type, **kw}))

    def player(self, pid: str, cmd_type: str, **kw) -> list[dict]:
        return self._push(decide(self.room, ("player", pid), {"type": cmd_type, **kw}))

    def as_role(self, table: int, chamber: str, cmd_type: str, **kw) -> list[dict]:
        return self.player(self.holder(table, chamber), cmd_type, **kw)

    def holder(self, table: int, chamber: str) -> str:
        return next(pid for pid, roles in self.room.roles(table).items() if chamber in roles)

    def refused(self, actor, cmd: dict) -> Refusal:
        """Assert `cmd` is refused, produces no events and changes nothing; return the refusal."""
        before = snapshot(self.room)
        with pytest.raises(Refusal) as info:
            decide(self.room, actor, cmd)
        assert snapshot(self.room) == before
        assert snapshot(replay(self.events)) == before
        return info.value

    def replayed(self) -> Room:
        return replay(self.events)
