"""The bots play whole games against a live server: every round, every table, figures checked."""
from __future__ import annotations

import io
import re

import pytest

from server.bot_run import run_bots

from conftest import ROOT, running_server  # noqa: E402  (tests/e2e/conftest.py, imported at collection)

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


# ---------------------------------------------------------------------------
# Mode 2: the prioriteitenspel (scenario "regio")

REGIO = ["huurders", "stadsveld", "dijkhoven", "lindeloo", "zorg", "bestuur"]
MONEY = r"([\d,]+\.\d\d)"


def private_packages(text: str) -> dict[str, tuple[str, float, float]]:
    """Stakeholder -> (members, cost m, budget m) from the printed private packages."""
    body = text[text.index("Private packages"):text.index("Joint packages")]
    out = {}
    for m in re.finditer(rf"^  (\w+)\s+[\d.]+ (Bot \d+(?:, Bot \d+)*)\s+{MONEY} / {MONEY}\s", body, flags=re.M):
        out[m.group(1)] = (m.group(2), float(m.group(3).replace(",", "")), float(m.group(4).replace(",", "")))
    return out


def joint_packages(text: str) -> tuple[float, dict[str, float]]:
    """The joint budget and the cost of the greedy, MES and agreed packages (EUR m)."""
    budget = float(re.search(rf"Joint packages \(joint budget {MONEY} m\)", text).group(1).replace(",", ""))
    costs = {m.group(1): float(m.group(2).replace(",", ""))
             for m in re.finditer(rf"^  (greedy|MES|agreed)\s+{MONEY} m  [A-Z]", text, flags=re.M)}
    return budget, costs


def play(url: str, players: int, seed: int, scenario: str = "regio") -> str:
    out = io.StringIO()
    code = run_bots(url, players=players, tables=1, seed=seed, scenario=scenario, out=out)
    text = out.getvalue()
    assert code == 0, text
    assert "OK: the game finished and the packages check out" in text, text
    return text


@pytest.mark.parametrize("players,seed", [(6, 3), (8, 5), (3, 4)])
def test_prio_bots_play_regio(live_server, server_log, players, seed):
    """Six bots: one per stakeholder; eight: huurders and stadsveld are shared by two bots;
    three: half the stakeholders have nobody (they neither vote nor block the lock)."""
    out = io.StringIO()
    code = run_bots(live_server, players=players, tables=1, seed=seed, scenario="regio", out=out)
    text = out.getvalue()
    assert code == 0, text + "\n--- server log ---\n" + server_log.read_text(errors="replace")[-5000:]
    assert "OK: the game finished and the packages check out" in text
    packages = private_packages(text)
    playing = REGIO[:players]
    assert sorted(packages) == sorted(playing), text
    for sid, (members, cost, budget) in packages.items():
        assert cost <= budget, f"{sid}\n{text}"
    if players == 8:  # round-robin in seat order: the 7th and 8th bot join the first two
        assert packages["huurders"][0] == "Bot 1, Bot 7" and packages["stadsveld"][0] == "Bot 2, Bot 8", text
    budget, costs = joint_packages(text)
    assert sorted(costs) == ["MES", "agreed", "greedy"], text
    assert all(0 < c <= budget for c in costs.values()), text
    for sid in playing:  # each stakeholder's share, payment and vote under the joint packages
        assert re.search(rf"^  {sid}\s+[\d.]+%\s+[\d.]+%\s+{MONEY}\s+{MONEY}\s+[\d.]+%.*(approve|object)",
                         text, flags=re.M), f"{sid}\n{text}"


def test_prio_bots_decide_the_same_for_the_same_seed(live_server):
    """Two games with one seed build the same packages and agree on the same joint package."""
    runs = []
    for _ in range(2):
        text = play(live_server, 7, seed=12)
        runs.append(text[text.index("Private packages"):text.index("empty-handed")])
    assert runs[0] == runs[1]


def test_prio_bots_play_at_one_table(live_server):
    out = io.StringIO()
    assert run_bots(live_server, players=4, tables=2, seed=1, scenario="regio", out=out) == 2
    assert "one table" in out.getvalue()


@pytest.fixture(scope="module")
def variant_server(tmp_path_factory):
    """A server whose scenarios include two variants of regio: regio-punten (a cumulative,
    points ballot) and regio-mes (the joint package by plain MES, without the Add1 completion)."""
    tmp = tmp_path_factory.mktemp("variants")
    scenarios = tmp / "scenarios"
    scenarios.mkdir()
    for f in (ROOT / "scenarios").glob("*.yaml"):
        (scenarios / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    text = (ROOT / "scenarios" / "regio.yaml").read_text(encoding="utf-8")
    for old in ("\nid: regio\n", "\n  ballot: knapsack", "\n  joint_rule: mes-add1"):
        assert old in text, old
    (scenarios / "regio-punten.yaml").write_text(
        text.replace("\nid: regio\n", "\nid: regio-punten\n").replace("\n  ballot: knapsack", "\n  ballot: cumulative"),
        encoding="utf-8")
    (scenarios / "regio-mes.yaml").write_text(
        text.replace("\nid: regio\n", "\nid: regio-mes\n").replace("\n  joint_rule: mes-add1", "\n  joint_rule: mes"),
        encoding="utf-8")
    with running_server(tmp, {"SCENARIOS_DIR": str(scenarios)}) as url:
        yield url


def test_prio_bots_spread_points(variant_server):
    text = play(variant_server, 7, seed=2, scenario="regio-punten")
    assert "cumulative ballot, 100 points" in text
    body = text[text.index("Private packages"):text.index("Joint packages")]
    for sid in REGIO:
        line = re.search(rf"^  {sid} .*$", body, flags=re.M).group(0)
        points = [int(n) for n in re.findall(r"[A-Z]\d:(\d+)", line)]
        assert points and sum(points) <= 100, line
    budget, costs = joint_packages(text)
    assert sorted(costs) == ["MES", "agreed", "greedy"] and all(c <= budget for c in costs.values()), text


def test_prio_bots_plain_mes(variant_server):
    """Without Add1 every stakeholder pays at most its equal share of the joint budget (checked
    by the bots); the printed payments show it too."""
    text = play(variant_server, 6, seed=2, scenario="regio-mes")
    assert re.search(r"^  MES .*\(mes\)$", text, flags=re.M), text
    for sid in REGIO:
        pays, equal = re.search(rf"^  {sid}\s+[\d.]+%\s+[\d.]+%\s+{MONEY}\s+{MONEY}", text, flags=re.M).groups()
        assert float(pays.replace(",", "")) <= float(equal.replace(",", "")), text
