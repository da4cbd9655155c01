"""The log is the truth: restarts and kill -9 lose nothing accepted; bursts on SQLite never
fail; simultaneous confirms (C1), a class joining at once (C2), a submit racing the lock
(C7), a restart (C9), a burst (C11) and frozen rules (C14); the export replays."""
from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from game.engine import replay
from game.views import view_for
from server.app import create_app
from server.settings import Settings
from server_harness import LiveServer, Room, bearer, create_room, strip_version, ws_json

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def all_views(room) -> dict:
    return {"facilitator": room.view(), **{pid: room.view(tok) for pid, tok in room.tokens.items()}}


def reattach(room, client):
    """The same room (code, tokens) seen through another client/server."""
    room.client = client
    return room


def together(n: int, fn, *args_list):
    """Run fn(*args) for each args in args_list on its own thread, released at the same moment."""
    barrier = threading.Barrier(n)

    def run(args):
        barrier.wait()
        return fn(*args)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, args_list))


def no_server_errors(server: LiveServer) -> None:
    log = server.log()
    assert "database is locked" not in log.lower(), log[-3000:]
    assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]


# --- (a) restart in process ---------------------------------------------------------------

def test_restart_rebuilds_the_room_from_the_log(tmp_path):
    url = f"sqlite:///{tmp_path}/restart.db"
    with TestClient(create_app(Settings(database_url=url))) as a:
        room = create_room(a, tables=2, players=5, start=True)
        room.act(0, "capital", "choose_frame", frame="balanced")
        room.act(1, "capital", "choose_frame", frame="prudent")
        room.act(1, "property", "select", option="P7", selected=True)
        room.act(0, "social", "choose_rent_policy", policy="freeze")
        room.act(0, "capital", "confirm")
        before = all_views(room)
        version = room.version()
    with TestClient(create_app(Settings(database_url=url))) as b:
        reattach(room, b)
        assert room.version() == version
        assert all_views(room) == before
        # the game goes on where it was
        room.fac_cmd("lock", round=1)
        v = room.fac_cmd("reveal", round=1)["view"]
        assert v["tables"][0]["history"][0]["decisions"]["rent_policy"] == "freeze"
        assert v["tables"][1]["history"][0]["going_ahead"] == ["P7"]
        room.fac_cmd("next_round", round=1)
        room.join("Laatkomer")  # a late joiner after the restart
        assert room.version() == version + 4
        after = all_views(room)
    # and a third start sees all of it, too
    with TestClient(create_app(Settings(database_url=url))) as c:
        reattach(room, c)
        assert all_views(room) == after
        ex = room.export()
        assert [e["seq"] for e in ex["log"]] == list(range(1, ex["version"] + 1))


def test_two_servers_on_one_file_never_interleave_a_room(tmp_path):
    """A second process appended first: the stale one's append is refused (4xx, not 500), it
    reloads from the log, and the retry goes on from the true version."""
    url = f"sqlite:///{tmp_path}/two.db"
    with TestClient(create_app(Settings(database_url=url))) as a, \
            TestClient(create_app(Settings(database_url=url))) as b:
        room = create_room(a, tables=1, players=3, start=True)
        room.act(0, "capital", "choose_frame", frame="balanced")
        on_b = Room(b, room.code, room.fac, room.created, dict(room.tokens))
        assert on_b.version() == room.version() == 6
        on_b.act(0, "property", "select", option="P7", selected=True)        # b appends seq 7
        social = room.tok(0, "social", on_b.view())
        r = room.post({"type": "choose_rent_policy", "policy": "moderate", "round": 1}, social)
        assert 400 <= r.status_code < 500 and r.json()["error"]["message"]   # a was stale: nothing stored
        body = room.ok({"type": "choose_rent_policy", "policy": "moderate", "round": 1}, social)
        assert body["version"] == 8
        assert body["view"]["tables"][0]["plan"]["package"]["selected"] == ["P7"]  # a now sees b's event
        log = room.export()["log"]
        assert [e["seq"] for e in log] == list(range(1, 9))
        assert [e["type"] for e in log[-3:]] == ["frame_chosen", "option_selected", "rent_policy_chosen"]


