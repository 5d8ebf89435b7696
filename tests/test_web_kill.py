"""``kill -9`` of a real ``horizonscan serve`` in the middle of an upload job: the restarted
server resumes the job at start-up and every file ends up stored, in the job's collection only."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

pytestmark = pytest.mark.slow

N_FILES = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db: str, port: int, uploads: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HORIZONSCAN_UPLOAD_DIR": str(uploads), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "horizonscan", "--db", db, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def _call(url: str, token: str, data: bytes | None = None, ctype: str | None = None) -> Any:
    req = urllib.request.Request(url, data=data, headers={"authorization": f"Bearer {token}",
                                                          **({"content-type": ctype} if ctype else {})})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, json.loads(r.read())


def _multipart(files: list[tuple[str, bytes]], fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = "hsboundary7e3"
    out = b""
    for k, v in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    for name, body in files:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                f"Content-Type: text/plain\r\n\r\n").encode() + body + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_killed_server_resumes_the_upload_at_start_up(tmp_path: Path) -> None:
    from horizonscan.accounts import Accounts
    from horizonscan.store import open_store
    from horizonscan.store.accounts import document_collections

    db = f"sqlite:///{tmp_path / 'kill.db'}"
    store = open_store(db)
    accounts = Accounts(store.engine)
    accounts.add_collection("team", "Team")
    accounts.add_user("scanner", "a-long-test-password", "scanner")
    accounts.grant("team", "scanner", "write")
    token = accounts.new_token("scanner", "kill")
    store.close()

    files = [(f"note{i:02d}.txt", (f"Kazakhstan and China discussed pipeline {i} in Astana on {1 + i % 28} March 2019. "
                                   f"Officials from both governments met again to review item {i}.\n").encode())
             for i in range(N_FILES)]
    body, ctype = _multipart(files, {"collection": "team"})
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(db, port, tmp_path / "uploads")
    try:
        status, job = _call(f"{base}/api/v1/uploads", token, body, ctype)
        assert status == 202 and job["total"] == N_FILES
        location = f"{base}{job['location']}"
        deadline = time.monotonic() + 120
        while True:  # kill -9 once some, not all, files are done
            _, job = _call(location, token)
            if 0 < job["processed"] < N_FILES or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert 0 < job["processed"] < N_FILES, "the job finished too fast to be killed; raise N_FILES"
        server.send_signal(signal.SIGKILL)
        server.wait()
        killed_at = job["processed"]
        server = _serve(db, port, tmp_path / "uploads")
        deadline = time.monotonic() + 180
        while True:
            _, job = _call(location, token)
            if job["status"] == "done" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    assert job["status"] == "done" and job["processed"] == N_FILES, (killed_at, job["processed"])
    assert {i["status"] for i in job["items"]} <= {"added", "duplicate"}, [i for i in job["items"] if i["status"] not in ("added", "duplicate")]
    store = open_store(db)
    assert store.status()["documents"] == N_FILES
    for item in job["items"]:  # every file in the job's collection, none left in "default"
        assert document_collections(store.engine, item["document_id"]) == ["team"]
    store.close()


def _attempts(db: str, name: str) -> tuple[str, int]:
    import sqlalchemy as sa

    from horizonscan.store import open_store
    from horizonscan.store.schema import upload_items

    store = open_store(db)
    try:
        with store.engine.connect() as conn:
            row = conn.execute(sa.select(upload_items.c.status, upload_items.c.attempts)
                               .where(upload_items.c.name == name)).first()
        return (row.status, row.attempts) if row else ("", 0)
    finally:
        store.close()


def test_an_upload_that_outlives_two_killed_servers_is_skipped_and_the_job_goes_on(tmp_path: Path) -> None:
    """kill -9 of the server while it reads a DOCX bomb, twice: the third server marks the
    bomb skipped (E532) instead of starting it again, and the job's next file is stored."""
    from test_web_upload_limits import docx_bomb

    from horizonscan.accounts import Accounts
    from horizonscan.store import open_store

    db = f"sqlite:///{tmp_path / 'twice.db'}"
    store = open_store(db)
    accounts = Accounts(store.engine)
    accounts.add_collection("team", "Team")
    accounts.add_user("scanner", "a-long-test-password", "scanner")
    accounts.grant("team", "scanner", "write")
    token = accounts.new_token("scanner", "kill")
    store.close()

    boundary = "hsboundary7e3"
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="collection"\r\n\r\nteam\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="bomb.docx"\r\n'
            f"Content-Type: {mime}\r\n\r\n").encode() + docx_bomb(40) + (
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="fine.txt"\r\n'
            f"Content-Type: text/plain\r\n\r\n").encode() + b"Uzbekistan and China opened a railway link in 2016.\n" + (
            f"\r\n--{boundary}--\r\n").encode()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(db, port, tmp_path / "uploads")
    try:
        status, job = _call(f"{base}/api/v1/uploads", token, body, f"multipart/form-data; boundary={boundary}")
        assert status == 202
        location = f"{base}{job['location']}"
        for attempt in (1, 2):  # wait until this server works on the bomb, then kill it
            deadline = time.monotonic() + 120
            while _attempts(db, "bomb.docx") != ("running", attempt) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _attempts(db, "bomb.docx") == ("running", attempt)
            time.sleep(1.0)
            server.send_signal(signal.SIGKILL)
            server.wait()
            server = _serve(db, port, tmp_path / "uploads")
        deadline = time.monotonic() + 180
        while True:
            _, job = _call(location, token)
            if job["status"] == "done" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    items = {i["name"]: i for i in job["items"]}
    assert job["status"] == "done", job
    assert items["bomb.docx"]["status"] == "skipped" and items["bomb.docx"]["reason"].startswith("E532"), items
    assert items["fine.txt"]["status"] == "added"
