"""Joint packages from individual ballots: greedy, Method of Equal Shares, maximum welfare.

Pure Python, exact ``Fraction`` arithmetic, no I/O. Money may be given as ``int``,
``Fraction`` or ``Decimal``; floats are refused.

Ballots: ``scores[project_id]`` is 1 per approved project for approval/knapsack ballots and
the points given for cumulative ballots. A voter's ``weight`` multiplies its support and,
in MES, its share of the budget.

Definitions (they reproduce pabutools 1.2.3 as used in ``shared/pabulib/expected_outcomes.json``):

* **support** of a project: sum over ballots of ``weight * score``.
* **greedy**: projects by support, highest first; add each one that still fits
  (``greedy_utilitarian_welfare`` with ``Cost_Sat`` for approval; for cumulative ballots
  the reference's ``PointsCost_Sat``, i.e. satisfaction = points * cost, gives the same order).
* **mes**: Method of Equal Shares. ``utility="cost"``: a voter's utility for a project is
  ``score * cost`` (``Cost_Sat`` for approval); ``utility="points"``: it is ``score``
  (``Additive_Cardinal_Sat`` for cumulative). ``completion="add1"`` raises every voter's
  share by 1 (money unit of the costs) per unit of weight until the outcome is exhaustive
  or the next step would overspend, computed with exact jumps (see ``game.equal_shares``);
  ``"add1u"`` then fills the rest greedily by support.
* **max-welfare**: an exact 0/1 knapsack (``game.knapsack``) maximising
  ``sum(support * cost)`` over the selected projects (``max_additive_utilitarian_welfare``
  with ``Cost_Sat``; for cumulative ballots points * cost, consistent with greedy).

Tie-breaking, everywhere explicit:

* greedy and the greedy fill of add1u: higher support first, then project id compared as a
  **string** (``"10"`` before ``"9"``), as pabutools' ``lexico_tie_breaking``;
* MES: lowest price per unit of utility first, then project id as a string (same rule);
* max-welfare: among all optimal sets, the one that takes higher-ranked projects whenever
  some optimum does, ranking by support then id (the lexicographically greatest take/leave
  vector in greedy order; see ``game.knapsack``). The reference (an ILP solver) documents
  no tie rule; the shared files have no tied optimum.

Projects nobody supports are never selected (pabutools' greedy would still fund them from
leftover money; no shared file has such a project), and free (cost 0) projects with support
are always selected (first, by id). Ballots naming unknown projects are an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from game.equal_shares import Group, equal_shares, is_exhaustive
from game.knapsack import best_subset

RULES = ("greedy", "mes", "mes-add1", "mes-add1u", "max-welfare")
UTILITIES = ("cost", "points")


@dataclass(frozen=True)
class Project:
    """A post that can be funded."""

    id: str
    cost: Fraction | int
    name: str = ""


@dataclass(frozen=True)
class Ballot:
    """One voter's scores: 1 per approved project, or points for cumulative ballots."""

    voter: str
    scores: Mapping[str, Fraction | int]
    weight: Fraction | int = 1


@dataclass
class Outcome:
    """A joint package; ``selected`` is in order of selection."""

    rule: str
    selected: list[str]
    total_cost: Fraction
    payments: dict[str, dict[str, Fraction]] = field(default_factory=dict)
    budget: Fraction = Fraction(0)
    support: dict[str, Fraction] = field(default_factory=dict)
    # per voter: utility of the package, as the rule measures it (MES: its utility kind;
    # greedy and max-welfare: score * cost)
    satisfaction: dict[str, Fraction] = field(default_factory=dict)
    utility: str = "cost"
    # MES only: per-unit-of-weight budget of the run that produced the outcome
    voter_budget: Fraction | None = None
    # MES add1u only: projects added by the greedy fill (also in ``selected``)
    filled: list[str] = field(default_factory=list)
    mes_runs: int = 0

    @property
    def leftover(self) -> Fraction:
        """Budget left unspent."""
        return self.budget - self.total_cost


def _money(value: object, what: str) -> Fraction | int:
    """Exact number (ints stay ints: cheaper, and just as exact); floats are refused."""
    if isinstance(value, bool) or not isinstance(value, (int, Fraction, Decimal)):
        raise TypeError(f"{what} must be int, Fraction or Decimal, not {type(value).__name__}")
    return value if isinstance(value, int) else Fraction(value)


