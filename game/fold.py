"""Events -> state: the fold that rebuilds a room from its log, one event at a time.

Every accepted command's events pass through `apply`; `replay(events)` rebuilds a room
after a restart, for the debrief or for a test. Pure: no I/O, no clock.
"""
from __future__ import annotations

from typing import Optional

from . import prio_engine, prio_fold, workshop
from .finance import initial_state, opening_figures
from .plan import Package
from .room import Player, Room, Table
from .scenario import load_text


def apply(room: Optional[Room], e: dict) -> Room:
    """Fold one event into the room (the first event creates it)."""
    kind = e["type"]
    if kind == "room_created":
        s = load_text(e["scenario_text"])
        start = initial_state(s)
        opening = opening_figures(start, s)
        room = Room(code=e["code"], scenario=s, scenario_text=e["scenario_text"],
                    facilitator_hash=e.get("facilitator_hash", ""), created_at=e.get("at", ""),
                    tables=[Table(i, start, opening) for i in range(e["tables"])],
                    series=e.get("series") or e["code"])
        if s.mode == "prioriteiten":
            room.prio = prio_engine.new_state(s)
    elif kind == "session_continued":
        room.successor = e["next"]
    elif kind in workshop.FOLD:
        workshop.FOLD[kind](room, e)
    elif room.prio is not None and kind in prio_fold.FOLD:
        prio_fold.FOLD[kind](room, e)
    else:
        _FOLD[kind](room, e)
    room.version += 1
    return room


def _joined(room: Room, e: dict) -> None:
    room.seat_counter += 1
    room.players[e["player_id"]] = Player(e["player_id"], e["name"], e.get("token_hash", ""), e.get("table"),
                                        room.seat_counter)  # an export has no token hashes
    if e.get("stakeholder"):
        room.prio.assignment[e["player_id"]] = e["stakeholder"]


def _started(room: Room, e: dict) -> None:
    for pid, t in e["seating"].items():
        room.players[pid].table = t
    _new_round(room, e["round"])


def _new_round(room: Room, rnd: int) -> None:
    room.stage, room.round = "open", rnd
    for t in room.tables:
        t.package, t.confirmed_by, t.defaults, t.planner = Package(), set(), [], None
        t.timed_out = False
    room.deadline, room.paused, room.paused_remaining = None, False, None


def _moved(room: Room, e: dict) -> None:
    room.seat_counter += 1
    p = room.players[e["player_id"]]
    p.table, p.seat = e["table"], room.seat_counter


def _autopilot(room: Room, e: dict) -> None:
    room.players[e["player_id"]].autopilot = e["on"]


def _swapped(room: Room, e: dict) -> None:
    """Two players trade places: table and seat (and so their chambers in the rotation)."""
    a, b = room.players[e["player_id"]], room.players[e["other_id"]]
    a.table, b.table = b.table, a.table
    a.seat, b.seat = b.seat, a.seat


def _removed(room: Room, e: dict) -> None:
    room.players[e["player_id"]].removed = True


def _rotation(room: Room, e: dict) -> None:
    room.rotation_frozen_at = None if e["on"] else max(e["round"], 1) - 1


def _changed(room: Room, e: dict) -> None:
    t = room.tables[e["table"]]
    pkg = t.package
    kind = e["type"]
    if kind == "frame_chosen":
        pkg.frame = e["frame"]
    elif kind == "rent_policy_chosen":
        pkg.rent_policy = e["policy"]
    elif kind == "option_selected":
        chamber = room.scenario.option(e["option"]).chamber
        target = pkg.selected if chamber == "property" else pkg.programmes
        (target.add if e["selected"] else target.discard)(e["option"])
        if not e["selected"]:
            pkg.covered.discard(e["option"])
    elif kind == "top_covered":
        (pkg.covered.add if e["covered"] else pkg.covered.discard)(e["option"])
    t.confirmed_by = set()  # a changed package must be confirmed again


def _confirmed(room: Room, e: dict) -> None:
    room.tables[e["table"]].confirmed_by.add(e["by"])


def _locked(room: Room, e: dict) -> None:
    room.stage = "locked"
    room.deadline, room.paused, room.paused_remaining = None, False, None
    s = room.scenario
    for index in e.get("timed_out", []):
        t = room.tables[index]
        t.timed_out = True
        if e.get("policy") in ("abstain", "default"):  # the draft is dropped: only defaults stand
            t.package = Package()
            e["defaults"][str(index)] = ["frame", "rent_policy"]
    for key, missing in e["defaults"].items():
        t = room.tables[int(key)]
        t.defaults = list(missing)
        if "frame" in missing:
            t.package.frame = s.default_frame
        if "rent_policy" in missing:
            t.package.rent_policy = s.baseline_rent_policy


def _reopened(room: Room, e: dict) -> None:
    room.stage = "open"
    for t in room.tables:
        t.timed_out = False  # defaults set at the lock are taken back: the choice is open again
        if "frame" in t.defaults:
            t.package.frame = None
        if "rent_policy" in t.defaults:
            t.package.rent_policy = None
        t.defaults = []


def _revealed(room: Room, e: dict) -> None:
    room.stage = "revealed"
    for t in room.tables:
        out = room.outcome(t)
        t.history.append({
            "round": room.round, "year": room.scenario.start_year + room.round - 1,
            "figures": out.result.figures, "decisions": t.package.as_dict(),
            "going_ahead": out.going_ahead, "not_covered": out.not_covered,
            "tops": out.tops, "defaults": list(t.defaults),
            "budget": out.budget, "roles": room.roles(t.index), "timed_out": t.timed_out,
            "start": t.corp,
        })
        t.corp = out.result.state


def _ended(room: Room, e: dict) -> None:
    room.stage = "finished"


_FOLD = {
    "player_joined": _joined, "game_started": _started, "player_moved": _moved,
    "player_removed": _removed, "rotation_set": _rotation, "autopilot_set": _autopilot,
    "seats_swapped": _swapped,
    "frame_chosen": _changed, "rent_policy_chosen": _changed, "option_selected": _changed,
    "top_covered": _changed, "roles_confirmed": _confirmed, "round_locked": _locked,
    "round_reopened": _reopened, "round_revealed": _revealed,
    "round_started": lambda room, e: _new_round(room, e["round"]), "game_ended": _ended,
}


def replay(events: list[dict]) -> Room:
    room = None
    for e in events:
        room = apply(room, e)
    return room
