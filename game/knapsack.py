"""Exact 0/1 knapsack in fractions, for ``game.aggregate.max_welfare``.

Items come sorted by value/cost (best first). The answer is an optimal set; among optimal
sets, the one that is lexicographically greatest as a take/leave vector in that order (it
takes earlier items whenever some optimum does).

Method: depth-first branch and bound ("take" before "leave"), started from the value of a
dive along the larger bound. Bound: the smaller of the LP relaxation and, when affordable in
memory, "best remaining density times the largest subset sum of the remaining costs that
fits" (exact when densities tie, value ~ cost, which is where the LP bound cannot prune).
If the search needs more than ``NODE_LIMIT`` nodes and there are at most ``MITM_ITEMS``
items, a meet-in-the-middle enumeration (2^(n/2) subsets per half) finishes the job; it is
insensitive to ties. Both give the same set.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from fractions import Fraction

NODE_LIMIT = 20_000
MITM_ITEMS = 40
REACH_BITS = 1 << 27  # memory cap for the subset-sum bound: items * scaled capacity, in bits


class _Budget(Exception):
    """The branch and bound ran out of nodes."""


def _suffix_reach(costs: list[Fraction], capacity: Fraction):
    """Subset sums of ``costs[k:]`` up to ``capacity`` as bitsets (Python ints), per ``k``.

    Costs are scaled to integers and divided by their gcd. Returns ``(bitsets, scale)``,
    cost ``c`` being bit ``c * scale``, or None if the bitsets would be too large.
    """
    den = math.lcm(*(c.denominator for c in costs), capacity.denominator)
    ints = [int(c * den) for c in costs]
    unit = math.gcd(*ints)
    top = int(capacity * den) // unit
    if top * len(ints) > REACH_BITS:
        return None
    full = (1 << (top + 1)) - 1
    reach = [1]
    for c in reversed(ints):
        reach.append((reach[-1] | (reach[-1] << (c // unit))) & full)
    return reach[::-1], Fraction(den, unit)


def _branch_and_bound(values, costs, capacity, node_limit):
    n = len(values)
    density = [v / c for v, c in zip(values, costs)]
    sums = _suffix_reach(costs, capacity)
    taken: list[int] = []
    state = {"best": None, "value": Fraction(0), "nodes": 0}

    def bound(k: int, room: Fraction, value: Fraction) -> Fraction:
        lp, left = value, room
        for j in range(k, n):
            if costs[j] <= left:
                left -= costs[j]
                lp += values[j]
            else:
                lp += values[j] * left / costs[j]
                break
        if sums is None or k == n:
            return lp
        bits, scale = sums
        fits = (bits[k] & ((1 << (int(room * scale) + 1)) - 1)).bit_length() - 1
        return min(lp, value + density[k] * fits / scale)

    def dive() -> Fraction:
        room, value = capacity, Fraction(0)
        for k in range(n):
            if costs[k] <= room and (bound(k + 1, room - costs[k], value + values[k])
                                     >= bound(k + 1, room, value)):
                room, value = room - costs[k], value + values[k]
        return value

    def visit(k: int, room: Fraction, value: Fraction) -> None:
        state["nodes"] += 1
        if node_limit is not None and state["nodes"] > node_limit:
            raise _Budget
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
    visit(0, capacity, Fraction(0))
    return state["best"]


def _subsets(values, costs, items: range, capacity):
    """All subsets of ``items`` within ``capacity``, "take" first: lexicographically descending."""
    out: list[tuple[Fraction, Fraction, tuple[int, ...]]] = []

    def walk(pos: int, cost: Fraction, value: Fraction, chosen: tuple[int, ...]) -> None:
        if pos == len(items):
            out.append((cost, value, chosen))
            return
        k = items[pos]
        if cost + costs[k] <= capacity:
            walk(pos + 1, cost + costs[k], value + values[k], chosen + (k,))
        walk(pos + 1, cost, value, chosen)

    walk(0, Fraction(0), Fraction(0), ())
    return out


def _meet_in_the_middle(values, costs, capacity):
    n = len(values)
    head = _subsets(values, costs, range(n // 2), capacity)
    tail = _subsets(values, costs, range(n // 2, n), capacity)
    by_cost = sorted(tail, key=lambda t: t[0])
    tail_costs = [t[0] for t in by_cost]
    prefix_best, best = [], Fraction(-1)
    for _, value, _ in by_cost:
        best = max(best, value)
        prefix_best.append(best)

    def best_tail(room: Fraction) -> Fraction:
        return prefix_best[bisect_right(tail_costs, room) - 1]  # the empty set always fits

    optimum = max(value + best_tail(capacity - cost) for cost, value, _ in head)
    for cost, value, chosen in head:  # lexicographically greatest head that reaches it
        if value + best_tail(capacity - cost) == optimum:
            room, need = capacity - cost, optimum - value
            rest = next(c for t_cost, t_value, c in tail if t_cost <= room and t_value == need)
            return list(chosen + rest)
    raise AssertionError("unreachable")


def best_subset(values: list[Fraction], costs: list[Fraction], capacity: Fraction) -> list[int]:
    """Indices of the optimal set (see the module docstring); costs must be > 0."""
    if not values:
        return []
    if sum(costs) <= capacity:
        return list(range(len(values)))
    if len(values) <= MITM_ITEMS:
        try:
            return _branch_and_bound(values, costs, capacity, NODE_LIMIT)
        except _Budget:
            return _meet_in_the_middle(values, costs, capacity)
    return _branch_and_bound(values, costs, capacity, None)
