"""What one viewer may see. Every page, JSON answer and websocket message goes through
`view_for`, so a table's drafted choices cannot leak to another table before the reveal."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Optional

from .engine import Room, Table
from .plan import option_cards, rent_policy_cards
from .rotation import CHAMBERS

RATIO_KEYS = ("icr", "ltv", "solvency", "coverage_ratio", "efg_share", "ab_share", "rent_growth")


def jsonable(value, key: str = ""):
    """Decimals to numbers (money to cents, rates to 6 decimals); sets to sorted lists."""
    if isinstance(value, Decimal):
        if key in ("average_rate", "marginal_rate"):
            return float(round(value, 6))
        return float(round(value, 2))
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: jsonable(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, key) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return value


def ratings(figures: dict, room: Room) -> dict[str, str]:
    """green / amber / red per ratio against its norm (amber within the margin of the norm)."""
    n = room.scenario.norms
    m = float(n.amber_margin)
    out = {}
    checks = {"icr": (float(n.icr_min), True), "ltv": (float(n.ltv_max), False),
              "solvency": (float(n.solvency_min), True)}
    for key, (norm, higher_is_better) in checks.items():
        v = figures.get(key)
        if v is None:
            out[key] = "green" if key == "icr" else "amber"
            continue
        v = float(v)
        if higher_is_better:
            out[key] = "red" if v < norm else "amber" if v < norm * (1 + m) else "green"
        else:
            out[key] = "red" if v > norm else "amber" if v > norm * (1 - m) else "green"
    return out


def _figures(figures: dict, room: Room) -> dict:
    out = jsonable(figures)
    out["ratings"] = ratings(figures, room)
    used = figures.get("social_budget_used") or 0
    out["social_split"] = jsonable({
        "rent_discount": figures.get("rent_discount", 0), "excess_maintenance": figures.get("excess_maintenance", 0),
        "excess_management": figures.get("excess_management", 0), "liveability": figures.get("liveability_base", 0),
        "programmes": figures.get("programme_expenses", 0), "unprofitable_top": figures.get("unprofitable_top", 0)})
    out["rent_discount_share"] = round(float(figures["rent_discount"] / used), 6) if used else None
    return out


def _history(room: Room, t: Table) -> list[dict]:
    """Revealed years never change: each is serialised once and kept on the table."""
    cache = t.__dict__.setdefault("_history_view", [])
    if len(cache) > len(t.history):  # replayed or rewound: start again
        cache.clear()
    for h in t.history[len(cache):]:
        cache.append(_history_entry(room, h))
    return list(cache)


def _history_entry(room: Room, h: dict) -> dict:
    b = h["budget"]
    policy = h["decisions"]["rent_policy"]
    return {"round": h["round"], "year": h["year"], "figures": _figures(h["figures"], room),
            "decisions": h["decisions"], "going_ahead": h["going_ahead"],
            "not_covered": h["not_covered"], "defaults": h["defaults"],
            "timed_out": bool(h.get("timed_out")),  # the clock locked the round before all confirmed
            "tops": jsonable(h["tops"]), "roles": h["roles"],
            "frame": b.frame if b else None,
            "frame_name": room.scenario.frame(b.frame).name if b else None,
            "rent_policy_name": room.scenario.rent_policy(policy).name if policy else None,
            "social_budget": jsonable(b.social_budget) if b else None,
            "borrowing_cap": jsonable(b.borrowing_cap) if b else None}


def _progress(room: Room, t: Table) -> dict:
    """What anyone may know of a table's round: that things were done, not what."""
    holders = {c: [pid for pid, roles in room.roles(t.index).items() if c in roles] for c in CHAMBERS}
    confirmed = room.confirmed_roles(t.index)
    return {"frame_chosen": t.package.frame is not None,
            "confirmed": confirmed,
            "confirmed_players": sorted(t.confirmed_by),
            "timed_out": t.timed_out,
            "roles_held": [c for c in CHAMBERS if holders[c]],
            "all_confirmed": bool(confirmed) and all(c in confirmed for c in CHAMBERS if holders[c])}


def _plan(room: Room, t: Table) -> dict:
    """A table's own round, computed once per version for everyone at the table."""
    cached = t.__dict__.get("_plan_view")
    if cached and cached[0] == (room.version, room.round):
        return cached[1]
    plan = _plan_uncached(room, t)
    t.__dict__["_plan_view"] = ((room.version, room.round), plan)
    return plan


