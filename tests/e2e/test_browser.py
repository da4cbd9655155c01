"""The game in a real browser (Debian's Chromium via Playwright) against a live server.

1. One round of a three-player table played entirely through the pages: the facilitator
   opens a room from the home page, three phones join, everything updates live, budgets are
   hard, the round is locked and revealed on every phone. Screenshots go to docs/screenshots/
   with UPDATE_SCREENSHOTS=1, else to the test's temporary folder (a run leaves git clean).
2. A player who reloads mid-round keeps the seat, roles and selection; two tabs of one player
   both stay live.
3. A whole game to the results page: players act through the JSON API, the facilitator
   through the console; every page ends on the results with four years per table.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
if shutil.which("chromium") is None:
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

from playwright.sync_api import Browser, expect  # noqa: E402

from browser_helpers import (BIG_SCREEN, assert_fits, CHAMBERS, DESKTOP, PHONE, TIMEOUT_MS, chamber_of,  # noqa: E402
                             join_via_ui, mln, nl_num, open_live, phase, scroll_to,
                             watch_errors)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DOC_SHOTS = ROOT / "docs" / "screenshots"
YEARS = [2026, 2027, 2028, 2029]  # Woonstad: four rounds from 2026
NAMES = ["Anouk", "Bram", "Chantal"]


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: docs/screenshots/ when UPDATE_SCREENSHOTS=1, else a temporary folder."""
    folder = DOC_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def errors():
    """Script errors seen on any page of a test; the test fails if there are any."""
    seen: list[str] = []
    yield seen
    assert not seen, "browser errors:\n" + "\n".join(seen)


def new_context(browser: Browser, viewport: dict, mobile: bool = False):
    ctx = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile, locale="nl-NL",
                              device_scale_factor=2 if mobile else 1)
    ctx.set_default_timeout(TIMEOUT_MS)
    return ctx


def tokens_of(url: str) -> tuple[str, str]:
    """'/r/CODE/f/TOKEN' or '/r/CODE/p/TOKEN' -> (CODE, TOKEN)."""
    m = re.search(r"/r/([^/]+)/[fp]/([^/?#]+)", url)
    assert m, url
    return m.group(1), m.group(2)


# ---------------------------------------------------------------------------
# 1. One round through the pages

