"""Live updates: the full view on every connect, pushes after every change, refusals of bad
tokens and foreign pages, presence, and the cases refresh (C3) and two tabs (C4)."""
from __future__ import annotations

import json

import pytest
from starlette.websockets import WebSocketDisconnect

from server_harness import create_room, html_version, strip_version, ws_close_code, ws_json, ws_recv, ws_until


def connected(view: dict) -> dict:
    return {p["id"]: p["connected"] for p in view["players"]}


def ws_until_presence(ws, pid: str, online: bool) -> dict:
    """Read the facilitator's pushes until one shows `pid` online/offline (presence has no version)."""
    for _ in range(50):
        msg = ws_json(ws)
        if connected(msg["view"]).get(pid) is online:
            return msg
    raise AssertionError(f"no push showed {pid} connected={online}")


def test_full_view_on_connect_json_and_html(client):
    room = create_room(client, tables=1, players=3, start=True)
    room.act(0, "capital", "choose_frame", frame="balanced")
    room.act(0, "property", "select", option="P7", selected=True)
    pid = room.holder(0, "property")
    tok = room.tokens[pid]
    with client.websocket_connect(f"/ws/{room.code}?token={tok}&format=json") as ws:
        msg = ws_json(ws)
        assert set(msg) == {"version", "view"} and msg["version"] == room.version()
        # the same projection as GET (the socket itself makes the player "connected")
        get = room.view(tok)
        assert msg["view"] == get
        assert msg["view"]["viewer"]["player_id"] == pid
        assert msg["view"]["tables"][0]["plan"]["package"]["selected"] == ["P7"]
    with client.websocket_connect(f"/ws/{room.code}?token={tok}&format=html") as ws:
        text = ws_recv(ws)
        assert 'id="game"' in text and html_version(text) == room.version()
        assert 'data-select="P7"' in text and "Geselecteerd" in text
    with client.websocket_connect(f"/ws/{room.code}?token={room.fac}&format=html") as ws:
        text = ws_recv(ws)
        assert 'id="game"' in text and room.code in text
    with client.websocket_connect(f"/ws/{room.code}?format=html") as ws:  # the big screen needs no token
        assert 'id="game"' in ws_recv(ws)
    with client.websocket_connect(f"/ws/{room.code.lower()}?format=html&lang=en") as ws:
        assert "Round 1 of 4" in ws_recv(ws)
    # the page a player opens connects its socket on a layout element that is never swapped
    page = client.get(f"/r/{room.code}/p/{tok}").text
    assert 'hx-ext="ws"' in page and f'ws-connect="/ws/{room.code}?format=html' in page and 'id="game"' in page


def test_a_command_is_pushed_to_every_other_connection(client):
    room = create_room(client, tables=1, players=3, start=True)
    cap, prop = room.holder(0, "capital"), room.holder(0, "property")
    with client.websocket_connect(f"/ws/{room.code}?token={room.tokens[prop]}") as p_json, \
            client.websocket_connect(f"/ws/{room.code}?token={room.tokens[prop]}&format=html") as p_html, \
            client.websocket_connect(f"/ws/{room.code}?token={room.fac}") as f_json, \
            client.websocket_connect(f"/ws/{room.code}?format=html") as screen:
        v0 = room.version()
        for ws in (p_json, f_json):
            assert ws_json(ws)["version"] == v0
        for ws in (p_html, screen):
            assert html_version(ws_recv(ws)) == v0
        body = room.ok({"type": "choose_frame", "frame": "balanced", "round": 1}, room.tokens[cap])
        v1 = body["version"]
        assert v1 == v0 + 1
        msg = ws_until(p_json, v1)[-1]
        assert msg["view"]["tables"][0]["plan"]["package"]["frame"] == "balanced"
        assert msg["view"]["room"]["phase"] == "choices"
        assert ws_until(f_json, v1)[-1]["view"]["tables"][0]["plan"]["package"]["frame"] == "balanced"
        text = ws_until(p_html, v1, "html")[-1]
        assert 'data-phase="choices"' in text and 'id="projects"' in text
        assert 'data-phase="choices"' in ws_until(screen, v1, "html")[-1]
        # a burst: the newest version always arrives (pushes may be coalesced)
        for o in ("P7", "P2", "P3"):
            room.act(0, "property", "select", option=o, selected=True)
        v2 = room.version()
        assert ws_until(p_json, v2)[-1]["view"]["tables"][0]["plan"]["package"]["selected"] == ["P2", "P3", "P7"]
        assert ws_until(f_json, v2)[-1]["version"] == v2
        # a refused command pushes nothing new and changes nothing
        r = room.post({"type": "select", "option": "P99", "round": 1}, room.tokens[prop])
        assert r.status_code == 422
        room.fac_cmd("lock", round=1)
        assert ws_until(p_json, v2 + 1)[-1]["view"]["room"]["phase"] == "locked"


