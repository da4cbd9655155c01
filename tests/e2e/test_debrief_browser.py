"""The debrief page in a real browser (Debian's Chromium via Playwright).

A two-table game of four rounds is played through the JSON API on a live server; the debrief
page is then opened at 1280 px wide: the automatically found insights are readable, every chart
is a visible server-side SVG (no JavaScript build), and nothing is wider than the page.
The screenshot goes to docs/screenshots/debrief.png with UPDATE_SCREENSHOTS=1 (else to tmp).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

pytest.importorskip("playwright.sync_api")
if shutil.which("chromium") is None:
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
from conftest import CHROMIUM_ARGS  # noqa: E402
NAMES = ["Anouk", "Bram", "Chantal", "Jürgen 🚀", "Emre", "Fatima"]


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def play_game(http: httpx.Client) -> dict:
    """Two tables, six players, four rounds with different choices; returns the room."""
    r = http.post("/api/v1/rooms", json={"scenario": "woonstad", "tables": 2})
    assert r.status_code == 201, r.text
    room = r.json()
    code, fac = room["code"], room["facilitator_token"]
    tokens = {}
    for name in NAMES:
        j = http.post(f"/api/v1/rooms/{code}/players", json={"name": name})
        assert j.status_code == 201, j.text
        tokens[j.json()["player_id"]] = j.json()["token"]

    def cmd(token: str, **body) -> dict:
        resp = http.post(f"/api/v1/rooms/{code}/commands", json=body, headers=_bearer(token))
        assert resp.status_code == 200, (body, resp.text)
        return resp.json()["view"]

    def holder(view: dict, table: int, chamber: str) -> str:
        return next(tokens[p["id"]] for p in view["players"] if p["table"] == table and chamber in p["roles"])

    cmd(fac, type="start")
    frames = {0: ["balanced", "prudent", "generous", "balanced"], 1: ["prudent", "generous", "prudent", "prudent"]}
    for rnd in range(1, 5):
        view = http.get(f"/api/v1/rooms/{code}", headers=_bearer(fac)).json()
        for t in (0, 1):
            cmd(holder(view, t, "capital"), type="choose_frame", frame=frames[t][rnd - 1], round=rnd)
        if rnd == 2:  # table 1 builds and buys; P4 is proposed but its top is not covered
            for o in ("P1", "P7", "P4"):
                cmd(holder(view, 0, "property"), type="select", option=o, selected=True, round=rnd)
            cmd(holder(view, 0, "social"), type="cover", option="P1", covered=True, round=rnd)
            cmd(holder(view, 0, "social"), type="select", option="M1", selected=True, round=rnd)
        if rnd == 3:
            cmd(holder(view, 1, "social"), type="choose_rent_policy", policy="freeze", round=rnd)
            cmd(holder(view, 1, "property"), type="select", option="P3", selected=True, round=rnd)
        for p in view["players"]:
            if p["roles"]:
                cmd(tokens[p["id"]], type="confirm", round=rnd)
        cmd(fac, type="lock", round=rnd)
        cmd(fac, type="reveal", round=rnd)
        cmd(fac, type="next_round", round=rnd)
    view = http.get(f"/api/v1/rooms/{code}", headers=_bearer(fac)).json()
    assert view["room"]["phase"] == "finished"
    return {**room, "view": view}


def test_debrief_page_in_chromium(live_server, tmp_path):
    http = httpx.Client(base_url=live_server, timeout=30, trust_env=False)
    room = play_game(http)
    code = room["code"]
    insights = room["view"]["insights"]
    assert insights
    out = SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
            page = ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            resp = page.goto(f"{live_server}/r/{code}/debrief")
            assert resp is not None and resp.status == 200

            # the insights, as sentences a facilitator can read out
            box = page.locator("#insights")
            expect(box).to_be_visible()
            for i in insights:
                expect(box).to_contain_text(i["nl"])
            # every chart is a visible SVG with real size: the comparison, and per table 8 charts
            charts = page.locator("#debrief svg.chart")
            assert charts.count() == 6 + 3 + 2 * 8
            for k in range(charts.count()):
                chart = charts.nth(k)
                chart.scroll_into_view_if_needed()
                expect(chart).to_be_visible()
                b = chart.bounding_box()
                assert b and b["width"] > 250 and b["height"] > 90, b
            # the stacked bar of the social budget: six categories, the budget marker per year
            split = page.locator("#table-0 [data-chart=split] svg")
            assert split.locator("rect[data-key=rent_discount]").count() == 4
            assert split.locator("line.marker").count() == 4
            # decisions per role per round, with the players' names (escaped, emoji intact)
            expect(page.locator("#table-1 table.roles")).to_contain_text("Jürgen 🚀")
            expect(page.locator("#table-0 table.roles tr[data-year='2027']")).to_contain_text("P4 ✗")
            # nothing wider than the viewport: no horizontal scrolling of the whole page
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
            # the x labels stay inside their chart (the last year is not cut off)
            clipped = page.evaluate("""() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
                const r = svg.getBoundingClientRect();
                return [...svg.querySelectorAll('text')].filter(t => {
                    const b = t.getBoundingClientRect();
                    return b.right > r.right + 1 || b.left < r.left - 1;
                }).map(t => t.textContent);
            })""")
            assert clipped == [], clipped
            page.screenshot(path=str(out / "debrief.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
            page.locator("#table-0").scroll_into_view_if_needed()
            page.screenshot(path=str(out / "debrief-table.png"))

            # English on request
            page.goto(f"{live_server}/r/{code}/debrief?lang=en")
            for i in insights:
                expect(page.locator("#insights")).to_contain_text(i["en"])
            expect(page.locator("h1")).to_contain_text("Debrief")
            assert not errors, errors
        finally:
            browser.close()
