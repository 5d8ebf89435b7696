"""Body limits (issue 14): an upload over the limit answers 413 E513 whether the client declares
its length or streams it chunked, on the web form and on the API, in process and through a
real ``horizonscan serve``; the server keeps serving after it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette suggests httpx2 for its test client
    from fastapi.testclient import TestClient

from test_web_helpers import WebFixture, build, make_app, session_for

BOUNDARY = "hsbodylimit41"
CTYPE = f"multipart/form-data; boundary={BOUNDARY}"
MB = 1 << 20


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> WebFixture:
    return build(tmp_path_factory.mktemp("bodylimit") / "web.db")


def _multipart(size: int, chunk: int = MB) -> Iterator[bytes]:
    """A multipart upload of one file of ``size`` bytes, produced piece by piece (sent chunked)."""
    yield (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="collection"\r\n\r\nteam\r\n'
           f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
           "Content-Type: text/plain\r\n\r\n").encode()
    left = size
    while left > 0:
        yield b"x" * min(chunk, left)
        left -= chunk
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def _auth(app: Any, fx: WebFixture, path: str) -> dict[str, str]:
    """The API with a token; the form with a session cookie and its CSRF token, as the page sends it."""
    if path.startswith("/api/"):
        return {"authorization": f"Bearer {fx.tokens['editor']}"}
    sid, csrf = session_for(app, "editor")
    return {"cookie": f"hs_session={sid}", "x-csrf-token": csrf}


def _spooled(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize("path", ["/upload", "/api/v1/uploads"])
@pytest.mark.parametrize("declared", [False, True], ids=["chunked", "content-length"])
def test_an_upload_over_the_limit_answers_413_in_process(fx: WebFixture, tmp_path: Path, path: str, declared: bool) -> None:
    app = make_app(fx, tmp_path, max_upload=64 * 1024)
    c = TestClient(app, raise_server_exceptions=True, follow_redirects=False)
    headers = {**_auth(app, fx, path), "content-type": CTYPE}
    body: Any = _multipart(300 * 1024, chunk=16 * 1024)
    if declared:
        body = b"".join(body)  # httpx sends Content-Length for bytes, Transfer-Encoding: chunked for a generator
    r = c.post(path, content=body, headers=headers)
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "E513" and "65536 bytes" in r.json()["error"]["message"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert _spooled(tmp_path / "uploads") == []  # no job, no file left behind
    # the same client goes on: a small upload through the same path is accepted
    small = c.post(path, content=_multipart(1000), headers=headers)
    assert small.status_code in (202, 303), small.text


def test_a_chunked_json_body_over_the_limit_answers_413(fx: WebFixture, tmp_path: Path) -> None:
    """Not only multipart: any body streamed past ``max_body`` (here a token request) gets 413, not 400."""
    app = make_app(fx, tmp_path, max_body=4096)
    c = TestClient(app, raise_server_exceptions=True, follow_redirects=False)

    def body() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(10):
            yield b"y" * 1024
        yield b'"}'

    r = c.post("/api/v1/tokens", content=body(), headers={**_auth(app, fx, "/api/v1/tokens"), "content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "E513"


# ---------------------------------------------------------------- a real `horizonscan serve`


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_answers_413_to_a_chunked_60_mb_upload_and_keeps_serving(fx: WebFixture, tmp_path: Path) -> None:
    """Through uvicorn as `serve` runs it, default limit (50 MiB): 60 MB streamed without Content-Length."""
    import httpx

    port = _free_port()
    uploads = tmp_path / "uploads"
    env = {**os.environ, "HORIZONSCAN_UPLOAD_DIR": str(uploads), "PYTHONUNBUFFERED": "1"}
    for name in ("HORIZONSCAN_MAX_UPLOAD", "HORIZONSCAN_MAX_BODY", "HORIZONSCAN_TRUSTED_PROXIES"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "horizonscan", "--db", fx.url, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.2)
        sessions = make_app(fx, tmp_path / "sessions")  # the same database: a session the server accepts
        with httpx.Client(base_url=base, timeout=120) as c:
            for path in ("/api/v1/uploads", "/upload"):
                headers = {**_auth(sessions, fx, path), "content-type": CTYPE}
                request = c.build_request("POST", path, content=_multipart(60 * 1000 * 1000), headers=headers)
                assert "content-length" not in request.headers and request.headers["transfer-encoding"] == "chunked"
                r = c.send(request)
                assert r.status_code == 413, (path, r.status_code, r.text[:300])
                assert r.json()["error"]["code"] == "E513"
                assert proc.poll() is None
                assert c.get("/healthz").status_code == 200  # still serving, on the same client
                small = c.post(path, content=b"".join(_multipart(1000)), headers=headers)
                assert small.status_code in (202, 303), (path, small.status_code, small.text[:300])
        assert not any(p.name.endswith("big.txt") and p.stat().st_size > 1000 for p in _spooled(uploads))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