def test_reconnect_gets_the_current_full_view(client):
    """C3: a refresh mid-round: same seat, draft choices still there, nothing lost."""
    room = create_room(client, tables=1, players=3, start=True)
    room.act(0, "capital", "choose_frame", frame="prudent")
    prop = room.holder(0, "property")
    tok = room.tokens[prop]
    with client.websocket_connect(f"/ws/{room.code}?token={tok}") as ws:
        first = ws_json(ws)
        room.act(0, "property", "select", option="P7", selected=True)  # a draft, not confirmed
        ws_until(ws, room.version())
    # while away, the table moves on
    room.act(0, "social", "choose_rent_policy", policy="moderate")
    room.act(0, "capital", "confirm")
    with client.websocket_connect(f"/ws/{room.code}?token={tok}") as ws:
        again = ws_json(ws)
        assert again["version"] == room.version() > first["version"]
        me = again["view"]["viewer"]
        assert me["player_id"] == prop and me["table"] == 0 and me["roles"] == first["view"]["viewer"]["roles"]
        pkg = again["view"]["tables"][0]["plan"]["package"]
        assert pkg["selected"] == ["P7"] and pkg["rent_policy"] == "moderate" and pkg["frame"] == "prudent"
        assert "capital" in pkg["confirmed"]
        assert connected(again["view"])[prop] is True
        # the full view equals what GET gives the same player now
        assert strip_version(again["view"]) == strip_version(room.view(tok))
    with client.websocket_connect(f"/ws/{room.code}?token={tok}&format=html") as ws:
        text = ws_recv(ws)
        assert html_version(text) == room.version() and "Geselecteerd ✓" in text


@pytest.mark.parametrize("query,code", [("token=wrong", "not_authenticated"), ("token=wrong&format=html", "not_authenticated")])
def test_wrong_token_gets_an_error_then_close(client, query, code):
    room = create_room(client, tables=1, players=1)
    with client.websocket_connect(f"/ws/{room.code}?{query}") as ws:
        msg = json.loads(ws_recv(ws))
        assert msg["error"]["code"] == code and msg["error"]["message"].strip()
        assert ws_close_code(ws) == 1008
    with client.websocket_connect("/ws/ZZZZZ?format=json") as ws:
        msg = json.loads(ws_recv(ws))
        assert msg["error"]["code"] == "unknown_room" and "ZZZZZ" in msg["error"]["message"]
        assert ws_close_code(ws) == 1008
    with client.websocket_connect(f"/ws/{room.code}?token=wrong&lang=en") as ws:
        assert json.loads(ws_recv(ws))["error"]["message"].startswith("Sign in")
    # nobody became "connected" by trying
    assert not any(connected(room.view()).values())


def test_foreign_origin_is_refused(client):
    room = create_room(client, tables=1, players=1)
    tok = next(iter(room.tokens.values()))
    for origin in ("http://evil.example", "https://testserver.evil.example", "http://testserver:8080", "null"):
        with pytest.raises(WebSocketDisconnect) as info:
            with client.websocket_connect(f"/ws/{room.code}?token={tok}", headers={"origin": origin}) as ws:
                ws_recv(ws)
        assert info.value.code == 1008, origin
    # the page's own origin is fine
    with client.websocket_connect(f"/ws/{room.code}?token={tok}", headers={"origin": "http://testserver"}) as ws:
        assert "view" in ws_json(ws)


