"""Mode 2 (prioriteitenspel): commands -> events, for rooms whose scenario has mode
`prioriteiten` (the fold of these events and the joint packages: prio_fold.py). Stakeholders
build private packages within their budgets, the reveal shows them side by side with joint
packages, and the facilitator composes the agreed package while stakeholders approve or object.

Stages: lobby -> open (private round) -> locked -> revealed -> joint -> finished. Up to the
scenario's `rounds`, the facilitator may play another private round after a reveal, each party
passing to the next player group (`next_round {rotate}`), so staff feel another party's
position; the joint round follows the last reveal. Earlier rounds are kept in `history`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

from .messages import Refusal
from .prioriteiten import Horizon

FACILITATOR = {"start", "set_weight", "assign", "lock", "reopen", "reveal", "next_round", "open_joint",
               "joint_select", "close_joint", "end", "remove_player"}
PLAYER = {"ballot", "points", "submit", "approve"}


@dataclass
class Ballot:
    posts: set[str] = field(default_factory=set)          # knapsack: whole posts
    points: dict[str, int] = field(default_factory=dict)  # cumulative: points per post
    submitted: bool = False
    receipt: Optional[str] = None                         # "S-<version>" of the last submit
    unsubmitted: bool = False                             # not submitted at the lock: the last draft counts
    timed_out: bool = False                               # ... and the lock was the clock's (C6)

    def chosen(self) -> list[str]:
        return sorted(self.posts | {p for p, n in self.points.items() if n > 0})


@dataclass
class PrioState:
    horizon: Horizon
    weights: dict[str, Fraction]
    budgets: dict[str, int] = field(default_factory=dict)
    assignment: dict[str, str] = field(default_factory=dict)   # player id -> stakeholder id
    ballots: dict[str, Ballot] = field(default_factory=dict)
    joint: set[str] = field(default_factory=set)
    joint_from: Optional[str] = None
    approvals: dict[str, str] = field(default_factory=dict)    # stakeholder -> approve | object
    results: Optional[dict] = None                              # aggregation at the reveal
    history: list[dict] = field(default_factory=list)           # earlier private rounds, as revealed

    @property
    def config(self):
        return self.horizon.s.prioriteiten

    @property
    def stakeholders(self) -> list[str]:
        return [s.id for s in self.config.stakeholders]

    @property
    def joint_budget(self) -> int:
        return self.horizon.joint_budget

    def members(self, stakeholder: str, room) -> list[str]:
        return [pid for pid, sid in self.assignment.items()
                if sid == stakeholder and pid in room.players and not room.players[pid].removed]

    def cost(self, posts) -> int:
        return sum(self.horizon.by_id[p].cost for p in posts)


def new_state(scenario) -> PrioState:
    horizon = Horizon(scenario)
    weights = {s.id: Fraction(s.weight) for s in scenario.prioriteiten.stakeholders}
    return PrioState(horizon=horizon, weights=weights)


# ---------------------------------------------------------------------------
# Commands (engine.decide checks the actor and dispatches here)

def facilitator_command(room, cmd: dict) -> list[dict]:
    ps: PrioState = room.prio
    kind = cmd["type"]
    if room.stage == "finished":
        return [] if kind in ("end", "close_joint") else _refuse("game_finished")  # a double click: harmless
    if kind == "end":
        return [{"type": "game_ended", "round": room.round}]
    if kind == "next_round":
        return _next_round(room, cmd)
    _check_round(room, cmd)
    if kind == "remove_player":
        p = room.players.get(str(cmd.get("player", "")))
        if p is None or p.removed:
            raise Refusal("unknown_player", player=cmd.get("player"))
        return [{"type": "player_removed", "player_id": p.id}]
    if kind == "set_weight":
        if room.stage != "lobby":
            raise Refusal("weights_frozen")
        sid = _stakeholder_arg(ps, cmd)
        w = _number(cmd.get("weight"))
        if w is None or w <= 0 or w > 100:
            raise Refusal("bad_weight")
        return [] if ps.weights[sid] == w else [{"type": "weight_set", "stakeholder": sid, "weight": str(w)}]
    if kind == "assign":
        p = room.players.get(str(cmd.get("player", "")))
        if p is None or p.removed:
            raise Refusal("unknown_player", player=cmd.get("player"))
        sid = _stakeholder_arg(ps, cmd)
        if room.stage != "lobby":  # once the round opens, who speaks for whom is fixed (C14)
            raise Refusal("wrong_phase", phase=room.phase)
        return [] if ps.assignment.get(p.id) == sid else [{"type": "stakeholder_assigned", "player_id": p.id,
                                                           "stakeholder": sid}]
    if kind == "start":
        if room.stage != "lobby":
            return []
        if not room.active_players():
            raise Refusal("not_enough_players", players=0, tables=1)
        assignment = dict(ps.assignment)
        counts = {s: 0 for s in ps.stakeholders}
        for sid in assignment.values():
            counts[sid] += 1
        for p in sorted(room.active_players(), key=lambda p: p.seat):
            if p.id not in assignment:
                sid = min(ps.stakeholders, key=lambda s: (counts[s], ps.stakeholders.index(s)))
                assignment[p.id] = sid
                counts[sid] += 1
        return [{"type": "private_round_started", "round": 1, "assignment": assignment,
                 "budgets": ps.horizon.budgets(ps.weights)}]
    if room.stage == "lobby":
        raise Refusal("wrong_phase", phase="lobby")
    if kind == "lock":
        if room.stage != "open":
            return []
        unsubmitted = [s for s in ps.stakeholders if not ps.ballots[s].submitted and ps.members(s, room)]
        return [{"type": "round_locked", "round": room.round, "unsubmitted": unsubmitted, "defaults": {},
                 "timed_out": unsubmitted if cmd.get("reason") == "timer" else [],
                 "policy": room.scenario.timeout_policy}]
    if kind == "reopen":
        if room.stage == "open":
            return []
        if room.stage != "locked":
            raise Refusal("wrong_phase", phase=room.phase)
        return [{"type": "round_reopened", "round": room.round}]
    if kind == "reveal":
        if room.stage in ("revealed", "joint"):
            return []
        if room.stage != "locked":
            raise Refusal("not_locked")
        return [{"type": "round_revealed", "round": room.round}]
    if kind == "open_joint":
        start = cmd.get("start_from", "mes")
        if start not in ("greedy", "mes", "empty"):
            raise Refusal("invalid_command", detail="start_from: greedy | mes | empty")
        if room.stage == "joint":
            return []
        if room.stage != "revealed":
            raise Refusal("not_revealed")
        posts = [] if start == "empty" else ps.results[start]["selected"]
        return [{"type": "joint_opened", "start_from": start, "posts": list(posts)}]
    if kind == "joint_select":
        if room.stage != "joint":
            raise Refusal("wrong_phase", phase=room.phase)
        post = _post_arg(ps, cmd)
        on = bool(cmd.get("selected", True))
        if (post in ps.joint) == on:
            return []
        if on and ps.cost(ps.joint | {post}) > ps.joint_budget:
            raise Refusal("over_joint_budget", cost=_euros(ps.cost(ps.joint | {post})), budget=_euros(ps.joint_budget))
        return [{"type": "joint_selected", "post": post, "selected": on}]
    if kind == "close_joint":
        if room.stage != "joint":
            raise Refusal("wrong_phase", phase=room.phase)
        return [{"type": "game_ended", "round": room.round, "agreed": sorted(ps.joint)}]
    raise Refusal("unknown_command", type=kind)


def player_command(room, player, cmd: dict) -> list[dict]:
    ps: PrioState = room.prio
    kind = cmd["type"]
    if player.removed:
        raise Refusal("removed")
    sid = ps.assignment.get(player.id)
    if room.stage != "lobby":
        _check_round(room, cmd)
    if kind == "approve":
        if room.stage != "joint":
            raise Refusal("wrong_phase", phase=room.phase)
        if sid is None:
            raise Refusal("no_stakeholder")
        vote = cmd.get("vote")
        if vote not in ("approve", "object"):
            raise Refusal("invalid_command", detail="vote: approve | object")
        return [] if ps.approvals.get(sid) == vote else [{"type": "joint_vote", "stakeholder": sid, "vote": vote,
                                                          "by": player.id}]
    if room.stage in ("locked", "revealed", "joint"):
        raise Refusal("round_locked")
    if room.stage != "open":
        raise Refusal("wrong_phase", phase=room.phase)
    if sid is None:
        raise Refusal("no_stakeholder")
    ballot = ps.ballots[sid]
    base = {"stakeholder": sid, "by": player.id, "round": room.round}
    if kind == "submit":
        return [] if ballot.submitted else [{"type": "ballot_submitted", **base}]
    post = _post_arg(ps, cmd)
    cumulative = ps.config.ballot == "cumulative"
    if kind == "ballot":
        if cumulative:
            raise Refusal("invalid_command", detail="deze stemming verdeelt punten: gebruik 'points'")
        on = bool(cmd.get("selected", True))
        if (post in ballot.posts) == on:
            return []
        if on:
            total = ps.cost(ballot.posts | {post})
            if total > ps.budgets[sid]:
                raise Refusal("over_budget", cost=_euros(total), budget=_euros(ps.budgets[sid]),
                              over=_euros(total - ps.budgets[sid]))
        return [{"type": "ballot_changed", "post": post, "selected": on, **base}]
    if kind == "points":
        if not cumulative:
            raise Refusal("invalid_command", detail="deze stemming kiest hele posten: gebruik 'ballot'")
        n = cmd.get("points")
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise Refusal("invalid_command", detail="points: een heel getal ≥ 0")
        total = sum(v for k, v in ballot.points.items() if k != post) + n
        if total > ps.config.points:
            raise Refusal("too_many_points", total=total, max=ps.config.points)
        if ballot.points.get(post, 0) == n:
            return []
        return [{"type": "ballot_points", "post": post, "points": n, **base}]
    raise Refusal("unknown_command", type=kind)


def _next_round(room, cmd: dict) -> list[dict]:
    """Another private round after a reveal; with `rotate` (the default) every player group
    speaks for the next party in the scenario's order, budgets stay with the parties."""
    ps: PrioState = room.prio
    rnd = cmd.get("round")
    if isinstance(rnd, int) and not isinstance(rnd, bool) and 1 <= rnd < room.round:
        return []  # a replayed "next" for an earlier round
    _check_round(room, cmd)
    if room.stage == "lobby":
        raise Refusal("wrong_phase", phase="lobby")
    if room.stage == "joint":
        raise Refusal("joint_open")
    if room.stage != "revealed":
        raise Refusal("not_revealed")
    if room.round >= room.scenario.rounds:
        raise Refusal("last_private_round", rounds=room.scenario.rounds)
    rotate = cmd.get("rotate", True) is not False
    order = ps.stakeholders
    assignment = {pid: order[(order.index(sid) + 1) % len(order)] if rotate else sid
                  for pid, sid in ps.assignment.items() if not room.players[pid].removed}
    return [{"type": "private_round_started", "round": room.round + 1, "assignment": assignment,
             "budgets": dict(ps.budgets), "rotated": rotate}]