def test_one_round_on_three_phones(browser, live_server, api, errors, shots):
    fac_ctx = new_context(browser, DESKTOP)
    screen_ctx = new_context(browser, BIG_SCREEN)
    phone_ctxs = [new_context(browser, PHONE, mobile=True) for _ in NAMES]
    try:
        # the facilitator opens a room with one table from the home page
        console = watch_errors(fac_ctx.new_page(), errors)
        console.goto(live_server + "/")
        new_game = console.locator("form[action='/rooms']")
        new_game.locator("input[name=tables]").fill("1")
        new_game.locator("button[type=submit]").click()
        console.wait_for_url(re.compile(r"/r/[^/]+/f/[^/]+$"))
        code, fac_token = tokens_of(console.url)
        expect(console.locator("#room-code")).to_have_text(code)
        phase(console, "lobby")
        expect(console.locator("#players")).to_contain_text("Nog niemand")
        screen = open_live(screen_ctx, f"{live_server}/r/{code}/screen", errors)
        phase(screen, "lobby")

        # three phones join; the console and the big screen show each name without a reload
        phones = []
        for name, ctx in zip(NAMES, phone_ctxs):
            phones.append(join_via_ui(ctx, live_server, code, name, errors))
            expect(console.locator("#players tbody")).to_contain_text(name)
            expect(screen.locator("#lobby-names")).to_contain_text(name)
        expect(console.locator("#players tbody tr")).to_have_count(3)
        expect(console.locator("#players .dot.on")).to_have_count(3)
        expect(phones[0].locator("#game")).to_contain_text("Chantal")  # the lobby list is live too

        console.click("#btn-start")
        phase(console, "frame")
        for p in phones:
            phase(p, "frame")
        by_role = {chamber_of(p): p for p in phones}
        assert sorted(by_role) == sorted(CHAMBERS), "each player holds exactly one distinct chamber"
        cap, prop, soc = by_role["capital"], by_role["property"], by_role["social"]
        # only the Vermogenskamer may choose the frame; the others may not act before it
        expect(prop.locator("[data-frame]")).to_have_count(0)
        expect(prop.locator("[data-select]")).to_have_count(0)

        # the Vermogenskamer chooses the balanced frame; the others see it and the budget live
        cap.click("[data-frame=balanced]")
        expect(cap.locator("[data-frame=balanced]")).to_have_class(re.compile(r"\bchosen\b"))
        for p in (prop, soc, cap):
            expect(p.locator("#frame .option.ahead")).to_contain_text("Gebalanceerd")
            expect(p.locator("#budgets")).to_contain_text("€ 69,4 mln")
        expect(console.locator("[data-table='0']")).to_contain_text("Gebalanceerd")

        # the Vastgoedkamer proposes P1; the Maatschappelijke Kamer sees it and covers its top
        prop.click("[data-select=P1]")
        expect(prop.locator("[data-select=P1]")).to_have_text("Geselecteerd ✓")
        p1 = soc.locator("[data-option=P1]")
        expect(p1).to_contain_text("top niet gedekt")
        expect(p1).to_contain_text("onrendabele top € 5,0 mln")
        remaining = soc.locator("#social-remaining")
        before = mln(remaining.inner_text())
        soc.click("[data-cover=P1]")
        expect(soc.locator("[data-cover=P1]")).to_have_text("Top gedekt ✓")
        expect(remaining).not_to_have_text(f"nog € {nl_num(before, 1)} mln")
        after_cover = mln(remaining.inner_text())
        assert abs((before - after_cover) - 5.0) <= 0.1001, (before, after_cover)
        expect(prop.locator("[data-option=P1]")).to_contain_text("gaat door")  # live on the Vastgoedkamer
        expect(prop.locator("#social-remaining")).to_have_text(remaining.inner_text())

        # a rent freeze costs a rent discount out of the same budget
        freeze = soc.locator("[data-policy=freeze]")
        discount = mln(soc.locator(".option", has=freeze).inner_text())
        assert discount > 0, "a rent freeze costs a rent discount"
        freeze.click()
        expect(freeze).to_have_class(re.compile(r"\bchosen\b"))
        expect(remaining).not_to_have_text(f"nog € {nl_num(after_cover, 1)} mln")
        after_policy = mln(remaining.inner_text())
        assert abs((after_cover - after_policy) - discount) <= 0.1001, (after_cover, after_policy, discount)
        expect(cap.locator("#social .option.ahead")).to_contain_text("Bevriezing")
        scroll_to(soc.locator("#projects"))
        soc.screenshot(path=str(shots / "phone-choices.png"))
        for ph in phones:
            assert_fits(ph)

        # over budget: P5's top (€ 35,3 mln) exceeds what is left: refused in Dutch, nothing changes
        prop.click("[data-select=P5]")
        expect(prop.locator("[data-select=P5]")).to_have_text("Geselecteerd ✓")
        p5 = soc.locator("[data-option=P5]")
        expect(p5).to_contain_text("onrendabele top € 35,3 mln")
        expect(p5).to_contain_text("top niet gedekt")  # the selection has reached this phone
        expect(soc.locator("[data-cover=P5]")).to_have_text("Dek de top")
        assert 35.3 > after_policy
        version = soc.locator("#game").get_attribute("data-version")
        soc.click("[data-cover=P5]")
        flash = soc.locator("#flash")
        expect(flash).to_contain_text("past niet in het maatschappelijk budget")
        expect(flash).to_be_visible()
        expect(soc.locator("[data-cover=P5]")).to_have_text("Dek de top")
        expect(remaining).to_have_text(f"nog € {nl_num(after_policy, 1)} mln")
        assert soc.locator("#game").get_attribute("data-version") == version
        pkg = api.view(code, fac_token)["tables"][0]["plan"]["package"]
        assert pkg["covered"] == ["P1"] and pkg["selected"] == ["P1", "P5"] and pkg["rent_policy"] == "freeze"

        # all three confirm; the console sees every chamber confirmed
        for p in (cap, prop, soc):
            p.click("#confirm-button")
            expect(p.locator("#confirmed-note")).to_be_visible()
        expect(soc.locator("#flash")).to_be_empty()  # the next action cleared the error
        expect(console.locator("[data-table='0'] .badge.ok", has_text="✓")).to_have_count(3)

        console.click("#btn-lock")
        phase(console, "locked")
        for p in phones:
            phase(p, "locked")
            expect(p.locator("#confirm")).to_contain_text("De ronde is gesloten")
            expect(p.locator("[data-select], [data-cover], [data-policy], [data-frame]")).to_have_count(0)
        console.click("#btn-reveal")
        phase(console, "revealed")

        year = api.view(code, fac_token)["tables"][0]["history"][-1]
        assert year["year"] == 2026 and year["going_ahead"] == ["P1"] and year["not_covered"] == ["P5"]
        icr = nl_num(year["figures"]["icr"], 2)
        for p in phones:
            phase(p, "revealed")
            reveal = p.locator("#reveal")
            expect(reveal).to_contain_text("Uitkomst 2026")
            expect(reveal.locator("[data-ratio=icr]")).to_contain_text(icr)
            expect(reveal).to_contain_text("ICR")
        phase(screen, "revealed")
        expect(screen.locator("[data-table='0'] [data-ratio=icr]")).to_contain_text(icr)
        # the big screen says what the table decided: P1 went ahead, P5 did not (top not covered)
        decided = screen.locator("[data-table='0'] .screen-decisions")
        expect(decided).to_contain_text("Bevriezing (huurstijging 0,0 %)")
        expect(decided.locator(".badge.ok")).to_have_text(["P1"])
        expect(decided.locator(".badge.warn")).to_have_text(["P5"])
        expect(console.locator("[data-table='0'] [data-ratio=icr]")).to_contain_text(icr)

        scroll_to(soc.locator("#reveal"))
        soc.screenshot(path=str(shots / "phone-reveal.png"))
        for ph in phones:
            assert_fits(ph)
        console.screenshot(path=str(shots / "console.png"), full_page=True)
        screen.screenshot(path=str(shots / "big-screen.png"))
    finally:
        for ctx in [fac_ctx, screen_ctx, *phone_ctxs]:
            ctx.close()


