"""Server fixtures: an app on a temporary SQLite file, driven by Starlette's TestClient."""
from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():  # starlette suggests httpx2; the TestClient still works on httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/t.db"


@pytest.fixture
def make_client(db_url):
    """Open a TestClient on a fresh app over `url` (default: this test's database)."""
    opened = []

    def make(url: str | None = None) -> TestClient:
        c = TestClient(create_app(Settings(database_url=url or db_url, presence_grace=0)))
        c.__enter__()
        opened.append(c)
        return c

    yield make
    for c in reversed(opened):
        c.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()