def test_presence(client):
    room = create_room(client, tables=1, players=3, start=True)
    pid = room.holder(0, "social")
    tok = room.tokens[pid]
    assert connected(room.view()) == {p: False for p in room.tokens}
    with client.websocket_connect(f"/ws/{room.code}?token={room.fac}") as fac_ws:
        assert connected(ws_json(fac_ws)["view"])[pid] is False
        with client.websocket_connect(f"/ws/{room.code}?token={tok}&format=html") as ws:
            ws_recv(ws)
            assert connected(room.view())[pid] is True
            assert sum(connected(room.view()).values()) == 1
            ws_until_presence(fac_ws, pid, True)  # the console is told without a reload
            # the facilitator's and the screen's sockets are not players
            assert set(connected(room.view())) == set(room.tokens)
        assert connected(room.view())[pid] is False
        ws_until_presence(fac_ws, pid, False)


def test_two_tabs_of_one_player_and_four_players_in_one_browser(client):
    """C4: identity comes from the join token; two tabs of one player both stay live."""
    room = create_room(client, tables=1, players=4, start=True)
    toks = list(room.tokens.items())
    pid, tok = toks[0]
    tab1 = client.websocket_connect(f"/ws/{room.code}?token={tok}")
    tab2 = client.websocket_connect(f"/ws/{room.code}?token={tok}&format=html")
    others = [client.websocket_connect(f"/ws/{room.code}?token={t}") for _, t in toks[1:]]
    try:
        for ws in (tab1, tab2, *others):
            ws.__enter__()
        first = ws_json(tab1)
        ws_recv(tab2)
        views = [ws_json(ws)["view"] for ws in others]
        # four tabs of one browser are four players, each with their own seat
        assert len({v["viewer"]["player_id"] for v in views} | {first["view"]["viewer"]["player_id"]}) == 4
        assert all(connected(room.view()).values())
        room.act(0, "capital", "choose_frame", frame="balanced")
        v = room.version()
        assert ws_until(tab1, v)[-1]["version"] == v
        assert html_version(ws_until(tab2, v, "html")[-1]) == v
        # closing one tab leaves the player online through the other
        tab1.__exit__(None, None, None)
        tab1 = None
        assert connected(room.view())[pid] is True
        room.act(0, "capital", "confirm")
        assert html_version(ws_until(tab2, room.version(), "html")[-1]) == room.version()
        tab2.__exit__(None, None, None)
        tab2 = None
        assert connected(room.view())[pid] is False
    finally:
        for ws in (tab1, tab2, *others):
            if ws is not None:
                try:
                    ws.__exit__(None, None, None)
                except Exception:
                    pass


def test_a_refresh_is_not_seen_as_gone(tmp_path):
    """C3: a player pulls to refresh; the facilitator never sees them as gone (presence has a
    grace period; here a long one, so that nothing depends on how fast the test runs)."""
    from fastapi.testclient import TestClient

    from server.app import create_app
    from server.settings import Settings
    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path}/grace.db", presence_grace=600))) as client:
        room = create_room(client, tables=1, players=3, start=True)
        pid = room.holder(0, "property")
        url = f"/ws/{room.code}?token={room.tokens[pid]}&format=html"
        with client.websocket_connect(f"/ws/{room.code}?token={room.fac}") as fac_ws:
            ws_json(fac_ws)
            with client.websocket_connect(url) as ws:
                ws_recv(ws)
            between = room.view()             # the old page is gone, the new one not yet connected
            with client.websocket_connect(url) as ws:
                ws_recv(ws)
                assert connected(room.view())[pid] is True
                room.act(0, "capital", "choose_frame", frame="balanced")
                pushed = ws_until(fac_ws, room.version())
            assert connected(between)[pid] is True
            assert all(connected(m["view"])[pid] for m in pushed[1:])  # the console never showed them gone


def test_presence_grace_period(tmp_path):
    """C3/C5: a player who drops counts as gone only after the grace period."""
    import time

    from fastapi.testclient import TestClient

    from server.app import create_app
    from server.settings import Settings

    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path}/g.db", presence_grace=4.0))) as c:
        room = create_room(c, tables=1, players=3, start=True)
        pid = room.holder(0, "social")
        with c.websocket_connect(f"/ws/{room.code}?token={room.tokens[pid]}&format=json") as ws:
            ws_recv(ws)
            assert connected(room.view())[pid] is True
        assert connected(room.view())[pid] is True  # a refresh or short drop: still present
        deadline = time.monotonic() + 10
        while connected(room.view())[pid] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert connected(room.view())[pid] is False