def _check_round(room, cmd: dict) -> None:
    """A command that names a round must name the current one (a stale or replayed one is refused)."""
    given = cmd.get("round")
    if given is not None and given != room.round:
        raise Refusal("wrong_round", given=given, current=room.round)


def _stakeholder_arg(ps: PrioState, cmd: dict) -> str:
    sid = cmd.get("stakeholder")
    if not isinstance(sid, str) or sid not in ps.weights:  # a list or dict is no id (and unhashable)
        raise Refusal("unknown_stakeholder", stakeholder=sid)
    return sid


def _post_arg(ps: PrioState, cmd: dict) -> str:
    post = cmd.get("post", cmd.get("option"))
    if not isinstance(post, str) or post not in ps.horizon.by_id:  # a list or dict is no id (and unhashable)
        raise Refusal("unknown_option", option=post)
    return post


def _number(v) -> Optional[Fraction]:
    text = str(v).strip()
    if isinstance(v, bool) or len(text) > 20 or "e" in text.lower():
        return None  # an exponent ("1e-9999999") would take minutes, or give a number too long to store
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError, TypeError):
        return None


def _refuse(code: str, **params):
    raise Refusal(code, **params)


def _euros(amount) -> str:
    return f"{round(amount):,}".replace(",", ".")


def join_stakeholder(room) -> Optional[str]:
    """A late joiner represents the stakeholder with the fewest players."""
    ps = room.prio
    if room.stage == "lobby":
        return None
    return min(ps.stakeholders, key=lambda s: (len(ps.members(s, room)), ps.stakeholders.index(s)))
