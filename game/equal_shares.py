"""Method of Equal Shares (MES) core, in exact fractions, with an exact "Add1" completion.

This module works on plain indexed data; ``game.aggregate`` wraps it in the public API.

* Projects are indices ``0..n-1``; **a lower index wins a tie**. The caller numbers the
  projects in tie-breaking order (project id as a string), which reproduces pabutools'
  ``lexico_tie_breaking``.
* Voters with the same utilities are merged into one *group* whose weight is the sum of
  their weights. Every quantity is kept per unit of weight, so a voter of weight ``w`` has
  ``w`` times the budget and pays ``w`` times the amount: shares are proportional to weight.

**Add1** (equalshares.net; pabutools ``voter_budget_increment=1``): run MES with a per-voter
budget of ``B/W``, then ``B/W + 1``, ``B/W + 2``, ... and stop at the first outcome that is
exhaustive (no further supported project fits the real budget ``B``); if a step overspends
``B``, return the previous step's outcome.

One euro at a time is slow, so we jump, exactly. Within one MES run every budget, payment
and price is an affine function of the starting per-voter budget ``t`` as long as the run's
decisions stay the same: is a project affordable, which supporters of the chosen project pay
all they have left, which project is cheapest. For a project that is *not* chosen we only
need a lower bound on its price: any split of its supporters into "pays all it has" and
"pays price * utility" gives one, ``(cost - sum_poor w*b) / sum_rich w*u`` (so the price is
the maximum of these affine bounds), and prices only rise during a run. Each round records
the first ``t`` at which one of its affine sign conditions could flip. Below that point the
round, and so the outcome, is provably the same. The driver jumps to the first whole step at
or past the earliest such point, and resumes MES from the first round that is no longer valid
there (earlier rounds are reused, extrapolated). The result equals the one-euro iteration
exactly; only the work shrinks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

# A group: (total weight, {project index: utility per unit of weight}); utilities > 0.
Group = tuple[Fraction, dict[int, Fraction]]
_ZERO = Fraction(0)


@dataclass
class MESRun:
    """The result of MES at per-unit budget ``voter_budget``."""

    voter_budget: Fraction
    selected: list[int]
    # per group: project index -> amount paid per unit of weight
    paid: list[dict[int, Fraction]]
    runs: int = 1  # MES runs (full or resumed) spent to find this result


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
        self.total_util = [sum((self.groups[g][0] * self.groups[g][1][p] for g in sup), _ZERO)
                           for p, sup in enumerate(self.supporters)]


@dataclass
class _State:
    """MES at the start of a round for per-unit budget ``t``, with slopes d/dt."""

    t: Fraction
    b: list[Fraction]  # budget left per unit of weight, per group
    s: list[Fraction]  # its slope
    selected: list[int]
    remaining: list[int]  # supported projects not selected and not known unaffordable
    low: dict[int, tuple[Fraction, Fraction]]  # lower bound on each price: value, slope

    @classmethod
    def start(cls, prob: _Problem, t: Fraction) -> _State:
        n = len(prob.costs)
        return cls(
            t, [t] * len(prob.groups), [Fraction(1)] * len(prob.groups),
            # free supported projects cost nobody anything: they go first, by index
            [p for p in range(n) if prob.costs[p] == 0 and prob.supporters[p]],
            [p for p in range(n) if prob.costs[p] > 0 and prob.supporters[p]],
            # first bound: everybody pays price * utility
            {p: (prob.costs[p] / prob.total_util[p], _ZERO)
             for p in range(n) if prob.costs[p] > 0 and prob.supporters[p]},
        )

    def copy(self) -> _State:
        return replace(self, b=list(self.b), s=list(self.s), selected=list(self.selected),
                       remaining=list(self.remaining), low=dict(self.low))

    def at(self, x: Fraction) -> _State:
        """This state moved along its slopes to per-unit budget ``x``."""
        d = x - self.t
        return _State(x, [b + s * d for b, s in zip(self.b, self.s)], list(self.s),
                      list(self.selected), list(self.remaining),
                      {p: (v + sl * d, sl) for p, (v, sl) in self.low.items()})


class _Horizon:
    """Smallest ``x`` at which a recorded affine quantity (>= 0 at ``t``) reaches zero."""

    def __init__(self, t: Fraction) -> None:
        self.t, self.value = t, None

    def keep(self, value: Fraction, slope: Fraction) -> None:
        if slope < 0:
            root = self.t + value / -slope
            if self.value is None or root < self.value:
                self.value = root


def _below(b: Fraction, rho: Fraction, u: Fraction) -> bool:
    """``b < rho * u`` in integer arithmetic (no Fraction objects in the hot loop)."""
    return (b.numerator * rho.denominator * u.denominator
            < rho.numerator * u.numerator * b.denominator)


def _price(prob: _Problem, p: int, b: list[Fraction], s: list[Fraction]):
    """Lowest price per unit of utility for ``p`` (MES's "rho"), its slope and the poor.

    ``poor`` are the supporters that pay their whole remaining budget. If the supporters
    cannot afford it: ``(None, money, money_slope)``. Fixpoint: a supporter short of the
    current (lower-bound) price is poor at the true price too; repeat until nobody new is.
    """
    cost, groups = prob.costs[p], prob.groups
    rich = prob.supporters[p]
    poor: list[int] = []
    paid, paid_slope, denom = _ZERO, _ZERO, prob.total_util[p]
    while rich:
        rho = (cost - paid) / denom
        short = [g for g in rich if _below(b[g], rho, groups[g][1][p])]
        if not short:
            return rho, (-paid_slope / denom if poor else _ZERO), poor
        for g in short:
            w = groups[g][0]
            paid += w * b[g]
            paid_slope += w * s[g]
            denom -= w * groups[g][1][p]
        poor += short
        short_set = set(short)
        rich = [g for g in rich if g not in short_set]
    return None, paid, paid_slope


def _play(prob: _Problem, st: _State, paid: list[dict[int, Fraction]] | None,
          log: list[tuple[_State, Fraction | None]] | None) -> None:
    """Run MES rounds on ``st`` in place until no project is affordable.

    With ``log``, append per round its starting state and the budget at which it may change.
    With ``paid``, record the payments.
    """
    groups, supporters, costs = prob.groups, prob.supporters, prob.costs
    b, s, low = st.b, st.s, st.low
    while st.remaining:
        snapshot = st.copy() if log is not None else None
        hz = _Horizon(st.t)
        best, best_price, dropped = None, None, set()
        for p in sorted(st.remaining, key=lambda q: (low[q][0], q)):
            if best is not None and low[p][0] > best_price[0]:
                break  # lazy: no project from here on can beat (or tie) the best
            price = _price(prob, p, b, s)
            if price[0] is None:  # stays unaffordable for the rest of the run
                dropped.add(p)
                if price[2] > 0:
                    hz.keep(costs[p] - price[1], -price[2])
                continue
            low[p] = price[:2]
            if best is None or (price[0], p) < (best_price[0], best):
                best, best_price = p, price  # on a tie the lower index (earlier id) wins
        st.remaining = [p for p in st.remaining if p not in dropped]
        if best is None:
            if log is not None:
                log.append((snapshot, hz.value))
            return
        rho, rho_slope, poor = best_price
        poor = set(poor)
        for q in st.remaining:
            if q != best:
                hz.keep(low[q][0] - rho, low[q][1] - rho_slope)
        for g in supporters[best]:
            u = groups[g][1][best]
            if g in poor:
                slope = rho_slope * u - s[g]
                if slope < 0:
                    hz.keep(rho * u - b[g], slope)
                pay, b[g], s[g] = b[g], _ZERO, _ZERO
            else:
                pay = rho * u
                slope = s[g] - rho_slope * u if rho_slope else s[g]
                if slope < 0:
                    hz.keep(b[g] - pay, slope)
                b[g] -= pay
                s[g] = slope
            if paid is not None and pay:
                paid[g][best] = pay
        st.selected.append(best)
        st.remaining.remove(best)
        if log is not None:
            log.append((snapshot, hz.value))


def run_mes(costs: list[Fraction], groups: list[Group], voter_budget: Fraction) -> MESRun:
    """Plain MES, every group starting with ``voter_budget`` per unit of weight."""
    prob = _Problem(costs, groups)
    st = _State.start(prob, voter_budget)
    paid: list[dict[int, Fraction]] = [{} for _ in groups]
    _play(prob, st, paid, None)
    return MESRun(voter_budget, st.selected, paid)


def is_exhaustive(costs: list[Fraction], candidates: list[int], selected: list[int],
                  budget: Fraction) -> bool:
    """True if no candidate outside ``selected`` still fits within ``budget``."""
    spent = sum((costs[p] for p in selected), _ZERO)
    chosen = set(selected)
    return all(spent + costs[p] > budget for p in candidates if p not in chosen)


def _add1_step(prob: _Problem, start: Fraction, increment: Fraction,
               budget: Fraction) -> tuple[int, int]:
    """The Add1 step to report (per-unit budget ``start + step * increment``) and runs used."""
    log: list[tuple[_State, Fraction | None]] = []
    st = _State.start(prob, start)
    _play(prob, st, None, log)
    candidates = [p for p in range(len(prob.costs)) if prob.supporters[p]]
    step, runs, t = 0, 1, start
    while True:
        if sum((prob.costs[p] for p in st.selected), _ZERO) > budget:
            return step - 1, runs  # step 0 (plain MES) never overspends
        if is_exhaustive(prob.costs, candidates, st.selected, budget):
            return step, runs
        roots = [root for _, root in log if root is not None]
        if not roots:  # the outcome never changes any more; cannot happen, but never loop
            return step, runs
        step += max(1, math.ceil((min(roots) - t) / increment))
        t = start + step * increment
        first = next(i for i, (_, root) in enumerate(log) if root is not None and root <= t)
        st = log[first][0].at(t)
        del log[first:]
        _play(prob, st, None, log)
        runs += 1


def equal_shares(costs: list[Fraction], groups: list[Group], budget: Fraction,
                 total_weight: Fraction, *, add1: bool = False,
                 increment: Fraction = Fraction(1)) -> MESRun:
    """MES with per-unit budget ``budget / total_weight``; with ``add1`` the Add1 completion."""
    start = budget / total_weight
    if not add1:
        return run_mes(costs, groups, start)
    step, runs = _add1_step(_Problem(costs, groups), start, increment, budget)
    result = run_mes(costs, groups, start + step * increment)  # payments of the chosen step
    result.runs = runs + 1
    return result
