"""The event summary answers exactly like the raw tables (store/summary.py, summary_read.py).

Random stores written through the writer, random collections, random scopes and filters,
on SQLite and PostgreSQL: every query function gives the same records with the summary
as without it, after collection moves, duplicate marking and deletions too, and a
rebuild gives back the incrementally kept counts.
"""

from __future__ import annotations

import random
from typing import Any, Callable

import pytest
import sqlalchemy as sa

from horizonscan import query as q
from horizonscan.ingest.normalise import clean_text, content_id
from horizonscan.records import Analysis, Document, Event, EventActor, EventDate, EventPlace, Found, Mention, PlaceMention
from horizonscan.store import open_store, summary, summary_read
from horizonscan.store.accounts import add_documents, create_collection
from horizonscan.store.schema import documents

TYPES = ["AID", "PROTEST", "AGREE", "ACCUSE"]
COUNTRIES = ["CHN", "KAZ", "KGZ", "USA", None]
ACTORS = ["CHN", "KAZ", "igo:sco", "company:cnpc", "person:x", None]
DATES = [("2020-03-15", "day"), ("2020-03-31", "day"), ("2020-04-01", "day"), ("2021-12-31", "day"), ("2020-03", "month"),
         ("2021-01", "month"), ("2020-Q2", "quarter"), ("2020", "year"), ("2021", "year"), ("2020-W10", "week"),
         ("2019/2020", "range"), None]
PLACES = [EventPlace("Almaty", 43.25, 76.95, "KAZ", 1526384), EventPlace("Bishkek", 42.87, 74.59, "KGZ", 1528675),
          EventPlace("Almaty", 43.25, 76.95, "KAZ", 1526384), EventPlace("Somewhere", None, None, None, None), None]
SCOPES: list[frozenset[str] | None] = [None, frozenset({"default"}), frozenset({"team"}), frozenset({"default", "ops"})]


def _event(rng: random.Random) -> Event:
    def side() -> EventActor | None:
        actor, country = rng.choice(ACTORS), rng.choice(COUNTRIES)
        return None if actor is None and country is None and rng.random() < 0.5 else EventActor("x", actor, country)

    d = rng.choice(DATES)
    return Event(rng.choice(TYPES), rng.choice(["economic", None]) if rng.random() < 0.5 else None, side(), side(), 0, 5,
                 place=rng.choice(PLACES), date=EventDate(*d) if d else None, negated=rng.random() < 0.15,
                 hypothetical=rng.random() < 0.15, score=rng.choice([-6.5, -2.0, 0.0, 3.5, 7.0]))


def build(url: str, seed: int, n_docs: int = 24) -> tuple[Any, list[str]]:
    rng = random.Random(seed)
    store = open_store(url)
    ids = []
    for i in range(n_docs):
        text = clean_text(f"Document {seed} number {i} about {rng.random()}.")
        doc = Document(content_id(text), text, Found(f"T{i}"), Found(f"2020-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"),
                       Found(rng.choice(["en", "ru", None])), reader="test.v1")
        events = tuple(_event(rng) for _ in range(rng.randint(0, 6)))
        mentions = tuple(Mention(0, 1, "x", "ORG", rng.choice(ACTORS), name=rng.choice(["A", "B", None]))
                         for _ in range(rng.randint(0, 4)))
        places = tuple(PlaceMention(0, 1, rng.choice(["Almaty", "Osh"]), name=rng.choice(["Almaty", None]), country=rng.choice(COUNTRIES))
                       for _ in range(rng.randint(0, 3)))
        store.write(doc, Analysis("en", mentions=mentions, places=places, events=events, analyser="t"), f"{i}.txt")
        ids.append(doc.id)
    for c in ("team", "ops"):
        create_collection(store.engine, c, c)
    # some in one collection, some in two, some also kept in default, the rest unlisted (default)
    add_documents(store.engine, "team", ids[:8], existing=ids[:3])
    add_documents(store.engine, "ops", ids[5:12])
    return store, ids


