"""`driekamer bots`: create a room on a running server, join N bots, play the whole game through
the public JSON API v1 and the websockets, print the result and check it. The scenario's mode
picks the players: server/bots.py (DrieKamerSpel) or server/prio_bots.py (prioriteitenspel).
"""
from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import Any, Optional, TextIO
from urllib.parse import quote, urlsplit

import httpx

from .bot_client import HTTP_TIMEOUT, Client, Stats, Watcher
from .bots import DrieKamerGame
from .prio_bots import PrioGame

GAME_TIMEOUT = 600.0    # the whole game


def _ws_base(url: str) -> str:
    parts = urlsplit(url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


async def _create(http: httpx.AsyncClient, path: str, body: dict, what: str, say) -> Optional[dict]:
    """POST that must answer 201 Created; on anything else say why and give None."""
    try:
        r = await http.post(path, json=body)
    except httpx.HTTPError as exc:
        say(f"error: {what}: {exc}")
        return None
    if r.status_code != 201:
        say(f"error: {what} -> {r.status_code} {r.text[:300]}")
        return None
    return r.json()


async def _run(url: str, players: int, tables: int, seed: int, scenario: str, out: TextIO) -> int:
    stats = Stats()
    stop = asyncio.Event()
    url = url.rstrip("/")
    loopback = _is_loopback(url)
    ws_base = _ws_base(url)
    say = lambda text: print(text, file=out, flush=True)  # noqa: E731

    async with httpx.AsyncClient(base_url=url, timeout=HTTP_TIMEOUT, trust_env=not loopback,
                                 limits=httpx.Limits(max_connections=max(20, players + 5),
                                                     keepalive_expiry=2.0)) as http:
        # the scenario and the room
        try:
            r = await http.get("/api/v1/scenarios")
            r.raise_for_status()
            known = {s["id"]: s for s in r.json()}
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            say(f"error: cannot read {url}/api/v1/scenarios: {exc}")
            return 2
        if scenario not in known:
            say(f"error: scenario {scenario!r} is not on the server (has: {', '.join(sorted(known))})")
            return 2
        mode = known[scenario].get("mode") or "driekamer"
        if mode == "prioriteiten":
            if tables != 1:
                say(f"error: scenario {scenario!r} is a prioriteitenspel, played at one table (not {tables})")
                return 2
            game = PrioGame(seed, stats, stop, out)
        elif mode == "driekamer":
            game = DrieKamerGame(seed, stats, stop, out)
        else:
            say(f"error: scenario {scenario!r} is mode {mode}; the bots play driekamer and prioriteiten")
            return 2
        room = await _create(http, "/api/v1/rooms", {"scenario": scenario, "tables": tables}, "creating a room", say)
        if room is None:
            return 2
        code = room["code"]
        say(f"room {code}: scenario {scenario}, {game.describe(tables)}, {players} bot(s), seed {seed}")

        fac_client = Client(http, stats, code, room["facilitator_token"], "facilitator")
        proxy = None if loopback else True
        fac_watch = Watcher(f"{ws_base}/ws/{code}?token={quote(room['facilitator_token'])}&format=json",
                            fac_client, stats, stop, proxy)
        facilitator = game.facilitator(fac_client, fac_watch)

        bots: list[Any] = []
        for i in range(1, players + 1):  # one by one: the join order is the seating order
            name = f"Bot {i}"
            j = await _create(http, f"/api/v1/rooms/{code}/players", {"name": name}, f"{name} cannot join", say)
            if j is None:
                return 1
            client = Client(http, stats, code, j["token"], name)
            watch = Watcher(f"{ws_base}/ws/{code}?token={quote(j['token'])}&format=json", client, stats, stop, proxy)
            bots.append(game.bot(name, j["player_id"], client, watch))

        watchers = [fac_watch] + [b.watcher for b in bots]
        for w in watchers:
            w.start()
        finished = False
        try:
            try:  # everyone online before the game starts
                await asyncio.wait_for(asyncio.gather(*(w.first_push.wait() for w in watchers)), 15)
            except asyncio.TimeoutError:
                silent = [w.client.label for w in watchers if not w.first_push.is_set()]
                stats.fail(f"no websocket push within 15 s for: {', '.join(silent)} (playing on by polling)")
            tasks = [asyncio.create_task(b.play()) for b in bots]
            try:
                finished = await asyncio.wait_for(facilitator.run(), GAME_TIMEOUT)
            except asyncio.TimeoutError:
                stats.fail(f"the game did not finish within {GAME_TIMEOUT:.0f} s")
            if finished:  # let the bots see the end themselves
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 10)
            stop.set()
            for task in tasks:
                task.cancel()
            results = await asyncio.gather(*tasks, return_exceptions=True)
            for b, res in zip(bots, results):
                if isinstance(res, Exception) and not isinstance(res, asyncio.CancelledError):
                    stats.fail(f"{b.name} crashed: {type(res).__name__}: {res}")
        finally:
            stop.set()
            for w in watchers:
                await w.close()

        final = await fac_client.get_view()
        if final is None:
            say("error: cannot read the final view")
            return 1
        if final["room"]["phase"] != "finished":
            stats.fail(f"the game ended in phase {final['room']['phase']!r}, round {final['room']['round']}")
        problems = game.report(final, bots)
        for b, w in zip(bots, watchers[1:]):
            if not w.pushes:
                problems.append(f"{b.name}: never received a websocket push")

    say(f"\n{stats.requests} requests, {stats.refused} over-budget refusals (normal), "
        f"{stats.late} late confirms, {stats.pushes} websocket pushes, {stats.polls} polls, "
        f"{stats.ws_drops} websocket reconnects, {stats.retries} retries")
    for p in problems:
        say(f"CHECK FAILED: {p}")
    for f in stats.failures:
        say(f"FAILED: {f}")
    ok = finished and not problems and not stats.failures
    say(f"OK: the game finished and {game.ok_text}" if ok else "NOT OK")
    return 0 if ok else 1


def run_bots(url: str, players: int, tables: int, seed: int, scenario: str = "woonstad",
             out: TextIO = sys.stdout) -> int:
    """Play one whole game with `players` bots at `tables` tables; return the exit code."""
    if tables < 1 or players < tables:
        print(f"error: {players} player(s) cannot fill {tables} table(s)", file=out)
        return 2
    return asyncio.run(_run(url, players, tables, seed, scenario, out))
