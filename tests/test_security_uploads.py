"""Issue 14, finding 7: the server paths of uploads are shown to admins only.

An upload is read from the server's spool folder, so the store holds server paths for
it (``path``, ``inputs``, and its folder as ``source``). Before, every reader of the
collection saw them in the document, in search hits, in document lists and on actor
pages; now everyone but an admin sees the file's name and ``upload`` as the source.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from test_web_helpers import BACKENDS, _analysis, build_on, make_app

from horizonscan.ingest.normalise import clean_text, content_id
from horizonscan.records import Document, Found
from horizonscan.web import provenance

TEXT = "The river commission of the lower basin met in the capital on 4 June 2021 to agree on water quotas for the dry season."


def _client(app: Any, token: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    client.headers["authorization"] = f"Bearer {token}"
    return client


@pytest.fixture(scope="module", params=BACKENDS)
def uploaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    fx = build_on(request, tmp_path_factory)
    app = make_app(fx, tmp_path_factory.mktemp("spool"))
    editor = _client(app, fx.tokens["editor"])
    r = editor.post("/api/v1/uploads", data={"collection": "team"},
                    files={"files": ("basin-minutes.txt", TEXT.encode(), "text/plain")})
    assert r.status_code == 202, r.text
    deadline = time.monotonic() + 60
    while (job := editor.get(r.headers["location"]).json())["status"] != "done":
        assert time.monotonic() < deadline, "upload job did not finish"
        time.sleep(0.1)
    doc_id = job["items"][0]["document_id"]
    assert doc_id, job
    yield {"app": app, "fx": fx, "doc": doc_id, "spool": str(Path(app.state.config.upload_dir).resolve())}
    app.state.jobs.stop()
    app.state.store.close()


def test_readers_and_the_uploader_see_the_file_name(uploaded: dict[str, Any]) -> None:
    app, fx, doc_id, spool = uploaded["app"], uploaded["fx"], uploaded["doc"], uploaded["spool"]
    stored = app.state.store.document(doc_id)
    assert stored.inputs[0].startswith(spool) and stored.source.startswith(spool)  # what the store holds
    for name in ("reader", "editor"):  # a reader of the collection, and the uploader himself
        client = _client(app, fx.tokens[name])
        doc = client.get(f"/api/v1/documents/{doc_id}").json()
        assert doc["inputs"] == ["basin-minutes.txt"] and doc["path"] == "basin-minutes.txt", doc["inputs"]
        assert doc["source"] == provenance.UPLOAD_SOURCE
        for path, params in (("/api/v1/search", {"q": "water quotas"}), ("/api/v1/documents", {"limit": 100}),
                             (f"/api/v1/documents/{doc_id}", {}), ("/search", {"q": "water quotas"}),
                             (f"/documents/{doc_id}", {})):
            r = client.get(path, params=params)
            assert r.status_code == 200, (path, r.text[:300])
            assert spool not in r.text and Path(stored.source).name not in r.text, path  # nor the job's folder
        hits = client.get("/api/v1/search", params={"q": "water quotas"}).json()["items"]
        assert [h["source"] for h in hits if h["id"] == doc_id] == ["upload"]


def test_admins_see_the_server_paths(uploaded: dict[str, Any]) -> None:
    app, fx, doc_id, spool = uploaded["app"], uploaded["fx"], uploaded["doc"], uploaded["spool"]
    doc = _client(app, fx.tokens["admin"]).get(f"/api/v1/documents/{doc_id}").json()
    assert doc["inputs"][0].startswith(spool) and doc["inputs"][0].endswith("-basin-minutes.txt")
    assert doc["source"].startswith(spool)
    page = _client(app, fx.tokens["admin"]).get(f"/documents/{doc_id}")
    assert page.status_code == 200 and spool in page.text


def test_actor_pages_list_uploads_by_name(uploaded: dict[str, Any]) -> None:
    """Documents on an actor's profile carry their source too."""
    app, fx, spool = uploaded["app"], uploaded["fx"], uploaded["spool"]
    text = clean_text("China and Laos signed a water agreement in Vientiane on 2 June 2021.")
    folder = f"{spool}/2021-06-03/0123456789abcdef"
    doc = Document(content_id(text), text, Found("Water deal", "test"), Found("2021-06-03", "test"), Found("en", "test"),
                   path=f"{folder}/00-deal.txt", source=folder, reader="test.v1")
    app.state.store.write(doc, _analysis(text, ("", "", "", "", [("China", "CHN", "state", "CHN")], [], [])),
                          f"{folder}/00-deal.txt", ["team"])
    reader = _client(app, fx.tokens["reader"]).get("/api/v1/actors/CHN").json()
    sources = {d["id"]: d["source"] for d in reader["documents"]}
    assert sources[doc.id] == "upload"
    admin = _client(app, fx.tokens["admin"]).get("/api/v1/actors/CHN").json()
    assert {d["id"]: d["source"] for d in admin["documents"]}[doc.id] == folder


@pytest.mark.parametrize("stored,shown", [
    ("/srv/hs/uploads/2026-12-08/0123456789abcdef/03-report.pdf", "report.pdf"),
    ("/srv/hs/uploads/2026-12-08/0123456789abcdef/00-mail.eml#annex.pdf", "mail.eml#annex.pdf"),
    ("/elsewhere/2026-12-08/0123456789abcdef/12-notes.txt", "notes.txt"),  # spooled under an older upload folder
    ("/srv/hs/uploads/other/name.txt", "name.txt"),  # under this server's upload folder, any layout
    ("/data/corpus/press/2020-report.txt", "/data/corpus/press/2020-report.txt"),  # a CLI ingest: as stored
    ("https://example.org/2026-12-08/0123456789abcdef/00-x", "https://example.org/2026-12-08/0123456789abcdef/00-x"),
])
def test_shown_input(stored: str, shown: str) -> None:
    assert provenance.shown_input(stored, "/srv/hs/uploads") == shown


def test_shown_source() -> None:
    assert provenance.shown_source("/srv/hs/uploads/2026-12-08/0123456789abcdef", None) == "upload"
    assert provenance.shown_source("/data/corpus/press", "/srv/hs/uploads") == "/data/corpus/press"
    assert provenance.shown_source("example.org", "/srv/hs/uploads") == "example.org"
    assert provenance.shown_source(None, "/srv/hs/uploads") is None
