"""Mode 2 (prioriteitenspel): posts costed over the scenario's horizon, stakeholder budgets,
and a package's consequences. FINANCE.md, "Prioriteitenspel costs":

- a post's cost = Σ over the H years of (social_budget_used with the post − without it);
  a project is carried out in year 1, a programme marked `repeat` runs every year;
- a stakeholder's budget is its share (by weight) of Σ over H years of
  (balanced social budget − baseline social_budget_used);
- a package's consequences are the year-H ratios and KPIs with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .finance import ZERO, Decisions, YearResult, initial_state, net_dividend, resolve_year
from .scenario import Scenario

KPI_KEYS = ("icr", "ltv", "solvency", "homes", "efg_share", "average_rent", "liveability",
            "market_value_total", "debt", "cash")


@dataclass(frozen=True)
class Post:
    id: str
    name: str
    theme: str
    municipalities: tuple[str, ...]
    cost: int          # whole euros over the horizon
    repeat: bool
    description: str = ""


class Horizon:
    """Trajectories over the horizon; every result is cached per package."""

    def __init__(self, s: Scenario):
        if s.prioriteiten is None:
            raise ValueError("scenario has no prioriteiten section")
        self.s, self.h = s, s.prioriteiten.horizon
        self._cache: dict[tuple[str, ...], list[YearResult]] = {}
        self.baseline = self.trajectory(())
        frame = next((f for f in s.frames if f.id == "balanced"), s.frame(s.default_frame))
        self.free_room = sum((frame.social_share * net_dividend(y.figures) - y.figures["social_budget_used"]
                              for y in self.baseline), ZERO)
        ids = s.prioriteiten.posts or [o.id for o in s.options]
        self.posts: list[Post] = []
        for pid in ids:
            o = s.option(pid)
            cost = self._social_used(self.trajectory((pid,))) - self._social_used(self.baseline)
            self.posts.append(Post(o.id, o.name, o.theme, tuple(o.municipalities()),
                                   max(1, int(cost.to_integral_value())), o.repeat, o.description))
        self.by_id = {p.id: p for p in self.posts}

    def trajectory(self, posts: tuple[str, ...]) -> list[YearResult]:
        key = tuple(sorted(set(posts)))
        if key not in self._cache:
            state, years = initial_state(self.s), []
            repeating = tuple(p for p in key if self.s.option(p).repeat)
            for year in range(1, self.h + 1):
                chosen = key if year == 1 else repeating
                r = resolve_year(state, self.s, year, Decisions(self.s.baseline_rent_policy, chosen))
                years.append(r)
                state = r.state
            self._cache[key] = years
        return self._cache[key]

    @staticmethod
    def _social_used(years: list[YearResult]) -> Decimal:
        return sum((y.figures["social_budget_used"] for y in years), ZERO)

    @property
    def joint_budget(self) -> int:
        """What the joint package may cost, in whole euros: the scenario's fixed joint budget,
        else the free room over the horizon."""
        fixed = self.s.prioriteiten.joint_budget
        return max(0, int(fixed if fixed is not None else self.free_room))

    def budgets(self, weights: dict[str, Fraction]) -> dict[str, int]:
        """Each stakeholder's private budget in whole euros: its weight's share of the free room,
        times the scenario's budget_factor."""
        total_w = sum(weights.values(), Fraction(0))
        factor = Fraction(self.s.prioriteiten.budget_factor)
        return {k: int(self.joint_budget * w * factor / total_w) for k, w in weights.items()}

    def consequences(self, posts: list[str] | tuple[str, ...]) -> dict:
        """Year-H ratios and KPIs with the package, and the package's cost."""
        years = self.trajectory(tuple(posts))
        last = years[-1].figures
        out = {k: last[k] for k in KPI_KEYS}
        out["cost"] = sum(self.by_id[p].cost for p in set(posts) if p in self.by_id)
        out["social_budget_used_total"] = self._social_used(years)
        out["year"] = self.s.start_year + self.h - 1
        return out

    def municipality_split(self, posts: list[str]) -> list[dict]:
        """Spending per municipality against its stock share (naar rato) and its need (naar opgave).
        A post landing in several municipalities is split evenly over them."""
        munis = self.s.municipalities
        spent = {m.id: Fraction(0) for m in munis}
        for pid in posts:
            post = self.by_id[pid]
            where = post.municipalities or tuple(m.id for m in munis)
            for m in where:
                spent[m] += Fraction(post.cost, len(where))
        total = sum(spent.values(), Fraction(0))
        units = sum(m.units for m in munis)
        need_total = sum((Fraction(m.need) for m in munis), Fraction(0))
        rows = []
        for m in munis:
            rows.append({"municipality": m.id, "name": m.name, "spent": spent[m.id],
                         "share": spent[m.id] / total if total else Fraction(0),
                         "pro_rata_share": Fraction(m.units, units),
                         "need_share": Fraction(m.need) / need_total if need_total else Fraction(0)})
        return rows
