"""Mode 2, the prioriteitenspel (GAME.md), through the pure engine: create_events / join_events /
decide / apply / replay, on the Regio scenario and variants of its YAML text.

Costs and budgets are recomputed here from game.finance.resolve_year by FINANCE.md's rule
("Prioriteitenspel costs"); the rest checks the commands (knapsack and cumulative ballots, lock,
reveal, joint round), the replay and what each viewer may see (secrets before the reveal).
Cases: C7 (submit vs lock), C13 (draft / submitted / receipt / double submit), C14 (frozen rules).
"""
from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from game import aggregate
from game.engine import apply, create_events, decide, join_events, replay, token_hash
from game.finance import Decisions, initial_state, resolve_year
from game.messages import Refusal
from game.prio_views import prio_view
from game.scenario import load_text

ROOT = Path(__file__).resolve().parents[2]
REGIO = (ROOT / "scenarios" / "regio.yaml").read_text(encoding="utf-8")
FAC = ("facilitator", None)
SCREEN = ("screen", None)
STAKEHOLDERS = ["huurders", "stadsveld", "dijkhoven", "lindeloo", "zorg", "bestuur"]


# ---------------------------------------------------------------------------------------------
# Scenario variants: edits of the YAML text

def _swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def variant(cumulative: bool = False, abstain: bool = False, budget_factor: Optional[str] = None,
            joint_rule: Optional[str] = None) -> str:
    text = REGIO
    if cumulative:
        text = _swap(text, "ballot: knapsack", "ballot: cumulative")
        assert "\n  points: 100" in text
    if abstain:
        text = _swap(text, "baseline_rent_policy: inflation\n",
                     "baseline_rent_policy: inflation\ntimeout_policy: abstain\n")
    if budget_factor is not None:
        text = _swap(text, "budget_factor: 2.5", f"budget_factor: {budget_factor}")
    if joint_rule is not None:
        text = _swap(text, "joint_rule: mes-add1 ", f"joint_rule: {joint_rule} ")
    return text


