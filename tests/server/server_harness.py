"""Helpers for the server tests: an API client that remembers tokens, a websocket reader
with a deadline, and a real server in a subprocess (for kill -9 and concurrency).

Imported by tests/server/conftest.py and the test modules (tests/server is on sys.path)."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import anyio
import httpx
from starlette.websockets import WebSocketDisconnect

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0
CHAMBERS = ("capital", "property", "social")


def bearer(token: Optional[str]) -> dict:
    return {"Authorization": f"Bearer {token}"} if token else {}


@dataclass
class Room:
    """One room on a server reached through an httpx-like client (TestClient or httpx.Client)."""
    client: Any
    code: str
    fac: str
    created: dict
    tokens: dict[str, str] = field(default_factory=dict)   # player id -> token
    names: dict[str, str] = field(default_factory=dict)    # player id -> name

    # --- plumbing -------------------------------------------------------
    @property
    def base(self) -> str:
        return f"/api/v1/rooms/{self.code}"

    def get(self, token: Optional[str] = None, **kw) -> httpx.Response:
        return self.client.get(self.base, headers=bearer(token if token is not None else self.fac), **kw)

    def view(self, token: Optional[str] = None) -> dict:
        r = self.get(token)
        assert r.status_code == 200, r.text
        return r.json()

    def post(self, cmd: Any, token: Optional[str] = None, **kw) -> httpx.Response:
        return self.client.post(f"{self.base}/commands", json=cmd,
                                headers=bearer(token if token is not None else self.fac), **kw)

    def ok(self, cmd: dict, token: Optional[str] = None) -> dict:
        r = self.post(cmd, token)
        assert r.status_code == 200, (cmd, r.status_code, r.text)
        body = r.json()
        assert set(body) == {"version", "view"}
        assert body["version"] == body["view"]["room"]["version"]
        return body

    def version(self) -> int:
        return self.view()["room"]["version"]

    def join(self, name: str) -> str:
        r = self.client.post(f"{self.base}/players", json={"name": name})
        assert r.status_code == 201, r.text
        body = r.json()
        self.tokens[body["player_id"]] = body["token"]
        self.names[body["player_id"]] = name
        return body["player_id"]

    def export(self) -> dict:
        r = self.client.get(f"{self.base}/export.json", headers=bearer(self.fac))
        assert r.status_code == 200, r.text
        return r.json()

    # --- game helpers -----------------------------------------------------
    def fac_cmd(self, kind: str, **kw) -> dict:
        return self.ok({"type": kind, **kw})

    def round(self) -> int:
        return self.view()["room"]["round"]

    def holder(self, table: int, chamber: str, view: Optional[dict] = None) -> str:
        """The first player (in seat order) holding `chamber` at `table` this round."""
        view = view or self.view()
        for p in view["players"]:
            if p["table"] == table and chamber in p["roles"]:
                return p["id"]
        raise AssertionError(f"nobody holds {chamber} at table {table}")

    def tok(self, table: int, chamber: str, view: Optional[dict] = None) -> str:
        return self.tokens[self.holder(table, chamber, view)]

    def act(self, table: int, chamber: str, kind: str, **kw) -> dict:
        kw.setdefault("round", self.round())
        return self.ok({"type": kind, **kw}, self.tok(table, chamber))

    def table_players(self, table: int) -> list[str]:
        return [p["id"] for p in self.view()["players"] if p["table"] == table]


def create_room(client, tables: int = 1, players: int = 0, start: bool = False, prefix: str = "Speler",
                scenario: str = "woonstad") -> Room:
    r = client.post("/api/v1/rooms", json={"scenario": scenario, "tables": tables})
    assert r.status_code == 201, r.text
    body = r.json()
    room = Room(client, body["code"], body["facilitator_token"], body)
    for i in range(players):
        room.join(f"{prefix} {i + 1}")
    if start:
        room.fac_cmd("start")
    return room


def strip_version(view: dict) -> dict:
    """A view without the numbers that change with every accepted event anywhere in the room."""
    v = json.loads(json.dumps(view))
    v["room"].pop("version", None)
    return v


# --- websockets (TestClient) --------------------------------------------------

def ws_recv(ws, timeout: float = 10.0) -> str:
    """Receive one text message, failing instead of hanging when none comes."""
    async def _get():
        with anyio.fail_after(timeout):
            return await ws._send_rx.receive()
    message = ws.portal.call(_get)
    ws._raise_on_close(message)
    return message["text"]


def ws_json(ws, timeout: float = 10.0) -> dict:
    return json.loads(ws_recv(ws, timeout))


HTML_VERSION = re.compile(r'id="game" data-version="(\d+)"')


def html_version(text: str) -> int:
    m = HTML_VERSION.search(text)
    assert m, text[:300]
    return int(m.group(1))


def ws_until(ws, version: int, fmt: str = "json", timeout: float = 10.0) -> list:
    """Read pushed messages until one carries `version`; return every message read.
    (Pushes are coalesced, so the number of messages is not fixed; the newest always comes.)"""
    got = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no push with version {version}; got {[_ver(m, fmt) for m in got]}"
        text = ws_recv(ws, left)
        msg = json.loads(text) if fmt == "json" else text
        got.append(msg)
        if _ver(msg, fmt) >= version:
            return got


def _ver(msg, fmt: str) -> int:
    return msg["version"] if fmt == "json" else html_version(msg)


def ws_close_code(ws, timeout: float = 10.0) -> int:
    """Read until the server closes; return the close code."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, "the server did not close the websocket"
        try:
            ws_recv(ws, left)
        except WebSocketDisconnect as exc:
            return exc.code


# --- a real server in a subprocess ---------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`python -m server.cli serve` on a free port and a given SQLite file."""

    def __init__(self, db: Path, log: Path, port: Optional[int] = None):
        self.db, self.log_path, self.port = db, log, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> "LiveServer":
        cmd = [str(ROOT / ".venv" / "bin" / "python"), "-m", "server.cli", "serve", "--host", "127.0.0.1",
               "--port", str(self.port), "--database", f"sqlite:///{self.db}"]
        if not Path(cmd[0]).exists():
            cmd[0] = sys.executable
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/v1/scenarios", timeout=2, trust_env=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not answer within {START_TIMEOUT:.0f} s:\n{self.log()}")
            time.sleep(0.05)

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        assert self.proc.returncode == -signal.SIGKILL

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, trust_env=False, **kw)


def read_csv(resp, sep: str) -> tuple[list[str], list[dict]]:
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/csv")
    assert re.search(r'attachment; filename="driekamer-\w+\.csv"', resp.headers["content-disposition"])
    assert resp.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    text = resp.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    header = rows[0]
    assert len(set(header)) == len(header), "a column name twice"
    assert all(len(r) == len(header) for r in rows)
    return header, [dict(zip(header, r)) for r in rows[1:]]
