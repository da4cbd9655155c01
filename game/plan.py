"""One table's plan for a round: the frame's budgets, which projects go ahead, the live
preview, and whether a package fits. Pure functions over the finance model."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from .finance import (ZERO, CorpState, Decisions, YearResult, borrowing_cap, net_dividend,
                      norm_breaches, resolve_year)
from .scenario import Scenario


@dataclass
class Package:
    """The decisions a table has drafted this round (mutable inside the fold only)."""
    frame: Optional[str] = None
    rent_policy: Optional[str] = None
    selected: set[str] = field(default_factory=set)     # projects proposed by the Vastgoedkamer
    covered: set[str] = field(default_factory=set)      # tops covered by the Maatschappelijke Kamer
    programmes: set[str] = field(default_factory=set)   # programmes of the Maatschappelijke Kamer

    def copy(self) -> "Package":
        return Package(self.frame, self.rent_policy, set(self.selected), set(self.covered), set(self.programmes))

    def as_dict(self) -> dict:
        return {"frame": self.frame, "rent_policy": self.rent_policy, "selected": sorted(self.selected),
                "covered": sorted(self.covered), "programmes": sorted(self.programmes)}


@dataclass(frozen=True)
class FrameBudget:
    frame: str
    social_budget: Decimal
    borrowing_cap: Decimal
    planned_equity_growth: Decimal


@dataclass
class Outcome:
    """A resolved package: the year, which projects go ahead, and how it sits against budgets."""
    result: YearResult
    going_ahead: list[str]
    not_covered: list[str]
    tops: dict[str, Decimal]
    budget: Optional[FrameBudget]
    social_limit: Optional[Decimal]  # None in residual mode or without a frame

    @property
    def social_used(self) -> Decimal:
        return self.result.figures["social_budget_used"]

    @property
    def new_loans(self) -> Decimal:
        return self.result.figures["new_loans"]


class Planner:
    """Plans for one table in one round; caches the baseline and the tops."""

    def __init__(self, scenario: Scenario, state: CorpState, round_no: int, cap_blocked: bool):
        self.s, self.state, self.round_no, self.cap_blocked = scenario, state, round_no, cap_blocked
        self._cache: dict[tuple, YearResult] = {}

    def resolve(self, rent_policy: str, options: tuple[str, ...]) -> YearResult:
        key = (rent_policy, tuple(sorted(options)))
        if key not in self._cache:
            self._cache[key] = resolve_year(self.state, self.s, self.round_no, Decisions(*key))
        return self._cache[key]

    @property
    def baseline(self) -> YearResult:
        return self.resolve(self.s.baseline_rent_policy, ())

    def frame_budget(self, frame_id: str) -> FrameBudget:
        f = self.s.frame(frame_id)
        base = self.baseline.figures
        nd = net_dividend(base)
        social = max(ZERO, f.social_share * nd)
        cap = ZERO if self.cap_blocked else borrowing_cap(base, f.icr_target, self.baseline.state.marginal_rate)
        return FrameBudget(frame_id, social, cap, nd - social)

    def tops(self, projects: set[str]) -> dict[str, Decimal]:
        """The unprofitable top of each proposed project this year (independent of the rest)."""
        if not projects:
            return {}
        return self.resolve(self.s.baseline_rent_policy, tuple(projects)).tops

    def outcome(self, pkg: Package) -> Outcome:
        tops = self.tops(pkg.selected)
        ahead = sorted(p for p in pkg.selected if tops.get(p, ZERO) == 0 or p in pkg.covered)
        not_covered = sorted(p for p in pkg.selected if p not in ahead)
        policy = pkg.rent_policy or self.s.baseline_rent_policy
        result = self.resolve(policy, tuple(ahead) + tuple(sorted(pkg.programmes)))
        budget = self.frame_budget(pkg.frame) if pkg.frame else None
        limit = budget.social_budget if budget and self.s.social_budget_mode == "fixed" else None
        return Outcome(result, ahead, not_covered, tops, budget, limit)


def over_budget(before: Outcome, after: Outcome) -> Optional[tuple[str, dict]]:
    """Why `after` may not replace `before`: a hard budget it breaks, else None.

    A package over a limit is refused when the change made it worse: more used, or a smaller
    limit than the frame it replaces. The first frame is always accepted and a change that
    lowers use is always allowed, so a table whose baseline alone is over the limit is never stuck."""
    limit = after.social_limit
    if limit is not None and after.social_used > limit and (
            after.social_used > before.social_used
            or (before.social_limit is not None and limit < before.social_limit)):
        return "over_social_budget", {"used": after.social_used, "budget": limit, "over": after.social_used - limit}
    if after.budget is not None and after.new_loans > after.budget.borrowing_cap:
        cap = after.budget.borrowing_cap
        if after.new_loans > before.new_loans or (before.budget is not None and cap < before.budget.borrowing_cap):
            return "over_borrowing_cap", {"loans": after.new_loans, "cap": cap, "over": after.new_loans - cap}
    return None


def cap_blocked(last_figures: Optional[dict], s: Scenario) -> bool:
    """Bijzonder beheer: a norm broken at last year's end means no new borrowing room."""
    return bool(last_figures) and bool(norm_breaches(last_figures, s))


CARD_FIELDS = ("capex", "homes", "unprofitable_top", "social_budget_used", "new_loans", "rent_discount",
               "equity_change_realised", "icr", "ltv", "solvency", "efg_share", "average_rent", "damp_homes")


def option_cards(planner: Planner) -> dict[str, dict]:
    """Pre-computed effect of each option: baseline plus that option, minus the baseline."""
    base = planner.baseline.figures
    out = {}
    for o in planner.s.options:
        r = planner.resolve(planner.s.baseline_rent_policy, (o.id,))
        card = {}
        for k in CARD_FIELDS:
            a, b = r.figures.get(k), base.get(k)
            card[k] = None if a is None or b is None else a - b
        card["unprofitable_top"] = r.tops.get(o.id, ZERO)
        card["capex"] = r.figures["capex"]
        card["proceeds"], card["sale_gain"] = r.figures["proceeds"], r.figures["sale_gain"]  # a sale
        card["one_off_expense"] = o.one_off_expense
        card["liveability"] = {m: r.figures["liveability"][m] - base["liveability"][m]
                               for m in base["liveability"] if r.figures["liveability"][m] != base["liveability"][m]}
        out[o.id] = card
    return out


def rent_policy_cards(planner: Planner) -> dict[str, dict]:
    """Each rent policy's increase and its rent-discount cost against the baseline policy."""
    from .finance import macro_for, rent_growth
    macro, _ = macro_for(planner.s, planner.round_no)
    base = planner.baseline.figures
    out = {}
    for p in planner.s.rent_policies:
        r = planner.resolve(p.id, ()).figures
        out[p.id] = {"rent_growth": float(rent_growth(planner.s, p.id, macro)),
                     "rent_discount": r["rent_discount"] - base["rent_discount"],
                     "social_budget_used": r["social_budget_used"] - base["social_budget_used"],
                     "rent_income": r["rent_income"] - base["rent_income"]}
    return out
