"""The DrieKamerSpel round engine through decide/apply: whole games, every refusal (which
changes nothing), harmless repeats, defaults at the lock, uncovered projects, bijzonder
beheer, and properties over random command sequences (budgets hold; replay == fold)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import example, given, settings, strategies as st

from game.engine import MAX_NAME, create_events, decide, join_events, replay
from game.messages import Refusal

from game_harness import FAC, Game, snapshot

OPTIONS = ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "M1", "M2", "M3", "M5")
PROPERTY = tuple(o for o in OPTIONS if o.startswith("P"))
SOCIAL = tuple(o for o in OPTIONS if o.startswith("M"))
FRAMES = ("prudent", "balanced", "generous")
POLICIES = ("max", "inflation", "moderate", "freeze")


def types(events):
    return [e["type"] for e in events]


def variant(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# ---------------------------------------------------------------------------
# Whole games

def play_round(g: Game, table: int, frame, policy, projects=(), cover=(), programmes=()):
    g.as_role(table, "capital", "choose_frame", frame=frame, round=g.room.round)
    for p in projects:
        assert types(g.as_role(table, "property", "select", option=p)) == ["option_selected"]
    for p in cover:
        assert types(g.as_role(table, "social", "cover", option=p)) == ["top_covered"]
    assert types(g.as_role(table, "social", "choose_rent_policy", policy=policy)) == ["rent_policy_chosen"]
    for m in programmes:
        assert types(g.as_role(table, "social", "select", option=m)) == ["option_selected"]
    confirmed = set()
    for pid in g.room.roles(table):
        for e in g.player(pid, "confirm"):
            confirmed.update(e["roles"])
    assert confirmed == {"capital", "property", "social"}
    assert g.room.confirmed_roles(table) == ["capital", "property", "social"]
    assert g.room.tables[table].confirmed_by == set(g.room.roles(table))


def test_whole_game_one_table(new_game):
    g = new_game(players=3)
    assert types(g.events) == ["room_created"] + ["player_joined"] * 3 + ["game_started"]
    assert (g.room.stage, g.room.round, g.room.phase) == ("open", 1, "frame")
    plan = {1: ("balanced", "inflation", ("P1", "P7"), ("P1",), ("M1",)),
            2: ("prudent", "max", ("P3",), ("P3",), ("M3",)),
            3: ("generous", "moderate", ("P4", "P6"), ("P4",), ()),
            4: ("balanced", "freeze", (), (), ("M2", "M5"))}
    seen_roles = {pid: set() for pid in g.ids}
    for rnd in range(1, 5):
        assert g.room.round == rnd and g.room.stage == "open"
        for pid, roles in g.room.roles(0).items():
            seen_roles[pid].update(roles)
        play_round(g, 0, *plan[rnd])
        assert g.room.phase == "choices"
        assert types(g.fac("lock", round=rnd)) == ["round_locked"]
        assert g.events[-1]["defaults"] == {}
        assert types(g.fac("reveal", round=rnd)) == ["round_revealed"]
        h = g.room.tables[0].history[-1]
        frame, policy, projects, cover, programmes = plan[rnd]
        assert h["round"] == rnd and h["year"] == 2025 + rnd
        assert h["decisions"]["frame"] == frame and h["decisions"]["rent_policy"] == policy
        assert set(h["going_ahead"]) == set(projects)  # covered, or no top to cover
        assert h["not_covered"] == []
        expected = types(g.fac("next_round", round=rnd))
        assert expected == (["round_started"] if rnd < 4 else ["game_ended"])
    assert g.room.stage == "finished"
    assert len(g.room.tables[0].history) == 4
    assert all(roles == {"capital", "property", "social"} for roles in seen_roles.values())
    # the first round with P1 covered: its capex and its top are in the figures
    f1 = g.room.tables[0].history[0]["figures"]
    assert f1["capex"] == 25_000_000 + 35_000_000
    assert f1["unprofitable_top"] == 5_000_000
    assert f1["programme_expenses"] == 300_000
    assert g.room.tables[0].history[3]["figures"]["rent_growth"] == 0  # rent freeze by law
    assert snapshot(g.replayed()) == snapshot(g.room)
    assert g.room.version == len(g.events)
    assert g.refused(FAC, {"type": "lock"}).code == "game_finished"
    assert g.fac("end") == []


def test_whole_game_two_tables(new_game, scenario):
    g = new_game(players=5, tables=2)
    sizes = sorted(len(g.room.table_players(t)) for t in (0, 1))
    assert sizes == [2, 3]
    for rnd in range(1, 5):
        # table 0 plays, table 1 leaves everything to the defaults
        play_round(g, 0, "generous", "max", ("P1",), ("P1",))
        g.fac("lock", round=rnd)
        assert g.events[-1]["defaults"] == {"1": ["frame", "rent_policy"]}
        g.fac("reveal", round=rnd)
        g.fac("next_round", round=rnd)
    assert g.room.stage == "finished"
    t0, t1 = g.room.tables
    assert [h["decisions"]["frame"] for h in t1.history] == ["balanced"] * 4
    assert all(h["defaults"] == ["frame", "rent_policy"] for h in t1.history)
    assert t0.history[0]["figures"]["capex"] == 25_000_000 and t1.history[0]["figures"]["capex"] == 0
    # the default table is the worked example of FINANCE.md
    f = t1.history[0]["figures"]
    assert f["social_budget_used"] == D("51284557.50") and f["cash"] == D("38082277.50")
    assert t1.history[0]["budget"].social_budget == D("69366835")
    assert t0.corp != t1.corp
    assert snapshot(g.replayed()) == snapshot(g.room)


def test_one_player_holds_every_chamber(new_game):
    g = new_game(players=1)
    assert g.room.roles(0) == {"p1": ["capital", "property", "social"]}
    play_round(g, 0, "balanced", "inflation", ("P3",), ("P3",))
    assert types(g.events[-1:]) == ["roles_confirmed"] and g.events[-1]["roles"] == ["capital", "property", "social"]


def test_two_players_double_roles(new_game):
    g = new_game(players=2)
    roles = g.room.roles(0)
    assert sorted(len(r) for r in roles.values()) == [1, 2]
    play_round(g, 0, "balanced", "inflation")
    g.fac("lock"), g.fac("reveal"), g.fac("next_round")
    assert g.room.roles(0) != roles


def test_late_joiner_keeps_the_others_roles(new_game):
    g = new_game(players=3)
    before = g.room.roles(0)
    g.join("Laat")
    after = g.room.roles(0)
    assert {k: v for k, v in after.items() if k in before} == before
    assert len(after) == 4 and g.room.players["p4"].table == 0


def test_confirmations_reset_when_the_package_changes(new_game):
    g = new_game(players=3)
    g.as_role(0, "capital", "choose_frame", frame="balanced")
    g.as_role(0, "capital", "confirm")
    assert g.room.confirmed_roles(0) == ["capital"]
    g.as_role(0, "property", "select", option="P7")
    assert g.room.confirmed_roles(0) == [] and g.room.tables[0].confirmed_by == set()


def test_a_team_chamber_is_confirmed_when_every_member_has(new_game):
    g = new_game(players=4)  # seats 1 and 4 share the Vermogenskamer in round 1
    g.as_role(0, "capital", "choose_frame", frame="balanced")
    g.player("p1", "confirm")
    assert "capital" not in g.room.confirmed_roles(0)
    g.player("p4", "confirm")
    assert "capital" in g.room.confirmed_roles(0)


def test_simultaneous_confirms_at_two_tables(new_game):
    """C1: six players confirm at once (two tables of three): six events, none refused."""
    g = new_game(players=6, tables=2)
    for t in (0, 1):
        g.as_role(t, "capital", "choose_frame", frame="balanced")
    room = g.room
    out = [decide(room, ("player", pid), {"type": "confirm", "round": 1}) for pid in g.ids]
    assert [len(evs) for evs in out] == [1] * 6


def test_simultaneous_confirms_in_teams(new_game):
    """C1 with teams of two: six confirms are six events (confirmation is per player)."""
    g = new_game(players=6)
    g.as_role(0, "capital", "choose_frame", frame="balanced")
    events = []
    for pid in g.ids:
        events += g.player(pid, "confirm", round=1)
    assert len(events) == 6


# ---------------------------------------------------------------------------
# Refusals: each gives no events and changes nothing (compared live and by replay)

def ready(new_game, frame="balanced", **kw) -> Game:
    g = new_game(**kw)
    g.as_role(0, "capital", "choose_frame", frame=frame)
    return g


def code(g: Game, actor, cmd) -> str:
    return g.refused(actor, cmd).code


def who(g: Game, chamber: str, table: int = 0):
    return ("player", g.holder(table, chamber))


def test_over_social_budget(new_game):
    g = ready(new_game)
    g.as_role(0, "property", "select", option="P5")  # selected, not covered: costs nothing yet
    g.as_role(0, "property", "select", option="P1")
    r = g.refused(who(g, "social"), {"type": "cover", "option": "P5"})
    assert r.code == "over_social_budget"
    assert set(r.params) == {"used", "budget", "over"}
    assert r.params["budget"] == "69.366.835"
    # a smaller top fits
    assert types(g.as_role(0, "social", "cover", option="P1")) == ["top_covered"]


def test_over_social_budget_by_programmes_and_rent_policy(new_game):
    g = ready(new_game, frame="prudent")
    for p in ("P1", "P3"):  # tops of 5m and 6m: 11m of about 11.15m of room
        g.as_role(0, "property", "select", option=p)
        g.as_role(0, "social", "cover", option=p)
    assert code(g, who(g, "social"), {"type": "select", "option": "M3"}) == "over_social_budget"
    assert code(g, who(g, "social"), {"type": "choose_rent_policy", "policy": "freeze"}) == "over_social_budget"
    # a policy that uses less budget is fine
    assert types(g.as_role(0, "social", "choose_rent_policy", policy="max")) == ["rent_policy_chosen"]


def test_over_borrowing_cap(scenario_text):
    # prudent frame with ICR target 2.5: the borrowing cap is 0 in round 1
    g = Game(variant(scenario_text, "icr_target: 1.8", "icr_target: 2.5"))
    [g.join(n) for n in ("A", "B", "C")]
    g.fac("start")
    g.as_role(0, "capital", "choose_frame", frame="prudent")
    assert g.room.outcome(g.room.tables[0]).budget.borrowing_cap == 0
    r = g.refused(who(g, "property"), {"type": "select", "option": "P7"})
    assert r.code == "over_borrowing_cap" and set(r.params) == {"loans", "cap", "over"}
    # P7 alone fits a frame that allows borrowing
    g.as_role(0, "capital", "choose_frame", frame="balanced")
    assert types(g.as_role(0, "property", "select", option="P7")) == ["option_selected"]


def test_switching_to_a_smaller_frame_must_not_break_the_budget(new_game):
    g = ready(new_game, frame="generous")
    for p in ("P1", "P3", "P4", "P2", "P8"):
        g.as_role(0, "property", "select", option=p)
        g.as_role(0, "social", "cover", option=p)
    assert code(g, who(g, "capital"), {"type": "choose_frame", "frame": "prudent"}) == "over_social_budget"


def test_switching_frame_must_not_break_the_borrowing_cap(scenario_text):
    g = Game(variant(scenario_text, "icr_target: 1.8", "icr_target: 2.5"))
    [g.join(n) for n in ("A", "B", "C")]
    g.fac("start")
    g.as_role(0, "capital", "choose_frame", frame="balanced")
    g.as_role(0, "property", "select", option="P7")  # borrows about 7m
    assert code(g, who(g, "capital"), {"type": "choose_frame", "frame": "prudent"}) == "over_borrowing_cap"


def short_of_cash(scenario_text: str) -> str:
    """A corporation whose baseline year must borrow about 6.9m while every frame allows 0."""
    text = variant(scenario_text, "cash_minimum: 10000000", "cash_minimum: 45000000")
    for target in ("1.8", "1.6", "1.4"):
        text = variant(text, f"icr_target: {target}", "icr_target: 2.5")
    return text


@pytest.mark.parametrize("kind", ["borrowing", "social"])
def test_first_frame_is_accepted_when_the_baseline_is_over_its_limits(scenario_text, kind):
    text = (short_of_cash(scenario_text) if kind == "borrowing"
            else variant(scenario_text, "social_share: 0.90", "social_share: 0.50"))
    g = Game(text)
    [g.join(n) for n in ("A", "B", "C")]
    g.fac("start")
    base = g.room.planner(g.room.tables[0]).baseline.figures
    assert base["new_loans"] > 0 if kind == "borrowing" else base["social_budget_used"] > D("34683417")
    # the package is empty: choosing a frame makes nothing worse than the baseline
    assert types(g.as_role(0, "capital", "choose_frame", frame="prudent")) == ["frame_chosen"]
    # ... and once there, only what adds to the overrun is refused
    if kind == "social":
        g.as_role(0, "property", "select", option="P1")
        assert code(g, who(g, "social"), {"type": "cover", "option": "P1"}) == "over_social_budget"
        assert types(g.as_role(0, "social", "choose_rent_policy", policy="max")) == ["rent_policy_chosen"]
    else:
        assert code(g, who(g, "property"), {"type": "select", "option": "P7"}) == "over_borrowing_cap"
        assert types(g.as_role(0, "property", "select", option="P6")) == ["option_selected"]  # a sale


def test_unknown_option_frame_policy(new_game):
    g = ready(new_game)
    assert code(g, who(g, "property"), {"type": "select", "option": "P99"}) == "unknown_option"
    assert code(g, who(g, "social"), {"type": "cover", "option": "X"}) == "unknown_option"
    assert code(g, who(g, "capital"), {"type": "choose_frame", "frame": "reckless"}) == "unknown_frame"
    assert code(g, who(g, "social"), {"type": "choose_rent_policy", "policy": "double"}) == "unknown_policy"
    assert code(g, who(g, "social"), {"type": "choose_rent_policy"}) == "unknown_policy"
    assert code(g, who(g, "social"), {"type": "dance"}) == "unknown_command"
    assert code(g, FAC, {"type": "dance"}) == "unknown_command"
    assert code(g, FAC, {}) == "unknown_command"


def test_wrong_round(new_game):
    g = ready(new_game)
    for rnd in (0, 2, 7):
        assert code(g, who(g, "property"), {"type": "select", "option": "P1", "round": rnd}) == "wrong_round"
        assert code(g, who(g, "capital"), {"type": "confirm", "round": rnd}) == "wrong_round"
    assert code(g, FAC, {"type": "lock", "round": 2}) == "wrong_round"
    assert code(g, FAC, {"type": "reopen", "round": 3}) == "wrong_round"


def test_not_your_role(new_game):
    g = ready(new_game)
    r = g.refused(who(g, "property"), {"type": "choose_frame", "frame": "prudent"})
    assert r.code == "not_your_role" and r.params["role"] == "Vermogenskamer" and r.params["mine"] == "Vastgoedkamer"
    assert code(g, who(g, "capital"), {"type": "select", "option": "P1"}) == "not_your_role"
    assert code(g, who(g, "property"), {"type": "select", "option": "M1"}) == "not_your_role"
    assert code(g, who(g, "property"), {"type": "choose_rent_policy", "policy": "max"}) == "not_your_role"
    g.as_role(0, "property", "select", option="P1")
    assert code(g, who(g, "property"), {"type": "cover", "option": "P1"}) == "not_your_role"


def test_after_lock_round_locked(new_game):
    g = ready(new_game)
    g.fac("lock")
    for actor, cmd in [(who(g, "property"), {"type": "select", "option": "P1"}),
                       (who(g, "social"), {"type": "choose_rent_policy", "policy": "max"}),
                       (who(g, "capital"), {"type": "choose_frame", "frame": "prudent"}),
                       (who(g, "capital"), {"type": "confirm"}),
                       (who(g, "capital"), {"type": "confirm", "round": 1})]:
        assert code(g, actor, cmd) == "round_locked"
    g.fac("reveal")
    assert code(g, who(g, "property"), {"type": "select", "option": "P1", "round": 1}) == "round_locked"
    # the next round is not open yet
    assert code(g, who(g, "property"), {"type": "select", "option": "P1", "round": 2}) == "wrong_round"


def test_reopen_after_lock(new_game):
    g = new_game()
    g.fac("lock")
    assert g.room.tables[0].package.frame == "balanced"
    assert types(g.fac("reopen", round=1)) == ["round_reopened"]
    assert g.room.tables[0].package.frame is None and g.room.tables[0].defaults == []
    assert types(g.as_role(0, "capital", "choose_frame", frame="generous")) == ["frame_chosen"]
    g.fac("lock"), g.fac("reveal")
    assert code(g, FAC, {"type": "reopen"}) == "wrong_phase"
    assert g.room.tables[0].history[0]["decisions"]["frame"] == "generous"


def test_before_frame_frame_first(new_game):
    g = new_game()
    assert code(g, who(g, "property"), {"type": "select", "option": "P1"}) == "frame_first"
    assert code(g, who(g, "social"), {"type": "choose_rent_policy", "policy": "max"}) == "frame_first"
    assert code(g, who(g, "social"), {"type": "select", "option": "M1"}) == "frame_first"
    assert code(g, who(g, "social"), {"type": "cover", "option": "P1"}) == "frame_first"
    assert code(g, who(g, "capital"), {"type": "confirm"}) == "frame_first"


def test_cover_refusals(new_game):
    g = ready(new_game)
    assert code(g, who(g, "social"), {"type": "cover", "option": "P1"}) == "not_proposed"
    assert code(g, who(g, "social"), {"type": "cover", "option": "M1"}) == "not_proposed"
    g.as_role(0, "property", "select", option="P7")
    assert code(g, who(g, "social"), {"type": "cover", "option": "P7"}) == "no_top"
    g.as_role(0, "property", "select", option="P9")
    assert code(g, who(g, "social"), {"type": "cover", "option": "P9"}) == "no_top"


@pytest.mark.parametrize("cmd", ["start", "lock", "reopen", "reveal", "next_round", "end", "set_rotation",
                                 "move_player", "remove_player"])
def test_facilitator_commands_by_a_player(new_game, cmd):
    g = new_game()
    assert code(g, ("player", "p1"), {"type": cmd, "player": "p2", "table": 0}) == "not_facilitator"


@pytest.mark.parametrize("cmd", [{"type": "choose_frame", "frame": "balanced"},
                                 {"type": "choose_rent_policy", "policy": "max"},
                                 {"type": "select", "option": "P1"}, {"type": "cover", "option": "P1"},
                                 {"type": "confirm"}])
def test_player_commands_by_the_facilitator(new_game, cmd):
    g = ready(new_game)
    assert code(g, FAC, cmd) == "not_a_player"


def test_facilitator_phase_refusals(new_game):
    g = new_game(start=False)
    assert code(g, FAC, {"type": "lock"}) == "wrong_phase"
    assert code(g, FAC, {"type": "reveal"}) == "wrong_phase"
    assert code(g, ("player", "p1"), {"type": "confirm"}) == "wrong_phase"
    g.fac("start")
    assert code(g, FAC, {"type": "reveal"}) == "not_locked"
    assert code(g, FAC, {"type": "next_round"}) == "not_revealed"
    g.fac("lock")
    assert code(g, FAC, {"type": "next_round"}) == "not_revealed"
    g.fac("end")
    for cmd in ("start", "lock", "reveal", "next_round", "reopen"):
        assert code(g, FAC, {"type": cmd}) == "game_finished"
    assert code(g, ("player", "p1"), {"type": "confirm"}) == "wrong_phase"


def test_start_needs_a_player_per_table(scenario_text):
    g = Game(scenario_text, tables=2)
    g.join("Alleen")
    r = g.refused(FAC, {"type": "start"})
    assert r.code == "not_enough_players" and r.params == {"players": 1, "tables": 2}


@pytest.mark.parametrize("tables", [0, 13, -1])
def test_too_many_tables(scenario_text, tables):
    with pytest.raises(Refusal) as info:
        create_events("X", scenario_text, tables, "h")
    assert info.value.code == "too_many_tables"


def test_broken_scenario_is_refused_at_create(scenario_text):
    from game.scenario import ScenarioError
    with pytest.raises(ScenarioError):
        create_events("X", variant(scenario_text, "  debt: 500000000", "  debt: lots"), 1, "h")


def test_unknown_actor_is_refused(new_game):
    g = new_game()
    assert code(g, ("player", "ghost"), {"type": "confirm"}) in ("unknown_player", "not_authenticated")


def test_player_management_refusals(new_game):
    g = new_game()
    assert code(g, FAC, {"type": "move_player", "player": "nobody", "table": 0}) == "unknown_player"
    assert code(g, FAC, {"type": "move_player", "player": "p1", "table": 1}) == "unknown_table"
    assert code(g, FAC, {"type": "move_player", "player": "p1", "table": "0"}) == "unknown_table"
    assert code(g, FAC, {"type": "remove_player", "player": "nobody"}) == "unknown_player"
    g.fac("remove_player", player="p3")
    assert code(g, ("player", "p3"), {"type": "confirm"}) == "removed"
    assert code(g, FAC, {"type": "remove_player", "player": "p3"}) == "unknown_player"


# --- names ------------------------------------------------------------------

def join_refused(g: Game, name: str) -> str:
    before = snapshot(g.room)
    with pytest.raises(Refusal) as info:
        join_events(g.room, "px", name, "h")
    assert snapshot(g.room) == before
    return info.value.code


@pytest.mark.parametrize("name", ["Anna", "Anna\u200b", "ANNA", "anna", "  Anna ", "\u200bAnna", "Ａｎｎａ",
                                  "An\u00adna", "Anna\u2060", "\u0410nna", "Ann\u0430", "\u0391NN\u0391"])
def test_duplicate_names(new_game, name):
    g = new_game(players=0, start=False)
    g.join("Anna")
    assert join_refused(g, name) == "duplicate_name"


def test_look_alike_names_c12(new_game):
    g = new_game(players=0, start=False)
    g.join("Anna")
    assert join_refused(g, "Anna\u200b") == "duplicate_name"
    g.join("Jürgen 🚀")
    assert g.room.players["p2"].name == "Jürgen 🚀"
    assert join_refused(g, "Ju\u0308rgen 🚀") == "duplicate_name"  # the same name, decomposed
    g.join("Jurgen")  # a different name
    assert join_refused(g, "Jurg\u0435n") == "duplicate_name"  # a Cyrillic е
    g.join("Наталья")  # a Cyrillic name is a name; only a Latin look-alike of another one is refused
    assert [p.name for p in g.room.active_players()] == ["Anna", "Jürgen 🚀", "Jurgen", "Наталья"]


@pytest.mark.parametrize("name", ["", "   ", "\u200b", "\u200b\u200d", "\n\t", "x" * (MAX_NAME + 1)])
def test_bad_names(new_game, name):
    g = new_game(players=0, start=False)
    assert join_refused(g, name) == "bad_name"


def test_names_are_cleaned(new_game):
    g = new_game(players=0, start=False)
    g.join("  Piet\u200b  de   Vries ")
    g.join("x" * MAX_NAME)
    assert [p.name for p in g.room.active_players()] == ["Piet de Vries", "x" * MAX_NAME]


def test_removed_player_frees_the_name_and_join_after_end(new_game):
    g = new_game(players=3)
    g.fac("remove_player", player="p1")
    g.join("Speler 1")
    g.fac("end")
    assert join_refused(g, "Nieuw") == "game_finished"


# ---------------------------------------------------------------------------
# Repeats are harmless

def test_repeated_commands_give_no_events(new_game):
    g = new_game()
    assert g.fac("start") == []
    g.as_role(0, "capital", "choose_frame", frame="balanced")
    assert g.as_role(0, "capital", "choose_frame", frame="balanced") == []
    g.as_role(0, "social", "choose_rent_policy", policy="max")
    assert g.as_role(0, "social", "choose_rent_policy", policy="max") == []
    g.as_role(0, "property", "select", option="P1")
    assert g.as_role(0, "property", "select", option="P1") == []
    assert g.as_role(0, "property", "select", option="P2", selected=False) == []
    g.as_role(0, "social", "cover", option="P1")
    assert g.as_role(0, "social", "cover", option="P1") == []
    g.as_role(0, "social", "select", option="M1")
    assert g.as_role(0, "social", "select", option="M1") == []
    g.as_role(0, "capital", "confirm")
    assert g.as_role(0, "capital", "confirm") == []
    assert g.fac("set_rotation", on=True) == []
    assert g.fac("move_player", player="p1", table=0) == []
    assert g.fac("reopen") == []
    g.fac("lock", round=1)
    assert g.fac("lock", round=1) == [] and g.fac("lock") == []
    g.fac("reveal", round=1)
    assert g.fac("reveal", round=1) == [] and g.fac("lock", round=1) == []
    g.fac("next_round", round=1)
    assert g.fac("next_round", round=1) == []   # a double click on "next"
    assert g.fac("lock", round=1) == [] and g.fac("reveal", round=1) == []
    assert g.room.round == 2 and g.room.stage == "open"
    g.fac("end")
    assert g.fac("end") == []
    assert snapshot(g.replayed()) == snapshot(g.room)


def test_unselecting_a_project_drops_its_cover(new_game):
    g = ready(new_game)
    g.as_role(0, "property", "select", option="P1")
    g.as_role(0, "social", "cover", option="P1")
    g.as_role(0, "property", "select", option="P1", selected=False)
    assert g.room.tables[0].package.covered == set()
    assert code(g, who(g, "social"), {"type": "cover", "option": "P1"}) == "not_proposed"


# ---------------------------------------------------------------------------
# Lock defaults, uncovered projects, bijzonder beheer

def test_lock_sets_and_records_defaults(new_game, scenario):
    g = new_game()
    ev = g.fac("lock")
    assert ev == [{"type": "round_locked", "round": 1, "defaults": {"0": ["frame", "rent_policy"]}}]
    pkg = g.room.tables[0].package
    assert (pkg.frame, pkg.rent_policy) == (scenario.default_frame, scenario.baseline_rent_policy)
    g.fac("reveal")
    h = g.room.tables[0].history[0]
    assert h["defaults"] == ["frame", "rent_policy"]
    assert h["decisions"]["frame"] == "balanced" and h["decisions"]["rent_policy"] == "inflation"
    assert h["figures"]["equity_change_realised"] == D("18082277.50")


def test_lock_defaults_only_what_is_missing(new_game):
    g = ready(new_game, frame="prudent")
    ev = g.fac("lock")
    assert ev[0]["defaults"] == {"0": ["rent_policy"]}
    assert g.room.tables[0].package.frame == "prudent"
    g.fac("reopen")
    assert g.room.tables[0].package.frame == "prudent" and g.room.tables[0].package.rent_policy is None


def test_selected_but_not_covered_does_not_go_ahead(new_game):
    g = ready(new_game)
    g.as_role(0, "property", "select", option="P1")
    g.as_role(0, "property", "select", option="P7")  # no top: goes ahead without cover
    g.fac("lock"), g.fac("reveal")
    h = g.room.tables[0].history[0]
    assert h["going_ahead"] == ["P7"] and h["not_covered"] == ["P1"]
    f = h["figures"]
    assert f["capex"] == 35_000_000  # P7 only
    assert f["unprofitable_top"] == 0
    assert f["homes_built"] == 200
    assert f["homes_by_municipality"]["stadsveld"] == 6000


def test_nothing_covered_is_the_baseline(new_game):
    g = ready(new_game)
    for p in ("P1", "P3", "P5"):
        g.as_role(0, "property", "select", option=p)
    g.fac("lock"), g.fac("reveal")
    f = g.room.tables[0].history[0]["figures"]
    assert f["capex"] == 0 and f["social_budget_used"] == D("51284557.50") and f["cash"] == D("38082277.50")


def bijzonder_game(scenario_text, programmes=()) -> Game:
    # ICR norm 2.0: the opening year (2.19) and a plain round 1 (2.25) meet it; the damp
    # programme (5m of expenses) brings round 1 below it
    g = Game(variant(scenario_text, "icr_min: 1.4", "icr_min: 2.0"))
    [g.join(n) for n in ("A", "B", "C")]
    g.fac("start")
    g.as_role(0, "capital", "choose_frame", frame="balanced")
    assert g.room.outcome(g.room.tables[0]).budget.borrowing_cap > 0
    for m in programmes:
        g.as_role(0, "social", "select", option=m)
    g.fac("lock"), g.fac("reveal"), g.fac("next_round")
    g.as_role(0, "capital", "choose_frame", frame="balanced")
    return g


def test_bijzonder_beheer_after_a_broken_norm(scenario_text):
    g = bijzonder_game(scenario_text, ("M3",))
    assert g.room.tables[0].history[0]["figures"]["icr"] < 2.0
    budget = g.room.outcome(g.room.tables[0]).budget
    assert budget.borrowing_cap == 0 and budget.social_budget > 0
    g.as_role(0, "property", "select", option="P7")  # paid from cash, no loans
    g.as_role(0, "property", "select", option="P1")
    assert code(g, who(g, "social"), {"type": "cover", "option": "P1"}) == "over_borrowing_cap"


def test_no_bijzonder_beheer_when_the_norms_hold(scenario_text):
    g = bijzonder_game(scenario_text)
    assert g.room.tables[0].history[0]["figures"]["icr"] >= 2.0
    assert g.room.outcome(g.room.tables[0]).budget.borrowing_cap > 0
    g.as_role(0, "property", "select", option="P7")
    g.as_role(0, "property", "select", option="P1")
    assert types(g.as_role(0, "social", "cover", option="P1")) == ["top_covered"]


def test_rotation_can_be_frozen(new_game):
    g = new_game()
    roles1 = g.room.roles(0)
    g.fac("set_rotation", on=False)
    g.fac("lock"), g.fac("reveal"), g.fac("next_round")
    assert g.room.roles(0) == roles1
    g.fac("set_rotation", on=True)
    assert g.room.roles(0) != roles1


# ---------------------------------------------------------------------------
# Properties over random command sequences

def commands(frames):
    rnd = st.sampled_from([None] * 6 + ["cur"] * 3 + ["prev", "next"])
    mostly = st.sampled_from([True, True, True, False])
    frame = st.builds(lambda f, r: ("capital", {"type": "choose_frame", "frame": f}, r),
                      st.sampled_from(frames + ("bogus",)), rnd)
    select_p = st.builds(lambda o, on, r: ("property", {"type": "select", "option": o, "selected": on}, r),
                         st.sampled_from(PROPERTY + ("P99",)), mostly, rnd)
    # "SEL": a project that is selected and not yet covered, when there is one
    cover = st.builds(lambda o, on, r: ("social", {"type": "cover", "option": o, "covered": on}, r),
                      st.sampled_from(("SEL",) * 3 + PROPERTY + ("M1",)), mostly, rnd)
    player_cmd = st.one_of(
        frame, frame, select_p, select_p, select_p, cover, cover, cover,
        st.builds(lambda p, r: ("social", {"type": "choose_rent_policy", "policy": p}, r),
                  st.sampled_from(POLICIES + ("bogus",)), rnd),
        st.builds(lambda o, on, r: ("social", {"type": "select", "option": o, "selected": on}, r),
                  st.sampled_from(SOCIAL), mostly, rnd),
        st.builds(lambda r: ("any", {"type": "confirm"}, r), rnd),
    )
    fac_cmd = st.builds(lambda c, r: ("fac", {"type": c}, r),
                        st.sampled_from(["lock", "reveal", "next_round", "reopen", "advance", "advance"]), rnd)
    # actor: mostly the one who may send the command (the facilitator or the role's holder),
    # sometimes any seat or the facilitator regardless
    actor = st.sampled_from(["right"] * 6 + [0, 1, 2, "fac"])
    return st.lists(st.tuples(actor, st.integers(0, 1), st.sampled_from(frames),
                              st.one_of(player_cmd, player_cmd, player_cmd, fac_cmd)),
                    min_size=20, max_size=90)


def run(g: Game, steps, frames_fixed: bool = False) -> None:
    room = g.room
    for actor, table, frame, (chamber, cmd, rnd) in steps:
        table = min(table, len(room.tables) - 1)
        cmd = dict(cmd)
        pkg = room.tables[table].package
        if cmd.get("option") == "SEL":
            cmd["option"] = next(iter(sorted(pkg.selected - pkg.covered - {"P6", "P7", "P9"})), "P1")
        todo = [(actor, table, frame, (chamber, cmd, rnd))]
        if actor == "right" and room.stage == "open":
            # the one who may send it, and what it needs first: a frame, a proposed project
            if cmd["type"] == "cover" and cmd["option"] in PROPERTY and cmd["option"] not in pkg.selected:
                todo.insert(0, ("right", table, frame, ("property", {"type": "select", "option": cmd["option"]}, None)))
            if chamber not in ("fac", "capital") and pkg.frame is None:
                todo.insert(0, ("right", table, frame, ("capital", {"type": "choose_frame", "frame": frame}, None)))
        _run(g, todo, frames_fixed)
    assert room.version == len(g.events)
    assert snapshot(replay(g.events)) == snapshot(room)


def _run(g: Game, steps, frames_fixed: bool) -> None:
    room = g.room
    for actor, table, _frame, (chamber, cmd, rnd) in steps:
        cmd = dict(cmd)
        if rnd is not None:
            cmd["round"] = {"cur": room.round, "prev": room.round - 1, "next": room.round + 1}[rnd]
        if actor == "fac" or (actor == "right" and chamber == "fac"):
            who_ = FAC
        elif actor == "right":
            roles = room.roles(table)
            want = chamber if chamber != "any" else "capital"
            who_ = ("player", next((p for p in roles if want in roles[p]), g.ids[0]))
        else:
            who_ = ("player", g.ids[actor % len(g.ids)])
        if frames_fixed and cmd["type"] == "choose_frame" and who_[0] == "player":
            p = room.players[who_[1]]
            if p.table is not None and room.tables[p.table].package.frame is not None:
                continue
        cmds = [dict(cmd, type=t) for t in ("lock", "reveal", "next_round")] if cmd["type"] == "advance" else [cmd]
        for c in cmds:
            before = snapshot(room)
            try:
                events = decide(room, who_, c)
            except Refusal:
                assert snapshot(room) == before  # a refusal changes nothing
                continue
            g._push(events)
            check_budgets(room)


def check_budgets(room) -> None:
    for t in room.tables:
        if t.package.frame is None:
            continue
        out = room.outcome(t)
        base = room.planner(t).baseline.figures
        if out.social_limit is not None:
            assert out.social_used <= max(out.social_limit, base["social_budget_used"])
        assert out.new_loans <= max(out.budget.borrowing_cap, base["new_loans"])


def fresh(scenario_text, players: int, tables: int) -> Game:
    g = Game(scenario_text, tables)
    for i in range(players):
        g.join(f"Speler {i + 1}")
    g.fac("start")
    return g


FRAME_SWITCH = [("right", 0, "generous", ("capital", {"type": "choose_frame", "frame": "generous"}, None))] + [
    step for p in ("P1", "P3", "P4", "P2", "P8") for step in (
        ("right", 0, "generous", ("property", {"type": "select", "option": p, "selected": True}, None)),
        ("right", 0, "generous", ("social", {"type": "cover", "option": p, "covered": True}, None)))
] + [("right", 0, "generous", ("capital", {"type": "choose_frame", "frame": "prudent"}, None))]


VARIANTS = {
    "woonstad": [],
    # prudent frame: borrowing cap 0; balanced: about 10m
    "tight": [("icr_target: 1.8", "icr_target: 2.5"), ("icr_target: 1.6", "icr_target: 2.2")],
    "residual": [("social_budget_mode: fixed", "social_budget_mode: residual")],  # sluitpost
}


@pytest.fixture(scope="module")
def variants(scenario_text):
    out = {}
    for name, subs in VARIANTS.items():
        text = scenario_text
        for old, new in subs:
            text = variant(text, old, new)
        out[name] = text
    return out


@settings(max_examples=40, deadline=None)
@example(kind="woonstad", players=3, tables=1, steps=FRAME_SWITCH)
@given(st.sampled_from(sorted(VARIANTS)), st.integers(1, 5), st.integers(1, 2), commands(FRAMES))
def test_random_commands_keep_budgets_and_replay(variants, kind, players, tables, steps):
    run(fresh(variants[kind], max(players, tables), tables), steps)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(VARIANTS)), st.integers(1, 5), st.integers(1, 2), commands(FRAMES))
def test_random_commands_keep_budgets_and_replay_frame_fixed(variants, kind, players, tables, steps):
    """The same, with each round's frame chosen once (the part of the rule that holds today)."""
    run(fresh(variants[kind], max(players, tables), tables), steps, frames_fixed=True)