# ---------------------------------------------------------------------------
# 2. Reload mid-round, and two tabs of one player

def test_reload_mid_round_keeps_the_seat_and_two_tabs_stay_live(browser, live_server, api, errors):
    room = api.create_room(tables=1)
    code, fac = room["code"], room["facilitator_token"]
    joined = [api.join(code, n) for n in NAMES]
    api.command(code, fac, type="start")
    roles = {p["id"]: p["roles"] for p in api.view(code, fac)["players"]}
    who = {roles[j["player_id"]][0]: j for j in joined}
    api.command(code, who["capital"]["token"], type="choose_frame", frame="balanced", round=1)
    me = who["property"]

    fac_ctx = new_context(browser, DESKTOP)
    ctx = new_context(browser, PHONE, mobile=True)
    try:
        console = open_live(fac_ctx, room["console_url"], errors)
        row = console.locator(f"tr[data-player='{me['player_id']}']")
        tab = open_live(ctx, me["play_url"], errors)
        expect(row.locator(".dot.on")).to_have_count(1)
        phase(tab, "choices")
        roles_text = tab.locator("#my-roles").inner_text()
        assert chamber_of(tab) == "property"
        tab.click("[data-select=P1]")
        expect(tab.locator("[data-select=P1]")).to_have_text("Geselecteerd ✓")

        # reload: same seat, same roles, the selection is still there, online again at once
        tab.reload()
        tab.wait_for_function("window.__wsOpen === true")
        assert tab.url == me["play_url"]
        expect(tab.locator("#my-roles")).to_have_text(roles_text)
        expect(tab.locator("[data-select=P1]")).to_have_text("Geselecteerd ✓")
        expect(tab.locator("[data-option=P1]")).to_contain_text("top niet gedekt")
        expect(row.locator(".dot.on")).to_have_count(1, timeout=5_000)  # gone for a moment at most
        expect(console.locator("#players tbody tr")).to_have_count(3)  # no second seat
        view = api.view(code, me["token"])
        assert view["viewer"]["player_id"] == me["player_id"] and view["viewer"]["roles"] == ["property"]
        assert view["tables"][0]["plan"]["package"]["selected"] == ["P1"]

        # a second tab of the same player: both are live and both update
        tab2 = open_live(ctx, me["play_url"], errors)
        expect(tab2.locator("[data-select=P1]")).to_have_text("Geselecteerd ✓")
        tab2.click("[data-select=P2]")  # a change in one tab shows in the other
        for t in (tab, tab2):
            expect(t.locator("[data-select=P2]")).to_have_text("Geselecteerd ✓")
        api.command(code, who["social"]["token"], type="cover", option="P1", covered=True, round=1)
        for t in (tab, tab2):  # a change by another player shows in both
            expect(t.locator("[data-option=P1]")).to_contain_text("gaat door")
        tab.click("[data-select=P2]")  # and back: deselect from the first tab
        for t in (tab, tab2):
            expect(t.locator("[data-select=P2]")).to_have_text("Selecteer")

        tab2.close()  # one tab closed, the other is still there: the player stays online
        api.command(code, who["social"]["token"], type="choose_rent_policy", policy="moderate", round=1)
        expect(tab.locator("[data-policy=moderate]")).to_have_count(0)  # not the Maatschappelijke Kamer
        expect(tab.locator("#social .option.ahead")).to_contain_text("Gematigd")
        expect(row.locator(".dot.on")).to_have_count(1)
        assert me["player_id"] in {p["id"] for p in api.view(code, fac)["players"] if p["connected"]}
    finally:
        fac_ctx.close()
        ctx.close()


