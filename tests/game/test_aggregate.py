"""Tests for game.aggregate: hand-checked examples, properties, and the real Pabulib files."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from decimal import Decimal
from fractions import Fraction
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game import equal_shares, knapsack
from game.aggregate import (
    RULES,
    Ballot,
    Project,
    aggregate,
    greedy,
    max_welfare,
    mes,
)
from game.pabulib import load_pb, to_aggregate_input

# the real Pabulib files with reference outcomes: the team's shared folder beside the checkout, or $PABULIB_DIR
SHARED = Path(os.environ.get("PABULIB_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "pabulib")
EXPECTED = SHARED / "expected_outcomes.json"

# expected_outcomes.json key -> our rule; "seq_phragmen" is not one of ours.
RULE_OF_KEY = {
    "greedy_votes": "greedy",
    "greedy_points": "greedy",
    "mes_plain": "mes",
    "mes_add1": "mes-add1",
    "mes_add1u": "mes-add1u",
    "max_welfare_cost": "max-welfare",
}
NOT_OURS = {"seq_phragmen"}
UTILITY_OF_SAT = {"Cost_Sat": "cost", "Additive_Cardinal_Sat": "points"}


def approval(voter: str, *ids: str, weight=1) -> Ballot:
    return Ballot(voter, {i: 1 for i in ids}, weight)


# --- hand-checked examples ---------------------------------------------------------------

# Budget 30, three voters with 10 each. v1 and v2 approve A (20) and B (10); v3 approves C (10).
ABC = [Project("A", 20), Project("B", 10), Project("C", 10)]
ABC_BALLOTS = [approval("v1", "A", "B"), approval("v2", "A", "B"), approval("v3", "C")]


def test_greedy_takes_the_two_most_supported():
    out = greedy(ABC, ABC_BALLOTS, 30)
    assert out.selected == ["A", "B"]
    assert out.total_cost == 30
    assert out.support == {"A": 2, "B": 2, "C": 1}
    assert out.payments == {}


def test_mes_cost_utilities_gives_the_minority_its_share():
    # A: v1, v2 pay 10 each, price 10/20 = 1/2 per unit of utility. B: 5 each, 5/10 = 1/2.
    # C: v3 pays 10, price 1. A and B tie at 1/2; "A" < "B" wins. Then B is unaffordable
    # (v1, v2 have nothing left) and C is bought by v3.
    out = mes(ABC, ABC_BALLOTS, 30)
    assert out.selected == ["A", "C"]
    assert out.total_cost == 30
    assert out.payments == {"v1": {"A": 10}, "v2": {"A": 10}, "v3": {"C": 10}}
    assert out.voter_budget == 10
    assert out.satisfaction == {"v1": 20, "v2": 20, "v3": 10}


def test_mes_point_utilities():
    # Price per point: B 10/2 = 5, A 20/2 = 10, C 10/1 = 10. B first (5 each), then A is
    # unaffordable (5 + 5 < 20) and C is bought. C and A both cost 20 + ... do not fit: exhaustive.
    out = mes(ABC, ABC_BALLOTS, 30, utility="points")
    assert out.selected == ["B", "C"]
    assert out.payments == {"v1": {"B": 5}, "v2": {"B": 5}, "v3": {"C": 10}}
    assert mes(ABC, ABC_BALLOTS, 30, utility="points", completion="add1").selected == ["B", "C"]


def test_max_welfare_on_the_hand_example():
    # Welfare = support * cost: A 40, B 20, C 10. {A, B} = 60 beats {A, C} = 50.
    out = max_welfare(ABC, ABC_BALLOTS, 30)
    assert out.selected == ["A", "B"]


def test_max_welfare_beats_greedy_when_greedy_blocks_itself():
    projects = [Project("A", 6), Project("B", 5), Project("C", 5)]
    ballots = [approval("1", "A", "B", "C"), approval("2", "A", "B", "C"), approval("3", "A")]
    assert greedy(projects, ballots, 10).selected == ["A"]  # 3 * 6 = 18
    assert max_welfare(projects, ballots, 10).selected == ["B", "C"]  # 2 * 5 + 2 * 5 = 20


# Three voters; X (6) approved by all, Y (5) by v1, Z (7) by v2 and v3.
XYZ = [Project("X", 6), Project("Y", 5), Project("Z", 7)]
XYZ_BALLOTS = [approval("v1", "X", "Y"), approval("v2", "X", "Z"), approval("v3", "X", "Z")]


def test_add1_raises_shares_until_exhaustive():
    # Budget 13: shares 13/3. X costs 2 each. Z needs 7 from v2 + v3, who have 2 * 7/3 left.
    # At 16/3 they have 20/3 < 7; at 19/3 they have 26/3 >= 7: [X, Z] costs 13, exhaustive.
    assert mes(XYZ, XYZ_BALLOTS, 13).selected == ["X"]
    out = mes(XYZ, XYZ_BALLOTS, 13, completion="add1")
    assert out.selected == ["X", "Z"]
    assert out.voter_budget == Fraction(19, 3)
    assert out.payments == {"v1": {"X": 2}, "v2": {"X": 2, "Z": Fraction(7, 2)},
                            "v3": {"X": 2, "Z": Fraction(7, 2)}}


def test_add1_stops_before_overspending_and_add1u_fills_greedily():
    # Budget 12: shares 4. At 4 and 5 only X; at 6, Z becomes affordable and [X, Z] costs
    # 13 > 12, so Add1 returns the outcome at 5. Add1U then adds Y (5 <= 12 - 6); Z does not fit.
    out = mes(XYZ, XYZ_BALLOTS, 12, completion="add1")
    assert out.selected == ["X"]
    assert out.voter_budget == 5
    filled = mes(XYZ, XYZ_BALLOTS, 12, completion="add1u")
    assert filled.selected == ["X", "Y"]
    assert filled.filled == ["Y"]
    assert filled.total_cost == 11
    assert filled.payments["v1"] == {"X": 2}


def test_weights_give_proportional_shares():
    projects = [Project("A", 6), Project("B", 6)]
    # Budget 9, total weight 3: v1 (weight 2) has 6 and can buy A alone; v2 has 3.
    weighted = [approval("v1", "A", weight=2), approval("v2", "B")]
    out = mes(projects, weighted, 9)
    assert out.selected == ["A"]
    assert out.payments == {"v1": {"A": 6}, "v2": {}}
    # Unweighted, nobody has 6.
    assert mes(projects, [approval("v1", "A"), approval("v2", "B")], 9).selected == []
    assert greedy(projects, weighted, 9).support == {"A": 2, "B": 1}


def test_ties_use_the_project_id_as_a_string():
    projects = [Project("9", 5), Project("10", 5)]
    ballots = [approval("a", "9", "10")]
    assert greedy(projects, ballots, 5).selected == ["10"]
    assert mes(projects, ballots, 5).selected == ["10"]
    assert max_welfare(projects, ballots, 5).selected == ["10"]


def test_unsupported_projects_are_never_selected_and_free_ones_are():
    projects = [Project("free", 0), Project("nobody", 1), Project("p", 4)]
    ballots = [approval("a", "free", "p")]
    for rule in RULES:
        assert aggregate(rule, projects, ballots, 10).selected == ["free", "p"], rule


def test_cumulative_points_and_decimal_money():
    projects = [Project("a", Decimal("2.50")), Project("b", Fraction(5, 2))]
    ballots = [Ballot("x", {"a": 3, "b": 1}), Ballot("y", {"b": 2})]
    out = greedy(projects, ballots, Decimal("2.5"))
    assert out.selected == ["a"]  # 3 points vs 3 points, "a" < "b"
    assert out.total_cost == Fraction(5, 2)
    assert isinstance(out.total_cost, Fraction)


def test_no_ballots_selects_nothing():
    for rule in RULES:
        assert aggregate(rule, ABC, [], 30).selected == []


@pytest.mark.parametrize("bad", [
    lambda: greedy([Project("a", 1.5)], [], 10),
    lambda: greedy([Project("a", 1)], [], 10.0),
    lambda: greedy([Project("a", 1)], [Ballot("v", {"a": 0.5})], 10),
])
def test_floats_are_refused(bad):
    with pytest.raises(TypeError):
        bad()


@pytest.mark.parametrize("bad", [
    lambda: greedy([Project("a", 1)], [approval("v", "zz")], 10),
    lambda: greedy([Project("a", 1)], [approval("v", "a"), approval("v", "a")], 10),
    lambda: greedy([Project("a", 1), Project("a", 2)], [], 10),
    lambda: greedy([Project("a", -1)], [], 10),
    lambda: mes([Project("a", 1)], [], 10, utility="joy"),
    lambda: mes([Project("a", 1)], [], 10, completion="add2"),
    lambda: aggregate("borda", [Project("a", 1)], [], 10),
])
def test_bad_input_is_a_value_error(bad):
    with pytest.raises(ValueError):
        bad()


# --- properties ------------------------------------------------------------------------------

@st.composite
def elections(draw):
    n = draw(st.integers(1, 6))
    projects = [Project(f"p{i}", draw(st.integers(0, 20))) for i in range(n)]
    points = draw(st.booleans())
    ballots = []
    for v in range(draw(st.integers(1, 5))):
        chosen = draw(st.sets(st.integers(0, n - 1)))
        scores = {f"p{i}": (draw(st.integers(1, 5)) if points else 1) for i in chosen}
        ballots.append(Ballot(f"v{v}", scores, draw(st.integers(1, 3))))
    budget = draw(st.integers(0, 60))
    return projects, ballots, budget, ("points" if points else "cost")


@settings(max_examples=300, deadline=None)
@given(elections())
def test_every_rule_stays_within_budget_and_mes_pays_its_way(election):
    projects, ballots, budget, utility = election
    cost = {p.id: p.cost for p in projects}
    for rule in RULES:
        out = aggregate(rule, projects, ballots, budget, utility=utility)
        assert out.total_cost <= budget, rule
        assert len(set(out.selected)) == len(out.selected)
        assert out.total_cost == sum(cost[p] for p in out.selected)
    total_weight = sum(b.weight for b in ballots)
    for completion in (None, "add1", "add1u"):
        out = mes(projects, ballots, budget, utility=utility, completion=completion)
        share = out.voter_budget
        for b in ballots:
            paid = out.payments[b.voter]
            assert set(paid) <= {p for p, sc in b.scores.items() if sc > 0}
            assert sum(paid.values()) <= share * b.weight
        for p in out.selected:
            if p not in out.filled:
                assert sum(out.payments[b.voter].get(p, 0) for b in ballots) == cost[p]
        if completion is None:
            assert share == Fraction(budget, total_weight)


def _naive_add1(costs, groups, budget, total_weight):
    """Add1 as pabutools does it: +1 per unit of weight, one full MES run per step."""
    candidates = [p for p in range(len(costs)) if any(p in u for _, u in groups)]
    t, previous = budget / total_weight, None
    while True:
        run = equal_shares.run_mes(costs, groups, t)
        if sum(costs[p] for p in run.selected) > budget:
            return previous
        if equal_shares.is_exhaustive(costs, candidates, run.selected, budget):
            return run
        previous, t = run, t + 1


@settings(max_examples=300, deadline=None)
@given(elections())
def test_fast_add1_equals_one_euro_steps(election):
    projects, ballots, budget, utility = election
    ids = sorted(p.id for p in projects)
    costs = [Fraction(next(p.cost for p in projects if p.id == i)) for i in ids]
    groups = []
    for b in ballots:
        utils = {ids.index(pid): Fraction(sc) * (costs[ids.index(pid)] if utility == "cost" else 1)
                 for pid, sc in b.scores.items()}
        groups.append((Fraction(b.weight), {p: u for p, u in utils.items() if u > 0}))
    total_weight = sum(w for w, _ in groups)
    naive = _naive_add1(costs, groups, Fraction(budget), total_weight)
    fast = equal_shares.equal_shares(costs, groups, Fraction(budget), total_weight, add1=True)
    assert fast.selected == naive.selected
    assert fast.voter_budget == naive.voter_budget
    assert fast.paid == naive.paid


@settings(max_examples=200, deadline=None)
@given(elections())
def test_max_welfare_is_optimal_and_a_double_weight_is_two_voters(election):
    projects, ballots, budget, utility = election
    out = max_welfare(projects, ballots, budget)
    support = out.support
    best = max(
        sum(support[p.id] * p.cost for p in subset)
        for k in range(len(projects) + 1)
        for subset in itertools.combinations(projects, k)
        if sum(p.cost for p in subset) <= budget
    )
    cost = {p.id: p.cost for p in projects}
    assert sum(support[p] * cost[p] for p in out.selected) == best
    # A voter of weight w behaves exactly like w voters of weight 1.
    split = [Ballot(f"{b.voter}.{k}", b.scores) for b in ballots for k in range(b.weight)]
    for completion in (None, "add1"):
        a = mes(projects, ballots, budget, utility=utility, completion=completion)
        b = mes(projects, split, budget, utility=utility, completion=completion)
        assert a.selected == b.selected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 30), st.integers(1, 3)), max_size=10), st.integers(0, 150))
def test_knapsack_methods_agree_on_the_first_optimum(items, capacity):
    """Branch and bound (with and without the subset-sum bound) and meet-in-the-middle all
    return the optimal set that is lexicographically greatest in density order."""
    items = sorted(items, key=lambda it: -it[1])  # by density (= support), as max_welfare does
    costs = [c for c, _ in items]
    values = [c * s for c, s in items]
    expected, best = [], -1
    for vector in itertools.product((1, 0), repeat=len(items)):  # lexicographically descending
        if sum(c for c, x in zip(costs, vector) if x) <= capacity:
            value = sum(v for v, x in zip(values, vector) if x)
            if value > best:
                best, expected = value, [k for k, x in enumerate(vector) if x]
    assert knapsack._branch_and_bound(values, costs, capacity, None) == expected
    assert knapsack._meet_in_the_middle(values, costs, capacity) == expected
    assert knapsack._suffix_reach(costs, capacity) is not None
    saved, knapsack.REACH_BITS = knapsack.REACH_BITS, 0
    try:
        assert knapsack._branch_and_bound(values, costs, capacity, None) == expected
    finally:
        knapsack.REACH_BITS = saved


def test_max_welfare_with_all_support_tied_is_quick_and_exact():
    # 30 posts, each backed by exactly one stakeholder: value ~ cost (subset sum), where the
    # LP bound alone cannot prune. The search falls back to meet-in-the-middle.
    costs = [50_000 + (i * 7_919_993) % 1_950_000 for i in range(30)]
    projects = [Project(f"p{i:02d}", c) for i, c in enumerate(costs)]
    ballots = [approval(f"s{s}", *[f"p{i:02d}" for i in range(s, 30, 12)]) for s in range(12)]
    budget = sum(costs) // 3
    out = max_welfare(projects, ballots, budget)
    assert out.total_cost <= budget
    assert budget - out.total_cost < 100  # 2^30 subsets: some sum lands within a few euros


# --- the real Pabulib files against pabutools 1.2.3 --------------------------------------------

def _reference_cases():
    if not EXPECTED.exists():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=f"{SHARED} absent"))]
    data = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return [pytest.param(name, key, outcome, id=f"{name}-{key}")
            for name, info in data["instances"].items()
            for key, outcome in info["outcomes"].items()]


_loaded: dict[str, tuple] = {}


def _input(name: str):
    if name not in _loaded:
        _loaded[name] = to_aggregate_input(load_pb(SHARED / name))
    return _loaded[name]


@pytest.mark.parametrize("name,key,expected", _reference_cases())
def test_outcome_equals_pabutools_reference(name, key, expected):
    if key in NOT_OURS:
        pytest.skip(f"{key} is not one of our rules")
    assert key in RULE_OF_KEY, f"new reference rule {key!r}: map it or list it in NOT_OURS"
    projects, ballots, budget, utility = _input(name)
    if key.startswith("mes"):
        sat = re.search(r"sat_class['\"]?:?=? ?(\w+)", expected["call"]).group(1)
        assert UTILITY_OF_SAT[sat] == utility
    out = aggregate(RULE_OF_KEY[key], projects, ballots, budget, utility=utility)
    assert sorted(out.selected) == sorted(expected["selected"])
    assert out.selected == expected["order_of_selection"]
    assert out.total_cost == expected["total_cost"]


def test_reference_files_are_the_recorded_ones():
    if not EXPECTED.exists():
        pytest.skip(f"{SHARED} absent")
    data = json.loads(EXPECTED.read_text(encoding="utf-8"))
    for name, info in data["instances"].items():
        digest = hashlib.sha256((SHARED / name).read_bytes()).hexdigest()
        assert digest == info["sha256"], name
        projects, ballots, budget, _ = _input(name)
        assert (len(projects), len(ballots), budget) == (
            info["num_projects"], info["num_voters"], info["budget"])


def test_assen_mes_add1_selects_what_the_municipality_funded():
    path = SHARED / "Netherlands_Assen_2024.pb"
    if not path.exists():
        pytest.skip(f"{SHARED} absent")
    instance = load_pb(path)
    assert instance.meta["rule"] == "equalshares/add1"
    funded = instance.selected_in_file()
    assert len(funded) == 9
    projects, ballots, budget, utility = to_aggregate_input(instance)
    out = aggregate("mes-add1", projects, ballots, budget, utility=utility)
    assert sorted(out.selected) == sorted(funded)
    assert out.total_cost == 76700
    assert out.total_cost == sum(p.cost for p in projects if p.id in funded)