def euros(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# ---------------------------------------------------------------------------------------------
# A small harness with the event log

def snapshot(room) -> dict:
    """Everything that is state in a prioriteitenspel room, in comparable form."""
    ps = room.prio
    return {
        "stage": room.stage, "round": room.round, "version": room.version, "phase": room.phase,
        "players": {pid: (p.name, p.seat, p.removed) for pid, p in room.players.items()},
        "weights": dict(ps.weights), "budgets": dict(ps.budgets), "assignment": dict(ps.assignment),
        "ballots": {s: (sorted(b.posts), dict(b.points), b.submitted, b.receipt, b.unsubmitted, b.timed_out)
                    for s, b in ps.ballots.items()},
        "joint": sorted(ps.joint), "joint_from": ps.joint_from, "approvals": dict(ps.approvals),
        "results": ps.results, "history": ps.history,
    }


class Prio:
    """A prioriteitenspel room driven through the engine's public functions."""

    def __init__(self, text: str = REGIO, players: int = 6, start: bool = True):
        self.events: list[dict] = []
        self.room = None
        self._push(create_events("PRIOA", text, 1, token_hash("fac"), at="t0"))
        self.ids: list[str] = []
        for i in range(players):
            self.join(f"Speler {i + 1}")
        if start:
            self.fac("start")

    def _push(self, events: list[dict]) -> list[dict]:
        for e in events:
            self.room = apply(self.room, e)
            self.events.append(e)
        return events

    def join(self, name: str) -> str:
        pid = f"p{len(self.ids) + 1}"
        self._push(join_events(self.room, pid, name, token_hash("tok-" + pid), at="t"))
        self.ids.append(pid)
        return pid

    def fac(self, kind: str, **kw) -> list[dict]:
        return self._push(decide(self.room, FAC, {"type": kind, **kw}))

    def player(self, pid: str, kind: str, **kw) -> list[dict]:
        return self._push(decide(self.room, ("player", pid), {"type": kind, **kw}))

    def by(self, sid: str, kind: str, **kw) -> list[dict]:
        return self.player(self.pid(sid), kind, **kw)

    def pid(self, sid: str) -> str:
        return next(p for p, s in self.room.prio.assignment.items() if s == sid)

    def pick(self, picks: dict[str, list[str]], submit=()) -> None:
        for sid, posts in picks.items():
            for post in posts:
                assert self.by(sid, "ballot", post=post), (sid, post)
        for sid in submit:
            assert self.by(sid, "submit")

    def refused(self, actor, cmd: dict, code: Optional[str] = None) -> Refusal:
        """`cmd` is refused, gives no events and changes nothing (also after a replay)."""
        before = snapshot(self.room)
        with pytest.raises(Refusal) as info:
            decide(self.room, actor, cmd)
        assert snapshot(self.room) == before
        assert snapshot(replay(self.events)) == before
        if code is not None:
            assert info.value.code == code, (cmd, info.value.code, info.value.params)
        return info.value

    def view(self, viewer=FAC) -> dict:
        return json.loads(json.dumps(prio_view(self.room, viewer), default=str))

    def cost(self, posts) -> int:
        return sum(self.room.prio.horizon.by_id[p].cost for p in posts)


# ---------------------------------------------------------------------------------------------
# FINANCE.md: costs over the horizon and the budgets, recomputed with resolve_year

def social_used_per_year(s, posts: tuple[str, ...]) -> list[Decimal]:
    """social_budget_used per year over the horizon: projects in year 1, `repeat` programmes every year."""
    state, out = initial_state(s), []
    for year in range(1, s.prioriteiten.horizon + 1):
        chosen = posts if year == 1 else tuple(p for p in posts if s.option(p).repeat)
        r = resolve_year(state, s, year, Decisions(s.baseline_rent_policy, chosen))
        out.append(r.figures["social_budget_used"])
        state = r.state
    return out


def free_room(s) -> Decimal:
    """Σ over the horizon of (balanced social budget − baseline social_budget_used)."""
    share = next(f for f in s.frames if f.id == "balanced").social_share
    state, total = initial_state(s), Decimal(0)
    for year in range(1, s.prioriteiten.horizon + 1):
        f = resolve_year(state, s, year, Decisions(s.baseline_rent_policy, ())).figures
        total += share * (f["dividend"] - f["interest"] - f["vpb_total"]) - f["social_budget_used"]
        state = resolve_year(state, s, year, Decisions(s.baseline_rent_policy, ())).state
    return total


def test_year_one_of_the_horizon_is_the_worked_example():
    s = load_text(REGIO)
    f = resolve_year(initial_state(s), s, 1, Decisions("inflation", ())).figures
    assert f["social_budget_used"] == Decimal("51284557.50")
    assert f["dividend"] - f["interest"] - f["vpb_total"] == Decimal("69366835")  # the balanced social budget


def test_a_posts_cost_is_the_extra_social_budget_used_over_the_horizon():
    g = Prio(start=False)
    s, horizon = g.room.scenario, g.room.prio.horizon
    assert s.prioriteiten.horizon == 5
    base = social_used_per_year(s, ())
    # M1, a yearly programme of 300,000: exactly 5 x 300,000
    m1 = social_used_per_year(s, ("M1",))
    assert [a - b for a, b in zip(m1, base)] == [Decimal(300000)] * 5
    assert sum(m1) - sum(base) == Decimal(1500000)
    assert horizon.by_id["M1"].cost == 1_500_000 and horizon.by_id["M1"].repeat
    # P1, a project carried out in year 1 (its effects run on in the later years)
    p1 = social_used_per_year(s, ("P1",))
    diff = sum(p1) - sum(base)
    assert diff > 0 and p1[0] != base[0]
    assert horizon.by_id["P1"].cost == int(diff.to_integral_value())
    assert not horizon.by_id["P1"].repeat
    # every post on the table, the same way
    assert [p.id for p in horizon.posts] == s.prioriteiten.posts and len(horizon.posts) == 19
    for post in horizon.posts:
        d = sum(social_used_per_year(s, (post.id,))) - sum(base)
        assert post.cost == max(1, int(d.to_integral_value())), post.id


def test_budgets_are_weight_shares_of_the_free_room_times_the_budget_factor():
    g = Prio()
    s, ps = g.room.scenario, g.room.prio
    room = free_room(s)
    assert room > 0
    assert ps.joint_budget == int(room)
    factor = Decimal("2.5")
    assert s.prioriteiten.budget_factor == factor
    assert set(ps.budgets) == set(STAKEHOLDERS)
    for sid, budget in ps.budgets.items():
        assert abs(Decimal(budget) - room * factor / 6) <= 1, sid
    assert abs(sum(ps.budgets.values()) - room * factor) <= 6
    # the budgets are in the start event: a replay gives the same, whatever the code computes later
    started = next(e for e in g.events if e["type"] == "private_round_started")
    assert started["budgets"] == ps.budgets
    assert snapshot(replay(g.events)) == snapshot(g.room)


def test_lobby_weights_change_the_budgets_in_proportion_and_freeze_at_the_start():
    g = Prio(start=False)
    assert g.fac("set_weight", stakeholder="huurders", weight=3)
    assert g.fac("set_weight", stakeholder="zorg", weight="0.5")
    assert g.fac("set_weight", stakeholder="zorg", weight="1/2") == []  # the same weight: no event
    for bad in (0, -1, "abc", 101, True, None, "1e-9999", "1e-30000000", [1], {"w": 1}, "nan", "inf"):
        g.refused(FAC, {"type": "set_weight", "stakeholder": "huurders", "weight": bad}, "bad_weight")
    for who in ("nobody", None, ["huurders"], {"id": "zorg"}):
        g.refused(FAC, {"type": "set_weight", "stakeholder": who, "weight": 2}, "unknown_stakeholder")
    g.refused(("player", "p1"), {"type": "set_weight", "stakeholder": "huurders", "weight": 2}, "not_facilitator")
    g.fac("start")
    ps = g.room.prio
    room = free_room(g.room.scenario) * Decimal("2.5")
    total_w = Decimal(3) + Decimal("0.5") + 4
    expected = {"huurders": room * 3 / total_w, "zorg": room * Decimal("0.5") / total_w}
    for sid in STAKEHOLDERS:
        assert abs(Decimal(ps.budgets[sid]) - expected.get(sid, room / total_w)) <= 1, sid
    assert abs(ps.budgets["huurders"] - 3 * ps.budgets["stadsveld"]) <= 3
    assert abs(2 * ps.budgets["zorg"] - ps.budgets["stadsveld"]) <= 2
    # C14: once the round is open its rules and numbers are frozen
    for stage_cmd in (None, "lock", "reveal"):
        if stage_cmd:
            g.fac(stage_cmd)
        g.refused(FAC, {"type": "set_weight", "stakeholder": "huurders", "weight": 1}, "weights_frozen")
        assert g.room.prio.budgets == ps.budgets and g.room.prio.weights["huurders"] == 3


# ---------------------------------------------------------------------------------------------
# The private round: ballots

def test_a_pick_over_the_budget_is_refused_with_the_amounts():
    g = Prio()
    budget = g.room.prio.budgets["huurders"]
    assert g.by("huurders", "ballot", post="P5")
    total = g.cost(["P5", "P1"])
    assert g.cost(["P5"]) <= budget < total
    r = g.refused(("player", g.pid("huurders")), {"type": "ballot", "post": "P1"}, "over_budget")
    assert r.params == {"cost": euros(total), "budget": euros(budget), "over": euros(total - budget)}
    msg = r.message("nl")
    assert euros(total) in msg and euros(budget) in msg and "past niet in je budget" in msg
    assert g.room.prio.ballots["huurders"].posts == {"P5"}
    # a cheaper post still fits; another stakeholder's budget is its own
    assert g.by("huurders", "ballot", post="M1")
    assert g.by("stadsveld", "ballot", post="P1")
    # every ballot within its budget
    for sid, b in g.room.prio.ballots.items():
        assert g.cost(b.posts) <= g.room.prio.budgets[sid]


def test_cumulative_ballot_spreads_whole_points_up_to_the_allowed_sum():
    g = Prio(variant(cumulative=True))
    assert g.room.scenario.prioriteiten.ballot == "cumulative" and g.room.scenario.prioriteiten.points == 100
    me = ("player", g.pid("huurders"))
    assert g.by("huurders", "points", post="M1", points=60)
    assert g.by("huurders", "points", post="G1", points=40)
    r = g.refused(me, {"type": "points", "post": "M2", "points": 1}, "too_many_points")
    assert r.params == {"total": 101, "max": 100} and "100 punten" in r.message("nl")
    g.refused(me, {"type": "points", "post": "M1", "points": 61}, "too_many_points")
    assert g.by("huurders", "points", post="M1", points=30)      # lowering frees points
    assert g.by("huurders", "points", post="M2", points=30)
    assert g.by("huurders", "points", post="M2", points=30) == []  # a repeat changes nothing
    for bad in (-1, 2.5, 5.0, "5", True, False, None, [5], {"n": 5}):
        g.refused(me, {"type": "points", "post": "G2", "points": bad}, "invalid_command")
    g.refused(me, {"type": "ballot", "post": "G2"}, "invalid_command")  # a knapsack command here
    assert g.by("huurders", "points", post="M1", points=0)
    b = g.room.prio.ballots["huurders"]
    assert b.points == {"G1": 40, "M2": 30} and b.chosen() == ["G1", "M2"]
    # another stakeholder has its own 100 points
    assert g.by("stadsveld", "points", post="P5", points=100)
    assert snapshot(replay(g.events)) == snapshot(g.room)


def test_points_in_a_knapsack_room_and_unknown_posts_are_refused():
    g = Prio()
    me = ("player", g.pid("huurders"))
    g.refused(me, {"type": "points", "post": "M1", "points": 10}, "invalid_command")
    for post in ("X9", "m1", "", None, 5, ["M1"], {"id": "M1"}, "P6"):  # P6 is an option, but not a post here
        g.refused(me, {"type": "ballot", "post": post}, "unknown_option")
    g.refused(me, {"type": "ballot"}, "unknown_option")
    g.refused(me, {"type": "frobnicate", "post": "M1"}, "unknown_command")
    g.refused(FAC, {"type": "ballot", "post": "M1"}, "not_a_player")
    g.refused(("player", "p99"), {"type": "ballot", "post": "M1"}, "not_authenticated")
    c = Prio(variant(cumulative=True))
    for post in ("X9", None, ["M1"]):
        c.refused(("player", c.pid("huurders")), {"type": "points", "post": post, "points": 5}, "unknown_option")


def test_repeats_are_harmless_submit_gives_a_receipt_and_a_change_makes_a_draft_again():
    g = Prio()
    me = g.pid("huurders")
    assert g.by("huurders", "ballot", post="M1")
    assert g.by("huurders", "ballot", post="M1") == []                 # repeated: no events
    assert g.by("huurders", "ballot", post="G1", selected=False) == []  # not chosen, not deselected
    assert g.view(("player", me))["mine"]["status"] == "draft"
    (e,) = g.by("huurders", "submit")
    assert e["type"] == "ballot_submitted" and e["stakeholder"] == "huurders"
    b = g.room.prio.ballots["huurders"]
    assert b.submitted and b.receipt == f"S-{g.room.version}"
    mine = g.view(("player", me))["mine"]
    assert mine["status"] == "submitted" and mine["receipt"] == b.receipt and mine["submitted"]
    assert g.by("huurders", "submit") == []           # a double click on submit is harmless
    assert g.room.prio.ballots["huurders"].receipt == b.receipt
    assert g.by("huurders", "ballot", post="G1")      # a change after submit ...
    b = g.room.prio.ballots["huurders"]
    assert not b.submitted and b.receipt is None      # ... is a draft again, without the old receipt
    assert g.view(("player", me))["mine"]["status"] == "draft"
    assert {s["id"]: s["status"] for s in g.view()["stakeholders"]}["huurders"] == "draft"
    (e,) = g.by("huurders", "submit")
    assert g.room.prio.ballots["huurders"].receipt == f"S-{g.room.version}"
    # an empty submitted ballot says so too
    assert g.by("stadsveld", "submit")
    assert {s["id"]: s["status"] for s in g.view()["stakeholders"]}["stadsveld"] == "submitted"
    assert snapshot(replay(g.events)) == snapshot(g.room)


def test_a_ballot_after_the_lock_is_refused_and_a_submit_before_it_counts():
    g = Prio()
    g.pick({"huurders": ["M1"], "stadsveld": ["G1"]})
    assert g.by("huurders", "submit")  # C7: the submission arrives before the lock: it counts
    (lock,) = g.fac("lock")
    assert "huurders" not in lock["unsubmitted"]
    for sid, cmd in (("stadsveld", {"type": "submit"}), ("stadsveld", {"type": "ballot", "post": "M2"}),
                     ("huurders", {"type": "ballot", "post": "M1", "selected": False})):
        g.refused(("player", g.pid(sid)), cmd, "round_locked")
    assert g.fac("lock") == []  # a repeated lock changes nothing
    g.fac("reveal")
    results = g.room.prio.results
    assert g.fac("reveal") == [] and g.room.prio.results is results  # computed exactly once
    g.refused(("player", g.pid("stadsveld")), {"type": "submit"}, "round_locked")
    g.fac("open_joint", start_from="mes")
    g.refused(("player", g.pid("stadsveld")), {"type": "ballot", "post": "M2"}, "round_locked")


def test_the_lock_marks_unsubmitted_stakeholders_and_keeps_their_last_draft():
    for reason in (None, "timer"):  # keep_draft (the default policy): manual or timer lock alike
        g = Prio()
        assert g.room.scenario.timeout_policy == "keep_draft"
        g.pick({"huurders": ["M1"], "stadsveld": ["G1", "M2"]}, submit=["huurders"])
        (e,) = g.fac("lock", **({"reason": reason} if reason else {}))
        assert e["unsubmitted"] == ["stadsveld", "dijkhoven", "lindeloo", "zorg", "bestuur"]
        ballots = g.room.prio.ballots
        by_clock = reason == "timer"  # timed_out only when the clock locked the round (C6)
        assert not ballots["huurders"].unsubmitted and ballots["stadsveld"].unsubmitted
        assert ballots["stadsveld"].timed_out == by_clock and not ballots["huurders"].timed_out
        assert ballots["stadsveld"].posts == {"G1", "M2"}   # the last draft is kept
        assert ballots["huurders"].posts == {"M1"}
        fac = {s["id"]: s for s in g.view()["stakeholders"]}
        assert fac["stadsveld"]["unsubmitted"] and not fac["huurders"]["unsubmitted"]
        assert fac["stadsveld"]["timed_out"] == by_clock
        assert all(s["status"] == "locked" for s in fac.values())
        mine = g.view(("player", g.pid("stadsveld")))["mine"]
        assert mine["unsubmitted"] and mine["timed_out"] == by_clock and mine["posts"] == ["G1", "M2"]
        g.fac("reveal")
        pk = {p["stakeholder"]: p for p in g.view()["reveal"]["packages"]}
        assert pk["stadsveld"]["posts"] == ["G1", "M2"] and pk["stadsveld"]["unsubmitted"]
        assert pk["stadsveld"]["timed_out"] == by_clock
        assert snapshot(replay(g.events)) == snapshot(g.room)


def test_abstain_policy_drops_the_unsubmitted_draft_on_a_timer_lock():
    g = Prio(variant(abstain=True))
    assert g.room.scenario.timeout_policy == "abstain"
    g.pick({"huurders": ["M1"], "stadsveld": ["G1", "M2"]}, submit=["huurders"])
    (e,) = g.fac("lock", reason="timer")
    assert e["timed_out"] == e["unsubmitted"] and "stadsveld" in e["timed_out"] and e["policy"] == "abstain"
    ballots = g.room.prio.ballots
    assert ballots["stadsveld"].timed_out and ballots["stadsveld"].chosen() == []  # dropped
    assert ballots["huurders"].posts == {"M1"} and not ballots["huurders"].timed_out  # submitted: kept
    assert snapshot(replay(g.events)) == snapshot(g.room)
    g.fac("reveal")
    pk = {p["stakeholder"]: p for p in g.view()["reveal"]["packages"]}
    assert pk["stadsveld"]["posts"] == [] and pk["huurders"]["posts"] == ["M1"]
    # a lock by hand (not the clock) keeps the draft, marked unsubmitted but not timed_out
    h = Prio(variant(abstain=True))
    h.pick({"stadsveld": ["G1"]})
    h.fac("lock")
    b = h.room.prio.ballots["stadsveld"]
    assert b.posts == {"G1"} and b.unsubmitted and not b.timed_out
    h.fac("reopen")
    assert not b.unsubmitted and not b.timed_out and h.room.stage == "open"


# ---------------------------------------------------------------------------------------------
# The reveal: joint packages

# every stakeholder backs M1 (the common ground); the rest differs
REVEAL_PICKS = {"huurders": ["M1", "P5"], "stadsveld": ["M1", "P1", "G6", "M5"], "dijkhoven": ["M1", "G8", "P4", "G1"],
                "lindeloo": ["M1", "G8", "G3"], "zorg": ["M1", "G2", "G7", "M2"], "bestuur": ["M1", "P5"]}


def revealed(text: str = REGIO, picks=REVEAL_PICKS, weights: Optional[dict] = None) -> Prio:
    g = Prio(text, start=False)
    for sid, w in (weights or {}).items():
        g.fac("set_weight", stakeholder=sid, weight=w)
    g.fac("start")
    g.pick(picks, submit=list(picks))
    g.fac("lock")
    g.fac("reveal")
    return g


def check_packages(g: Prio) -> dict:
    """Both joint packages against the joint budget, the payments, shares and the common ground."""
    ps = g.room.prio
    r, view = ps.results, g.view()
    budget = ps.joint_budget
    chosen = {s: set(ps.ballots[s].chosen()) for s in r["voters"]}
    assert r["voters"] == STAKEHOLDERS and r["budget"] == budget
    for key in ("greedy", "mes"):
        out, shown = r[key], view["reveal"][key]
        assert out["total_cost"] == g.cost(out["selected"]) <= budget, key
        assert sorted(out["order"]) == out["selected"]
        total = g.cost(out["selected"])
        for s in r["voters"]:
            share = Fraction(g.cost(chosen[s] & set(out["selected"])), total) if total else 0
            assert out["shares"][s] == share, (key, s)
            assert shown["shares"][s] == pytest.approx(float(share), abs=1e-6)
        assert shown["empty_handed"] == [s for s in r["voters"] if out["shares"][s] == 0]
        assert shown["selected"] == out["selected"] and shown["total_cost"] == total
    # MES: every selected post is paid in full, only by stakeholders who backed it
    mes, pays = r["mes"], r["mes"]["payments"]
    for post in mes["selected"]:
        assert sum(p.get(post, 0) for p in pays.values()) == ps.horizon.by_id[post].cost, post
    for s, p in pays.items():
        assert set(p) <= chosen[s], s
        assert all(v >= 0 for v in p.values())
    # ... and nobody pays more than its share of the run that chose the package
    rule = g.room.scenario.prioriteiten.joint_rule
    again = aggregate.aggregate(rule, [aggregate.Project(p.id, p.cost) for p in ps.horizon.posts],
                                [aggregate.Ballot(s, {x: 1 for x in chosen[s]}, ps.weights[s]) for s in r["voters"]],
                                budget)
    assert again.selected == mes["order"]
    for s in r["voters"]:
        assert sum(pays.get(s, {}).values(), Fraction(0)) <= again.voter_budget * ps.weights[s], s
    # the common ground: the posts every voter backed
    assert view["reveal"]["common"] == [p.id for p in ps.horizon.posts if all(p.id in chosen[s] for s in chosen)]
    return view


def test_the_reveal_computes_both_joint_packages_within_the_joint_budget():
    g = revealed()
    view = check_packages(g)
    assert view["reveal"]["common"] == ["M1"]
    assert view["reveal"]["matrix"]["P5"] == ["huurders", "bestuur"]
    assert view["reveal"]["mes"]["rule"] == "mes-add1"
    # the packages' consequences and the municipality split are there, the split adds up
    for key in ("greedy", "mes"):
        pkg = view["reveal"][key]
        assert pkg["consequences"]["cost"] == pkg["total_cost"]
        rows = pkg["municipalities"]
        assert sum(r["spent"] for r in rows) == pytest.approx(pkg["total_cost"])
        assert sum(r["pro_rata_share"] for r in rows) == pytest.approx(1)
        assert sum(r["need_share"] for r in rows) == pytest.approx(1)


def test_plain_mes_with_weights_pays_nobody_more_than_its_weighted_share():
    picks = {"huurders": ["P5", "G8"], "stadsveld": ["G6", "P1", "M1"], "dijkhoven": ["G8", "M1"],
             "lindeloo": ["G8", "G3"], "zorg": ["G2", "M2", "M1"], "bestuur": ["G7", "P4"]}
    g = revealed(variant(joint_rule="mes"), picks, weights={"huurders": 2, "zorg": "0.5"})
    assert g.room.scenario.prioriteiten.joint_rule == "mes"
    check_packages(g)
    ps = g.room.prio
    total_w = sum(ps.weights.values())
    for s, pays in ps.results["mes"]["payments"].items():
        assert sum(pays.values(), Fraction(0)) <= ps.joint_budget * ps.weights[s] / total_w, s


def test_mes_gives_a_minority_its_share_where_greedy_gives_it_nothing():
    majority, minority = ["P5", "G8", "G7", "G6"], ["P1", "P4"]
    picks = {s: majority for s in STAKEHOLDERS[:4]} | {s: minority for s in STAKEHOLDERS[4:]}
    g = revealed(variant(budget_factor="6"), picks)
    ps = g.room.prio
    assert g.cost(majority) <= ps.joint_budget < g.cost(majority) + min(g.cost([p]) for p in minority)
    view = check_packages(g)
    greedy, mes = view["reveal"]["greedy"], view["reveal"]["mes"]
    assert greedy["selected"] == sorted(majority)
    assert greedy["empty_handed"] == ["zorg", "bestuur"]
    assert set(minority) <= set(mes["selected"])
    assert mes["empty_handed"] == []
    assert all(mes["shares"][s] > 0 for s in ("zorg", "bestuur"))
    assert view["reveal"]["common"] == []


# ---------------------------------------------------------------------------------------------
# The joint round and the debrief

def test_the_joint_round_starts_from_a_package_and_stays_within_the_joint_budget():
    g = Prio()
    g.pick(REVEAL_PICKS)
    g.fac("lock")
    g.refused(FAC, {"type": "open_joint", "start_from": "mes"}, "not_revealed")
    g.refused(FAC, {"type": "joint_select", "post": "M1"}, "wrong_phase")
    g.fac("reveal")
    g.refused(FAC, {"type": "open_joint", "start_from": "best"}, "invalid_command")
    g.refused(("player", "p1"), {"type": "open_joint", "start_from": "mes"}, "not_facilitator")
    g.refused(("player", "p1"), {"type": "approve", "vote": "approve"}, "wrong_phase")
    ps = g.room.prio
    for start in ("greedy", "mes"):  # both start packages, on a replayed copy of the room
        other = replay(g.events)
        (e,) = decide(other, FAC, {"type": "open_joint", "start_from": start})
        apply(other, e)
        assert sorted(other.prio.joint) == ps.results[start]["selected"] and other.prio.joint_from == start
    assert g.fac("open_joint", start_from="greedy")
    assert g.fac("open_joint", start_from="mes") == []  # already open: changes nothing
    j = g.view()["joint"]
    assert j["posts"] == ps.results["greedy"]["selected"] and j["start_from"] == "greedy"
    assert j["budget"] == ps.joint_budget and j["cost"] == g.cost(j["posts"])
    # adding a post beyond the joint budget is refused with the amounts
    outside = [p.id for p in ps.horizon.posts if p.id not in ps.joint]
    too_much = next(p for p in outside if g.cost(ps.joint | {p}) > ps.joint_budget)
    r = g.refused(FAC, {"type": "joint_select", "post": too_much}, "over_joint_budget")
    assert r.params == {"cost": euros(g.cost(ps.joint | {too_much})), "budget": euros(ps.joint_budget)}
    g.refused(FAC, {"type": "joint_select", "post": ["M1"]}, "unknown_option")
    g.refused(("player", "p1"), {"type": "joint_select", "post": "M1"}, "not_facilitator")
    g.refused(FAC, {"type": "approve", "vote": "approve"}, "not_a_player")
    # approvals, reset when the package changes
    assert g.by("huurders", "approve", vote="approve")
    assert g.by("huurders", "approve", vote="approve") == []
    assert g.by("zorg", "approve", vote="object")
    g.refused(("player", g.pid("zorg")), {"type": "approve", "vote": "maybe"}, "invalid_command")
    assert g.room.prio.approvals == {"huurders": "approve", "zorg": "object"}
    assert g.fac("joint_select", post="P5", selected=False)
    assert g.room.prio.approvals == {}
    assert g.fac("joint_select", post="P5", selected=False) == []
    fits = next(p for p in outside if g.cost(ps.joint | {p}) <= ps.joint_budget)
    assert g.by("stadsveld", "approve", vote="approve")
    assert g.fac("joint_select", post=fits)
    assert g.room.prio.approvals == {} and g.cost(g.room.prio.joint) <= ps.joint_budget
    assert snapshot(replay(g.events)) == snapshot(g.room)


def test_a_stale_round_is_refused_in_every_phase_and_parties_are_fixed_once_the_round_opens():
    """The prioriteitenspel has one round; a command that names another one (a stale or replayed
    command) is refused in every phase, the joint round included. Who speaks for which party is
    set in the lobby: after that `assign` is refused, so no party loses its members mid-game."""
    g = Prio(start=False)
    assert g.fac("assign", player="p1", stakeholder="bestuur")  # the lobby: fine
    g.fac("start")
    mover = g.pid("stadsveld")

    def stale(actor, cmd):
        for rnd in (0, 2, 99, -5):
            g.refused(actor, {**cmd, "round": rnd}, "wrong_round")

    stale(("player", mover), {"type": "ballot", "post": "M1", "selected": True})
    stale(FAC, {"type": "lock"})
    g.refused(FAC, {"type": "assign", "player": mover, "stakeholder": "bestuur", "round": 1}, "wrong_phase")
    g.pick(REVEAL_PICKS)
    g.fac("lock", round=1)
    stale(FAC, {"type": "reveal"})
    g.refused(FAC, {"type": "assign", "player": mover, "stakeholder": "bestuur"}, "wrong_phase")
    g.fac("reveal", round=1)
    stale(FAC, {"type": "open_joint", "start_from": "mes"})
    g.fac("open_joint", start_from="mes", round=1)
    assert g.room.phase == "joint" and g.room.round == 1
    stale(("player", mover), {"type": "approve", "vote": "object"})
    stale(FAC, {"type": "joint_select", "post": "P2", "selected": True})
    stale(FAC, {"type": "close_joint"})
    g.refused(FAC, {"type": "assign", "player": mover, "stakeholder": "bestuur", "round": 1}, "wrong_phase")
    assert g.room.prio.assignment[mover] == "stadsveld"
    assert g.by("stadsveld", "approve", vote="object", round=1)
    assert g.room.prio.approvals == {"stadsveld": "object"}


def test_another_private_round_rotates_the_parties_and_keeps_the_revealed_one_for_the_debrief():
    """After a reveal the facilitator may play another private round (up to the scenario's
    `rounds`): every player group speaks for the next party, so staff feel another position.
    Budgets stay with the parties; ballots start empty; the round before stays as revealed."""
    g = Prio(players=4)  # four players for six parties: two parties sit out
    before = dict(g.room.prio.assignment)
    assert sorted(before.values()) == ["dijkhoven", "huurders", "lindeloo", "stadsveld"]
    budgets = dict(g.room.prio.budgets)
    g.refused(FAC, {"type": "next_round"}, "not_revealed")
    picks = {"huurders": ["M1", "P5"], "stadsveld": ["M1", "P1"]}
    g.pick(picks, submit=list(picks))
    g.fac("lock", round=1)
    g.refused(FAC, {"type": "next_round"}, "not_revealed")
    g.fac("reveal")
    first = g.room.prio.results
    (e,) = g.fac("next_round", round=1)
    assert e["type"] == "private_round_started" and e["round"] == 2 and e["rotated"] is True
    ps = g.room.prio
    order = STAKEHOLDERS
    assert ps.assignment == {pid: order[order.index(sid) + 1] for pid, sid in before.items()}
    assert g.room.stage == "open" and g.room.round == 2 and ps.budgets == budgets and ps.results is None
    assert all(not b.chosen() and not b.submitted and b.receipt is None for b in ps.ballots.values())
    assert ps.history == [{"round": 1, "assignment": before, "results": first,
                           "ballots": {s: {"posts": sorted(picks.get(s, [])), "points": {}, "unsubmitted":
                                           s in ("dijkhoven", "lindeloo"), "timed_out": False}
                                       for s in STAKEHOLDERS}}]
    assert g.fac("next_round", round=1) == []  # a replayed "next" is harmless
    for bad in (0, -1, -10**9, "1"):  # ... a round that never was is not
        g.refused(FAC, {"type": "next_round", "round": bad}, "wrong_round")
    g.refused(FAC, {"type": "next_round", "round": 2}, "not_revealed")
    # the player who spoke for the tenants now speaks for Stadsveld, with Stadsveld's budget
    tenant = next(p for p, s in before.items() if s == "huurders")
    g.refused(("player", tenant), {"type": "ballot", "post": "M1", "round": 1}, "wrong_round")
    g.player(tenant, "ballot", post="G6", round=2)
    v = g.view(("player", tenant))
    assert v["viewer"]["stakeholder"] == "stadsveld" and v["mine"]["budget"] == budgets["stadsveld"]
    assert v["mine"]["posts"] == ["G6"]
    # round 1 is public (it was revealed); round 2's ballots are not, until its reveal
    other = ("player", next(p for p, s in before.items() if s == "stadsveld"))
    for viewer in (other, FAC, SCREEN):
        w = g.view(viewer)
        assert "reveal" not in w and w.get("mine", {}).get("posts", []) == []
        (r1,) = w["earlier_rounds"]
        pk = {p["stakeholder"]: p for p in r1["packages"]}
        assert pk["huurders"]["posts"] == ["M1", "P5"] and pk["huurders"]["cost"] == g.cost(["M1", "P5"])
        assert pk["huurders"]["members"] == [g.room.players[tenant].name]
        assert r1["mes"] == first["mes"]["selected"] and r1["greedy"] == first["greedy"]["selected"]
        assert "G6" not in json.dumps(w["earlier_rounds"])
    # round 2 to the reveal, then round 3 without rotation, then no fourth
    g.player(tenant, "submit", round=2)
    g.fac("lock")
    g.fac("reveal")
    assert g.view(other)["reveal"]["packages"][0]["stakeholder"] == "stadsveld"
    g.fac("next_round", rotate=False)
    assert g.room.round == 3 and ps.assignment[tenant] == "stadsveld" and len(ps.history) == 2
    g.fac("lock")
    g.fac("reveal")
    assert g.room.prio.results["voters"] == ["stadsveld", "dijkhoven", "lindeloo", "zorg"]
    g.refused(FAC, {"type": "next_round"}, "last_private_round")
    g.fac("open_joint", start_from="mes")
    g.refused(FAC, {"type": "next_round"}, "joint_open")
    g.fac("close_joint")
    assert g.fac("close_joint") == [] and g.fac("end") == []  # a double click on close is harmless
    assert snapshot(replay(g.events)) == snapshot(g.room)
    assert prio_view(replay(g.events), FAC) == prio_view(g.room, FAC)


def test_an_earlier_round_names_who_played_it_not_who_joined_or_was_removed_later():
    """Who spoke for a party in a round is fixed at its reveal: a late joiner after it is not
    credited with it, and a player removed after it keeps their round but does not rotate on."""
    g = Prio(players=4)  # huurders, stadsveld, dijkhoven, lindeloo
    g.fac("lock")
    g.fac("reveal")
    late = g.join("Laat")  # joins between the reveal and the next round
    assert g.room.prio.assignment[late] == "zorg"
    gone = g.pid("huurders")
    g.fac("remove_player", player=gone)
    g.fac("next_round", rotate=True)
    ps = g.room.prio
    assert gone not in ps.assignment and ps.assignment[late] == "bestuur"
    (r1,) = g.view(SCREEN)["earlier_rounds"]
    members = {p["stakeholder"]: p["members"] for p in r1["packages"]}
    assert members["huurders"] == [g.room.players[gone].name]
    assert "Laat" not in json.dumps(r1)
    assert g.view(("player", late))["viewer"]["earlier_stakeholders"] == [{"round": 1, "stakeholder": None}]
    assert snapshot(replay(g.events)) == snapshot(g.room)


def test_close_joint_finishes_with_the_agreed_package_and_who_gave_way_most():
    g = revealed()
    ps = g.room.prio
    g.fac("open_joint", start_from="empty")
    assert ps.joint == set()
    agreed = ["M1", "P5", "G6", "G8", "M2"]
    for p in agreed:
        g.fac("joint_select", post=p)
    for sid in STAKEHOLDERS[:5]:
        g.by(sid, "approve", vote="approve")
    g.by("bestuur", "approve", vote="object")
    (e,) = g.fac("close_joint")
    assert e["type"] == "game_ended" and e["agreed"] == sorted(agreed)
    assert g.room.stage == "finished" and g.room.phase == "finished"
    view = g.view(SCREEN)
    assert view["joint"]["posts"] == sorted(agreed)
    assert view["joint"]["approvals"]["bestuur"] == "object"
    debrief = {d["stakeholder"]: d for d in view["debrief"]}
    assert list(debrief) == STAKEHOLDERS
    kept = {}
    for sid, d in debrief.items():
        own = set(REVEAL_PICKS[sid])
        assert d["private_cost"] == g.cost(own)
        kept[sid] = Fraction(g.cost(own & set(agreed)), g.cost(own))
        assert d["kept_agreed"] == pytest.approx(float(kept[sid]), abs=1e-6)
        assert d["kept_mes"] == pytest.approx(float(Fraction(g.cost(own & set(ps.results["mes"]["selected"])),
                                                             g.cost(own))), abs=1e-6)
    lowest = min(kept, key=kept.get)
    assert list(kept.values()).count(kept[lowest]) == 1  # the case has one clear answer
    assert [s for s, d in debrief.items() if d.get("gave_way_most")] == [lowest]
    # finished: nothing changes any more; an end is harmless
    g.refused(FAC, {"type": "joint_select", "post": "M2", "selected": False}, "game_finished")
    g.refused(("player", g.pid("huurders")), {"type": "approve", "vote": "object"}, "wrong_phase")
    g.refused(("player", g.pid("huurders")), {"type": "ballot", "post": "M2"}, "wrong_phase")
    assert g.fac("end") == []
    assert snapshot(replay(g.events)) == snapshot(g.room)


def test_when_every_package_made_it_whole_nobody_gave_way_and_ties_share_the_mark():
    small = {"huurders": ["M1"], "stadsveld": ["M2"], "dijkhoven": ["G1"]}
    g = revealed(picks=small)
    g.fac("open_joint", start_from="empty")
    for p in ("M1", "M2", "G1"):
        g.fac("joint_select", post=p)
    g.fac("close_joint")
    debrief = g.view(SCREEN)["debrief"]
    assert [d["kept_agreed"] for d in debrief if d["kept_agreed"] is not None] == [1.0, 1.0, 1.0]
    assert not any(d.get("gave_way_most") for d in debrief)
    g = revealed(picks=small)
    g.fac("open_joint", start_from="empty")
    g.fac("joint_select", post="M1")
    g.fac("close_joint")
    gave = [d["stakeholder"] for d in g.view(SCREEN)["debrief"] if d.get("gave_way_most")]
    assert gave == ["stadsveld", "dijkhoven"]  # both kept nothing: both gave way most


# ---------------------------------------------------------------------------------------------
# Replay: random command sequences

POSTS = ["P5", "G8", "G7", "G6", "M1", "G1", "X9"]  # mostly expensive: the budgets bite
TEXTS = {"knapsack": REGIO, "cumulative": variant(cumulative=True), "abstain": variant(abstain=True)}
PLAYER_IDS = [f"p{i}" for i in range(1, 8)]  # p7 exists only after a step makes someone join

ballots = st.builds(lambda p, on: {"type": "ballot", "post": p, "selected": on}, st.sampled_from(POSTS),
                    st.sampled_from([True, True, True, False]))
points = st.builds(lambda p, n: {"type": "points", "post": p, "points": n}, st.sampled_from(POSTS),
                   st.one_of(st.integers(0, 60), st.integers(-5, 120), st.sampled_from([2.5, "7", True, None])))
fac_moves = st.one_of(  # commands that move the round on (or back)
    st.sampled_from([{"type": "lock"}, {"type": "lock", "reason": "timer"}, {"type": "reveal"},
                     {"type": "reopen"}, {"type": "close_joint"}]),
    st.builds(lambda s: {"type": "open_joint", "start_from": s}, st.sampled_from(["greedy", "mes", "empty", "x"])),
    st.builds(lambda p, on: {"type": "joint_select", "post": p, "selected": on}, st.sampled_from(POSTS), st.booleans()),
    st.builds(lambda r: {"type": "next_round", "rotate": r}, st.booleans()),
)
fac_other = st.one_of(
    st.sampled_from([{"type": "start"}, {"type": "submit"}, {"type": "nonsense"}]),
    st.builds(lambda s, w: {"type": "set_weight", "stakeholder": s, "weight": w},
              st.sampled_from(STAKEHOLDERS + ["nobody"]), st.sampled_from([1, 2, "0.5", 3, 0, -1, "abc"])),
    st.builds(lambda p, s: {"type": "assign", "player": p, "stakeholder": s},
              st.sampled_from(PLAYER_IDS), st.sampled_from(STAKEHOLDERS)),
    st.builds(lambda p: {"type": "remove_player", "player": p}, st.sampled_from(PLAYER_IDS)),
)
as_player = lambda cmds: st.tuples(st.just("player"), st.sampled_from(PLAYER_IDS), cmds)
as_fac = lambda cmds: st.tuples(st.just("facilitator"), st.none(), cmds)
STEPS = {
    "ballot": as_player(ballots), "points": as_player(points),
    "submit": as_player(st.just({"type": "submit"})),
    "approve": as_player(st.builds(lambda v: {"type": "approve", "vote": v},
                                   st.sampled_from(["approve", "object", "meh"]))),
    "player_lock": as_player(st.just({"type": "lock"})),  # a player trying a facilitator command
    "move": as_fac(fac_moves), "other": as_fac(fac_other),
    "join": st.tuples(st.just("join"), st.sampled_from(["Nieuw", "Speler 1", "Laat"]), st.none()),
}


def steps_for(kind: str):
    """Mostly the ballot command of the room's kind, so that the budgets and the points cap are tested
    hard; a few of the other kind, and everything else."""
    mine, other = ("points", "ballot") if kind == "cumulative" else ("ballot", "points")
    return st.sampled_from([mine] * 12 + [other, "submit", "submit", "approve", "approve", "player_lock",
                            "move", "move", "move", "other", "other", "join"]).flatmap(STEPS.__getitem__)


END = ("facilitator", None, {"type": "end"})


def check_invariants(room) -> None:
    ps = room.prio
    cfg = room.scenario.prioriteiten
    for sid, b in ps.ballots.items():
        assert set(b.posts) | set(b.points) <= set(ps.horizon.by_id), sid
        if cfg.ballot == "knapsack":
            assert not b.points and ps.cost(b.posts) <= ps.budgets[sid], sid
        else:
            assert not b.posts and sum(b.points.values()) <= cfg.points, sid
            assert all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in b.points.values()), sid
    assert ps.cost(ps.joint) <= ps.joint_budget
    if ps.results:
        for key in ("greedy", "mes"):
            assert ps.results[key]["total_cost"] <= ps.joint_budget


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(TEXTS)), data=st.data(),
       lock=st.sampled_from([{"type": "lock"}, {"type": "lock", "reason": "timer"}]),
       start_from=st.sampled_from(["greedy", "mes", "empty"]), end_at=st.one_of(st.none(), st.integers(0, 5)))
