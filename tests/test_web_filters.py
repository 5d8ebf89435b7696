"""Filters never fail silently (issue 15): an unknown parameter is a 422 naming it on every
endpoint, actor names resolve to ids, a bad filter gives the form back with the field
marked; the upload summary counts added, duplicates, near-duplicates and failures apart."""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

from test_web_helpers import BACKENDS, WebFixture, build_on, make_app, session_for


@pytest.fixture(scope="module", params=BACKENDS)
def fx(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> WebFixture:
    return build_on(request, tmp_path_factory)


@pytest.fixture(scope="module")
def app(fx: WebFixture, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_app(fx, tmp_path_factory.mktemp("app"))


def api(app: Any, fx: WebFixture) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False,
                      headers={"authorization": f"Bearer {fx.tokens['admin']}"})


def browser(app: Any) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    sid, csrf = session_for(app, "admin")
    c.cookies.set("hs_session", sid)
    c.headers["x-csrf-token"] = csrf
    return c


def endpoints(app: Any) -> list[tuple[str, str, frozenset[str]]]:
    """(method, path with sample values, parameters it takes) of every route of the app."""
    from fastapi.routing import APIRoute

    from horizonscan.web.params import allowed_parameters

    def flat(routes: list[Any]) -> list[Any]:  # FastAPI may keep included routers nested
        return [r for route in routes
                for r in (flat(route.original_router.routes) if getattr(route, "original_router", None) else [route])]

    out = []
    for route in flat(app.routes):
        if isinstance(route, APIRoute):
            path = re.sub(r"\{[^}]+\}", "x", route.path)
            for method in sorted(route.methods - {"HEAD"}):
                out.append((method, path, allowed_parameters(route)))
    return out


# ------------------------------------------------------------------ unknown parameters

def test_the_issue_examples(app: Any, fx: WebFixture) -> None:
    c = api(app, fx)
    total = c.get("/api/v1/events/count").json()["count"]
    r = c.get("/api/v1/events/count?sourcecountry=CHN")  # was the unfiltered count
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "E411" and "'sourcecountry'" in err["message"] and "did you mean source_country?" in err["message"]
    r = c.get("/api/v1/events/count?document_id=0123456789abcdef")
    assert r.status_code == 422 and "'document_id'" in r.json()["error"]["message"]
    # the spelt-out filter works, and filters
    assert c.get("/api/v1/events/count?source_country=CHN").json()["count"] < total


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=24))
def test_any_unknown_parameter_on_any_endpoint_is_a_422_naming_it(app: Any, fx: WebFixture, name: str) -> None:
    c = api(app, fx)
    for method, path, allowed in endpoints(app):
        if name in allowed:
            continue
        r = c.request(method, path, params={name: "1"})
        assert r.status_code == 422, (method, path, name, r.status_code, r.text[:200])
        text = r.json()["error"]["message"] if path.startswith("/api/") else r.text
        assert repr(name[:40]) in text or repr(name[:40]).replace("'", "&#39;") in text, (path, text[:300])


def test_every_endpoint_is_covered_and_known_parameters_still_work(app: Any, fx: WebFixture) -> None:
    eps = endpoints(app)
    assert len(eps) >= 40  # the property above walked every route, pages and API alike
    c = api(app, fx)
    for url in ("/api/v1/events?limit=5&sort=-date&type=AID", "/api/v1/timeline?granularity=year&by=type",
                "/api/v1/search?q=China&limit=5", "/api/v1/documents?limit=5&language=en", "/api/v1/facets?fields=type",
                "/api/v1/suggest/actors?q=Ch"):
        assert c.get(url).status_code == 200, url


def test_an_anonymous_caller_is_asked_to_sign_in_first(app: Any) -> None:
    anon = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    assert anon.get("/api/v1/events/count?sourcecountry=CHN").status_code == 401
    r = anon.get("/events?sourcecountry=CHN")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert anon.get("/login?next=%2Fevents").status_code == 200  # the login form's own parameter


# ------------------------------------------------------------------ actor names

def test_actor_names_and_aliases_resolve_to_ids(app: Any, fx: WebFixture) -> None:
    c = api(app, fx)
    by_id = c.get("/api/v1/events/count?actor=CHN").json()["count"]
    assert by_id > 0
    for name in ("China", "china", "People's Republic of China", "chn"):
        r = c.get("/api/v1/events/count", params={"actor": name})
        assert r.json() == {"count": by_id}, (name, r.text)  # was 0: "China" is no id
    sco = c.get("/api/v1/events/count", params={"target_actor": "Shanghai Cooperation Organisation"}).json()["count"]
    assert sco == c.get("/api/v1/events/count?target_actor=igo:sco").json()["count"] == 1
    # the ids of actors no pack knows are kept as given
    assert c.get("/api/v1/events/count?actor=group:teamlark").json()["count"] == 1


