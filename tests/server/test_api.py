"""The JSON API v1: whole games with real numbers, and every kind of bad input.

Every refusal must be a 4xx with `{"error": {"code", "message"}}`, a message in Dutch (English
with ?lang=en) that a facilitator understands, and must change nothing: the room's version
and every viewer's view are the same afterwards.
"""
from __future__ import annotations

import json

import pytest

from game.messages import MESSAGES
from server_harness import CHAMBERS, bearer, create_room

# FINANCE.md, "Worked example": round 1, frame balanced, rent policy inflation, nothing chosen.
WORKED_ROUND_1 = {
    "rent_income": 77599777.5, "operating_costs": 41717500.0, "ocf": 18082277.5, "cash": 38082277.5,
    "icr": 2.247054, "ltv": 0.410603, "solvency": 0.601849, "dividend": 87166835.0,
    "rent_discount": 37754557.5, "social_budget_used": 51284557.5, "equity_change_realised": 18082277.5,
    "market_value_total": 1968540000.0, "policy_value_total": 1217721637.5,
}
WORKED_OPENING = {"rent_income": 75707100.0, "ocf_before_interest": 31707100.0, "interest": 14500000.0,
                  "market_value_total": 1907500000.0, "policy_value_total": 1183189000.0,
                  "dividend": 84494500.0, "rent_discount": 36287400.0}


# --- helpers ---------------------------------------------------------------------

def _prefix(code: str, lang: str) -> str:
    """The fixed text a message of `code` starts with (before its first parameter)."""
    return MESSAGES[code][lang].split("{")[0]


def refused(resp, status: int, code: str, lang: str = "nl") -> str:
    """Assert a refusal's shape, status, code and language; return the message."""
    assert resp.status_code == status, (resp.status_code, resp.text[:500])
    body = resp.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    msg = body["error"]["message"]
    assert isinstance(msg, str) and msg.strip(), body
    if code in MESSAGES:
        assert msg.startswith(_prefix(code, lang)), (msg, lang)
    return msg


def snapshot(room) -> dict:
    """Everything a refusal must leave alone: every viewer's view and the stored log."""
    return {"facilitator": room.view(),
            "players": {pid: room.view(tok) for pid, tok in room.tokens.items()},
            "log": room.export()["log"]}


@pytest.fixture
def game(client):
    """One table, three players, round 1, frame 'prudent' chosen and P1 proposed."""
    room = create_room(client, tables=1, players=3, start=True)
    room.act(0, "capital", "choose_frame", frame="prudent")
    room.act(0, "property", "select", option="P1", selected=True)
    return room


# --- the API surface ---------------------------------------------------------------

def test_scenarios_and_openapi(client):
    r = client.get("/api/v1/scenarios")
    assert r.status_code == 200
    woonstad = next(s for s in r.json() if s["id"] == "woonstad")
    assert woonstad["mode"] == "driekamer" and woonstad["rounds"] == 4 and woonstad["name"] == "Woonstad"

    paths = client.get("/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/scenarios"]
    assert "post" in paths["/api/v1/rooms"]
    assert "post" in paths["/api/v1/rooms/{code}/players"]
    assert "get" in paths["/api/v1/rooms/{code}"]
    assert "post" in paths["/api/v1/rooms/{code}/commands"]
    assert "get" in paths["/api/v1/rooms/{code}/export.json"]
    assert "text/csv" in paths["/api/v1/rooms/{code}/export.csv"]["get"]["responses"]["200"]["content"]
    commands = paths["/api/v1/rooms/{code}/commands"]["post"]
    for kind in ("choose_frame", "cover", "next_round {rotate}", "open_joint", "approve"):
        assert kind in commands["description"], kind
    assert "frame" in commands["requestBody"]["content"]["application/json"]["examples"]
    assert not any(p.startswith("/r/") for p in paths)  # the pages stay out of the API's schema


def test_create_room_and_join(client):
    r = client.post("/api/v1/rooms", json={"scenario": "woonstad", "tables": 2})
    assert r.status_code == 201
    body = r.json()
    assert {"code", "facilitator_token", "join_url", "screen_url"} <= set(body)
    code = body["code"]
    assert body["join_url"].endswith(f"/j/{code}") and body["screen_url"].endswith(f"/r/{code}/screen")
    assert len(body["facilitator_token"]) >= 20

    r = client.post(f"/api/v1/rooms/{code}/players", json={"name": "Anna"})
    assert r.status_code == 201
    joined = r.json()
    assert {"player_id", "token"} <= set(joined) and joined["token"] != body["facilitator_token"]

    me = client.get(f"/api/v1/rooms/{code}", headers=bearer(joined["token"])).json()
    want = {"kind": "player", "player_id": joined["player_id"], "name": "Anna", "table": None, "removed": False,
            "roles": []}
    assert {k: me["viewer"].get(k) for k in want} == want
    fac = client.get(f"/api/v1/rooms/{code}", headers=bearer(body["facilitator_token"])).json()
    assert fac["viewer"]["kind"] == "facilitator" and "player_id" not in fac["viewer"]
    want = {"code": code, "phase": "lobby", "round": 0, "rounds": 4, "version": 2, "year": 2026}
    assert {k: fac["room"].get(k) for k in want} == want
    assert [p["name"] for p in fac["players"]] == ["Anna"]
    assert len(fac["tables"]) == 2
    # the code is not case-sensitive in the address
    assert client.get(f"/api/v1/rooms/{code.lower()}", headers=bearer(body["facilitator_token"])).status_code == 200
    # a body may be left out: the default scenario with one table
    r = client.post("/api/v1/rooms")
    assert r.status_code == 201
    assert len(client.get(f"/api/v1/rooms/{r.json()['code']}", headers=bearer(r.json()["facilitator_token"]))
               .json()["tables"]) == 1


