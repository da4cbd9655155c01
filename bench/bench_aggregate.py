"""Print how long each aggregation rule takes on the shared Pabulib files and on a game room.

Run from the repository root: ``.venv/bin/python bench/bench_aggregate.py``. Figures are the
best of ``REPEAT`` runs, in milliseconds; nothing is asserted. ``runs`` is the number of
MES runs (full or resumed from a round) that the exact Add1 jumps needed.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from game.aggregate import RULES, Ballot, Project, aggregate  # noqa: E402
from game.pabulib import load_pb, to_aggregate_input  # noqa: E402

SHARED = ROOT.parent / "shared" / "pabulib"
REPEAT = 3


def best_of(fn, repeat: int = REPEAT) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000, result


def room(stakeholders: int = 12, posts: int = 30, seed: int = 1):
    """A seeded Prioriteitenspel room: knapsack ballots, each package within the joint budget."""
    rng = random.Random(seed)
    projects = [Project(f"post{i:02d}", rng.randrange(50_000, 2_000_000, 10_000))
                for i in range(posts)]
    budget = share = 6_000_000
    ballots = []
    for s in range(stakeholders):
        picks, spent = {}, 0
        for p in rng.sample(projects, len(projects)):
            if spent + p.cost <= share:
                picks[p.id] = 1
                spent += p.cost
        ballots.append(Ballot(f"stakeholder{s}", picks))
    return projects, ballots, budget


def tied_room(stakeholders: int = 12, posts: int = 30, seed: int = 2):
    """Worst case for max-welfare: every post backed by exactly one stakeholder (a subset sum)."""
    rng = random.Random(seed)
    projects = [Project(f"post{i:02d}", rng.randrange(50_000, 2_000_000)) for i in range(posts)]
    ballots = [Ballot(f"stakeholder{s}", {p.id: 1 for p in projects[s::stakeholders]})
               for s in range(stakeholders)]
    return projects, ballots, sum(p.cost for p in projects) // 3


def main() -> None:
    print(f"{'instance':44} {'voters':>6} {'rule':12} {'ms':>9} {'runs':>5}  selected cost")
    cases = []
    if SHARED.is_dir():
        for path in sorted(SHARED.glob("*.pb")):
            parse_ms, inst = best_of(lambda: load_pb(path), 1)
            print(f"{path.name:44} {len(inst.votes):6} {'(parse)':12} {parse_ms:9.1f}")
            cases.append((path.name, to_aggregate_input(inst)))
    else:
        print(f"({SHARED} absent: only the room benchmark)")
    projects, ballots, budget = room()
    cases.append(("room: 12 stakeholders, 30 posts", (projects, ballots, budget, "cost")))
    projects, ballots, budget = tied_room()
    cases.append(("room: 12 disjoint packages, 30 posts", (projects, ballots, budget, "cost")))
    total = 0.0
    for name, (projects, ballots, budget, utility) in cases:
        for rule in RULES:
            ms, out = best_of(lambda: aggregate(rule, projects, ballots, budget, utility=utility))
            total += ms
            runs = str(out.mes_runs) if out.mes_runs else ""
            print(f"{name:44} {len(ballots):6} {rule:12} {ms:9.1f} {runs:>5}  "
                  f"{len(out.selected):2} {out.total_cost}")
    print(f"total {total:.0f} ms")


if __name__ == "__main__":
    main()
