"""SQL behind ``horizonscan.query``: filters, pages, facets, timelines, networks, trends.

Every function takes a connection opened by :func:`bounded` (which sets the time
limit), a validated :class:`~horizonscan.query.filters.Filter` and a scope, and
returns plain tuples/dicts; the query package turns them into records. Every
user value reaches SQL as a bound parameter. Ordering always ends on a unique key
and spells out NULL placement and binary collation, so SQLite and PostgreSQL
return the same rows in the same order.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
import time
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from ..query.dates import PRECISIONS, SPAN_CLASSES, DateRange
from ..query.errors import QueryTimeout
from ..query.filters import BBox, Circle, Filter
from . import summary_read
from .schema import actors, documents, events, mentions, places, themes

E = events.c
D = documents.c
Scope = frozenset[str] | None
# Until collections exist (web issue) every document is in this one collection.
DEFAULT_COLLECTION = "default"
EARTH_KM = 6371.0088
KM_PER_DEG = math.pi * EARTH_KM / 180


# ---------------------------------------------------------------- time bound


def _distance_km(lat1: float | None, lon1: float | None, lat2: float, lon2: float) -> float | None:
    if lat1 is None or lon1 is None:
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


# ``conn.info`` key of a connection whose statements ``bounded`` limits itself.
BOUNDED = "horizonscan.bounded"


@contextmanager
def bounded(engine: Engine, timeout_ms: int) -> Iterator[Connection]:
    """A read connection whose statements stop after ``timeout_ms`` (E415).

    PostgreSQL: ``statement_timeout`` local to the transaction. SQLite: a progress
    handler that interrupts the statement once the deadline has passed.
    """
    with engine.connect() as conn:
        try:
            if conn.dialect.name == "postgresql":
                with conn.begin():
                    conn.execute(sa.text("SELECT set_config('statement_timeout', :v, true)"), {"v": str(int(timeout_ms))})
                    yield conn
            else:
                raw = conn.connection.driver_connection
                raw.create_function("hs_distance_km", 4, _distance_km, deterministic=True)  # type: ignore[union-attr]
                deadline = time.monotonic() + timeout_ms / 1000
                raw.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 2000)  # type: ignore[union-attr]
                conn.info[BOUNDED] = True  # an engine-wide limit (db.limit_statements) leaves this one alone
                try:
                    yield conn
                finally:
                    conn.info.pop(BOUNDED, None)
                    raw.set_progress_handler(None, 0)  # type: ignore[union-attr]
        except sa.exc.OperationalError as exc:
            if is_timeout(exc):
                raise QueryTimeout(f"E415 query took longer than {timeout_ms} ms; narrow the filter or raise the time limit") from None
            raise


def is_timeout(exc: sa.exc.OperationalError) -> bool:
    orig = exc.orig
    if isinstance(orig, sqlite3.OperationalError):
        return "interrupted" in str(orig)
    return type(orig).__name__ == "QueryCanceled"


# ---------------------------------------------------------------- helpers


def _binary(expr: Any, conn: Connection) -> Any:
    """Code-point order for strings on PostgreSQL whatever the database collation."""
    return sa.collate(expr, "C") if conn.dialect.name == "postgresql" else expr


def _in(col: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    return col == values[0] if len(values) == 1 else col.in_(list(values))


def scope_clause(doc_id: Any, scope: Scope) -> ColumnElement[bool] | None:
    """Access control: None (no condition) for an unrestricted scope, else collection membership.

    The one place a scope becomes SQL for every read path; the rule itself lives
    with the collection tables in ``store.accounts``.
    """
    from .accounts import scope_clause as membership

    return membership(doc_id, scope)


def _precision_class(precision: Any, cls: str) -> ColumnElement[bool]:
    if cls in PRECISIONS:
        return _in(precision, PRECISIONS[cls])  # type: ignore[index]
    fine = [p for names in PRECISIONS.values() for p in names]
    return sa.or_(precision.is_(None), precision.not_in(fine))


def date_clause(start: Any, precision: Any, dr: DateRange) -> ColumnElement[bool]:
    """Events (or documents) whose period matches ``dr`` under its rule (query/dates.py)."""
    per_class = []
    los, his = [], []
    for cls in SPAN_CLASSES:
        lo, hi = dr.start_bounds(cls)
        if lo is not None and hi is not None and lo > hi:
            continue  # no period of this class fits
        conds = [_precision_class(precision, cls)]
        if lo is not None:
            conds.append(start >= lo)
            los.append(lo)
        if hi is not None:
            conds.append(start <= hi)
            his.append(hi)
        per_class.append(sa.and_(*conds))
    if not per_class:
        return sa.false()
    # An outer range on the start column lets the date index do the work.
    outer = [start.is_not(None)]
    if dr.start is not None:
        outer.append(start >= min(los))
    if dr.end is not None:
        outer.append(start <= max(his))
    return sa.and_(*outer, sa.or_(*per_class))


def _distance_expr(conn: Connection, lat: Any, lon: Any, c: Circle) -> Any:
    if conn.dialect.name == "sqlite":
        return sa.func.hs_distance_km(lat, lon, c.lat, c.lon)
    f = sa.func
    p1 = f.radians(sa.literal(c.lat, sa.Float))
    a = f.power(f.sin(f.radians(lat - c.lat) / 2), 2) + f.cos(p1) * f.cos(f.radians(lat)) * f.power(f.sin(f.radians(lon - c.lon) / 2), 2)
    return 2 * EARTH_KM * f.asin(f.least(1.0, f.sqrt(a)))


def _lon_range(lon: Any, west: float, east: float) -> ColumnElement[bool]:
    if west <= east:
        return lon.between(west, east)
    return sa.or_(lon >= west, lon <= east)  # crosses the antimeridian


def near_clause(conn: Connection, lat: Any, lon: Any, c: Circle) -> ColumnElement[bool]:
    """Within ``c.radius_km`` (haversine), after a bounding-box prefilter that can use the index."""
    dlat = c.radius_km / KM_PER_DEG
    conds = [lat.between(max(-90.0, c.lat - dlat), min(90.0, c.lat + dlat))]
    coslat = math.cos(math.radians(min(89.9, abs(c.lat) + dlat)))
    dlon = c.radius_km / (KM_PER_DEG * coslat) if c.lat + dlat < 90 and c.lat - dlat > -90 else 360.0
    if dlon < 180:
        west, east = c.lon - dlon, c.lon + dlon
        west = west + 360 if west < -180 else west
        east = east - 360 if east > 180 else east
        conds.append(_lon_range(lon, west, east))
    conds.append(_distance_expr(conn, lat, lon, c) <= c.radius_km)
    return sa.and_(*conds)


def bbox_clause(lat: Any, lon: Any, b: BBox) -> ColumnElement[bool]:
    return sa.and_(lat.between(b.south, b.north), _lon_range(lon, b.west, b.east))


# ---------------------------------------------------------------- event filters


def event_where(conn: Connection, f: Filter, scope: Scope, side: str | None = None) -> list[ColumnElement[bool]]:
    """Conditions on ``events`` for ``f``.

    ``side`` splits the "actor on either side" filter into two disjoint halves whose
    union is the whole: ``"source"`` (the actor is the source) and ``"target"`` (the
    actor is the target and not also the source). Each half is answered from the
    covering index led by its actor column, where the OR of both needs a table
    lookup per event (see :func:`_sides`).
    """
    w: list[ColumnElement[bool]] = []
    if f.types:
        w.append(_in(E.type, f.types))
    if f.modes:
        w.append(_in(E.mode, f.modes))
    if f.actors and side == "source":
        w.append(_in(E.source_actor_id, f.actors))
    elif f.actors and side == "target":
        w.append(_in(E.target_actor_id, f.actors))
        w.append(sa.or_(E.source_actor_id.is_(None), sa.not_(_in(E.source_actor_id, f.actors))))
    elif f.actors:
        w.append(sa.or_(_in(E.source_actor_id, f.actors), _in(E.target_actor_id, f.actors)))
    if f.source_actors:
        w.append(_in(E.source_actor_id, f.source_actors))
    if f.target_actors:
        w.append(_in(E.target_actor_id, f.target_actors))
    if f.actor_kinds:
        ids = sa.select(actors.c.id).where(_in(actors.c.kind, f.actor_kinds))
        w.append(sa.or_(E.source_actor_id.in_(ids), E.target_actor_id.in_(ids)))
    if f.countries:
        w.append(sa.or_(_in(E.source_country, f.countries), _in(E.target_country, f.countries)))
    if f.source_countries:
        w.append(_in(E.source_country, f.source_countries))
    if f.target_countries:
        w.append(_in(E.target_country, f.target_countries))
    if f.place_countries:
        w.append(_in(E.place_country, f.place_countries))
    if f.involving:
        w.append(sa.or_(_in(E.source_country, f.involving), _in(E.target_country, f.involving), _in(E.place_country, f.involving)))
    if f.near is not None:
        w.append(near_clause(conn, E.place_lat, E.place_lon, f.near))
    if f.bbox is not None:
        w.append(bbox_clause(E.place_lat, E.place_lon, f.bbox))
    if f.dates is not None:
        w.append(date_clause(E.date_start, E.date_precision, f.dates))
    if f.min_confidence > 0:
        w.append(E.confidence >= f.min_confidence)
    if not f.include_negated:
        w.append(E.negated.is_(False))
    if not f.include_hypothetical:
        w.append(E.hypothetical.is_(False))
    doc_conds = []
    if f.languages:
        doc_conds.append(_in(D.language, f.languages))
    if f.sources:
        doc_conds.append(_in(D.source, f.sources))
    if doc_conds:
        w.append(E.document_id.in_(sa.select(D.id).where(*doc_conds)))
    if f.documents:
        w.append(_in(E.document_id, f.documents))
    if not f.include_duplicates and not f.documents:  # a document asked for by id is shown even if a copy
        # few documents are copies: a small NOT IN list, found through the duplicate_of index
        # ("> ''" rather than IS NOT NULL, which SQLite answers by scanning documents)
        w.append(E.document_id.not_in(sa.select(D.id).where(D.duplicate_of > "")))
    if f.themes:
        t = themes.c
        w.append(
            sa.exists().where(
                t.document_id == E.document_id, _in(t.label, f.themes), t.start <= E.sentence_start, t.end >= E.sentence_end
            )
        )
    sc = scope_clause(E.document_id, scope)
    if sc is not None:
        w.append(sc)
    return w


def _published_precision() -> Any:
    n = sa.func.length(D.published)
    return sa.case((n == 4, "year"), (n == 7, "month"), else_="day")


def document_where(conn: Connection, f: Filter, scope: Scope) -> list[ColumnElement[bool]]:
    """Conditions on ``documents`` for the document fields of ``f``."""
    w: list[ColumnElement[bool]] = []
    if f.dates is not None:
        w.append(date_clause(D.published_start, _published_precision(), f.dates))
    if f.languages:
        w.append(_in(D.language, f.languages))
    if f.sources:
        w.append(_in(D.source, f.sources))
    if not f.include_duplicates:
        w.append(D.duplicate_of.is_(None))
    if f.actors:
        m = mentions.c
        # IN, not EXISTS: drive from the actor's mentions rather than test every document
        w.append(D.id.in_(sa.select(m.document_id).where(_in(m.actor_id, f.actors))))
    if f.themes:
        t = themes.c
        w.append(sa.exists().where(t.document_id == D.id, _in(t.label, f.themes)))
    sc = scope_clause(D.id, scope)
    if sc is not None:
        w.append(sc)
    return w


# ---------------------------------------------------------------- listings

EVENT_COLUMNS = (
    "id", "document_id", "type", "mode", "source_text", "source_actor_id", "source_country", "source_sector",
    "target_text", "target_actor_id", "target_country", "target_sector", "place_text", "place_lat", "place_lon", "place_country", "date_value",
    "date_precision", "date_start", "negated", "hypothetical", "confidence", "score", "cameo", "cluster_id",
    "date_reported", "amount", "currency", "amount_usd", "quantity", "unit", "sentence_start", "sentence_end",
)


def _keyset(col: Any, id_col: Any, after: list[Any] | None, descending: bool) -> ColumnElement[bool] | None:
    """Rows after ``after = [col value, id]`` in (col NULLS FIRST, id) order, or the reverse."""
    if after is None:
        return None
    value, last_id = after
    if not descending:
        if value is None:
            return sa.or_(sa.and_(col.is_(None), id_col > last_id), col.is_not(None))
        return sa.or_(col > value, sa.and_(col == value, id_col > last_id))
    if value is None:
        return sa.and_(col.is_(None), id_col < last_id)
    return sa.or_(col < value, sa.and_(col == value, id_col < last_id), col.is_(None))


def select_events(
    conn: Connection, f: Filter, scope: Scope, *, sort: str, after: list[Any] | None, limit: int
) -> list[dict[str, Any]]:
    """One page of events; ``sort`` is ``date``, ``-date``, ``id`` or ``-id``; fetches ``limit + 1`` rows.

    The page's ids are chosen first, from the filter's covering index where there is one,
    and only those rows are read with their document's title and sentence: many events
    share a start day (all of a year's year-precision ones), and sorting that group by id
    used to read every row of it, document text included."""
    desc = sort.startswith("-")
    if sort.lstrip("-") == "date":
        ks = _keyset(E.date_start, E.id, after, desc)
        order = [E.date_start.desc().nulls_last(), E.id.desc()] if desc else [E.date_start.asc().nulls_first(), E.id.asc()]
    else:
        ks = None if after is None else (E.id < after[1] if desc else E.id > after[1])
        order = [E.id.desc() if desc else E.id.asc()]
    page = sa.select(E.id).where(*event_where(conn, f, scope), *([ks] if ks is not None else [])).order_by(*order).limit(limit + 1)
    ids = [r[0] for r in conn.execute(page)]
    if not ids:
        return []
    sentence = sa.func.substr(D.text, E.sentence_start + 1, E.sentence_end - E.sentence_start)
    q = (
        sa.select(*(E[c] for c in EVENT_COLUMNS), sentence.label("sentence"), D.title.label("document_title"))
        .join_from(events, documents, D.id == E.document_id)
        .where(E.id.in_(ids))
    )
    rows = {r.id: dict(r._mapping) for r in conn.execute(q)}
    return [rows[i] for i in ids]


def _sides(f: Filter) -> tuple[str | None, ...]:
    """The disjoint halves a query over ``f`` runs as (``event_where(side=...)``): both
    sides of an "actor on either side" filter, else the one unsplit query."""
    return ("source", "target") if f.actors else (None,)


def count_events(conn: Connection, f: Filter, scope: Scope, unit: str = "events") -> int:
    if unit == "events" and (got := summary_read.count_events(conn, f, scope)) is not None:
        return got
    if unit == "clusters":
        if len(_sides(f)) == 1:
            what = sa.func.count(sa.distinct(E.cluster_id))
            return int(conn.execute(sa.select(what).select_from(events).where(*event_where(conn, f, scope))).scalar_one())
        ids = sa.union_all(*(sa.select(E.cluster_id.label("c")).where(*event_where(conn, f, scope, side)) for side in _sides(f))).subquery("e")
        return int(conn.execute(sa.select(sa.func.count(sa.distinct(ids.c.c)))).scalar_one())
    return sum(int(conn.execute(sa.select(sa.func.count()).select_from(events).where(*event_where(conn, f, scope, side))).scalar_one())
               for side in _sides(f))


DOCUMENT_COLUMNS = ("id", "title", "published", "published_start", "language", "source", "url", "duplicate_of")


def select_documents(
    conn: Connection, f: Filter, scope: Scope, *, sort: str, after: list[Any] | None, limit: int
) -> list[dict[str, Any]]:
    q = sa.select(*(D[c] for c in DOCUMENT_COLUMNS)).where(*document_where(conn, f, scope))
    desc = sort.startswith("-")
    if sort.lstrip("-") == "date":
        ks = _keyset(D.published_start, D.id, after, desc)
        order = [D.published_start.desc().nulls_last(), D.id.desc()] if desc else [D.published_start.asc().nulls_first(), D.id.asc()]
    else:
        ks = None if after is None else (D.id < after[1] if desc else D.id > after[1])
        order = [D.id.desc() if desc else D.id.asc()]
    if ks is not None:
        q = q.where(ks)
    return [dict(r._mapping) for r in conn.execute(q.order_by(*order).limit(limit + 1))]


def count_documents(conn: Connection, f: Filter, scope: Scope) -> int:
    if (got := summary_read.count_documents(conn, f, scope)) is not None:
        return got
    return int(conn.execute(sa.select(sa.func.count()).select_from(documents).where(*document_where(conn, f, scope))).scalar_one())


# ---------------------------------------------------------------- facets and timelines

EVENT_FACETS: dict[str, Any] = {
    "type": E.type,
    "mode": E.mode,
    "source_actor": E.source_actor_id,
    "target_actor": E.target_actor_id,
    "source_country": E.source_country,
    "target_country": E.target_country,
    "place_country": E.place_country,
    "precision": E.date_precision,
    "year": sa.func.substr(E.date_start, 1, 4),
    "language": D.language,
    "source": D.source,
}
DOCUMENT_FACETS: dict[str, Any] = {
    "language": D.language,
    "source": D.source,
    "year": sa.func.substr(D.published_start, 1, 4),
    "theme": themes.c.label,
}


def _needs_documents(expr: Any) -> bool:
    return any(getattr(c, "table", None) is documents for c in sa.sql.visitors.iterate(expr) if isinstance(c, sa.Column))


def event_facet(conn: Connection, f: Filter, scope: Scope, field: str, top: int, unit: str = "events") -> list[tuple[Any, int]]:
    """Top ``top`` values of ``field`` with counts (most frequent first, ties by value)."""
    if unit == "events" and (got := summary_read.event_facet(conn, f, scope, field, top)) is not None:
        return got
    expr = EVENT_FACETS[field]
    what = sa.func.count(sa.distinct(E.cluster_id)) if unit == "clusters" else sa.func.count()
    src: Any = events.join(documents, D.id == E.document_id) if _needs_documents(expr) else events
    value = expr.label("value")
    n = what.label("n")
    q = (
        sa.select(value, n)
        .select_from(src)
        .where(*event_where(conn, f, scope))
        .group_by(expr)
        .order_by(n.desc(), _binary(expr, conn).asc().nulls_first())
        .limit(top)
    )
    return [(r.value, int(r.n)) for r in conn.execute(q)]


def document_facet(conn: Connection, f: Filter, scope: Scope, field: str, top: int) -> list[tuple[Any, int]]:
    if field == "language" and (got := summary_read.document_language_facet(conn, f, scope, top)) is not None:
        return got
    expr = DOCUMENT_FACETS[field]
    src: Any = documents
    what = sa.func.count()
    if field == "theme":
        src = documents.join(themes, themes.c.document_id == D.id)
        what = sa.func.count(sa.distinct(D.id))
    n = what.label("n")
    q = (
        sa.select(expr.label("value"), n)
        .select_from(src)
        .where(*document_where(conn, f, scope))
        .group_by(expr)
        .order_by(n.desc(), _binary(expr, conn).asc().nulls_first())
        .limit(top)
    )
    return [(r.value, int(r.n)) for r in conn.execute(q)]


def timeline_rows(
    conn: Connection, f: Filter, scope: Scope, granularity: str, by: str | None, max_rows: int
) -> tuple[list[tuple[str | None, str | None, Any, int]], bool]:
    """Counts grouped by (bucket start, precision, split value); bucket start is the day,
    month (``YYYY-MM``) or year (``YYYY``) prefix of ``date_start``, or for weeks the ISO day
    of their Monday; None for undated events.
    Returns the rows and whether ``max_rows`` was exceeded."""
    if (got := summary_read.timeline_rows(conn, f, scope, granularity, by, max_rows)) is not None:
        return got
    week = granularity == "week"
    if week:
        bucket = _week_number(conn, E.date_start)  # one group per week, not per day
    else:
        bucket = sa.func.substr(E.date_start, 1, {"day": 10, "month": 7, "quarter": 7, "year": 4}[granularity])
    key = EVENT_FACETS[by] if by else sa.literal(None, sa.String)
    src: Any = events.join(documents, D.id == E.document_id) if by and _needs_documents(key) else events
    cols = [bucket.label("bucket"), E.date_precision.label("precision"), key.label("key"), sa.func.count().label("n")]
    groups = [bucket, E.date_precision] + ([key] if by else [])
    merged: dict[tuple[Any, Any, Any], int] = {}
    for side in _sides(f):
        q = sa.select(*cols).select_from(src).where(*event_where(conn, f, scope, side)).group_by(*groups).limit(max_rows + 1)
        for b, p, k, n in conn.execute(q):  # streamed: each row is garbage before the next, so thousands of rows do not pile up for the cyclic GC
            merged[(b, p, k)] = merged.get((b, p, k), 0) + int(n)
    if week:
        mondays = {b: _monday_of_week(b) for b in {b for b, _, _ in merged}}  # a few hundred weeks
        rows = [(mondays[b], p, k, n) for (b, p, k), n in merged.items()]
    else:
        rows = [(b, p, k, n) for (b, p, k), n in merged.items()]
    return rows[:max_rows], len(rows) > max_rows


def _week_number(conn: Connection, day: Any) -> Any:
    """Number of the ISO week containing ISO day ``day``, counted in whole weeks since Monday
    0001-01-01 (None stays None). Plain day arithmetic: on PostgreSQL a ``date`` difference
    (``to_char(date_trunc('week', …))`` went through ``timestamptz`` per row), on SQLite the
    Julian day number; both are folded into Mondays by ``_monday_of_week``."""
    if conn.dialect.name == "postgresql":
        days = sa.cast(day, sa.Date) - sa.literal_column("DATE '0001-01-01'", sa.Date)  # an integer
    else:
        days = sa.cast(sa.func.julianday(day) - sa.literal_column("1721425.5"), sa.Integer)  # julianday('0001-01-01')
    return days // sa.literal_column("7", sa.Integer)  # both truncate; days ≥ 0


def _monday_of_week(week: Any) -> str | None:
    """ISO day of the Monday starting week number ``week`` of ``_week_number``."""
    return None if week is None else dt.date.fromordinal(int(week) * 7 + 1).isoformat()  # ordinal 1 is a Monday


# ---------------------------------------------------------------- networks


def network_rows(conn: Connection, f: Filter, scope: Scope, level: str, top: int) -> list[tuple[str, str, int, float, str | None, str | None]]:
    """Source→target edges: (source, target, events, mean score, first, last), heaviest first."""
    if (got := summary_read.network_rows(conn, f, scope, level, top)) is not None:
        return got
    if level == "country":
        src, tgt = E.source_country, E.target_country
    else:
        src, tgt = sa.func.coalesce(E.source_actor_id, E.source_country), sa.func.coalesce(E.target_actor_id, E.target_country)
    n = sa.func.count().label("n")
    q = (
        sa.select(src.label("src"), tgt.label("tgt"), n, sa.func.avg(E.score).label("score"),
                  sa.func.min(E.date_start).label("first"), sa.func.max(E.date_start).label("last"))
        .where(*event_where(conn, f, scope), src.is_not(None), tgt.is_not(None))
        .group_by(src, tgt)
        .order_by(n.desc(), _binary(src, conn).asc(), _binary(tgt, conn).asc())
        .limit(top + 1)
    )
    return [(r.src, r.tgt, int(r.n), float(r.score), r.first, r.last) for r in conn.execute(q)]


def cooccurrence_rows(conn: Connection, f: Filter, scope: Scope, unit: str, top: int) -> list[tuple[str, str, int]]:
    """Pairs of actors (a < b) mentioned in the same document or event sentence, most frequent first."""
    m = mentions.c
    doc_ids = sa.select(D.id).where(*document_where(conn, f, scope))
    if unit == "sentence":
        # The store keeps the sentences events were coded from; actors co-mentioned in one of them.
        base = (
            sa.select(m.document_id.label("d"), E.sentence_start.label("u"), m.actor_id.label("a"))
            .join_from(mentions, events, sa.and_(E.document_id == m.document_id, m.start >= E.sentence_start, m.end <= E.sentence_end))
            .where(m.actor_id.is_not(None), m.document_id.in_(doc_ids))
            .distinct()
            .cte("units")
        )
    else:
        base = (
            sa.select(m.document_id.label("d"), sa.literal(0).label("u"), m.actor_id.label("a"))
            .where(m.actor_id.is_not(None), m.document_id.in_(doc_ids))
            .distinct()
            .cte("units")
        )
    a, b = base.alias("x"), base.alias("y")
    n = sa.func.count().label("n")
    pair = sa.and_(a.c.d == b.c.d, a.c.u == b.c.u, _binary(a.c.a, conn) < _binary(b.c.a, conn))
    extra = []
    if f.actors:  # pairs that involve one of the actors asked for
        extra.append(sa.or_(_in(a.c.a, f.actors), _in(b.c.a, f.actors)))
    q = (
        sa.select(a.c.a.label("x"), b.c.a.label("y"), n)
        .select_from(a.join(b, pair))
        .where(*extra)
        .group_by(a.c.a, b.c.a)
        .order_by(n.desc(), _binary(a.c.a, conn).asc(), _binary(b.c.a, conn).asc())
        .limit(top + 1)
    )
    return [(r.x, r.y, int(r.n)) for r in conn.execute(q)]


def actor_info(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    ids = sorted(set(ids))
    for i in range(0, len(ids), 500):
        q = sa.select(actors).where(actors.c.id.in_(ids[i : i + 500]))
        out.update({r.id: dict(r._mapping) for r in conn.execute(q)})
    return out


# ---------------------------------------------------------------- top-k lists


def actor_rows(conn: Connection, f: Filter, scope: Scope, basis: str, kinds: Sequence[str], top: int) -> list[tuple[str, int, int, int]]:
    """(actor id, count, as source, as target), most counted first.

    basis "mentions": documents mentioning the actor (document filter); "events": events
    with the actor as source or target (event filter)."""
    if basis == "events":
        return _event_actor_rows(conn, f, scope, kinds, top)
    m = mentions.c
    n = sa.func.count(sa.distinct(m.document_id)).label("n")
    q = (
        sa.select(m.actor_id.label("a"), n)
        .join_from(mentions, documents, D.id == m.document_id)
        .where(m.actor_id.is_not(None), *document_where(conn, f, scope))
        .group_by(m.actor_id)
    )
    if kinds:
        q = q.where(m.actor_id.in_(sa.select(actors.c.id).where(_in(actors.c.kind, kinds))))
    q = q.order_by(n.desc(), _binary(m.actor_id, conn).asc()).limit(top)
    ranked = [(r.a, int(r.n)) for r in conn.execute(q)]
    ids = [a for a, _ in ranked]
    if not ids:
        return []
    w = event_where(conn, Filter(include_duplicates=f.include_duplicates), scope)
    as_src: dict[str, int] = dict(conn.execute(sa.select(E.source_actor_id, sa.func.count()).where(*w, E.source_actor_id.in_(ids)).group_by(E.source_actor_id)).all())
    as_tgt: dict[str, int] = dict(conn.execute(sa.select(E.target_actor_id, sa.func.count()).where(*w, E.target_actor_id.in_(ids)).group_by(E.target_actor_id)).all())
    return [(a, n, int(as_src.get(a, 0)), int(as_tgt.get(a, 0))) for a, n in ranked]


def _event_actor_rows(conn: Connection, f: Filter, scope: Scope, kinds: Sequence[str], top: int) -> list[tuple[str, int, int, int]]:
    """Actors by events, counted per side and merged: each side is one grouped pass over
    the covering index led by its actor column (in index order, no sort), the target
    side also counting the events whose source is the same actor (counted once)."""
    if (got := summary_read.actor_rows(conn, f, scope, kinds, top)) is not None:
        return got
    w = event_where(conn, f, scope)
    s, t = E.source_actor_id, E.target_actor_id
    one = sa.literal(1, sa.Integer)
    zero = sa.literal(0, sa.Integer)
    by_source = sa.select(s.label("a"), sa.func.count().label("n"), sa.func.count().label("as_src"), zero.label("as_tgt")).where(*w, s.is_not(None)).group_by(s)
    not_self = sa.case((sa.func.coalesce(s, "") != t, one), else_=zero)
    by_target = sa.select(t.label("a"), sa.func.sum(not_self).label("n"), zero.label("as_src"), sa.func.count().label("as_tgt")).where(*w, t.is_not(None)).group_by(t)
    if kinds:
        of_kind = sa.select(actors.c.id).where(_in(actors.c.kind, kinds))
        by_source, by_target = by_source.where(s.in_(of_kind)), by_target.where(t.in_(of_kind))
    side = sa.union_all(by_source, by_target).subquery("side")
    n = sa.func.sum(side.c.n).label("n")
    q = (
        sa.select(side.c.a, n, sa.func.sum(side.c.as_src).label("as_src"), sa.func.sum(side.c.as_tgt).label("as_tgt"))
        .group_by(side.c.a)
        .order_by(n.desc(), _binary(side.c.a, conn).asc())
        .limit(top)
    )
    return [(r.a, int(r.n), int(r.as_src), int(r.as_tgt)) for r in conn.execute(q)]


def place_rows(conn: Connection, f: Filter, scope: Scope, basis: str, top: int) -> list[tuple[str, str | None, float | None, float | None, int | None, int]]:
    """(name, country, lat, lon, geonames id, count) of places, most counted first.

    basis "mentions": documents naming the place; "events": events located there."""
    if basis == "events" and (got := summary_read.place_rows(conn, f, scope, top)) is not None:
        return got
    if basis == "mentions":
        p = places.c
        name = sa.func.coalesce(p.name, p.text)
        n = sa.func.count(sa.distinct(p.document_id)).label("n")
        q = (
            sa.select(name.label("name"), p.country, sa.func.min(p.lat).label("lat"), sa.func.min(p.lon).label("lon"),
                      sa.func.min(p.geonames_id).label("gid"), n)
            .join_from(places, documents, D.id == p.document_id)
            .where(*document_where(conn, f, scope))
            .group_by(name, p.country)
            .order_by(n.desc(), _binary(name, conn).asc(), _binary(p.country, conn).asc().nulls_first())
            .limit(top)
        )
    else:
        n = sa.func.count().label("n")
        q = (
            sa.select(E.place_text.label("name"), E.place_country.label("country"), sa.func.min(E.place_lat).label("lat"),
                      sa.func.min(E.place_lon).label("lon"), sa.func.min(E.place_geonames_id).label("gid"), n)
            .where(*event_where(conn, f, scope), E.place_text.is_not(None))
            .group_by(E.place_text, E.place_country)
            .order_by(n.desc(), _binary(E.place_text, conn).asc(), _binary(E.place_country, conn).asc().nulls_first())
            .limit(top)
        )
    return [(r.name, r.country, r.lat, r.lon, r.gid, int(r.n)) for r in conn.execute(q)]


# ---------------------------------------------------------------- new since


def max_published(conn: Connection, scope: Scope) -> str | None:
    q = sa.select(sa.func.max(D.published_start))
    sc = scope_clause(D.id, scope)
    if sc is not None:
        q = q.where(sc)
    return conn.execute(q).scalar()  # type: ignore[no-any-return]


def latest_published_days(conn: Connection, scope: Scope, before: str, limit: int) -> list[str]:
    """Published days (YYYY-MM-DD) of the newest ``limit`` originals dated on or before
    ``before``, newest first (near-duplicate copies and undated documents left out)."""
    q = (sa.select(D.published_start).where(D.published_start.is_not(None), D.published_start <= before, D.duplicate_of.is_(None))
         .order_by(D.published_start.desc()).limit(limit))
    sc = scope_clause(D.id, scope)
    if sc is not None:
        q = q.where(sc)
    return [r[0] for r in conn.execute(q)]


def window_rows(
    conn: Connection, kind: str, f: Filter, scope: Scope, base_from: str, since: str, until: str, max_rows: int
) -> list[tuple[str, str | None, int, int]]:
    """(key, label, count since ``since``, count in [base_from, since)) per actor, place or
    event type, over documents published in [base_from, until] (documents for actors and
    places, events for event types)."""
    if (got := summary_read.window_rows(conn, kind, f, scope, base_from, since, until, max_rows)) is not None:
        return got
    w = document_where(conn, Filter(languages=f.languages, sources=f.sources, themes=f.themes,
                                    include_duplicates=f.include_duplicates), scope)
    w.append(D.published_start.between(base_from, until))
    recent = D.published_start >= since
    if kind == "actor":
        m = mentions.c
        key, label = m.actor_id, sa.func.max(m.name)
        unit: Any = m.document_id
        src: Any = mentions.join(documents, D.id == m.document_id)
        w.append(m.actor_id.is_not(None))
        groups = [m.actor_id]
    elif kind == "place":
        p = places.c
        name = sa.func.coalesce(p.name, p.text)
        key = name + sa.literal("|") + sa.func.coalesce(p.country, "")
        label, unit = sa.func.max(name), p.document_id
        src = places.join(documents, D.id == p.document_id)
        groups = [name, p.country]
    else:
        key = E.type + sa.func.coalesce(sa.literal(":") + E.mode, "")
        label, unit = sa.func.max(E.type), E.id
        src = events.join(documents, D.id == E.document_id)
        w += [E.negated.is_(False), E.hypothetical.is_(False)]
        groups = [E.type, E.mode]
    new_n = sa.func.count(sa.distinct(sa.case((recent, unit)))).label("new")
    old_n = sa.func.count(sa.distinct(sa.case((sa.not_(recent), unit)))).label("old")
    q = sa.select(key.label("key"), label.label("label"), new_n, old_n).select_from(src).where(*w).group_by(*groups).limit(max_rows + 1)
    return [(r.key, r.label, int(r.new), int(r.old)) for r in conn.execute(q)]