# --- a real server in a subprocess ----------------------------------------------------------

@pytest.fixture
def live(tmp_path):
    server = LiveServer(tmp_path / "live.db", tmp_path / "server.log")
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def shared_live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("durability")
    server = LiveServer(tmp / "shared.db", tmp / "server.log")
    try:
        yield server.start()
    finally:
        server.stop()


# --- (b) kill -9 ---------------------------------------------------------------------------

def test_kill_9_loses_nothing_accepted(live):
    with live.client() as http:
        room = create_room(http, tables=2, players=6, start=True)
        view = room.view()
        props = {t: room.holder(t, "property", view) for t in (0, 1)}
        for t in (0, 1):
            room.act(t, "capital", "choose_frame", frame="generous")
        accepted: list[tuple[int, dict]] = []   # (version, command) of every 200
        enough, stop = threading.Event(), threading.Event()
        options = ["P7", "P2", "P3", "P4", "P1", "P8", "P6"]

        errors: list[str] = []

        def burst(table: int):
            with live.client() as c:
                i = 0
                while not stop.is_set():
                    o = options[i % len(options)]
                    on = (i // len(options)) % 2 == 0   # seven on, seven off, ...: every one is a change
                    cmd = {"type": "select", "option": o, "selected": on, "round": 1}
                    try:
                        r = c.post(f"/api/v1/rooms/{room.code}/commands", json=cmd,
                                   headers=bearer(room.tokens[props[table]]))
                    except httpx.HTTPError:
                        return  # the server is gone; this one's fate is unknown and not counted
                    if r.status_code != 200:
                        errors.append(f"{cmd}: {r.status_code} {r.text}")
                        enough.set()
                        return
                    accepted.append((r.json()["version"], {**cmd, "table": table}))
                    if len(accepted) >= 16:
                        enough.set()
                    i += 1

        workers = [threading.Thread(target=burst, args=(t,)) for t in (0, 1)]
        for w in workers:
            w.start()
        assert enough.wait(60), live.log()[-2000:]
        live.kill9()                      # in the middle of the burst
        stop.set()
        for w in workers:
            w.join(30)
        assert not errors, errors
        last_accepted = max(v for v, _ in accepted)

    live.start()                          # same database file
    with live.client() as http:
        reattach(room, http)
        ex = room.export()
        log = {e["seq"]: e for e in ex["log"]}
        assert ex["version"] == len(ex["log"]) >= last_accepted
        assert sorted(log) == list(range(1, ex["version"] + 1))
        for version, cmd in accepted:      # every 200 is in the log, at the version it was given
            e = log[version]
            assert (e["type"], e["option"], e["selected"], e["table"]) == \
                ("option_selected", cmd["option"], cmd["selected"], cmd["table"]), (version, cmd, e)
        # the state is the fold of exactly that log, and the game continues
        assert room.view()["room"]["version"] == ex["version"]
        for t in (0, 1):
            selected = set()
            for e in ex["log"]:
                if e["type"] == "option_selected" and e["table"] == t:
                    (selected.add if e["selected"] else selected.discard)(e["option"])
            assert set(room.view()["tables"][t]["plan"]["package"]["selected"]) == selected
        room.fac_cmd("lock", round=1)
        v = room.fac_cmd("reveal", round=1)["view"]
        assert all(len(t["history"]) == 1 for t in v["tables"])
    no_server_errors(live)


def test_server_restart_tells_pages_to_reconnect(live):
    """C9: a restart closes sockets with 1012 (htmx reconnects); after it, the same full view."""
    from websockets.sync.client import connect
    with live.client() as http:
        room = create_room(http, tables=1, players=3, start=True)
        room.act(0, "capital", "choose_frame", frame="balanced")
        tok = room.tokens[room.holder(0, "social")]
        before = room.view(tok)
        ws_url = live.url.replace("http", "ws") + f"/ws/{room.code}?token={tok}"
        with connect(ws_url, open_timeout=10, proxy=None) as ws:
            first = json.loads(ws.recv(timeout=10))
            assert first["version"] == before["room"]["version"]
            live.stop()                   # SIGTERM: a graceful restart
            with pytest.raises(Exception):
                while True:
                    ws.recv(timeout=10)
            assert ws.close_code == 1012, ws.close_code  # "service restart": htmx-ext-ws reconnects (not 1001)
    live.start()
    with live.client() as http:
        reattach(room, http)
        with connect(ws_url, open_timeout=10, proxy=None) as ws:
            again = json.loads(ws.recv(timeout=10))
        assert again["version"] == before["room"]["version"]
        assert again["view"]["tables"][0]["plan"] == before["tables"][0]["plan"]


# --- (c) C2 and C11: a class joins at once, then a burst of allocations ------------------------

def test_thirty_join_at_once_then_thirty_commands_at_once(shared_live):
    with shared_live.client() as http:
        room = create_room(http, tables=3)
    names = [f"Leerling {i:02d}" for i in range(1, 31)]

    def join(name):
        with shared_live.client() as c:
            return c.post(f"/api/v1/rooms/{room.code}/players", json={"name": name})

    answers = together(30, join, *[(n,) for n in names])
    assert [r.status_code for r in answers] == [201] * 30, [r.text for r in answers if r.status_code != 201]
    joined = [r.json() for r in answers]
    assert len({j["player_id"] for j in joined}) == 30 and len({j["token"] for j in joined}) == 30
    for n, j in zip(names, joined):
        room.tokens[j["player_id"]], room.names[j["player_id"]] = j["token"], n

    with shared_live.client() as http:
        reattach(room, http)
        fac = room.view()
        assert sorted(p["name"] for p in fac["players"]) == names
        assert fac["room"]["version"] == 31
        screen = http.get(f"/r/{room.code}/screen").text
        assert "30 spelers" in screen and all(n in screen for n in names)
        room.fac_cmd("start")
        view = room.view()
        assert sorted(sum(p["table"] == t for p in view["players"]) for t in range(3)) == [10, 10, 10]
        for t in range(3):
            room.act(t, "capital", "choose_frame", frame="balanced")
        view = room.view()

    # thirty allocations within a moment: projects, programmes and confirms
    props = {t: ["P1", "P2", "P3", "P4", "P8"] for t in range(3)}
    progs = {t: ["M1", "M2", "M5", "M3"] for t in range(3)}
    cmds = []
    for p in view["players"]:
        t, roles = p["table"], p["roles"]
        if "property" in roles:
            cmd = {"type": "select", "option": props[t].pop(0), "selected": True, "round": 1}
        elif "social" in roles:
            cmd = {"type": "select", "option": progs[t].pop(0), "selected": True, "round": 1}
        else:
            cmd = {"type": "confirm", "round": 1}
        cmds.append((p["id"], cmd))
    assert len(cmds) == 30

    def send(pid, cmd):
        with shared_live.client() as c:
            return c.post(f"/api/v1/rooms/{room.code}/commands", json=cmd, headers=bearer(room.tokens[pid]))

    answers = together(30, send, *cmds)
    assert [r.status_code for r in answers] == [200] * 30, [r.text for r in answers if r.status_code != 200]
    with shared_live.client() as http:
        reattach(room, http)
        ex = room.export()
        selects = [e for e in ex["log"] if e["type"] == "option_selected"]
        assert len(selects) == sum(c["type"] == "select" for _, c in cmds)
        assert [e["seq"] for e in ex["log"]] == list(range(1, ex["version"] + 1))
        assert max(r.json()["version"] for r in answers) == ex["version"]
    no_server_errors(shared_live)


# --- (d) C1: simultaneous confirms ----------------------------------------------------------------

@pytest.mark.parametrize("tables,players", [(2, 6), (1, 6)], ids=["one-role-each", "teams-of-two"])
def test_simultaneous_confirms_are_all_accepted(shared_live, tables, players):
    with shared_live.client() as http:
        room = create_room(http, tables=tables, players=players, start=True)
        for t in range(tables):
            room.act(t, "capital", "choose_frame", frame="balanced")
        version = room.version()

    def confirm(pid):
        with shared_live.client() as c:
            return c.post(f"/api/v1/rooms/{room.code}/commands", json={"type": "confirm", "round": 1},
                          headers=bearer(room.tokens[pid]))

    answers = together(players, confirm, *[(pid,) for pid in room.tokens])
    assert [r.status_code for r in answers] == [200] * players, [r.text for r in answers]
    with shared_live.client() as http:
        reattach(room, http)
        log = room.export()["log"]
        confirms = [e for e in log if e["type"] == "roles_confirmed"]
        assert sorted(e["by"] for e in confirms) == sorted(room.tokens), confirms   # one event each
        assert room.version() == version + players
        v = room.view()
        assert all(t["progress"]["all_confirmed"] for t in v["tables"])
        # a second press is harmless: accepted, nothing stored
        for pid, tok in room.tokens.items():
            assert room.ok({"type": "confirm", "round": 1}, tok)["version"] == version + players
    no_server_errors(shared_live)


# --- (e) C7: a submission racing the lock -------------------------------------------------------------

def test_a_select_racing_the_lock_is_counted_or_refused_never_lost(shared_live):
    with shared_live.client() as http:
        room = create_room(http, tables=2, players=6, start=True)
    outcomes = []
    for rnd in range(1, 5):
        with shared_live.client() as http:
            reattach(room, http)
            for t in (0, 1):
                room.act(t, "capital", "choose_frame", frame="generous")
            view = room.view()
            props = {t: room.tokens[room.holder(t, "property", view)] for t in (0, 1)}
        option = ["P7", "P2", "P6", "P9"][rnd - 1]

        def send(kind, table=None):
            with shared_live.client() as c:
                if kind == "lock":
                    return c.post(f"/api/v1/rooms/{room.code}/commands", json={"type": "lock", "round": rnd},
                                  headers=bearer(room.fac))
                return c.post(f"/api/v1/rooms/{room.code}/commands",
                              json={"type": "select", "option": option, "selected": True, "round": rnd},
                              headers=bearer(props[table]))

        lock, sel0, sel1 = together(3, send, ("lock",), ("select", 0), ("select", 1))
        assert lock.status_code == 200, lock.text
        with shared_live.client() as http:
            reattach(room, http)
            log = room.export()["log"]
            locks = [e for e in log if e["type"] == "round_locked" and e["round"] == rnd]
            assert len(locks) == 1
            for t, r in ((0, sel0), (1, sel1)):
                stored = [e for e in log if e["type"] == "option_selected" and e["round"] == rnd
                          and e["table"] == t]
                if r.status_code == 200:
                    assert len(stored) == 1 and stored[0]["seq"] < locks[0]["seq"], (rnd, t, log[-4:])
                else:
                    assert r.status_code == 409 and r.json()["error"]["code"] == "round_locked", r.text
                    assert stored == []
                outcomes.append((rnd, t, r.status_code))
            v = room.fac_cmd("reveal", round=rnd)["view"]
            for t, r in ((0, sel0), (1, sel1)):
                h = v["tables"][t]["history"][-1]
                assert h["round"] == rnd
                assert (option in h["decisions"]["selected"]) == (r.status_code == 200), (rnd, t)
            room.fac_cmd("next_round", round=rnd)
    with shared_live.client() as http:
        reattach(room, http)
        log = room.export()["log"]
        assert [e["round"] for e in log if e["type"] == "round_revealed"] == [1, 2, 3, 4]  # computed once each
        assert room.view()["room"]["phase"] == "finished"
    assert len(outcomes) == 8
    no_server_errors(shared_live)


# --- (f) the export replays ----------------------------------------------------------------------------

def test_the_exported_log_replays_to_the_same_figures(client):
    room = create_room(client, tables=2, players=6, start=True)
    plays = [("balanced", None, None), ("prudent", "P7", "moderate"), ("generous", "P1", "freeze"),
             ("balanced", "P6", None)]
    for rnd, (frame, option, policy) in enumerate(plays, start=1):
        room.act(0, "capital", "choose_frame", frame=frame)
        room.act(1, "capital", "choose_frame", frame="prudent")
        if option:
            room.act(0, "property", "select", option=option, selected=True)
            if option == "P1":
                room.act(0, "social", "cover", option="P1", covered=True)
        if policy:
            room.act(1, "social", "choose_rent_policy", policy=policy)
        room.fac_cmd("lock", round=rnd)
        room.fac_cmd("reveal", round=rnd)
        room.fac_cmd("next_round", round=rnd)
    ex = room.export()
    rebuilt = replay(ex["log"])
    assert rebuilt.version == ex["version"] and rebuilt.stage == "finished"
    again = json.loads(json.dumps(view_for(rebuilt, ("facilitator", None))))
    for t in range(2):
        assert again["tables"][t]["history"] == ex["tables"][t]["history"]
        assert len(ex["tables"][t]["history"]) == 4
    # and replaying any prefix is a valid earlier moment of the game
    middle = replay(ex["log"][: len(ex["log"]) // 2])
    assert middle.version == len(ex["log"]) // 2


# --- C14: a round's rules and numbers are frozen --------------------------------------------------------

def test_rules_are_frozen_once_the_room_exists(tmp_path, scenario_text):
    """Editing the scenario file does not change a running game, not even after a restart;
    within a round, the frame's budgets stay what they were when it opened."""
    sdir = tmp_path / "scenarios"
    sdir.mkdir()
    (sdir / "woonstad.yaml").write_text(scenario_text, encoding="utf-8")
    url = f"sqlite:///{tmp_path}/frozen.db"
    with TestClient(create_app(Settings(database_url=url, scenarios_dir=sdir))) as a:
        room = create_room(a, tables=1, players=3, start=True)
        frames = room.view()["tables"][0]["plan"]["frames"]
        room.act(0, "capital", "choose_frame", frame="balanced")
        budget = room.view()["tables"][0]["plan"]["budgets"]["social_budget"]
        assert budget == 69366835.0
        for o in ("P7", "P3"):
            room.act(0, "property", "select", option=o, selected=True)
            assert room.view()["tables"][0]["plan"]["budgets"]["social_budget"] == budget
        room.act(0, "social", "choose_rent_policy", policy="freeze")
        assert room.view()["tables"][0]["plan"]["frames"] == frames
    # someone edits the scenario between sessions
    changed = scenario_text.replace("social_share: 1.00", "social_share: 0.50")
    assert changed != scenario_text
    (sdir / "woonstad.yaml").write_text(changed, encoding="utf-8")
    with TestClient(create_app(Settings(database_url=url, scenarios_dir=sdir))) as b:
        reattach(room, b)
        plan = room.view()["tables"][0]["plan"]
        assert plan["frames"] == frames and plan["budgets"]["social_budget"] == budget
        room.fac_cmd("lock", round=1)
        h = room.fac_cmd("reveal", round=1)["view"]["tables"][0]["history"][0]
        assert h["social_budget"] == budget
        # a new room does get the new rules
        fresh = create_room(b, tables=1, players=3, start=True)
        fresh.act(0, "capital", "choose_frame", frame="balanced")
        assert fresh.view()["tables"][0]["plan"]["budgets"]["social_budget"] == pytest.approx(budget / 2, abs=1)


def test_websocket_after_restart_gets_the_full_view(tmp_path):
    """C9 in process: a page reconnecting to the restarted app gets everything at once."""
    url = f"sqlite:///{tmp_path}/ws.db"
    with TestClient(create_app(Settings(database_url=url))) as a:
        room = create_room(a, tables=1, players=3, start=True)
        room.act(0, "capital", "choose_frame", frame="prudent")
        tok = room.tokens[room.holder(0, "property")]
        with a.websocket_connect(f"/ws/{room.code}?token={tok}") as ws:
            before = ws_json(ws)
    with TestClient(create_app(Settings(database_url=url))) as b:
        with b.websocket_connect(f"/ws/{room.code}?token={tok}") as ws:
            after = ws_json(ws)
    assert after["version"] == before["version"]
    assert strip_version(after["view"]) == strip_version(before["view"])