def _filters(rng: random.Random) -> list[Any]:
    pick = rng.choice
    return [
        q.make_filter(),
        q.make_filter(type=pick(TYPES)),
        q.make_filter(type=[pick(TYPES), pick(TYPES)], include_negated=True),
        q.make_filter(mode="economic", include_duplicates=True),
        q.make_filter(source_country=pick(COUNTRIES[:-1])),
        q.make_filter(target_country=pick(COUNTRIES[:-1]), type=pick(TYPES), include_hypothetical=True),
        q.make_filter(actor=pick(ACTORS[:-1])),
        q.make_filter(actor=[pick(ACTORS[:-1]), pick(ACTORS[:-1])]),
        q.make_filter(source_actor=pick(ACTORS[:-1])),
        q.make_filter(target_actor=pick(ACTORS[:-1]), include_negated=True),
        q.make_filter(date_from="2020", date_to="2020"),
        q.make_filter(date_from="2020-03", date_to="2020-04"),
        q.make_filter(date_from="2020-03-15"),
        q.make_filter(date_from="2020", date_to="2020", date_rule="within"),
        q.make_filter(date_from="2020-Q2", type=pick(TYPES)),
        q.make_filter(actor=pick(ACTORS[:-1]), date_from="2021"),
        q.make_filter(source_country=pick(COUNTRIES[:-1]), date_to="2020-06"),
        q.make_filter(country=pick(COUNTRIES[:-1])),  # not kept by any roll-up: raw either way
    ]


def _calls(f: Any) -> list[tuple[str, Callable[..., Any]]]:
    return [
        ("count", lambda s, sc: q.count_events(s, f, scope=sc)),
        ("facets", lambda s, sc: q.facets(s, f, fields=("type", "mode", "source_country", "target_country", "year", "precision"),
                                          top=3, scope=sc)),
        *((f"timeline {g} {by}", lambda s, sc, g=g, by=by: q.timeline(s, f, granularity=g, by=by, scope=sc))
          for g, by in (("month", None), ("month", "year"), ("quarter", "type"), ("year", "target_country"), ("year", None))),
        ("network actor", lambda s, sc: q.network(s, f, level="actor", top=5, scope=sc)),
        ("network country", lambda s, sc: q.network(s, f, level="country", top=50, scope=sc)),
        ("actors", lambda s, sc: q.top_actors(s, f, basis="events", top=4, scope=sc)),
        ("actors kind", lambda s, sc: q.top_actors(s, f, basis="events", kind="igo", top=50, scope=sc)),
        ("places", lambda s, sc: q.top_places(s, f, basis="events", top=3, scope=sc)),
    ]


def _doc_calls() -> list[tuple[str, Callable[..., Any]]]:
    return [
        ("new since", lambda s, sc: q.new_since(s, "2020-05-01", min_count=1, scope=sc)),
        ("new since copies", lambda s, sc: q.new_since(s, "2020-06-15", until="2020-08-31", baseline_days=40, min_count=1,
                                                        filter=q.make_filter(include_duplicates=True), scope=sc)),
        ("documents", lambda s, sc: q.facets(s, None, fields=("language",), top=2, target="documents", scope=sc)),
        ("documents all", lambda s, sc: q.facets(s, q.make_filter(include_duplicates=True), fields=("language",), target="documents", scope=sc)),
    ]


def assert_same(store: Any, rng: random.Random) -> int:
    """Every call, scope and filter gives the same answer with and without the summary; how many used it."""
    used = 0
    calls = [(name, None, call) for name, call in _doc_calls()] + [(name, f, call) for f in _filters(rng) for name, call in _calls(f)]
    for name, f, call in calls:
        for sc in SCOPES:
            with summary_read.disabled():
                raw = call(store, sc)
            assert call(store, sc) == raw, (name, f, sc)
    with store.engine.connect() as conn:
        used = sum(summary_read.count_events(conn, f, frozenset({"default"})) is not None for f in _filters(rng))
    assert call(store, frozenset()) == call(store, frozenset({"nobody"}))  # an empty scope sees nothing
    return used


