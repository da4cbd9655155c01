"""English on request for the Prioriteitenspel (GAME.md mode 2): a `regio` room driven through the
JSON API to every phase, with the console, a player's phone and the big screen fetched with
`?lang=en`. None may show the Dutch UI words below; the Dutch default pages still do.

Scenario content (stakeholder, post and municipality names) stays Dutch, as do the domain words
shown in parentheses after their English ("pro rata (naar rato)"); the words checked here are the
UI's own.
"""
from __future__ import annotations

import html
import re
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings
from server_harness import Room

# Dutch UI words that must not show on an English prio page (matched as whole words).
DUTCH = ["Meedoen", "Ga naar", "Bediening", "Partijen", "Gewicht", "Spelers", "Naam", "Partij",
         "doet niet mee", "Verwijder", "Klok", "Pauze", "Onthulling", "ingediend", "Indienen",
         "Jouw pakket", "Gesloten", "Concept", "Leeg", "Posten", "Kosten", "Gevolgen", "Zonder",
         "Woningen", "Schuld", "Solvabiliteit", "Leefbaarheid", "Steun", "Meeste steun",
         "Gelijke aandelen", "Gezamenlijk", "Aandeel per partij", "Geld per gemeente", "besteed",
         "van", "nog", "jij", "Kies", "Gekozen", "akkoord", "bezwaar", "Akkoord", "Bezwaar",
         "Nabespreking", "Eigen pakket", "Afgesproken", "Totaal", "punten", "partijen", "posten",
         "Wachten op", "spelleider", "Ontvangstbewijs", "Wie koos wat", "Door niemand gekozen",
         "Door iedereen gekozen", "Andere partijen", "hele regio", "jaarlijks programma",
         "Samenstellen", "Voeg toe", "Erin", "Por", "Verder", "Zet", "automatisch", "Beëindig",
         "Sluit de ronde", "Onthul", "Heropen", "Leg het pakket vast", "gaf het meest toe",
         "Groot scherm", "Doe mee", "Geen post", "afgerond", "bewijs van indienen"]
# the Dutch words that show on the Dutch pages (a sample, to see the check is not vacuous)
DUTCH_SEEN = {"lobby": ["Meedoen", "Bediening", "Partijen", "Gewicht", "Verwijder", "Spelers"],
              "choices": ["Indienen", "Jouw pakket", "Klok", "Pauze", "ingediend"],
              "revealed": ["Onthulling", "Wie koos wat", "Meeste steun"],
              "joint": ["Gezamenlijk", "Akkoord", "Bezwaar"],
              "finished": ["Nabespreking", "gaf het meest toe"]}
ENGLISH_SEEN = {"lobby": ["Join", "Controls", "Parties", "Weight", "Players"],
                "choices": ["Submit", "Your package", "Clock", "Pause"],
                "revealed": ["Reveal", "Who chose what", "Most support", "pro rata (naar rato)"],
                "joint": ["Joint package", "Agree", "Object"],
                "finished": ["Debrief"]}


def visible_text(page: str) -> str:
    """The text a reader sees or hears: element text plus title, aria-label, hx-confirm and
    placeholder attributes; no scripts, styles, other attributes or comments."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    attrs = re.findall(r'\s(?:title|aria-label|hx-confirm|placeholder)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(text + " " + " ".join(attrs))


def scenario_texts(view: dict) -> list[str]:
    """The room's own content, which stays Dutch: scenario, post, party, municipality and player
    names and descriptions (longest first, so that a name inside another goes after it)."""
    sc = view["scenario"]
    texts = [sc["name"], sc["description"]]
    texts += [m["name"] for m in sc["municipalities"]]
    texts += [x for p in view["posts"] for x in (p["name"], p["description"], p["theme"])]
    texts += [s["name"] for s in view["stakeholders"]] + [p["name"] for p in view["players"]]
    return sorted({t for t in texts if t}, key=len, reverse=True)


def without(text: str, texts: list[str]) -> str:
    for t in texts:
        text = text.replace(t, " ")
    return text


def dutch_words(text: str, words=DUTCH) -> list[str]:
    return [w for w in words if re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", text)]


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path}/t.db"))) as c:
        yield c


def prio_game(client):
    """Drive a `regio` room through lobby, choices, locked, revealed, joint and finished; yield
    (phase, {page: url}, room) at each."""
    r = client.post("/api/v1/rooms", json={"scenario": "regio", "tables": 1})
    assert r.status_code == 201, r.text
    body = r.json()
    room = Room(client, body["code"], body["facilitator_token"], body)
    for name in ("Anna", "Bas", "Chantal", "Daan"):
        room.join(name)
    tokens = list(room.tokens.values())
    base = f"/r/{room.code}"
    pages = {"console": f"{base}/f/{room.fac}", "screen": f"{base}/screen",
             "player": f"{base}/p/{tokens[0]}", "player2": f"{base}/p/{tokens[1]}"}
    yield "lobby", pages, room

    room.ok({"type": "start"})
    room.ok({"type": "set_timer", "seconds": 300})
    picks = [["P5", "M3", "M1"], ["G6", "M1"], ["G8", "M2", "M1"], ["G7", "M1"]]
    for tok, posts in zip(tokens, picks):
        for post in posts:  # what fits the party's budget
            r = room.post({"type": "ballot", "post": post, "selected": True}, tok)
            assert r.status_code == 200 or r.json()["error"]["code"] == "over_budget", r.text
    for tok in tokens[1:3]:
        room.ok({"type": "submit"}, tok)
    assert room.view()["room"]["phase"] == "choices"
    yield "choices", pages, room

    room.ok({"type": "submit"}, tokens[0])
    room.ok({"type": "lock"})
    yield "locked", pages, room
    room.ok({"type": "reveal"})
    assert room.view()["room"]["phase"] == "revealed"
    yield "revealed", pages, room

    room.ok({"type": "open_joint", "start_from": "mes"})
    room.ok({"type": "approve", "vote": "approve"}, tokens[0])
    room.ok({"type": "approve", "vote": "object"}, tokens[1])
    assert room.view()["room"]["phase"] == "joint"
    yield "joint", pages, room

    room.ok({"type": "close_joint"})
    assert room.view()["room"]["phase"] == "finished"
    yield "finished", pages, room


def fetch(client, url: str, lang: str | None) -> str:
    client.cookies.clear()
    r = client.get(url + ("?lang=" + lang if lang else ""))
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return r.text


def test_prio_pages_in_english_show_no_dutch_ui_words(client):
    seen_nl: dict[str, set[str]] = {}
    seen_en: dict[str, str] = {}
    for phase, pages, room in prio_game(client):
        content = scenario_texts(room.view())
        for who, url in pages.items():
            dutch = without(visible_text(fetch(client, url, None)), content)
            english = fetch(client, url, "en")
            assert '<html lang="en">' in english
            english = without(visible_text(english), content)
            left = dutch_words(english)
            assert not left, f"{who}/{phase} ?lang=en still shows Dutch: {left}"
            seen_nl.setdefault(phase, set()).update(dutch_words(dutch))
            seen_en[phase] = seen_en.get(phase, "") + " " + english
    for phase, words in DUTCH_SEEN.items():
        assert set(words) <= seen_nl[phase], (phase, set(words) - seen_nl[phase])
    for phase, words in ENGLISH_SEEN.items():
        for w in words:
            assert w in seen_en[phase], (phase, w)