# ---------------------------------------------------------------------------
# 3. A whole game to the results

def test_whole_game_ends_on_the_results(browser, live_server, api, errors):
    room = api.create_room(tables=1)
    code, fac = room["code"], room["facilitator_token"]
    joined = [api.join(code, n) for n in NAMES]

    fac_ctx = new_context(browser, DESKTOP)
    phone_ctx = new_context(browser, PHONE, mobile=True)
    screen_ctx = new_context(browser, BIG_SCREEN)
    try:
        console = open_live(fac_ctx, room["console_url"], errors)
        phone = open_live(phone_ctx, joined[0]["play_url"], errors)
        screen = open_live(screen_ctx, room["screen_url"], errors)
        console.click("#btn-start")
        frames = ["balanced", "prudent", "balanced", "prudent"]
        seen_roles = set()
        for rnd, year in enumerate(YEARS, start=1):
            phase(console, "frame")
            expect(phone.locator(".badge", has_text=f"Ronde {rnd} van 4")).to_contain_text(str(year))
            roles = {p["id"]: p["roles"] for p in api.view(code, fac)["players"]}
            holder = {roles[j["player_id"]][0]: j["token"] for j in joined}
            seen_roles.add(chamber_of(phone))
            api.command(code, holder["capital"], type="choose_frame", frame=frames[rnd - 1], round=rnd)
            for tok in holder.values():
                api.command(code, tok, type="confirm", round=rnd)
            expect(console.locator("[data-table='0'] .badge.ok", has_text="✓")).to_have_count(3)
            console.click("#btn-lock")
            phase(console, "locked")
            console.click("#btn-reveal")
            phase(console, "revealed")
            expect(phone.locator("#reveal")).to_contain_text(f"Uitkomst {year}")
            expect(screen.locator("#game")).to_contain_text(f"({year})")
            console.click("#btn-next")
        assert seen_roles == set(CHAMBERS), "roles rotate: the player held every chamber"

        history = api.view(code, fac)["tables"][0]["history"]
        assert [h["year"] for h in history] == YEARS
        for page in (console, phone, screen):
            phase(page, "finished")
            results = page.locator("#results")
            expect(results).to_be_visible()
            table = results.locator("[data-table='0']")
            expect(table.locator("h3").first).to_have_text("Tafel 1")
            rows = table.locator("table").first.locator("tbody tr")
            expect(rows).to_have_count(1 + len(YEARS))  # the start and four years
            for i, (h, year) in enumerate(zip(history, YEARS), start=1):
                expect(rows.nth(i).locator("td").first).to_have_text(str(year))
                expect(rows.nth(i)).to_contain_text(nl_num(h["figures"]["icr"], 2))
            for name in NAMES:
                expect(table).to_contain_text(name)
            # nobody chose a rent policy: the default is named in Dutch, not by its key
            expect(table).to_contain_text("standaard gezet: huurbeleid")
            expect(table).not_to_contain_text("rent_policy")
        # only "next session (same link)" is left: no game action after the end
        expect(console.locator("#controls button:not(#btn-next-session)")).to_have_count(0)
        expect(console.locator("#btn-next-session")).to_be_visible()
    finally:
        for c in (fac_ctx, phone_ctx, screen_ctx):
            c.close()
