"""Commands -> events: the DrieKamerSpel round engine, pure and replayable.

`decide(room, actor, command)` validates a command completely and returns the events it
causes (an empty list when it would change nothing: repeats are harmless) or raises
`Refusal`. The fold (`apply`, `replay`, in fold.py) turns events into state; both names are
importable from here. Nothing here does I/O or reads the clock: times come in with commands.
"""
from __future__ import annotations

from typing import Optional

from . import prio_engine, workshop
from .fold import apply, replay
from .messages import Refusal, role_name
from .names import MAX_NAME, clean_name, name_key
from .plan import Package, over_budget
from .room import Player, Room, Table, token_hash
from .scenario import load_text

__all__ = ["Player", "Room", "Table", "token_hash", "apply", "replay", "decide", "create_events",
           "join_events", "MAX_TABLES", "MAX_PLAYERS"]

MAX_TABLES = 12
MAX_PLAYERS = 120

FACILITATOR_COMMANDS = {"start", "lock", "reopen", "reveal", "next_round", "end", "move_player",
                        "remove_player", "set_rotation", "autopilot", "swap_seats"}
PLAYER_COMMANDS = {"choose_frame", "choose_rent_policy", "select", "cover", "confirm"}


# ---------------------------------------------------------------------------
# Creating a room and joining it (no actor yet)

def create_events(code: str, scenario_text: str, tables: int, facilitator_hash: str, at: str = "",
                  series: str = "") -> list[dict]:
    if not 1 <= tables <= MAX_TABLES:
        raise Refusal("too_many_tables", max=MAX_TABLES)
    load_text(scenario_text)  # refuses a broken scenario before anything is stored
    return [{"type": "room_created", "code": code, "scenario_text": scenario_text, "tables": tables,
             "facilitator_hash": facilitator_hash, "at": at, "series": series or code}]


def join_events(room: Room, player_id: str, raw_name: str, token_h: str, at: str = "") -> list[dict]:
    name = clean_name(raw_name)
    if not name or len(name) > MAX_NAME:
        raise Refusal("bad_name", max=MAX_NAME)
    if room.stage == "finished":
        raise Refusal("game_finished")
    if any(name_key(p.name) == name_key(name) for p in room.active_players()):
        raise Refusal("duplicate_name", name=name)
    if len(room.active_players()) >= MAX_PLAYERS:
        raise Refusal("room_full", max=MAX_PLAYERS)
    table = None
    if room.stage != "lobby":  # a late joiner sits at the smallest table, in the next seat
        table = min(range(len(room.tables)), key=lambda i: (len(room.table_players(i)), i))
    event = {"type": "player_joined", "player_id": player_id, "name": name, "token_hash": token_h,
             "table": table, "at": at}
    if room.prio is not None and room.stage != "lobby":
        event["stakeholder"] = prio_engine.join_stakeholder(room)
    return [event]


# ---------------------------------------------------------------------------
# Commands

def decide(room: Room, actor: tuple[str, Optional[str]], cmd: dict, now: str = "") -> list[dict]:
    """Validate `cmd` from `actor` (("facilitator", None) or ("player", id)); return its events.
    `now` (ISO UTC) is needed by the timer commands only."""
    kind = cmd.get("type")
    if kind in workshop.COMMANDS:
        return workshop.decide(room, actor, cmd, now)
    if actor[0] == "player" and room.paused and room.stage == "open":
        raise Refusal("paused")
    if room.prio is not None:  # the prioriteitenspel has its own commands
        fac_cmds, player_cmds = prio_engine.FACILITATOR, prio_engine.PLAYER
        on_fac, on_player = prio_engine.facilitator_command, prio_engine.player_command
    else:
        fac_cmds, player_cmds, on_fac, on_player = FACILITATOR_COMMANDS, PLAYER_COMMANDS, _facilitator, _player
    if kind in fac_cmds:
        if actor[0] != "facilitator":
            raise Refusal("not_facilitator")
        return on_fac(room, cmd)
    if kind in player_cmds:
        if actor[0] != "player":
            raise Refusal("not_a_player")
        if actor[1] not in room.players:
            raise Refusal("not_authenticated")
        return on_player(room, room.players[actor[1]], cmd)
    raise Refusal("unknown_command", type=kind)


