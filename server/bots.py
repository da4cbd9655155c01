"""Bot players: a whole DrieKamerSpel game played through the public JSON API v1.
A prioriteitenspel scenario (mode 2) is played by server/prio_bots.py on the same plumbing
(server/bot_client.py); server/bot_run.py creates the room and runs either.

`server.bot_run.run_bots(url, players, tables, seed)` creates a room on a running server, joins N bots
("Bot 1" ...), opens one websocket per bot (and one for the facilitator), and plays every
round with seeded random but valid decisions, exactly as a client would: it only ever sees
the views the server sends it. The facilitator (driven here too) waits until every table has
all roles confirmed, then locks, reveals and moves on until the game is finished. At the end
it prints each table's years and checks the figures; the exit code is 0 only if the game
finished, every year's figures are consistent and no request failed unexpectedly.

Who acts: per table and chamber, the first holder in seat order (the *lead*) makes the
chamber's choices; other team members only confirm once the lead has. The chambers act in
their natural order (frame, then projects, then the social budget, which covers the tops of
the proposed projects), so a given seed gives the same decisions whatever the timing.
A refusal for a broken budget (409 over_social_budget / over_borrowing_cap) is normal: the
bot just tries something else.
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Optional, TextIO

from .bot_client import ROUND_TIMEOUT, Client, Reply, Stats, Watcher, fmt_mln, fmt_num, fmt_pct

CHAMBERS = ("capital", "property", "social")
SELECT_CHANCE = 0.4     # chance a property lead proposes a project / a social lead a programme
COVER_CHANCE = 0.85     # chance a social lead wants to cover a proposed project's top
DARE_CHANCE = 0.25      # chance a bot tries an option its cards say will not fit (the server refuses)
MONEY_TOLERANCE = 0.05  # euros: figures arrive rounded to cents


# ---------------------------------------------------------------------------
# Reading a view

def plan_of(view: dict) -> Optional[dict]:
    t = view.get("viewer", {}).get("table")
    if t is None:
        return None
    tables = view.get("tables") or []
    return tables[t].get("plan") if 0 <= t < len(tables) else None


def leads_of(view: dict, table: int) -> dict[str, str]:
    """Chamber -> the player id of its first holder in seat order at `table`."""
    out: dict[str, str] = {}
    for p in view.get("players", []):  # the view lists each table's players in seat order
        if p.get("table") != table:
            continue
        for c in p.get("roles", []):
            out.setdefault(c, p["id"])
    return out


def has_confirmed(plan: dict, player_id: Optional[str], *chambers: str) -> bool:
    """Whether `player_id` has confirmed the package as it stands.

    The view lists the players who confirmed (`confirmed_players`); a server without that
    list only tells which chambers are confirmed, which is then the best available answer.
    """
    pkg = plan["package"]
    if "confirmed_players" in pkg:
        return player_id in pkg["confirmed_players"]
    return all(c in pkg.get("confirmed", []) for c in chambers)


def fits(card: dict, budgets: Optional[dict]) -> bool:
    """Whether an option's pre-computed effect fits what is left of the budgets (a hint)."""
    if not budgets:
        return True
    social_left = budgets.get("social_remaining")
    if budgets.get("social_fixed") and social_left is not None \
            and (card.get("social_budget_used") or 0) > social_left:
        return False
    loans_left = budgets.get("borrowing_remaining")
    return loans_left is None or (card.get("new_loans") or 0) <= loans_left


# ---------------------------------------------------------------------------
# A player

@dataclass
class RoundState:
    done: set[str] = field(default_factory=set)   # chambers whose lead (this bot) has finished
    property_seen_done: bool = False


