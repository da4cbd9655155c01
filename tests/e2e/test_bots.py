"""The bots play whole games against a live server: every round, every table, figures checked."""
from __future__ import annotations

import io
import re

import pytest

from server.bots import run_bots

YEARS = [2026, 2027, 2028, 2029]  # Woonstad: four rounds from 2026


def table_sections(text: str) -> dict[str, str]:
    """'Tafel N' -> the lines printed under that table's heading."""
    parts = re.split(r"^(Tafel \d+) \(", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


@pytest.mark.parametrize("players,tables,seed", [(3, 1, 7), (7, 2, 11)])
def test_bots_play_a_whole_game(live_server, server_log, players, tables, seed):
    out = io.StringIO()
    code = run_bots(live_server, players=players, tables=tables, seed=seed, out=out)
    text = out.getvalue()
    assert code == 0, text + "\n--- server log ---\n" + server_log.read_text(errors="replace")[-5000:]
    assert "OK: the game finished" in text
    sections = table_sections(text)
    assert sorted(sections) == [f"Tafel {i}" for i in range(1, tables + 1)], text
    for name, body in sections.items():
        years = [int(m) for m in re.findall(r"^\s*(\d{4})\s", body, flags=re.M)]
        assert years == YEARS, f"{name}: {years}\n{text}"
    for i in range(1, players + 1):
        assert f"Bot {i}" in text


def test_bots_decide_the_same_for_the_same_seed(live_server):
    """Two games with one seed make the same decisions, so their tables print the same."""
    runs = []
    for _ in range(2):
        out = io.StringIO()
        assert run_bots(live_server, players=3, tables=1, seed=5, out=out) == 0, out.getvalue()
        body = out.getvalue()
        runs.append(body[body.index("Tafel 1"):body.index("\n\n", body.index("Tafel 1") + 1)])
    assert runs[0] == runs[1]


def test_bots_refuse_too_few_players(live_server):
    out = io.StringIO()
    assert run_bots(live_server, players=1, tables=2, seed=1, out=out) == 2
    assert "cannot fill" in out.getvalue()
