"""Exact 0/1 knapsack, for ``game.aggregate.max_welfare``.

Items come sorted by value/cost (best first). The answer is an optimal set; among optimal
sets, the one that is lexicographically greatest as a take/leave vector in that order (it
takes earlier items whenever some optimum does).

Costs and values are scaled to integers first (each by its own common denominator, so the
arithmetic stays exact and fast). Method: depth-first branch and bound ("take" before
"leave"), started from the value of a dive along the larger bound. Bound: the smaller of the
LP relaxation and, when affordable in memory, "best remaining density times the largest
subset sum of the remaining costs that fits" (exact when densities tie, value ~ cost, which
is where the LP bound cannot prune). If the search needs more than ``NODE_LIMIT`` nodes and
there are at most ``MITM_ITEMS`` items, a meet-in-the-middle enumeration (2^(n/2) subsets per
half, insensitive to ties) finishes the job. Both give the same set.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from fractions import Fraction

NODE_LIMIT = 3_000
MITM_ITEMS = 40
REACH_BITS = 1 << 27  # memory cap for the subset-sum bound: items * scaled capacity, in bits


class _OutOfNodes(Exception):
    """The branch and bound used up its node budget."""


def _to_ints(numbers: list[Fraction]) -> list[int]:
    """The same numbers times their common denominator, divided by their gcd."""
    den = math.lcm(*(Fraction(x).denominator for x in numbers))
    ints = [int(x * den) for x in numbers]
    unit = math.gcd(*ints) or 1
    return [i // unit for i in ints]


def _suffix_reach(costs: list[int], capacity: int) -> list[int] | None:
    """Subset sums of ``costs[k:]`` up to ``capacity`` as bitsets (Python ints), per ``k``."""
    if capacity * len(costs) > REACH_BITS:
        return None
    full = (1 << (capacity + 1)) - 1
    reach = [1]
    for c in reversed(costs):
        reach.append((reach[-1] | (reach[-1] << c)) & full)
    return reach[::-1]


def _branch_and_bound(values: list[int], costs: list[int], capacity: int,
                      node_limit: int | None) -> list[int]:
    n = len(values)
    sums = _suffix_reach(costs, capacity)
    taken: list[int] = []
    state = {"best": None, "value": 0, "nodes": 0}

    def bound(k: int, room: int, value: int) -> Fraction | int:
        lp, left = value, room
        for j in range(k, n):
            if costs[j] <= left:
                left -= costs[j]
                lp += values[j]
            else:
                lp += Fraction(values[j] * left, costs[j])
                break
        if sums is None or k == n:
            return lp
        fits = (sums[k] & ((1 << (room + 1)) - 1)).bit_length() - 1
        return min(lp, value + Fraction(values[k] * fits, costs[k]))

    def dive() -> int:
        room, value = capacity, 0
        for k in range(n):
            if costs[k] <= room and (bound(k + 1, room - costs[k], value + values[k])
                                     >= bound(k + 1, room, value)):
                room, value = room - costs[k], value + values[k]
        return value

    def visit(k: int, room: int, value: int) -> None:
        state["nodes"] += 1
        if node_limit is not None and state["nodes"] > node_limit:
            raise _OutOfNodes
        if k == n:
            if value > state["value"] or (value == state["value"] and state["best"] is None):
                state["value"], state["best"] = value, list(taken)
            return
        limit = bound(k, room, value)
        if limit < state["value"] or (limit == state["value"] and state["best"] is not None):
            return  # cannot beat the incumbent, or only tie it later in the order
        if costs[k] <= room:
            taken.append(k)
            visit(k + 1, room - costs[k], value + values[k])
            taken.pop()
        visit(k + 1, room, value)

    state["value"] = dive()  # a value to reach; the set itself comes from visit
    visit(0, capacity, 0)
    return state["best"]


def _subsets(values: list[int], costs: list[int], items: range, capacity: int):
    """Subsets of ``items`` within ``capacity`` as parallel lists (cost, value, bitmask),
    "take" first, i.e. in lexicographically descending order."""
    cost_of, value_of, mask_of = [0], [0], [0]
    for k in reversed(items):
        c, v, bit = costs[k], values[k], 1 << k
        keep = [i for i, x in enumerate(cost_of) if x + c <= capacity]
        cost_of = [cost_of[i] + c for i in keep] + cost_of
        value_of = [value_of[i] + v for i in keep] + value_of
        mask_of = [mask_of[i] | bit for i in keep] + mask_of
    return cost_of, value_of, mask_of


def _meet_in_the_middle(values: list[int], costs: list[int], capacity: int) -> list[int]:
    n = len(values)
    h_cost, h_value, h_mask = _subsets(values, costs, range(n // 2), capacity)
    t_cost, t_value, t_mask = _subsets(values, costs, range(n // 2, n), capacity)
    order = sorted(range(len(t_cost)), key=t_cost.__getitem__)
    sorted_cost = [t_cost[i] for i in order]
    prefix_best, best = [], -1
    for i in order:
        best = max(best, t_value[i])
        prefix_best.append(best)

    def best_tail(room: int) -> int:
        return prefix_best[bisect_right(sorted_cost, room) - 1]  # the empty set always fits

    optimum = max(v + best_tail(capacity - c) for c, v in zip(h_cost, h_value))
    for c, v, mask in zip(h_cost, h_value, h_mask):  # the greatest head that reaches it
        if v + best_tail(capacity - c) == optimum:
            room, need = capacity - c, optimum - v
            mask |= next(m for tc, tv, m in zip(t_cost, t_value, t_mask)
                         if tc <= room and tv == need)
            return [k for k in range(n) if mask >> k & 1]
    raise AssertionError("unreachable")


def best_subset(values: list[Fraction], costs: list[Fraction], capacity: Fraction) -> list[int]:
    """Indices of the optimal set (see the module docstring); costs must be > 0."""
    if not values:
        return []
    if sum(costs) <= capacity:
        return list(range(len(values)))
    scaled = _to_ints(list(costs) + [capacity])
    int_costs, int_capacity = scaled[:-1], scaled[-1]
    int_values = _to_ints(values)
    if len(values) <= MITM_ITEMS:
        try:
            return _branch_and_bound(int_values, int_costs, int_capacity, NODE_LIMIT)
        except _OutOfNodes:
            return _meet_in_the_middle(int_values, int_costs, int_capacity)
    return _branch_and_bound(int_values, int_costs, int_capacity, None)
