"""Live updates: each websocket gets one 'changed' flag and one sender task.

A change in a room only says "room X changed"; each connection then renders its own
viewer's current view, so a message can never carry more than that viewer may see, and a
reconnecting client always gets the full current state. Changes coalesce, so a slow phone
gets the newest state, not a backlog; a send that stalls longer than SEND_TIMEOUT drops
that connection (it resyncs when it comes back), and the room never waits for it.
"""
from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Callable

from starlette.websockets import WebSocket, WebSocketDisconnect

SEND_TIMEOUT = 10.0
GRACE_SECONDS = 20.0  # a player counts as gone only this long after their last connection closed


class Conn:
    """One websocket: a 'changed' flag and a sender task that always sends the newest view."""

    def __init__(self, ws: WebSocket, code: str, viewer: tuple, render: Callable[[], str]):
        self.ws, self.code, self.viewer, self.render = ws, code, viewer, render
        self.changed = asyncio.Event()
        self.closed = False

    async def sender(self) -> None:
        try:
            while True:
                await self.changed.wait()
                self.changed.clear()  # changes that arrive while sending coalesce into one send
                await asyncio.wait_for(self.ws.send_text(self.render()), SEND_TIMEOUT)
        except Exception:  # a failed or stalled send removes only this connection
            self.closed = True
            with contextlib.suppress(Exception):
                await self.ws.close(code=1011)


class Hub:
    def __init__(self, service=None):
        self.service = service
        self.conns: dict[str, set[Conn]] = {}
        self.left: dict[tuple[str, str], float] = {}   # (room, player) -> when the last socket closed
        self.grace = GRACE_SECONDS

    def live(self, code: str) -> set[str]:
        """Player ids with at least one open connection in the room."""
        return {c.viewer[1] for c in self.conns.get(code, ()) if c.viewer[0] == "player" and not c.closed}

    def connected(self, code: str) -> set[str]:
        """Players shown as present: connected now, or gone for less than the grace period
        (a refresh or a short Wi-Fi drop never shows them as gone)."""
        now = time.monotonic()
        recent = {pid for (room, pid), t in self.left.items() if room == code and now - t < self.grace}
        return self.live(code) | recent


    def notify(self, code: str) -> None:
        for conn in list(self.conns.get(code, ())):
            if conn.closed:
                self.conns[code].discard(conn)
            else:
                conn.changed.set()

    async def serve(self, ws: WebSocket, code: str, viewer: tuple, render: Callable[[], str]) -> None:
        """Run one accepted websocket until it goes away; the full view is sent at once."""
        conn = Conn(ws, code, viewer, render)
        self.conns.setdefault(code, set()).add(conn)
        task = asyncio.create_task(conn.sender())
        newcomer = viewer[0] == "player" and len([c for c in self.conns[code] if c.viewer == viewer]) == 1
        conn.changed.set()
        if viewer[0] == "player":
            self.left.pop((code, viewer[1]), None)
        if newcomer:
            self.notify(code)  # presence changed: others see the player come online
        try:
            while not conn.closed:  # the receive loop is where a disconnect shows up
                await ws.receive_text()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            self.conns.get(code, set()).discard(conn)
            if viewer[0] == "player" and viewer[1] not in self.live(code):
                loop = asyncio.get_running_loop()
                self.left[(code, viewer[1])] = time.monotonic()
                # after the grace period the facilitator sees the player as gone
                loop.call_later(self.grace + 0.1, self.notify, code)

    async def close_all(self, code: int = 1012) -> None:
        """On shutdown: tell clients to come back (1012 = service restart)."""
        for conns in self.conns.values():
            for c in list(conns):
                await _close(c.ws, code)


async def _close(ws: WebSocket, code: int = 1008) -> None:
    with contextlib.suppress(Exception):
        await ws.close(code=code)
