"""The prioriteitenspel (GAME.md mode 2) in a real browser (Debian's Chromium via Playwright).

One whole session on the `regio` scenario: four phones join, the facilitator weights and
assigns parties in the console, every party builds a private package within its budget
(hard budget, live consequences, draft / submitted / locked with a receipt: CASES.md C13),
nobody sees another party's package before the reveal, the reveal shows the packages side by
side with the agreement matrix and the two joint packages, the joint round is composed on the
console while the phones approve or object, and the debrief ends it. Screenshots go to
docs/screenshots/prio-*.png.
"""
from __future__ import annotations

import os
import tempfile

import re
import shutil
from pathlib import Path

import httpx
import pytest

pytest.importorskip("playwright.sync_api")
if shutil.which("chromium") is None:
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from browser_helpers import TIMEOUT_MS, Api, assert_fits, join_via_ui, mln, open_live, phase  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# screenshots go to docs/ only when asked (UPDATE_SCREENSHOTS=1), so a test run changes no tracked file
SHOTS = ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else \
    Path(tempfile.gettempdir()) / "driekamer-screenshots"
PHONE = {"width": 360, "height": 760}   # a small phone, used one-handed
DESKTOP = {"width": 1366, "height": 900}
BIG_SCREEN = {"width": 1920, "height": 1080}

# name -> (stakeholder id, its name, the posts it picks). Chantal and Daan are assigned in the
# console; Anna and Bas get theirs at the start (round-robin in join order over the rest).
PLAYERS = {
    "Anna": ("huurders", "Huurdersvereniging", ["P5", "M3", "M5", "G5", "M1"]),
    "Bas": ("stadsveld", "Gemeente Stadsveld", ["G6", "P1", "G5", "M1", "G2"]),
    "Chantal": ("lindeloo", "Gemeente Lindeloo", ["G8", "P3", "M2", "M1"]),
    "Daan": ("dijkhoven", "Gemeente Dijkhoven", ["G7", "M3", "G4", "P2", "M1"]),
}
ASSIGNED_IN_CONSOLE = ("Chantal", "Daan")


@pytest.fixture
def errors():
    seen: list[str] = []
    yield seen
    assert not seen, "browser errors:\n" + "\n".join(seen)


def new_context(browser: Browser, viewport: dict, mobile: bool = False):
    ctx = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile, locale="nl-NL",
                              device_scale_factor=2 if mobile else 1)
    ctx.set_default_timeout(TIMEOUT_MS)
    # the version of the last live update, to wait until the page has settled
    ctx.add_init_script("document.addEventListener('htmx:wsAfterMessage', e => {"
                        " const m = /data-version=\"(\\d+)\"/.exec(e.detail.message || '');"
                        " if (m) window.__wsVersion = Math.max(window.__wsVersion || 0, +m[1]); });")
    return ctx


def settled(page: Page) -> None:
    """Wait until the live update for the page's current version has arrived, so that no pending
    push replaces the buttons under the next click: the refusal then takes htmx's ordinary path
    into #flash. (The other path, a push replacing the button while the refusal is on its way,
    is tested on purpose right after.)"""
    version = int(page.locator("#game").get_attribute("data-version"))
    page.wait_for_function(f"(window.__wsVersion || 0) >= {version}")


def chosen(page: Page, post: str, on: bool = True) -> None:
    expect(page.locator(f"#posts [data-post={post}]")).to_have_attribute("data-chosen", "1" if on else "0")


def status(page: Page, value: str) -> None:
    expect(page.locator("#ballot-status")).to_have_attribute("data-status", value)


def shot(page: Page, name: str, full_page: bool = False) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"prio-{name}.png"), full_page=full_page)