# --- whole games ----------------------------------------------------------------------

def _confirm_all(room, table: int) -> None:
    view = room.view()
    for p in view["players"]:
        if p["table"] == table and p["roles"]:
            room.ok({"type": "confirm", "round": view["room"]["round"]}, room.tokens[p["id"]])
    assert room.view()["tables"][table]["progress"]["all_confirmed"]


def _finish_round(room, rnd: int) -> dict:
    room.fac_cmd("lock", round=rnd)
    return room.fac_cmd("reveal", round=rnd)["view"]


def test_whole_game_one_table(client):
    room = create_room(client, tables=1, players=3, start=True)
    pids = list(room.tokens)
    v = room.view()
    assert v["room"]["phase"] == "frame" and v["room"]["round"] == 1
    opening = v["tables"][0]["opening"]
    for k, want in WORKED_OPENING.items():
        assert opening[k] == pytest.approx(want, abs=0.01), k
    assert opening["icr"] == pytest.approx(2.1867, abs=1e-4) and opening["ltv"] == pytest.approx(0.4226, abs=1e-4)
    roles_by_round = [{p["id"]: p["roles"] for p in v["players"]}]
    assert sorted(r for roles in roles_by_round[0].values() for r in roles) == sorted(CHAMBERS)

    # round 1: balanced frame, nothing else chosen -> FINANCE.md's worked example
    room.act(0, "capital", "choose_frame", frame="balanced")
    plan = room.view()["tables"][0]["plan"]
    assert plan["budgets"]["social_budget"] == 69366835.0
    assert plan["budgets"]["borrowing_cap"] == pytest.approx(189158820.56, abs=0.01)
    _confirm_all(room, 0)
    v = _finish_round(room, 1)
    assert v["room"]["phase"] == "revealed"
    (h1,) = v["tables"][0]["history"]
    assert h1["round"] == 1 and h1["year"] == 2026 and h1["frame"] == "balanced"
    assert h1["social_budget"] == 69366835.0
    assert h1["borrowing_cap"] == pytest.approx(189158820.56, abs=0.01)
    for k, want in WORKED_ROUND_1.items():
        assert h1["figures"][k] == pytest.approx(want, abs=0.01), k
    assert h1["figures"]["rent_discount_share"] == pytest.approx(0.736, abs=0.001)  # "74 % of it"
    assert h1["decisions"] == {"frame": "balanced", "rent_policy": "inflation", "selected": [], "covered": [],
                               "programmes": []}
    assert h1["defaults"] == ["rent_policy"]  # not chosen: the scenario's explicit default, said so
    assert h1["going_ahead"] == [] and h1["not_covered"] == []

    # round 2: prudent; P7 (no top) and P1 (top covered) go ahead; P4 proposed but not covered
    room.fac_cmd("next_round", round=1)
    v = room.view()
    assert v["room"]["round"] == 2 and v["event"]["name"] == "Renteschok"
    roles_by_round.append({p["id"]: p["roles"] for p in v["players"]})
    room.act(0, "capital", "choose_frame", frame="prudent")
    for o in ("P7", "P1", "P4"):
        room.act(0, "property", "select", option=o, selected=True)
    room.act(0, "social", "cover", option="P1", covered=True)
    room.act(0, "social", "choose_rent_policy", policy="moderate")
    room.act(0, "social", "select", option="M1", selected=True)
    plan = room.view()["tables"][0]["plan"]
    assert plan["going_ahead"] == ["P1", "P7"] and plan["not_covered"] == ["P4"]
    preview = plan["preview"]
    _confirm_all(room, 0)
    v = _finish_round(room, 2)
    h2 = v["tables"][0]["history"][1]
    assert h2["year"] == 2027 and h2["frame_name"] == "Behoudend" and h2["rent_policy_name"] == "Gematigd"
    assert h2["decisions"] == {"frame": "prudent", "rent_policy": "moderate", "selected": ["P1", "P4", "P7"],
                               "covered": ["P1"], "programmes": ["M1"]}
    assert h2["going_ahead"] == ["P1", "P7"] and h2["not_covered"] == ["P4"] and h2["defaults"] == []
    f2 = h2["figures"]
    for k in ("icr", "ltv", "solvency", "cash", "debt", "social_budget_used", "new_loans", "homes"):
        assert f2[k] == preview[k], k  # the reveal is what the live preview showed
    assert f2["homes"] == h1["figures"]["homes"] + 100 + 200  # P1 builds 100, P7 buys 200
    assert f2["social_budget_used"] <= h2["social_budget"]
    assert f2["new_loans"] <= h2["borrowing_cap"]
    assert f2["unprofitable_top"] == pytest.approx(5000000, rel=0.02)  # P1's top, covered
    assert set(h2["roles"]) == set(pids)

    # round 3: nothing chosen at all -> the scenario's defaults, said so in the history
    room.fac_cmd("next_round", round=2)
    roles_by_round.append({p["id"]: p["roles"] for p in room.view()["players"]})
    v = _finish_round(room, 3)
    h3 = v["tables"][0]["history"][2]
    assert h3["frame"] == "balanced" and h3["decisions"]["rent_policy"] == "inflation"
    assert sorted(h3["defaults"]) == ["frame", "rent_policy"]

    # round 4: generous and a rent freeze, in the year of the statutory rent freeze
    room.fac_cmd("next_round", round=3)
    assert room.view()["event"]["name"] == "Huurbevriezing bij wet"
    room.act(0, "capital", "choose_frame", frame="generous")
    room.act(0, "social", "choose_rent_policy", policy="freeze")
    v = _finish_round(room, 4)
    h4 = v["tables"][0]["history"][3]
    assert h4["year"] == 2029 and h4["frame"] == "generous" and h4["decisions"]["rent_policy"] == "freeze"
    assert h4["figures"]["rent_growth"] == 0.0

    # every player held every chamber over the first three rounds (Latin square)
    for pid in pids:
        held = sorted(r for rnd in roles_by_round for r in rnd[pid])
        assert held == sorted(CHAMBERS), (pid, roles_by_round)

    # after the last round, "next" ends the game; the end is final
    body = room.fac_cmd("next_round", round=4)
    assert body["view"]["room"]["phase"] == "finished"
    assert [h["year"] for h in body["view"]["tables"][0]["history"]] == [2026, 2027, 2028, 2029]
    r = room.post({"type": "start"})
    refused(r, 409, "game_finished")
    ex = room.export()
    assert ex["version"] == len(ex["log"]) == body["version"]
    assert [e["seq"] for e in ex["log"]] == list(range(1, len(ex["log"]) + 1))
    assert sum(e["type"] == "round_revealed" for e in ex["log"]) == 4


