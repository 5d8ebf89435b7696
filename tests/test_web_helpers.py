"""A small hand-built store for the web tests: three collections, users of every role,
and a private collection full of canary strings that must never reach the wrong user."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from horizonscan.ingest.normalise import clean_text, content_id
from horizonscan.records import (
    Analysis,
    Document,
    Event,
    EventActor,
    EventDate,
    EventPlace,
    Found,
    Mention,
    PlaceMention,
)

PASSWORD = "a-long-test-password"
CANARIES = ("CANARYZEBRA", "canaryzebra", "Zebratown", "canarywolf", "canary-source")

# key: (collection, published, title, text, mentions [(surface, actor id, kind, country)],
#       places [(surface, lat, lon, country)], events [(type, src, tgt, place, date, score)])
DOCS: dict[str, tuple[Any, ...]] = {
    "public": ("default", "2020-03-04", "Aid to Kyrgyzstan",
               "China sent humanitarian aid to Kyrgyzstan in Bishkek on 3 March 2020. "
               "The Shanghai Cooperation Organisation met in Bishkek.",
               [("China", "CHN", "state", "CHN"), ("Kyrgyzstan", "KGZ", "state", "KGZ"),
                ("Shanghai Cooperation Organisation", "igo:sco", "igo", None)],
               [("Bishkek", 42.87, 74.59, "KGZ")],
               [("AID", "CHN", "KGZ", "Bishkek", "2020-03-03", 7.4), ("CONSULT", "CHN", "igo:sco", "Bishkek", "2020-03", 1.0)]),
    "team": ("team", "2021-05-06", "Protest in Almaty",
             "Kazakhstan protested against China in Almaty on 5 May 2021. The Teamlark Alliance joined.",
             [("Kazakhstan", "KAZ", "state", "KAZ"), ("China", "CHN", "state", "CHN"),
              ("Teamlark Alliance", "group:teamlark", "group", "KAZ")],
             [("Almaty", 43.24, 76.89, "KAZ")],
             [("PROTEST", "KAZ", "CHN", "Almaty", "2021-05-05", -6.0), ("PROTEST", "group:teamlark", "CHN", "Almaty", "2021-05-05", -5.0)]),
    "secret": ("secret", "2021-09-10", "CANARYZEBRA dossier",
               "CANARYZEBRA Corp threatened canarywolf militia in Zebratown on 9 September 2021.",
               [("CANARYZEBRA Corp", "company:canaryzebra", "company", "TCD"), ("canarywolf militia", "group:canarywolf", "group", "TCD")],
               [("Zebratown", 12.11, 15.04, "TCD")],
               [("THREATEN", "company:canaryzebra", "group:canarywolf", "Zebratown", "2021-09-09", -7.0)]),
}
# name: (role, grants)
USERS: dict[str, tuple[str, dict[str, str]]] = {
    "admin": ("admin", {}),
    "nogrant": ("reader", {}),
    "reader": ("reader", {"default": "read", "team": "read"}),
    "scanner": ("scanner", {"default": "read", "team": "write"}),
    "editor": ("editor", {"default": "read", "team": "write"}),
    "insider": ("reader", {"secret": "read"}),
    "revoked": ("editor", {"default": "read", "team": "write", "secret": "write"}),
}


@dataclass
class WebFixture:
    url: str
    ids: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)
    revoked_token: str = ""
    token_ids: dict[str, int] = field(default_factory=dict)


def _analysis(text: str, spec: tuple[Any, ...]) -> Analysis:
    mentions_, places_, events_ = spec[4:7]
    mentions = []
    for surface, aid, kind, country in mentions_:
        i = text.index(surface)
        mentions.append(Mention(i, i + len(surface), surface, "ORG", aid, country, kind, None, surface, 0.9))
    places = []
    for surface, lat, lon, country in places_:
        i = text.index(surface)
        places.append(PlaceMention(i, i + len(surface), surface, surface, lat, lon, country, None, "city", 0.9))
    sent_end = text.index(".") + 1
    by_id = {m.actor_id: m for m in mentions}
    events = []
    for typ, src, tgt, place, date, score in events_:
        p = next(p for p in places if p.text == place)

        def actor(aid: str) -> EventActor:
            m = by_id[aid]
            return EventActor(m.text, aid, m.country, None, m.start, m.end)

        events.append(Event(typ, None, actor(src), actor(tgt), 0, sent_end, "verb",
                            EventPlace(place, p.lat, p.lon, p.country), EventDate(date, "day" if len(date) == 10 else "month", date),
                            confidence=0.8, score=score))
    return Analysis("en", mentions=tuple(mentions), places=tuple(places), events=tuple(events), analyser="test")


def build(target: Path | str) -> WebFixture:
    """Write the documents, collections, users, grants and tokens into a new store:
    a SQLite file (a path) or an empty database (a URL)."""
    from horizonscan.accounts import Accounts
    from horizonscan.store import open_store

    url = target if isinstance(target, str) else f"sqlite:///{target}"
    store = open_store(url)
    accounts = Accounts(store.engine)
    ids = {}
    for coll in ("team", "secret"):
        accounts.add_collection(coll, coll.title())
    for key, spec in DOCS.items():
        coll, published, title, raw = spec[:4]
        text = clean_text(raw)
        doc = Document(content_id(text), text, Found(title, "test"), Found(published, "test"), Found("en", "test"),
                       source="canary-source" if key == "secret" else "feed", reader="test.v1")
        store.write(doc, _analysis(text, spec), f"{key}.txt")
        ids[key] = doc.id
        if coll != "default":
            accounts.add_documents(coll, [doc.id], [])
    fx = WebFixture(url, ids)
    for name, (role, grants) in USERS.items():
        accounts.add_user(name, PASSWORD, role)
        for coll, access in grants.items():
            accounts.grant(coll, name, access)
        fx.tokens[name] = accounts.new_token(name, "test")
    fx.token_ids = {t["user"]: t["id"] for t in accounts.tokens(accounts.principal(_user(accounts, "admin"), "cli"))}
    revoked = fx.tokens.pop("revoked")
    accounts.revoke_token(accounts.principal(_user(accounts, "admin"), "cli"), fx.token_ids["revoked"])
    fx.revoked_token = revoked
    store.close()
    return fx


# Parameters of a module fixture that builds the store on both backends (PostgreSQL in the slow suite).
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)]


def build_on(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> WebFixture:
    """``build`` on the backend of a fixture parametrised with ``BACKENDS``."""
    if request.param == "postgresql":
        return build(str(request.getfixturevalue("pg_module_url")))
    return build(tmp_path_factory.mktemp("web") / "web.db")


def _user(accounts: Any, name: str) -> dict[str, Any]:
    from horizonscan.store.accounts import user_by_name

    user = user_by_name(accounts.engine, name)
    assert user is not None
    return user


def session_for(app: Any, name: str) -> tuple[str, str]:
    """(session cookie value, CSRF token) for user ``name`` without going through the form."""
    accounts = app.state.accounts
    who = accounts.principal(_user(accounts, name), "session")
    return accounts.open_session(who)  # type: ignore[no-any-return]


def make_app(fx: WebFixture, tmp: Path, **config: Any) -> Any:
    from horizonscan.web.app import WebConfig, create_app

    defaults: dict[str, Any] = dict(upload_dir=tmp / "uploads", analyse_uploads=False, anonymous_per_minute=0)
    defaults.update(config)
    return create_app(fx.url, WebConfig(**defaults))


def throwaway(app: Any, collections: list[str], text: str, title: str = "Throwaway") -> str:
    """Write a small extra document into ``collections`` (none: ``default``); its id."""
    from horizonscan.records import Document, Found

    store = app.state.store
    clean = clean_text(text)
    doc = Document(content_id(clean), clean, Found(title, "test"), Found("2021-01-02", "test"), Found("en", "test"),
                   reader="test.v1")
    spec = ("", "", "", "", [("China", "CHN", "state", "CHN")] if "China" in clean else [], [], [])
    store.write(doc, _analysis(clean, spec), f"throwaway-{doc.id}.txt")
    for coll in collections:
        app.state.accounts.add_documents(coll, [doc.id], [])
    return doc.id


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on a free 127.0.0.1 port in a thread (with its lifespan,
    so the upload worker starts); yields the base URL and stops the server after."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    # start-up includes the app's lifespan (the upload worker); on a loaded 2-core machine
    # that has taken over 15 s
    deadline = time.monotonic() + 90
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
