"""Bot players for the Prioriteitenspel (GAME.md mode 2), on the plumbing of server/bot_client.py.

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
from typing import Optional, TextIO

from .bot_client import ROUND_TIMEOUT, Client, Reply, Stats, Watcher
from .prio_report import check, print_result

DARE_CHANCE = 0.5      # chance a lead tries one post over its budget (the server must refuse)
DROP_CHANCE = 0.3      # chance a lead drops one post it chose (exercises selected: false)
OWN_CHANCE = 0.9       # chance to take a fitting post in the own municipality / preferred theme
FLAGSHIP_CHANCE = 0.6  # chance a stakeholder considers its dearest favourite first
OTHER_CHANCE = 0.45    # chance to take any other fitting post
APPROVE_CHANCE = 0.7   # chance a stakeholder approves the joint package
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


class PrioGame:
    """Mode 2 for server.bot_run: its bots, its facilitator and its report."""
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