def _summary_state(store: Any) -> dict[str, Any]:
    """Summary rows as key → measures (row ids and order aside), signatures by name."""
    out: dict[str, Any] = {}
    measures = ("n", "score", "n_once", "n_docs", "first", "last")
    with store.engine.connect() as conn:
        names = dict(conn.execute(sa.text("SELECT id, collections FROM visibility_signatures")).all())
        for table in [r.table for r in summary.ROLLUPS] + [t for t, _, _ in summary.NEW_ROLLUPS.values()]:
            rows: dict[Any, list[Any]] = {}
            for r in conn.execute(sa.select(table)):
                m = dict(r._mapping)
                key = (names[m.pop("signature_id")], *(v for c, v in m.items() if c != "id" and c not in measures))
                acc = rows.setdefault(key, [0, 0.0, 0, 0, None, None])
                acc[0] += m["n"]
                acc[1] = round(acc[1] + m.get("score", 0.0), 6)
                acc[2] += m.get("n_once", 0)
                acc[3] += m.get("n_docs", 0)
                acc[4], acc[5] = m.get("first"), m.get("last")
            out[table.name] = {k: v for k, v in rows.items() if v[0]}
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_summary_answers_like_raw_tables(store_url: str, seed: int) -> None:
    store, ids = build(store_url, seed)
    rng = random.Random(seed)
    assert assert_same(store, rng) >= 10  # most filters were answered from the summary

    # move documents between collections, mark one a near-duplicate, delete two
    add_documents(store.engine, "ops", ids[10:16], existing=ids[10:12])
    add_documents(store.engine, "team", ids[14:18])
    with store.engine.begin() as conn:
        summary.remove_document(conn, ids[20])
        conn.execute(documents.update().where(documents.c.id == ids[20]).values(duplicate_of=ids[0]))
        summary.add_document(conn, ids[20])
        for doc_id in (ids[1], ids[21]):
            summary.remove_document(conn, doc_id)
            conn.execute(documents.delete().where(documents.c.id == doc_id))  # cascades to events and collections
    assert_same(store, rng)

    # the counts kept one document at a time are the counts of a rebuild
    kept = _summary_state(store)
    with store.engine.begin() as conn:
        summary.rebuild(conn)
    assert _summary_state(store) == kept
    assert_same(store, rng)
    store.close()


def test_unaligned_dates_and_unknown_fields_read_raw_tables(tmp_path: Any) -> None:
    store, _ = build(f"sqlite:///{tmp_path / 's.db'}", 3, n_docs=4)
    with store.engine.connect() as conn:
        assert summary_read.count_events(conn, q.make_filter(date_from="2020-03-15"), None) is None
        assert summary_read.count_events(conn, q.make_filter(country="CHN"), None) is None
        assert summary_read.count_events(conn, q.make_filter(date_from="2020-03"), None) is not None
        assert summary_read.timeline_rows(conn, q.make_filter(), None, "week", None, 10) is None
        assert summary_read.count_events(conn, q.make_filter(actor="CHN", date_from="2020-03"), None) is None  # actors by year
        assert summary_read.count_events(conn, q.make_filter(actor="CHN", date_from="2020"), None) is not None
    store.close()


def test_cached_charts_show_a_write_at_once(tmp_path: Any) -> None:
    """The web caches key on the store generation: a new document is in the next answer."""
    import warnings

    pytest.importorskip("fastapi")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from test_web_helpers import build as build_web, make_app

    fx = build_web(tmp_path / "web.db")
    client = TestClient(make_app(fx, tmp_path), headers={"authorization": f"Bearer {fx.tokens['admin']}"})

    def top() -> dict[str, int]:
        return {a["id"]: a["count"] for a in client.get("/api/v1/actors", params={"top": 100}).json()["items"]}

    before = top()
    assert top() == before  # served from the cache
    store = open_store(fx.url)
    text = clean_text("Kyrgyzstan thanked the Shanghai Cooperation Organisation on 2 May 2021.")
    ev = Event("AGREE", None, EventActor("Kyrgyzstan", "KGZ", "KGZ"), EventActor("SCO", "igo:sco-new", None), 0, len(text),
               date=EventDate("2021-05-02", "day"), score=4.0)
    store.write(Document(content_id(text), text, Found("New"), Found("2021-05-03")), Analysis("en", events=(ev,), analyser="t"), "n.txt")
    store.close()
    after = top()
    assert after.get("igo:sco-new") == 1 and after.get("KGZ", 0) == before.get("KGZ", 0) + 1