def test_whole_game_two_tables(client):
    room = create_room(client, tables=2, players=6, start=True)
    v = room.view()
    seats = {t: [p["id"] for p in v["players"] if p["table"] == t] for t in (0, 1)}
    assert len(seats[0]) == len(seats[1]) == 3
    for t in (0, 1):
        assert sorted(r for p in v["players"] if p["table"] == t for r in p["roles"]) == sorted(CHAMBERS)

    frames = {0: ["balanced", "prudent", "balanced", "prudent"], 1: ["prudent", "generous", "prudent", "generous"]}
    for rnd in range(1, 5):
        for t in (0, 1):
            room.act(t, "capital", "choose_frame", frame=frames[t][rnd - 1])
        if rnd == 1:  # table 1 buys homes in round 1; table 0 plays the worked example
            room.act(1, "property", "select", option="P7", selected=True)
        if rnd == 2:
            room.act(0, "social", "choose_rent_policy", policy="freeze")
        for t in (0, 1):
            _confirm_all(room, t)
        v = _finish_round(room, rnd)
        for t in (0, 1):
            assert len(v["tables"][t]["history"]) == rnd
        if rnd < 4:
            room.fac_cmd("next_round", round=rnd)
    h0, h1 = (v["tables"][t]["history"] for t in (0, 1))
    for k, want in WORKED_ROUND_1.items():
        assert h0[0]["figures"][k] == pytest.approx(want, abs=0.01), k
    assert h1[0]["decisions"]["selected"] == ["P7"] and h1[0]["going_ahead"] == ["P7"]
    assert h1[0]["figures"]["homes"] == h0[0]["figures"]["homes"] + 200
    assert h1[0]["social_budget"] == pytest.approx(62430151.5, abs=0.01)  # prudent: 90 % of the dividend
    assert [h["frame"] for h in h0] == frames[0] and [h["frame"] for h in h1] == frames[1]
    assert h0[1]["decisions"]["rent_policy"] == "freeze" and h1[1]["decisions"]["rent_policy"] == "inflation"
    # the tables are separate corporations: different choices, different years
    assert h0[0]["figures"]["cash"] != h1[0]["figures"]["cash"]
    assert h0[3]["figures"]["debt"] != h1[3]["figures"]["debt"]
    body = room.fac_cmd("next_round", round=4)
    assert body["view"]["room"]["phase"] == "finished"


def test_repeated_identical_commands_are_harmless(game):
    room = game
    v0 = room.version()
    # the same proposal again: accepted, nothing new stored
    for _ in range(2):
        body = room.act(0, "property", "select", option="P1", selected=True)
        assert body["version"] == v0
    body = room.act(0, "capital", "choose_frame", frame="prudent")
    assert body["version"] == v0
    assert room.fac_cmd("start")["version"] == v0
    room.act(0, "property", "confirm")
    v1 = room.version()
    assert room.act(0, "property", "confirm")["version"] == v1
    room.fac_cmd("lock", round=1)
    v2 = room.version()
    assert room.fac_cmd("lock", round=1)["version"] == v2
    room.fac_cmd("reveal", round=1)
    v3 = room.version()
    assert room.fac_cmd("reveal", round=1)["version"] == v3
    assert room.fac_cmd("lock", round=1)["version"] == v3  # a late replayed lock
    room.fac_cmd("next_round", round=1)
    v4 = room.version()
    assert room.fac_cmd("next_round", round=1)["version"] == v4  # a replayed "next": no second jump
    assert room.round() == 2
    assert len(room.export()["log"]) == v4


# --- bad input: every refusal changes nothing ---------------------------------------------

