"""The web workspace and REST API in-process: pages, API shapes, sign-in, CSRF, limits, errors."""

from __future__ import annotations

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

from test_web_helpers import CANARIES, PASSWORD, WebFixture, build, make_app, session_for, throwaway


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> WebFixture:
    return build(tmp_path_factory.mktemp("web") / "web.db")


@pytest.fixture()
def app(fx: WebFixture, tmp_path: Path) -> Any:
    return make_app(fx, tmp_path)


def client_as(app: Any, name: str | None) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    if name:
        sid, csrf = session_for(app, name)
        c.cookies.set("hs_session", sid)
        c.headers["x-csrf-token"] = csrf
    return c


def test_login_logout_and_csrf(app: Any) -> None:
    c = TestClient(app, follow_redirects=False)
    assert c.get("/").status_code == 303  # to /login
    form = c.get("/login")
    assert form.status_code == 200 and "csrf_token" in form.text
    csrf = c.cookies["hs_csrf"]
    bad = c.post("/login", data={"username": "reader", "password": PASSWORD, "csrf_token": "forged"})
    assert bad.status_code == 403
    wrong = c.post("/login", data={"username": "reader", "password": "nope-nope-nope", "csrf_token": csrf})
    assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text
    ok = c.post("/login", data={"username": "reader", "password": PASSWORD, "csrf_token": csrf, "next": "//evil.example/"})
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert c.get("/").status_code == 200
    # a form post without the session's CSRF token is refused
    assert c.post("/logout").status_code == 403
    assert c.post("/logout", data={"csrf_token": "x"}).status_code == 403


