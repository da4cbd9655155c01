"""The facilitator's workshop controls shared by both modes: round timers (absolute
deadlines in the log, so they survive restarts), pause and resume, and nudges.

Times come in with the command (`now`, ISO 8601 UTC) from the server; the engine never
reads the clock. When a deadline passes, the server sends an ordinary `lock` with
`reason: "timer"`; the lock then applies the scenario's timeout policy.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from .messages import Refusal

COMMANDS = {"set_timer", "extend_timer", "clear_timer", "pause", "resume", "nudge"}
MAX_SECONDS = 4 * 3600


def parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts)


def remaining(room, now: str) -> Optional[float]:
    """Seconds left on the round's clock (frozen while paused), or None without a timer."""
    if room.paused:
        return room.paused_remaining
    if not room.deadline:
        return None
    return max(0.0, (parse(room.deadline) - parse(now)).total_seconds())


def expired(room, now: str) -> bool:
    return (room.stage == "open" and room.deadline is not None and not room.paused
            and parse(now) >= parse(room.deadline))


def decide(room, actor: tuple, cmd: dict, now: str) -> list[dict]:
    if actor[0] != "facilitator":
        raise Refusal("not_facilitator")
    kind = cmd["type"]
    if room.stage != "open":
        raise Refusal("wrong_phase", phase=room.phase)
    if not now:
        raise Refusal("invalid_command", detail="no time given")
    if kind in ("set_timer", "extend_timer"):
        seconds = cmd.get("seconds")
        if not isinstance(seconds, int) or isinstance(seconds, bool) or not 0 < seconds <= MAX_SECONDS:
            raise Refusal("bad_seconds", max=MAX_SECONDS // 60)
        if kind == "extend_timer":
            left = remaining(room, now)
            if left is None:
                raise Refusal("no_timer")
            seconds = int(left) + seconds
            if seconds > MAX_SECONDS:
                raise Refusal("bad_seconds", max=MAX_SECONDS // 60)
        deadline = (parse(now) + timedelta(seconds=seconds)).isoformat(timespec="milliseconds")
        return [{"type": "timer_set", "round": room.round, "deadline": deadline, "seconds": seconds}]
    if kind == "clear_timer":
        return [] if room.deadline is None and room.paused_remaining is None else [
            {"type": "timer_cleared", "round": room.round}]
    if kind == "pause":
        if room.paused:
            return []
        return [{"type": "timer_paused", "round": room.round, "remaining": remaining(room, now)}]
    if kind == "resume":
        if not room.paused:
            return []
        left = room.paused_remaining
        deadline = None if left is None else (parse(now) + timedelta(seconds=left)).isoformat(timespec="milliseconds")
        return [{"type": "timer_resumed", "round": room.round, "deadline": deadline}]
    if kind == "nudge":
        pid = str(cmd.get("player", ""))
        if pid not in room.players or room.players[pid].removed:
            raise Refusal("unknown_player", player=pid)
        return [{"type": "player_nudged", "player_id": pid, "round": room.round, "at": now}]
    raise Refusal("unknown_command", type=kind)


def _set(room, e):
    room.deadline, room.paused_remaining = e["deadline"], None
    if room.paused:  # a new clock while paused stays frozen until resume
        room.paused_remaining, room.deadline = float(e["seconds"]), None


def _paused(room, e):
    room.paused, room.paused_remaining, room.deadline = True, e["remaining"], None


def _resumed(room, e):
    room.paused, room.deadline, room.paused_remaining = False, e["deadline"], None


def _cleared(room, e):
    room.deadline, room.paused_remaining = None, None


def _nudged(room, e):
    room.nudged[e["player_id"]] = e["round"]


FOLD = {"timer_set": _set, "timer_paused": _paused, "timer_resumed": _resumed, "timer_cleared": _cleared,
        "player_nudged": _nudged}