def test_unknown_room(client, game):
    room = game
    before = snapshot(room)
    fac = bearer(room.fac)
    refused(client.get("/api/v1/rooms/ZZZZZ", headers=fac), 404, "unknown_room")
    refused(client.post("/api/v1/rooms/ZZZZZ/commands", json={"type": "start"}, headers=fac), 404, "unknown_room")
    refused(client.post("/api/v1/rooms/ZZZZZ/players", json={"name": "Anna"}), 404, "unknown_room")
    refused(client.get("/api/v1/rooms/ZZZZZ/export.json", headers=fac), 404, "unknown_room")
    msg = refused(client.get("/api/v1/rooms/zzzzz?lang=en", headers=fac), 404, "unknown_room", "en")
    assert "ZZZZZ" in msg
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found" and r.json()["error"]["message"]
    # a browser that opens an address that does not exist gets a page in its language, the API keeps JSON
    r = client.get("/nothing-here", headers={"Accept": "text/html"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Deze pagina of dit adres bestaat niet." in r.text and 'href="/"' in r.text
    r = client.get("/nothing-here?lang=en", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "This page or address does not exist." in r.text
    r = client.get("/api/v1/nothing-here", headers={"Accept": "text/html"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.delete(f"/api/v1/rooms/{room.code}", headers=fac)
    assert r.status_code == 405 and r.json()["error"]["message"]
    assert snapshot(room) == before


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Bearer "},
                                     {"Authorization": "Basic Zm9vOmJhcg=="}, {"Authorization": "wrong-token"}],
                         ids=["missing", "wrong", "empty", "basic", "no-scheme"])
def test_wrong_or_missing_token(client, game, headers):
    room = game
    before = snapshot(room)
    refused(client.get(room.base, headers=headers), 401, "not_authenticated")
    refused(client.post(f"{room.base}/commands", json={"type": "lock", "round": 1}, headers=headers),
            401, "not_authenticated")
    refused(client.post(f"{room.base}/commands", json={"type": "select", "option": "P7", "round": 1},
                        headers=headers), 401, "not_authenticated")
    refused(client.get(f"{room.base}/export.json", headers=headers), 401, "not_authenticated")
    refused(client.get(f"{room.base}?lang=en", headers=headers), 401, "not_authenticated", "en")
    # a token of another room is a wrong token here
    other = create_room(client, players=1)
    refused(client.get(room.base, headers=bearer(other.fac)), 401, "not_authenticated")
    refused(room.post({"type": "lock", "round": 1}, token=other.fac), 401, "not_authenticated")
    refused(room.post({"type": "select", "option": "P7", "round": 1}, token=next(iter(other.tokens.values()))),
            401, "not_authenticated")
    assert snapshot(room) == before


def test_player_cannot_do_what_the_facilitator_does(client, game):
    room = game
    before = snapshot(room)
    for pid, tok in room.tokens.items():
        for cmd in ({"type": "lock", "round": 1}, {"type": "start"}, {"type": "end"},
                    {"type": "remove_player", "player": pid}, {"type": "move_player", "player": pid, "table": 0}):
            refused(room.post(cmd, tok), 403, "not_facilitator")
        refused(client.get(f"{room.base}/export.json", headers=bearer(tok)), 403, "not_facilitator")
        refused(client.get(f"{room.base}/export.json?token={tok}"), 403, "not_facilitator")
    assert snapshot(room) == before


def test_facilitator_cannot_play(game):
    room = game
    before = snapshot(room)
    for cmd in ({"type": "select", "option": "P7", "round": 1}, {"type": "choose_frame", "frame": "generous"},
                {"type": "choose_rent_policy", "policy": "freeze"}, {"type": "cover", "option": "P1"},
                {"type": "confirm", "round": 1}):
        refused(room.post(cmd), 403, "not_a_player")
    assert snapshot(room) == before


@pytest.mark.parametrize("cmd,status,code", [
    ({"type": "fly"}, 422, "unknown_command"),
    ({"type": "FLY", "round": 1}, 422, "unknown_command"),
    ({}, 422, "invalid_command"),
    ({"round": 1}, 422, "invalid_command"),
    ({"type": None}, 422, "invalid_command"),
    ({"type": 7}, 422, "invalid_command"),
    ({"type": ["lock"]}, 422, "invalid_command"),
    ({"type": "lock", "round": "1"}, 422, "invalid_command"),
    ({"type": "lock", "round": "een"}, 422, "invalid_command"),
    ({"type": "lock", "round": 1.5}, 422, "invalid_command"),
    ({"type": "lock", "round": True}, 422, "invalid_command"),
    ({"type": "lock", "round": [1]}, 422, "invalid_command"),
    ({"type": "lock", "round": 2}, 409, "wrong_round"),
    ({"type": "reveal", "round": 1}, 409, "not_locked"),
    ({"type": "next_round", "round": 1}, 409, "not_revealed"),
    ({"type": "move_player", "player": "nobody", "table": 0}, 404, "unknown_player"),
    ({"type": "move_player", "player": ["x"], "table": 0}, 422, "invalid_command"),
    ({"type": "move_player", "player": "PID", "table": 5}, 422, "unknown_table"),
    ({"type": "move_player", "player": "PID", "table": "0"}, 422, "invalid_command"),
    ({"type": "move_player", "player": "PID", "table": True}, 422, "invalid_command"),
    ({"type": "remove_player", "player": "nobody"}, 404, "unknown_player"),
    ({"type": "set_rotation", "on": "nee"}, 422, "invalid_command"),
], ids=lambda x: json.dumps(x) if isinstance(x, dict) else str(x))
def test_bad_facilitator_commands(game, cmd, status, code):
    room = game
    pid = next(iter(room.tokens))
    cmd = {k: (pid if v == "PID" else v) for k, v in cmd.items()}
    before = snapshot(room)
    refused(room.post(cmd), status, code)
    assert snapshot(room) == before


@pytest.mark.parametrize("chamber,cmd,status,code", [
    ("property", {"type": "select", "option": "P99"}, 422, "unknown_option"),
    ("property", {"type": "select", "option": ["P7"]}, 422, "invalid_command"),
    ("property", {"type": "select", "option": {"id": "P7"}}, 422, "invalid_command"),
    ("property", {"type": "select", "option": None}, 422, "invalid_command"),
    ("property", {"type": "select", "option": "P7", "selected": "ja"}, 422, "invalid_command"),
    ("property", {"type": "select", "option": "P7", "selected": 1}, 422, "invalid_command"),
    ("property", {"type": "select", "option": "M1"}, 403, "not_your_role"),
    ("property", {"type": "choose_frame", "frame": "generous"}, 403, "not_your_role"),
    ("property", {"type": "choose_rent_policy", "policy": "freeze"}, 403, "not_your_role"),
    ("property", {"type": "cover", "option": "P1"}, 403, "not_your_role"),
    ("social", {"type": "select", "option": "P7"}, 403, "not_your_role"),
    ("capital", {"type": "select", "option": "P7"}, 403, "not_your_role"),
    ("capital", {"type": "choose_frame", "frame": "reckless"}, 422, "unknown_frame"),
    ("capital", {"type": "choose_frame", "frame": ["generous"]}, 422, "invalid_command"),
    ("capital", {"type": "choose_frame", "frame": {"id": "generous"}}, 422, "invalid_command"),
    ("capital", {"type": "choose_frame", "frame": 1}, 422, "invalid_command"),
    ("social", {"type": "choose_rent_policy", "policy": "double"}, 422, "unknown_policy"),
    ("social", {"type": "choose_rent_policy", "policy": ["freeze"]}, 422, "invalid_command"),
    ("social", {"type": "cover", "option": "P4"}, 409, "not_proposed"),       # not selected
    ("social", {"type": "cover", "option": "M1"}, 409, "not_proposed"),       # not a project
    ("social", {"type": "cover", "option": "P99"}, 422, "unknown_option"),
    ("property", {"type": "select", "option": "P7", "round": 2}, 409, "wrong_round"),
    ("property", {"type": "select", "option": "P7", "round": 0}, 409, "wrong_round"),
    ("property", {"type": "select", "option": "P7", "round": "1"}, 422, "invalid_command"),
    ("property", {"type": "select", "option": "P7", "round": "één"}, 422, "invalid_command"),
    ("property", {"type": "teleport"}, 422, "unknown_command"),
], ids=lambda x: json.dumps(x, ensure_ascii=True) if isinstance(x, dict) else str(x))
def test_bad_player_commands(game, chamber, cmd, status, code):
    room = game
    before = snapshot(room)
    refused(room.post(cmd, room.tok(0, chamber)), status, code)
    assert snapshot(room) == before


def test_cover_without_top_is_refused(game):
    room = game
    room.act(0, "property", "select", option="P7", selected=True)  # a purchase: no unprofitable top
    before = snapshot(room)
    msg = refused(room.post({"type": "cover", "option": "P7", "round": 1}, room.tok(0, "social")), 409, "no_top")
    assert "P7" in msg
    assert snapshot(room) == before


def test_frame_first(client):
    room = create_room(client, tables=1, players=3, start=True)
    before = snapshot(room)
    for chamber, cmd in (("property", {"type": "select", "option": "P7"}), ("social", {"type": "confirm"}),
                         ("social", {"type": "choose_rent_policy", "policy": "freeze"})):
        refused(room.post({**cmd, "round": 1}, room.tok(0, chamber)), 409, "frame_first")
    assert snapshot(room) == before


def _euros(x: float) -> str:
    return f"{round(x):,}".replace(",", ".")


def test_over_social_budget(client, game):
    room = game
    room.act(0, "property", "select", option="P3", selected=True)
    room.act(0, "property", "select", option="P4", selected=True)
    room.act(0, "social", "cover", option="P3", covered=True)
    plan = room.view()["tables"][0]["plan"]
    b, top = plan["budgets"], plan["cards"]["P4"]["unprofitable_top"]
    assert b["social_remaining"] < top  # covering P4 as well does not fit
    used = b["social_used"] + top
    before = snapshot(room)
    cmd = {"type": "cover", "option": "P4", "covered": True, "round": 1}
    msg = refused(room.post(cmd, room.tok(0, "social")), 409, "over_social_budget")
    assert f"€ {_euros(used)}" in msg and f"€ {_euros(b['social_budget'])}" in msg
    assert f"€ {_euros(used - b['social_budget'])} te veel" in msg
    r = client.post(f"{room.base}/commands?lang=en", json=cmd, headers=bearer(room.tok(0, "social")))
    msg_en = refused(r, 409, "over_social_budget", "en")
    assert f"€ {_euros(used - b['social_budget'])} too much" in msg_en
    # a programme that does not fit is refused the same way
    room_after = snapshot(room)
    assert room_after == before
    room.act(0, "social", "select", option="M3", selected=True)  # 5.0 of the 5.1 mln left: fits
    before = snapshot(room)
    refused(room.post({"type": "select", "option": "M5", "selected": True, "round": 1}, room.tok(0, "social")),
            409, "over_social_budget")
    refused(room.post({"type": "choose_rent_policy", "policy": "freeze", "round": 1}, room.tok(0, "social")),
            409, "over_social_budget")
    assert snapshot(room) == before
    # giving something up makes room again
    room.act(0, "social", "select", option="M3", selected=False)
    room.act(0, "social", "choose_rent_policy", policy="freeze")


@pytest.fixture
def tight_client(make_client, tmp_path, scenario_text):
    """An app whose scenario has an extra frame with a small borrowing cap (ICR target 2.22)."""
    sdir = tmp_path / "scenarios"
    sdir.mkdir()
    extra = "frames:\n  - id: tight\n    name: Krap\n    social_share: 1.0\n    icr_target: 2.22\n"
    text = scenario_text.replace("frames:\n", extra, 1)
    (sdir / "woonstad.yaml").write_text(text, encoding="utf-8")
    from fastapi.testclient import TestClient

    from server.app import create_app
    from server.settings import Settings
    c = TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path}/tight.db", scenarios_dir=sdir)))
    with c:
        yield c


def test_over_borrowing_cap(tight_client):
    room = create_room(tight_client, tables=1, players=3, start=True)
    room.act(0, "capital", "choose_frame", frame="tight")
    plan = room.view()["tables"][0]["plan"]
    cap, loans = plan["budgets"]["borrowing_cap"], plan["cards"]["P7"]["new_loans"]
    assert 0 < cap < loans
    before = snapshot(room)
    msg = refused(room.post({"type": "select", "option": "P7", "round": 1}, room.tok(0, "property")),
                  409, "over_borrowing_cap")
    assert f"€ {_euros(loans)}" in msg and f"€ {_euros(cap)}" in msg
    assert snapshot(room) == before
    # a frame whose cap the package already breaks is refused too (every euro is spent once)
    room.act(0, "capital", "choose_frame", frame="generous")
    room.act(0, "property", "select", option="P7", selected=True)
    before = snapshot(room)
    refused(room.post({"type": "choose_frame", "frame": "tight", "round": 1}, room.tok(0, "capital")),
            409, "over_borrowing_cap")
    assert snapshot(room) == before


def test_after_lock(game):
    room = game
    room.fac_cmd("lock", round=1)
    before = snapshot(room)
    for chamber, cmd in (("property", {"type": "select", "option": "P7"}),
                         ("property", {"type": "select", "option": "P1", "selected": False}),
                         ("capital", {"type": "choose_frame", "frame": "generous"}),
                         ("social", {"type": "choose_rent_policy", "policy": "freeze"}),
                         ("social", {"type": "cover", "option": "P1"}),
                         ("social", {"type": "confirm"})):
        for rnd in (1, None):
            c = {**cmd, **({"round": rnd} if rnd else {})}
            refused(room.post(c, room.tok(0, chamber)), 409, "round_locked")
    assert snapshot(room) == before
    room.fac_cmd("reveal", round=1)
    before = snapshot(room)
    refused(room.post({"type": "select", "option": "P7", "round": 1}, room.tok(0, "property")), 409, "round_locked")
    assert snapshot(room) == before
    # a stale command for round 1 in round 2 is refused for its round, not applied to the next one
    room.fac_cmd("next_round", round=1)
    room.act(0, "capital", "choose_frame", frame="balanced")
    before = snapshot(room)
    holder = room.tok(0, "property")
    r = room.post({"type": "select", "option": "P7", "round": 1}, holder)
    assert r.status_code == 409 and r.json()["error"]["code"] in ("wrong_round", "round_locked")
    assert snapshot(room) == before


def test_malformed_bodies(client, game):
    room = game
    before = snapshot(room)
    headers = {**bearer(room.fac), "Content-Type": "application/json"}
    url = f"{room.base}/commands"
    refused(client.post(url, content=b"{not json", headers=headers), 400, "bad_request")
    refused(client.post(url, content=b'{"type": "lock",', headers=headers), 400, "bad_request")
    refused(client.post(url, content=b"\xff\xfe\x00", headers=headers), 400, "bad_request")
    refused(client.post(url + "?lang=en", content=b"{not json", headers=headers), 400, "bad_request", "en")
    # the message is in one language, and an empty body says what to send
    r = client.post(url + "?lang=en", content=b"{not json", headers=headers)
    assert r.json()["error"]["message"] == "The request cannot be read: this is not valid JSON."
    assert client.post(url, content=b"{not json", headers=headers).json()["error"]["message"] == \
        "Het verzoek is niet te lezen: dit is geen geldige JSON."
    assert client.post(url, content=b"", headers=headers).json()["error"]["message"] == \
        "Ongeldige opdracht: stuur een JSON-object met de velden van de opdracht"
    for body in (b"[1, 2]", b'"lock"', b"42", b"null", b"true", b""):
        r = client.post(url, content=body, headers=headers)
        refused(r, 422, "invalid_command")
    r = client.post(url, content=b"type=lock&round=1",
                    headers={**bearer(room.fac), "Content-Type": "application/x-www-form-urlencoded"})
    assert 400 <= r.status_code < 500 and r.json()["error"]["message"]
    # the same on the other endpoints that take a body
    refused(client.post(f"{room.base}/players", content=b"{not json", headers=headers), 400, "bad_request")
    refused(client.post(f"{room.base}/players", content=b"[]", headers=headers), 422, "invalid_command")
    refused(client.post("/api/v1/rooms", content=b"{not json", headers=headers), 400, "bad_request")
    refused(client.post("/api/v1/rooms", content=b'"woonstad"', headers=headers), 422, "invalid_command")
    assert snapshot(room) == before


def test_bad_room_creation(client):
    for body, status, codes in (({"scenario": "woonstad", "tables": 13}, 422, ("too_many_tables", "invalid_command")),
                                ({"scenario": "woonstad", "tables": 0}, 422, ("too_many_tables", "invalid_command")),
                                ({"scenario": "woonstad", "tables": -1}, 422, ("too_many_tables", "invalid_command")),
                                ({"scenario": "woonstad", "tables": "twee"}, 422, ("invalid_command",)),
                                ({"scenario": "woonstad", "tables": "2"}, 422, ("invalid_command",)),
                                ({"scenario": "woonstad", "tables": True}, 422, ("invalid_command",)),
                                ({"scenario": "woonstad", "tables": 2.5}, 422, ("invalid_command",)),
                                ({"scenario": 5, "tables": 1}, 422, ("invalid_command",)),
                                ({"scenario": "atlantis", "tables": 1}, 404, ("unknown_scenario",)),
                                ({"scenario": "../pyproject", "tables": 1}, 404, ("unknown_scenario",)),
                                ({"scenario": "", "tables": 1}, 404, ("unknown_scenario",))):
        r = client.post("/api/v1/rooms", json=body)
        assert r.status_code == status, (body, r.text)
        assert r.json()["error"]["code"] in codes and r.json()["error"]["message"].strip()
    msg = client.post("/api/v1/rooms", json={"scenario": "atlantis"}).json()["error"]["message"]
    assert msg == "Scenario 'atlantis' bestaat niet."
    # a field of the wrong type is named in the user's language, not in the validator's English
    r = client.post("/api/v1/rooms", json={"scenario": "woonstad", "tables": "2"})
    assert r.json()["error"]["message"] == "Ongeldige opdracht: tables: moet een heel getal zijn"
    r = client.post("/api/v1/rooms?lang=en", json={"scenario": "woonstad", "tables": "2"})
    assert r.json()["error"]["message"] == "Invalid command: tables: must be a whole number"


def test_names(client):
    room = create_room(client, tables=1)
    url = f"{room.base}/players"
    anna = room.join("Anna")
    before = snapshot(room)
    for name in ("Anna", "anna", "ANNA", " Anna ", "Anna\u200b", "\u200bAnna", "An\u200dna", "Anna\u202e",
                 "Anna\u00ad", "Ａｎｎａ"):
        r = client.post(url, json={"name": name})
        refused(r, 409, "duplicate_name")
    for name in ("", "   ", "\u200b", "\u200b\u200c\u202e", "\n\t", "x" * 41):
        refused(client.post(url, json={"name": name}), 422, "bad_name")
    for body in ({"name": "x" * 201}, {"name": None}, {"name": 42}, {"name": ["Bob"]}, {}, {"naam": "Bob"}):
        refused(client.post(url, json=body), 422, "invalid_command")
    refused(client.post(url + "?lang=en", json={"name": "Anna\u200b"}), 409, "duplicate_name", "en")
    assert snapshot(room) == before

    # NFC: a decomposed umlaut is the same name as a composed one
    juergen = room.join("Jürgen 🚀")
    refused(client.post(url, json={"name": "Ju\u0308rgen 🚀"}), 409, "duplicate_name")
    html_name = room.join("<b>Bob</b> & 'Eve'")
    names = {p["id"]: p["name"] for p in room.view()["players"]}
    assert names == {anna: "Anna", juergen: "Jürgen 🚀", html_name: "<b>Bob</b> & 'Eve'"}
    assert len("x" * 40) == 40 and client.post(url, json={"name": "x" * 40}).status_code == 201
    # names are shown escaped on every page
    for page in (f"/r/{room.code}/screen", f"/r/{room.code}/f/{room.fac}"):
        text = client.get(page).text
        assert "<b>Bob</b>" not in text and "&lt;b&gt;Bob&lt;/b&gt;" in text and "Jürgen 🚀" in text


def test_export(client):
    room = create_room(client, tables=2, players=4, start=True)
    room.act(0, "capital", "choose_frame", frame="balanced")
    room.act(1, "capital", "choose_frame", frame="prudent")
    room.act(1, "property", "select", option="P7", selected=True)
    _finish_round(room, 1)
    room.fac_cmd("next_round", round=1)
    _finish_round(room, 2)
    r = client.get(f"{room.base}/export.json", headers=bearer(room.fac))
    assert r.status_code == 200
    assert "attachment" in r.headers.get("content-disposition", "")
    text = r.text
    ex = r.json()
    assert ex["code"] == room.code and ex["scenario"] == "woonstad" and ex["round"] == 2
    assert ex["version"] == room.version() == len(ex["log"])
    assert [e["seq"] for e in ex["log"]] == list(range(1, ex["version"] + 1))
    types = [e["type"] for e in ex["log"]]
    assert types[0] == "room_created" and types.count("player_joined") == 4
    assert types.count("round_revealed") == 2 and types.count("option_selected") == 1
    assert all(e["at"] for e in ex["log"])
    # every year's figures, per table
    for t in ex["tables"]:
        assert [h["year"] for h in t["history"]] == [2026, 2027]
        for h in t["history"]:
            assert {"icr", "ltv", "solvency", "cash", "social_budget_used", "rent_discount"} <= set(h["figures"])
        assert t["opening"]["rent_income"] == pytest.approx(75707100.0)
    assert ex["tables"][0]["history"][0]["figures"]["icr"] == pytest.approx(2.247054, abs=1e-6)
    assert ex["tables"][1]["history"][0]["decisions"]["selected"] == ["P7"]
    assert len(ex["players"]) == 4
    # no secrets: neither hashes nor tokens
    assert "token_hash" not in text and "facilitator_hash" not in text
    for tok in [room.fac, *room.tokens.values()]:
        assert tok not in text
    from game.engine import token_hash
    for tok in [room.fac, *room.tokens.values()]:
        assert token_hash(tok) not in text
    # the console's link form (?token=) works too
    r2 = client.get(f"{room.base}/export.json?token={room.fac}")
    assert r2.status_code == 200 and r2.json()["log"] == ex["log"]


def test_lang_en_messages(client, game):
    room = game
    cases = [
        (client.get(f"{room.base}?lang=en"), 401, "not_authenticated"),
        (client.post(f"{room.base}/commands?lang=en", json={"type": "fly"}, headers=bearer(room.fac)),
         422, "unknown_command"),
        (client.post(f"{room.base}/commands?lang=en", json={"type": "lock", "round": 3}, headers=bearer(room.fac)),
         409, "wrong_round"),
        (client.post(f"{room.base}/commands?lang=en", json={"type": "choose_frame", "frame": "generous"},
                     headers=bearer(room.tok(0, "property"))), 403, "not_your_role"),
    ]
    for r, status, code in cases:
        en = refused(r, status, code, "en")
        assert en != MESSAGES[code]["nl"]
    nl = room.post({"type": "lock", "round": 3}).json()["error"]["message"]
    assert nl == "Deze opdracht hoort bij ronde 3, maar het spel is in ronde 1."


def test_html_forms_refuse_without_500(client, game):
    """The htmx face shares the service: refusals come back as a 4xx fragment, never a 500."""
    room = game
    before = snapshot(room)
    tok = room.tok(0, "property")
    r = client.post(f"/r/{room.code}/act/{tok}", data={"type": "select", "option": "P7", "round": "x"})
    assert r.status_code == 422
    r = client.post(f"/r/{room.code}/act/{tok}", data={"type": "lock", "round": "1"})
    assert r.status_code == 403 and 'id="flash"' in r.text and "spelleider" in r.text
    r = client.post(f"/r/{room.code}/act/wrong", data={"type": "lock", "round": "1"})
    assert r.status_code == 401
    r = client.post(f"/j/{room.code}", data={"name": "Speler 1"}, follow_redirects=False)
    assert r.status_code == 409 and "al bezet" in r.text
    r = client.post("/j/ZZZZZ", data={"name": "Bob"}, follow_redirects=False)
    assert r.status_code == 404
    assert client.get("/r/ZZZZZ/screen").status_code == 404
    assert client.get(f"/r/{room.code}/p/wrong").status_code == 401
    assert client.get(f"/r/{room.code}/f/{tok}").status_code == 403  # a player's token is not the console's
    assert snapshot(room) == before


# --- never a 500: any JSON a client may send --------------------------------------------------

def _json_values():
    from hypothesis import strategies as st
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 5),
                        st.floats(allow_nan=False, allow_infinity=False, width=32),
                        st.sampled_from(["P1", "P7", "M1", "balanced", "freeze", "", "1", "Ø", "p" * 300]),
                        st.text(max_size=8))
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                        max_leaves=5)


