"""Authorisation matrix: every route of the app × principals × own/foreign collection.

Routes are enumerated from the app itself, so a route added without a policy fails
``test_every_route_has_a_policy``, and every route is exercised below. A private
collection (``secret``) is full of canary strings that must never appear in any
response, count or export of a user who may not read it.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.routing import APIRoute
    from fastapi.testclient import TestClient
    from starlette.routing import Mount, Route

import itertools

from test_web_helpers import BACKENDS, CANARIES, WebFixture, build_on, make_app, session_for, throwaway

from horizonscan.web.authz import POLICIES, policy_of

PRINCIPALS = ("anonymous", "nogrant", "reader", "scanner", "editor", "admin", "revoked")
MAY_SEE_SECRET = {"admin"}
# Routes that are not FastAPI endpoints, with why they need no policy.
NOT_ENDPOINTS = {"/api/v1/openapi.json": "the public API schema", "/static": "CSS, JS and vendor files"}


@pytest.fixture(scope="module", params=BACKENDS)
def fx(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> WebFixture:
    """The same fixture store on both backends: access control must not depend on the SQL dialect."""
    return build_on(request, tmp_path_factory)


@pytest.fixture(scope="module")
def app(fx: WebFixture, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from horizonscan.store import jobs
    from horizonscan.store.accounts import user_by_name

    app = make_app(fx, tmp_path_factory.mktemp("uploads"))
    engine = app.state.store.engine
    # a finished upload job per user (own), and the insider's job in the secret collection (foreign)
    for name in (*(n for n in ("admin", "nogrant", "reader", "scanner", "editor")), "insider"):
        coll, item = ("secret", "CANARYZEBRA-notes.txt") if name == "insider" else ("team", "matrix-notes.txt")
        jobs.create_job(engine, job_id(name), user_by_name(engine, name)["id"], coll, "/nonexistent", False,  # type: ignore[index]
                        [{"kind": "file", "name": item, "status": "skipped", "reason": "E101 no text found"}])
    return app


def job_id(name: str) -> str:
    import hashlib

    return hashlib.sha256(name.encode()).hexdigest()[:32]


def all_routes(routes: list[Any]) -> list[Any]:
    """Every route, with included routers flattened (FastAPI may keep them nested)."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out.extend(all_routes(inner.routes) if inner is not None else [route])
    return out


def endpoints(app: Any) -> list[tuple[str, str, APIRoute]]:
    out = []
    for route in all_routes(app.routes):
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                out.append((method, route.path, route))
    return out


def test_every_route_has_a_policy(app: Any) -> None:
    missing = []
    for route in all_routes(app.routes):
        if isinstance(route, APIRoute):
            if policy_of(route) not in POLICIES:
                missing.append(route.path)
        elif not (isinstance(route, (Mount, Route)) and route.path in NOT_ENDPOINTS):
            missing.append(getattr(route, "path", repr(route)))
    assert missing == [], f"routes without an authorisation policy: {missing}"
    assert len(endpoints(app)) >= 40  # the enumeration really sees the app's routes


def _params(route: APIRoute, foreign: bool, fx: WebFixture) -> dict[str, str]:
    names = {p.name for p in route.dependant.query_params}
    for dep in route.dependant.dependencies:
        names |= {p.name for p in dep.query_params}
    wanted = {
        "q": "threatened militia" if foreign else "Almaty",  # words only the secret document has
        "actor": "company:canaryzebra" if foreign else "group:teamlark",
        "source": "canary-source" if foreign else "feed",
        "since": "2021-01-01",
        "place_country": "TCD" if foreign else "KAZ",
    }
    return {k: v for k, v in wanted.items() if k in names}


_serial = itertools.count()


def _deletes(method: str, path: str) -> bool:
    """Routes that delete a document: they get a throwaway one, the fixture's stay."""
    return "{doc_id}" in path and (method == "DELETE" or (method == "POST" and path.endswith("/delete")))


def _path(path: str, foreign: bool, fx: WebFixture, app: Any, who: str, method: str = "GET") -> str:
    accounts = app.state.accounts
    doc = fx.ids["secret"] if foreign else fx.ids["team"]
    if _deletes(method, path):
        n = next(_serial)
        text = f"CANARYZEBRA Corp threatened canarywolf militia again, report {n}." if foreign else f"A team note about Almaty, number {n}."
        doc = throwaway(app, ["secret" if foreign else "team"], text)
    values = {
        "doc_id": doc,
        "actor_id": "company:canaryzebra" if foreign else "group:teamlark",
        "key": "TCD" if foreign else "KAZ",
        "collection_id": "secret" if foreign else "team",
        # an upload job of someone else (foreign) or of the caller (own; the reader's for callers without an account)
        "job_id": job_id("insider" if foreign else who if who not in ("anonymous", "revoked") else "reader"),
    }
    if "{token_id}" in path:
        # a throwaway token of someone else (foreign) or of the caller (own; the reader's for callers without an account)
        owner = "insider" if foreign else who if who not in ("anonymous", "revoked") else "reader"
        accounts.new_token(owner, "matrix")
        values["token_id"] = str(max(t["id"] for t in accounts.tokens(accounts.principal(_admin(accounts), "cli"))))
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def _admin(accounts: Any) -> dict[str, Any]:
    from horizonscan.store.accounts import user_by_name

    return user_by_name(accounts.engine, "admin")  # type: ignore[return-value]


