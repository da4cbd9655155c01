"""What every bot needs to talk to a running server: one identity's HTTP calls (`Client`),
the newest view it has seen from websocket pushes, replies and polls (`Watcher`), the run's
bookkeeping (`Stats`) and the number formats of the printed report. server/bots.py plays
the DrieKamerSpel on it, server/prio_bots.py the prioriteitenspel, server/bot_run.py runs either.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any, Optional

import httpx
from websockets.asyncio.client import connect as ws_connect

EXPECTED_REFUSALS = {"over_social_budget", "over_borrowing_cap"}
# A confirm that lands just after the facilitator locked is harmless (a late click).
LATE_CONFIRM = {"round_locked", "wrong_round", "wrong_phase"}

POLL_AFTER = 2.0        # seconds without a push before a client asks with GET
ROUND_TIMEOUT = 60.0    # seconds a facilitator waits for every table (or party) to finish
HTTP_TIMEOUT = 20.0


# ---------------------------------------------------------------------------
# Bookkeeping

@dataclass
class Stats:
    requests: int = 0
    refused: int = 0          # expected over-budget refusals
    late: int = 0             # confirms that arrived after the lock
    pushes: int = 0
    polls: int = 0
    ws_drops: int = 0
    retries: int = 0          # requests sent again after the connection broke (keep-alive race)
    failures: list[str] = field(default_factory=list)

    def fail(self, text: str) -> None:
        self.failures.append(text)


@dataclass
class Reply:
    status: str                   # ok | refused | late | failed
    view: Optional[dict] = None
    code: str = ""


class Client:
    """One identity's HTTP calls, with every failure recorded against the run."""

    def __init__(self, http: httpx.AsyncClient, stats: Stats, code: str, token: str, label: str):
        self.http, self.stats, self.code, self.token, self.label = http, stats, code, token, label
        self.headers = {"Authorization": f"Bearer {token}"}
        self.watcher: Optional[Watcher] = None

    async def _send(self, method: str, path: str, **kw) -> httpx.Response:
        """One request; sent once more if the connection broke under it. Every command is
        safe to repeat (a repeat changes nothing), and a pooled keep-alive connection the
        server closes just as a request goes out is a transport race, not a server failure."""
        self.stats.requests += 1
        try:
            return await self.http.request(method, path, headers=self.headers, **kw)
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError, httpx.ConnectError):
            self.stats.retries += 1
            await asyncio.sleep(0.2)
            return await self.http.request(method, path, headers=self.headers, **kw)

    async def get_view(self) -> Optional[dict]:
        try:
            r = await self._send("GET", f"/api/v1/rooms/{self.code}")
        except httpx.HTTPError as exc:
            self.stats.fail(f"{self.label}: GET view: {type(exc).__name__}: {exc}")
            return None
        if r.status_code != 200:
            self.stats.fail(f"{self.label}: GET view -> {r.status_code} {r.text[:200]}")
            return None
        view = r.json()
        if self.watcher:
            self.watcher.offer(view)
        return view

    async def command(self, cmd: dict, late_ok: bool = False, expect: Optional[set[str]] = None) -> Reply:
        """Send one command. A 409 whose code is in `expect` (by default the over-budget codes of
        the DrieKamerSpel) is a normal refusal; with `late_ok`, so is one that came too late."""
        what = json.dumps(cmd, separators=(",", ":"))
        try:
            r = await self._send("POST", f"/api/v1/rooms/{self.code}/commands", json=cmd)
        except httpx.HTTPError as exc:
            self.stats.fail(f"{self.label}: {what}: {type(exc).__name__}: {exc}")
            return Reply("failed")
        try:
            body = r.json()
        except ValueError:
            body = None
        if r.status_code == 200 and isinstance(body, dict) and isinstance(body.get("view"), dict):
            if self.watcher:
                self.watcher.offer(body["view"])
            return Reply("ok", body["view"])
        code = ""
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            code = str(body["error"].get("code", ""))
        if r.status_code == 409 and code in (EXPECTED_REFUSALS if expect is None else expect):
            self.stats.refused += 1
            return Reply("refused", code=code)
        if late_ok and 400 <= r.status_code < 500 and code in LATE_CONFIRM:
            self.stats.late += 1
            return Reply("late", code=code)
        self.stats.fail(f"{self.label}: {what} -> {r.status_code} {code or r.text[:200]}")
        return Reply("failed", code=code)


class Watcher:
    """The newest view one identity has seen: from websocket pushes, command replies and polls."""

    def __init__(self, ws_url: str, client: Client, stats: Stats, stop: asyncio.Event, proxy: Any):
        self.ws_url, self.client, self.stats, self.stop, self.proxy = ws_url, client, stats, stop, proxy
        self.latest: Optional[dict] = None
        self.version = -1
        self.pushes = 0
        self.changed = asyncio.Event()
        self.first_push = asyncio.Event()
        self.task: Optional[asyncio.Task] = None
        client.watcher = self

    def offer(self, view: dict) -> None:
        try:
            v = int(view["room"]["version"])
        except (KeyError, TypeError, ValueError):
            self.stats.fail(f"{self.client.label}: a view without room.version")
            return
        if v >= self.version:  # an equal version may still carry news (who is online)
            self.latest, self.version = view, v
            self.changed.set()

    def start(self) -> None:
        self.task = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.task:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task

    async def _read(self) -> None:
        while not self.stop.is_set():
            try:
                async with ws_connect(self.ws_url, max_size=None, open_timeout=10, proxy=self.proxy) as ws:
                    async for raw in ws:
                        msg = json.loads(raw)
                        if not isinstance(msg, dict) or not isinstance(msg.get("view"), dict):
                            self.stats.fail(f"{self.client.label}: websocket message without a view: {str(raw)[:120]}")
                            continue
                        if msg.get("version") != msg["view"].get("room", {}).get("version"):
                            self.stats.fail(f"{self.client.label}: websocket version {msg.get('version')} "
                                            f"!= view version {msg['view'].get('room', {}).get('version')}")
                        self.pushes += 1
                        self.stats.pushes += 1
                        self.offer(msg["view"])
                        self.first_push.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # dropped or refused: come back, as a browser would
                if self.stop.is_set():
                    return
                self.stats.ws_drops += 1
                if self.stats.ws_drops > 50:
                    self.stats.fail(f"{self.client.label}: websocket keeps failing: {type(exc).__name__}: {exc}")
                    return
                await asyncio.sleep(0.5)

    async def wait_newer(self, after: int, timeout: float = POLL_AFTER) -> Optional[dict]:
        """The newest view once its version passes `after`; after `timeout` without, a GET."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.version <= after and not self.stop.is_set():
            self.changed.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                self.stats.polls += 1
                await self.client.get_view()
                break
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(remaining, 0.5))
        return self.latest


# ---------------------------------------------------------------------------
# Number formats of the printed report

def fmt_mln(x) -> str:
    return "-" if x is None else f"{x / 1e6:,.2f}"


def fmt_pct(x) -> str:
    return "-" if x is None else f"{x * 100:.1f}%"


def fmt_num(x) -> str:
    return "-" if x is None else f"{x:.2f}"