def test_prioriteitenspel_session(browser, live_server, errors):
    SHOTS.mkdir(parents=True, exist_ok=True)
    http = httpx.Client(base_url=live_server, timeout=20, trust_env=False)
    r = http.post("/api/v1/rooms", json={"scenario": "regio", "tables": 1})
    assert r.status_code == 201, r.text
    room = r.json()
    code, fac_token = room["code"], room["facilitator_token"]
    picked = {name: list(p[2]) for name, p in PLAYERS.items()}  # what each party holds now

    fac_ctx = new_context(browser, DESKTOP)
    screen_ctx = new_context(browser, BIG_SCREEN)
    phone_ctxs = {name: new_context(browser, PHONE, mobile=True) for name in PLAYERS}
    try:
        console = open_live(fac_ctx, room["console_url"], errors)
        asked: list[str] = []
        console.on("dialog", lambda d: (asked.append(d.message), d.accept()))  # hx-confirm on close_joint
        phase(console, "lobby")
        screen = open_live(screen_ctx, room["screen_url"], errors)
        phase(screen, "lobby")
        expect(console.locator("#room-code")).to_have_text(code)
        expect(console.locator("#join-url")).to_have_attribute("href", re.compile(rf"/j/{code}$"))
        expect(console.locator("#controls svg, .card svg").first).to_be_visible()  # the QR code

        # four phones join through /j/{code}; console and big screen list them live
        phones: dict[str, Page] = {}
        for name, ctx in phone_ctxs.items():
            phones[name] = join_via_ui(ctx, live_server, code, name, errors)
            expect(console.locator("#players tbody")).to_contain_text(name)
            expect(screen.locator("#lobby-names")).to_contain_text(name)
        expect(console.locator("#players .dot.on")).to_have_count(4)

        # lobby: the facilitator weights the tenants double and assigns two players
        weight = console.locator("[data-weight=huurders]")
        weight.fill("2")
        console.locator("tr[data-stakeholder=huurders] button[type=submit]").click()
        expect(console.locator("tr[data-stakeholder=huurders]")).to_contain_text("29 %")  # 2 of 7
        for name in ASSIGNED_IN_CONSOLE:
            sid, sname, _ = PLAYERS[name]
            row = console.locator("#players tr[data-player]", has_text=name)
            row.locator("select[data-assign]").select_option(sid)
            expect(console.locator("#players tr[data-player]", has_text=name).locator("select")).to_have_value(sid)
            expect(console.locator(f"tr[data-stakeholder={sid}]")).to_contain_text(name)
        expect(phones["Chantal"].locator("#my-stakeholder")).to_contain_text("Gemeente Lindeloo")

        console.click("#btn-start")
        for name, p in phones.items():
            phase(p, "choices")
            expect(p.locator("#my-stakeholder")).to_contain_text(PLAYERS[name][1])
            status(p, "empty")
        phase(screen, "choices")
        expect(screen.locator("#progress")).to_contain_text("0 van 4")
        budgets = {s["id"]: s["budget"] for s in http.get(
            f"/api/v1/rooms/{code}", headers={"Authorization": f"Bearer {fac_token}"}).json()["stakeholders"]}
        assert budgets["huurders"] > budgets["stadsveld"] == budgets["lindeloo"]  # the weight counted
        costs = {p["id"]: p["cost"] for p in http.get(
            f"/api/v1/rooms/{code}", headers={"Authorization": f"Bearer {fac_token}"}).json()["posts"]}

        # private round: every party builds its package; the budget and consequences follow live
        for name, p in phones.items():
            sid, picks = PLAYERS[name][0], picked[name]
            remaining = p.locator("#budget-remaining")
            expect(remaining).to_have_text(re.compile(r"nog € "))
            assert abs(mln(remaining.inner_text()) - budgets[sid] / 1e6) < 0.06
            spent = 0
            for i, post in enumerate(picks):
                before = remaining.inner_text()
                p.click(f"[data-ballot={post}]")
                chosen(p, post)
                spent += costs[post]
                expect(remaining).not_to_have_text(before)
                assert abs(mln(remaining.inner_text()) - (budgets[sid] - spent) / 1e6) < 0.06
                if i == 0:
                    status(p, "draft")
                    expect(p.locator("#dock #submit-button")).to_be_visible()
            expect(p.locator("#my-consequences [data-kpi=homes]")).to_contain_text("+")
        # P1 (100 homes) shows on Bas's consequences; the bar is not empty
        expect(phones["Bas"].locator("#my-consequences [data-kpi=homes]")).to_contain_text("+")
        assert "width:0" not in phones["Bas"].locator("#budget-bar").inner_html().replace(" ", "")

        # budgets are hard: a post that does not fit is refused with a Dutch message
        bas = phones["Bas"]
        settled(bas)
        bas.click("[data-ballot=P4]")
        expect(bas.locator("#flash")).to_contain_text("past niet in je budget")
        chosen(bas, "P4", on=False)
        expect(bas.locator("#flash")).to_contain_text("te veel")
        # ... also when a live update replaces the button before the refusal arrives (others act
        # all the time in a real session): here the page swaps #game right after the click
        bas.evaluate("""() => { document.querySelector('[data-ballot=G8]').click();
            const g = document.getElementById('game'), c = g.cloneNode(true); g.replaceWith(c); htmx.process(c); }""")
        would_cost = sum(costs[p] for p in picked["Bas"]) + costs["G8"]
        expect(bas.locator("#flash")).to_contain_text(f"€ {would_cost:,}".replace(",", "."))

        # the console sees progress only: draft, not contents
        for sid in ("huurders", "stadsveld", "lindeloo", "dijkhoven"):
            badge = console.locator(f"tr[data-stakeholder={sid}] [data-status]")
            expect(badge).to_have_attribute("data-status", "draft")
        shot(bas, "phone-choices")
        bas.evaluate("document.querySelector('#posts [data-post=G2]').scrollIntoView({block: 'center'})")
        bas.screenshot(path=str(SHOTS / "prio-phone-choices-posts.png"))

        # everyone submits and gets a receipt; a double click on submit is harmless
        receipts = {}
        for i, (name, p) in enumerate(phones.items()):
            if i == 0:
                p.locator("#submit-button").dblclick()
            else:
                p.click("#submit-button")
            status(p, "submitted")
            expect(p.locator("#receipt")).to_contain_text(re.compile(r"Ontvangstbewijs S-\d+"))
            receipts[name] = re.search(r"S-\d+", p.locator("#receipt").inner_text()).group(0)
            if i == 2:
                expect(console.locator("#nudge")).to_contain_text("Gemeente Dijkhoven")
                expect(screen.locator("#progress")).to_contain_text("3 van 4")
        expect(console.locator("#submitted-count")).to_contain_text("4 van 4")
        expect(screen.locator("#progress")).to_contain_text("4 van 4")
        expect(console.locator("tr[data-stakeholder=huurders]")).to_contain_text(receipts["Anna"])

        # Anna changes her mind after submitting: back to draft, then submits again
        anna = phones["Anna"]
        anna.click("[data-ballot=M5]")
        chosen(anna, "M5", on=False)
        status(anna, "draft")
        expect(console.locator("tr[data-stakeholder=huurders] [data-status]")).to_have_attribute("data-status", "draft")
        expect(console.locator("#submitted-count")).to_contain_text("3 van 4")
        anna.click("#submit-button")
        status(anna, "submitted")
        new_receipt = re.search(r"S-\d+", anna.locator("#receipt").inner_text()).group(0)
        assert new_receipt != receipts["Anna"]
        picked["Anna"].remove("M5")

        # before the reveal nobody sees another party's package
        chosen(bas, "P5", on=False)               # only Anna picked P5
        chosen(phones["Chantal"], "G6", on=False)  # only Bas picked G6
        for name, p in phones.items():
            html = p.content()
            assert "data-package=" not in html and 'id="matrix"' not in html, name
        for page in (console, screen):
            html = page.content()
            assert "data-package=" not in html and 'id="matrix"' not in html
            assert "data-chosen" not in html
        bas_token = bas.url.rsplit("/", 1)[1]
        view_b = http.get(f"/api/v1/rooms/{code}", headers={"Authorization": f"Bearer {bas_token}"}).json()
        assert "reveal" not in view_b and view_b["mine"]["stakeholder"] == "stadsveld"

        # lock and reveal
        console.click("#btn-lock")
        for p in phones.values():
            phase(p, "locked")
            status(p, "locked")
        expect(bas.locator("[data-ballot]")).to_have_count(0)
        console.click("#btn-reveal")
        backed = {post for picks in picked.values() for post in picks}
        for page in [console, screen, *phones.values()]:
            phase(page, "revealed")
            expect(page.locator("#packages [data-package]")).to_have_count(4)
            expect(page.locator("#matrix tbody tr")).to_have_count(len(backed))  # unbacked posts: one line
            expect(page.locator("#unbacked")).to_contain_text("P4")
            expect(page.locator("#pkg-greedy")).to_be_visible()
            expect(page.locator("#pkg-mes")).to_be_visible()
        expect(anna.locator("#matrix tr[data-post=P5]")).to_have_attribute("data-backers", "huurders")
        expect(anna.locator("#matrix tr[data-post=M1]")).to_have_class(re.compile(r"\bcommon\b"))
        expect(screen.locator("#common")).to_contain_text("M1")
        for name, (sid, _, _) in PLAYERS.items():
            card = console.locator(f"[data-package={sid}]")
            for post in picked[name]:
                expect(card).to_contain_text(post)
        mes = console.locator("#pkg-mes").get_attribute("data-selected").split()
        greedy = console.locator("#pkg-greedy").get_attribute("data-selected").split()
        assert sum(costs[p] for p in mes) <= sum(budgets.values()) / 2.5 + 1
        assert mes and greedy
        expect(console.locator("#pkg-mes details.payments")).to_be_visible()
        expect(console.locator("#pkg-mes .munis [data-municipality=stadsveld]")).to_contain_text("55 %")  # its need

        shot(bas, "phone-reveal")
        shot(console, "console-reveal", full_page=True)
        shot(screen, "screen-reveal")

        # joint round from the MES package: Anna objects, Bas approves, the facilitator edits
        console.click("#btn-joint-mes")
        for page in [console, screen, *phones.values()]:
            phase(page, "joint")
        expect(console.locator("#joint")).to_have_attribute("data-posts", " ".join(sorted(mes)))
        anna.click("#btn-object")
        bas.click("#btn-approve")
        expect(console.locator("[data-approval=huurders]")).to_have_attribute("data-vote", "object")
        expect(screen.locator("[data-approval=stadsveld]")).to_have_attribute("data-vote", "approve")
        expect(anna.locator("#btn-object")).to_have_class(re.compile(r"\bobjected\b"))
        shot(phones["Anna"], "phone-joint")
        drop = max(mes, key=lambda p: costs[p])  # the dearest post in the package
        before = console.locator("#joint-cost").inner_text()
        console.click(f"[data-joint-toggle={drop}]")
        expect(console.locator("#joint")).not_to_have_attribute("data-posts", " ".join(sorted(mes)))
        assert drop not in console.locator("#joint").get_attribute("data-posts").split()
        expect(console.locator("#joint-cost")).not_to_have_text(before)
        expect(screen.locator("[data-approval=stadsveld]")).to_have_attribute("data-vote", "none")  # asks again
        expect(bas.locator(f"#joint-posts [data-post={drop}]")).to_have_count(0)
        expect(bas.locator("#joint-posts li")).to_have_count(len(mes) - 1)
        bas.click("#btn-approve")
        expect(console.locator("[data-approval=stadsveld]")).to_have_attribute("data-vote", "approve")
        shot(screen, "screen-joint")

        # the facilitator closes the joint round: the debrief on every page
        console.click("#btn-close-joint")
        assert asked[-1].endswith("Nog niet iedereen gaf akkoord: 1 van 4."), asked  # only Bas agreed
        for page in [console, screen, *phones.values()]:
            phase(page, "finished")
            expect(page.locator("#debrief")).to_contain_text("gaf het meest toe")
        expect(console.locator("#debrief [data-gave-way]")).to_have_count(1)
        expect(console.locator("#debrief [data-gave-way]")).to_contain_text(
            re.compile(r"gaf het meest toe: \d+ % van het eigen pakket \(€ [\d,]+ mln\) zit in het afgesproken pakket"))
        expect(bas.locator("#my-debrief")).to_contain_text("Jouw partij:")
        expect(console.locator("#debrief table tbody tr")).to_have_count(4)
        shot(console, "console-debrief", full_page=True)
        shot(bas, "phone-debrief")
    finally:
        for ctx in [fac_ctx, screen_ctx, *phone_ctxs.values()]:
            ctx.close()
        http.close()