def test_random_commands_keep_every_ballot_within_its_limits_and_replay_to_the_same_state(
        kind, data, lock, start_from, end_at):
    """Random commands from random actors, valid and not, in stretches between the commands that
    move the game on (start, lock, reveal, open_joint, close_joint), which may themselves be refused
    when a random command moved the game elsewhere; sometimes the game is ended early."""
    steps = steps_for(kind)
    lobby = data.draw(st.lists(steps, max_size=6), label="lobby")
    private = data.draw(st.lists(steps, min_size=20, max_size=50), label="private round")
    later = data.draw(st.lists(st.lists(steps, max_size=10), min_size=4, max_size=4), label="later")
    g = Prio(TEXTS[kind], players=6, start=False)
    moves = [{"type": "start"}, lock, {"type": "reveal"}, {"type": "open_joint", "start_from": start_from},
             {"type": "close_joint"}]
    seq = []
    for i, stretch in enumerate([lobby, private, *later]):
        seq += stretch
        if i == end_at:
            seq.append(END)
        if i < len(moves):
            seq.append(("facilitator", None, moves[i]))
    for who, arg, cmd in seq:
        before = snapshot(g.room)
        try:
            if who == "join":
                pid = f"p{len(g.ids) + 1}"
                events = join_events(g.room, pid, arg, token_hash("tok-" + pid))
                g.ids.append(pid)
            else:
                actor = FAC if who == "facilitator" else ("player", arg)
                events = decide(g.room, actor, cmd)
        except Refusal:
            assert snapshot(g.room) == before
            continue
        g._push(events)
        check_invariants(g.room)
    kinds = {e["type"] for e in g.events}
    n = sum(e["type"] in ("ballot_changed", "ballot_points") for e in g.events)
    event(f"ballot events: {'0' if not n else '1-5' if n <= 5 else '6-15' if n <= 15 else '>15'}")
    event("revealed" if "round_revealed" in kinds else "not revealed")
    event("joint round" if "joint_opened" in kinds else "no joint round")
    assert snapshot(replay(g.events)) == snapshot(g.room)
    assert prio_view(replay(g.events), FAC) == prio_view(g.room, FAC)


