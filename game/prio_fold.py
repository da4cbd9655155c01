"""Mode 2 (prioriteitenspel): events -> state, the fold of `prio_engine`'s events, and the joint
packages computed from the private ones at the reveal (greedy by support and the scenario's MES
rule, game/aggregate.py)."""
from __future__ import annotations

from fractions import Fraction

from . import aggregate
from .prio_engine import Ballot, PrioState


def _weight(room, e):
    room.prio.weights[e["stakeholder"]] = Fraction(e["weight"])


def _assigned(room, e):
    room.prio.assignment[e["player_id"]] = e["stakeholder"]


def _started(room, e):
    ps = room.prio
    if ps.results is not None:  # the round before, as it was revealed, for the debrief
        ps.history.append({"round": room.round, "assignment": ps.results["assignment"], "results": ps.results,
                           "ballots": {s: {"posts": sorted(b.posts), "points": dict(b.points),
                                           "unsubmitted": b.unsubmitted, "timed_out": b.timed_out}
                                       for s, b in ps.ballots.items()}})
        ps.results = None
    ps.assignment = dict(e["assignment"])
    ps.budgets = dict(e["budgets"])
    ps.ballots = {s: Ballot() for s in ps.stakeholders}
    for p in room.players.values():
        p.table = 0
    room.stage, room.round = "open", e["round"]


def _ballot(room, e):
    b = room.prio.ballots[e["stakeholder"]]
    if e["type"] == "ballot_changed":
        (b.posts.add if e["selected"] else b.posts.discard)(e["post"])
    else:
        b.points[e["post"]] = e["points"]
        if e["points"] == 0:
            b.points.pop(e["post"])
    b.submitted, b.receipt = False, None  # a draft again: the old receipt no longer holds


def _submitted(room, e):
    b = room.prio.ballots[e["stakeholder"]]
    b.submitted, b.receipt = True, f"S-{room.version + 1}"


def _locked(room, e):
    room.stage = "locked"
    room.deadline, room.paused, room.paused_remaining = None, False, None
    for s in e.get("unsubmitted", []):
        b = room.prio.ballots[s]
        b.unsubmitted = True  # not submitted at the lock: the last draft counts, marked
        b.timed_out = s in e.get("timed_out", [])  # the clock locked the round (C6)
        if b.timed_out and e.get("policy") in ("abstain", "default"):
            b.posts, b.points = set(), {}  # abstain: the unsubmitted draft is not counted


def _reopened(room, e):
    room.stage = "open"
    for b in room.prio.ballots.values():
        b.unsubmitted = b.timed_out = False


def _revealed(room, e):
    room.stage = "revealed"
    room.prio.results = aggregate_room(room)


def _joint_opened(room, e):
    room.stage = "joint"
    room.prio.joint, room.prio.joint_from = set(e["posts"]), e["start_from"]
    room.prio.approvals = {}


def _joint_selected(room, e):
    (room.prio.joint.add if e["selected"] else room.prio.joint.discard)(e["post"])
    room.prio.approvals = {}  # a changed package asks for approval again


def _vote(room, e):
    room.prio.approvals[e["stakeholder"]] = e["vote"]


FOLD = {"weight_set": _weight, "stakeholder_assigned": _assigned, "private_round_started": _started,
        "ballot_changed": _ballot, "ballot_points": _ballot, "ballot_submitted": _submitted,
        "round_locked": _locked, "round_reopened": _reopened, "round_revealed": _revealed,
        "joint_opened": _joint_opened, "joint_selected": _joint_selected, "joint_vote": _vote}


# ---------------------------------------------------------------------------
# Aggregation of the private packages

def aggregate_room(room) -> dict:
    """Greedy by support and the scenario's MES rule over the stakeholders' packages."""
    ps: PrioState = room.prio
    projects = [aggregate.Project(p.id, p.cost, p.name) for p in ps.horizon.posts]
    cumulative = ps.config.ballot == "cumulative"
    voters = [s for s in ps.stakeholders if ps.members(s, room) or ps.ballots[s].chosen()]
    ballots = []
    for s in voters:
        b = ps.ballots[s]
        scores = dict(b.points) if cumulative else {p: 1 for p in b.posts}
        ballots.append(aggregate.Ballot(s, scores, ps.weights[s]))
    budget = ps.joint_budget
    # who spoke for whom in this round, as revealed (a late joiner or a removal after it changes nothing)
    played = {pid: sid for pid, sid in ps.assignment.items() if pid in room.players and not room.players[pid].removed}
    out = {"voters": voters, "budget": budget, "assignment": played}
    if not any(b.scores for b in ballots):
        empty = {"selected": [], "total_cost": 0, "payments": {}, "shares": {}}
        return {**out, "greedy": empty, "mes": {**empty, "rule": ps.config.joint_rule}}
    g = aggregate.greedy(projects, ballots, budget)
    m = aggregate.aggregate(ps.config.joint_rule, projects, ballots, budget,
                            utility="points" if cumulative else "cost")
    for key, o in (("greedy", g), ("mes", m)):
        out[key] = {"rule": o.rule, "selected": sorted(o.selected), "order": list(o.selected),
                    "total_cost": o.total_cost, "payments": o.payments,
                    "shares": shares(ps, o.selected, voters)}
    return out


def shares(ps: PrioState, selected, voters) -> dict[str, Fraction]:
    """Each stakeholder's share of the money spent on posts it backed."""
    total = ps.cost(selected)
    out = {}
    for s in voters:
        backed = set(ps.ballots[s].chosen())
        out[s] = Fraction(ps.cost([p for p in selected if p in backed]), total) if total else Fraction(0)
    return out