class Bot:
    def __init__(self, name: str, player_id: str, client: Client, watcher: Watcher, seed: int, stop: asyncio.Event):
        self.name, self.id, self.client, self.watcher = name, player_id, client, watcher
        self.seed, self.stop = seed, stop
        self.rounds: dict[int, RoundState] = {}

    def rng(self, table: int, rnd: int, chamber: str) -> random.Random:
        return random.Random(f"driekamer-bots/{self.seed}/{table}/{rnd}/{chamber}")

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
            if phase in ("frame", "choices"):
                await self.step(view)

    async def _do(self, cmd: dict, view: dict, late_ok: bool = False) -> tuple[Reply, dict]:
        reply = await self.client.command(cmd, late_ok=late_ok)
        return reply, (reply.view if reply.status == "ok" else view)

    async def step(self, view: dict) -> None:
        """Do what this bot can do now; return when it waits for others (or has confirmed)."""
        me = view.get("viewer", {})
        table, roles = me.get("table"), list(me.get("roles") or [])
        plan = plan_of(view)
        if table is None or not roles or plan is None:
            return
        rnd = view["room"]["round"]
        st = self.rounds.setdefault(rnd, RoundState())
        leads = leads_of(view, table)
        if leads.get("property") and has_confirmed(plan, leads["property"], "property"):
            st.property_seen_done = True  # the property lead confirms only once it has proposed

        for chamber in CHAMBERS:
            if chamber not in roles or leads.get(chamber) != self.id or chamber in st.done:
                continue
            if chamber == "capital":
                view = await self.choose_frame(view, table, rnd)
            elif chamber == "property":
                if not plan_of(view)["package"]["frame"]:
                    break
                view = await self.propose(view, table, rnd)
            else:
                property_done = ("property" in st.done if leads.get("property") == self.id
                                 else st.property_seen_done or not leads.get("property"))
                if not plan_of(view)["package"]["frame"] or not property_done:
                    break
                view = await self.spend(view, table, rnd)
            st.done.add(chamber)
            if view["room"]["phase"] not in ("frame", "choices"):
                return

        plan = plan_of(view)
        if plan is None or not plan["package"]["frame"]:
            return
        # A lead confirms once its own choices are made; a team member once its lead has
        # confirmed the package as it stands (so the table is never confirmed too early).
        ready = all((c in st.done) if leads.get(c) == self.id else has_confirmed(plan, leads.get(c), c)
                    for c in roles)
        if ready and not has_confirmed(plan, self.id, *roles):
            await self._do({"type": "confirm", "round": rnd}, view, late_ok=True)

    async def choose_frame(self, view: dict, table: int, rnd: int) -> dict:
        plan = plan_of(view)
        if plan["package"]["frame"]:
            return view
        rng = self.rng(table, rnd, "capital")
        frames = plan["frames"]
        order = rng.sample(frames, len(frames))
        # prefer frames whose social budget covers the baseline's locked-in spending
        base_used = (plan.get("baseline") or {}).get("social_budget_used") or 0
        order.sort(key=lambda f: (f.get("social_budget") or 0) < base_used)
        for f in order:
            reply, view = await self._do({"type": "choose_frame", "round": rnd, "frame": f["id"]}, view)
            if reply.status != "refused":
                break
        return view

    async def propose(self, view: dict, table: int, rnd: int) -> dict:
        rng = self.rng(table, rnd, "property")
        options = [m["id"] for m in view.get("menu", []) if m.get("chamber") == "property"]
        wanted = [o for o in options if rng.random() < SELECT_CHANCE]
        rng.shuffle(wanted)
        dare = {o: rng.random() < DARE_CHANCE for o in options}
        for o in wanted:
            plan = plan_of(view)
            if plan is None:
                break
            if o in plan["package"]["selected"]:
                continue
            card = plan["cards"].get(o, {})
            # a project without an unprofitable top goes ahead at once: it must fit now
            if not (card.get("unprofitable_top") or 0) and not fits(card, plan["budgets"]) and not dare[o]:
                continue
            reply, view = await self._do({"type": "select", "round": rnd, "option": o, "selected": True}, view)
            if reply.status in ("failed", "late"):
                break
        return view

    async def spend(self, view: dict, table: int, rnd: int) -> dict:
        rng = self.rng(table, rnd, "social")
        plan = plan_of(view)
        policies = rng.sample(plan["rent_policies"], len(plan["rent_policies"]))
        programmes = [m["id"] for m in view.get("menu", []) if m.get("chamber") == "social"]
        want_programmes = [o for o in programmes if rng.random() < SELECT_CHANCE]
        rng.shuffle(want_programmes)
        projects = sorted(m["id"] for m in view.get("menu", []) if m.get("chamber") == "property")
        want_cover = {o: rng.random() < COVER_CHANCE for o in projects}
        cover_order = rng.sample(projects, len(projects))
        dare = {o: rng.random() < DARE_CHANCE for o in programmes + projects}

        # 1. the rent policy: one that fits, else the next
        if not plan["package"]["rent_policy"]:
            fitting = [p for p in policies if fits(p, plan["budgets"])] or policies
            for p in fitting:
                reply, view = await self._do({"type": "choose_rent_policy", "round": rnd, "policy": p["id"]}, view)
                if reply.status != "refused":
                    break
        # 2. programmes that fit what is left
        for o in want_programmes:
            plan = plan_of(view)
            if plan is None:
                return view
            if o in plan["package"]["programmes"]:
                continue
            if not fits(plan["cards"].get(o, {}), plan["budgets"]) and not dare[o]:
                continue
            reply, view = await self._do({"type": "select", "round": rnd, "option": o, "selected": True}, view)
            if reply.status in ("failed", "late"):
                return view
        # 3. cover the tops of proposed projects where the budget allows
        for o in cover_order:
            plan = plan_of(view)
            if plan is None:
                return view
            if o not in plan["not_covered"] or not want_cover[o]:
                continue
            budgets = plan["budgets"] or {}
            top = (plan.get("tops") or {}).get(o) or 0
            left = budgets.get("social_remaining")
            loans_left = budgets.get("borrowing_remaining")
            too_much = ((budgets.get("social_fixed") and left is not None and top > left)
                        or (loans_left is not None and (plan["cards"].get(o, {}).get("new_loans") or 0) > loans_left))
            if too_much and not dare[o]:
                continue
            reply, view = await self._do({"type": "cover", "round": rnd, "option": o, "covered": True}, view)
            if reply.status in ("failed", "late"):
                return view
        return view


