"""Issue 14, finding 1: deduplication never crosses a collection boundary.

Alice's private collection ``secret`` holds a canary document. Bob (an editor of his own
collection ``bob``, who may not read ``secret``) uploads its exact bytes, then a near-copy.
Before the fix Bob was told ``duplicate`` with Alice's id and title, her document joined
his collection (so he and his readers could read it and search found it) and Alice's own
DELETE got 403; the near-copy answered ``near-duplicate`` with her id and was hidden
behind her document in Bob's searches. Now each upload is Bob's own document.
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

from test_web_helpers import BACKENDS, PASSWORD, build_on, make_app

from horizonscan.ingest.normalise import clean_text, content_id

CANARY = "QUOKKAVAULT"  # in the name of Alice's file only: Bob uploads the same bytes under another name
WORDS = ("The provincial water board reported on {n} May that the new dam on the upper river had cut the flow "
         "reaching farms downstream by a third, according to figures shared with village councils and two "
         "local newspapers; engineers said the reservoir would be filled over three dry seasons and that "
         "compensation talks with the affected families were still going on at the end of the month.")
ALICE_TEXT = WORDS.format(n=3)
# Bob's near-copy: a few words changed, similarity well above the 0.8 threshold
BOB_NEAR = ALICE_TEXT.replace("end of the month", "end of the week")


def _client(app: Any, token: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    client.headers["authorization"] = f"Bearer {token}"
    return client


def _wait(client: TestClient, location: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(location).json()
        if job["status"] == "done":
            return job  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError("upload job did not finish")


def _upload(client: TestClient, collection: str, name: str, text: str) -> dict[str, Any]:
    r = client.post("/api/v1/uploads", data={"collection": collection},
                    files={"files": (name, text.encode(), "text/plain")})
    assert r.status_code == 202, r.text
    job = _wait(client, r.headers["location"])
    assert len(job["items"]) == 1
    return job["items"][0]  # type: ignore[no-any-return]


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    fx = build_on(request, tmp_path_factory)
    app = make_app(fx, tmp_path_factory.mktemp("uploads"))
    accounts = app.state.accounts
    accounts.add_collection("alice", "Alice")
    accounts.add_collection("bob", "Bob")
    accounts.add_collection("bob2", "Bob's second")  # holds no copy of Bob's own: near-copies there are originals
    accounts.add_user("alice", PASSWORD, "editor")
    accounts.add_user("bob", PASSWORD, "editor")
    accounts.add_user("bobreader", PASSWORD, "reader")
    accounts.grant("alice", "alice", "write")
    accounts.grant("bob", "bob", "write")
    accounts.grant("bob2", "bob", "write")
    accounts.grant("bob", "bobreader", "read")
    alice = _client(app, accounts.new_token("alice"))
    item = _upload(alice, "alice", f"{CANARY}-plan.txt", ALICE_TEXT)
    assert item["status"] == "added"
    yield {"app": app, "alice": alice, "bob": _client(app, accounts.new_token("bob")),
           "bobreader": _client(app, accounts.new_token("bobreader")), "alice_doc": item["document_id"]}
    app.state.jobs.stop()
    app.state.store.close()


def _no_canary(response: Any, alice_doc: str) -> None:
    assert CANARY not in response.text and alice_doc not in response.text, response.text[:500]


def test_exact_copy_is_the_uploaders_own_document(world: dict[str, Any]) -> None:
    alice, bob, alice_doc = world["alice"], world["bob"], world["alice_doc"]
    r = bob.post("/api/v1/uploads", data={"collection": "bob"},
                 files={"files": ("mine.txt", ALICE_TEXT.encode(), "text/plain")})
    job = _wait(bob, r.headers["location"])
    item = job["items"][0]
    # nothing says another collection holds the same bytes
    assert item["status"] == "added" and item["document_id"] != alice_doc, item
    assert alice_doc not in str(job)
    mine = item["document_id"]
    # Bob and his collection's readers read his document; Alice's stays out of their reach
    for client in (bob, world["bobreader"]):
        assert client.get(f"/api/v1/documents/{mine}").status_code == 200
        assert client.get(f"/api/v1/documents/{alice_doc}").status_code == 404
        found = client.get("/api/v1/search", params={"q": "reservoir compensation"}).json()
        assert [h["id"] for h in found["items"]] == [mine]
    # Alice's document is in her collection only, with her input only, and she may still delete it
    doc = alice.get(f"/api/v1/documents/{alice_doc}").json()
    assert "mine.txt" not in str(doc.get("inputs"))
    from horizonscan.store.accounts import document_collections

    assert document_collections(world["app"].state.store.engine, alice_doc) == ["alice"]
    # uploading it again finds Bob's own copy: idempotent
    again = _upload(bob, "bob", "mine-again.txt", ALICE_TEXT)
    assert again["status"] == "duplicate" and again["document_id"] == mine


def test_near_copy_is_not_hidden_behind_an_unreadable_original(world: dict[str, Any]) -> None:
    bob, alice_doc = world["bob"], world["alice_doc"]
    from horizonscan.store import neardup

    sim = neardup.similarity(neardup.signature(clean_text(ALICE_TEXT)), neardup.signature(clean_text(BOB_NEAR)))
    assert sim >= neardup.THRESHOLD  # really a near-copy
    item = _upload(bob, "bob2", "near.txt", BOB_NEAR)
    assert item["status"] == "added", item  # not "near-duplicate" of Alice's document
    assert alice_doc not in str(item)
    found = bob.get("/api/v1/search", params={"q": "reservoir week"}).json()
    assert item["document_id"] in [h["id"] for h in found["items"]]
    doc = bob.get(f"/api/v1/documents/{item['document_id']}").json()
    assert doc["duplicate_of"] is None


def test_the_owner_keeps_delete_rights_and_nothing_leaks(world: dict[str, Any]) -> None:
    alice, bob, alice_doc = world["alice"], world["bob"], world["alice_doc"]
    # everything Bob can see after his uploads: no canary, no id of Alice's
    for path in ("/api/v1/documents", "/api/v1/search?q=reservoir", "/api/v1/documents/facets?facet=language",
                 "/api/v1/collections"):
        r = bob.get(path)
        assert r.status_code < 500
        _no_canary(r, alice_doc)
    r = alice.delete(f"/api/v1/documents/{alice_doc}")
    assert r.status_code == 200 and r.json()["deleted"] is True, r.text
    assert bob.get("/api/v1/search", params={"q": "reservoir compensation"}).json()["items"], "Bob's copy stays"


def test_a_readable_duplicate_is_still_one_document(tmp_path: Path) -> None:
    """Inside what the uploader may read nothing changes: one document, attached to the collection."""
    from horizonscan.accounts import Accounts
    from horizonscan.records import Document, Found
    from horizonscan.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    Accounts(store.engine).add_collection("team", "Team")
    text = clean_text(ALICE_TEXT)
    doc = Document(content_id(text), text, Found("t", "test"), Found("2021-01-01", "test"), Found("en", "test"), reader="t.v1")
    assert store.write(doc, None, "a.txt").status == "added"
    # readable (default is in the scope): the duplicate is the stored document
    assert store.write(doc, None, "b.txt", ["team"], frozenset({"default", "team"})).document_id == doc.id
    # not readable: a document of its own, found again on the next upload
    other = store.write(doc, None, "c.txt", ["team"], frozenset({"team"}))
    assert other.status == "added" and other.document_id != doc.id
    again = store.write(doc, None, "d.txt", ["team"], frozenset({"team"}))
    assert (again.status, again.document_id) == ("duplicate", other.document_id)
    store.close()
