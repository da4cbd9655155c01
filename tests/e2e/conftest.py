"""End-to-end fixtures: a real server (uvicorn in a subprocess) on a free loopback port."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def running_server(tmp: Path, extra_env: dict | None = None):
    """`driekamer serve` on a free loopback port with a temporary SQLite database; yields its URL."""
    log_path = tmp / "server.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--database", f"sqlite:///{tmp / 'x.db'}"]
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(extra_env or {})
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
            try:
                if httpx.get(f"{url}/api/v1/scenarios", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within {START_TIMEOUT:.0f} s:\n"
                            f"{log_path.read_text(errors='replace')}")
            time.sleep(0.1)
        yield url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> str:
    """Start `driekamer serve` with a temporary SQLite database; yield its base URL."""
    with running_server(tmp_path_factory.mktemp("live_server")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """One Debian Chromium per test module (contexts per player come from the tests)."""
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    from browser_helpers import TIMEOUT_MS
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        expect.set_options(timeout=TIMEOUT_MS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def api(live_server):
    from browser_helpers import Api
    a = Api(live_server)
    yield a
    a.close()


@pytest.fixture(scope="session")
def server_log(live_server, tmp_path_factory) -> Path:
    """The live server's combined output, for a failing test to show."""
    return next(tmp_path_factory.getbasetemp().glob("live_server*/server.log"))