# ---------------------------------------------------------------------------
# The facilitator

class Facilitator:
    def __init__(self, client: Client, watcher: Watcher, stats: Stats, stop: asyncio.Event, out: TextIO):
        self.client, self.watcher, self.stats, self.stop, self.out = client, watcher, stats, stop, out

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def run(self) -> bool:
        """Start, then lock / reveal / next round until the game is finished."""
        reply = await self.client.command({"type": "start"})
        if reply.status != "ok":
            return False
        seen, current, began = -1, None, time.monotonic()
        while not self.stop.is_set():
            view = await self.watcher.wait_newer(seen)
            if view is None:
                await asyncio.sleep(0.2)
                continue
            seen = view["room"]["version"]
            phase, rnd = view["room"]["phase"], view["room"]["round"]
            if rnd != current:
                current, began = rnd, time.monotonic()
            if phase == "finished":
                return True
            if phase == "lobby":
                reply = await self.client.command({"type": "start"})
            elif phase in ("frame", "choices"):
                waiting = [t["name"] for t in view["tables"] if not t["progress"]["all_confirmed"]]
                if waiting and time.monotonic() - began < ROUND_TIMEOUT:
                    continue
                if waiting:
                    self.stats.fail(f"round {rnd}: {', '.join(waiting)} did not confirm within "
                                    f"{ROUND_TIMEOUT:.0f} s; locked anyway")
                else:
                    self.say(f"round {rnd} ({view['room']['year']}): every table confirmed after "
                             f"{time.monotonic() - began:.1f} s")
                reply = await self.client.command({"type": "lock", "round": rnd})
            elif phase == "locked":
                reply = await self.client.command({"type": "reveal", "round": rnd})
            elif phase == "revealed":
                reply = await self.client.command({"type": "next_round", "round": rnd})
            else:
                self.stats.fail(f"unknown phase {phase!r}")
                return False
            if reply.status == "failed":
                return False
        return False


# ---------------------------------------------------------------------------
# Checking and printing the result

