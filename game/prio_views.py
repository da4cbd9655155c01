"""What one viewer may see in a prioriteitenspel room. A stakeholder's private package is
visible only to that stakeholder's players until the reveal; the facilitator and the big
screen see progress (draft / submitted / locked), not contents."""
from __future__ import annotations

from fractions import Fraction
from typing import Iterable

from .prio_engine import PrioState

REVEALED = ("revealed", "joint", "finished")


def _num(x):
    if isinstance(x, Fraction):
        return float(round(x, 6))
    return x


def _consequences(ps: PrioState, posts) -> dict:
    from .views import jsonable
    c = ps.horizon.consequences(tuple(posts))
    return jsonable(c)


def _split(ps: PrioState, posts) -> list[dict]:
    return [{k: _num(v) for k, v in row.items()} for row in ps.horizon.municipality_split(list(posts))]


def _status(room, ps: PrioState, sid: str) -> str:
    b = ps.ballots.get(sid)
    if room.stage in ("locked",) + REVEALED:
        return "locked"
    if b is None or not b.chosen():
        return "submitted" if b is not None and b.submitted else "empty"
    return "submitted" if b.submitted else "draft"


def _package(ps: PrioState, outcome: dict, voters: list[str]) -> dict:
    selected = outcome["selected"]
    return {"rule": outcome.get("rule"), "selected": selected, "order": outcome.get("order", selected),
            "total_cost": _num(Fraction(outcome["total_cost"])),
            "shares": {s: _num(v) for s, v in outcome["shares"].items()},
            "empty_handed": [s for s in voters if outcome["shares"].get(s, 0) == 0],
            "payments": {s: {p: _num(a) for p, a in pays.items()} for s, pays in outcome.get("payments", {}).items()},
            "consequences": _consequences(ps, selected), "municipalities": _split(ps, selected)}


def prio_view(room, viewer: tuple, connected: Iterable[str] = ()) -> dict:
    kind, pid = viewer
    s = room.scenario
    ps: PrioState = room.prio
    connected = set(connected)
    cfg = s.prioriteiten
    me = room.players.get(pid) if kind == "player" else None
    my_sid = ps.assignment.get(pid) if me and not me.removed else None  # removed: no party (as in mode 1)

    players = [{"id": p.id, "name": p.name, "stakeholder": ps.assignment.get(p.id), "connected": p.id in connected}
               for p in sorted(room.active_players(), key=lambda p: p.seat)]
    stakeholders = []
    for st in cfg.stakeholders:
        entry = {"id": st.id, "name": st.name, "kind": st.kind, "municipality": st.municipality,
                 "weight": _num(ps.weights[st.id]), "budget": ps.budgets.get(st.id),
                 "members": [p["name"] for p in players if p["stakeholder"] == st.id],
                 "status": _status(room, ps, st.id) if ps.ballots else "empty"}
        b = ps.ballots.get(st.id)
        if b is not None and (kind == "facilitator" or st.id == my_sid):
            entry["receipt"] = b.receipt
            entry["unsubmitted"], entry["timed_out"] = b.unsubmitted, b.timed_out
        stakeholders.append(entry)

    view = {
        "room": {"code": room.code, "phase": room.phase, "round": room.round, "rounds": s.rounds,
                 "version": room.version, "year": s.start_year, "series": room.series},
        "scenario": {"id": s.id, "name": s.name, "description": s.description, "mode": s.mode,
                     "horizon": cfg.horizon, "ballot": cfg.ballot, "points": cfg.points,
                     "joint_rule": cfg.joint_rule, "timeout_policy": s.timeout_policy, "joint_budget": ps.joint_budget,
                     "budget_factor": _num(Fraction(cfg.budget_factor)), "start_year": s.start_year,
                     "municipalities": [{"id": m.id, "name": m.name, "units": m.units, "need": float(m.need)}
                                        for m in s.municipalities]},
        "norms": {k: float(v) for k, v in s.norms.model_dump().items()},
        "viewer": {"kind": kind},
        "players": players,
        "stakeholders": stakeholders,
        "posts": [{"id": p.id, "name": p.name, "theme": p.theme, "municipalities": list(p.municipalities),
                   "cost": p.cost, "repeat": p.repeat, "description": p.description} for p in ps.horizon.posts],
        "baseline": _consequences(ps, ()),
    }
    if me:
        view["viewer"].update({"player_id": me.id, "name": me.name, "stakeholder": my_sid, "removed": me.removed})
        view["viewer"]["earlier_stakeholders"] = [{"round": h["round"], "stakeholder": h["assignment"].get(pid)}
                                                  for h in ps.history]
        if my_sid and ps.ballots:
            b = ps.ballots[my_sid]
            chosen = b.chosen()
            cost = ps.cost(chosen)
            view["mine"] = {"stakeholder": my_sid, "budget": ps.budgets[my_sid], "posts": sorted(b.posts),
                            "points": dict(b.points), "points_used": sum(b.points.values()),
                            "cost": cost, "remaining": ps.budgets[my_sid] - cost,
                            "submitted": b.submitted, "receipt": b.receipt,
                            "unsubmitted": b.unsubmitted, "timed_out": b.timed_out,
                            "status": _status(room, ps, my_sid), "consequences": _consequences(ps, chosen)}
    if room.stage in REVEALED and ps.results:
        r = ps.results
        voters = r["voters"]
        packages = [{"stakeholder": sid, "posts": ps.ballots[sid].chosen(), "points": dict(ps.ballots[sid].points),
                     "cost": ps.cost(ps.ballots[sid].chosen()), "unsubmitted": ps.ballots[sid].unsubmitted,
                     "timed_out": ps.ballots[sid].timed_out,
                     "consequences": _consequences(ps, ps.ballots[sid].chosen())} for sid in voters]
        matrix = {p.id: [sid for sid in voters if p.id in ps.ballots[sid].chosen()] for p in ps.horizon.posts}
        view["reveal"] = {
            "voters": voters, "packages": packages, "matrix": matrix,
            "common": [p for p, backers in matrix.items() if voters and len(backers) == len(voters)],
            "greedy": _package(ps, r["greedy"], voters), "mes": _package(ps, r["mes"], voters),
        }
    if ps.history:  # earlier private rounds were revealed: public, with who spoke for whom
        view["earlier_rounds"] = [_earlier(room, ps, h) for h in ps.history]
    ref = cfg.reference
    if ref is not None and kind in ("facilitator", "screen") and room.stage in REVEALED:
        view["reference"] = {"source": ref.source, "voters": ref.voters, "budget": float(ref.budget),
                             "support": dict(ref.support), "selected": list(ref.selected), "rule": ref.rule,
                             "outcomes": {k: list(v) for k, v in ref.outcomes.items()}}
    if room.stage in ("joint", "finished") and ps.joint_from is not None:
        posts = sorted(ps.joint)
        view["joint"] = {"posts": posts, "cost": ps.cost(posts), "budget": ps.joint_budget,
                         "start_from": ps.joint_from, "approvals": dict(ps.approvals),
                         "consequences": _consequences(ps, posts), "municipalities": _split(ps, posts),
                         "shares": {s: _num(v) for s, v in _shares(ps, posts).items()}}
        if room.stage == "finished":
            view["debrief"] = _debrief(ps, posts, view.get("reveal"))
    return view


