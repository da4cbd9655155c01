"""Benchmarks of the round engine: prints figures, asserts nothing.

    .venv/bin/python bench/bench_engine.py
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from game.engine import apply, create_events, decide, join_events, replay, token_hash  # noqa: E402
from game.finance import Decisions, initial_state, resolve_year  # noqa: E402
from game.messages import Refusal  # noqa: E402
from game.scenario import load_file  # noqa: E402
from game.views import view_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, fn, repeat: int) -> None:
    fn()
    t = time.perf_counter()
    for _ in range(repeat):
        fn()
    per = (time.perf_counter() - t) / repeat
    print(f"{label:<52} {per * 1000:9.3f} ms")


def play_game(tables: int, players: int, seed: int) -> tuple[object, list[dict]]:
    text = (ROOT / "scenarios" / "woonstad.yaml").read_text()
    events = create_events("BENCH", text, tables, token_hash("f"))
    room = replay(events)
    for i in range(players):
        for e in join_events(room, f"p{i}", f"Speler {i}", token_hash(str(i))):
            events.append(e)
            apply(room, e)
    rng = random.Random(seed)

    def run(actor, cmd):
        try:
            for e in decide(room, actor, cmd):
                events.append(e)
                apply(room, e)
        except Refusal:
            pass

    fac = ("facilitator", None)
    run(fac, {"type": "start"})
    options = [o.id for o in room.scenario.options]
    for rnd in range(1, room.scenario.rounds + 1):
        for t in room.tables:
            for pid, roles in room.roles(t.index).items():
                if "capital" in roles:
                    run(("player", pid), {"type": "choose_frame", "frame": rng.choice(["prudent", "balanced", "generous"])})
            for pid, roles in room.roles(t.index).items():
                for _ in range(4):
                    o = rng.choice(options)
                    run(("player", pid), {"type": "select", "option": o, "selected": True})
                    run(("player", pid), {"type": "cover", "option": o, "covered": True})
                run(("player", pid), {"type": "confirm"})
        for c in ("lock", "reveal", "next_round"):
            run(fac, {"type": c, "round": rnd})
    return room, events


def main() -> None:
    s = load_file(ROOT / "scenarios" / "woonstad.yaml")
    st = initial_state(s)
    print("DrieKamerSpel engine benchmarks (one core)")
    timed("resolve_year, baseline", lambda: resolve_year(st, s, 1, Decisions("inflation")), 500)
    timed("resolve_year, 9 projects + 4 programmes",
          lambda: resolve_year(st, s, 1, Decisions("freeze", tuple(o.id for o in s.options))), 500)
    room, events = play_game(tables=4, players=24, seed=1)
    print(f"a 4-table, 24-player game: {len(events)} events")
    timed("replay the whole log (restart of one room)", lambda: replay(events), 5)
    pid = next(iter(room.players))
    timed("view_for a player (finished game)", lambda: view_for(room, ("player", pid)), 50)
    room2, _ = play_game(tables=4, players=24, seed=2)
    timed("play the whole game by commands", lambda: play_game(4, 24, 3), 3)
    regio = (ROOT / "scenarios" / "regio.yaml").read_text()
    timed("open a prioriteitenspel room (cost 19 posts over 5 years)",
          lambda: replay(create_events("P", regio, 1, "h")), 5)


if __name__ == "__main__":
    main()