def _answer_is_sound(room, r, cmd, before: int) -> None:
    assert r.status_code < 500, (cmd, r.text)
    body = r.json()
    if r.status_code == 200:
        assert body["version"] >= before
    else:
        assert 400 <= r.status_code < 500 and body["error"]["code"] and body["error"]["message"].strip(), body
        assert room.version() == before, cmd


PLAYER_BASES = [("capital", {"type": "choose_frame", "frame": "balanced"}),
                ("social", {"type": "choose_rent_policy", "policy": "freeze"}),
                ("property", {"type": "select", "option": "P1", "selected": True}),
                ("property", {"type": "select", "option": "P7", "selected": False}),
                ("social", {"type": "cover", "option": "P1", "covered": True}),
                ("social", {"type": "select", "option": "M1", "selected": True}),
                ("property", {"type": "confirm"})]
FIELDS = ["type", "round", "option", "selected", "covered", "frame", "policy", "player", "table", "on", "x"]


def test_any_player_command_gets_an_answer_never_a_500(make_client):
    """A valid command of the right role holder with one field replaced by any JSON value."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = make_client()
    room = create_room(client, tables=2, players=6, start=True)
    room.act(0, "capital", "choose_frame", frame="prudent")
    room.act(0, "property", "select", option="P1", selected=True)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(base=st.sampled_from(PLAYER_BASES), field=st.sampled_from(FIELDS), value=_json_values())
    def check(base, field, value):
        chamber, cmd = base
        cmd = {**cmd, "round": 1, field: value}
        before = room.version()
        r = room.post(cmd, room.tok(0, chamber))
        _answer_is_sound(room, r, cmd, before)

    check()


def test_any_facilitator_command_gets_an_answer_never_a_500(make_client):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = make_client()
    kinds = ["start", "lock", "reopen", "reveal", "next_round", "end", "move_player", "remove_player",
             "set_rotation", "nonsense"]
    state = {"room": None}

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(kind=st.sampled_from(kinds), extra=st.dictionaries(st.sampled_from(FIELDS), _json_values(), max_size=3),
           raw=st.one_of(st.none(), _json_values()), fresh=st.integers(0, 9))
    def check(kind, extra, raw, fresh):
        if state["room"] is None or fresh == 0:
            state["room"] = create_room(client, tables=2, players=4, start=True)
        room = state["room"]
        cmd = raw if raw is not None and fresh == 1 else {"type": kind, **extra}
        before = room.version()
        r = room.post(cmd)
        _answer_is_sound(room, r, cmd, before)

    check()


def test_html_pages_and_forms(client):
    """The browser face: home, room creation, join by code and link, the QR code, an htmx action."""
    assert client.get("/").status_code == 200
    r = client.post("/rooms", data={"scenario": "woonstad", "tables": "1"}, follow_redirects=False)
    assert r.status_code == 303 and "/f/" in r.headers["location"]
    console = r.headers["location"]
    code = console.split("/")[2]
    assert client.get(console).status_code == 200
    assert client.get(f"/j/{code}").status_code == 200
    r = client.get(f"/r/{code}/qr.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    tokens = []
    for i, name in enumerate(("Anna", "Bram", "Chris")):
        url, data = (f"/j/{code}", {"name": name}) if i else ("/j", {"code": code.lower(), "name": name})
        r = client.post(url, data=data, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith(f"/r/{code}/p/")
        tokens.append(r.headers["location"].rsplit("/", 1)[1])
        assert client.get(r.headers["location"]).status_code == 200
    fac = console.rsplit("/", 1)[1]
    r = client.post(f"/r/{code}/act/{fac}", data={"type": "start"})
    assert r.status_code == 200 and 'id="game"' in r.text and 'data-phase="frame"' in r.text
    view = client.get(f"/api/v1/rooms/{code}", headers=bearer(fac)).json()
    cap = next(p["id"] for p in view["players"] if "capital" in p["roles"])
    cap_tok = tokens[[p["id"] for p in view["players"]].index(cap)]
    r = client.post(f"/r/{code}/act/{cap_tok}", data={"type": "choose_frame", "frame": "balanced", "round": "1"})
    assert r.status_code == 200 and 'data-phase="choices"' in r.text
    assert client.get(f"/api/v1/rooms/{code}", headers=bearer(fac)).json()["tables"][0]["progress"]["frame_chosen"]