# ---------------------------------------------------------------------------------------------
# Views: what each viewer sees before and after the reveal

# each stakeholder's own posts: no two stakeholders share one
SECRET_PICKS = {"huurders": ["M5", "P8"], "stadsveld": ["M1", "G5"], "dijkhoven": ["G1", "G4"],
                "lindeloo": ["M2", "G3"], "zorg": ["G2", "M3"], "bestuur": ["P3", "P2"]}


def without_post_list(view: dict) -> str:
    """The view as text without the post list (which names every post, chosen or not)."""
    v = {k: val for k, val in view.items() if k != "posts"}
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def normalised(view: dict) -> dict:
    """A view without what legitimately changes: version, phase, the statuses (and receipts, checked
    apart) and the viewer's own ballot."""
    v = json.loads(json.dumps(view))
    v["room"].pop("version")
    v["room"].pop("phase")
    v.pop("mine", None)
    for s in v["stakeholders"]:
        s["status"] = "*"
        s.pop("receipt", None)
        s.pop("timed_out", None)
        s.pop("unsubmitted", None)
    return v


def test_before_the_reveal_a_player_sees_only_its_own_ballot_and_the_others_see_status():
    g = Prio()
    viewers = {sid: ("player", g.pid(sid)) for sid in STAKEHOLDERS} | {"facilitator": FAC, "screen": SCREEN}
    baseline = {who: g.view(v) for who, v in viewers.items()}
    for sid in STAKEHOLDERS:  # the baseline names no post outside the post list
        assert not any(f'"{p}"' in without_post_list(baseline[sid]) for ps in SECRET_PICKS.values() for p in ps)
    g.pick(SECRET_PICKS, submit=["huurders", "stadsveld", "dijkhoven"])
    expected_status = {s: "submitted" if s in ("huurders", "stadsveld", "dijkhoven") else "draft" for s in STAKEHOLDERS}

    def check(stage_status: Optional[str] = None) -> None:
        for who, viewer in viewers.items():
            view = g.view(viewer)
            text = without_post_list(view)
            full = json.dumps(view, ensure_ascii=False)
            own = who if who in SECRET_PICKS else None
            assert "reveal" not in view and "joint" not in view, who
            for sid, posts in SECRET_PICKS.items():
                for p in posts:
                    if sid == own:
                        assert f'"{p}"' in text, (who, p)
                    else:  # another stakeholder's post: only in the post list, as in the baseline
                        assert f'"{p}"' not in text, (who, sid, p)
                        assert full.count(f'"{p}"') == json.dumps(baseline[who], ensure_ascii=False).count(f'"{p}"')
            status = {s["id"]: s["status"] for s in view["stakeholders"]}
            assert status == ({s: stage_status for s in STAKEHOLDERS} if stage_status else expected_status), who
            assert normalised(view) == normalised(baseline[who]), who
            if own:
                assert view["mine"]["posts"] == sorted(SECRET_PICKS[own])
                assert view["mine"]["cost"] == g.cost(SECRET_PICKS[own])
                assert view["mine"]["stakeholder"] == own
            else:
                assert "mine" not in view, who
            # receipts and timed_out only for the facilitator and the stakeholder itself
            for s in view["stakeholders"]:
                if who != "facilitator" and s["id"] != own:
                    assert "receipt" not in s and "timed_out" not in s and "unsubmitted" not in s, (who, s["id"])

    check()
    g.fac("lock")  # locked is still before the reveal
    check("locked")
    g.fac("reveal")
    for who, viewer in viewers.items():  # after the reveal everyone sees every package
        view = g.view(viewer)
        packages = {p["stakeholder"]: p["posts"] for p in view["reveal"]["packages"]}
        assert packages == {s: sorted(p) for s, p in SECRET_PICKS.items()}, who
        for sid, posts in SECRET_PICKS.items():
            assert all(sid in view["reveal"]["matrix"][p] for p in posts)
