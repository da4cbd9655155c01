"""Small helpers for the browser end-to-end tests: Dutch numbers, the JSON API, pages."""
from __future__ import annotations

import re
from typing import Optional

import httpx
from playwright.sync_api import BrowserContext, Page, expect

CHAMBERS = {"capital": "Vermogenskamer", "property": "Vastgoedkamer", "social": "Maatschappelijke Kamer"}
PHONE = {"width": 360, "height": 760}   # a small phone, used one-handed (issue: 360 px)
DESKTOP = {"width": 1366, "height": 900}
BIG_SCREEN = {"width": 1920, "height": 1080}
TIMEOUT_MS = 10_000  # one live update must arrive well within this


def mln(text: str) -> float:
    """'nog € 18,1 mln' -> 18.1 (the first amount in millions in the text)."""
    m = re.search(r"(−|-)?€\s*([\d.]+,\d)\s*mln", text)
    assert m, f"no amount in millions in {text!r}"
    value = float(m.group(2).replace(".", "").replace(",", "."))
    return -value if m.group(1) else value


def nl_num(value: float, digits: int = 2) -> str:
    """2.0512 -> '2,05' (the app's Dutch number format)."""
    return f"{value:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


class Api:
    """The public JSON API v1, for set-up and for checking what the pages show."""

    def __init__(self, base: str):
        self.http = httpx.Client(base_url=base, timeout=20, trust_env=False)

    def create_room(self, tables: int = 1) -> dict:
        r = self.http.post("/api/v1/rooms", json={"tables": tables})
        assert r.status_code == 201, r.text
        return r.json()

    def join(self, code: str, name: str) -> dict:
        r = self.http.post(f"/api/v1/rooms/{code}/players", json={"name": name})
        assert r.status_code == 201, r.text
        return r.json()

    def view(self, code: str, token: Optional[str]) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        r = self.http.get(f"/api/v1/rooms/{code}", headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    def command(self, code: str, token: str, **cmd) -> dict:
        r = self.http.post(f"/api/v1/rooms/{code}/commands", json=cmd, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, f"{cmd} -> {r.status_code} {r.text}"
        return r.json()["view"]

    def close(self) -> None:
        self.http.close()


def watch_errors(page: Page, errors: list[str]) -> Page:
    """Collect uncaught script errors and failed htmx requests of one page."""
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.on("console", lambda msg: errors.append(f"{page.url}: console {msg.text} {msg.location.get('url', '')}")
            if msg.type == "error" and "409" not in msg.text else None)
    return page


def phase(page: Page, name: str) -> None:
    expect(page.locator("#game")).to_have_attribute("data-phase", name, timeout=TIMEOUT_MS)


def wait_live(page: Page) -> None:
    """Wait until the page's websocket is open (htmx fires htmx:wsOpen on <body>)."""
    page.wait_for_function("window.__wsOpen === true", timeout=TIMEOUT_MS)


def open_live(context: BrowserContext, url: str, errors: list[str]) -> Page:
    """Open a live page and wait for its websocket to be open."""
    page = watch_errors(context.new_page(), errors)
    # set before any page script runs, so the first wsOpen is never missed
    page.add_init_script("document.addEventListener('htmx:wsOpen', () => { window.__wsOpen = true; });"
                         "document.addEventListener('htmx:wsClose', () => { window.__wsOpen = false; });")
    page.goto(url)
    wait_live(page)
    return page


def join_via_ui(context: BrowserContext, base: str, code: str, name: str, errors: list[str]) -> Page:
    """A player opens /j/{code}, types a name, submits and lands on the live player page."""
    page = watch_errors(context.new_page(), errors)
    page.add_init_script("document.addEventListener('htmx:wsOpen', () => { window.__wsOpen = true; });"
                         "document.addEventListener('htmx:wsClose', () => { window.__wsOpen = false; });")
    page.goto(f"{base}/j/{code}")
    page.fill("input[name=name]", name)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(rf"/r/{code}/p/[^/]+$"))
    wait_live(page)
    return page


def scroll_to(locator) -> None:
    """Scroll the page so that the element's top is at the top of the viewport."""
    locator.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 8)")


def chamber_of(page: Page) -> str:
    """The one chamber named in the player's #my-roles ('capital' | 'property' | 'social')."""
    text = page.locator("#my-roles").inner_text()
    found = [role for role, name in CHAMBERS.items() if name in text]
    assert len(found) == 1, f"expected exactly one chamber in {text!r}"
    return found[0]


def assert_fits(page: Page) -> None:
    """Nothing on the page pushes it wider than the screen (wide tables scroll inside their card)."""
    width = page.viewport_size["width"]
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"the page is {wide} px wide on a {width} px screen"
