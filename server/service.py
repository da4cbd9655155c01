"""One service function per use case; the JSON API, the HTML forms and the bots share them.

The service holds each room's state in memory (rebuilt from the log on first use), runs
every command under the room's lock (decide, append, apply), and tells the hub.
"""
from __future__ import annotations

import asyncio
import secrets
import string
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from anyio import to_thread

from game import engine
from game.engine import Room, token_hash
from game.messages import Refusal
from game.scenario import ScenarioError, load_file, load_text
from game.views import view_for

from .hub import Hub
from .store import EventStore, StaleVersion

CODE_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "0O1IL")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class GameService:
    def __init__(self, store: EventStore, scenarios_dir: Path, hub: Optional[Hub] = None):
        self.store, self.scenarios_dir = store, Path(scenarios_dir)
        self.hub = hub or Hub(self)
        self.rooms: dict[str, Room] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.series: dict[str, str] = {}   # series code -> its newest room

    # --- scenarios ------------------------------------------------------
    def scenarios(self) -> list[dict]:
        out = []
        for path in sorted(self.scenarios_dir.glob("*.yaml")):
            try:
                s = load_file(path)
            except ScenarioError:
                continue  # `driekamer validate` names what is wrong with it
            if s.id != path.stem:
                continue  # a room is opened by file name: `driekamer validate` says so
            out.append({"id": s.id, "name": s.name, "mode": s.mode, "rounds": s.rounds,
                        "description": s.description})
        return out

    def scenario_text(self, scenario_id: str) -> str:
        if not (isinstance(scenario_id, str) and 0 < len(scenario_id) <= 60
                and scenario_id.replace("-", "").replace("_", "").isalnum()):
            raise Refusal("unknown_scenario", scenario=str(scenario_id)[:60])
        path = self.scenarios_dir / f"{scenario_id}.yaml"
        if not path.is_file():
            raise Refusal("unknown_scenario", scenario=scenario_id)
        text = path.read_text(encoding="utf-8")
        try:
            load_text(text, file=path.name)
        except ScenarioError as exc:
            raise Refusal("scenario_invalid", detail=str(exc)) from None
        return text

    # --- rooms ------------------------------------------------------------
    def _lock(self, code: str) -> asyncio.Lock:
        return self._locks.setdefault(code, asyncio.Lock())

    async def room(self, code: str) -> Room:
        code = (code or "").upper().strip()
        if code not in self.rooms:
            events = await to_thread.run_sync(self.store.room_events, code)
            if not events:
                raise Refusal("unknown_room", code=code)
            async with self._lock(code):
                if code not in self.rooms:
                    self.rooms[code] = engine.replay(events)
        return self.rooms[code]

    async def _commit(self, room: Room, events: list[dict]) -> None:
        """Store then apply (the caller holds the room's lock)."""
        if not events:
            return
        at = now()
        events = [{**e, "at": e.get("at") or at} for e in events]
        try:
            await to_thread.run_sync(self.store.append, room.code, room.version, events)
        except StaleVersion:  # another process wrote: rebuild from the log and refuse
            self.rooms.pop(room.code, None)
            raise Refusal("wrong_phase", phase="herladen / reloaded") from None
        for e in events:
            engine.apply(room, e)
        self.hub.notify(room.code)

    async def create_room(self, scenario_id: str, tables: int) -> dict:
        text = self.scenario_text(scenario_id)
        token = secrets.token_urlsafe(24)
        code = await self._open(text, tables, token_hash(token))
        return {"code": code, "facilitator_token": token}

    async def _open(self, text: str, tables: int, fac_hash: str, series: str = "") -> str:
        for _ in range(20):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(5))
            if code not in self.rooms and not await to_thread.run_sync(self.store.room_events, code):
                break
        events = engine.create_events(code, text, tables, fac_hash, at=now(), series=series)
        async with self._lock(code):
            await to_thread.run_sync(self.store.append, code, 0, events)
            self.rooms[code] = engine.replay(events)
        self.series[self.rooms[code].series] = code
        return code

    async def new_session(self, code: str, token: Optional[str]) -> str:
        """The next workshop of a series: same scenario, tables and facilitator token; the
        series link and the old room's join link now lead to it."""
        room = await self.room(code)
        if self.viewer(room, token)[0] != "facilitator":
            raise Refusal("not_facilitator")
        if room.successor:
            return room.successor
        new = await self._open(room.scenario_text, len(room.tables), room.facilitator_hash, series=room.series)
        async with self._lock(room.code):
            await self._commit(room, [{"type": "session_continued", "next": new}])
        return new

    async def latest_in_series(self, series: str) -> str:
        series = (series or "").upper()
        if series not in self.series:
            await self.room(series)  # refuses an unknown code
            self.series.setdefault(series, series)
        code = self.series[series]
        room = await self.room(code)
        while room.successor:  # follow the chain (rooms opened by another process)
            room = await self.room(room.successor)
        return room.code

    async def join(self, code: str, name: str) -> dict:
        room = await self.room(code)
        token = secrets.token_urlsafe(24)
        player_id = "p" + secrets.token_hex(4)
        async with self._lock(room.code):
            events = engine.join_events(room, player_id, name, token_hash(token))
            await self._commit(room, events)
        return {"player_id": player_id, "token": token}

    def viewer(self, room: Room, token: Optional[str]) -> tuple[str, Optional[str]]:
        """Who a token belongs to in this room; refuses a wrong or missing token."""
        if not token:
            raise Refusal("not_authenticated")
        h = token_hash(token)
        if secrets.compare_digest(h, room.facilitator_hash):
            return ("facilitator", None)
        p = room.player_by_token(h)
        if p is None:
            raise Refusal("not_authenticated")
        return ("player", p.id)

    async def command(self, code: str, token: Optional[str], cmd: dict) -> tuple[Room, tuple]:
        room = await self.room(code)
        viewer = self.viewer(room, token)
        if not isinstance(cmd, dict) or not isinstance(cmd.get("type"), str):
            raise Refusal("field_missing", field="type")
        if "round" in cmd and not (cmd["round"] is None or _is_int(cmd["round"])):
            raise Refusal("field_not_number", field="round")
        _check_field_types(cmd)
        async with self._lock(room.code):
            events = engine.decide(room, viewer, cmd, now())
            await self._commit(room, events)
        return room, viewer

    async def load_all(self) -> None:
        """Load every stored room, so running clocks keep ticking after a restart."""
        for code in await to_thread.run_sync(self.store.rooms):
            try:
                room = await self.room(code)
            except Exception:  # one unreadable room must not stop the server
                continue
            if not room.successor:
                self.series[room.series] = room.code

    async def tick(self) -> None:
        """Lock every round whose clock has run out (the scenario's timeout policy applies)."""
        from game import workshop
        t = now()
        for room in list(self.rooms.values()):
            if workshop.expired(room, t):
                async with self._lock(room.code):
                    if workshop.expired(room, now()):
                        events = engine.decide(room, ("facilitator", None),
                                               {"type": "lock", "round": room.round, "reason": "timer"}, now())
                        await self._commit(room, events)

    def view(self, room: Room, viewer: tuple) -> dict:
        from game import workshop
        v = view_for(room, viewer, connected=self.hub.connected(room.code))
        v["room"]["seconds_left"] = workshop.remaining(room, now())
        v["room"]["deadline"] = room.deadline
        v["room"]["paused"] = room.paused
        if viewer[0] == "player":
            me = room.players.get(viewer[1])
            done = (room.prio is None and me is not None and me.table is not None
                    and me.id in room.tables[me.table].confirmed_by)  # a nudge ends with the confirm
            v["viewer"]["nudged"] = room.nudged.get(viewer[1]) == room.round and room.stage == "open" and not done
        return v

    async def export(self, code: str, token: Optional[str]) -> dict:
        room = await self.room(code)
        if self.viewer(room, token)[0] != "facilitator":
            raise Refusal("not_facilitator")
        log = await to_thread.run_sync(self.store.log, room.code)
        for e in log:
            e.pop("facilitator_hash", None)
            e.pop("token_hash", None)
        v = view_for(room, ("facilitator", None))
        return {"code": room.code, "scenario": room.scenario.id, "phase": room.phase, "round": room.round,
                "version": room.version, "log": log,
                "tables": [{"index": t["index"], "opening": t["opening"], "history": t["history"]}
                           for t in v.get("tables", [])],  # a prioriteitenspel view has no tables
                "players": v["players"]}


TEXT_FIELDS = ("frame", "policy", "option", "player", "other", "post", "stakeholder", "vote", "start_from", "reason")
BOOL_FIELDS = ("selected", "covered", "on", "rotate")
INT_FIELDS = ("table", "seconds", "points")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_field_types(cmd: dict) -> None:
    """Refuse a field of the wrong JSON type before the engine sees it (a list is not an id)."""
    for k in TEXT_FIELDS:
        if k in cmd and not (isinstance(cmd[k], str) and len(cmd[k]) <= 100):
            raise Refusal("field_not_text", field=k)
    for k in BOOL_FIELDS:
        if k in cmd and not isinstance(cmd[k], bool):
            raise Refusal("field_not_bool", field=k)
    for k in INT_FIELDS:
        if k in cmd and not _is_int(cmd[k]):
            raise Refusal("field_not_number", field=k)
    if "weight" in cmd and not (isinstance(cmd["weight"], (int, float, str)) and not isinstance(cmd["weight"], bool)
                                and len(str(cmd["weight"])) <= 12):
        raise Refusal("bad_weight")