@dataclass
class _Input:
    """Validated, normalised input shared by all rules."""

    projects: list[Project]  # sorted by id string: the tie-breaking order
    costs: list[Fraction | int]  # ints stay ints (exact and faster); divisions use Fractions
    ballots: list[Ballot]
    weights: list[Fraction | int]
    scores: list[dict[int, Fraction | int]]  # per ballot: project index -> score > 0
    budget: Fraction | int
    support: list[Fraction | int]

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.projects]

    def by_support(self, indices: Iterable[int]) -> list[int]:
        """Indices by support (highest first), then id."""
        return sorted(indices, key=lambda p: (-self.support[p], self.projects[p].id))

    def utility(self, kind: str, ballot: int, p: int) -> Fraction:
        score = self.scores[ballot][p]
        return score * self.costs[p] if kind == "cost" else score


def _prepare(projects: Iterable[Project], ballots: Iterable[Ballot], budget: object) -> _Input:
    plist = sorted(projects, key=lambda p: p.id)
    ids = [p.id for p in plist]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate project id")
    index = {pid: i for i, pid in enumerate(ids)}
    costs = [_money(p.cost, f"cost of project {p.id!r}") for p in plist]
    if any(c < 0 for c in costs):
        raise ValueError("project costs must be >= 0")
    total = _money(budget, "budget")
    if total < 0:
        raise ValueError("budget must be >= 0")
    blist = list(ballots)
    voters = [b.voter for b in blist]
    if len(set(voters)) != len(voters):
        raise ValueError("duplicate voter")
    weights, scores = [], []
    support: list[Fraction | int] = [0] * len(plist)
    for b in blist:
        w = _money(b.weight, f"weight of voter {b.voter!r}")
        if w < 0:
            raise ValueError(f"weight of voter {b.voter!r} must be >= 0")
        row = {}
        for pid, raw in b.scores.items():
            if pid not in index:
                raise ValueError(f"voter {b.voter!r} scores unknown project {pid!r}")
            sc = _money(raw, f"score of voter {b.voter!r}")
            if sc < 0:
                raise ValueError(f"voter {b.voter!r}: scores must be >= 0")
            if sc > 0:
                row[index[pid]] = sc
                support[index[pid]] += w * sc
        weights.append(w)
        scores.append(row)
    return _Input(plist, costs, blist, weights, scores, total, support)


def _outcome(inp: _Input, rule: str, chosen: list[int], utility: str = "cost") -> Outcome:
    """Outcome with totals, support and each voter's satisfaction filled in."""
    chosen_set = set(chosen)
    satisfaction = {
        b.voter: Fraction(sum(inp.utility(utility, i, p) for p in inp.scores[i] if p in chosen_set))
        for i, b in enumerate(inp.ballots)
    }
    return Outcome(
        rule=rule,
        selected=[inp.projects[p].id for p in chosen],
        total_cost=Fraction(sum(inp.costs[p] for p in chosen)),
        budget=Fraction(inp.budget),
        support={p.id: Fraction(inp.support[i]) for i, p in enumerate(inp.projects)},
        satisfaction=satisfaction,
        utility=utility,
    )


def _greedy_fill(inp: _Input, chosen: list[int]) -> list[int]:
    """Add supported projects by support while they fit; returns the added indices."""
    left = inp.budget - sum(inp.costs[p] for p in chosen)
    taken = set(chosen)
    added = []
    for p in inp.by_support(i for i in range(len(inp.projects)) if i not in taken):
        if inp.support[p] > 0 and inp.costs[p] <= left:
            added.append(p)
            left -= inp.costs[p]
    return added


def greedy(projects: Iterable[Project], ballots: Iterable[Ballot], budget) -> Outcome:
    """Greedy by support: take projects from most to least supported, skip what no longer fits."""
    inp = _prepare(projects, ballots, budget)
    return _outcome(inp, "greedy", _greedy_fill(inp, []))


