"""Players of one table never see another table's choices before the reveal.

Two tables. Table 0 drafts a package; then every viewer of table 1 (its three players) and the
big screen look through every channel: GET JSON, the answer to their own command, the
websocket in JSON and HTML, and the HTML pages. Nothing of table 0's package may show:
the views must equal a baseline taken before table 0 chose (except the room's version), the
secret words must not occur more often than in the baseline, and no view of table 0 may
carry a `plan`. As a positive control, the facilitator's view does change. After the reveal
the package shows in table 0's history for everyone.
"""
from __future__ import annotations

import json
import re

from server.pages import render_partial
from server_harness import create_room, html_version, strip_version, ws_json, ws_recv, ws_until

# table 0's secret package: ids and names that table 1's own choices never touch
SECRET_JSON = ['"generous"', '"freeze"', '"P7"', '"P1"', '"M3"', "Ruimhartig", "Bevriezing"]
SECRET_HTML = ["Ruimhartig", "Bevriezing", "P7", "P1", "M3", "generous", "freeze", "Top gedekt", "gaat door"]
VERSION_ATTR = re.compile(r'data-version="\d+"')


def counts(text: str, words) -> dict:
    return {w: text.count(w) for w in words}


def norm_html(text: str) -> str:
    return VERSION_ATTR.sub('data-version="N"', text)


def dump(view: dict) -> str:
    return json.dumps(view, ensure_ascii=False, sort_keys=True)


RANDOM: list[str] = []  # the room code and tokens are random and may contain "P7" or "M3": scrubbed


def scrub(text: str) -> str:
    for r in RANDOM:
        text = text.replace(r, "<random>")
    return text


def assert_no_leak_json(view: dict, baseline: dict, who: str) -> None:
    """`view` shows nothing of table 0's package that `baseline` (before it chose) did not."""
    t0 = view["tables"][0]
    assert "plan" not in t0, who
    assert t0["history"] == baseline["tables"][0]["history"], who
    text, base = scrub(dump(view)), scrub(dump(baseline))
    more = {w: (base.count(w), text.count(w)) for w in SECRET_JSON if text.count(w) > base.count(w)}
    assert not more, (who, more)


def assert_no_leak_html(text: str, baseline: str, who: str) -> None:
    text, baseline = scrub(text), scrub(baseline)
    more = {w: (baseline.count(w), text.count(w)) for w in SECRET_HTML if text.count(w) > baseline.count(w)}
    assert not more, (who, more, text)


def table0_choices(room) -> None:
    """Table 0's secret package (its frame 'prudent' was chosen before the baseline)."""
    room.act(0, "capital", "choose_frame", frame="generous")
    room.act(0, "social", "choose_rent_policy", policy="freeze")
    room.act(0, "property", "select", option="P7", selected=True)
    room.act(0, "property", "select", option="P1", selected=True)
    room.act(0, "social", "cover", option="P1", covered=True)
    room.act(0, "social", "select", option="M3", selected=True)


SECRET_PACKAGE = {"frame": "generous", "rent_policy": "freeze", "selected": ["P1", "P7"], "covered": ["P1"],
                  "programmes": ["M3"]}