def _check_round(room: Room, cmd: dict) -> None:
    given = cmd.get("round")
    if given is not None and given != room.round:
        raise Refusal("wrong_round", given=given, current=room.round)


def _facilitator(room: Room, cmd: dict) -> list[dict]:
    kind, rnd = cmd["type"], cmd.get("round")
    if room.stage == "finished":
        return [] if kind == "end" else _raise("game_finished")
    if kind == "start":
        if room.stage != "lobby":
            return []  # a repeated start is harmless
        players = room.active_players()
        if len(players) < len(room.tables):
            raise Refusal("not_enough_players", players=len(players), tables=len(room.tables))
        order = sorted(players, key=lambda p: p.seat)
        seating = _balanced_seating(room, order)
        return [{"type": "game_started", "seating": seating, "round": 1}]
    if kind == "end":
        return [{"type": "game_ended", "round": room.round}]
    if kind == "move_player":
        p = _player_arg(room, cmd)
        t = _table_arg(room, cmd)
        return [] if p.table == t else [{"type": "player_moved", "player_id": p.id, "table": t}]
    if kind == "autopilot":
        p = _player_arg(room, cmd)
        on = bool(cmd.get("on", True))
        return [] if p.autopilot == on else [{"type": "autopilot_set", "player_id": p.id, "on": on}]
    if kind == "swap_seats":
        a = _player_arg(room, {"player": cmd.get("player")})
        b = _player_arg(room, {"player": cmd.get("other")})
        if a.id == b.id:
            return []
        return [{"type": "seats_swapped", "player_id": a.id, "other_id": b.id}]
    if kind == "remove_player":
        p = _player_arg(room, cmd)
        return [{"type": "player_removed", "player_id": p.id}]
    if kind == "set_rotation":
        on = bool(cmd.get("on", True))
        if on == (room.rotation_frozen_at is None):
            return []
        return [{"type": "rotation_set", "on": on, "round": room.round}]
    if room.stage == "lobby":
        raise Refusal("wrong_phase", phase="lobby")
    if kind == "lock":
        if rnd is not None and rnd < room.round:
            return []
        _check_round(room, cmd)
        if room.stage != "open":
            return []  # already locked or revealed: the repeat changes nothing
        defaults = {}
        for t in room.tables:
            missing = [d for d in ("frame", "rent_policy") if getattr(t.package, d) is None]
            if missing:
                defaults[str(t.index)] = missing
        event = {"type": "round_locked", "round": room.round, "defaults": defaults}
        if cmd.get("reason") == "timer":  # the clock ran out: unconfirmed tables are timed out
            event["timed_out"] = [t.index for t in room.tables
                                  if not _all_confirmed(room, t.index) and room.table_players(t.index)]
            event["policy"] = room.scenario.timeout_policy
        return [event]
    if kind == "reopen":
        _check_round(room, cmd)
        if room.stage == "open":
            return []
        if room.stage != "locked":
            raise Refusal("wrong_phase", phase=room.phase)
        return [{"type": "round_reopened", "round": room.round}]
    if kind == "reveal":
        if rnd is not None and rnd < room.round:
            return []
        _check_round(room, cmd)
        if room.stage == "revealed":
            return []
        if room.stage != "locked":
            raise Refusal("not_locked")
        return [{"type": "round_revealed", "round": room.round}]
    if kind == "next_round":
        if isinstance(rnd, int) and 1 <= rnd < room.round:
            return []  # a replayed "next" for an earlier round
        _check_round(room, cmd)
        if room.stage != "revealed":
            raise Refusal("not_revealed")
        if room.round >= room.scenario.rounds:
            return [{"type": "game_ended", "round": room.round}]
        return [{"type": "round_started", "round": room.round + 1}]
    raise Refusal("unknown_command", type=kind)


def _all_confirmed(room: Room, index: int) -> bool:
    held = {r for roles in room.roles(index).values() for r in roles}
    return held <= set(room.confirmed_roles(index))


def _raise(code: str, **params):
    raise Refusal(code, **params)


def _balanced_seating(room: Room, order: list[Player]) -> dict[str, int]:
    return {p.id: i % len(room.tables) for i, p in enumerate(order)}