def _groups(inp: _Input, utility: str) -> tuple[list[Group], list[int | None]]:
    """Merge voters with identical utilities (they behave identically under MES).

    Returns the groups and, per ballot, its group (None: no weight or no utility).
    Free projects are left out: ``mes`` selects the supported ones itself.
    """
    keys: dict[tuple, int] = {}
    weights: list[Fraction | int] = []
    utils_of: list[dict[int, Fraction]] = []
    member_of: list[int | None] = []
    for i, row in enumerate(inp.scores):
        utils = {p: inp.utility(utility, i, p) for p in row if inp.costs[p] > 0}
        if not utils or inp.weights[i] == 0:
            member_of.append(None)
            continue
        key = tuple(sorted(utils.items()))
        g = keys.get(key)
        if g is None:
            g = keys[key] = len(weights)
            weights.append(0)
            utils_of.append({p: Fraction(u) for p, u in utils.items()})
        weights[g] += inp.weights[i]
        member_of.append(g)
    return [(Fraction(w), u) for w, u in zip(weights, utils_of)], member_of


def mes(
    projects: Iterable[Project],
    ballots: Iterable[Ballot],
    budget,
    *,
    utility: str = "cost",
    completion: str | None = None,
    increment: Fraction | int = 1,
) -> Outcome:
    """Method of Equal Shares, optionally completed by ``"add1"`` or ``"add1u"``.

    ``increment`` is the Add1 step per unit of voter weight, in the money unit of the costs.
    """
    if utility not in UTILITIES:
        raise ValueError(f"utility must be one of {UTILITIES}, not {utility!r}")
    if completion not in (None, "add1", "add1u"):
        raise ValueError(f"completion must be None, 'add1' or 'add1u', not {completion!r}")
    step = _money(increment, "increment")
    if step <= 0:
        raise ValueError("increment must be > 0")
    rule = "mes" if completion is None else f"mes-{completion}"
    inp = _prepare(projects, ballots, budget)
    total_weight = sum(inp.weights, Fraction(0))
    if total_weight == 0:
        return _outcome(inp, rule, [], utility)
    groups, member_of = _groups(inp, utility)
    # Supported free projects are selected first (by id); MES only sees projects that cost.
    free = [p for p in range(len(inp.costs)) if inp.costs[p] == 0 and inp.support[p] > 0]
    run = equal_shares([Fraction(c) for c in inp.costs], groups, Fraction(inp.budget), total_weight,
                       add1=completion is not None, increment=step)
    chosen = free + run.selected
    filled = []
    if completion == "add1u" and not is_exhaustive(
        inp.costs, list(range(len(inp.costs))), chosen, inp.budget
    ):
        filled = _greedy_fill(inp, chosen)
    out = _outcome(inp, rule, chosen + filled, utility)
    out.filled = [inp.projects[p].id for p in filled]
    out.voter_budget = run.voter_budget
    out.mes_runs = run.runs
    ids = inp.ids
    for i, b in enumerate(inp.ballots):
        g = member_of[i]
        per_unit = run.paid[g] if g is not None else {}
        w = inp.weights[i]
        out.payments[b.voter] = {ids[p]: (amount if w == 1 else amount * w)
                                 for p, amount in per_unit.items()}
    return out


def max_welfare(projects: Iterable[Project], ballots: Iterable[Ballot], budget) -> Outcome:
    """Exact maximum of ``sum(support * cost)`` within the budget (0/1 knapsack).

    The selection is reported in greedy order (support, then id), as the reference does.
    """
    inp = _prepare(projects, ballots, budget)
    items = inp.by_support(p for p in range(len(inp.projects)) if inp.support[p] > 0)
    free = [p for p in items if inp.costs[p] == 0]
    paid = [p for p in items if 0 < inp.costs[p] <= inp.budget]
    picks = best_subset([Fraction(inp.support[p] * inp.costs[p]) for p in paid],
                        [Fraction(inp.costs[p]) for p in paid], Fraction(inp.budget))
    chosen_set = set(free) | {paid[k] for k in picks}
    return _outcome(inp, "max-welfare", [p for p in items if p in chosen_set])


def aggregate(rule: str, projects: Iterable[Project], ballots: Iterable[Ballot], budget, *,
              utility: str = "cost") -> Outcome:
    """Dispatch on ``rule`` in ``RULES``; ``utility`` only affects the MES rules."""
    if rule == "greedy":
        return greedy(projects, ballots, budget)
    if rule == "max-welfare":
        return max_welfare(projects, ballots, budget)
    if rule in ("mes", "mes-add1", "mes-add1u"):
        completion = None if rule == "mes" else rule.removeprefix("mes-")
        return mes(projects, ballots, budget, utility=utility, completion=completion)
    raise ValueError(f"unknown rule {rule!r}; choose one of {', '.join(RULES)}")