def _plan_uncached(room: Room, t: Table) -> dict:
    """A table's own round: its package, budgets, cards and live preview."""
    planner = room.planner(t)
    out = room.outcome(t)
    frames = []
    for f in room.scenario.frames:
        fb = planner.frame_budget(f.id)
        frames.append({"id": f.id, "name": f.name, "social_share": float(f.social_share),
                       "icr_target": float(f.icr_target), **jsonable({
                           "social_budget": fb.social_budget, "borrowing_cap": fb.borrowing_cap,
                           "planned_equity_growth": fb.planned_equity_growth})})
    budgets = None
    if out.budget:
        limit = out.social_limit
        budgets = jsonable({
            "social_budget": out.budget.social_budget, "social_used": out.social_used,
            "social_remaining": (limit - out.social_used) if limit is not None else None,
            "borrowing_cap": out.budget.borrowing_cap, "new_loans": out.new_loans,
            "borrowing_remaining": out.budget.borrowing_cap - out.new_loans})
        budgets["social_fixed"] = limit is not None
    policies = rent_policy_cards(planner)
    return {
        "package": {**t.package.as_dict(), "confirmed": room.confirmed_roles(t.index),
                    "confirmed_players": sorted(t.confirmed_by),
                    "defaults": list(t.defaults)},
        "frames": frames,
        "budgets": budgets,
        "baseline": _figures(planner.baseline.figures, room),
        "preview": _figures(out.result.figures, room),
        "going_ahead": out.going_ahead, "not_covered": out.not_covered,
        "tops": jsonable(out.tops),
        "cards": jsonable(option_cards(planner)),
        "rent_policies": [{"id": p.id, "name": p.name, **jsonable(policies[p.id])}
                          for p in room.scenario.rent_policies],
        "cap_blocked": planner.cap_blocked,
    }


def view_for(room: Room, viewer: tuple[str, Optional[str]], connected: Iterable[str] = ()) -> dict:
    """The whole view for ("facilitator", None), ("screen", None) or ("player", player_id)."""
    if room.prio is not None:
        from .prio_views import prio_view
        return prio_view(room, viewer, connected)
    kind, pid = viewer
    s = room.scenario
    connected = set(connected)
    me = room.players.get(pid) if kind == "player" else None
    my_table = me.table if me and not me.removed else None
    in_round = room.stage in ("open", "locked")

    players = []
    for t_index in [None] + list(range(len(room.tables))):
        roles = room.roles(t_index) if t_index is not None and room.round else {}
        group = ([p for p in room.active_players() if p.table is None] if t_index is None
                 else room.table_players(t_index))
        for p in sorted(group, key=lambda p: p.seat):
            players.append({"id": p.id, "name": p.name, "table": p.table, "roles": roles.get(p.id, []),
                            "connected": p.id in connected, "autopilot": p.autopilot})

    tables = []
    for t in room.tables:
        if "_opening_view" not in t.__dict__:
            t.__dict__["_opening_view"] = _figures(t.opening, room)
        tv = {"index": t.index, "name": f"Tafel {t.index + 1}", "progress": _progress(room, t),
              "opening": t.__dict__["_opening_view"], "history": _history(room, t)}
        if in_round and (kind == "facilitator" or my_table == t.index):
            tv["plan"] = _plan(room, t)
        tables.append(tv)

    event = s.event_for(room.round) if room.round else None
    view = {
        "room": {"code": room.code, "phase": room.phase, "round": room.round, "rounds": s.rounds,
                 "version": room.version, "year": s.start_year + max(room.round, 1) - 1,
                 "rotation": room.rotation_frozen_at is None, "series": room.series},
        "scenario": {"id": s.id, "name": s.name, "description": s.description, "mode": s.mode,
                     "social_budget_mode": s.social_budget_mode, "start_year": s.start_year,
                     "timeout_policy": s.timeout_policy,
                     "municipalities": [{"id": m.id, "name": m.name} for m in s.municipalities],
                     "frames": {f.id: f.name for f in s.frames},
                     "rent_policies": {p.id: p.name for p in s.rent_policies}},
        "norms": jsonable(s.norms.model_dump()),
        "event": {"name": event.name, "description": event.description} if event else None,
        "viewer": {"kind": kind},
        "players": players,
        "tables": tables,
        "menu": [{"id": o.id, "name": o.name, "chamber": o.chamber, "theme": o.theme,
                  "municipalities": o.municipalities(), "is_project": o.is_project} for o in s.options],
    }
    if room.stage == "finished":
        from .debrief import insights
        view["insights"] = jsonable(insights(room))
    if me:
        view["viewer"].update({"player_id": me.id, "name": me.name, "table": my_table, "removed": me.removed,
                               "roles": room.roles(my_table).get(me.id, []) if my_table is not None and room.round else []})
    return view
