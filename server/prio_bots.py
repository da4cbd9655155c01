"""Bot players for the Prioriteitenspel (GAME.md mode 2), on the plumbing of server/bots.py.

Every bot represents the stakeholder the server assigned it at the start (round-robin; with
more bots than stakeholders several share one). Per stakeholder the first member in seat
order (the *lead*) builds the private package and submits it; the other members submit
too once they see it submitted (a harmless repeat). A knapsack package is a seeded random
choice of whole posts within the budget: a municipality prefers posts in its own
municipality, the others the themes of their kind; now and then the lead tries a post that
does not fit (the server must refuse it: 409 over_budget) or drops one it chose. A
cumulative ballot spreads points over a few posts, up to the cap (and now and then tries
one point too many: 409 too_many_points).

The facilitator gives one stakeholder a heavier weight in the lobby, starts, waits until
every stakeholder with members has submitted, locks, reveals, opens the joint round from
the MES package, toggles one or two posts within the joint budget (sometimes trying one that
does not fit: 409 over_joint_budget), waits until every stakeholder with members has
approved or objected, and closes. A bot's vote depends on the seed and its stakeholder only,
so a given seed gives the same game whatever the timing.

At the end: every private package, the greedy and MES joint packages with each
stakeholder's share and payments, and the agreed package, with the figures checked.
"""
from __future__ import annotations

import asyncio
import random
import time
from fractions import Fraction
from typing import Optional, TextIO

from .bots import ROUND_TIMEOUT, Client, Reply, Stats, Watcher

DARE_CHANCE = 0.5      # chance a lead tries one post over its budget (the server must refuse)
DROP_CHANCE = 0.3      # chance a lead drops one post it chose (exercises selected: false)
OWN_CHANCE = 0.9       # chance to take a fitting post in the own municipality / preferred theme
FLAGSHIP_CHANCE = 0.6  # chance a stakeholder considers its dearest favourite first
OTHER_CHANCE = 0.45    # chance to take any other fitting post
APPROVE_CHANCE = 0.7   # chance a stakeholder approves the joint package
MONEY_TOLERANCE = 0.05  # euros: payments arrive rounded to 6 decimals
SHARE_TOLERANCE = 1e-5
# what a stakeholder of each kind looks at first, besides its own municipality
KIND_THEMES = {
    "tenants": {"betaalbaarheid", "kwaliteit", "leefbaarheid", "renovatie"},
    "care": {"zorg", "senioren"},
    "corporation": {"verduurzaming", "bedrijfsvoering", "renovatie", "kwaliteit"},
    "municipality": {"nieuwbouw"},
}


def _rng(seed: int, *what) -> random.Random:
    return random.Random("prio-bots/" + "/".join(str(x) for x in (seed,) + what))


def stakeholder(view: dict, sid: Optional[str]) -> Optional[dict]:
    return next((s for s in view.get("stakeholders", []) if s["id"] == sid), None)


def lead_of(view: dict, sid: str) -> Optional[str]:
    """The player id of the stakeholder's first member in seat order."""
    return next((p["id"] for p in view.get("players", []) if p.get("stakeholder") == sid), None)


def preference(view: dict, sid: str, rng: random.Random, budget: float) -> list[tuple[dict, bool]]:
    """Posts in the order this stakeholder considers them, each with whether it is a favourite:
    its own municipality's posts (a municipality) or its kind's themes, then the rest; often its
    flagship (the dearest favourite within `budget`) first."""
    st = stakeholder(view, sid) or {}
    muni, themes = st.get("municipality"), KIND_THEMES.get(st.get("kind") or "", set())
    if muni:
        liked = lambda p: muni in (p.get("municipalities") or [])  # noqa: E731
    else:
        liked = lambda p: p.get("theme") in themes  # noqa: E731
    posts = list(view.get("posts", []))
    fav = [p for p in posts if liked(p)]
    rest = [p for p in posts if not liked(p)]
    rng.shuffle(fav)
    rng.shuffle(rest)
    if fav and rng.random() < FLAGSHIP_CHANCE:  # its flagship first: the dearest favourite that fits
        fitting = [p for p in fav if p["cost"] <= budget] or fav
        flagship = max(fitting, key=lambda p: (p["cost"], p["id"]))
        fav.remove(flagship)
        fav.insert(0, flagship)
    return [(p, True) for p in fav] + [(p, False) for p in rest]


