"""Query layer on a fixture store of hand-made records: behaviour on both backends, and parity.

``fill_store`` is shared by the other test_query_* modules.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa

from horizonscan import query as q
from horizonscan.ingest.normalise import clean_text, content_id
from horizonscan.query.api import period_of, period_start, periods_between
from horizonscan.query.errors import ValidationError
from horizonscan.records import (
    Analysis, Document, Event, EventActor, EventDate, EventPlace, Found, Mention, PlaceMention, Theme,
)
from horizonscan.store import Store, open_store

ACTORS = {
    "CHN": ("China", "state", "CHN", "GOV"),
    "KAZ": ("Kazakhstan", "state", "KAZ", "GOV"),
    "KGZ": ("Kyrgyzstan", "state", "KGZ", "GOV"),
    "UZB": ("Uzbekistan", "state", "UZB", "GOV"),
    "NPL": ("Nepal", "state", "NPL", "GOV"),
    "USA": ("United States", "state", "USA", "GOV"),
    "ngo:amity-foundation": ("Amity Foundation", "ngo", "CHN", "NGO"),
    "company:cnpc": ("CNPC", "company", "CHN", "BUS"),
    "igo:sco": ("Shanghai Cooperation Organisation", "igo", None, "IGO"),
    "group:aktobe-residents": ("Aktobe residents", "group", "KAZ", "CVL"),
}
PLACES = {
    "Almaty": (43.24, 76.95, "KAZ", 1526384),
    "Bishkek": (42.87, 74.59, "KGZ", 1528675),
    "Aktobe": (50.28, 57.17, "KAZ", 610612),
    "Tashkent": (41.31, 69.28, "UZB", 1512569),
    "Washington": (38.9, -77.03, "USA", 4140963),
    "Kathmandu": (27.7, 85.3, "NPL", 1283240),
    "Suva": (-18.14, 178.44, "FJI", 2198148),
}
LONG = (
    "Relief teams from the Amity Foundation reached Kathmandu with tents and water filters after the tremor. "
    "Volunteers worked beside district officials to list damaged houses, clinics and schools in the valley, "
    "and engineers checked bridges on the roads that lead to villages in the hills. The foundation said that "
    "a small team would stay for the rebuilding season and publish its spending every month."
)

# (key, published, language, source, text, themes, mentions, places, events)
# event: (type, mode, src, tgt, place, date value, precision, score, confidence, flags)
DOCS: list[tuple[Any, ...]] = [
    ("d1", "2020-03-15", "en", "feed-a", "China sent medical aid to Kazakhstan in March 2020. The Amity Foundation helped in Almaty.",
     ["health"], ["CHN", "KAZ", "ngo:amity-foundation"], ["Almaty"],
     [("AID", "humanitarian", "CHN", "KAZ", "Almaty", "2020-03", "month", 7.0, 0.9, "")]),
    ("d2", "2020-05-02", "en", "feed-a", "China delivered masks to Kyrgyzstan on 1 May 2020 in Bishkek. Kyrgyzstan consulted China in 2020.",
     ["health"], ["CHN", "KGZ"], ["Bishkek"],
     [("AID", "humanitarian", "CHN", "KGZ", "Bishkek", "2020-05-01", "day", 7.0, 0.8, ""),
      ("CONSULT", None, "KGZ", "CHN", None, "2020", "year", 1.0, 0.6, "")]),
    ("d3", "2020-11-20", "ru", "feed-b", "Aktobe residents protested against CNPC on 19 November 2020 near Aktobe.",
     ["economic"], ["group:aktobe-residents", "company:cnpc", "KAZ"], ["Aktobe"],
     [("PROTEST", None, "group:aktobe-residents", "company:cnpc", "Aktobe", "2020-11-19", "day", -6.5, 0.7, "")]),
    ("d4", "2021", "en", "feed-b", "China and Uzbekistan agreed a loan in the first quarter of 2021 in Tashkent. China did not send aid to Uzbekistan.",
     ["economic"], ["CHN", "UZB"], ["Tashkent"],
     [("AGREE", None, "CHN", "UZB", "Tashkent", "2021-Q1", "quarter", 4.0, 0.75, ""),
      ("AID", "economic", "CHN", "UZB", None, "2021", "year", 7.0, 0.5, "negated")]),
    ("d5", "2019-07-01", "fr", "feed-c", "L'OCS a soutenu le Kazakhstan en juin 2019. Le Kazakhstan pourrait menacer le Kirghizistan.",
     [], ["igo:sco", "KAZ", "KGZ"], [],
     [("SUPPORT", None, "igo:sco", "KAZ", None, "2019-06", "month", 3.0, 0.6, ""),
      ("THREATEN", None, "KAZ", "KGZ", None, "2019", "year", -4.0, 0.4, "hypothetical")]),
    ("d6", "2021-06-05", "en", "feed-a", "The United States accused China on 4 June 2021 in Washington. China rejected the claims.",
     ["political"], ["USA", "CHN"], ["Washington"],
     [("ACCUSE", None, "USA", "CHN", "Washington", "2021-06-04", "day", -4.0, 0.85, ""),
      ("REJECT", None, "CHN", "USA", None, None, None, -3.0, 0.5, "")]),
    ("d7", "2021-06-20", "en", "feed-a", LONG + " China gave aid to Nepal in June 2021.",
     ["health"], ["CHN", "NPL", "ngo:amity-foundation"], ["Kathmandu"],
     [("AID", "humanitarian", "CHN", "NPL", "Kathmandu", "2021-06", "month", 7.0, 0.9, "")]),
    ("d8", "2021-06-25", "en", "feed-c", "China pledged aid for Fiji over 2021/2022, delivered in Suva.",
     [], ["CHN"], ["Suva"],
     [("AID", "economic", "CHN", None, "Suva", "2021/2022", "range", 6.0, 0.55, "")]),
    ("d9", "2021-06-21", "en", "feed-d", LONG + " China gave aid to Nepal in June 2021 (syndicated).",
     ["health"], ["CHN", "NPL", "ngo:amity-foundation"], ["Kathmandu"],
     [("AID", "humanitarian", "CHN", "NPL", "Kathmandu", "2021-06", "month", 7.0, 0.9, "")]),
    ("d10", "2021-06-28", "en", "feed-a", "China and Kazakhstan consulted on 27 June 2021; Amity Foundation and CNPC attended.",
     [], ["CHN", "KAZ", "ngo:amity-foundation", "company:cnpc"], [],
     [("CONSULT", None, "CHN", "KAZ", None, "2021-06-27", "day", 1.0, 0.7, "")]),
]


def _analysis(text: str, spec: tuple[Any, ...]) -> Analysis:
    themes_, mention_ids, place_names, evs = spec[5:9]
    mentions = []
    for i, aid in enumerate(mention_ids):
        name, kind, country, sector = ACTORS[aid]
        mentions.append(Mention(i, i + 1, name, "ORG", aid, country, kind, sector, name, 0.9))
    places = [PlaceMention(0, 1, n, n, *PLACES[n][:3], PLACES[n][3], "city") for n in place_names]
    events = []
    for n, (typ, mode, src, tgt, pl, dv, prec, score, conf, flags) in enumerate(evs):
        def actor(aid: str | None) -> EventActor | None:
            if aid is None:
                return None
            return EventActor(ACTORS[aid][0], aid, ACTORS[aid][2], ACTORS[aid][3])
        place = EventPlace(pl, *PLACES[pl][:3], PLACES[pl][3]) if pl else None
        if pl == "Suva":
            place = EventPlace(pl, *PLACES[pl][:3], PLACES[pl][3])
        sent = text.split(". ")[min(n, len(text.split(". ")) - 1)]
        start = text.index(sent)
        events.append(Event(typ, mode, actor(src), actor(tgt), start, start + len(sent), "verb", place,
                            EventDate(dv, prec, dv) if dv else None, "negated" in flags, "hypothetical" in flags,
                            confidence=conf, score=score))
    themes = tuple(Theme("human-security", t, 0, len(text), ("cue",), 0.5) for t in themes_)
    return Analysis("x", mentions=tuple(mentions), places=tuple(places), events=tuple(events), themes=themes, analyser="test")


def fill_store(url: str) -> dict[str, str]:
    """Write the fixture documents (in order) into a fresh store; keys → document ids."""
    store = open_store(url)
    ids = {}
    for spec in DOCS:
        key, published, lang, source, text = spec[:5]
        text = clean_text(text)
        doc = Document(content_id(text), text, Found(f"Title {key}", "test"), Found(published, "test"),
                       Found(lang, "test"), source=source, reader="test.v1")
        store.write(doc, _analysis(text, spec), f"{key}.txt")
        ids[key] = doc.id
    store.close()
    return ids


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """The fixture store on SQLite and, when available, on PostgreSQL (built once per module)."""
    out: dict[str, Any] = {}
    path = tmp_path_factory.mktemp("q") / "fixture.db"
    out["ids"] = fill_store(f"sqlite:///{path}")
    out["sqlite"] = open_store(f"sqlite:///{path}")
    admin = None
    try:
        pg_url = request.getfixturevalue("pg_url")
    except pytest.skip.Exception:
        pg_url = None
    if pg_url:
        name = "q_" + uuid.uuid4().hex[:10]
        admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = pg_url.rsplit("/", 1)[0] + "/" + name
        assert fill_store(url) == out["ids"]
        out["postgresql"] = open_store(url)
    yield out
    for key in ("sqlite", "postgresql"):
        if key in out:
            out[key].close()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, stores: dict[str, Any]) -> Store:
    if request.param not in stores:
        pytest.skip("PostgreSQL not available")
    return stores[request.param]  # type: ignore[no-any-return]


def _types(page: Any) -> list[tuple[str, str | None]]:
    return [(e.type, e.date_value) for e in page.items]


# ---------------------------------------------------------------- behaviour (both backends)


def test_event_filters(store: Store, stores: dict[str, Any]) -> None:
    ids = stores["ids"]
    f = q.make_filter(type="AID", source_country="CHN", target_country="central-asia", date_from="2020", date_to="2020")
    page = q.find_events(store, f)
    assert _types(page) == [("AID", "2020-03"), ("AID", "2020-05-01")]
    assert page.items[0].sentence.startswith("China sent medical aid") and page.items[0].document_id == ids["d1"]
    # negated and hypothetical events are out unless asked for
    assert q.count_events(store, q.make_filter(type="AID", target_country="UZB")) == 0
    assert q.count_events(store, q.make_filter(type="AID", target_country="UZB", include_negated=True)) == 1
    assert q.count_events(store, q.make_filter(type="THREATEN", include_hypothetical=True)) == 1
    # the near-duplicate copy d9 is hidden unless asked for
    assert q.count_events(store, q.make_filter(target_country="NPL")) == 1
    assert q.count_events(store, q.make_filter(target_country="NPL", include_duplicates=True)) == 2
    assert q.count_events(store, q.make_filter(actor="ngo:amity-foundation")) == 0
    assert q.count_events(store, q.make_filter(actor_kind="company")) == 1
    assert q.count_events(store, q.make_filter(actor_kind="group", type="PROTEST")) == 1
    assert q.count_events(store, q.make_filter(country="sco", type="CONSULT")) == 2
    assert q.count_events(store, q.make_filter(language="ru")) == 1
    assert q.count_events(store, q.make_filter(source="feed-c")) == 2  # SUPPORT (d5) and AID Fiji (d8)
    assert q.count_events(store, q.make_filter(theme="economic")) == 2
    assert q.count_events(store, q.make_filter(min_confidence=0.8)) == 4
    assert q.count_events(store, q.make_filter(mode="humanitarian")) == 3
    assert q.count_events(store, q.make_filter(region="eastern-asia")) == 0
    assert q.count_events(store, q.make_filter(place_country="KAZ")) == 2


def test_date_precision_rule(store: Store) -> None:
    """overlap: a period touching the range matches; within: it must lie inside."""
    def dates(**kw: Any) -> list[str | None]:
        return sorted(e.date_value or "" for e in q.find_events(store, q.make_filter(**kw)).items)

    # June 2020 overlaps the year-precision CONSULT "2020" but not the March or May events
    assert dates(date_from="2020-06", date_to="2020-06") == ["2020"]
    assert dates(date_from="2020-06", date_to="2020-06", date_rule="within") == []
    assert dates(date_from="2020", date_to="2020", date_rule="within") == ["2020", "2020-03", "2020-05-01", "2020-11-19"]
    # 2021-Q1 overlaps February; the range precision (kept as its first year) overlaps 2021
    assert dates(date_from="2021-02-10", date_to="2021-02-11") == ["2021-Q1", "2021/2022"]
    assert dates(date_from="2021-03-31", date_to="2021-04-01", date_rule="within") == []
    assert dates(date_from="2021-01", date_to="2021-03", date_rule="within") == ["2021-Q1"]
    assert "2021/2022" in dates(date_from="2021-12-31")
    assert dates(date_to="2019-12-31") == ["2019-06"]


def test_geo_filters(store: Store) -> None:
    near = q.find_events(store, q.make_filter(near="43.0,76.0,100"))  # around Almaty (80 km; Bishkek is 115 km away)
    assert [e.place_text for e in near.items] == ["Almaty"]
    wide = q.find_events(store, q.make_filter(near="43.0,76.0,300"))
    assert [e.place_text for e in wide.items] == ["Almaty", "Bishkek"]
    box = q.find_events(store, q.make_filter(bbox="35,55,52,80"))
    assert sorted(e.place_text or "" for e in box.items) == ["Aktobe", "Almaty", "Bishkek", "Tashkent"]
    # boxes and circles across the antimeridian
    assert [e.place_text for e in q.find_events(store, q.make_filter(bbox="-20,170,-15,-170")).items] == ["Suva"]
    assert [e.place_text for e in q.find_events(store, q.make_filter(near="-18,-179.5,300")).items] == ["Suva"]


def test_pagination_is_stable(store: Store) -> None:
    all_events = q.find_events(store, limit=100).items
    seen: list[int] = []
    cursor = None
    while True:
        page = q.find_events(store, limit=2, cursor=cursor)
        seen += [e.id for e in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [e.id for e in all_events] and len(seen) == 11
    # undated events sort first; the order is by date_start then id
    assert all_events[0].date_start is None
    back = [e.id for e in q.find_events(store, sort="-date", limit=100).items]
    assert back == list(reversed(seen))
    with pytest.raises(ValidationError, match="E414"):
        q.find_events(store, q.make_filter(type="AID"), cursor=q.find_events(store, limit=1).next_cursor)
    docs = q.find_documents(store, q.make_filter(language="en"), limit=3)
    more = q.find_documents(store, q.make_filter(language="en"), limit=3, cursor=docs.next_cursor)
    assert len(docs.items) == 3 and not set(d.id for d in docs.items) & set(d.id for d in more.items)


def test_facets_and_timeline(store: Store) -> None:
    (types, countries) = q.facets(store, fields=["type", "target_country"], top=3)
    assert [(v.value, v.count) for v in types.values] == [("AID", 4), ("CONSULT", 2), ("ACCUSE", 1)]
    assert types.total == 14 - 3 and types.other == 11 - 7  # 14 events less the negated, the hypothetical and the copy
    assert [(v.value, v.count) for v in countries.values[:2]] == [("CHN", 3), ("KAZ", 3)]  # ties by code
    (langs,) = q.facets(store, q.make_filter(date_from="2021"), fields=["language"], target="documents")
    assert [(v.value, v.count) for v in langs.values] == [("en", 5)]
    tl = q.timeline(store, q.make_filter(date_from="2020", date_to="2020"), granularity="month")
    assert [(p.period, p.count) for p in tl.points if p.count] == [("2020-03", 1), ("2020-05", 1), ("2020-11", 1)]
    # Empty months between the first and the last are listed with 0: a chart keeps time's true spacing.
    assert [p.period for p in tl.points] == [f"2020-{m:02d}" for m in range(3, 12)]
    assert sum(p.count for p in tl.points) == 3
    gaps = q.timeline(store, q.make_filter(date_from="2020", date_to="2020"), granularity="month", fill=False)
    assert [p.period for p in gaps.points] == ["2020-03", "2020-05", "2020-11"]
    assert tl.coarser == 1 and tl.undated == 0  # the "2020" CONSULT is not in any month
    by = q.timeline(store, granularity="year", by="type", top_keys=2)
    assert by.keys == ("AID", "CONSULT", "(other)")
    assert ("2021", "AID", 2) in [(p.period, p.key, p.count) for p in by.points]
    # every split value has a point in every period, 0 where it has no event
    assert len(by.points) == len({p.period for p in by.points}) * len(by.keys)
    assert by.undated == 1 and by.coarser == 0
    weeks = q.timeline(store, q.make_filter(type="AID"), granularity="week")
    assert [p.period for p in weeks.points] == ["2020-W18"]


def test_networks_and_lists(store: Store) -> None:
    net = q.network(store, q.make_filter(source_country="CHN"))
    edge = {(e.source, e.target): e for e in net.edges}
    assert edge[("CHN", "KAZ")].weight == 2 and edge[("CHN", "KAZ")].mean_score == 4.0
    assert {n.id: n.label for n in net.nodes}["UZB"] == "Uzbekistan"
    co = q.cooccurrence(store, top=3)
    assert co.edges[0].source == "CHN" and co.edges[0].weight >= 3 and co.truncated
    sent = q.cooccurrence(store, unit="sentence", top=50)
    assert all(e.weight >= 1 for e in sent.edges)
    actors = q.top_actors(store, top=3)
    assert actors[0].id == "CHN" and actors[0].name == "China" and actors[0].as_source == 7
    by_events = q.top_actors(store, basis="events", kind="company")
    assert [(a.id, a.count, a.as_target) for a in by_events] == [("company:cnpc", 1, 1)]
    places = q.top_places(store)
    assert places[0].count == 1 and {p.name for p in places} >= {"Almaty", "Suva"}
    mentioned = q.top_places(store, basis="mentions", top=50)
    assert {p.name: p.count for p in mentioned}["Kathmandu"] == 1  # the copy is hidden


def test_new_since(store: Store) -> None:
    res = q.new_since(store, "2021-06-01", until="2021-06-30", baseline_days=500, min_count=2, min_ratio=2.5)
    got = {(i.kind, i.key): i for i in res.items}
    assert got[("actor", "ngo:amity-foundation")].status == "rising"  # 2 documents now vs 1 (d1) in the 500 days before
    assert got[("actor", "USA")].recent == 1 if ("actor", "USA") in got else True
    assert ("actor", "CHN") not in got or got[("actor", "CHN")].ratio >= 3
    assert res.baseline_from == "2020-01-18" and res.baseline_to == "2021-05-31"
    assert res.note is None  # a note only explains an empty answer
    assert q.corpus_end(store, today=date(2026, 12, 8)) == date(2021, 6, 28)  # three originals within 30 days
    strict = q.new_since(store, "2021-06-01", until="2021-06-30", baseline_days=365, min_count=1, kinds=["event_type"])
    assert {i.key for i in strict.items} >= {"ACCUSE", "REJECT"}
    assert all(i.status == "new" for i in strict.items if i.key in ("ACCUSE", "REJECT"))


def test_scope_hook(store: Store) -> None:
    assert q.count_events(store, scope={"default"}) == q.count_events(store)
    assert q.count_events(store, scope=set()) == 0
    assert q.find_documents(store, scope={"other"}).items == ()


def test_search_wrapper(store: Store) -> None:
    page = q.search(store, "Aktobe")
    assert len(page.items) == 1 and page.items[0].language == "ru"
    assert q.search(store, "Kathmandu", q.make_filter(source="feed-d")).items == ()  # the copy is hidden


# ---------------------------------------------------------------- parity


def _all_answers(store: Store) -> dict[str, Any]:
    f = q.make_filter(date_from="2019", date_to="2021-12")
    answers: dict[str, Any] = {
        "events": q.find_events(store, limit=100, sort="date"),
        "events_desc": q.find_events(store, f, limit=100, sort="-date"),
        "events_neg": q.find_events(store, q.make_filter(include_negated=True, include_hypothetical=True, include_duplicates=True), limit=100),
        "documents": q.find_documents(store, limit=100),
        "count": q.count_events(store, f),
        "clusters": q.count_events(store, unit="clusters"),
        "facets": q.facets(store, f, fields=list(q.api.sq.EVENT_FACETS), top=50),
        "doc_facets": q.facets(store, target="documents", fields=["language", "source", "year", "theme"], top=50),
        "timeline": [q.timeline(store, granularity=g, by=b) for g in ("day", "week", "month", "quarter", "year") for b in (None, "type", "language")],
        "network": [q.network(store, level=lv, top=50) for lv in ("actor", "country")],
        "cooccurrence": [q.cooccurrence(store, unit=u, top=50) for u in ("document", "sentence")],
        "actors": [q.top_actors(store, basis=b, top=50) for b in ("mentions", "events")],
        "actor_split": [(q.count_events(store, q.make_filter(actor=a)), q.timeline(store, q.make_filter(actor=a), granularity="week"))
                        for a in ("CHN", "KAZ", "company:cnpc")],
        "places": [q.top_places(store, basis=b, top=50) for b in ("mentions", "events")],
        "new_since": q.new_since(store, "2021-06-01", min_count=1, min_ratio=1.0),
        "near": q.find_events(store, q.make_filter(near="40,70,1500")),
        "search": [h.id for h in q.search(store, "China").items],
    }
    return {k: (v.to_dict() if hasattr(v, "to_dict") else [x.to_dict() if hasattr(x, "to_dict") else x for x in v] if isinstance(v, (list, tuple)) else v) for k, v in answers.items()}


def test_parity_sqlite_postgresql(stores: dict[str, Any]) -> None:
    if "postgresql" not in stores:
        pytest.skip("PostgreSQL not available")
    lite, pg = _all_answers(stores["sqlite"]), _all_answers(stores["postgresql"])
    for key in lite:
        if key == "search":
            assert sorted(lite[key]) == sorted(pg[key]), key  # ranks differ by design (bm25 vs ts_rank)
        else:
            assert lite[key] == pg[key], key


def test_actor_on_either_side_split(store: Store) -> None:
    """Counts, timelines and top actors that run per actor side agree with the events listed
    (find_events keeps the single OR); with "CHN,KAZ" an event CHN→KAZ is counted once."""
    for actor in [*ACTORS, "CHN,KAZ"]:
        f = q.make_filter(actor=actor)
        listed = q.find_events(store, f, limit=1000).items
        assert q.count_events(store, f) == len(listed), actor
        assert q.count_events(store, f, unit="clusters") == len({e.cluster_id for e in listed}), actor
        years: dict[str, int] = {}
        for e in listed:
            if e.date_start is not None:
                years[e.date_start[:4]] = years.get(e.date_start[:4], 0) + 1
        assert {p.period: p.count for p in q.timeline(store, f, granularity="year").points} == years, actor
    everything = q.find_events(store, limit=1000).items
    for a in q.top_actors(store, basis="events", top=50):
        assert a.as_source == sum(e.source_actor_id == a.id for e in everything)
        assert a.as_target == sum(e.target_actor_id == a.id for e in everything)
        assert a.count == sum(a.id in (e.source_actor_id, e.target_actor_id) for e in everything)


def test_periods_between_fills_every_granularity() -> None:
    assert periods_between("2013-09", "2014-05", "month") == [
        "2013-09", "2013-10", "2013-11", "2013-12", "2014-01", "2014-02", "2014-03", "2014-04", "2014-05"]
    assert periods_between("2019-Q4", "2020-Q2", "quarter") == ["2019-Q4", "2020-Q1", "2020-Q2"]
    assert periods_between("2020-W52", "2021-W02", "week") == ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]
    assert periods_between("2020-02-28", "2020-03-01", "day") == ["2020-02-28", "2020-02-29", "2020-03-01"]
    assert periods_between("2018", "2020", "year") == ["2018", "2019", "2020"]
    for g, label in (("week", "2021-W01"), ("month", "2021-07"), ("quarter", "2021-Q3"), ("year", "2021")):
        assert period_of(period_start(label).isoformat(), g) == label


def test_weekly_timeline_matches_python(store: Store) -> None:
    """Weekly timelines (grouped by day in SQL, folded into ISO weeks in Python) agree with
    the ISO weeks of the events listed, on both actor-filter paths and with a split."""
    from horizonscan.query.dates import span_class

    for fields in ({}, {"actor": "CHN"}, {"actor": "CHN,KAZ"}, {"include_negated": True, "include_hypothetical": True}):
        f = q.make_filter(**fields)
        listed = q.find_events(store, f, limit=1000).items
        for by in (None, "type"):
            cells: dict[tuple[str, Any], int] = {}
            coarser = undated = 0
            for e in listed:
                if e.date_start is None:
                    undated += 1
                elif span_class(e.date_precision) != "day":
                    coarser += 1
                else:
                    y, w, _ = date.fromisoformat(e.date_start).isocalendar()
                    cell = (f"{y}-W{w:02d}", e.type if by else None)
                    cells[cell] = cells.get(cell, 0) + 1
            tl = q.timeline(store, f, granularity="week", by=by, top_keys=50)
            assert {(p.period, p.key): p.count for p in tl.points if p.count} == cells, (fields, by)
            assert (tl.coarser, tl.undated) == (coarser, undated), (fields, by)


def test_week_number_every_day(store: Store) -> None:
    """The week number computed in SQL and folded into its Monday in Python gives, for every
    day across many ISO year boundaries, the Monday of the former SQL (SQLite's
    ``date(d, 'weekday 0', '-6 days')``) and of Python's ISO calendar."""
    from horizonscan.store.queries import _monday_of_week, _week_number

    days = [(date(1999, 12, 1) + timedelta(days=i)).isoformat() for i in range(365 * 30)]
    with store.engine.connect() as conn:
        got = []
        for i in range(0, len(days), 1000):  # one row of 1,000 columns per statement
            got += list(conn.execute(sa.select(*[_week_number(conn, sa.literal(d, sa.String)) for d in days[i:i + 1000]])).one())
    assert [_monday_of_week(w) for w in got] == [(date.fromisoformat(d) - timedelta(days=date.fromisoformat(d).weekday())).isoformat() for d in days]
    with sqlite3.connect(":memory:") as lite:
        old = [r[0] for r in lite.execute("SELECT date(value, 'weekday 0', '-6 days') FROM json_each(?)", (json.dumps(days),))]
    assert [_monday_of_week(w) for w in got] == old
    assert _monday_of_week(None) is None
