"""Game-only fixtures."""
from __future__ import annotations

import pytest

from game_harness import Game


@pytest.fixture
def new_game(scenario_text):
    """A room on the Woonstad scenario with `players` joined and, unless start=False, started."""
    def make(players: int = 3, tables: int = 1, start: bool = True) -> Game:
        g = Game(scenario_text, tables)
        for i in range(players):
            g.join(f"Speler {i + 1}")
        if start:
            g.fac("start")
        return g
    return make
