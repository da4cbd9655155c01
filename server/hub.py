"""Live updates: each websocket gets one bounded queue and one sender task.

A change in a room only says "room X changed"; each connection then renders its own
viewer's current view, so a message can never carry more than that viewer may see, and a
reconnecting client always gets the full current state. A client that stops reading fills
its queue and is dropped (it resyncs when it comes back); the room does not wait for it.
"""
from __future__ import annotations

import asyncio
import contextlib
from typing import Callable, Optional

from starlette.websockets import WebSocket, WebSocketDisconnect

SEND_TIMEOUT = 10.0


class Conn:
    def __init__(self, ws: WebSocket, code: str, viewer: tuple, render: Callable[[], str], size: int):
        self.ws, self.code, self.viewer, self.render = ws, code, viewer, render
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=size)
        self.closed = False

    async def sender(self) -> None:
        try:
            while True:
                await self.queue.get()
                while not self.queue.empty():  # coalesce: only the newest state matters
                    self.queue.get_nowait()
                await asyncio.wait_for(self.ws.send_text(self.render()), SEND_TIMEOUT)
        except Exception:  # a failed send removes only this connection
            self.closed = True
            with contextlib.suppress(Exception):
                await self.ws.close(code=1011)


class Hub:
    def __init__(self, service=None, queue_size: int = 16):
        self.service, self.queue_size = service, queue_size
        self.conns: dict[str, set[Conn]] = {}

    def connected(self, code: str) -> set[str]:
        """Player ids with at least one live connection in the room."""
        return {c.viewer[1] for c in self.conns.get(code, ()) if c.viewer[0] == "player" and not c.closed}

    def notify(self, code: str) -> None:
        for conn in list(self.conns.get(code, ())):
            try:
                conn.queue.put_nowait(1)
            except asyncio.QueueFull:  # this client stopped reading: drop it
                conn.closed = True
                self.conns[code].discard(conn)
                asyncio.get_running_loop().create_task(_close(conn.ws))

    async def serve(self, ws: WebSocket, code: str, viewer: tuple, render: Callable[[], str]) -> None:
        """Run one accepted websocket until it goes away; the full view is sent at once."""
        conn = Conn(ws, code, viewer, render, self.queue_size)
        self.conns.setdefault(code, set()).add(conn)
        task = asyncio.create_task(conn.sender())
        newcomer = viewer[0] == "player" and len([c for c in self.conns[code] if c.viewer == viewer]) == 1
        conn.queue.put_nowait(1)
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
            if viewer[0] == "player" and viewer[1] not in self.connected(code):
                self.notify(code)

    async def close_all(self, code: int = 1012) -> None:
        """On shutdown: tell clients to come back (1012 = service restart)."""
        for conns in self.conns.values():
            for c in list(conns):
                await _close(c.ws, code)


async def _close(ws: WebSocket, code: int = 1008) -> None:
    with contextlib.suppress(Exception):
        await ws.close(code=code)
