"""Actor autocomplete: prefix matching, literal input, and never a name from an unreadable collection."""

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

from test_web_helpers import BACKENDS, WebFixture, build_on, make_app

from horizonscan.query import ValidationError
from horizonscan.query.suggest import suggest_actors
from horizonscan.store import open_store


@pytest.fixture(scope="module", params=BACKENDS)
def fx(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> WebFixture:
    return build_on(request, tmp_path_factory)


@pytest.fixture(scope="module")
def store(fx: WebFixture) -> Any:
    s = open_store(fx.url)
    yield s
    s.close()


def ids(found: list[Any]) -> list[str]:
    return [s.id for s in found]


def test_name_word_and_id_prefixes(store: Any) -> None:
    assert ids(suggest_actors(store, "kyr")) == ["KGZ"]
    assert ids(suggest_actors(store, "Cooperation")) == ["igo:sco"]  # a later word of the name
    assert ids(suggest_actors(store, "igo:")) == ["igo:sco"]
    assert "igo:sco" in ids(suggest_actors(store, "sco"))  # the id without its kind prefix
    assert suggest_actors(store, "  ") == []


def test_input_is_literal_and_bounded(store: Any) -> None:
    assert suggest_actors(store, "%") == []  # not a wildcard
    assert suggest_actors(store, "_a") == []
    with pytest.raises(ValidationError):
        suggest_actors(store, "x" * 81)
    with pytest.raises(ValidationError):
        suggest_actors(store, "ki\x00")
    with pytest.raises(ValidationError):
        suggest_actors(store, "ki", limit=0)


def test_scope_hides_actors_only_private_documents_name(store: Any) -> None:
    assert ids(suggest_actors(store, "canary", scope=None)) == ["company:canaryzebra", "group:canarywolf"]
    assert suggest_actors(store, "canary", scope=frozenset({"default", "team"})) == []
    assert suggest_actors(store, "canary", scope=frozenset()) == []
    assert ids(suggest_actors(store, "teamlark", scope=frozenset({"default"}))) == []
    assert ids(suggest_actors(store, "teamlark", scope=frozenset({"team"}))) == ["group:teamlark"]


def test_web_routes(fx: WebFixture, tmp_path: Path) -> None:
    app = make_app(fx, tmp_path)
    reader = TestClient(app, headers={"authorization": f"Bearer {fx.tokens['reader']}"})
    r = reader.get("/api/v1/suggest/actors", params={"q": "kaz"})
    assert r.status_code == 200 and [i["id"] for i in r.json()["items"]] == ["KAZ"]
    assert reader.get("/api/v1/suggest/actors", params={"q": "canary"}).json()["items"] == []
    # the datalist fragment completes the last of several comma-separated ids
    html = reader.get("/suggest/actors", params={"actor": "CHN, kyrg"}).text
    assert '<option value="CHN,KGZ">' in html
    assert "CANARY" not in reader.get("/suggest/actors", params={"actor": "canary"}).text.upper()
    insider = TestClient(app, headers={"authorization": f"Bearer {fx.tokens['insider']}"})
    assert "CANARYZEBRA Corp" in insider.get("/suggest/actors", params={"actor": "canaryz"}).text
    anonymous = TestClient(app, follow_redirects=False)
    assert anonymous.get("/api/v1/suggest/actors", params={"q": "kaz"}).status_code == 401
    assert reader.get("/api/v1/suggest/actors", params={"q": "k" * 200}).status_code == 422
