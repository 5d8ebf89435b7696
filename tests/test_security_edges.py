"""Issue 14, finding 7: requests that answered 500, and small account gaps, each with its fix."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from test_web_helpers import BACKENDS, build_on, make_app, session_for


@pytest.fixture(scope="module", params=BACKENDS)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    fx = build_on(request, tmp_path_factory)
    app = make_app(fx, tmp_path_factory.mktemp("uploads"))
    yield app
    app.state.jobs.stop()
    app.state.store.close()


def _as(app: Any, name: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    client.headers["authorization"] = f"Bearer {app.state.accounts.new_token(name, 'edges')}"
    return client


@pytest.mark.parametrize("path", ["/api/v1/events/count", "/api/v1/timeline", "/api/v1/actors", "/api/v1/events",
                                  "/api/v1/places"])
def test_the_last_day_of_the_calendar(app: Any, path: str) -> None:
    r = _as(app, "reader").get(path, params={"date_to": "9999-12-31"})
    assert r.status_code == 200, r.text


def test_new_since_the_first_day_of_the_calendar(app: Any) -> None:
    r = _as(app, "reader").get("/api/v1/new-since", params={"since": "0001-01-01"})
    assert r.status_code == 200, r.text
    assert r.json()["baseline_from"] == "0001-01-01"


def test_a_huge_token_id_is_refused_not_overflowed(app: Any) -> None:
    client = _as(app, "reader")
    r = client.delete("/api/v1/tokens/" + "9" * 23)
    assert r.status_code == 422 and r.json()["error"]["code"] == "E422", r.text


def test_a_readers_delete_is_told_what_was_refused(app: Any) -> None:
    from test_web_helpers import throwaway

    doc = throwaway(app, ["team"], "A short team note about Almaty for the delete message test.")
    r = _as(app, "reader").delete(f"/api/v1/documents/{doc}")
    assert r.status_code == 403 and r.json()["error"]["code"] == "E531", r.text
    assert "upload" not in r.json()["error"]["message"]


def test_a_nul_in_an_upload_name_is_dropped(app: Any) -> None:
    client = _as(app, "scanner")
    # a raw NUL in the part's header (the test client's encoder would escape it)
    body = (b'--XB\r\nContent-Disposition: form-data; name="collection"\r\n\r\nteam\r\n'
            b'--XB\r\nContent-Disposition: form-data; name="files"; filename="bad\x00name.txt"\r\n'
            b"Content-Type: text/plain\r\n\r\nA note about Almaty and China in 2021.\n\r\n--XB--\r\n")
    r = client.post("/api/v1/uploads", content=body, headers={"content-type": "multipart/form-data; boundary=XB"})
    assert r.status_code == 202, r.text
    assert r.json()["items"][0]["name"] == "badname.txt"


def test_a_new_password_revokes_api_tokens(app: Any) -> None:
    accounts = app.state.accounts
    accounts.add_user("changer", "a-long-test-password", "reader")
    token = accounts.new_token("changer", "before")
    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/api/v1/me", headers={"authorization": f"Bearer {token}"}).status_code == 200
    accounts.set_password("changer", "another-long-password")
    r = client.get("/api/v1/me", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "E522"
