"""English on request: every UI text in a template has a translation, and `?lang=en` pages of a
running game show no Dutch UI text, while the Dutch default pages still do.

Dutch is the source text and the default; `_("…")` in a template looks the Dutch text up in
`server.i18n.EN`. Scenario content (frame, option and event names) and domain words in
parentheses stay Dutch, so the checks below look for the UI's own sentences only.
"""
from __future__ import annotations

import html
import re
import string
import warnings

import pytest
from jinja2 import nodes

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from game.messages import MESSAGES
from server.app import create_app
from server.i18n import EN, translate
from server.render import PHASES, WEB, Renderer, make_env
from server.settings import Settings
from server_harness import Room

TEMPLATES = WEB / "templates"


# --- 1. every message has a translation ------------------------------------------------------

def template_messages() -> dict[str, set[str]]:
    """Every literal passed to `_()` in any template -> the templates it appears in."""
    env = make_env()
    found: dict[str, set[str]] = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        tree = env.parse(path.read_text(encoding="utf-8"), name=name)
        for call in tree.find_all(nodes.Call):
            if (isinstance(call.node, nodes.Name) and call.node.name == "_" and call.args
                    and isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str)):
                found.setdefault(call.args[0].value, set()).add(name)
    return found


def placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_the_parser_sees_the_calls():
    found = template_messages()
    # both quote styles and `.format` sentences are found, in the pages and in the macros
    assert "Bevestigen" in found and "partials/player_game.html" in found["Bevestigen"]
    assert "Ronde {n} van {m}" in found
    assert "Tafel {n}" in found and "partials/macros.html" in found["Tafel {n}"]
    assert "Solvabiliteit" in found  # written _('…') in macros.html
    assert len(found) > 100


def test_every_template_message_has_an_english_translation():
    missing = {text: sorted(where) for text, where in template_messages().items() if text not in EN}
    assert not missing, "add these to server/i18n.py EN:\n" + "\n".join(
        f"  {text!r}  ({', '.join(where)})" for text, where in sorted(missing.items()))


def test_translations_keep_their_placeholders():
    for nl, en in EN.items():
        assert en.strip(), nl
        assert placeholders(nl) == placeholders(en), (nl, en)


def test_every_refusal_message_has_dutch_and_english():
    for code, texts in MESSAGES.items():
        assert texts.get("nl", "").strip() and texts.get("en", "").strip(), code
        assert placeholders(texts["nl"]) == placeholders(texts["en"]), code


def test_every_phase_label_is_translatable():
    for phase, label in PHASES.items():
        assert label in EN, (phase, label)
        assert translate(label, "en") == EN[label]
        assert translate(label, "nl") == label


def test_translate_defaults_to_dutch():
    assert translate("Volgende ronde", "en") == "Next round"
    assert translate("Volgende ronde", "nl") == "Volgende ronde"
    assert translate("Volgende ronde") == "Volgende ronde"
    assert translate("Een tekst zonder vertaling", "en") == "Een tekst zonder vertaling"


def test_the_renderer_uses_i18n():
    r = Renderer()
    assert "Game code" in r.render("home.html", lang="en", scenarios=[], default_scenario="woonstad")
    assert "Spelcode" in r.render("home.html", scenarios=[], default_scenario="woonstad")


# --- 2. pages of a running game in English and in Dutch ---------------------------------------

# Characteristic Dutch UI phrases per page and phase (from home.html, join.html, base.html and
# the game partials): all must show on the Dutch default page, none on the ?lang=en page.
BASE = ["Verbinding herstellen", "Geen verbinding met de server"]
PHRASES: dict[tuple[str, str], list[str]] = {
    ("home", "any"): ["Spelcode", "Nieuw spel", "Aantal tafels", "Spel openen", "Een spel voor woningcorporaties"],
    ("join", "any"): ["Meedoen met spel", "Je naam"],
    ("console", "lobby"): ["Start het spel", "Bediening", "Groot scherm (beamer)", "Rol deze ronde", "Verwijder",
                           "uit het spel halen?", "Het spel beëindigen?", "Beëindig het spel"],
    ("player", "lobby"): ["Wachten op de spelleider", "Zodra de spelleider start"],
    ("screen", "lobby"): ["Doe mee met", "3 spelers"],
    ("console", "choices"): ["Sluit de ronde", "Ronde 1 van", "Keuzes maken", "Klok", "Pauze", "Por",
                             "Maatsch. budget", "Projecten:"],
    ("capital", "choices"): ["Bevestigen", "Gevolgen van dit pakket", "Maatschappelijk budget naar categorie",
                             "Kasstroom (ocf)", "Leenplafond", "Zonder keuzes", "Aan tafel", "Jij bent", "gekozen"],
    ("property", "choices"): ["Geselecteerd ✓", "Selecteer", "Investering", "· onrendabele top", "top niet gedekt",
                              "Gevolgen van dit pakket"],
    ("social", "choices"): ["Dek de top", "Huurbeleid en programma's", "t.o.v. inflatievolgend", "Leenruimte"],
    ("screen", "choices"): ["kamers bevestigd", "kader gekozen", "Keuzes maken"],
    ("console", "locked"): ["Toon de uitkomst", "Heropen de ronde", "Ronde gesloten"],
    ("capital", "locked"): ["De ronde is gesloten", "Wachten op de uitkomst"],
    ("screen", "locked"): ["Ronde gesloten", "kamers bevestigd"],
    ("console", "revealed"): ["Volgende ronde", "Maatsch. budget gebruikt", "Geschiedenis", "Solvabiliteit"],
    ("capital", "revealed"): ["Maatschappelijk budget naar categorie", "Totaal gebruikt", "Kas eind jaar",
                              "Geschiedenis Tafel 1", "Vochtwoningen"],
    ("screen", "revealed"): ["waarvan huurkorting", "Vermogensgroei", "Woningen"],
    ("console", "finished"): ["Resultaten", "Beslissingen per ronde", "Afgelopen", "Verm.groei"],
    ("capital", "finished"): ["Resultaten", "Beslissingen per ronde", "Tafel 1"],
    ("screen", "finished"): ["Resultaten", "Beslissingen per ronde"],
}
# The English of a few, to see the page is really translated (not just stripped).
ENGLISH = {("console", "lobby"): ["Start the game", "Controls"], ("capital", "choices"): ["Confirm", "Round 1 of"],
           ("console", "revealed"): ["Next round"], ("screen", "finished"): ["Results"]}