def _request(client: TestClient, method: str, url: str, route: APIRoute, params: dict[str, str], csrf: str, foreign: bool) -> Any:
    if method == "GET":
        return client.get(url, params=params)
    if method == "DELETE":
        return client.delete(url)
    coll = "secret" if foreign else "team"
    form = {"csrf_token": csrf}
    if "upload" in url:
        files = {"files": ("matrix.txt", b"A matrix test note about Kazakhstan and China in 2021.\n", "text/plain")}
        return client.post(url, data={**form, "collection": coll}, files=files)
    if url.startswith("/api/"):
        body = {"label": "matrix"} if "tokens" in url else {"user": "admin", "access": "read"} if "grants" in url else {"id": "matrix-made"}
        return client.request(method, url, json=body)
    if url.endswith("/grants"):
        form |= {"username": "admin", "access": "read"}
    elif url == "/collections":
        form |= {"id": "matrix-made-form"}
    elif url == "/login":
        form |= {"username": "reader", "password": "not-the-password"}
    elif url == "/account/tokens":
        form |= {"label": "matrix"}
    return client.request(method, url, data=form)


def _client(app: Any, fx: WebFixture, who: str) -> tuple[TestClient, str]:
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    if who == "revoked":
        client.headers["authorization"] = f"Bearer {fx.revoked_token}"
        return client, ""
    if who == "anonymous":
        return client, ""
    sid, csrf = session_for(app, who)  # a fresh session per request: /logout ends one
    client.cookies.set("hs_session", sid)
    client.headers["x-csrf-token"] = csrf
    return client, csrf


def _expected(policy: str, who: str, method: str, path: str, foreign: bool, status: int, location: str) -> str | None:
    """None when ``status`` is right for this cell, else what was expected."""
    if status >= 500:
        return "no server error"
    if policy == "public":
        return None
    if who in ("anonymous", "revoked"):
        ok = status == 401 or (status == 303 and location.startswith("/login"))
        return None if ok else "401 or a redirect to /login"
    if policy == "admin" and who != "admin":
        return None if status == 403 else "403"
    if policy == "upload" and who in ("nogrant", "reader"):
        return None if status == 403 else "403"
    if "{doc_id}" in path and (method == "DELETE" or path.endswith("/delete")):  # deleting a document
        if foreign and who != "admin":
            return None if status == 404 else "404 (a document they may not read)"
        if who == "scanner":
            return None if status == 403 else "403 (scanners may not delete)"
        return None if status < 400 else "success"
    if policy == "upload" and foreign and who != "admin" and method == "POST":
        return None if status == 403 else "403 (no write access to the foreign collection)"
    single = any(k in path for k in ("{doc_id}", "{actor_id}", "{key}"))
    if single and method == "GET" and (foreign or who == "nogrant") and who not in MAY_SEE_SECRET:
        return None if status == 404 else "404 (same as a missing record)"
    if "{token_id}" in path and foreign and who != "admin":
        return None if status == 404 else "404 (not your token)"
    if "{job_id}" in path and method == "GET" and foreign and who != "admin":
        return None if status == 404 else "404 (not your upload)"
    return None if status < 400 or status in (400, 422) else "success"


@pytest.mark.parametrize("who", PRINCIPALS)
def test_matrix(app: Any, fx: WebFixture, who: str) -> None:
    problems = []
    leaked_to_admin = 0
    for method, path, route in endpoints(app):
        policy = policy_of(route) or "missing"
        for foreign in (False, True):
            client, csrf = _client(app, fx, who)
            url = _path(path, foreign, fx, app, who, method)
            params = _params(route, foreign, fx)
            r = _request(client, method, url, route, params, csrf, foreign)
            body = r.text
            wrong = _expected(policy, who, method, path, foreign, r.status_code, r.headers.get("location", ""))
            if wrong:
                problems.append(f"{who} {method} {url} ({'foreign' if foreign else 'own'}): {r.status_code}, expected {wrong}")
            # a page may show the user's own filter values back (an actor id typed in a form)
            # (and a redirect to the login page carries the requested URL back)
            canaries = [c for c in CANARIES if not any(c in v for v in params.values())]
            location = r.headers.get("location", "")
            leaked = [c for c in canaries if c in body or (c in location and c not in url)]
            if leaked and who not in MAY_SEE_SECRET:
                problems.append(f"{who} {method} {url}: canary {leaked[0]!r} leaked")
            if leaked and who == "admin":
                leaked_to_admin += 1
            if "Traceback" in body:
                problems.append(f"{who} {method} {url}: stack trace in response")
    assert problems == [], "\n".join(problems)
    if who == "admin":
        assert leaked_to_admin >= 5, "the canaries must be findable by an admin, or this test proves nothing"