def _player_arg(room: Room, cmd: dict) -> Player:
    p = room.players.get(str(cmd.get("player", "")))
    if p is None or p.removed:
        raise Refusal("unknown_player", player=cmd.get("player"))
    return p


def _table_arg(room: Room, cmd: dict) -> int:
    t = cmd.get("table")
    if not isinstance(t, int) or not 0 <= t < len(room.tables):
        raise Refusal("unknown_table", table=t, tables=len(room.tables))
    return t


def _player(room: Room, player: Player, cmd: dict) -> list[dict]:
    kind = cmd["type"]
    if player.removed:
        raise Refusal("removed")
    if room.stage in ("locked", "revealed") and cmd.get("round") in (None, room.round):
        raise Refusal("round_locked")
    _check_round(room, cmd)
    if room.stage != "open":
        raise Refusal("wrong_phase", phase=room.phase)
    if player.table is None:
        raise Refusal("no_table")
    table = room.tables[player.table]
    mine = room.roles(table.index).get(player.id, [])
    pkg = table.package
    base = {"table": table.index, "round": room.round, "by": player.id}

    if kind == "confirm":
        if pkg.frame is None:
            raise Refusal("frame_first")
        if player.id in table.confirmed_by:
            return []  # a double click confirms once
        return [{"type": "roles_confirmed", "roles": mine, **base}]

    s = room.scenario
    if kind == "choose_frame":
        _need_role(mine, "capital")
        frame = cmd.get("frame")
        if frame not in {f.id for f in s.frames}:
            raise Refusal("unknown_frame", frame=frame)
        if pkg.frame == frame:
            return []
        cand = pkg.copy()
        cand.frame = frame
        _within_budget(room, table, cand)
        return [{"type": "frame_chosen", "frame": frame, **base}]

    if pkg.frame is None:
        raise Refusal("frame_first")
    if kind == "choose_rent_policy":
        _need_role(mine, "social")
        policy = cmd.get("policy")
        if policy not in {p.id for p in s.rent_policies}:
            raise Refusal("unknown_policy", policy=policy)
        if pkg.rent_policy == policy:
            return []
        cand = pkg.copy()
        cand.rent_policy = policy
        _within_budget(room, table, cand)
        return [{"type": "rent_policy_chosen", "policy": policy, **base}]

    option_id = cmd.get("option")
    option = next((o for o in s.options if o.id == option_id), None)
    if option is None:
        raise Refusal("unknown_option", option=option_id)
    on = bool(cmd.get("selected", cmd.get("covered", True)))
    cand = pkg.copy()
    if kind == "select":
        _need_role(mine, option.chamber)
        target = cand.selected if option.chamber == "property" else cand.programmes
        if (option.id in target) == on:
            return []
        (target.add if on else target.discard)(option.id)
        if not on:
            cand.covered.discard(option.id)
        _within_budget(room, table, cand)
        return [{"type": "option_selected", "option": option.id, "selected": on, **base}]
    if kind == "cover":
        _need_role(mine, "social")
        if option.chamber != "property" or option.id not in pkg.selected:
            raise Refusal("not_proposed", option=option.id)
        if on and room.planner(table).tops({option.id}).get(option.id, 0) == 0:
            raise Refusal("no_top", option=option.id)
        if (option.id in cand.covered) == on:
            return []
        (cand.covered.add if on else cand.covered.discard)(option.id)
        _within_budget(room, table, cand)
        return [{"type": "top_covered", "option": option.id, "covered": on, **base}]
    raise Refusal("unknown_command", type=kind)


def _need_role(mine: list[str], role: str) -> None:
    if role not in mine:
        held = ", ".join(role_name(r) for r in mine) or "zonder rol"
        raise Refusal("not_your_role", role=role_name(role), mine=held)


def _within_budget(room: Room, table: Table, cand: Package) -> None:
    problem = over_budget(room.outcome(table), room.outcome(table, cand))
    if problem:
        code, params = problem
        raise Refusal(code, **{k: _euros(v) for k, v in params.items()})


def _euros(amount) -> str:
    return f"{round(amount):,}".replace(",", ".")
