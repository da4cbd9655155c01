"""The facilitator's workshop features in a real browser (Debian's Chromium via Playwright).

1. A late joiner gets a table (the smallest) and a chamber at once; console and big screen follow live.
2. Laptop sleep (C8, C5): the network drops under a phone; it shows "reconnecting", the
   facilitator sees it online for the grace period and offline after it; while it is away the
   round is played to the reveal; it comes back by itself, online, on the current state.
3. The clock runs out on a half-finished decision (C6): every page locks by itself, the export
   says `timed_out` with the policy, the kept draft is what the reveal and the console show.
4. Re-open: a locked round opens again, a player changes a choice, the reveal counts it.
5. The big screen (1920x1080) through a round: QR and names filling up, progress without the
   choices, then the key figures in large type. Screenshot big-screen-round.png goes to
   docs/screenshots/ with UPDATE_SCREENSHOTS=1, else to the test's temporary folder.
6. A nudge (C13) shows on the nudged phone only, and goes away once that player confirms.

Set-up goes through the JSON API; what each test is about goes through the pages.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
if shutil.which("chromium") is None:
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from browser_helpers import (BIG_SCREEN, CHAMBERS, DESKTOP, PHONE, TIMEOUT_MS, Api, chamber_of,  # noqa: E402
                             join_via_ui, nl_num, open_live, phase)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DOC_SHOTS = ROOT / "docs" / "screenshots"
from conftest import running_server  # noqa: E402
NAMES = ["Anouk", "Bram", "Chantal"]
GRACE = 2.0            # the presence grace of the second server (Settings.presence_grace)
RECONNECT_MS = 25_000  # htmx's websocket backoff is random and doubles per failed try


# ---------------------------------------------------------------------------
# Fixtures

@pytest.fixture(scope="module")
def grace_server(tmp_path_factory) -> str:
    """A second server with a presence grace of GRACE seconds (the session's live_server has
    the default 20 s), on its own temporary SQLite database."""
    with running_server(tmp_path_factory.mktemp("grace_server"), {"PRESENCE_GRACE": str(GRACE)}) as url:
        yield url


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


# ---------------------------------------------------------------------------
# Helpers

class Cable:
    """A TCP relay between one browser context and the server whose cable can be pulled: every
    open connection is cut at once (the browser's websocket closes abnormally, as when a laptop
    sleeps or Wi-Fi drops) and new ones are refused until it is plugged in again."""

    def __init__(self, upstream: str):
        host, port = upstream.rsplit("//", 1)[1].split(":")
        self.upstream = (host, int(port))
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(64)
        self.url = f"http://127.0.0.1:{self.srv.getsockname()[1]}"
        self.up = True
        self.socks: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def via(self, url: str) -> str:
        return re.sub(r"^http://[^/]+", self.url, url)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.srv.accept()
            except OSError:
                return
            try:
                if not self.up:
                    raise OSError("unplugged")
                server = socket.create_connection(self.upstream)
            except OSError:
                _drop(client)
                continue
            with self.lock:
                self.socks |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(a, b), daemon=True).start()

    def cut(self) -> None:
        self.up = False
        with self.lock:
            socks, self.socks = self.socks, set()
        for s in socks:
            _drop(s)

    def plug(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.srv.close()


def _pump(a: socket.socket, b: socket.socket) -> None:
    try:
        while data := a.recv(65536):
            b.sendall(data)
    except OSError:
        pass
    finally:
        _drop(b)


def _drop(s: socket.socket) -> None:
    for step in (lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)),
                 lambda: s.shutdown(socket.SHUT_RDWR), s.close):
        try:
            step()
        except OSError:
            pass


def new_context(browser: Browser, viewport: dict, mobile: bool = False):
    ctx = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile, locale="nl-NL",
                              device_scale_factor=2 if mobile else 1)
    ctx.set_default_timeout(TIMEOUT_MS)
    # the version of the last live update, to wait until a page has settled before a click
    ctx.add_init_script("document.addEventListener('htmx:wsAfterMessage', e => {"
                        " const m = /data-version=\"(\\d+)\"/.exec(e.detail.message || '');"
                        " if (m) window.__wsVersion = Math.max(window.__wsVersion || 0, +m[1]); });")
    return ctx


def settled(page: Page, version: int) -> None:
    """Wait until the page shows `version` (the room's current one) and its push has arrived,
    so that no pending push replaces a button under the next click."""
    expect(page.locator("#game")).to_have_attribute("data-version", str(version))
    page.wait_for_function(f"(window.__wsVersion || 0) >= {version}")


def play_round(api: Api, tables: int = 1, names=NAMES, frame: str | None = "balanced"):
    """A started room with `names` joined through the API; returns (room, {chamber: joined}) of
    table 0, with the frame chosen when `frame` is given."""
    room = api.create_room(tables=tables)
    code, fac = room["code"], room["facilitator_token"]
    joined = [api.join(code, n) for n in names]
    api.command(code, fac, type="start")
    view = api.view(code, fac)
    who = {}
    for j in joined:
        p = next(p for p in view["players"] if p["id"] == j["player_id"])
        if p["table"] == 0:
            for r in p["roles"]:
                who[r] = {**j, "name": p["name"]}
    if frame:
        api.command(code, who["capital"]["token"], type="choose_frame", frame=frame, round=1)
    return room, who, joined


def version_of(api: Api, room: dict) -> int:
    return api.view(room["code"], room["facilitator_token"])["room"]["version"]


def clock_seconds(text: str) -> int:
    m = re.search(r"(\d+):(\d\d)", text)
    assert m, f"no m:ss in {text!r}"
    return int(m.group(1)) * 60 + int(m.group(2))


COUNTDOWN_BELOW = """s => { const m = /(\\d+):(\\d\\d)/.exec(document.querySelector('#clock')?.textContent || '');
                     return m !== null && +m[1] * 60 + +m[2] < s; }"""


def export(api: Api, room: dict) -> dict:
    r = api.http.get(f"/api/v1/rooms/{room['code']}/export.json",
                     headers={"Authorization": f"Bearer {room['facilitator_token']}"})
    assert r.status_code == 200, r.text
    return r.json()


# ---------------------------------------------------------------------------
# 1. A late joiner

def test_late_joiner_gets_a_table_and_a_chamber_at_once(browser, live_server, api, errors):
    # two tables, three players: table 1 has one player (all three chambers), table 2 has one
    room = api.create_room(tables=2)
    code, fac = room["code"], room["facilitator_token"]
    joined = [api.join(code, n) for n in NAMES]
    api.command(code, fac, type="start")
    players = {p["id"]: p for p in api.view(code, fac)["players"]}
    lone = next(j for j in joined if players[j["player_id"]]["table"] == 1)
    assert players[lone["player_id"]]["roles"] == list(CHAMBERS)
    for j in joined:  # both tables choose a frame; the lone player confirms all three chambers
        if "capital" in players[j["player_id"]]["roles"]:
            api.command(code, j["token"], type="choose_frame", frame="balanced", round=1)
    api.command(code, lone["token"], type="confirm", round=1)

    fac_ctx, screen_ctx = new_context(browser, DESKTOP), new_context(browser, BIG_SCREEN)
    phone_ctx = new_context(browser, PHONE, mobile=True)
    try:
        console = open_live(fac_ctx, room["console_url"], errors)
        screen = open_live(screen_ctx, room["screen_url"], errors)
        table2 = screen.locator("[data-table='1']")
        expect(table2).to_contain_text("3 van 3 kamers bevestigd")
        expect(console.locator("#players tbody tr")).to_have_count(3)

        # Daan joins mid-round in the browser: the smallest table, the next seat, a chamber now
        daan = join_via_ui(phone_ctx, live_server, code, "Daan", errors)
        phase(daan, "choices")
        expect(daan.locator("#my-roles")).to_be_visible()
        assert chamber_of(daan) == "property"  # seat 2 of 2 holds the Vastgoedkamer in round 1
        expect(daan.locator(".badge", has_text="Tafel 2")).to_have_count(1)
        expect(daan.locator("[data-select=P1]")).to_be_visible()  # the frame is chosen: he can act
        me = next(p for p in api.view(code, fac)["players"] if p["name"] == "Daan")
        assert me["table"] == 1 and me["roles"] == ["property"]

        # the console shows him live: his row, his table and chamber, online, not yet confirmed
        row = console.locator(f"tr[data-player='{me['id']}']")
        expect(row).to_contain_text("Daan")
        expect(row.locator("td").nth(1)).to_have_text("2")
        expect(row.locator("td").nth(2)).to_have_text(CHAMBERS["property"])
        expect(row.locator(".dot.on")).to_have_count(1)
        expect(row.locator(f"[data-nudge='{me['id']}']")).to_have_count(1)
        expect(console.locator("#players tbody tr")).to_have_count(4)
        # the big screen: table 2's Vastgoedkamer now waits for him
        expect(table2).to_contain_text("2 van 3 kamers bevestigd")

        # and what he does shows on the console at once
        daan.click("[data-select=P1]")
        expect(daan.locator("[data-select=P1]")).to_have_text("Geselecteerd ✓")
        expect(console.locator("[data-table='1']")).to_contain_text("P1")
        expect(console.locator("[data-table='0']")).not_to_contain_text("P1")
    finally:
        for c in (fac_ctx, screen_ctx, phone_ctx):
            c.close()


# ---------------------------------------------------------------------------
# 2. Offline and back

def test_offline_phone_reconnects_to_the_current_state(browser, grace_server, errors, tmp_path):
    api = Api(grace_server)
    cable = Cable(grace_server)
    fac_ctx = new_context(browser, DESKTOP)
    phone_ctx = new_context(browser, PHONE, mobile=True)
    try:
        room, who, _ = play_round(api)
        code, fac = room["code"], room["facilitator_token"]
        me = who["property"]
        api.command(code, me["token"], type="select", option="P1", selected=True, round=1)
        console = open_live(fac_ctx, room["console_url"], errors)
        row = console.locator(f"tr[data-player='{me['player_id']}']")
        phone = open_live(phone_ctx, cable.via(me["play_url"]), errors)
        phase(phone, "choices")
        expect(row.locator(".dot.on")).to_have_count(1)
        expect(phone.locator("#conn")).to_be_hidden()
        phone.evaluate("window.__sameDocument = true")  # gone after any reload

        # the laptop sleeps: the connection drops, the page says it is reconnecting
        seen_before = len(errors)
        phone_ctx.set_offline(True)
        cable.cut()
        t_cut = time.monotonic()
        expect(phone.locator("body")).to_have_class(re.compile(r"\boffline\b"))
        expect(phone.locator("#conn")).to_be_visible()
        expect(phone.locator("#conn")).to_have_text("Verbinding herstellen…")
        phone.screenshot(path=str(tmp_path / "phone-offline.png"))  # to look at, never to docs/
        # the facilitator still sees the player online during the grace period, then offline
        expect(row.locator(".dot.on")).to_have_count(1)
        expect(row.locator(".dot.on")).to_have_count(0, timeout=(GRACE + 8) * 1000)
        gone_after = time.monotonic() - t_cut
        assert gone_after >= GRACE - 0.5, f"shown offline after {gone_after:.1f} s, grace is {GRACE} s"
        expect(row.locator(".dot")).to_have_count(1)

        # meanwhile the table goes on to the reveal
        api.command(code, who["social"]["token"], type="cover", option="P1", covered=True, round=1)
        api.command(code, who["social"]["token"], type="choose_rent_policy", policy="freeze", round=1)
        for r in CHAMBERS:
            api.command(code, who[r]["token"], type="confirm", round=1)
        console.click("#btn-lock")
        phase(console, "locked")
        console.click("#btn-reveal")
        phase(console, "revealed")
        phase(phone, "choices")  # still asleep: nothing new arrived
        year = api.view(code, fac)["tables"][0]["history"][-1]
        assert year["going_ahead"] == ["P1"] and year["decisions"]["rent_policy"] == "freeze"

        # the laptop wakes: the page reconnects by itself and shows the current state
        phone_ctx.set_offline(False)
        cable.plug()
        phone.wait_for_function("window.__wsOpen === true", timeout=RECONNECT_MS)
        expect(phone.locator("body")).not_to_have_class(re.compile(r"\boffline\b"))
        expect(phone.locator("#conn")).to_be_hidden()
        phase(phone, "revealed")
        assert phone.evaluate("window.__sameDocument === true"), "the page was reloaded"
        reveal = phone.locator("#reveal")
        expect(reveal).to_contain_text("Uitkomst 2026")
        expect(reveal).to_contain_text("Bevriezing")  # the rent policy chosen while it slept
        expect(reveal.locator(".badge.ok", has_text="P1")).to_have_count(1)
        expect(reveal.locator("[data-ratio=icr]")).to_contain_text(nl_num(year["figures"]["icr"], 2))
        expect(row.locator(".dot.on")).to_have_count(1)  # and online again on the console

        # while it was down the browser logged failed websocket attempts: expected, nothing else
        outage, errors[seen_before:] = errors[seen_before:], []
        errors.extend(e for e in outage if "WebSocket connection to" not in e and "[object Event]" not in e)
    finally:
        fac_ctx.close()
        phone_ctx.close()
        cable.close()
        api.close()


# ---------------------------------------------------------------------------
# 3. The clock runs out on a half-finished decision

def test_timer_expiry_locks_every_page_and_keeps_the_draft(browser, live_server, api, errors, tmp_path):
    room, who, _ = play_round(api, frame="prudent")  # not the default frame: a dropped draft would show
    code, fac = room["code"], room["facilitator_token"]
    ctxs = [new_context(browser, DESKTOP), new_context(browser, BIG_SCREEN),
            new_context(browser, PHONE, mobile=True), new_context(browser, PHONE, mobile=True)]
    try:
        console = open_live(ctxs[0], room["console_url"], errors)
        screen = open_live(ctxs[1], room["screen_url"], errors)
        prop = open_live(ctxs[2], who["property"]["play_url"], errors)
        soc = open_live(ctxs[3], who["social"]["play_url"], errors)
        phones = (prop, soc)
        for p in phones:
            expect(p.locator("#clock")).to_have_count(0)

        # the facilitator starts a two-minute clock in the console: it counts down on the phones
        console.click("[data-timer='2']")
        for p in phones:
            clock = p.locator("#clock")
            expect(clock).to_have_text(re.compile(r"⏱ (2:00|1:5\d)"))
            first = clock_seconds(clock.inner_text())
            assert 110 <= first <= 120, first
            p.wait_for_function(COUNTDOWN_BELOW, arg=first)  # ticks down in the page, no push needed
        expect(console.locator("#clock")).to_have_text(re.compile(r"⏱ [12]:\d\d"))

        # half a decision: the Vastgoedkamer selects P1, the top is not covered, nobody confirms
        prop.click("[data-select=P1]")
        expect(prop.locator("[data-select=P1]")).to_have_text("Geselecteerd ✓")
        expect(console.locator("[data-table='0']")).to_contain_text("P1")

        api.command(code, fac, type="set_timer", seconds=3)
        for p in phones:
            expect(p.locator("#clock")).to_have_text(re.compile(r"⏱ 0:0[0-3]"))
        # at zero the server locks: every page shows it without a reload
        for p in (*phones, console, screen):
            phase(p, "locked")
        for p in phones:
            expect(p.locator("#confirm")).to_contain_text("De ronde is gesloten")
            expect(p.locator("#clock")).to_have_count(0)
            expect(p.locator("[data-select], [data-cover], [data-policy], [data-frame], #confirm-button"))\
                .to_have_count(0)

        # the log says timed_out for the table, with the policy; the draft is kept
        data = export(api, room)
        locks = [e for e in data["log"] if e["type"] == "round_locked"]
        assert len(locks) == 1, locks
        assert locks[0]["timed_out"] == [0] and locks[0]["policy"] == "keep_draft", locks[0]
        assert locks[0]["defaults"] == {"0": ["rent_policy"]}, locks[0]
        pkg = api.view(code, fac)["tables"][0]["plan"]["package"]
        assert pkg["frame"] == "prudent" and pkg["selected"] == ["P1"] and pkg["covered"] == []
        table = console.locator("[data-table='0']")
        expect(table).to_contain_text("Behoudend")
        expect(table.locator(".badge", has_text="P1")).to_have_count(1)
        console.screenshot(path=str(tmp_path / "console-timed-out.png"), full_page=True)
        prop.screenshot(path=str(tmp_path / "phone-timed-out.png"))

        # the reveal shows the kept draft, on the phones and on the console
        console.click("#btn-reveal")
        for p in (*phones, console, screen):
            phase(p, "revealed")
        year = api.view(code, fac)["tables"][0]["history"][-1]
        assert year["timed_out"] is True and year["decisions"]["frame"] == "prudent"
        assert year["decisions"]["selected"] == ["P1"] and year["not_covered"] == ["P1"]
        assert year["defaults"] == ["rent_policy"]
        assert export(api, room)["tables"][0]["history"][-1]["timed_out"] is True
        for where in (prop.locator("#reveal"), soc.locator("#reveal"), table):
            expect(where).to_contain_text("Behoudend")
            expect(where.locator(".badge.warn", has_text="P1")).to_have_count(1)  # selected, not covered
            expect(where).to_contain_text("standaard gezet: huurbeleid")
            expect(where.locator("[data-ratio=icr]")).to_contain_text(nl_num(year["figures"]["icr"], 2))
    finally:
        for c in ctxs:
            c.close()


# ---------------------------------------------------------------------------
# 4. Re-open a locked round

def test_reopen_lets_a_player_change_a_choice(browser, live_server, api, errors):
    room, who, _ = play_round(api)
    code, fac = room["code"], room["facilitator_token"]
    api.command(code, who["property"]["token"], type="select", option="P1", selected=True, round=1)
    fac_ctx, phone_ctx = new_context(browser, DESKTOP), new_context(browser, PHONE, mobile=True)
    try:
        console = open_live(fac_ctx, room["console_url"], errors)
        soc = open_live(phone_ctx, who["social"]["play_url"], errors)
        expect(soc.locator("[data-cover=P1]")).to_have_text("Dek de top")

        console.click("#btn-lock")
        phase(console, "locked")
        phase(soc, "locked")
        expect(soc.locator("#confirm")).to_contain_text("De ronde is gesloten")
        expect(soc.locator("[data-cover], [data-policy], [data-select]")).to_have_count(0)
        assert api.view(code, fac)["tables"][0]["plan"]["package"]["rent_policy"] == "inflation"  # the default

        console.click("#btn-reopen")
        phase(console, "choices")
        phase(soc, "choices")
        # the default set at the lock is taken back: the choice is open again
        assert api.view(code, fac)["tables"][0]["plan"]["package"]["rent_policy"] is None
        settled(soc, version_of(api, room))
        soc.click("[data-cover=P1]")
        expect(soc.locator("[data-cover=P1]")).to_have_text("Top gedekt ✓")
        expect(soc.locator("[data-option=P1]")).to_contain_text("gaat door")
        soc.click("[data-policy=moderate]")
        expect(soc.locator("[data-policy=moderate]")).to_have_class(re.compile(r"\bchosen\b"))

        console.click("#btn-lock")
        phase(console, "locked")
        console.click("#btn-reveal")
        phase(soc, "revealed")
        year = api.view(code, fac)["tables"][0]["history"][-1]
        assert year["going_ahead"] == ["P1"] and year["not_covered"] == []
        assert year["decisions"]["rent_policy"] == "moderate" and year["defaults"] == []
        assert year["timed_out"] is False
        reveal = soc.locator("#reveal")
        expect(reveal.locator(".badge.ok", has_text="P1")).to_have_count(1)
        expect(reveal).to_contain_text("Gematigd")
        expect(reveal).not_to_contain_text("standaard gezet")
        locks = [e for e in export(api, room)["log"] if e["type"] in ("round_locked", "round_reopened")]
        assert [e["type"] for e in locks] == ["round_locked", "round_reopened", "round_locked"]
    finally:
        fac_ctx.close()
        phone_ctx.close()


# ---------------------------------------------------------------------------
# 5. The big screen through a round

def test_big_screen_through_a_round(browser, live_server, api, errors, shots, tmp_path):
    room = api.create_room(tables=1)
    code, fac = room["code"], room["facilitator_token"]
    ctx = new_context(browser, BIG_SCREEN)
    try:
        screen = open_live(ctx, room["screen_url"], errors)
        phase(screen, "lobby")
        qr = screen.locator("#game svg").first
        expect(qr).to_be_visible()
        box = qr.bounding_box()
        assert box["width"] >= 250 and box["height"] >= 250, box  # scannable from the back of the room
        expect(screen.locator("#game")).to_contain_text(f"/j/{code}")
        expect(screen.locator("#game .code")).to_have_text(code)

        # names fill up live
        joined = []
        for i, name in enumerate(NAMES, start=1):
            joined.append(api.join(code, name))
            expect(screen.locator("#lobby-names .badge")).to_have_count(i)
            expect(screen.locator("#lobby-names")).to_contain_text(name)
            expect(screen.locator("h2", has_text="spelers")).to_have_text(f"{i} spelers")
        screen.screenshot(path=str(tmp_path / "big-screen-lobby.png"))

        api.command(code, fac, type="start")
        phase(screen, "frame")
        roles = {p["id"]: p["roles"][0] for p in api.view(code, fac)["players"]}
        tok = {roles[j["player_id"]]: j["token"] for j in joined}
        table = screen.locator("[data-table='0']")
        chosen_ids = ["P1", "P2", "P3", "M1"]

        def nothing_chosen_shows() -> None:
            text = screen.locator("body").inner_text()
            html = screen.content()
            for oid in chosen_ids:
                assert not re.search(rf"\b{oid}\b", text), f"{oid} is on the big screen before the reveal"
            assert "data-option" not in html and "data-select" not in html
            for name in ("Bevriezing", "Gematigd", "Behoudend", "Ruimhartig"):
                assert name not in text, f"{name} is on the big screen before the reveal"

        expect(table).to_contain_text("0 van 3 kamers bevestigd")
        expect(table).to_contain_text("kader nog niet gekozen")
        api.command(code, tok["capital"], type="choose_frame", frame="generous", round=1)
        phase(screen, "choices")
        expect(table).to_contain_text("kader gekozen")
        for oid in ("P1", "P2", "P3"):
            api.command(code, tok["property"], type="select", option=oid, selected=True, round=1)
        api.command(code, tok["social"], type="cover", option="P1", covered=True, round=1)
        api.command(code, tok["social"], type="choose_rent_policy", policy="freeze", round=1)
        menu = {o["id"]: o for o in api.view(code, fac)["menu"]}
        assert {"P1", "P2", "P3", "M1"} <= set(menu), sorted(menu)
        api.command(code, tok["social"], type="select", option="M1", selected=True, round=1)
        for n, chamber in enumerate(CHAMBERS, start=1):
            api.command(code, tok[chamber], type="confirm", round=1)
            expect(table).to_contain_text(f"{n} van 3 kamers bevestigd")
            expect(table.locator(".badge.ok")).to_have_count(n)
            expect(table.locator(".badge.ok", has_text=CHAMBERS[chamber])).to_have_count(1)
            nothing_chosen_shows()
        for oid in chosen_ids:
            expect(screen.locator("body")).not_to_contain_text(menu[oid]["name"])
        screen.screenshot(path=str(tmp_path / "big-screen-progress.png"))

        api.command(code, fac, type="lock", round=1)
        phase(screen, "locked")
        nothing_chosen_shows()
        api.command(code, fac, type="reveal", round=1)
        phase(screen, "revealed")
        figures = api.view(code, fac)["tables"][0]["history"][-1]["figures"]
        icr = table.locator("[data-ratio=icr]")
        expect(icr).to_contain_text(nl_num(figures["icr"], 2))
        expect(table.locator("[data-ratio=ltv]")).to_be_visible()
        expect(table.locator("[data-ratio=solvency]")).to_be_visible()
        size = float(icr.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
        assert size >= 40, f"the ICR is {size}px on the big screen"
        box = icr.bounding_box()
        assert box["y"] + box["height"] <= BIG_SCREEN["height"], "the ICR is below the fold"
        screen.screenshot(path=str(shots / "big-screen-round.png"))
        if shots != tmp_path / "screenshots":
            screen.screenshot(path=str(tmp_path / "big-screen-round.png"))
    finally:
        ctx.close()


# ---------------------------------------------------------------------------
# 6. A nudge

def test_nudge_shows_until_the_player_confirms(browser, live_server, api, errors):
    room, who, _ = play_round(api)
    me, other = who["property"], who["social"]
    fac_ctx = new_context(browser, DESKTOP)
    ctxs = [new_context(browser, PHONE, mobile=True) for _ in range(2)]
    try:
        console = open_live(fac_ctx, room["console_url"], errors)
        phone = open_live(ctxs[0], me["play_url"], errors)
        other_phone = open_live(ctxs[1], other["play_url"], errors)
        expect(phone.locator("#nudge")).to_have_count(0)
        nudge = console.locator(f"[data-nudge='{me['player_id']}']")

        nudge.click()
        expect(phone.locator("#nudge")).to_be_visible()
        expect(phone.locator("#nudge")).to_contain_text("bevestigen")
        expect(other_phone.locator("#nudge")).to_have_count(0)  # only the nudged player
        assert any(e["type"] == "player_nudged" and e["player_id"] == me["player_id"]
                   for e in export(api, room)["log"])

        settled(phone, version_of(api, room))
        phone.click("#confirm-button")
        expect(phone.locator("#confirmed-note")).to_be_visible()
        expect(console.locator(f"tr[data-player='{me['player_id']}'] td").nth(3)).to_have_text("✓")
        expect(nudge).to_have_count(0)  # nothing left to nudge on the console
        expect(phone.locator("#nudge")).to_have_count(0)
    finally:
        fac_ctx.close()
        for c in ctxs:
            c.close()