def test_no_table_sees_another_tables_choices_before_the_reveal(client):
    app = client.app
    svc = app.state.service
    room = create_room(client, tables=2, players=6, start=True)
    code = room.code
    RANDOM[:] = [code, room.fac, *room.tokens.values()]
    # both tables have a frame (so the phase is "choices" throughout); nothing else is chosen
    room.act(0, "capital", "choose_frame", frame="prudent")
    room.act(1, "capital", "choose_frame", frame="prudent")
    t1 = [p["id"] for p in room.view()["players"] if p["table"] == 1]
    assert len(t1) == 3

    # every viewer of table 1 and the screen, on both websocket formats; the first message is the full view
    viewers = {pid: ("player", pid) for pid in t1} | {"screen": ("screen", None)}
    sockets = {}
    for who in viewers:
        tok = room.tokens.get(who)
        for fmt in ("json", "html"):
            url = f"/ws/{code}?format={fmt}" + (f"&token={tok}" if tok else "")
            ws = client.websocket_connect(url)
            ws.__enter__()
            sockets[(who, fmt)] = ws
            first = ws_recv(ws)
            assert ("id=\"game\"" in first) if fmt == "html" else ("view" in json.loads(first))
    try:
        def pages(who):
            if who == "screen":
                return client.get(f"/r/{code}/screen").text
            return client.get(f"/r/{code}/p/{room.tokens[who]}").text

        def json_view(who):
            if who == "screen":  # the screen has no token, so no GET: its websocket view, computed here
                return json.loads(json.dumps(svc.view(svc.rooms[code], ("screen", None))))
            return room.view(room.tokens[who])

        def ws_html_now(who):
            return render_partial(app, svc.rooms[code], viewers[who], room.tokens.get(who), "http://testserver", "nl")

        base_v = room.version()
        base = {who: {"json": json_view(who), "page": pages(who), "ws_html": ws_html_now(who)} for who in viewers}
        fac_base = room.view()

        table0_choices(room)
        v1 = room.version()
        assert v1 == base_v + 6

        # positive control: the facilitator does see table 0's package (so the checks below could fail)
        fac = room.view()
        assert fac["tables"][0]["plan"]["package"]["frame"] == "generous"
        assert counts(scrub(dump(fac)), SECRET_JSON) != counts(scrub(dump(fac_base)), SECRET_JSON)

        for who in viewers:
            b = base[who]
            # GET JSON: the same view as before table 0 chose, but for the version
            now = json_view(who)
            assert now["room"]["version"] == v1
            assert strip_version(now) == strip_version(b["json"]), who
            assert_no_leak_json(now, b["json"], who)
            # the HTML pages
            page = pages(who)
            assert norm_html(page) == norm_html(b["page"]), who
            assert_no_leak_html(page, b["page"], who)
            # the websockets: every push since the baseline, and the newest equal to the baseline
            pushed = ws_until(sockets[(who, "json")], v1, "json")
            for msg in pushed:
                assert_no_leak_json(msg["view"], b["json"], who)
            assert strip_version(pushed[-1]["view"]) == strip_version(b["json"]), who
            pushed = ws_until(sockets[(who, "html")], v1, "html")
            for msg in pushed:
                assert_no_leak_html(msg, b["ws_html"], who)
            assert norm_html(pushed[-1]) == norm_html(b["ws_html"]), who

        # the answer to a command of table 1 (its own choices differ from table 0's)
        answers = [room.act(1, "property", "select", option="P2", selected=True),
                   room.act(1, "social", "choose_rent_policy", policy="moderate"),
                   room.act(1, "capital", "confirm")]
        for ans in answers:
            who = ans["view"]["viewer"]["player_id"]
            assert ans["view"]["viewer"]["table"] == 1
            assert_no_leak_json(ans["view"], base[who]["json"], who)
        # ... and the answer to an htmx form action (an HTML fragment)
        who = room.holder(1, "social")
        r = client.post(f"/r/{code}/act/{room.tokens[who]}",
                        data={"type": "select", "option": "M1", "selected": "1", "round": "1"})
        assert r.status_code == 200 and 'id="game"' in r.text
        assert_no_leak_html(r.text, base[who]["ws_html"], who)
        v2 = room.version()
        for who in viewers:
            now = json_view(who)
            assert_no_leak_json(now, base[who]["json"], who)
            assert_no_leak_html(pages(who), base[who]["page"], who)
            for msg in ws_until(sockets[(who, "json")], v2, "json"):
                assert_no_leak_json(msg["view"], base[who]["json"], who)
            for msg in ws_until(sockets[(who, "html")], v2, "html"):
                assert_no_leak_html(msg, base[who]["ws_html"], who)

        # locked is still before the reveal
        room.fac_cmd("lock", round=1)
        v3 = room.version()
        assert room.view()["room"]["phase"] == "locked"
        for who in viewers:
            assert_no_leak_json(json_view(who), base[who]["json"], who)
            assert_no_leak_html(pages(who), base[who]["page"], who)
            for msg in ws_until(sockets[(who, "json")], v3, "json"):
                assert_no_leak_json(msg["view"], base[who]["json"], who)
            for msg in ws_until(sockets[(who, "html")], v3, "html"):
                assert_no_leak_html(msg, base[who]["ws_html"], who)

        # after the reveal, table 0's package is in its history for every viewer, on every channel
        room.fac_cmd("reveal", round=1)
        v4 = room.version()
        for who in viewers:
            now = json_view(who)
            h = now["tables"][0]["history"][0]
            assert h["decisions"] == SECRET_PACKAGE, who
            assert h["going_ahead"] == ["P1", "P7"] and h["frame_name"] == "Ruimhartig", who
            assert "plan" not in now["tables"][0], who
            msg = ws_until(sockets[(who, "json")], v4, "json")[-1]
            assert msg["view"]["tables"][0]["history"][0]["decisions"] == SECRET_PACKAGE, who
            ws_until(sockets[(who, "html")], v4, "html")
        screen = pages("screen")
        assert "Tafel 1" in screen and "Tafel 2" in screen
    finally:
        for ws in sockets.values():
            ws.__exit__(None, None, None)


def test_the_projection_is_the_only_door(client):
    """Each viewer's own table shows its plan; other tables show progress only; the screen shows none."""
    room = create_room(client, tables=3, players=6, start=True)
    for t in range(3):
        room.act(t, "capital", "choose_frame", frame=["prudent", "balanced", "generous"][t])
    view_fields = {"index", "name", "progress", "opening", "history"}
    for pid, tok in room.tokens.items():
        v = room.view(tok)
        mine = v["viewer"]["table"]
        for t in v["tables"]:
            if t["index"] == mine:
                assert "plan" in t
                assert t["plan"]["package"]["frame"] == ["prudent", "balanced", "generous"][mine]
            else:
                # a new field here is a new door to another table: review it for leaks, then list it
                assert set(t) == view_fields, (pid, t["index"], set(t) - view_fields)
                # progress says that things were done, never what
                assert set(t["progress"]) <= {"frame_chosen", "confirmed", "confirmed_players", "roles_held", "timed_out",
                                              "all_confirmed"}
        # the player's HTML page holds no other table's frame choice
        page = client.get(f"/r/{room.code}/p/{tok}").text
        assert page.count('class="chosen" data-frame=') <= 1
    svc = client.app.state.service
    screen = svc.view(svc.rooms[room.code], ("screen", None))
    assert all(set(t) == view_fields for t in screen["tables"])
    fac = room.view()
    assert all("plan" in t for t in fac["tables"])
    # the screen's websocket (no token) carries the same projection
    with client.websocket_connect(f"/ws/{room.code}") as ws:
        msg = ws_json(ws)
        assert all("plan" not in t for t in msg["view"]["tables"]) and msg["view"]["viewer"] == {"kind": "screen"}
    with client.websocket_connect(f"/ws/{room.code}?format=html") as ws:
        text = ws_recv(ws)
        assert html_version(text) == room.version() and "Ruimhartig" not in text
