"""The web upload worker holds hard limits (issue #14, finding 3): a DOCX bomb is refused within
the limit and the queue moves on; an input the server died on twice is not tried again."""

from __future__ import annotations

import io
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")
pytest.importorskip("docx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from test_web_helpers import WebFixture, build, make_app, session_for

TEXT = b"Uzbekistan and China opened a railway link in Tashkent in 2016.\n"


def docx_bomb(unpacked_mb: int) -> bytes:
    """A small .docx whose document.xml unpacks to ``unpacked_mb`` MB of short paragraphs
    (reading it with python-docx takes minutes: the upload worker's 20 minutes of issue #14)."""
    import docx

    blank = io.BytesIO()
    docx.Document().save(blank)
    src = zipfile.ZipFile(io.BytesIO(blank.getvalue()))
    para = ('<w:p><w:r><w:rPr><w:b/><w:sz w:val="20"/></w:rPr><w:t xml:space="preserve">'
            'China sent aid to Nepal in May 2015 and Kazakhstan signed a loan. </w:t></w:r></w:p>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                head = data.decode().partition("<w:body>")[0]
                body = para * (unpacked_mb * 2**20 // len(para))
                data = f"{head}<w:body>{body}</w:body></w:document>".encode()
            z.writestr(info.filename, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> WebFixture:
    return build(tmp_path_factory.mktemp("web-limits") / "web.db")


def client_as(app: Any, name: str) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    sid, csrf = session_for(app, name)
    c.cookies.set("hs_session", sid)
    c.headers["x-csrf-token"] = csrf
    return c


def wait_job(client: TestClient, location: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(location).json()
        if job["status"] == "done" or time.monotonic() > deadline:
            return job  # type: ignore[no-any-return]
        time.sleep(0.2)


def test_a_docx_bomb_is_refused_within_the_limit_and_the_next_upload_completes(
        fx: WebFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = 15.0
    monkeypatch.setenv("HORIZONSCAN_WORKER_TIMEOUT", str(limit))
    app = make_app(fx, tmp_path, analyse_uploads=True)
    c = client_as(app, "scanner")
    bomb = docx_bomb(20)
    assert len(bomb) < 300_000  # small file, 20 MB of XML
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    r = c.post("/api/v1/uploads", data={"collection": "team"}, files=[("files", ("report.docx", bomb, mime))])
    assert r.status_code == 202, r.text
    started = time.monotonic()
    # one try, one retry, each killed at the limit (plus starting the workers on a busy machine)
    job = wait_job(c, r.headers["location"], timeout=2 * limit + 150)
    took = time.monotonic() - started
    (item,) = job["items"]
    assert job["status"] == "done" and item["status"] == "skipped", item
    assert item["reason"].startswith("E222") and "tried 2 times" in item["reason"], item["reason"]
    assert item["document_id"] is None
    assert took < 2 * limit + 150
    # the queue moved on: the next upload is stored and analysed
    r = c.post("/api/v1/uploads", data={"collection": "team"}, files=[("files", ("fine.txt", TEXT, "text/plain"))])
    job = wait_job(c, r.headers["location"], timeout=120)
    assert job["status"] == "done" and job["items"][0]["status"] == "added", job
    assert app.state.store.has_document(job["items"][0]["document_id"])
    app.state.jobs.stop()


def test_an_input_the_server_died_on_twice_is_not_tried_again(fx: WebFixture, tmp_path: Path) -> None:
    """The state two kills of the server leave behind (the item started twice, never finished):
    the resumed job marks it skipped with E532 and processes the rest."""
    import socket

    import sqlalchemy as sa

    from horizonscan.store import jobs
    from horizonscan.store.accounts import user_by_name
    from horizonscan.store.schema import upload_items

    app = make_app(fx, tmp_path)
    engine = app.state.store.engine
    owner = user_by_name(engine, "scanner")["id"]  # type: ignore[index]
    (tmp_path / "poison.txt").write_text("Whatever killed the server.\n")
    (tmp_path / "next.txt").write_text("Turkmenistan and China opened a gas field near Mary in 2013.\n")
    job_id = "d" * 32
    jobs.create_job(engine, job_id, owner, "team", str(tmp_path), False,
                    [{"kind": "file", "name": n, "input": str(tmp_path / n)} for n in ("poison.txt", "next.txt")])
    dead = f"{socket.gethostname()[:30]}:{2**22 + 4321}:dead"  # a process that no longer runs
    assert jobs.claim_job(engine, dead, 60) is not None
    (first, second) = jobs.pending_items(engine, job_id)
    jobs.start_item(engine, first["id"])  # the first server starts the poison and dies
    jobs.start_item(engine, first["id"])  # the resumed one starts it again and dies too
    with engine.begin() as conn:
        assert conn.execute(sa.select(upload_items.c.attempts).where(upload_items.c.id == first["id"])).scalar() == 2
    with TestClient(app) as client:  # start-up resumes the job
        sid, _ = session_for(app, "scanner")
        client.cookies.set("hs_session", sid)
        job = wait_job(client, f"/api/v1/uploads/{job_id}", timeout=150)
    items = {i["name"]: i for i in job["items"]}
    assert job["status"] == "done"
    assert items["poison.txt"]["status"] == "skipped" and items["poison.txt"]["reason"].startswith("E532")
    assert items["next.txt"]["status"] == "added"