def check_years(view: dict) -> list[str]:
    """Every revealed year of every table: the figures' identities and the hard budgets."""
    problems = []
    rounds = view["room"]["rounds"]
    start = view["scenario"]["start_year"]
    fixed = view["scenario"].get("social_budget_mode") == "fixed"
    for t in view["tables"]:
        name, history = t["name"], t.get("history") or []
        if len(history) != rounds:
            problems.append(f"{name}: {len(history)} years revealed, expected {rounds}")
        for i, h in enumerate(history):
            f, year = h.get("figures") or {}, h.get("year")
            where = f"{name} {year}"
            if year != start + i or h.get("round") != i + 1:
                problems.append(f"{where}: round {h.get('round')} / year {year} out of order")
            need = ("equity_change_realised", "ocf", "unprofitable_top", "sale_gain", "cash",
                    "social_budget_used", "new_loans")
            missing = [k for k in need if not isinstance(f.get(k), (int, float))]
            if missing:
                problems.append(f"{where}: figures missing {', '.join(missing)}")
                continue
            expected = f["ocf"] - f["unprofitable_top"] + f["sale_gain"]
            if abs(f["equity_change_realised"] - expected) > MONEY_TOLERANCE:
                problems.append(f"{where}: equity_change_realised {f['equity_change_realised']:.2f} != "
                                f"ocf - unprofitable_top + sale_gain = {expected:.2f}")
            if f["cash"] < 0:
                problems.append(f"{where}: cash {f['cash']:.2f} is negative")
            budget = h.get("social_budget")
            if fixed:
                if not isinstance(budget, (int, float)):
                    problems.append(f"{where}: no social budget recorded")
                elif f["social_budget_used"] > budget + 0.01:
                    problems.append(f"{where}: social_budget_used {f['social_budget_used']:.2f} > "
                                    f"social budget {budget:.2f}")
            cap = h.get("borrowing_cap")
            if not isinstance(cap, (int, float)):
                problems.append(f"{where}: no borrowing cap recorded")
            elif f["new_loans"] > cap + 0.01:
                problems.append(f"{where}: new_loans {f['new_loans']:.2f} > borrowing cap {cap:.2f}")
    return problems


def print_tables(view: dict, out: TextIO) -> None:
    for t in view["tables"]:
        seated = [p["name"] for p in view.get("players", []) if p.get("table") == t["index"]]
        print(f"\n{t['name']} ({', '.join(seated)})", file=out)
        head = (f"{'year':>4}  {'frame':<9} {'rent':<10} {'going ahead':<18} {'ICR':>5} {'LTV':>6} "
                f"{'solv.':>6} {'cash m':>8} {'debt m':>8} {'social m':>8} {'/budget':>8} {'equity Δ m':>10}")
        print(head, file=out)
        for h in t.get("history") or []:
            f, d = h.get("figures") or {}, h.get("decisions") or {}
            ahead = ",".join(h.get("going_ahead") or []) + ("+" + ",".join(d.get("programmes") or [])
                                                            if d.get("programmes") else "")
            print(f"{h.get('year'):>4}  {str(d.get('frame') or '-'):<9} {str(d.get('rent_policy') or '-'):<10} "
                  f"{(ahead or '-'):<18} {fmt_num(f.get('icr')):>5} {fmt_pct(f.get('ltv')):>6} "
                  f"{fmt_pct(f.get('solvency')):>6} {fmt_mln(f.get('cash')):>8} {fmt_mln(f.get('debt')):>8} "
                  f"{fmt_mln(f.get('social_budget_used')):>8} {fmt_mln(h.get('social_budget')):>8} "
                  f"{fmt_mln(f.get('equity_change_realised')):>10}", file=out)
            if h.get("defaults"):
                print(f"      defaults at the lock: {', '.join(h['defaults'])}", file=out)
    out.flush()


# ---------------------------------------------------------------------------
# Mode 1 for server/bot_run.py

class DrieKamerGame:
    """Mode 1 for server.bot_run: its bots, its facilitator and its report (server/prio_bots.py has mode 2)."""
    ok_text = "every year's figures check out"

    def __init__(self, seed: int, stats: Stats, stop: asyncio.Event, out: TextIO):
        self.seed, self.stats, self.stop, self.out = seed, stats, stop, out

    @staticmethod
    def describe(tables: int) -> str:
        return f"{tables} table(s)"

    def bot(self, name: str, player_id: str, client: Client, watcher: Watcher) -> Bot:
        return Bot(name, player_id, client, watcher, self.seed, self.stop)

    def facilitator(self, client: Client, watcher: Watcher) -> Facilitator:
        return Facilitator(client, watcher, self.stats, self.stop, self.out)

    def report(self, final: dict, bots: list) -> list[str]:
        print_tables(final, self.out)
        return check_years(final)
