"""The debrief page, the PDF report, the CSV export and the paper fall-back (cards, ballots).

A whole four-round game on two tables is played once through the JSON API (TestClient over a
temporary SQLite file); the tests then read what a facilitator takes home. CASES.md C12: the
look-alike name is refused, "Jürgen 🚀" survives the CSV for a Dutch Excel (UTF-8 with a BOM,
`;`, decimal comma), a formula-looking name cannot run in Excel, names are escaped on pages.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import time
import warnings
import zlib
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from server.app import create_app
from server.exports import cell
from server.i18n import EN
from server.settings import Settings
from server_harness import bearer, create_room, read_csv

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
NAMES = ["Anna", "Jürgen 🚀", "=1+1", "<i>Bas</i>", "Chantal", "-2+3"]
YEARS = [2026, 2027, 2028, 2029]
FRAMES = {0: ["balanced", "prudent", "generous", "balanced"], 1: ["prudent", "generous", "prudent", "prudent"]}


# --- a played game -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("exports") / "t.db"
    with TestClient(create_app(Settings(database_url=f"sqlite:///{db}"))) as c:
        yield c


def confirm_all(room, table: int) -> None:
    view = room.view()
    for p in view["players"]:
        if p["table"] == table and p["roles"]:
            room.ok({"type": "confirm", "round": view["room"]["round"]}, room.tokens[p["id"]])


def play_round(room, rnd: int) -> None:
    for t in (0, 1):
        room.act(t, "capital", "choose_frame", frame=FRAMES[t][rnd - 1])
    if rnd == 2:  # table 1 builds and buys; P4 is proposed but its top is not covered
        for o in ("P1", "P7", "P4"):
            room.act(0, "property", "select", option=o, selected=True)
        room.act(0, "social", "cover", option="P1", covered=True)
        room.act(0, "social", "select", option="M1", selected=True)
        room.act(0, "social", "choose_rent_policy", policy="moderate")
    if rnd == 3:
        room.act(1, "social", "choose_rent_policy", policy="freeze")
        room.act(1, "property", "select", option="P3", selected=True)
    for t in (0, 1):
        confirm_all(room, t)
    room.fac_cmd("lock", round=rnd)
    room.fac_cmd("reveal", round=rnd)


@pytest.fixture(scope="module")
def game(client):
    """Two tables, six players (C12 names among them), four rounds, finished."""
    room = create_room(client, tables=2)
    for name in NAMES:
        room.join(name)
    # C12: a look-alike of "Anna" (a zero-width space) is refused as a duplicate
    r = client.post(f"{room.base}/players", json={"name": "Anna\u200b"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_name"
    room.fac_cmd("start")
    for rnd in range(1, 5):
        play_round(room, rnd)
        room.fac_cmd("next_round", round=rnd)
    assert room.view()["room"]["phase"] == "finished"
    return room


def text_of(resp) -> str:
    return html.unescape(resp.text)


def pdf_pages(data: bytes) -> int:
    """Pages in a PDF, also when its objects sit in compressed streams."""
    text = data
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text += zlib.decompress(m.group(1))
        except zlib.error:
            pass
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", text))


# --- the debrief page ----------------------------------------------------------------------------

def test_debrief_page_shows_every_year_and_the_insights(client, game):
    view = game.view()
    r = client.get(f"/r/{game.code}/debrief?lang=nl")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = text_of(r)
    for t in (0, 1):  # every year of every table, with who held which chamber
        section = page.split(f'id="table-{t}"')[1].split('class="card table-section"')[0]
        for year in YEARS:
            assert f'data-year="{year}"' in section
        for p in view["players"]:
            if p["table"] == t:
                assert p["name"] in section
    assert view["insights"], "a finished game has insights"
    kinds = {i["kind"] for i in view["insights"]}
    assert {"rent_discount_share", "event_rent_discount"} <= kinds
    for i in view["insights"]:
        assert i["nl"] in page
    assert "Budget vooraf vastgesteld" in page  # the ladder rung the scenario trains
    # charts: server-side SVG, the comparison and eight per table (the stacked social budget among them)
    assert r.text.count('<svg viewBox') >= 6 + 3 + 2 * 8
    assert r.text.count('class="chart stacked"') == 2
    assert r.text.count('data-key="rent_discount"') == 2 * 4
    assert "<script" not in r.text  # no JavaScript needed for the charts
    # names are escaped, never markup
    assert "&lt;i&gt;Bas&lt;/i&gt;" in r.text and "<i>Bas</i>" not in r.text
    # decisions per role: the uncovered project is shown as not going ahead
    row = page.split('data-year="2027"')[1].split("</tr>")[0]
    assert "P1 ✓" in row and "P4 ✗" in row and "P7 ✓" in row and "Gematigd" in row and "M1" in row


def test_debrief_in_english(client, game):
    r = client.get(f"/r/{game.code}/debrief?lang=en")
    client.cookies.clear()  # ?lang= sets a cookie; the other tests read Dutch
    assert r.status_code == 200
    page = text_of(r)
    for i in game.view()["insights"]:
        assert i["en"] in page
    assert "Debrief" in page and "What stood out" in page and "Tables compared" in page
    assert "Decisions per round" in page and "Budget fixed in advance" in page
    # no Dutch UI sentence left on the English pages (scenario content stays Dutch)
    dutch = [nl for nl, en in EN.items() if nl != en and "{" not in nl and " " in nl and len(nl) >= 12
             and not any(nl in other for other in EN.values())]
    pages = {"debrief": page}
    for kind in ("cards", "ballot"):
        pages[kind] = text_of(client.get(f"/r/{game.code}/print/{kind}?lang=en"))
    client.cookies.clear()
    for name, text in pages.items():
        left = [nl for nl in dutch if nl in text]
        assert not left, (name, left)
    assert "Option cards" in pages["cards"] and "Ballot" in pages["ballot"]


def test_debrief_of_a_running_game_shows_only_revealed_years(client):
    room = create_room(client, tables=1, players=3, start=True)
    play_round_one_table(room, 1)
    room.fac_cmd("next_round", round=1)
    room.act(0, "capital", "choose_frame", frame="prudent")
    room.act(0, "property", "select", option="P2", selected=True)  # a draft: nobody else may see it
    r = client.get(f"/r/{room.code}/debrief")
    assert r.status_code == 200
    page = text_of(r)
    assert 'data-year="2026"' in page and 'data-year="2027"' not in page
    assert "P2" not in page
    assert "zat vast in huurkorting" in page  # insights computed for an unfinished game too
    # unknown room: the JSON error shape, 404
    r = client.get("/r/ZZZZZ/debrief")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_room"


def play_round_one_table(room, rnd: int) -> None:
    room.act(0, "capital", "choose_frame", frame="balanced")
    confirm_all(room, 0)
    room.fac_cmd("lock", round=rnd)
    room.fac_cmd("reveal", round=rnd)


# --- CSV -------------------------------------------------------------------------------------------

def as_number(text: str, sep: str) -> float:
    return float(text.replace(",", ".") if sep == ";" else text)


@pytest.mark.parametrize("sep", [";", ","])
def test_csv_reads_back_with_the_figures_of_the_json_export(client, game, sep):
    q = "" if sep == ";" else "&sep=,"  # `;` is the default: a Dutch Excel
    r = client.get(f"{game.base}/export.csv?token={game.fac}{q}")
    header, rows = read_csv(r, sep)
    assert header[:5] == ["code", "scenario", "table", "round", "year"]
    for k in ("frame", "rent_policy", "going_ahead", "not_covered", "programmes", "defaults", "timed_out",
              "players_capital", "players_property", "players_social", "icr", "ltv", "solvency",
              "rent_discount", "homes", "efg_share", "average_rent", "liveability.stadsveld"):
        assert k in header, k
    assert [(r["table"], r["year"]) for r in rows] == [(str(t), str(y)) for t in (1, 2) for y in YEARS]

    export = game.export()
    compared = 0
    for row in rows:
        h = export["tables"][int(row["table"]) - 1]["history"][int(row["round"]) - 1]
        for k, v in h["figures"].items():
            if isinstance(v, dict):
                if k in ("ratings", "social_split"):
                    continue
                for sub, x in v.items():
                    assert as_number(row[f"{k}.{sub}"], sep) == x, (k, sub)
                    compared += 1
            elif v is None:
                assert row[k] == ""
            else:
                assert as_number(row[k], sep) == v, (k, row[k], v)
                compared += 1
        assert row["frame"] == h["frame"] and row["rent_policy"] == h["decisions"]["rent_policy"]
        assert row["going_ahead"].split() == h["going_ahead"] and row["not_covered"].split() == h["not_covered"]
        assert row["programmes"].split() == h["decisions"]["programmes"]
        assert row["defaults"].split() == h["defaults"] and row["timed_out"] == "0"
        assert as_number(row["social_budget"], sep) == h["social_budget"]
    assert compared > 8 * 40
    r2027 = next(r for r in rows if r["table"] == "1" and r["year"] == "2027")
    assert r2027["going_ahead"] == "P1 P7" and r2027["not_covered"] == "P4" and r2027["programmes"] == "M1"
    if sep == ";":  # decimal comma for a Dutch Excel, no thousands separators, no exponents
        assert re.fullmatch(r"\d+,\d+", r2027["icr"]) and re.fullmatch(r"\d+", r2027["homes"])
    else:
        assert re.fullmatch(r"\d+\.\d+", r2027["icr"])
    assert not any("e-" in v or "E+" in v for r in rows for v in r.values() if re.match(r"^-?[\d.,]+[eE]", v))

    # the players per chamber by name: umlaut and emoji intact, formulas neutralised
    names = [n.strip() for r in rows for k in ("players_capital", "players_property", "players_social")
             for n in r[k].split(" + ")]
    assert "Jürgen 🚀" in names and "<i>Bas</i>" in names
    assert "'=1+1" in names and "=1+1" not in names
    assert "'-2+3" in names
    for r in rows:
        for v in r.values():
            assert not v.startswith(("=", "+", "@")), v
            assert not v.startswith("-") or re.fullmatch(r"-\d+([.,]\d+)?", v), v  # only negative numbers
    # every player held every chamber over the first three rounds (Latin square), visible in the CSV
    for t in ("1", "2"):
        held: dict[str, set] = {}
        for r in rows:
            if r["table"] == t and int(r["round"]) <= 3:
                for k in ("players_capital", "players_property", "players_social"):
                    held.setdefault(r[k], set()).add(k)
        assert len(held) == 3 and all(len(v) == 3 for v in held.values()), held


def test_csv_says_timed_out(client):
    """CASES.md C6: the clock ran out on a half-finished choice; the export says `timed_out`."""
    room = create_room(client, tables=1, players=3, start=True)
    room.act(0, "capital", "choose_frame", frame="prudent")  # nobody confirms
    room.fac_cmd("set_timer", seconds=1)
    deadline = time.monotonic() + 10
    while room.view()["room"]["phase"] != "locked":
        assert time.monotonic() < deadline, "the clock did not lock the round"
        time.sleep(0.2)
    room.fac_cmd("reveal", round=1)
    header, rows = read_csv(client.get(f"{room.base}/export.csv?token={room.fac}"), ";")
    (row,) = rows
    assert row["timed_out"] == "1"
    assert row["frame"] == room.export()["tables"][0]["history"][0]["frame"]
    page = text_of(client.get(f"/r/{room.code}/debrief"))
    assert "klok verlopen" in page


def test_csv_by_bearer_header(client, game):
    r = client.get(f"{game.base}/export.csv", headers=bearer(game.fac))
    header, rows = read_csv(r, ";")
    assert len(rows) == 8


@pytest.mark.parametrize("who", ["player", "nobody", "wrong"])
def test_csv_is_for_the_facilitator_only(client, game, who):
    token = {"player": next(iter(game.tokens.values())), "nobody": None, "wrong": "not-a-token"}[who]
    url = f"{game.base}/export.csv" + (f"?token={token}" if token else "")
    # as export.json: a player is refused (403), no or a wrong token is not signed in (401)
    status, code = (403, "not_facilitator") if who == "player" else (401, "not_authenticated")
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]
    r = client.get(f"{game.base}/export.csv", headers=bearer(token) if token else {})
    assert r.status_code == status and r.json()["error"]["code"] == code
    assert client.get(url.replace("export.csv", "export.json")).status_code == status


def test_csv_bad_separator(client, game):
    r = client.get(f"{game.base}/export.csv?token={game.fac}&sep=|")
    assert r.status_code == 422 and r.json()["error"] == {
        "code": "bad_separator", "message": "Scheidingsteken '|' kan niet: kies ';' of ','."}
    r = client.get(f"{game.base}/export.csv?token={game.fac}&sep=%09&lang=en")
    assert r.status_code == 422 and r.json()["error"]["message"] == "Separator '\t' is not possible: choose ';' or ','."


@pytest.mark.parametrize("value, want", [
    ("=1+1", "'=1+1"), ("+31 6 1234", "'+31 6 1234"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("  =HYPERLINK(1)", "'  =HYPERLINK(1)"), ("＝1+1", "'＝1+1"), ("Jürgen 🚀", "Jürgen 🚀"),
    ("Anna-Maria", "Anna-Maria"), ("", ""), (None, ""), (-1.5, "-1.5"), (1e-07, "0.0000001"),
    (2.0, "2"), (True, "1"), (10000, "10000"),
])
def test_csv_cells(value, want):
    assert cell(value) == want
    if isinstance(value, float):
        assert cell(value, decimal_comma=True) == want.replace(".", ",")


# --- PDF ---------------------------------------------------------------------------------------------

def test_debrief_pdf(client, game, tmp_path):
    r = client.get(f"/r/{game.code}/debrief.pdf")
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"] == "application/pdf"
    assert re.search(r'filename="driekamer-\w+-nabespreking\.pdf"', r.headers["content-disposition"])
    assert r.content.startswith(b"%PDF")
    pages = pdf_pages(r.content)
    assert pages > 1
    # look at it: one page as PNG (docs/screenshots/debrief-pdf.png with UPDATE_SCREENSHOTS=1)
    if shutil.which("pdftoppm"):
        pdf = tmp_path / "debrief.pdf"
        pdf.write_bytes(r.content)
        out = SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
        out.mkdir(parents=True, exist_ok=True)
        first_table = 3  # page 1: insights and comparison; 2: its charts; 3: table 1
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(first_table), "-l", str(first_table),
                        "-singlefile", str(pdf), str(out / "debrief-pdf")], check=True, timeout=60)
        assert (out / "debrief-pdf.png").stat().st_size > 10_000


# --- paper fall-back -----------------------------------------------------------------------------------

def test_cards_and_ballot(client, game):
    view = game.view()
    ids = [o["id"] for o in view["menu"]]
    r = client.get(f"/r/{game.code}/print/cards")
    assert r.status_code == 200
    for oid in ids:
        assert f'data-option="{oid}"' in r.text
    for f in view["scenario"]["frames"]:
        assert f'data-frame="{f}"' in r.text
    for p in view["scenario"]["rent_policies"]:
        assert f'data-policy="{p}"' in r.text
    assert "Onrendabele top" in r.text and "@page" in r.text

    r = client.get(f"/r/{game.code}/print/ballot?table=1")
    assert r.status_code == 200
    page = r.text
    assert [m for m in re.findall(r'data-chamber="(\w+)"', page)] == ["capital", "property", "social"]
    capital, prop, social = (page.split(f'data-chamber="{c}"')[1].split("</section>")[0]
                             for c in ("capital", "property", "social"))
    for f in view["scenario"]["frames"]:
        assert f'data-frame="{f}"' in capital
    for o in view["menu"]:
        assert (f'data-option="{o["id"]}"' in prop) == (o["chamber"] == "property")
        assert (f'data-option="{o["id"]}"' in social) == (o["chamber"] == "social")
    for p in view["scenario"]["rent_policies"]:
        assert f'data-policy="{p}"' in social
    assert 'data-cover="P1"' in social and "Leenruimte" in prop and "Maatschappelijk budget" in social
    assert "Tafel 2" in page

    for kind in ("cards", "ballot"):
        r = client.get(f"/r/{game.code}/print/{kind}?format=pdf")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        assert r.content.startswith(b"%PDF") and "filename=" in r.headers["content-disposition"]
        assert pdf_pages(r.content) >= (3 if kind == "ballot" else 2)

    r = client.get(f"/r/{game.code}/print/cards?table=7")
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_table"
    r = client.get(f"/r/{game.code}/print/cards?format=docx")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_command"


def test_cards_before_the_start_show_the_opening_state(client):
    room = create_room(client, tables=1)
    r = client.get(f"/r/{room.code}/print/cards")
    assert r.status_code == 200
    assert "Beginstand van het scenario" in r.text
    for oid in ("P1", "P9", "M1", "M5"):
        assert f'data-option="{oid}"' in r.text
    assert client.get(f"/r/{room.code}/print/ballot").status_code == 200
    r = client.get(f"/r/{room.code}/debrief")
    assert r.status_code == 200 and "Nog geen jaren onthuld." in r.text
    header, rows = read_csv(client.get(f"{room.base}/export.csv?token={room.fac}"), ";")
    assert rows == [] and "icr" not in header  # no year revealed, no figures yet


# --- prioriteitenspel ---------------------------------------------------------------------------------

PRIO_PICKS = {"Anna": ["P5", "M3", "M5"], "Jürgen 🚀": ["G6", "P1", "M1"], "=1+1": ["G8", "P3", "M2", "M1"],
              "Daan": ["G7", "M3", "P2", "M1"]}


@pytest.fixture(scope="module")
def prio(client):
    r = client.post("/api/v1/rooms", json={"scenario": "regio"})
    assert r.status_code == 201
    body = r.json()
    code, fac = body["code"], body["facilitator_token"]
    tokens = {}
    for name in PRIO_PICKS:
        j = client.post(f"/api/v1/rooms/{code}/players", json={"name": name})
        tokens[name] = j.json()["token"]

    def cmd(token, **k):
        resp = client.post(f"/api/v1/rooms/{code}/commands", json=k, headers=bearer(token))
        assert resp.status_code == 200, (k, resp.text)

    cmd(fac, type="start")
    for name, posts in PRIO_PICKS.items():
        for p in posts:
            resp = client.post(f"/api/v1/rooms/{code}/commands", json={"type": "ballot", "post": p, "selected": True},
                               headers=bearer(tokens[name]))
            assert resp.status_code in (200, 409), resp.text  # over budget is refused, the rest stands
        cmd(tokens[name], type="submit")
    cmd(fac, type="lock")
    cmd(fac, type="reveal")
    cmd(fac, type="open_joint", start_from="mes")
    cmd(fac, type="close_joint")
    return {"code": code, "fac": fac, "tokens": tokens}


def test_prio_debrief_page_and_pdf(client, prio):
    r = client.get(f"/r/{prio['code']}/debrief")
    assert r.status_code == 200
    page = text_of(r)
    assert 'data-mode="prioriteiten"' in page
    assert "gaf het meest toe" in page and "Pakketten vergeleken" in page
    for sid in ("huurders", "stadsveld", "dijkhoven", "lindeloo"):
        assert f'data-stakeholder="{sid}"' in page
    for posts in PRIO_PICKS.values():
        for p in posts[:1]:
            assert f'data-post="{p}"' in page
    r = client.get(f"/r/{prio['code']}/debrief.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_prio_csv_one_row_per_stakeholder_and_package(client, prio):
    r = client.get(f"/api/v1/rooms/{prio['code']}/export.csv?token={prio['fac']}")
    header, rows = read_csv(r, ";")
    assert {"stakeholder", "package", "posts", "cost", "kept_share", "icr", "liveability.stadsveld"} <= set(header)
    voters = ["huurders", "stadsveld", "dijkhoven", "lindeloo"]
    for sid in voters:
        assert sorted(r["package"] for r in rows if r["stakeholder"] == sid) == ["agreed", "greedy", "mes", "private"]
        private = next(r for r in rows if r["stakeholder"] == sid and r["package"] == "private")
        assert as_number(private["kept_share"], ";") == 1.0
    # parties nobody played have one row, without packages
    for sid in ("zorg", "bestuur"):
        assert [r["package"] for r in rows if r["stakeholder"] == sid] == ["private"]
    for r in rows:
        if r["package"] in ("greedy", "mes", "agreed"):
            assert 0 <= as_number(r["satisfaction_share"], ";") <= 1
        assert (r["cost"] == "") == (r["posts"] == "" and r["stakeholder"] in ("zorg", "bestuur"))
    members = {r["members"] for r in rows}
    assert "Jürgen 🚀" in members and "'=1+1" in members
    assert sum(r["gave_way_most"] == "1" for r in rows) == 4  # one stakeholder, on each of its rows
    r = client.get(f"/api/v1/rooms/{prio['code']}/export.csv?token={prio['tokens']['Anna']}")
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_facilitator"


def test_prio_cards_and_ballot(client, prio):
    view = client.get(f"/api/v1/rooms/{prio['code']}", headers=bearer(prio["fac"])).json()
    r = client.get(f"/r/{prio['code']}/print/cards")
    assert r.status_code == 200
    for p in view["posts"]:
        assert f'data-option="{p["id"]}"' in r.text
    r = client.get(f"/r/{prio['code']}/print/ballot")
    assert r.status_code == 200
    assert re.findall(r'data-stakeholder="(\w+)"', r.text) == [s["id"] for s in view["stakeholders"]]
    assert client.get(f"/r/{prio['code']}/print/ballot?format=pdf").content.startswith(b"%PDF")
