"""Method of Equal Shares (MES) core, in exact fractions, with an exact "Add1" completion.

This module works on plain indexed data; ``game.aggregate`` wraps it in the public API.

* Projects are indices ``0..n-1``; **a lower index wins a tie**. The caller numbers the
  projects in tie-breaking order (project id as a string), which reproduces pabutools'
  ``lexico_tie_breaking``.
* Voters with the same utilities are merged into one *group* whose weight is the sum of
  their weights. Every quantity is kept per unit of weight, so a voter of weight ``w`` has
  ``w`` times the budget and pays ``w`` times the amount: shares are proportional to weight.

Add1 (equalshares.net, pabutools ``voter_budget_increment=1``): run MES with a per-voter
budget of ``B/W``, then ``B/W + 1``, ``B/W + 2``, ... and stop at the first outcome that is
exhaustive (no further supported project fits the real budget ``B``); if a step overspends
``B``, return the previous step's outcome. Stepping one euro at a time is slow, so we jump:
every decision MES takes (is a project affordable, which supporters pay their whole remaining
budget, which project has the lowest price per utility) is a sign test on a quantity that
is *affine* in the per-voter budget ``t`` while those decisions stay the same. Each run
records these quantities with their slopes and returns the first ``t`` at which any of them
could change sign (``MESRun.horizon``). Below that point the run, and so the outcome, is
provably identical, so the driver skips straight to the first step at or past the horizon.
The result equals the one-euro iteration exactly; only the number of MES runs shrinks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

# A group: (total weight, {project index: utility per unit of weight}); utilities > 0.
Group = tuple[Fraction, dict[int, Fraction]]


@dataclass
class MESRun:
    """One MES run at per-unit budget ``voter_budget``."""

    voter_budget: Fraction
    selected: list[int]
    # per group: project index -> amount paid per unit of weight
    paid: list[dict[int, Fraction]]
    # first per-unit budget at which this run might differ; None = never (or not tracked)
    horizon: Fraction | None = None
    rounds: int = 0


@dataclass
class _Horizon:
    """Tracks the smallest budget at which a recorded affine quantity reaches zero."""

    t: Fraction
    value: Fraction | None = None

    def keep_nonnegative(self, value: Fraction, slope: Fraction) -> None:
        """Record that ``value + slope * (x - t)`` must keep its sign (value >= 0 at t)."""
        if slope < 0:
            root = self.t + value / -slope
            if self.value is None or root < self.value:
                self.value = root


@dataclass
class _Problem:
    costs: list[Fraction]
    groups: list[Group]
    supporters: list[list[int]] = field(default_factory=list)

    total_util: list[Fraction] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.supporters = [[] for _ in self.costs]
        for g, (_, utils) in enumerate(self.groups):
            for p, u in utils.items():
                if u > 0:
                    self.supporters[p].append(g)
        self.total_util = [sum((self.groups[g][0] * self.groups[g][1][p] for g in sup),
                               Fraction(0)) for p, sup in enumerate(self.supporters)]


def _price(prob: _Problem, p: int, b: list[Fraction], s: list[Fraction], track: bool):
    """Lowest price per unit of utility for project ``p`` (its affordability "rho").

    Returns ``(rho, rho_slope, poor)`` where ``poor`` holds the supporters that pay their
    whole remaining budget, or None if the supporters cannot afford the project.
    """
    cost = prob.costs[p]
    sup = prob.supporters[p]
    groups = prob.groups
    total_util = prob.total_util[p]
    rho = cost / total_util
    if all(b[g] >= rho * groups[g][1][p] for g in sup):  # common case: nobody is short
        return rho, Fraction(0), ()
    order = sorted(sup, key=lambda g: b[g] / groups[g][1][p])
    paid, paid_slope, denom = Fraction(0), Fraction(0), total_util
    for idx, g in enumerate(order):
        w, utils = groups[g]
        rho = (cost - paid) / denom
        if rho * utils[p] <= b[g]:
            return rho, (-paid_slope / denom if track else Fraction(0)), order[:idx]
        paid += w * b[g]
        denom -= w * utils[p]
        if track:
            paid_slope += w * s[g]
    return None


def run_mes(
    costs: list[Fraction], groups: list[Group], voter_budget: Fraction, *, track: bool = False
) -> MESRun:
    """Run MES once, every group starting with ``voter_budget`` per unit of weight.

    With ``track`` the run also computes ``horizon`` (see the module docstring).
    """
    prob = _Problem(costs, groups)
    return _run(prob, voter_budget, track)


def _run(prob: _Problem, t: Fraction, track: bool) -> MESRun:
    costs, groups, supporters = prob.costs, prob.groups, prob.supporters
    b = [t] * len(groups)
    s = [Fraction(1)] * len(groups)  # d(budget)/dt per group
    paid: list[dict[int, Fraction]] = [{} for _ in groups]
    hz = _Horizon(t)
    # Free supported projects cost nobody anything: select them first, by index.
    selected = [p for p in range(len(costs)) if costs[p] == 0 and supporters[p]]
    remaining = [p for p in range(len(costs)) if costs[p] > 0 and supporters[p]]
    # Affine lower bound (value at t, slope) on each project's price. Any split of the
    # supporters into "pays all it has" and "pays rho * u" gives one, and prices only rise
    # during a run, so an old bound stays valid; it starts from "everybody pays rho * u".
    low = {p: (costs[p] / prob.total_util[p], Fraction(0)) for p in remaining}
    rounds = 0
    while remaining:
        rounds += 1
        best, best_price = None, None
        dropped = set()
        for p in sorted(remaining, key=lambda q: (low[q][0], q)):
            if best is not None and low[p][0] > best_price[0]:
                break  # lazy: no project from here on can beat (or tie) the best
            price = _price(prob, p, b, s, track)
            if price is None:  # stays unaffordable for the rest of the run
                dropped.add(p)
                if track:
                    money = sum(groups[g][0] * b[g] for g in supporters[p])
                    slope = sum(groups[g][0] * s[g] for g in supporters[p])
                    hz.keep_nonnegative(costs[p] - money, -slope)
                continue
            low[p] = price[:2]
            if best is None or (price[0], p) < (best_price[0], best):
                best, best_price = p, price  # on a tie the lower index (earlier id) wins
        remaining = [p for p in remaining if p not in dropped]
        if best is None:
            break
        rho, rho_slope, poor = best_price
        poor_set = set(poor)
        if track:
            for q in remaining:
                if q != best:
                    hz.keep_nonnegative(low[q][0] - rho, low[q][1] - rho_slope)
            for g in supporters[best]:
                u = groups[g][1][best]
                if g in poor_set:
                    hz.keep_nonnegative(rho * u - b[g], rho_slope * u - s[g])
                else:
                    hz.keep_nonnegative(b[g] - rho * u, s[g] - rho_slope * u)
        for g in supporters[best]:
            u = groups[g][1][best]
            if g in poor_set:
                pay, b[g], s[g] = b[g], Fraction(0), Fraction(0)
            else:
                pay = rho * u
                b[g] -= pay
                s[g] -= rho_slope * u
            if pay:
                paid[g][best] = pay
        selected.append(best)
        remaining.remove(best)
    return MESRun(t, selected, paid, hz.value if track else None, rounds)


def is_exhaustive(prob_costs: list[Fraction], candidates: list[int], selected: list[int],
                  budget: Fraction) -> bool:
    """True if no candidate outside ``selected`` still fits within ``budget``."""
    spent = sum((prob_costs[p] for p in selected), Fraction(0))
    chosen = set(selected)
    return all(spent + prob_costs[p] > budget for p in candidates if p not in chosen)


def equal_shares(
    costs: list[Fraction],
    groups: list[Group],
    budget: Fraction,
    total_weight: Fraction,
    *,
    add1: bool = False,
    increment: Fraction = Fraction(1),
) -> tuple[MESRun, int]:
    """MES with per-unit budget ``budget / total_weight``; with ``add1`` the Add1 completion.

    Returns the chosen run and the number of MES runs computed.
    """
    prob = _Problem(costs, groups)
    start = budget / total_weight
    run = _run(prob, start, add1)
    if not add1:
        return run, 1
    candidates = [p for p in range(len(costs)) if prob.supporters[p]]
    step, runs = 0, 1
    while True:
        spent = sum((costs[p] for p in run.selected), Fraction(0))
        if spent > budget:
            break
        if is_exhaustive(costs, candidates, run.selected, budget):
            return run, runs
        if run.horizon is None:  # cannot happen (see docstring); stop rather than loop
            return run, runs
        last_step, last_run = step, run
        gap = (run.horizon - run.voter_budget) / increment
        step += max(1, math.ceil(gap))
        run = _run(prob, start + step * increment, True)
        runs += 1
    if step == 0:  # plain MES never overspends; kept for safety
        return run, runs
    if step - 1 != last_step:  # same selection as last_run, but report that step's payments
        last_run = _run(prob, start + (step - 1) * increment, False)
        runs += 1
    return last_run, runs