# Dutch UI sentences from EN that must never show on an English page (long enough not to be
# scenario content; those that appear inside an English translation are left out).
NEVER_IN_ENGLISH = sorted(
    nl for nl, en in EN.items()
    if nl != en and "{" not in nl and " " in nl and len(nl) >= 12
    and not any(nl in other for other in EN.values()))


def text_of(page: str) -> str:
    return html.unescape(page)


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path}/t.db"))) as c:
        yield c


def new_room(client) -> Room:
    r = client.post("/api/v1/rooms", json={"scenario": "woonstad", "tables": 1})
    assert r.status_code == 201, r.text
    body = r.json()
    return Room(client, body["code"], body["facilitator_token"], body)


def urls(room: Room, phase: str) -> dict[str, str]:
    out = {"console": f"/r/{room.code}/f/{room.fac}", "screen": f"/r/{room.code}/screen"}
    if phase == "lobby":
        out["player"] = f"/r/{room.code}/p/{next(iter(room.tokens.values()))}"
    else:
        view = room.view()
        for chamber in ("capital", "property", "social"):
            out[chamber] = f"/r/{room.code}/p/{room.tok(0, chamber, view)}"
    return out


def get(client, url: str, lang: str | None) -> str:
    client.cookies.clear()  # the Dutch default: no ?lang= and no cookie
    r = client.get(url + ("?lang=" + lang if lang else ""))
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return text_of(r.text)


def check(client, room: Room | None, phase: str, pages: dict[str, str]):
    for who, url in pages.items():
        dutch = get(client, url, None)
        english = get(client, url, "en")
        phrases = PHRASES.get((who, phase), []) + BASE
        assert '<html lang="nl">' in dutch and '<html lang="en">' in english, (who, phase)
        for phrase in phrases:
            assert phrase in dutch, f"{who}/{phase}: Dutch page lacks {phrase!r}"
            assert phrase not in english, f"{who}/{phase}: English page still shows {phrase!r}"
        for nl in NEVER_IN_ENGLISH:
            assert nl not in english, f"{who}/{phase}: English page shows Dutch {nl!r}"
        for en in ENGLISH.get((who, phase), []):
            assert en in english, f"{who}/{phase}: English page lacks {en!r}"


def test_pages_in_english_and_dutch_through_a_whole_game(client):
    check(client, None, "any", {"home": "/"})
    room = new_room(client)
    check(client, room, "any", {"join": f"/j/{room.code}"})
    for name in ("Anna", "Bram", "Chantal"):
        room.join(name)
    check(client, room, "lobby", urls(room, "lobby"))

    room.fac_cmd("start")
    room.act(0, "capital", "choose_frame", frame="balanced")
    room.act(0, "property", "select", option="P1", selected=True)
    room.act(0, "property", "select", option="P2", selected=True)
    room.act(0, "social", "cover", option="P1", covered=True)
    room.act(0, "social", "choose_rent_policy", policy="moderate")
    assert room.view()["room"]["phase"] == "choices"
    check(client, room, "choices", urls(room, "choices"))

    room.fac_cmd("lock", round=1)
    assert room.view()["room"]["phase"] == "locked"
    check(client, room, "locked", urls(room, "locked"))

    room.fac_cmd("reveal", round=1)
    assert room.view()["room"]["phase"] == "revealed"
    check(client, room, "revealed", urls(room, "revealed"))

    room.fac_cmd("end")
    assert room.view()["room"]["phase"] == "finished"
    check(client, room, "finished", urls(room, "finished"))


def test_the_lang_cookie_keeps_english_for_actions_and_the_websocket(client):
    room = new_room(client)
    for name in ("Anna", "Bram", "Chantal"):
        room.join(name)
    console = f"/r/{room.code}/f/{room.fac}"
    client.cookies.clear()
    assert "Start the game" in client.get(console + "?lang=en").text
    assert client.cookies.get("lang") == "en"
    page = text_of(client.get(console).text)  # no ?lang=: the cookie decides
    assert "Start the game" in page and "Start het spel" not in page
    # an htmx action answers with the fragment in the cookie's language
    r = client.post(f"/r/{room.code}/act/{room.fac}", data={"type": "start"})
    assert r.status_code == 200, r.text
    assert "Lock the round" in r.text and "Sluit de ronde" not in r.text
    # the websocket url carries the language of the page
    assert "lang=en" in re.search(r'ws-connect="([^"]+)"', page).group(1)
    tok = room.tok(0, "capital")
    with client.websocket_connect(f"/ws/{room.code}?format=html&lang=en&token={tok}") as ws:
        fragment = text_of(ws.receive_text())
    assert "Confirm" in fragment and "Bevestigen" not in fragment
    with client.websocket_connect(f"/ws/{room.code}?format=html&token={tok}") as ws:
        assert "Bevestigen" in text_of(ws.receive_text())
