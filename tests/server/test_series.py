"""A reusable room link for a series of workshops."""
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings


def test_series_link_follows_the_newest_session(tmp_path):
    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path}/s.db"))) as c:
        r = c.post("/api/v1/rooms", json={"scenario": "woonstad", "tables": 1}).json()
        code, tok = r["code"], r["facilitator_token"]
        assert r["series_url"].endswith(f"/s/{code}")
        first = c.get(f"/s/{code}", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == f"/j/{code}"
        # a stranger cannot open the next session
        assert c.post(f"/api/v1/rooms/{code}/next-session", headers={"authorization": "Bearer nope"}).status_code == 401
        nxt = c.post(f"/api/v1/rooms/{code}/next-session", headers={"authorization": f"Bearer {tok}"})
        assert nxt.status_code == 201
        new = nxt.json()["code"]
        assert new != code
        # the same link and the old join link now lead to the new session; the token still works
        assert c.get(f"/s/{code}", follow_redirects=False).headers["location"] == f"/j/{new}"
        assert c.get(f"/j/{code}", follow_redirects=True).url.path == f"/j/{new}"
        assert c.get(f"/api/v1/rooms/{new}", headers={"authorization": f"Bearer {tok}"}).status_code == 200
        # asking twice opens no third room
        again = c.post(f"/api/v1/rooms/{code}/next-session", headers={"authorization": f"Bearer {tok}"})
        assert again.json()["code"] == new
    # after a restart the series still resolves
    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path}/s.db"))) as c:
        assert c.get(f"/s/{code}", follow_redirects=False).headers["location"] == f"/j/{new}"