def test_failed_logins_are_rate_limited_and_audited(fx: WebFixture, tmp_path: Path) -> None:
    app = make_app(fx, tmp_path, failed_logins=3)
    c = TestClient(app, follow_redirects=False)
    c.get("/login")
    csrf = c.cookies["hs_csrf"]
    codes = [c.post("/login", data={"username": "editor", "password": "wrong-password", "csrf_token": csrf}).status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    # even the right password waits now
    assert c.post("/login", data={"username": "editor", "password": PASSWORD, "csrf_token": csrf}).status_code == 429
    log = app.state.accounts.audit_log(20)
    assert sum(r["action"] == "login-failed" for r in log) >= 3


def test_anonymous_rate_limit(fx: WebFixture, tmp_path: Path) -> None:
    app = make_app(fx, tmp_path, anonymous_per_minute=5)
    c = TestClient(app, follow_redirects=False)
    codes = [c.get("/api/v1/events").status_code for _ in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]


def test_upload_spool_is_beside_a_sqlite_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from horizonscan.web.app import default_upload_dir

    monkeypatch.delenv("HORIZONSCAN_UPLOAD_DIR", raising=False)
    assert default_upload_dir(str(tmp_path / "h.db")) == tmp_path.resolve() / "uploads"
    assert default_upload_dir("postgresql://u@h/db") == Path("uploads")
    monkeypatch.setenv("HORIZONSCAN_UPLOAD_DIR", str(tmp_path / "elsewhere"))
    assert default_upload_dir(str(tmp_path / "h.db")) == tmp_path / "elsewhere"


def test_rate_limits_are_shared_out_among_workers(fx: WebFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from horizonscan.web.app import WebConfig, per_worker

    assert [per_worker(120, 4), per_worker(10, 3), per_worker(1, 4), per_worker(0, 2)] == [30, 3, 1, 0]
    monkeypatch.setenv("HORIZONSCAN_WEB_WORKERS", "3")  # what `serve --workers 3` sets for its processes
    assert WebConfig().workers == 3
    # two worker processes (two apps) and one client whose requests land on both: the limit holds in total
    apps = [make_app(fx, tmp_path / str(i), anonymous_per_minute=6, workers=2) for i in range(2)]
    clients = [TestClient(a, follow_redirects=False) for a in apps]
    codes = [clients[i % 2].get("/api/v1/events").status_code for i in range(8)]
    assert codes == [401] * 6 + [429, 429]
    logins = [make_app(fx, tmp_path / f"l{i}", failed_logins=4, workers=2) for i in range(2)]
    tries = []
    for i in range(6):
        c = TestClient(logins[i % 2], follow_redirects=False)
        c.get("/login")
        tries.append(c.post("/login", data={"username": "scanner", "password": "wrong-password",
                                            "csrf_token": c.cookies["hs_csrf"]}).status_code)
    assert tries == [401] * 4 + [429, 429]


def test_security_headers_and_error_pages(app: Any) -> None:
    c = client_as(app, "reader")
    r = c.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in r.text  # no inline scripts
    probe = "<script>alert(1)</script>"
    nf = c.get(f"/documents/{probe}")
    assert nf.status_code == 404 and probe not in nf.text and "alert(1)" not in nf.text and "Traceback" not in nf.text
    api = c.get("/api/v1/events", params={"type": probe})
    assert api.status_code in (400, 422) and api.json()["error"]["code"].startswith("E")
    bad = c.get("/api/v1/events", params={"limit": "lots"})
    assert bad.status_code == 422 and "lots" not in bad.text


def test_request_size_limit(fx: WebFixture, tmp_path: Path) -> None:
    app = make_app(fx, tmp_path, max_upload=2000)
    c = client_as(app, "editor")
    big = c.post("/api/v1/uploads", data={"collection": "team"}, files={"files": ("big.txt", b"x" * 5000, "text/plain")})
    assert big.status_code == 413 and big.json()["error"]["code"] == "E513"
    assert c.post("/api/v1/tokens", content=b"{" + b" " * 70_000 + b"}", headers={"content-type": "application/json"}).status_code == 413


def test_pages_render_for_a_reader(app: Any, fx: WebFixture) -> None:
    c = client_as(app, "reader")
    for url in ("/", "/search?q=China", "/events", "/events?type=PROTEST&date_from=2021", "/actors", "/network",
                "/account", f"/documents/{fx.ids['public']}", "/actors/KAZ", "/places/KGZ", "/places/42.8700,74.5900"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert not any(x in r.text for x in CANARIES), url
    assert c.get("/upload").status_code == 403  # readers do not upload
    assert c.get("/collections").status_code == 403


def test_country_page_is_the_country(app: Any) -> None:
    """/places/KGZ is Kyrgyzstan (not its capital); a country's page holds the events it
    takes part in anywhere, not only those placed in one of its towns."""
    c = client_as(app, "reader")
    kgz = c.get("/places/KGZ")
    assert kgz.status_code == 200 and "<h1>Kyrgyzstan</h1>" in kgz.text and "<title>Kyrgyzstan" in kgz.text
    assert "2 events in Kyrgyzstan" in kgz.text and "places: Bishkek" in kgz.text
    # China is the source of the Bishkek events and the target of the Almaty protests; none happened in China
    chn = c.get("/places/CHN")
    assert chn.status_code == 200 and "<h1>China</h1>" in chn.text and "4 events in China" in chn.text
    assert 'href="/events?involving=CHN"' in chn.text
    api = c.get("/api/v1/places/CHN").json()
    assert api["name"] == "China" and api["events"] == 4
    assert c.get("/api/v1/events/count", params={"involving": "CHN"}).json()["count"] == 4
    assert c.get("/places/TCD").status_code == 404  # the reader sees no event of Chad
    # a point keeps its place name
    assert "<h1>Bishkek</h1>" in c.get("/places/42.8700,74.5900").text


def test_search_highlights_and_hides_foreign_hits(app: Any) -> None:
    reader = client_as(app, "reader")
    r = reader.get("/search", params={"q": "humanitarian"})
    assert "<mark>humanitarian</mark>" in r.text
    assert "ranked among its newest 1,000 matches" in r.text  # the bound on broad queries is stated
    hx = reader.get("/search", params={"q": "protested"}, headers={"hx-request": "true"})
    assert "<mark>protested</mark>" in hx.text and "<html" not in hx.text
    assert reader.get("/api/v1/search", params={"q": "CANARYZEBRA"}).json()["items"] == []
    insider = client_as(app, "insider").get("/api/v1/search", params={"q": "CANARYZEBRA"}).json()
    assert len(insider["items"]) == 1


def test_document_reader_links_mentions_and_events(app: Any, fx: WebFixture) -> None:
    r = client_as(app, "reader").get(f"/documents/{fx.ids['public']}")
    assert 'class="m actor actor-state" href="/actors/CHN"' in r.text
    assert 'href="/actors/igo%3Asco"' in r.text
    assert 'class="m place" href="/places/42.8700,74.5900"' in r.text
    assert "<strong>AID</strong>" in r.text
    # foreign and missing documents are the same 404
    c = client_as(app, "reader")
    assert c.get(f"/documents/{fx.ids['secret']}").status_code == 404
    assert c.get("/documents/0000000000000000").status_code == 404
    assert c.get(f"/api/v1/documents/{fx.ids['secret']}").json() == c.get("/api/v1/documents/0000000000000000").json()


def test_api_reads_are_scoped(app: Any, fx: WebFixture) -> None:
    def count(name: str) -> int:
        return int(client_as(app, name).get("/api/v1/events/count").json()["count"])

    assert count("nogrant") == 0
    assert count("reader") == 4  # default + team
    assert count("insider") == 1
    assert count("admin") == 5
    r = client_as(app, "reader").get("/api/v1/events", params={"limit": 1})
    page = r.json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    nxt = client_as(app, "reader").get("/api/v1/events", params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert nxt["items"][0]["id"] != page["items"][0]["id"]
    tl = client_as(app, "reader").get("/api/v1/timeline", params={"granularity": "year"}).json()
    assert {p["period"]: p["count"] for p in tl["points"]} == {"2020": 2, "2021": 2}
    net = client_as(app, "reader").get("/api/v1/network").json()
    assert {(e["source"], e["target"]) for e in net["edges"]} >= {("KAZ", "CHN"), ("CHN", "KGZ")}
    # Store health is for admins only; stale counts documents an older analyser produced.
    assert "stale" not in client_as(app, "reader").get("/api/v1/status").json()
    health = client_as(app, "admin").get("/api/v1/status").json()
    assert isinstance(health["stale"], int) and health["stale"] <= health["documents"]


def test_tokens_create_use_revoke(app: Any, fx: WebFixture) -> None:
    c = client_as(app, "reader")
    token = c.post("/api/v1/tokens", json={"label": "laptop"}).json()["token"]
    api = TestClient(app, headers={"authorization": f"Bearer {token}"})
    assert api.get("/api/v1/me").json()["name"] == "reader"
    mine = [t for t in api.get("/api/v1/tokens").json()["items"] if t["name"] == "laptop"]
    assert api.delete(f"/api/v1/tokens/{mine[0]['id']}").status_code == 204
    assert api.get("/api/v1/me").status_code == 401
    # another user's token cannot be revoked by a reader
    assert c.delete(f"/api/v1/tokens/{fx.token_ids['admin']}").status_code == 404
    revoked = TestClient(app, headers={"authorization": f"Bearer {fx.revoked_token}"})
    assert revoked.get("/api/v1/me").json()["error"]["code"] == "E522"


def wait_job(client: TestClient, location: str, timeout: float = 150.0) -> dict[str, Any]:
    """Poll an upload job until it is done (the first job of a test run waits for the analysis
    workers to load the models in their own process, which is slow on a busy machine)."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(location).json()
        if job["status"] == "done" or time.monotonic() > deadline:
            return job  # type: ignore[no-any-return]
        time.sleep(0.1)


def test_upload_files_into_a_collection(app: Any) -> None:
    c = client_as(app, "scanner")
    files = [("files", ("note.txt", b"Turkmenistan signed a gas agreement with China in Ashgabat in 2019.\n", "text/plain")),
             ("files", ("empty.txt", b"", "text/plain"))]
    r = c.post("/api/v1/uploads", data={"collection": "team"}, files=files)
    assert r.status_code == 202, r.text  # accepted: analysed in the background
    location = r.headers["location"]
    assert location == f"/api/v1/uploads/{r.json()['id']}" and r.json()["total"] == 2
    job = wait_job(c, location)
    assert job["status"] == "done" and job["processed"] == 2
    items = {i["name"]: i for i in job["items"]}
    assert items["note.txt"]["status"] == "added" and items["note.txt"]["document_id"]
    assert items["empty.txt"]["status"] == "skipped" and items["empty.txt"]["reason"].startswith("E")
    doc = items["note.txt"]["document_id"]
    assert client_as(app, "reader").get(f"/api/v1/documents/{doc}").status_code == 200  # team reader
    assert client_as(app, "insider").get(f"/api/v1/documents/{doc}").status_code == 404
    # only the owner (and admins) may read a job; others get the 404 of a missing one
    assert client_as(app, "editor").get(location).status_code == 404
    assert client_as(app, "admin").get(location).json()["items"] == job["items"]
    assert c.get("/api/v1/uploads/" + "0" * 32).status_code == 404
    # scanners may not write to collections they only read, nor fetch URLs
    assert c.post("/api/v1/uploads", data={"collection": "default"}, files=files[:1]).status_code == 403
    assert c.post("/api/v1/uploads", data={"collection": "team", "urls": "http://127.0.0.1:9/x"}).status_code == 403
    assert c.post("/api/v1/uploads", data={"collection": "team"}).json()["error"]["code"] == "E528"  # nothing to upload
    assert client_as(app, "admin").post("/api/v1/uploads", data={"collection": "nope"}, files=files[:1]).json()["error"]["code"] == "E508"
    # an editor's URL list takes web addresses only, never server paths
    ed = client_as(app, "editor").post("/api/v1/uploads", data={"collection": "team", "urls": "/etc/passwd\nfile:///etc/hosts"})
    assert ed.json()["status"] == "done" and [i["reason"][:4] for i in ed.json()["items"]] == ["E124", "E124"]
    # the page: a redirect to the job's progress list, which polls while the job runs
    page = c.post("/upload", data={"collection": "team"}, files=files[1:])
    assert page.status_code == 303 and page.headers["location"].startswith("/upload/jobs/")
    hx = c.post("/upload", data={"collection": "team"}, files=files[1:], headers={"hx-request": "true"})
    assert hx.status_code == 200 and 'id="upload-job"' in hx.text and "<script" not in hx.text
    job_id = page.headers["location"].rsplit("/", 1)[1]
    wait_job(c, f"/api/v1/uploads/{job_id}")
    done = c.get(page.headers["location"])
    assert done.status_code == 200 and "skipped" in done.text and "hx-trigger" not in done.text.split('id="upload-job"')[1]
    assert client_as(app, "editor").get(page.headers["location"]).status_code == 404
    assert any(r["action"] == "upload" for r in app.state.accounts.audit_log(20))


def test_upload_errors_never_lose_the_other_files(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import horizonscan.ingest.run as run

    real = run._store_one

    def flaky(doc: Any, label: str, *args: Any, **kwargs: Any) -> Any:
        if label.endswith("boom.txt"):
            raise RuntimeError("simulated crash while storing")
        return real(doc, label, *args, **kwargs)

    monkeypatch.setattr(run, "_store_one", flaky)
    c = client_as(app, "editor")
    files = [("files", ("boom.txt", b"Whatever text.\n", "text/plain")),
             ("files", ("fine.txt", b"Uzbekistan and China opened a railway link in Tashkent in 2016.\n", "text/plain"))]
    job = wait_job(c, c.post("/api/v1/uploads", data={"collection": "team"}, files=files).headers["location"])
    items = {i["name"]: i for i in job["items"]}
    assert items["boom.txt"]["status"] == "skipped" and items["boom.txt"]["reason"].startswith("E530")
    assert items["fine.txt"]["status"] == "added"


def test_start_up_resumes_jobs_of_dead_processes_at_once(fx: WebFixture, tmp_path: Path) -> None:
    import socket

    from horizonscan.store import jobs
    from horizonscan.store.accounts import user_by_name

    app = make_app(fx, tmp_path)  # the default 60 s heartbeat timeout
    engine = app.state.store.engine
    owner = user_by_name(engine, "scanner")["id"]  # type: ignore[index]
    (tmp_path / "c.txt").write_text("Turkmenistan and China opened a gas field near Mary in 2013.\n")
    jobs.create_job(engine, "e" * 32, owner, "team", str(tmp_path), False,
                    [{"kind": "file", "name": "c.txt", "input": str(tmp_path / "c.txt")}])
    dead_pid = 2**22 + 12345  # above the kernel's pid_max: no such process
    host = socket.gethostname()[:30]
    assert jobs.claim_job(engine, f"{host}:{dead_pid}:abcd", 60) is not None
    assert app.state.jobs._dead(f"{host}:{dead_pid}:abcd") and not app.state.jobs._dead(f"other-host:{dead_pid}:abcd")
    assert not app.state.jobs._dead(f"{host}:1:abcd")  # pid 1 runs
    with TestClient(app) as client:
        sid, _ = session_for(app, "scanner")
        client.cookies.set("hs_session", sid)
        job = wait_job(client, "/api/v1/uploads/" + "e" * 32, timeout=20)
    assert job["status"] == "done" and job["items"][0]["status"] == "added"


def test_an_upload_is_in_its_collection_from_its_first_write(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not written first into "default" and moved afterwards: no reader of "default" could see it meanwhile."""
    from horizonscan.store.accounts import document_collections

    monkeypatch.setattr(app.state.accounts, "add_documents", lambda *a, **k: None)  # only the write itself
    c = client_as(app, "scanner")
    files = [("files", ("private.txt", b"Tajikistan asked China for a private loan in Dushanbe in 2020.\n", "text/plain"))]
    job = wait_job(c, c.post("/api/v1/uploads", data={"collection": "team"}, files=files).headers["location"])
    doc = job["items"][0]["document_id"]
    assert job["items"][0]["status"] == "added" and document_collections(app.state.store.engine, doc) == ["team"]


def test_a_feed_upload_lists_each_entry(app: Any) -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Notes</title><link>https://example.org/</link>
<item><title>One</title><link>https://example.org/one</link><description>Kazakhstan and China signed a trade deal in Astana in 2019.</description></item>
<item><title>Two</title><link>https://example.org/two</link><description>Kyrgyzstan asked China for a loan in Bishkek in 2018.</description></item>
</channel></rss>"""
    c = client_as(app, "scanner")
    r = c.post("/api/v1/uploads", data={"collection": "team"}, files=[("files", ("notes.xml", feed, "application/rss+xml"))])
    job = wait_job(c, r.headers["location"])
    assert job["status"] == "done" and job["total"] == job["processed"] == 2
    assert [(i["name"], i["status"]) for i in job["items"]] == [("notes.xml: https://example.org/one", "added"),
                                                                  ("notes.xml: https://example.org/two", "added")]


def test_a_restarted_server_resumes_unfinished_uploads(fx: WebFixture, tmp_path: Path) -> None:
    from horizonscan.store import jobs
    from horizonscan.store.accounts import user_by_name

    app = make_app(fx, tmp_path, job_stale_s=1)
    spool = tmp_path / "spool"
    spool.mkdir()
    (spool / "a.txt").write_text("Tajikistan and China agreed on a border road in Dushanbe in 2018.\n")
    (spool / "b.txt").write_text("Mongolia asked China for a loan in Ulaanbaatar in 2017.\n")
    engine = app.state.store.engine
    owner = user_by_name(engine, "scanner")["id"]  # type: ignore[index]
    jobs.create_job(engine, "f" * 32, owner, "team", str(spool), False,
                    [{"kind": "file", "name": "a.txt", "input": str(spool / "a.txt")},
                     {"kind": "file", "name": "b.txt", "input": str(spool / "b.txt")}])
    # a server claimed it, was in the middle of a.txt, and was killed
    assert jobs.claim_job(engine, "dead-worker", 60)["id"] == "f" * 32  # type: ignore[index]
    jobs.start_item(engine, jobs.pending_items(engine, "f" * 32)[0]["id"])
    from horizonscan.ingest.run import ingest

    ingest([str(spool / "a.txt")], app.state.store, app.state.settings, analyse=False)  # stored, not yet in "team"
    time.sleep(1.2)
    with TestClient(app) as client:  # start-up (lifespan) resumes it
        sid, csrf = session_for(app, "scanner")
        client.cookies.set("hs_session", sid)
        job = wait_job(client, "/api/v1/uploads/" + "f" * 32)
    assert job["status"] == "done" and [i["status"] for i in job["items"]] == ["duplicate", "added"]
    from horizonscan.store.accounts import document_collections

    for item in job["items"]:  # in the job's collection only: a.txt was new, not a duplicate of a "default" document
        assert document_collections(engine, item["document_id"]) == ["team"]


def test_a_resumed_job_tells_its_own_documents_from_earlier_ones(tmp_path: Path) -> None:
    import datetime as dt

    from horizonscan.ingest.normalise import clean_text, content_id
    from horizonscan.records import Document, Found
    from horizonscan.store import jobs, open_store

    store = open_store(f"sqlite:///{tmp_path / 'j.db'}")

    def write(text: str, input: str) -> str:
        doc = Document(content_id(clean_text(text)), clean_text(text), Found(None), Found(None), Found("en", "test"), reader="t")
        store.write(doc, None, input)
        return doc.id

    url = "https://example.org/page"
    before = write("The page as the CLI ingested it last year.", url)  # in "default" since then
    since = dt.datetime.now(dt.timezone.utc)
    time.sleep(0.01)
    mine = write("The page as the killed upload job stored it.", url)
    spooled = write("A file the killed job stored.", "/spool/job/00-a.txt")
    assert jobs.created_by(store.engine, [before, mine], url, since) == {mine}
    assert jobs.created_by(store.engine, [spooled], "/spool/job/00-a.txt", since) == {spooled}
    assert jobs.created_by(store.engine, [spooled], "/spool/job/01-b.txt", since) == set()
    store.close()


def test_delete_a_document(app: Any, fx: WebFixture) -> None:
    editor = client_as(app, "editor")  # writes "team", reads "default"
    doc = throwaway(app, ["team"], "China opened a consulate in Almaty in 2021, a team note to delete.")
    page = editor.get(f"/documents/{doc}")
    assert page.status_code == 200 and f'href="/documents/{doc}/delete"' in page.text
    confirm = editor.get(f"/documents/{doc}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.text and 'name="csrf_token"' in confirm.text
    assert editor.post(f"/documents/{doc}/delete", data={"csrf_token": "forged"}, headers={"x-csrf-token": ""}).status_code == 403
    done = editor.post(f"/documents/{doc}/delete", data={"csrf_token": editor.headers["x-csrf-token"]})
    assert done.status_code == 200 and "Document deleted" in done.text
    assert editor.get(f"/api/v1/documents/{doc}").status_code == 404
    assert editor.post(f"/documents/{doc}/delete").status_code == 404  # gone
    audit = [r for r in app.state.accounts.audit_log(50) if r["action"] == "delete" and r["target"] == doc]
    assert len(audit) == 1 and audit[0]["user_name"] == "editor" and audit[0]["detail"]["collections"] == ["team"]

    # who may not: readers and scanners (role), editors without write access to every collection (E531)
    doc = throwaway(app, ["team"], "Kazakhstan and China signed a water agreement in Astana in 2021, kept.")
    assert client_as(app, "reader").delete(f"/api/v1/documents/{doc}").status_code == 403
    assert client_as(app, "scanner").delete(f"/api/v1/documents/{doc}").json()["error"]["code"] == "E531"
    shared = throwaway(app, ["team", "secret"], "A shared note about China in 2021 that the team also holds.")
    assert "/delete" not in editor.get(f"/documents/{shared}").text
    assert editor.delete(f"/api/v1/documents/{shared}").json()["error"]["code"] == "E531"
    assert editor.delete(f"/api/v1/documents/{fx.ids['public']}").status_code == 403  # "default" is read-only for them
    # a document they may not read: exactly the 404 of a missing one
    foreign = editor.delete(f"/api/v1/documents/{fx.ids['secret']}")
    missing = editor.delete("/api/v1/documents/" + "0" * 16)
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()
    assert editor.get(f"/documents/{fx.ids['secret']}/delete").text == editor.get("/documents/" + "0" * 16 + "/delete").text
    # an API token needs no CSRF header; admins may delete anything
    admin = TestClient(app, headers={"authorization": f"Bearer {fx.tokens['admin']}"})
    r = admin.delete(f"/api/v1/documents/{shared}")
    assert r.status_code == 200 and r.json()["deleted"] is True
    assert admin.get(f"/api/v1/documents/{shared}").status_code == 404
    assert any(a["action"] == "delete" and a["target"] == shared and a["user_name"] == "admin" for a in app.state.accounts.audit_log(50))


def test_openapi_lists_the_api(app: Any) -> None:
    schema = TestClient(app).get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/v1/events", "/api/v1/search", "/api/v1/documents/{doc_id}", "/api/v1/timeline", "/api/v1/network",
            "/api/v1/places", "/api/v1/actors/{actor_id}", "/api/v1/uploads", "/api/v1/uploads/{job_id}", "/api/v1/tokens"} <= paths
    assert "delete" in schema["paths"]["/api/v1/documents/{doc_id}"]
    assert not any(not p.startswith("/api/v1/") for p in paths)


def test_cli_user_and_collection_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from typer.testing import CliRunner

    cli = importlib.import_module("horizonscan.cli.app")
    monkeypatch.setenv("HORIZONSCAN_DB", "unused")  # --db writes the variable; restored afterwards
    monkeypatch.setattr(cli.state, "db", cli.state.db)
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    app = cli.app
    r = runner.invoke(app, ["--db", db, "user", "add", "alice", "--role", "editor", "--password", PASSWORD])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["--db", db, "user", "add", "alice", "--password", PASSWORD]).exit_code == 2
    assert runner.invoke(app, ["--db", db, "collection", "add", "bishkek-team"]).exit_code == 0
    r = runner.invoke(app, ["--db", db, "collection", "grant", "bishkek-team", "alice", "--access", "write"])
    assert r.exit_code == 0, r.output
    listing = runner.invoke(app, ["--db", db, "collection", "list"])
    assert "alice (write)" in listing.output
    demo = runner.invoke(app, ["--db", db, "user", "add", "alice", "--role", "admin", "--generate-password", "--update"])
    assert demo.exit_code == 0 and "password: " in demo.output
    token = runner.invoke(app, ["--db", db, "token", "create", "alice"]).output.strip()
    assert token.startswith("hs_")
