"""Every query input is validated, and user strings reach SQL only as bound parameters.

A hypothesis test feeds SQL-looking and random strings to every filter field and every
string argument of every query function, on SQLite and PostgreSQL, and checks that the
only error is a ValidationError and that the store is unchanged afterwards.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from horizonscan import query as q
from horizonscan.query.errors import QueryTimeout, ValidationError
from horizonscan.store import Store
from horizonscan.store.queries import bounded
from horizonscan.store.schema import metadata

from test_query import store, stores  # noqa: F401  (fixtures)

NASTY = [
    "'; DROP TABLE events; --", "\" OR 1=1 --", "AID' OR '1'='1", "KAZ); DELETE FROM documents; --",
    "central-asia'--", "%", "_", "\\", "' UNION SELECT text FROM documents --", "1; UPDATE events SET score=0",
    "$$; DROP TABLE actors; $$", "/*", "*/", "NULL", "';COMMIT;DROP TABLE mentions;--", "ñ'ü", "𝔸'", "0x27",
    "2020'; --", "2020-01-01' OR '1'='1", "E'\\x27'", "group:sco'", "m49:143;", ")", "(", "1=1", "-- ", "\t",
    "a" * 300,
]
sql_strings = st.one_of(
    st.sampled_from(NASTY),
    st.text(min_size=0, max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(max_size=10)),
)
STRING_FIELDS = ("type", "mode", "actor", "source_actor", "target_actor", "actor_kind", "country", "source_country",
                 "target_country", "place_country", "region", "near", "bbox", "date_from", "date_to", "date_rule",
                 "language", "source", "theme", "min_confidence")


def fingerprint(store: Store) -> str:
    """A hash of every row of every table (and the FTS rows on SQLite)."""
    h = hashlib.sha256()
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns)):
                h.update(repr(tuple(row)).encode())
        if store.dialect == "sqlite":
            for row in conn.execute(sa.text("SELECT document_id, title, text FROM documents_fts ORDER BY document_id")):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def _calls(f: q.Filter, s: str) -> list[Callable[[Store], Any]]:
    """Every query function with the filter, and with ``s`` in each of its string arguments."""
    return [
        lambda st_: q.find_events(st_, f, limit=5),
        lambda st_: q.count_events(st_, f),
        lambda st_: q.facets(st_, f, fields=["type", "source"]),
        lambda st_: q.timeline(st_, f, by="source"),
        lambda st_: q.network(st_, f, top=5),
        lambda st_: q.top_actors(st_, f, basis="events"),
        lambda st_: q.top_places(st_, f),
        lambda st_: q.find_events(st_, f, sort=s),
        lambda st_: q.find_events(st_, cursor=s),
        lambda st_: q.find_documents(st_, cursor=s),
        lambda st_: q.facets(st_, fields=[s]),
        lambda st_: q.timeline(st_, granularity=s),
        lambda st_: q.timeline(st_, by=s),
        lambda st_: q.network(st_, level=s),
        lambda st_: q.top_actors(st_, kind=s),
        lambda st_: q.new_since(st_, s),
        lambda st_: q.new_since(st_, "2021-01", until=s),
        lambda st_: q.search(st_, s or "x"),
        lambda st_: q.cooccurrence(st_, q.make_filter(actor=s) if s.strip() and "," not in s and not any(ord(c) < 32 for c in s) else None),
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(STRING_FIELDS), value=sql_strings)
def _fuzz(store: Store, field: str, value: str) -> None:
    try:
        f = q.make_filter(**{field: value})
    except ValidationError:
        f = q.Filter()
    for call in _calls(f, value):
        try:
            call(store)
        except ValidationError:
            pass  # the only error a user string may cause


def test_sql_looking_strings_are_inert(store: Store) -> None:  # noqa: F811
    before = fingerprint(store)
    n_events = q.count_events(store)
    _fuzz(store)
    assert fingerprint(store) == before
    assert q.count_events(store) == n_events


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"date_from": "last year"}, "E410"),
        ({"date_from": "2020-13"}, "E410"),
        ({"date_from": "2020-02-30"}, "E410"),
        ({"date_from": "2021", "date_to": "2020"}, "E410"),
        ({"date_rule": "around"}, "E410"),
        ({"colour": "red"}, "E411"),
        ({"type": "PARTY"}, "E413"),
        ({"country": "ZZZ"}, "E413"),
        ({"country": "atlantis"}, "E416"),
        ({"language": "english"}, "E413"),
        ({"min_confidence": 2}, "E413"),
        ({"min_confidence": "nan"}, "E413"),
        ({"near": "95,0,10"}, "E417"),
        ({"near": "0,0"}, "E417"),
        ({"bbox": "10,0,5,1"}, "E417"),
        ({"include_negated": "yes"}, "E413"),
        ({"actor": ["x"] * 1 + ["y" + str(i) for i in range(300)]}, "E413"),
    ],
)
def test_bad_filters(kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(ValidationError, match=f"^{code} "):
        q.make_filter(**kwargs)


def test_bad_arguments(store: Store) -> None:  # noqa: F811
    cases: list[tuple[Callable[[], Any], str]] = [
        (lambda: q.find_events(store, limit=10**9), "E412"),
        (lambda: q.find_events(store, limit=0), "E412"),
        (lambda: q.find_events(store, limit=True), "E412"),
        (lambda: q.find_events(store, sort="title"), "E411"),
        (lambda: q.find_events(store, cursor="bm90IGEgY3Vyc29y"), "E414"),
        (lambda: q.facets(store, fields=["colour"]), "E411"),
        (lambda: q.facets(store, top=5000), "E412"),
        (lambda: q.facets(store, q.make_filter(type="AID"), target="documents", fields=["language"]), "E411"),
        (lambda: q.timeline(store, granularity="hour"), "E411"),
        (lambda: q.timeline(store, by="colour"), "E411"),
        (lambda: q.network(store, top=10**6), "E412"),
        (lambda: q.new_since(store, "yesterday"), "E410"),
        (lambda: q.new_since(store, "2021", until="2020"), "E410"),
        (lambda: q.new_since(store, "2021", kinds=["colour"]), "E411"),
        (lambda: q.find_events(store, timeout_ms=10**9), "E412"),
        (lambda: q.find_documents(store, q.make_filter(type="AID")), "E411"),
    ]
    for call, code in cases:
        with pytest.raises(ValidationError, match=f"^{code} "):
            call()


def test_statement_time_limit(store: Store) -> None:  # noqa: F811
    slow = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM (SELECT x FROM c LIMIT 50000000) s"
        if store.dialect == "sqlite" else "SELECT pg_sleep(2)"
    )
    with pytest.raises(QueryTimeout, match="^E415 "):
        with bounded(store.engine, 100) as conn:
            conn.execute(sa.text(slow))
    with bounded(store.engine, 5000) as conn:  # the connection is usable again, without the limit leaking
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1