def _earlier(room, ps: PrioState, h: dict) -> dict:
    r = h["results"]
    packages = []
    for sid in r["voters"]:
        b = h["ballots"][sid]
        posts = sorted(set(b["posts"]) | {p for p, n in b["points"].items() if n > 0})
        members = [room.players[pid].name for pid, s in h["assignment"].items() if s == sid and pid in room.players]
        packages.append({"stakeholder": sid, "members": members, "posts": posts, "points": dict(b["points"]),
                         "cost": ps.cost(posts), "unsubmitted": b["unsubmitted"],
                         "timed_out": b["timed_out"]})
    return {"round": h["round"], "packages": packages, "greedy": r["greedy"]["selected"],
            "mes": r["mes"]["selected"]}


def _shares(ps: PrioState, posts):
    from .prio_fold import shares
    voters = ps.results["voters"] if ps.results else []
    return shares(ps, posts, voters)


def _debrief(ps: PrioState, agreed: list[str], reveal: dict | None) -> list[dict]:
    """Per stakeholder: how much of its private package (by money) made it into each package."""
    out = []
    for sid in (reveal or {}).get("voters", []):
        own = set(ps.ballots[sid].chosen())
        own_cost = ps.cost(own)
        kept = lambda posts: _num(Fraction(ps.cost(own & set(posts)), own_cost)) if own_cost else None
        out.append({"stakeholder": sid, "private_cost": own_cost, "kept_greedy": kept(reveal["greedy"]["selected"]),
                    "kept_mes": kept(reveal["mes"]["selected"]), "kept_agreed": kept(agreed)})
    known = [d for d in out if d["kept_agreed"] is not None]
    lowest = min((d["kept_agreed"] for d in known), default=1)
    for d in known:  # ties share the mark; when every package made it whole, nobody gave way
        if lowest < 1 and d["kept_agreed"] == lowest:
            d["gave_way_most"] = True
    return out
