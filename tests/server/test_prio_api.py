"""The prioriteitenspel (GAME.md mode 2, scenario `regio`) through the server: the JSON API v1,
the HTML pages and the websockets. The engine's own rules (costs, budgets, MES, replay) are in
tests/game/test_prio.py; here the server layer.

- Bad input is a 4xx with `{"error": {"code", "message"}}`, a Dutch message that names the
  amounts, and changes nothing: every viewer's view (version included) and the stored log stay.
- Before the reveal no other party, nor the big screen, sees a party's package on any channel;
  the facilitator sees its status only. After the reveal everyone sees it.
- A finished game's export.json holds the log; a fresh app on the same database rebuilds the views.
"""
from __future__ import annotations

import json
import re
import warnings
from contextlib import ExitStack

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from server.app import create_app
from server.pages import render_partial
from server.settings import Settings
from server_harness import ROOT, Room, bearer, create_room, html_version, read_csv, ws_recv, ws_until


def euros(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def prio_room(client, players: int = 7, scenario: str = "regio", start: bool = True) -> Room:
    return create_room(client, players=players, start=start, scenario=scenario)


def tokens_of(room) -> dict[str, list[str]]:
    """Stakeholder -> its players' tokens in seat order (7 players: huurders has Speler 1 and 7)."""
    out: dict[str, list[str]] = {}
    for p in room.view()["players"]:
        out.setdefault(p["stakeholder"], []).append(room.tokens[p["id"]])
    return out


def refused(resp, status: int, code: str, message: str | None = None) -> str:
    assert resp.status_code == status, (resp.status_code, resp.text[:300])
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    if message is not None:
        assert body["error"]["message"] == message, body
    return body["error"]["message"]


def state(room) -> dict:
    """What a refusal must leave alone: every viewer's view (with the version) and the stored log."""
    return {"facilitator": room.view(), "players": {pid: room.view(tok) for pid, tok in room.tokens.items()},
            "log": room.export()["log"]}


NOT_FAC = "Alleen de spelleider kan dit doen."


# --- 1. bad input ------------------------------------------------------------------------------

def test_bad_commands_in_the_private_round_are_refused_in_dutch_and_change_nothing(client):
    room = prio_room(client)
    toks = tokens_of(room)
    a = toks["huurders"][0]
    room.ok({"type": "ballot", "post": "P5", "selected": True, "round": 1}, a)
    mine = room.view(a)["mine"]
    cost = {p["id"]: p["cost"] for p in room.view()["posts"]}
    budget, total = mine["budget"], cost["P5"] + cost["P1"]
    assert mine["cost"] == cost["P5"] <= budget < total and mine["remaining"] == budget - cost["P5"]
    over = (f"Dit past niet in je budget: het pakket kost € {euros(total)}, je budget is € {euros(budget)} "
            f"(€ {euros(total - budget)} te veel).")
    pid = next(iter(room.tokens))
    before = state(room)

    player_cases = [
        ({"type": "ballot", "post": "P1", "selected": True}, 409, "over_budget", over),
        ({"type": "ballot", "post": "X9"}, 422, "unknown_option", "Optie 'X9' staat niet op het menu."),
        ({"type": "ballot", "post": "P6"}, 422, "unknown_option", "Optie 'P6' staat niet op het menu."),  # no post
        ({"type": "ballot", "post": ["M1"]}, 422, "invalid_command",
         "Ongeldige opdracht: het veld 'post' moet een korte tekst zijn."),
        ({"type": "ballot", "post": "M1", "selected": "ja"}, 422, "invalid_command",
         "Ongeldige opdracht: het veld 'selected' moet true of false zijn."),
        ({"type": "points", "post": "M1", "points": 10}, 422, "invalid_command",
         "Ongeldige opdracht: deze stemming kiest hele posten: gebruik 'ballot'"),
        ({"type": "ballot", "post": "M1", "round": 2}, 409, "wrong_round",
         "Deze opdracht hoort bij ronde 2, maar het spel is in ronde 1."),
        ({"type": "ballot", "post": "M1", "round": "1"}, 422, "invalid_command",
         "Ongeldige opdracht: het veld 'round' moet een geheel getal zijn."),
        ({"type": "approve", "vote": "approve"}, 409, "wrong_phase", "Dat kan nu niet: het spel is in de fase 'keuzes maken'."),
        ({"type": "frobnicate"}, 422, "unknown_command", "Onbekende opdracht 'frobnicate'."),
        ({"post": "M1"}, 422, "invalid_command", "Ongeldige opdracht: het veld 'type' ontbreekt."),
    ] + [({"type": t, **kw}, 403, "not_facilitator", NOT_FAC) for t, kw in [
        ("lock", {}), ("reveal", {}), ("reopen", {}), ("open_joint", {}), ("joint_select", {"post": "M1"}),
        ("close_joint", {}), ("end", {}), ("set_weight", {"stakeholder": "huurders", "weight": 5}),
        ("assign", {"player": pid, "stakeholder": "zorg"}), ("remove_player", {"player": pid})]]
    for cmd, status, code, message in player_cases:
        refused(room.post(cmd, a), status, code, message)

    fac_cases = [
        ({"type": "ballot", "post": "M1"}, 403, "not_a_player",
         "Alleen spelers maken keuzes; de spelleider speelt niet mee."),
        ({"type": "reveal"}, 409, "not_locked", "Sluit eerst de ronde voordat je de uitkomst toont."),
        ({"type": "open_joint"}, 409, "not_revealed", "Toon eerst de uitkomst van deze ronde."),
        ({"type": "set_weight", "stakeholder": "huurders", "weight": 2}, 409, "weights_frozen",
         "De gewichten liggen vast zodra de ronde open is."),
        ({"type": "assign", "player": pid, "stakeholder": "zorg"}, 409, "wrong_phase",
         "Dat kan nu niet: het spel is in de fase 'keuzes maken'."),
    ]
    for cmd, status, code, message in fac_cases:
        refused(room.post(cmd), status, code, message)

    url = f"{room.base}/commands"
    refused(client.post(url, content=b'{"type": "ballot", "post": ', headers={**bearer(a), "Content-Type": "application/json"}),
            400, "bad_request", "Het verzoek is niet te lezen: dit is geen geldige JSON.")
    refused(client.post(url, json=[{"type": "submit"}], headers=bearer(a)), 422, "invalid_command")
    login = "Log in met je speltoken (ontbreekt of klopt niet)."
    refused(client.post(url, json={"type": "submit"}), 401, "not_authenticated", login)
    refused(client.post(url, json={"type": "submit"}, headers=bearer("nope")), 401, "not_authenticated", login)
    refused(client.get(room.base, headers=bearer("nope")), 401, "not_authenticated", login)
    refused(client.post("/api/v1/rooms/ZZZZZ/commands", json={"type": "submit"}, headers=bearer(a)),
            404, "unknown_room", "Er is geen spel met code ZZZZZ.")
    # the same refusal in English, and as an htmx form action (a flash, not a 500)
    refused(room.post({"type": "ballot", "post": "P1"}, a, params={"lang": "en"}), 409, "over_budget",
            f"This does not fit your budget: the package costs € {euros(total)}, your budget is € {euros(budget)} "
            f"(€ {euros(total - budget)} too much).")
    r = client.post(f"/r/{room.code}/act/{a}", data={"type": "ballot", "post": "P1", "selected": "1", "round": "1"})
    assert r.status_code == 409 and r.text == f'<div id="flash" role="alert">{over}</div>'

    assert state(room) == before
    assert room.view(a)["mine"]["posts"] == ["P5"]


def test_after_the_lock_ballots_are_refused_and_the_joint_package_keeps_its_budget(client):
    room = prio_room(client, players=3)  # huurders, stadsveld, dijkhoven
    a = tokens_of(room)["huurders"][0]
    room.ok({"type": "ballot", "post": "M1"}, a)
    room.fac_cmd("lock")
    before = state(room)
    locked = "De ronde is gesloten; keuzes kunnen niet meer veranderen."
    for cmd in ({"type": "ballot", "post": "M3", "selected": True}, {"type": "ballot", "post": "M1", "selected": False},
                {"type": "submit"}, {"type": "ballot", "post": "M3", "round": 1}):
        refused(room.post(cmd, a), 409, "round_locked", locked)
    assert state(room) == before
    mine = room.view(a)["mine"]
    # the last draft counts, marked unsubmitted; timed_out is for the clock only
    assert (mine["posts"], mine["status"], mine["unsubmitted"], mine["timed_out"]) == (["M1"], "locked", True, False)

    room.fac_cmd("reveal")
    room.fac_cmd("open_joint", start_from="empty")
    cost = {p["id"]: p["cost"] for p in room.view()["posts"]}
    joint_budget = room.view()["scenario"]["joint_budget"]
    fits = ["P5", "G8", "G7", "G6"]
    for post in fits:
        room.fac_cmd("joint_select", post=post, selected=True)
    room.ok({"type": "approve", "vote": "approve"}, a)
    before = state(room)
    assert before["facilitator"]["joint"]["cost"] == sum(cost[p] for p in fits) <= joint_budget
    assert before["facilitator"]["joint"]["approvals"] == {"huurders": "approve"}
    total = sum(cost[p] for p in fits) + cost["P1"]
    assert total > joint_budget
    refused(room.post({"type": "joint_select", "post": "P1", "selected": True}), 409, "over_joint_budget",
            f"Het gezamenlijke pakket zou € {euros(total)} kosten; het gezamenlijke budget is € {euros(joint_budget)}.")
    refused(room.post({"type": "approve", "vote": "misschien"}, a), 422, "invalid_command",
            "Ongeldige opdracht: vote: approve | object")
    refused(room.post({"type": "approve", "vote": "approve"}), 403, "not_a_player")
    refused(room.post({"type": "joint_select", "post": "M2"}, a), 403, "not_facilitator", NOT_FAC)
    refused(room.post({"type": "ballot", "post": "M2"}, a), 409, "round_locked", locked)
    assert state(room) == before


def test_a_player_without_a_party_can_do_nothing_and_sees_no_package(client):
    """Before the start nobody has a stakeholder (after it everyone has: the 'no_stakeholder'
    refusal cannot be reached through the API). A removed player loses the party's view."""
    room = prio_room(client, players=2, start=False)
    tok = next(iter(room.tokens.values()))
    before = state(room)
    view = room.view(tok)
    assert view["viewer"]["stakeholder"] is None and "mine" not in view
    for cmd in ({"type": "ballot", "post": "M1"}, {"type": "submit"}, {"type": "approve", "vote": "approve"}):
        refused(room.post(cmd, tok), 409, "wrong_phase", "Dat kan nu niet: het spel is in de fase 'lobby'.")
    assert state(room) == before

    room = prio_room(client, players=7)
    a, a2 = tokens_of(room)["huurders"]
    gone = next(pid for pid, t in room.tokens.items() if t == a2)
    room.fac_cmd("remove_player", player=gone)
    room.ok({"type": "ballot", "post": "G8"}, a)
    view = room.view(a2)
    assert view["viewer"]["removed"] and view["viewer"]["stakeholder"] is None and "mine" not in view
    refused(room.post({"type": "ballot", "post": "M1"}, a2), 409, "removed",
            "Je bent door de spelleider uit het spel gehaald.")


def test_another_private_round_with_rotated_parties_through_the_api_and_the_console(client):
    """After the reveal the console offers another private round; the parties pass on to the next
    player group, each phone says whom it spoke for before, and round 1 stays visible as revealed."""
    room = prio_room(client, players=3)  # huurders, stadsveld, dijkhoven
    toks = tokens_of(room)
    a = toks["huurders"][0]
    room.ok({"type": "ballot", "post": "M1", "selected": True, "round": 1}, a)
    room.ok({"type": "submit", "round": 1}, a)
    refused(room.post({"type": "next_round", "round": 1}), 409, "not_revealed",
            "Toon eerst de uitkomst van deze ronde.")
    room.fac_cmd("lock")
    room.fac_cmd("reveal")
    page = client.get(f"/r/{room.code}/f/{room.fac}").text
    assert 'id="btn-next-rotate"' in page and "ronde 2 van hoogstens 3" in page
    before = state(room)
    refused(room.post({"type": "next_round", "rotate": "ja", "round": 1}), 422, "invalid_command",
            "Ongeldige opdracht: het veld 'rotate' moet true of false zijn.")
    refused(room.post({"type": "next_round", "round": 1}, a), 403, "not_facilitator", NOT_FAC)
    assert state(room) == before
    # the console's button: an htmx form that sends text
    r = client.post(f"/r/{room.code}/act/{room.fac}", data={"type": "next_round", "rotate": "1", "round": "1"})
    assert r.status_code == 200 and 'data-phase="choices"' in r.text
    view = room.view(a)
    assert view["room"]["round"] == 2 and view["viewer"]["stakeholder"] == "stadsveld"
    assert view["viewer"]["earlier_stakeholders"] == [{"round": 1, "stakeholder": "huurders"}]
    assert view["mine"]["posts"] == [] and view["mine"]["budget"] == room.view()["stakeholders"][1]["budget"]
    (r1,) = view["earlier_rounds"]
    assert [(p["stakeholder"], p["posts"]) for p in r1["packages"]] == [
        ("huurders", ["M1"]), ("stadsveld", []), ("dijkhoven", [])]
    assert 'id="earlier-rounds"' in client.get(f"/r/{room.code}/f/{room.fac}").text  # the console keeps them at hand
    phone = client.get(f"/r/{room.code}/p/{a}").text
    assert "In ronde 1 sprak je voor Huurdersvereniging" in phone and "Eigen pakketten · ronde 2" in phone
    assert room.post({"type": "next_round", "round": 1}).status_code == 200  # a replayed "next": harmless
    assert room.view()["room"]["round"] == 2
    refused(room.post({"type": "ballot", "post": "M2", "round": 1}, a), 409, "wrong_round")
    room.fac_cmd("lock")
    room.fac_cmd("reveal")
    screen = client.get(f"/r/{room.code}/screen").text
    assert 'id="earlier-rounds"' in screen and 'data-round="1"' in screen
    r = client.post(f"/r/{room.code}/act/{room.fac}", data={"type": "next_round", "rotate": "0", "round": "2"})
    assert room.view(a)["viewer"]["stakeholder"] == "stadsveld" and room.view()["room"]["round"] == 3
    room.fac_cmd("lock")
    room.fac_cmd("reveal")
    assert 'id="btn-next-rotate"' not in client.get(f"/r/{room.code}/f/{room.fac}").text
    refused(room.post({"type": "next_round", "round": 3}), 409, "last_private_round",
            "Dit scenario heeft hoogstens 3 privéronde(s); open nu de gezamenlijke ronde.")
    # the CSV has every round: round 1 and 2 as they were revealed (with who played), then round 3
    header, rows = read_csv(client.get(f"/api/v1/rooms/{room.code}/export.csv?token={room.fac}"), ";")
    private = [(r["round"], r["stakeholder"], r["posts"], r["members"]) for r in rows if r["package"] == "private"
               and r["posts"]]
    tenant = room.names[next(pid for pid, t in room.tokens.items() if t == a)]
    assert private == [("1", "huurders", "M1", tenant)]
    assert {r["round"] for r in rows} == {"1", "2", "3"}


@pytest.fixture
def punten_client(tmp_path, db_url):
    """An app whose scenarios dir holds `regio-punten`: regio with a cumulative (points) ballot."""
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    text = (ROOT / "scenarios" / "regio.yaml").read_text(encoding="utf-8")
    for old in ("\nid: regio\n", "\n  ballot: knapsack"):
        assert text.count(old) == 1, old
    text = text.replace("\nid: regio\n", "\nid: regio-punten\n").replace("\n  ballot: knapsack", "\n  ballot: cumulative")
    (scenarios / "regio-punten.yaml").write_text(text, encoding="utf-8")
    with TestClient(create_app(Settings(database_url=db_url, scenarios_dir=scenarios, presence_grace=0))) as c:
        yield c


def test_points_beyond_the_allowed_sum_are_refused(punten_client):
    room = prio_room(punten_client, players=2, scenario="regio-punten")
    a, b = tokens_of(room)["huurders"][0], tokens_of(room)["stadsveld"][0]
    assert room.view()["scenario"]["ballot"] == "cumulative" and room.view()["scenario"]["points"] == 100
    room.ok({"type": "points", "post": "M1", "points": 60, "round": 1}, a)
    room.ok({"type": "points", "post": "G1", "points": 40}, a)
    cost = {p["id"]: p["cost"] for p in room.view()["posts"]}
    mine = room.view(a)["mine"]
    assert mine["points"] == {"M1": 60, "G1": 40} and mine["points_used"] == 100
    assert mine["cost"] == cost["M1"] + cost["G1"]
    before = state(room)
    too_many = "Je kunt 100 punten verdelen; dit zou 101 punten zijn."
    for cmd, status, code, message in [
        ({"type": "points", "post": "M2", "points": 1}, 409, "too_many_points", too_many),
        ({"type": "points", "post": "M1", "points": 61}, 409, "too_many_points", too_many),
        ({"type": "ballot", "post": "M2", "selected": True}, 422, "invalid_command",
         "Ongeldige opdracht: deze stemming verdeelt punten: gebruik 'points'"),
        ({"type": "points", "post": "M2", "points": -5}, 422, "invalid_command", "Ongeldige opdracht: points: een heel getal ≥ 0"),
        ({"type": "points", "post": "M2", "points": 2.5}, 422, "invalid_command",
         "Ongeldige opdracht: het veld 'points' moet een geheel getal zijn."),
        ({"type": "points", "post": "M2", "points": "5"}, 422, "invalid_command",
         "Ongeldige opdracht: het veld 'points' moet een geheel getal zijn."),
        ({"type": "points", "post": "X9", "points": 5}, 422, "unknown_option", "Optie 'X9' staat niet op het menu."),
    ]:
        refused(room.post(cmd, a), status, code, message)
    assert state(room) == before
    assert 'id="budget-remaining">nog 0 punten<' in punten_client.get(f"/r/{room.code}/p/{a}").text
    room.ok({"type": "points", "post": "P5", "points": 100}, b)  # another party has its own 100 points


# --- 2. secrets before the reveal ----------------------------------------------------------------

SECRET = ["G3", "G8", "M5"]  # huurders' package; nobody else picks these
VERSION_ATTR = re.compile(r'data-version="\d+"')
STATUS_BADGE = re.compile(r'<span class="badge st-\w+" data-status="\w+">[^<]*</span>')
CONSOLE_STATUS = re.compile(r", (leeg|concept)\)")


def norm_json(view: dict) -> dict:
    """A view without what may change when another party drafts: the version and the statuses."""
    v = json.loads(json.dumps(view))
    v["room"].pop("version")
    for s in v["stakeholders"]:
        s["status"] = "*"
    return v


def norm_html(text: str) -> str:
    return CONSOLE_STATUS.sub(", *)", STATUS_BADGE.sub("<status>", VERSION_ATTR.sub("", text)))


def test_before_the_reveal_nobody_else_sees_a_partys_package(client):
    app, svc = client.app, client.app.state.service
    room = prio_room(client)
    code = room.code
    toks = tokens_of(room)
    a, a2 = toks["huurders"]  # two players share the party 'huurders'
    viewers = {"stadsveld": toks["stadsveld"][0], "zorg": toks["zorg"][0], "screen": None, "facilitator": room.fac}
    randoms = [code, room.fac, *room.tokens.values()]  # may contain "G8": scrubbed before counting

    posts = {p["id"]: p for p in room.view()["posts"]}
    total = sum(posts[p]["cost"] for p in SECRET)
    names = [posts[p]["name"] for p in SECRET]
    words_json = [f'"{p}"' for p in SECRET] + names + [str(total)]
    words_html = SECRET + names + [f"{total / 1e6:.1f}".replace(".", ",")] + [
        w for p in SECRET for w in (f'data-post="{p}" data-chosen="1"', f'data-ballot="{p}">Gekozen')]

    def assert_hidden(text: str, base: str, words, who) -> None:
        for r in randoms:
            text, base = text.replace(r, "<random>"), base.replace(r, "<random>")
        more = {w: (base.count(w), text.count(w)) for w in words if text.count(w) > base.count(w)}
        assert not more, (who, more)

    def dump(view) -> str:
        return json.dumps(view, ensure_ascii=False, sort_keys=True)

    def json_view(who) -> dict:
        if who == "screen":  # no token, so no GET: the screen's view as its websocket gets it
            return json.loads(json.dumps(svc.view(svc.rooms[code], ("screen", None))))
        return room.view(viewers[who])

    def page(who) -> str:
        path = {"screen": "screen", "facilitator": f"f/{room.fac}"}.get(who, f"p/{viewers[who]}")
        return client.get(f"/r/{code}/{path}").text

    def partial(who) -> str:  # what the HTML websocket pushes now
        viewer = svc.viewer(svc.rooms[code], viewers[who]) if viewers[who] else ("screen", None)
        return render_partial(app, svc.rooms[code], viewer, viewers[who], "http://testserver", "nl")

    with ExitStack() as stack:
        sockets = {}
        for who, tok in viewers.items():
            for fmt in ("json", "html"):
                url = f"/ws/{code}?format={fmt}" + (f"&token={tok}" if tok else "")
                sockets[who, fmt] = stack.enter_context(client.websocket_connect(url))
                ws_recv(sockets[who, fmt])  # the full view on connect
        base = {who: {"json": json_view(who), "page": page(who), "ws": partial(who)} for who in viewers}

        def check_hidden(version: int, equal: bool) -> None:
            """No viewer sees more of the secret than in the baseline, on any channel; with
            `equal`, every view is the baseline but for the version and the statuses."""
            for who in viewers:
                b = base[who]
                now = json_view(who)
                assert now["room"]["version"] == version and "reveal" not in now, who
                assert now.get("mine", {}).get("stakeholder") in (None, who), who
                assert_hidden(dump(now), dump(b["json"]), words_json, who)
                text = page(who)
                assert_hidden(text, b["page"], words_html, who)
                pushed = ws_until(sockets[who, "json"], version, "json")
                for msg in pushed:
                    assert_hidden(dump(msg["view"]), dump(b["json"]), words_json, who)
                html = ws_until(sockets[who, "html"], version, "html")
                for msg in html:
                    assert_hidden(msg, b["ws"], words_html, who)
                if equal:
                    assert norm_json(now) == norm_json(b["json"]) == norm_json(pushed[-1]["view"]), who
                    assert norm_html(text) == norm_html(b["page"]), who
                    assert norm_html(html[-1]) == norm_html(b["ws"]) and html_version(html[-1]) == version, who

        answers = [room.ok({"type": "ballot", "post": p, "selected": True, "round": 1}, a) for p in SECRET]
        # positive control: both players of the party see its package (so the checks below could fail)
        for view in (answers[-1]["view"], room.view(a2)):
            assert view["mine"]["posts"] == SECRET and view["mine"]["status"] == "draft"
            assert view["mine"]["cost"] == total and view["mine"]["remaining"] == view["mine"]["budget"] - total
        assert client.get(f"/r/{code}/p/{a2}").text.count('data-chosen="1"') == 3
        check_hidden(room.version(), equal=True)
        # the facilitator sees that there is a draft, not what is in it
        fac = room.view()
        assert {s["id"]: s["status"] for s in fac["stakeholders"]}["huurders"] == "draft"
        assert "(Speler 1, Speler 7, concept)" in page("facilitator")

        # the answers to other parties' own commands (JSON, and an htmx fragment) show only their own
        ans = room.ok({"type": "ballot", "post": "M1", "selected": True}, viewers["stadsveld"])
        assert ans["view"]["mine"]["posts"] == ["M1"]
        assert_hidden(dump(ans["view"]), dump(base["stadsveld"]["json"]), words_json, "stadsveld")
        r = client.post(f"/r/{code}/act/{viewers['zorg']}", data={"type": "ballot", "post": "M2", "selected": "1"})
        assert r.status_code == 200 and r.text.count('data-chosen="1"') == 1
        assert_hidden(r.text, base["zorg"]["ws"], words_html, "zorg")

        # submitted and locked is still before the reveal
        submitted = room.ok({"type": "submit"}, a)
        receipt = submitted["view"]["mine"]["receipt"]
        assert receipt == f"S-{submitted['version']}"
        assert {s["id"]: s.get("receipt") for s in room.view()["stakeholders"]}["huurders"] == receipt
        check_hidden(room.version(), equal=False)
        room.fac_cmd("lock")
        check_hidden(room.version(), equal=False)

        # after the reveal every viewer sees the package, on every channel
        room.fac_cmd("reveal")
        v = room.version()
        for who in viewers:
            packages = {p["stakeholder"]: p["posts"] for p in json_view(who)["reveal"]["packages"]}
            assert packages == {"huurders": SECRET, "stadsveld": ["M1"], "dijkhoven": [], "lindeloo": [], "zorg": ["M2"],
                                "bestuur": []}, who
            msg = ws_until(sockets[who, "json"], v, "json")[-1]
            assert {p["stakeholder"]: p["posts"] for p in msg["view"]["reveal"]["packages"]}["huurders"] == SECRET
            html = ws_until(sockets[who, "html"], v, "html")[-1]
            assert html.count(names[1]) > base[who]["ws"].count(names[1]), who
        assert page("screen").count(names[1]) > base["screen"]["page"].count(names[1])


# --- 3. export and rebuild -----------------------------------------------------------------------

def test_the_export_of_a_finished_game_holds_the_log_and_a_fresh_app_rebuilds_the_same_views(client, make_client):
    room = prio_room(client, players=4)
    toks = tokens_of(room)
    picks = {"huurders": ["G8", "M5"], "stadsveld": ["P1", "M1"], "dijkhoven": ["G4", "P2"], "lindeloo": ["P3"]}
    for sid, posts in picks.items():
        for p in posts:
            room.ok({"type": "ballot", "post": p, "selected": True}, toks[sid][0])
    for sid in ("huurders", "stadsveld"):
        room.ok({"type": "submit"}, toks[sid][0])
    for cmd in ({"type": "lock"}, {"type": "reveal"}, {"type": "open_joint", "start_from": "mes"}):
        room.ok(cmd)
    mes = room.view()["reveal"]["mes"]["selected"]
    assert room.view()["joint"]["posts"] == mes
    dropped = mes[0]
    room.fac_cmd("joint_select", post=dropped, selected=False)
    room.ok({"type": "approve", "vote": "approve"}, toks["huurders"][0])
    room.ok({"type": "approve", "vote": "object"}, toks["lindeloo"][0])
    room.fac_cmd("close_joint")

    fac = room.view()
    assert fac["room"]["phase"] == "finished" and fac["joint"]["posts"] == [p for p in mes if p != dropped]
    assert fac["joint"]["approvals"] == {"huurders": "approve", "lindeloo": "object"}
    assert {d["stakeholder"] for d in fac["debrief"]} == set(picks)

    r = client.get(f"{room.base}/export.json", headers=bearer(room.fac))
    assert r.status_code == 200 and r.headers["content-disposition"] == f'attachment; filename="driekamer-{room.code}.json"'
    export = r.json()
    assert (export["code"], export["scenario"], export["phase"]) == (room.code, "regio", "finished")
    log = export["log"]
    assert export["version"] == fac["room"]["version"] == len(log)
    types = [e["type"] for e in log]
    assert types[0] == "room_created" and types[-1] == "game_ended" and types.count("player_joined") == 4
    for t in ("private_round_started", "round_locked", "round_revealed", "joint_opened"):
        assert types.count(t) == 1, t
    assert [e["stakeholder"] for e in log if e["type"] == "ballot_submitted"] == ["huurders", "stadsveld"]
    assert types.count("ballot_changed") == sum(map(len, picks.values()))
    assert [(e["stakeholder"], e["vote"]) for e in log if e["type"] == "joint_vote"] == [
        ("huurders", "approve"), ("lindeloo", "object")]
    assert log[-1]["agreed"] == fac["joint"]["posts"]
    assert not any("token_hash" in e or "facilitator_hash" in e for e in log)
    assert "Speler 1" in {p["name"] for p in export["players"]}
    for tok in toks["huurders"]:  # the export is the facilitator's
        refused(client.get(f"{room.base}/export.json", headers=bearer(tok)), 403, "not_facilitator", NOT_FAC)

    def views(c) -> dict:
        svc = c.app.state.service
        get = lambda tok: c.get(room.base, headers=bearer(tok)).json()  # noqa: E731
        return {"fac": get(room.fac), "players": {pid: get(tok) for pid, tok in room.tokens.items()},
                "console": c.get(f"/r/{room.code}/f/{room.fac}").text,
                "phones": {pid: c.get(f"/r/{room.code}/p/{tok}").text for pid, tok in room.tokens.items()},
                "screen": c.get(f"/r/{room.code}/screen").text,
                "screen_view": json.loads(json.dumps(svc.view(svc.rooms[room.code], ("screen", None))))}

    before = views(client)
    fresh = make_client()  # a new app on the same database file: the room is rebuilt from its log
    assert room.code not in fresh.app.state.service.rooms or fresh.app.state.service.rooms[room.code] is not \
        client.app.state.service.rooms[room.code]
    assert views(fresh) == before
    assert fresh.get(f"{room.base}/export.json", headers=bearer(room.fac)).json() == export