def test_a_second_private_round_with_rotated_parties(browser, live_server, errors):
    """After the reveal the facilitator starts another private round from the console with the
    parties rotated: Anna, who spoke for the tenants, now speaks for Stadsveld on her phone, with
    Stadsveld's budget; after that round's reveal round 1 stays in view as it was revealed."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    api = Api(live_server)
    contexts = []
    try:
        r = api.http.post("/api/v1/rooms", json={"scenario": "regio"})
        assert r.status_code == 201, r.text
        room = r.json()
        code, fac = room["code"], room["facilitator_token"]
        tokens = {name: api.join(code, name)["token"] for name in ("Anna", "Bas", "Chantal")}
        api.command(code, fac, type="start")
        api.command(code, tokens["Anna"], type="ballot", post="M1", selected=True, round=1)
        api.command(code, tokens["Bas"], type="ballot", post="G6", selected=True, round=1)
        for t in tokens.values():
            api.command(code, t, type="submit", round=1)
        api.command(code, fac, type="lock", round=1)
        api.command(code, fac, type="reveal", round=1)
        budgets = {s["id"]: s["budget"] for s in api.view(code, fac)["stakeholders"]}

        contexts += [new_context(browser, DESKTOP), new_context(browser, PHONE, mobile=True)]
        console = open_live(contexts[0], f"{live_server}/r/{code}/f/{fac}", errors)
        anna = open_live(contexts[1], f"{live_server}/r/{code}/p/{tokens['Anna']}", errors)
        phase(anna, "revealed")
        expect(anna.locator("#my-stakeholder")).to_contain_text("Huurdersvereniging")
        expect(console.locator("#next-round-help")).to_contain_text("ronde 2 van hoogstens 3")
        console.click("#btn-next-rotate")
        phase(console, "choices")
        phase(anna, "choices")
        expect(anna.locator("#phase")).to_have_text("Eigen pakketten · ronde 2")
        expect(anna.locator("#my-stakeholder")).to_contain_text("Gemeente Stadsveld")
        expect(anna.locator("#rotated")).to_have_text(
            "In ronde 1 sprak je voor Huurdersvereniging; kijk nu door de ogen van Gemeente Stadsveld.")
        expect(anna.locator("#budget-remaining")).to_have_text(re.compile(r"nog € "))
        assert abs(mln(anna.locator("#budget-remaining").inner_text()) - budgets["stadsveld"] / 1e6) < 0.06
        expect(anna.locator("#posts [data-chosen='1']")).to_have_count(0)  # a new round starts empty
        expect(anna.locator("[data-ballot=P5]")).to_have_text("Kies")
        anna.click("[data-ballot=P1]")
        chosen(anna, "P1")
        expect(anna.locator("[data-ballot=P5]")).to_have_text("Past niet")  # € 36,0 mln: no longer fits
        anna.click("#submit-button")
        status(anna, "submitted")
        shot(anna, "phone-round2")
        console.on("dialog", lambda d: d.accept())
        console.click("#btn-lock")
        phase(console, "locked")
        console.click("#btn-reveal")
        phase(anna, "revealed")
        expect(anna.locator("[data-package=stadsveld]")).to_contain_text("P1")
        earlier = anna.locator("#earlier-rounds table[data-round='1']")
        expect(earlier.locator("tr[data-stakeholder=huurders]")).to_contain_text("Anna")
        expect(earlier.locator("tr[data-stakeholder=huurders]")).to_contain_text("M1")
        expect(earlier.locator("tr[data-stakeholder=stadsveld]")).to_contain_text("Bas")
        assert_fits(anna)
        anna.locator("#earlier-rounds").scroll_into_view_if_needed()
        anna.screenshot(path=str(SHOTS / "prio-phone-earlier-rounds.png"))
    finally:
        for ctx in contexts:
            ctx.close()
        api.close()