def test_an_actor_name_that_is_no_actors_answers_with_candidates(app: Any, fx: WebFixture) -> None:
    c = api(app, fx)
    r = c.get("/api/v1/events/count", params={"actor": "Chna"})
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "E418" and "CHN" in err["message"] and "did you mean" in err["message"]


def test_a_name_of_several_actors_lists_them() -> None:
    from horizonscan.query import ValidationError, make_filter
    from horizonscan.query.filters import _dictionary

    index = _dictionary().index
    shared = next(k for k, aliases in sorted(index.items()) if len({a.actor.id for a in aliases if a.actor.id}) > 1
                  and all(t.isalpha() for t in k))
    ids = {a.actor.id for a in index[shared] if a.actor.id}
    with pytest.raises(ValidationError) as raised:
        make_filter(actor=" ".join(shared))
    assert raised.value.code == "E418" and raised.value.field == "actor"
    assert all(i in str(raised.value) for i in ids)


# ------------------------------------------------------------------ the form again, field marked

@pytest.mark.parametrize("query, field", [
    ("date_from=2020-13", "date_from"), ("date_to=soon", "date_to"), ("actor=Chna", "actor"),
    ("source_country=ZZZ", "source_country"), ("target_country=nowhere-land", "target_country"),
])
def test_a_bad_filter_gives_the_events_form_back_with_the_field_marked(app: Any, query: str, field: str) -> None:
    r = browser(app).get(f"/events?{query}&type=AID")
    assert r.status_code == 400 and 'action="/events"' in r.text  # the form, not a dead-end error page
    marked = re.findall(r'name="(\w+)"[^>]*aria-invalid="true"', r.text)
    assert marked == [field]
    assert f'id="error-{field}"' in r.text and "(E4" in r.text
    assert re.search(r'<option selected>AID</option>', r.text)  # what else was chosen stays chosen
    assert "events-table" not in r.text  # no unfiltered results under a filter that failed


def test_an_unknown_parameter_on_a_page_is_named_above_the_form(app: Any) -> None:
    c = browser(app)
    for path in ("/events", "/network"):
        r = c.get(f"{path}?sourcecountry=CHN")
        assert r.status_code == 422 and 'id="form-error"' in r.text and "did you mean source_country?" in r.text, path
    r = c.get("/network?date_to=soon&level=country")
    assert r.status_code == 400 and re.findall(r'name="(\w+)"[^>]*aria-invalid="true"', r.text) == ["date_to"]
    # a page without a form keeps the plain error page
    assert c.get("/upload?x=1").status_code == 422


# ------------------------------------------------------------------ upload summary words

def _wait(c: TestClient, location: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        job = c.get(location).json()
        if job["status"] == "done" or time.monotonic() > deadline:
            return job  # type: ignore[no-any-return]
        time.sleep(0.1)


def test_upload_summary_counts_added_duplicates_near_duplicates_and_failures(app: Any, fx: WebFixture) -> None:
    c = browser(app)
    text = ("Uzbekistan and China signed an agreement on a new railway line through the Fergana valley "
            "in Tashkent on 12 April 2019, officials of both governments said at a joint press event. ") * 3
    near = text.replace("officials of both governments said", "officials of both governments told reporters", 1)
    files = [("files", ("first.txt", text.encode(), "text/plain")),
             ("files", ("again.txt", text.encode(), "text/plain")),
             ("files", ("copy.txt", (text + "\n").encode(), "text/plain")),
             ("files", ("near.txt", near.encode(), "text/plain")),
             ("files", ("empty.txt", b"", "text/plain"))]
    r = c.post("/api/v1/uploads", data={"collection": "team"}, files=files)
    assert r.status_code == 202, r.text
    job = _wait(c, r.headers["location"])
    statuses = [i["status"] for i in job["items"]]
    assert statuses == ["added", "duplicate", "duplicate", "near-duplicate", "skipped"], job["items"]
    assert job["summary"] == {"added": 1, "duplicates": 2, "near_duplicates": 1, "failed": 1}
    # the page says the same in words ("3 stored · 3 skipped" counted duplicates as stored)
    page = c.get(f"/upload/jobs/{job['id']}").text
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.split('class="muted upload-summary"')[1].split("</p>")[0]))
    assert "1 added · 2 duplicates · 1 near-duplicate · 1 failed" in words, words
    assert "stored" not in words and "skipped" not in words
    audit = next(r for r in app.state.accounts.audit_log(20) if r["action"] == "upload-done")
    assert {k: audit["detail"][k] for k in job["summary"]} == job["summary"]