# ---------------------------------------------------------------------------
# A player

class PrioBot:
    def __init__(self, name: str, player_id: str, client: Client, watcher: Watcher, seed: int,
                 stats: Stats, stop: asyncio.Event):
        self.name, self.id, self.client, self.watcher = name, player_id, client, watcher
        self.seed, self.stats, self.stop = seed, stats, stop
        self.sid: Optional[str] = None
        self.lead = False
        self.built = False          # the lead has built and submitted its package
        self.confirmed = False      # a member has submitted after its lead
        self.package: Optional[list[str]] = None   # the lead's package as submitted

    async def play(self) -> None:
        seen = -1
        while not self.stop.is_set():
            view = await self.watcher.wait_newer(seen)
            if view is None:
                await asyncio.sleep(0.2)
                continue
            seen = view["room"]["version"]
            phase = view["room"]["phase"]
            if phase == "finished":
                return
            self.sid = view.get("viewer", {}).get("stakeholder")
            if self.sid is None:
                continue
            self.lead = lead_of(view, self.sid) == self.id
            if phase == "choices":
                await self.private(view)
            elif phase == "joint" and self.lead:
                await self.vote(view)

    async def _do(self, cmd: dict, view: dict, **kw) -> tuple[Reply, dict]:
        reply = await self.client.command(cmd, **kw)
        return reply, (reply.view if reply.status == "ok" else view)

    async def private(self, view: dict) -> None:
        mine = view.get("mine")
        if mine is None:
            return
        if not self.lead:  # a member: submit once the lead has (a repeat changes nothing)
            st = stakeholder(view, self.sid) or {}
            if st.get("status") == "submitted" and not self.confirmed:
                self.confirmed = True
                await self._do({"type": "submit", "round": view["room"]["round"]}, view, late_ok=True)
            return
        if self.built:
            return
        self.built = True
        if view["scenario"].get("ballot") == "cumulative":
            view = await self.spread(view)
        else:
            view = await self.knapsack(view)
        if view is None:
            return
        reply, view = await self._do({"type": "submit", "round": view["room"]["round"]}, view)
        if reply.status != "ok":
            return
        mine = view.get("mine") or {}
        if not mine.get("submitted") or not mine.get("receipt"):
            self.stats.fail(f"{self.name}: submitted, but the view shows submitted={mine.get('submitted')} "
                            f"receipt={mine.get('receipt')}")
        self.package = sorted(set(mine.get("posts") or []) | {p for p, n in (mine.get("points") or {}).items() if n})

    def _check_mine(self, view: dict, chosen: set[str], cost: dict[str, int]) -> None:
        mine = view.get("mine") or {}
        spent = sum(cost[p] for p in chosen)
        if set(mine.get("posts") or []) != chosen or mine.get("cost") != spent \
                or mine.get("remaining") != mine.get("budget", 0) - spent:
            self.stats.fail(f"{self.name}: the view shows posts {sorted(mine.get('posts') or [])} costing "
                            f"{mine.get('cost')} (remaining {mine.get('remaining')}); expected {sorted(chosen)} "
                            f"costing {spent}")

    async def knapsack(self, view: dict) -> Optional[dict]:
        rng = _rng(self.seed, self.sid, "package")
        cost = {p["id"]: p["cost"] for p in view["posts"]}
        mine = view["mine"]
        budget = mine["budget"]
        chosen = set(mine.get("posts") or [])
        order = preference(view, self.sid, rng, budget)
        take = {p["id"]: rng.random() < (OWN_CHANCE if fav else OTHER_CHANCE) for p, fav in order}
        dare = rng.random() < DARE_CHANCE
        drop = rng.random() < DROP_CHANCE
        rnd = view["room"]["round"]
        for p, _ in order:
            pid = p["id"]
            if pid in chosen or not take[pid] or sum(cost[q] for q in chosen) + cost[pid] > budget:
                continue
            reply, view = await self._do({"type": "ballot", "round": rnd, "post": pid, "selected": True}, view)
            if reply.status != "ok":
                return None
            chosen.add(pid)
            self._check_mine(view, chosen, cost)
        if dare:  # one that does not fit: the server must refuse it
            left = budget - sum(cost[q] for q in chosen)
            over = [p["id"] for p, _ in order if p["id"] not in chosen and cost[p["id"]] > left]
            if over:
                pid = over[0]
                reply, view = await self._do({"type": "ballot", "round": rnd, "post": pid, "selected": True},
                                             view, expect={"over_budget"})
                if reply.status == "ok":
                    self.stats.fail(f"{self.name}: the server accepted {pid} ({cost[pid]}) with only {left} "
                                    f"of the budget left")
                    reply, view = await self._do({"type": "ballot", "round": rnd, "post": pid,
                                                  "selected": False}, view)
                elif reply.status != "refused":
                    return None
        if drop and chosen:
            pid = rng.choice(sorted(chosen))
            reply, view = await self._do({"type": "ballot", "round": rnd, "post": pid, "selected": False}, view)
            if reply.status != "ok":
                return None
            chosen.discard(pid)
            self._check_mine(view, chosen, cost)
        return view

    async def spread(self, view: dict) -> Optional[dict]:
        """A cumulative ballot: points over a few posts, favourites first, up to the cap. The
        posts given points fit the budget together (the server does not insist on that)."""
        rng = _rng(self.seed, self.sid, "points")
        cap = int(view["scenario"].get("points") or 100)
        budget = (view.get("mine") or {}).get("budget") or 0
        order = preference(view, self.sid, rng, budget)
        want = rng.randint(2, min(6, len(order)))
        picks: list[str] = []
        for p, _ in order:
            if len(picks) < want and sum(q["cost"] for q in view["posts"] if q["id"] in picks) + p["cost"] <= budget:
                picks.append(p["id"])
        if not picks:
            return view
        total = cap if rng.random() < 0.7 else cap - rng.randint(1, max(1, cap // 10))
        raw = [rng.random() + 0.2 for _ in picks]
        points = [int(total * r / sum(raw)) for r in raw]
        points[0] += total - sum(points)
        dare = rng.random() < DARE_CHANCE
        rnd = view["room"]["round"]
        given: dict[str, int] = dict((view.get("mine") or {}).get("points") or {})
        for pid, n in zip(picks, points):
            if n <= 0:
                continue
            reply, view = await self._do({"type": "points", "round": rnd, "post": pid, "points": n}, view)
            if reply.status != "ok":
                return None
            given[pid] = n
            used = (view.get("mine") or {}).get("points_used")
            if used != sum(given.values()):
                self.stats.fail(f"{self.name}: the view shows {used} points used; expected {sum(given.values())}")
        if dare:  # one point more than the cap allows: the server must refuse it
            pid = picks[-1]
            n = given.get(pid, 0) + cap - sum(given.values()) + 1
            reply, view = await self._do({"type": "points", "round": rnd, "post": pid, "points": n}, view,
                                         expect={"too_many_points"})
            if reply.status == "ok":
                self.stats.fail(f"{self.name}: the server accepted {n} points on {pid} past the cap of {cap}")
                reply, view = await self._do({"type": "points", "round": rnd, "post": pid,
                                              "points": given.get(pid, 0)}, view)
            elif reply.status != "refused":
                return None
        return view

    async def vote(self, view: dict) -> None:
        joint = view.get("joint") or {}
        if self.sid in (joint.get("approvals") or {}):
            return
        vote = "approve" if _rng(self.seed, self.sid, "vote").random() < APPROVE_CHANCE else "object"
        await self._do({"type": "approve", "vote": vote}, view)


# ---------------------------------------------------------------------------
# The facilitator

class PrioFacilitator:
    def __init__(self, client: Client, watcher: Watcher, seed: int, stats: Stats, stop: asyncio.Event,
                 out: TextIO):
        self.client, self.watcher, self.seed, self.stats, self.stop, self.out = client, watcher, seed, stats, stop, out
        self.weighted: Optional[tuple[str, str]] = None   # (stakeholder, weight) set in the lobby
        self.intended: Optional[list[str]] = None         # the joint package as the facilitator left it
        self.changes: list[str] = []                      # "+P1" / "-P3" after opening from MES

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def run(self) -> bool:
        view = await self.client.get_view()
        if view is None:
            return False
        rng = _rng(self.seed, "facilitator")
        sid = rng.choice([s["id"] for s in view["stakeholders"]])
        weight = rng.choice(["1.5", "2"])
        reply = await self.client.command({"type": "set_weight", "stakeholder": sid, "weight": weight})
        if reply.status != "ok":
            return False
        self.weighted = (sid, weight)
        reply = await self.client.command({"type": "start"})
        if reply.status != "ok":
            return False
        seen, phase_seen, began, toggled = -1, None, time.monotonic(), False
        while not self.stop.is_set():
            view = await self.watcher.wait_newer(seen)
            if view is None:
                await asyncio.sleep(0.2)
                continue
            seen = view["room"]["version"]
            phase, rnd = view["room"]["phase"], view["room"]["round"]
            if phase != phase_seen:
                phase_seen, began = phase, time.monotonic()
            waited = time.monotonic() - began
            with_members = [s for s in view["stakeholders"] if s.get("members")]
            if phase == "finished":
                return True
            if phase == "lobby":
                reply = await self.client.command({"type": "start"})
            elif phase == "choices":
                waiting = [s["id"] for s in with_members if s.get("status") != "submitted"]
                if waiting and waited < ROUND_TIMEOUT:
                    continue
                if waiting:
                    self.stats.fail(f"{', '.join(waiting)} did not submit within {ROUND_TIMEOUT:.0f} s; locked anyway")
                else:
                    self.say(f"private round: every stakeholder submitted after {waited:.1f} s")
                reply = await self.client.command({"type": "lock", "round": rnd})
            elif phase == "locked":
                reply = await self.client.command({"type": "reveal", "round": rnd})
            elif phase == "revealed":
                reply = await self.client.command({"type": "open_joint", "start_from": "mes"})
            elif phase == "joint":
                if not toggled:
                    toggled = True
                    if not await self.toggle(view):
                        return False
                    continue
                approvals = (view.get("joint") or {}).get("approvals") or {}
                waiting = [s["id"] for s in with_members if s["id"] not in approvals]
                if waiting and waited < ROUND_TIMEOUT:
                    continue
                if waiting:
                    self.stats.fail(f"{', '.join(waiting)} did not vote within {ROUND_TIMEOUT:.0f} s; closed anyway")
                else:
                    self.say(f"joint round: every stakeholder voted after {waited:.1f} s")
                reply = await self.client.command({"type": "close_joint"})
            else:
                self.stats.fail(f"unknown phase {phase!r}")
                return False
            if reply.status == "failed":
                return False
        return False

    async def toggle(self, view: dict) -> bool:
        """One or two changes to the joint package, within the joint budget."""
        rng = _rng(self.seed, "joint")
        cost = {p["id"]: p["cost"] for p in view["posts"]}
        joint = view["joint"]
        budget, package = joint["budget"], set(joint["posts"])
        if rng.random() < DARE_CHANCE:  # one that does not fit: the server must refuse it
            left = budget - sum(cost[p] for p in package)
            too_big = sorted(p for p in cost if p not in package and cost[p] > left)
            if too_big:
                pid = rng.choice(too_big)
                reply = await self.client.command({"type": "joint_select", "post": pid, "selected": True},
                                                  expect={"over_joint_budget"})
                if reply.status == "ok":
                    self.stats.fail(f"the server accepted {pid} ({cost[pid]}) in the joint package with only "
                                    f"{left} of the joint budget left")
                    reply = await self.client.command({"type": "joint_select", "post": pid, "selected": False})
                if reply.status not in ("ok", "refused"):
                    return False
        touched: set[str] = set()  # a post changed once stays as it is
        for _ in range(rng.choice([1, 2])):
            left = budget - sum(cost[p] for p in package)
            fitting = sorted(p for p in cost if p not in package and p not in touched and cost[p] <= left)
            inside = sorted(package - touched)
            if fitting and (rng.random() < 0.6 or not inside):
                pid, on = rng.choice(fitting), True
            elif inside:
                pid, on = rng.choice(inside), False
            else:
                continue
            reply = await self.client.command({"type": "joint_select", "post": pid, "selected": on})
            if reply.status != "ok":
                return False
            (package.add if on else package.discard)(pid)
            touched.add(pid)
            self.changes.append(("+" if on else "-") + pid)
            shown = (reply.view or {}).get("joint") or {}
            if set(shown.get("posts") or []) != package or shown.get("cost") != sum(cost[p] for p in package):
                self.stats.fail(f"joint_select {pid}: the view shows {shown.get('posts')} costing "
                                f"{shown.get('cost')}; expected {sorted(package)}")
        self.intended = sorted(package)
        return True


# ---------------------------------------------------------------------------
# Checking and printing the result

def _m(x) -> str:
    return "-" if x is None else f"{x / 1e6:,.2f}"


def _pct(x) -> str:
    return "-" if x is None else f"{x * 100:.1f}%"


def _posts(posts) -> str:
    return ",".join(posts) if posts else "-"


def greedy_by_support(view: dict) -> list[str]:
    """The greedy joint package recomputed from the revealed packages: posts by weighted
    support (points for a cumulative ballot), ties by id, each taken if it still fits."""
    rev = view["reveal"]
    cost = {p["id"]: p["cost"] for p in view["posts"]}
    weight = {s["id"]: Fraction(str(s["weight"])) for s in view["stakeholders"]}
    cumulative = view["scenario"].get("ballot") == "cumulative"
    support: dict[str, Fraction] = {}
    for pkg in rev["packages"]:
        scores = (pkg.get("points") or {}) if cumulative else {p: 1 for p in pkg["posts"]}
        for p, n in scores.items():
            if n:
                support[p] = support.get(p, Fraction(0)) + weight[pkg["stakeholder"]] * n
    left, out = view["scenario"]["joint_budget"], []
    for p in sorted(support, key=lambda p: (-support[p], p)):
        if cost[p] <= left:
            out.append(p)
            left -= cost[p]
    return out


def check(view: dict, bots: list[PrioBot], fac: PrioFacilitator) -> list[str]:
    problems: list[str] = []
    rev, joint = view.get("reveal"), view.get("joint")
    if rev is None or joint is None:
        return ["the final view has no reveal or no joint package"]
    cost = {p["id"]: p["cost"] for p in view["posts"]}
    st = {s["id"]: s for s in view["stakeholders"]}
    jb = view["scenario"]["joint_budget"]
    cumulative = view["scenario"].get("ballot") == "cumulative"
    cap = view["scenario"].get("points")
    voters = rev["voters"]
    backed = {pkg["stakeholder"]: set(pkg["posts"]) for pkg in rev["packages"]}

    # the weights and budgets
    if fac.weighted:
        sid, w = fac.weighted
        if Fraction(str(st[sid]["weight"])) != Fraction(w):
            problems.append(f"{sid}: weight {st[sid]['weight']}, set to {w}")
    total_w = sum(Fraction(str(s["weight"])) for s in st.values())
    factor = Fraction(str(view["scenario"]["budget_factor"]))
    for s in st.values():  # its weight's share of budget_factor x the joint budget, whole euros
        expected = jb * factor * Fraction(str(s["weight"])) / total_w
        if s["budget"] is None or abs(s["budget"] - expected) > 1:
            problems.append(f"{s['id']}: budget {s['budget']}, expected {float(expected):.0f} "
                            f"(weight {s['weight']} of {float(total_w):g})")

    # the private packages
    with_members = sorted(s["id"] for s in st.values() if s.get("members"))
    if sorted(voters) != with_members:
        problems.append(f"voters {sorted(voters)} are not the stakeholders with members {with_members}")
    for pkg in rev["packages"]:
        sid, posts = pkg["stakeholder"], pkg["posts"]
        if pkg["cost"] != sum(cost[p] for p in posts):
            problems.append(f"{sid}: package cost {pkg['cost']} != the sum of its posts")
        if cumulative and sum((pkg.get("points") or {}).values()) > cap:
            problems.append(f"{sid}: {sum(pkg['points'].values())} points, the cap is {cap}")
        if pkg["cost"] > st[sid]["budget"]:  # a cumulative bot too keeps to its budget
            problems.append(f"{sid}: package costs {pkg['cost']}, over its budget {st[sid]['budget']}")
        if pkg.get("timed_out"):
            problems.append(f"{sid}: its package was not submitted at the lock")
        for b in bots:
            if b.sid == sid and b.package is not None and b.package != sorted(posts):
                problems.append(f"{sid}: revealed {sorted(posts)}, but {b.name} submitted {b.package}")
    for p, who in rev["matrix"].items():
        if sorted(who) != sorted(s for s in voters if p in backed.get(s, ())):
            problems.append(f"matrix: {p} backed by {who}")

    # the joint packages
    for key in ("greedy", "mes"):
        o = rev[key]
        total = sum(cost[p] for p in o["selected"])
        if abs(o["total_cost"] - total) > MONEY_TOLERANCE:
            problems.append(f"{key}: total_cost {o['total_cost']} != the sum of its posts {total}")
        if total > jb:
            problems.append(f"{key}: costs {total}, over the joint budget {jb}")
        for s in voters:
            share = Fraction(sum(cost[p] for p in o["selected"] if p in backed[s]), total) if total else 0
            if abs(o["shares"].get(s, 0) - float(share)) > SHARE_TOLERANCE:
                problems.append(f"{key}: {s}'s share {o['shares'].get(s)} != {float(share):.6f}")
        empty = sorted(s for s in voters if not backed[s] & set(o["selected"]))
        if sorted(o["empty_handed"]) != empty:
            problems.append(f"{key}: empty-handed {o['empty_handed']}, expected {empty}")
    if rev["greedy"]["order"] != greedy_by_support(view):
        problems.append(f"greedy: {rev['greedy']['order']}, recomputed {greedy_by_support(view)}")

    # MES payments: each post paid in full, by its backers only, within what the rule allows
    mes = rev["mes"]
    pays = mes.get("payments") or {}
    selected = set(mes["selected"])
    for p in selected:
        paid = sum((pays.get(s) or {}).get(p, 0) for s in voters)
        if abs(paid - cost[p]) > MONEY_TOLERANCE:
            problems.append(f"mes: {p} costs {cost[p]}, paid {paid:.2f}")
    voter_w = sum(Fraction(str(st[s]["weight"])) for s in voters) or Fraction(1)
    for s, row in pays.items():
        for p, a in row.items():
            if p not in selected and a:
                problems.append(f"mes: {s} pays {a} for {p}, which is not selected")
            if p not in backed.get(s, ()) and a:
                problems.append(f"mes: {s} pays {a} for {p}, which it did not choose")
        paid = sum(row.values())
        equal = float(jb * Fraction(str(st[s]["weight"])) / voter_w)
        # plain MES: a stakeholder pays at most its share of the joint budget; Add1 may raise
        # every stakeholder's share, but never past the joint budget
        limit = equal if mes.get("rule") == "mes" else jb
        if paid > limit + MONEY_TOLERANCE:
            problems.append(f"mes: {s} pays {paid:.2f}, over {limit:.2f}")
    if sum(sum(r.values()) for r in pays.values()) > jb + MONEY_TOLERANCE:
        problems.append("mes: the payments add up to more than the joint budget")

    # the agreed package
    agreed = joint["posts"]
    if joint["cost"] != sum(cost[p] for p in agreed) or joint["cost"] > jb or joint["budget"] != jb:
        problems.append(f"agreed: {agreed} costs {joint['cost']} (joint budget {joint['budget']}, expected {jb})")
    if joint.get("start_from") != "mes":
        problems.append(f"agreed: opened from {joint.get('start_from')}, not mes")
    if fac.intended is not None and sorted(agreed) != fac.intended:
        problems.append(f"agreed: {sorted(agreed)}, but the facilitator left {fac.intended}")
    missing = [s for s in with_members if s not in (joint.get("approvals") or {})]
    if missing:
        problems.append(f"agreed: no vote from {', '.join(missing)}")
    if [d["stakeholder"] for d in view.get("debrief") or []] != voters:
        problems.append("debrief: not one line per stakeholder that voted")
    return problems


def print_result(view: dict, fac: PrioFacilitator, out: TextIO) -> None:
    say = lambda text="": print(text, file=out)  # noqa: E731
    rev, joint = view.get("reveal") or {}, view.get("joint") or {}
    sc = view["scenario"]
    cumulative = sc.get("ballot") == "cumulative"
    jb = sc["joint_budget"]
    say(f"\nPrivate packages ({sc.get('ballot')} ballot"
        f"{', ' + str(sc.get('points')) + ' points' if cumulative else ''}; amounts in EUR m)")
    say(f"  {'stakeholder':<11} {'weight':>6} {'members':<14} {'cost':>7} / {'budget':<7} posts")
    packages = {p["stakeholder"]: p for p in rev.get("packages", [])}
    for s in view["stakeholders"]:
        pkg = packages.get(s["id"])
        if pkg is None:
            say(f"  {s['id']:<11} {s['weight']:>6g} {'-':<14} {'':>7}   {_m(s['budget']):<7} (no members)")
            continue
        posts = (",".join(f"{p}:{pkg['points'][p]}" for p in pkg["posts"]) if cumulative
                 else _posts(pkg["posts"]))
        say(f"  {s['id']:<11} {s['weight']:>6g} {', '.join(s['members']):<14} {_m(pkg['cost']):>7} / "
            f"{_m(s['budget']):<7} {posts}")
    if rev.get("common"):
        say(f"  everyone chose: {_posts(rev['common'])}")

    say(f"\nJoint packages (joint budget {_m(jb)} m)")
    g, m = rev.get("greedy") or {}, rev.get("mes") or {}
    say(f"  greedy   {_m(g.get('total_cost')):>6} m  {_posts(g.get('order'))}")
    say(f"  MES      {_m(m.get('total_cost')):>6} m  {_posts(m.get('order'))}  ({m.get('rule')})")
    change = f"from {joint.get('start_from')}" + (f": {' '.join(fac.changes)}" if fac.changes else "")
    say(f"  agreed   {_m(joint.get('cost')):>6} m  {_posts(joint.get('posts'))}  ({change})")
    voters = rev.get("voters", [])
    voter_w = sum(Fraction(str(s["weight"])) for s in view["stakeholders"] if s["id"] in voters) or 1
    weights = {s["id"]: Fraction(str(s["weight"])) for s in view["stakeholders"]}
    kept = {d["stakeholder"]: d for d in view.get("debrief") or []}
    say(f"  {'stakeholder':<11} {'greedy':>7} {'MES':>7} {'MES pays':>9} {'of equal':>9} {'agreed':>7} "
        f"{'kept':>6}  vote")
    for s in voters:
        pays = sum(((m.get("payments") or {}).get(s) or {}).values())
        equal = jb * weights[s] / voter_w
        d = kept.get(s, {})
        say(f"  {s:<11} {_pct(g.get('shares', {}).get(s)):>7} {_pct(m.get('shares', {}).get(s)):>7} "
            f"{_m(pays):>9} {_m(equal):>9} {_pct(joint.get('shares', {}).get(s)):>7} "
            f"{_pct(d.get('kept_agreed')):>6}  {(joint.get('approvals') or {}).get(s, '-')}"
            f"{'  (gave way most)' if d.get('gave_way_most') else ''}")
    agreed_empty = [s for s in voters if not joint.get("shares", {}).get(s)]
    say(f"  empty-handed: greedy {', '.join(g.get('empty_handed') or []) or 'none'}; "
        f"MES {', '.join(m.get('empty_handed') or []) or 'none'}; agreed {', '.join(agreed_empty) or 'none'}")
    out.flush()


class PrioGame:
    """Mode 2 for server.bots._run: its bots, its facilitator and its report."""
    ok_text = "the packages check out"

    def __init__(self, seed: int, stats: Stats, stop: asyncio.Event, out: TextIO):
        self.seed, self.stats, self.stop, self.out = seed, stats, stop, out
        self.fac: Optional[PrioFacilitator] = None

    @staticmethod
    def describe(tables: int) -> str:
        return "prioriteitenspel"

    def bot(self, name: str, player_id: str, client: Client, watcher: Watcher) -> PrioBot:
        return PrioBot(name, player_id, client, watcher, self.seed, self.stats, self.stop)

    def facilitator(self, client: Client, watcher: Watcher) -> PrioFacilitator:
        self.fac = PrioFacilitator(client, watcher, self.seed, self.stats, self.stop, self.out)
        return self.fac

    def report(self, final: dict, bots: list) -> list[str]:
        print_result(final, self.fac, self.out)
        return check(final, bots, self.fac)
