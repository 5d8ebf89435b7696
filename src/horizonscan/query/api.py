"""The query functions: every read of the CLI, web app, API and briefings goes through here.

Each function validates its arguments (E41x before any SQL), runs its statements on a
connection bounded in time (``timeout_ms``, E415) and in rows (``limit``/``top``), and
returns plain records. ``scope`` is the access-control hook: None means every
collection; a set of collection ids restricts every read to them (until collections
exist, the only collection is ``"default"``; the web issue fills this in).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Protocol

from sqlalchemy.engine import Engine

from ..store import queries as sq
from . import cursor as cur
from .dates import date_range, parse, span_class
from .errors import BAD_DATE, BAD_LIMIT, BAD_VALUE, UNKNOWN_FIELD, invalid
from .filters import DOCUMENT_FIELDS, Filter, check_document_filter
from .records import (
    ActorCount,
    DocumentRecord,
    Edge,
    EventRecord,
    Facet,
    FacetValue,
    Network,
    NewItem,
    NewSince,
    Node,
    Page,
    PlaceCount,
    SearchResult,
    Timeline,
    TimelinePoint,
    sentence_link,
)

Scope = frozenset[str] | None
MAX_PAGE = 1000  # rows per page
MAX_TOP = 1000  # values per facet / edges per network / items per list
MAX_GROUPS = 200_000  # grouped rows a timeline may read before asking for a coarser one
DEFAULT_TIMEOUT_MS = 10_000
MAX_TIMEOUT_MS = 120_000
GRANULARITIES = ("day", "week", "month", "quarter", "year")
EVENT_SORTS = ("date", "-date", "id", "-id")
NEW_KINDS = ("actor", "place", "event_type")
# Span classes each timeline granularity can place in one bucket.
_FITS = {"day": {"day"}, "week": {"day"}, "month": {"day", "month"}, "quarter": {"day", "month", "quarter"},
         "year": {"day", "month", "quarter", "year"}}


class HasEngine(Protocol):
    engine: Engine


def _engine(store: HasEngine | Engine) -> Engine:
    return store if isinstance(store, Engine) else store.engine


def _int(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(BAD_LIMIT, f"{name} must be a whole number")
    if not lo <= value <= hi:
        raise invalid(BAD_LIMIT, f"{name} must be between {lo} and {hi} (got {value})")
    return value


def _choice(name: str, value: Any, options: tuple[str, ...] | list[str]) -> str:
    if not isinstance(value, str) or value not in options:
        shown = repr(value)[:60]
        raise invalid(UNKNOWN_FIELD, f"{name} {shown} is not one of {', '.join(options)}")
    return value


def _scope(scope: Any) -> Scope:
    if scope is None:
        return None
    if not isinstance(scope, (set, frozenset, list, tuple)) or not all(isinstance(s, str) for s in scope):
        raise invalid(BAD_VALUE, "scope must be None or a set of collection ids")
    return frozenset(scope)


def _bounded(store: HasEngine | Engine, timeout_ms: Any) -> Any:
    return sq.bounded(_engine(store), _int("timeout_ms", timeout_ms, 1, MAX_TIMEOUT_MS))


def _filter(f: Filter | None) -> Filter:
    if f is None:
        return Filter()
    if not isinstance(f, Filter):
        raise invalid(BAD_VALUE, "filter must be built with horizonscan.query.make_filter")
    return f


# ---------------------------------------------------------------- listings


def _keyset_cursor(cursor: str | None, qkey: str, id_type: type) -> list[Any] | None:
    if cursor is None:
        return None
    key = cur.decode(cursor, qkey)
    if len(key) != 2 or not (key[0] is None or isinstance(key[0], str)) or isinstance(key[1], bool) or not isinstance(key[1], id_type):
        raise invalid("E414", "cursor is not one this query returned")
    return key


def find_events(
    store: HasEngine | Engine, filter: Filter | None = None, *, sort: str = "date", limit: int = 50,
    cursor: str | None = None, scope: Scope = None, timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Page[EventRecord]:
    """Events matching ``filter``, one page at a time (keyset cursor, stable under inserts)."""
    f, sort = _filter(filter), _choice("sort", sort, EVENT_SORTS)
    limit, scope = _int("limit", limit, 1, MAX_PAGE), _scope(scope)
    qkey = cur.fingerprint("events", f.key(), sort, repr(sorted(scope) if scope is not None else None))
    after = _keyset_cursor(cursor, qkey, int)
    with _bounded(store, timeout_ms) as conn:
        rows = sq.select_events(conn, f, scope, sort=sort, after=after, limit=limit)
    items = tuple(EventRecord(**r, link=sentence_link(r["document_id"], r["sentence_start"], r["sentence_end"])) for r in rows[:limit])
    nxt = None
    if len(rows) > limit:
        last = items[-1]
        nxt = cur.encode([last.date_start if sort.lstrip("-") == "date" else None, last.id], qkey)
    return Page(items, nxt, limit)


def count_events(
    store: HasEngine | Engine, filter: Filter | None = None, *, unit: str = "events", scope: Scope = None,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> int:
    """How many events match; ``unit="clusters"`` counts real-world events (event clusters) once."""
    f, unit = _filter(filter), _choice("unit", unit, ("events", "clusters"))
    with _bounded(store, timeout_ms) as conn:
        return sq.count_events(conn, f, _scope(scope), unit)


def find_documents(
    store: HasEngine | Engine, filter: Filter | None = None, *, sort: str = "date", limit: int = 50,
    cursor: str | None = None, scope: Scope = None, timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Page[DocumentRecord]:
    """Documents matching the document fields of ``filter`` (published date, language, source, theme, actor)."""
    f, sort = _filter(filter), _choice("sort", sort, EVENT_SORTS)
    check_document_filter(f)
    limit, scope = _int("limit", limit, 1, MAX_PAGE), _scope(scope)
    qkey = cur.fingerprint("documents", f.key(), sort, repr(sorted(scope) if scope is not None else None))
    after = _keyset_cursor(cursor, qkey, str)
    with _bounded(store, timeout_ms) as conn:
        rows = sq.select_documents(conn, f, scope, sort=sort, after=after, limit=limit)
    items = tuple(DocumentRecord(**r) for r in rows[:limit])
    nxt = None
    if len(rows) > limit:
        last = items[-1]
        nxt = cur.encode([last.published_start if sort.lstrip("-") == "date" else None, last.id], qkey)
    return Page(items, nxt, limit)


def search(
    store: HasEngine | Engine, text: str, filter: Filter | None = None, *, limit: int = 20,
    cursor: str | None = None, scope: Scope = None, timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Page[SearchResult]:
    """Ranked full-text search (FTS5 bm25 / PostgreSQL ts_rank) with snippets.

    Bounded like every other query (``timeout_ms``, E415); repeated words are dropped and
    more than ``store.search.MAX_TERMS`` words are refused (E413) before any SQL.

    Ranked results have no stable key, so the cursor carries an offset. A query matching
    more than 1,000 readable documents is ranked among its newest 1,000 matches (ingest
    order; docs/query.md, "Search ranking bound"); fewer matches are all ranked.
    """
    from ..store.search import TooManyTerms, parse_query
    from ..store.search import search as fts

    f = _filter(filter)
    check_document_filter(f)
    if not isinstance(text, str) or not text.replace("\x00", "").strip() or len(text) > 1000:
        raise invalid(BAD_VALUE, "search text must be 1 to 1000 characters")
    limit, scope = _int("limit", limit, 1, MAX_PAGE), _scope(scope)
    timeout_ms = _int("timeout_ms", timeout_ms, 1, MAX_TIMEOUT_MS)
    try:
        parse_query(text)
    except TooManyTerms as exc:
        raise invalid(BAD_VALUE, str(exc).removeprefix(BAD_VALUE).strip()) from None
    extra = sorted(f.used() - {"dates", "languages", "sources", "include_duplicates"})
    if extra or len(f.languages) > 1 or len(f.sources) > 1:
        raise invalid(UNKNOWN_FIELD, "search filters by date, one language and one source only")
    qkey = cur.fingerprint("search", text, f.key(), repr(sorted(scope) if scope is not None else None))
    offset = 0
    if cursor is not None:
        k = cur.decode(cursor, qkey)
        if len(k) != 1 or isinstance(k[0], bool) or not isinstance(k[0], int) or not 0 <= k[0] <= 100_000:
            raise invalid("E414", "cursor is not one this query returned")
        offset = k[0]
    d = f.dates
    hits = fts(
        _engine(store), text, limit=limit + 1, offset=offset,
        date_from=d.start.isoformat() if d and d.start else None, date_to=d.end.isoformat() if d and d.end else None,
        language=f.languages[0] if f.languages else None, source=f.sources[0] if f.sources else None,
        include_duplicates=f.include_duplicates, scope=scope, timeout_ms=timeout_ms,
    )
    items = tuple(hits[:limit])
    return Page(items, cur.encode([offset + limit], qkey) if len(hits) > limit else None, limit)


# ---------------------------------------------------------------- facets, timelines


def facets(
    store: HasEngine | Engine, filter: Filter | None = None, *, fields: tuple[str, ...] | list[str] = ("type",),
    top: int = 10, target: str = "events", unit: str = "events", scope: Scope = None,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> tuple[Facet, ...]:
    """Top values with counts of each field in ``fields`` among matching events (or documents)."""
    f, target = _filter(filter), _choice("target", target, ("events", "documents"))
    unit = _choice("unit", unit, ("events", "clusters"))
    top, scope = _int("top", top, 1, MAX_TOP), _scope(scope)
    known = sq.EVENT_FACETS if target == "events" else sq.DOCUMENT_FACETS
    if isinstance(fields, str) or not fields or len(fields) > 20:
        raise invalid(UNKNOWN_FIELD, "fields must be a list of 1 to 20 facet names")
    for name in fields:
        _choice("facet", name, list(known))
    if target == "documents":
        check_document_filter(f)
    out = []
    with _bounded(store, timeout_ms) as conn:
        # one total for every field: the count of matching events (or documents)
        total = sq.count_events(conn, f, scope, unit) if target == "events" else sq.count_documents(conn, f, scope)
        for name in fields:
            if target == "events":
                rows = sq.event_facet(conn, f, scope, name, top, unit)
            else:
                rows = sq.document_facet(conn, f, scope, name, top)
            shown = sum(n for _, n in rows)
            other = max(0, total - shown) if not (target == "documents" and name == "theme") and unit == "events" else 0
            out.append(Facet(name, tuple(FacetValue(v, n) for v, n in rows), other, total))
    return tuple(out)


def period_of(day: str, granularity: str) -> str:
    """Label of the bucket containing ISO day (or month/year prefix) ``day``."""
    if granularity == "year":
        return day[:4]
    if granularity == "month":
        return day[:7]
    if granularity == "quarter":
        return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"
    if granularity == "week":
        y, w, _ = dt.date.fromisoformat(day).isocalendar()
        return f"{y}-W{w:02d}"
    return day


def period_start(period: str) -> dt.date:
    """First day of the bucket labelled ``period`` (the inverse of ``period_of``)."""
    if "-W" in period:
        year, week = period.split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    if "-Q" in period:
        year, quarter = period.split("-Q")
        return dt.date(int(year), 3 * (int(quarter) - 1) + 1, 1)
    if len(period) == 4:
        return dt.date(int(period), 1, 1)
    if len(period) == 7:
        return dt.date(int(period[:4]), int(period[5:7]), 1)
    return dt.date.fromisoformat(period)


def _next_start(day: dt.date, granularity: str) -> dt.date:
    if granularity == "day":
        return day + dt.timedelta(days=1)
    if granularity == "week":
        return day + dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[granularity]
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


def periods_between(first: str, last: str, granularity: str) -> list[str]:
    """Every period label from ``first`` to ``last`` inclusive, gaps included."""
    out, day, end = [], period_start(first), period_start(last)
    while day <= end:
        out.append(period_of(day.isoformat(), granularity))
        day = _next_start(day, granularity)
    return out


def timeline(
    store: HasEngine | Engine, filter: Filter | None = None, *, granularity: str = "month", by: str | None = None,
    top_keys: int = 10, fill: bool = True, scope: Scope = None, timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Timeline:
    """Event counts per period, optionally split by a facet (top ``top_keys`` values, rest "(other)").

    An event is counted in a bucket only if its date is at least as fine as the
    bucket (a "2020" event is in the 2020 year bucket, not in any month); the others
    are reported as ``coarser``, undated ones as ``undated``.

    With ``fill`` (the default) every period between the first and the last one with
    events is listed, empty ones with a count of 0 (for each split value), so a chart
    or a table of the points never closes up a gap in time.
    """
    f, granularity = _filter(filter), _choice("granularity", granularity, GRANULARITIES)
    if by is not None:
        by = _choice("by", by, list(sq.EVENT_FACETS))
    top_keys, scope = _int("top_keys", top_keys, 1, 50), _scope(scope)
    with _bounded(store, timeout_ms) as conn:
        rows, over = sq.timeline_rows(conn, f, scope, granularity, by, MAX_GROUPS)
    if over:
        raise invalid(BAD_LIMIT, f"more than {MAX_GROUPS} groups; use a coarser granularity or a narrower filter")
    fits = _FITS[granularity]
    totals: dict[Any, int] = {}
    coarser = undated = 0
    cells: dict[tuple[str, Any], int] = {}
    fit: dict[Any, bool] = {}  # per precision, and period per bucket: a few distinct values over thousands of rows
    periods: dict[str, str] = {}
    for bucket, precision, key, n in rows:
        if bucket is None:
            undated += n
            continue
        ok = fit.get(precision)
        if ok is None:
            ok = fit[precision] = span_class(precision) in fits
        if not ok:
            coarser += n
            continue
        totals[key] = totals.get(key, 0) + n
        period = periods.get(bucket)
        if period is None:
            period = periods[bucket] = period_of(bucket, granularity)
        cell = (period, key)
        cells[cell] = cells.get(cell, 0) + n
    ranked = sorted(totals, key=lambda k: (-totals[k], k is not None, k or ""))
    keep = set(ranked[:top_keys])
    merged: dict[tuple[str, Any], int] = {}
    for (period, key), n in cells.items():
        k = key if key in keep else "(other)"
        merged[(period, k)] = merged.get((period, k), 0) + n
    keys = tuple(ranked[:top_keys]) + (("(other)",) if len(ranked) > top_keys else ())
    if fill and merged:
        known = sorted({p for p, _ in merged})
        span = periods_between(known[0], known[-1], granularity)
        if len(span) * max(1, len(keys)) > MAX_GROUPS:
            raise invalid(BAD_LIMIT, f"more than {MAX_GROUPS} periods to fill; use a coarser granularity or a narrower filter")
        for period in span:
            for k in keys or (None,):
                merged.setdefault((period, k), 0)
    order = {k: i for i, k in enumerate(keys)}
    points = tuple(TimelinePoint(p, k, n) for (p, k), n in sorted(merged.items(), key=lambda x: (x[0][0], order[x[0][1]])))
    return Timeline(granularity, by, points, keys, coarser, undated)


# ---------------------------------------------------------------- networks


def country_name(code: str) -> str | None:
    """Common English name of an ISO-3 country code (None if unknown)."""
    return _country_name(code)


def _country_name(code: str) -> str | None:
    import pycountry

    c = pycountry.countries.get(alpha_3=code)
    return getattr(c, "common_name", None) or (c.name if c else None)


def _nodes(conn: Any, weights: dict[str, int]) -> tuple[Node, ...]:
    info = sq.actor_info(conn, list(weights))
    out = []
    for key in sorted(weights):
        a = info.get(key)
        if a is not None:
            out.append(Node(key, a["name"] or key, a["kind"], a["country"], weights[key]))
        elif len(key) == 3 and key.isupper():
            out.append(Node(key, _country_name(key) or key, "state", key, weights[key]))
        else:
            out.append(Node(key, key, None, None, weights[key]))
    return tuple(out)


def network(
    store: HasEngine | Engine, filter: Filter | None = None, *, level: str = "actor", top: int = 100,
    scope: Scope = None, timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Network:
    """Directed source→target network of events: edge weight = events, ``mean_score`` = mean
    cooperation–conflict score (events.score, −10…+10) for colouring. ``level``: ``actor``
    (actor id, else country) or ``country``."""
    f, level = _filter(filter), _choice("level", level, ("actor", "country"))
    top, scope = _int("top", top, 1, MAX_TOP), _scope(scope)
    with _bounded(store, timeout_ms) as conn:
        rows = sq.network_rows(conn, f, scope, level, top)
        edges = tuple(Edge(s, t, n, round(score, 4), first, last) for s, t, n, score, first, last in rows[:top])
        weights: dict[str, int] = {}
        for e in edges:
            weights[e.source] = weights.get(e.source, 0) + e.weight
            if e.target != e.source:
                weights[e.target] = weights.get(e.target, 0) + e.weight
        nodes = _nodes(conn, weights)
    return Network("events", level, nodes, edges, len(rows) > top)


def cooccurrence(
    store: HasEngine | Engine, filter: Filter | None = None, *, unit: str = "document", top: int = 100,
    scope: Scope = None, timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Network:
    """Undirected network of actors mentioned together, weight = documents (``unit="document"``)
    or coded sentences (``unit="sentence"``: the sentences events were found in, the only
    sentences the store keeps). Filter: document fields; ``actor`` keeps pairs involving it."""
    f, unit = _filter(filter), _choice("unit", unit, ("document", "sentence"))
    check_document_filter(f)
    top, scope = _int("top", top, 1, MAX_TOP), _scope(scope)
    with _bounded(store, timeout_ms) as conn:
        rows = sq.cooccurrence_rows(conn, f, scope, unit, top)
        edges = tuple(Edge(a, b, n, None, None, None) for a, b, n in rows[:top])
        weights: dict[str, int] = {}
        for e in edges:
            weights[e.source] = weights.get(e.source, 0) + e.weight
            weights[e.target] = weights.get(e.target, 0) + e.weight
        nodes = _nodes(conn, weights)
    return Network("co-occurrence", unit, nodes, edges, len(rows) > top)


# ---------------------------------------------------------------- top-k lists


def top_actors(
    store: HasEngine | Engine, filter: Filter | None = None, *, basis: str = "mentions", kind: str | None = None,
    top: int = 20, scope: Scope = None, timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> tuple[ActorCount, ...]:
    """Most frequent actors: by documents mentioning them (``basis="mentions"``, document
    filter) or by events they are source or target of (``basis="events"``, event filter)."""
    from .filters import ACTOR_KINDS

    f, basis = _filter(filter), _choice("basis", basis, ("mentions", "events"))
    kinds = (_choice("kind", kind, ACTOR_KINDS),) if kind is not None else ()
    if basis == "mentions":
        check_document_filter(f)
    top, scope = _int("top", top, 1, MAX_TOP), _scope(scope)
    with _bounded(store, timeout_ms) as conn:
        rows = sq.actor_rows(conn, f, scope, basis, kinds, top)
        info = sq.actor_info(conn, [r[0] for r in rows])
    out = []
    for a, n, s, t in rows:
        i = info.get(a, {})
        name = i.get("name") or (_country_name(a) if len(a) == 3 and a.isupper() else None)
        out.append(ActorCount(a, name, i.get("kind"), i.get("country"), n, s, t))
    return tuple(out)


def top_places(
    store: HasEngine | Engine, filter: Filter | None = None, *, basis: str = "events", top: int = 20,
    scope: Scope = None, timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> tuple[PlaceCount, ...]:
    """Most frequent places: where matching events happened (``basis="events"``) or places
    named in matching documents (``basis="mentions"``), with coordinates for maps."""
    f, basis = _filter(filter), _choice("basis", basis, ("mentions", "events"))
    if basis == "mentions":
        check_document_filter(f)
    top, scope = _int("top", top, 1, MAX_TOP), _scope(scope)
    with _bounded(store, timeout_ms) as conn:
        rows = sq.place_rows(conn, f, scope, basis, top)
    return tuple(PlaceCount(name, c, lat, lon, gid, n) for name, c, lat, lon, gid, n in rows)


# ---------------------------------------------------------------- new since

DENSE_DOCUMENTS = 3  # documents a window must hold for its last day to count as the corpus's end
DENSE_SCAN = 5000  # newest documents examined for it


def corpus_end(
    store: HasEngine | Engine, *, window_days: int = 30, today: dt.date | None = None, scope: Scope = None,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> dt.date | None:
    """The last day of the corpus where documents are dense: the newest published day
    whose ``window_days`` ending on it hold at least DENSE_DOCUMENTS original documents
    (all of them, in a smaller store).

    A lone document dated far after the rest (a file printed today, a wrong date) would
    otherwise stretch "the last month of the corpus" over years. Days after ``today``
    (default: the current date) are not publication dates at all and are skipped.
    """
    window_days = _int("window_days", window_days, 1, 36_600)
    limit = (today or dt.date.today()).isoformat()
    with _bounded(store, timeout_ms) as conn:
        days = [dt.date.fromisoformat(d) for d in sq.latest_published_days(conn, _scope(scope), limit, DENSE_SCAN)]
    if not days:
        return None
    need = min(DENSE_DOCUMENTS, len(days))
    for i, day in enumerate(days):  # newest first: days[i + need - 1] is the need-th newest from day
        if i + need - 1 < len(days) and (day - days[i + need - 1]).days < window_days:
            return day
    return days[0]


def _why_empty(conn: Any, f: Filter, scope: Scope, start: dt.date, end: dt.date, base_from: dt.date,
               min_count: int, min_ratio: float) -> str:
    """One sentence on why a new-since answer has no items."""
    doc_fields = replace(f, dates=None, actors=())

    def documents(first: dt.date, last: dt.date) -> int:
        window = replace(doc_fields, dates=date_range(first.isoformat(), last.isoformat(), "within"))
        return sq.count_documents(conn, window, scope)

    recent = documents(start, end)
    if recent == 0:
        last = sq.max_published(conn, scope)
        newest = f"; the newest document is from {last}" if last else "; the store has no dated documents"
        return f"no documents published from {start} to {end}{newest}"
    baseline = documents(base_from, start - dt.timedelta(days=1)) if start > base_from else 0
    return (f"{recent} document(s) from {start} to {end} and {baseline} in the baseline window before it, but no actor, "
            f"place or event type counts at least {min_count} (--min-count) and is absent from the baseline or "
            f"{min_ratio:g} times its baseline rate (--min-ratio)")


def new_since(
    store: HasEngine | Engine, since: str, *, until: str | None = None, baseline_days: int | None = None,
    kinds: tuple[str, ...] | list[str] = NEW_KINDS, filter: Filter | None = None, min_count: int = 3,
    min_ratio: float = 3.0, alpha: float = 1.0, limit: int = 50, scope: Scope = None,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> NewSince:
    """Actors, places and event types that appear, or rise sharply, in documents published
    in ``[since, until]`` compared with the baseline window just before ``since``.

    Rule (docs/query.md): with ``recent`` the count in the new window (``L_new`` days) and
    ``baseline`` the count in the baseline window (``L_base`` days, default six times the
    new window), ``expected = baseline × L_new / L_base`` and
    ``ratio = (recent + alpha) / (expected + alpha)``. An item is **new** when
    ``baseline == 0`` and ``recent ≥ min_count``; **rising** when ``ratio ≥ min_ratio``
    and ``recent ≥ min_count``. Items are ordered by ratio, then recent count, then key.
    Actors and places count documents; event types count events (not negated or hypothetical).
    """
    start = parse(since, name="since") if isinstance(since, str) else None
    if start is None:
        raise invalid(BAD_DATE, "since must be a date like 2020-03-01")
    f = _filter(filter)
    if f.used() - (DOCUMENT_FIELDS - {"dates", "actors"}):
        raise invalid(UNKNOWN_FIELD, "new-since filters by language, source and theme only")
    if isinstance(kinds, str) or not kinds:
        raise invalid(UNKNOWN_FIELD, f"kinds must be a list of {', '.join(NEW_KINDS)}")
    for k in kinds:
        _choice("kind", k, NEW_KINDS)
    min_count = _int("min_count", min_count, 1, 1_000_000)
    limit, scope = _int("limit", limit, 1, MAX_TOP), _scope(scope)
    for name, value, lo, hi in (("min_ratio", min_ratio, 1.0, 1e6), ("alpha", alpha, 0.01, 1e6)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
            raise invalid(BAD_VALUE, f"{name} must be a number between {lo:g} and {hi:g}")
    with _bounded(store, timeout_ms) as conn:
        if until is None:
            last = sq.max_published(conn, scope)
            end = max(start, dt.date.fromisoformat(last)) if last else start
        else:
            end = parse(until, end=True, name="until")
        if end < start:
            raise invalid(BAD_DATE, f"until {until} is before since {since}")
        new_days = (end - start).days + 1
        base_days = _int("baseline_days", baseline_days, 1, 36_600) if baseline_days is not None else 6 * new_days
        room = (start - dt.date.min).days  # since=0001-01-01 leaves no day for a baseline before it
        base_from = start - dt.timedelta(days=min(base_days, room))
        base_days = max(1, min(base_days, room))
        items = []
        for kind in kinds:
            rows = sq.window_rows(conn, kind, f, scope, base_from.isoformat(), start.isoformat(), end.isoformat(), MAX_GROUPS)
            if len(rows) > MAX_GROUPS:
                raise invalid(BAD_LIMIT, "too many distinct items; narrow the windows or the filter")
            for key, label, recent, baseline in rows:
                if recent < min_count:
                    continue
                expected = baseline * new_days / base_days
                ratio = (recent + alpha) / (expected + alpha)
                if baseline == 0 or ratio >= min_ratio:
                    items.append(NewItem(kind, key, _label(kind, key, label), recent, baseline, round(expected, 4),
                                         round(ratio, 4), "new" if baseline == 0 else "rising"))
        info = sq.actor_info(conn, [i.key for i in items if i.kind == "actor"])
        note = None if items else _why_empty(conn, f, scope, start, end, base_from, min_count, min_ratio)
    items = [replace(i, label=info[i.key]["name"] or i.label) if i.kind == "actor" and i.key in info else i for i in items]
    items.sort(key=lambda i: (-i.ratio, -i.recent, i.kind, i.key))
    return NewSince(start.isoformat(), end.isoformat(), base_from.isoformat(),
                    (start - dt.timedelta(days=1) if start > dt.date.min else start).isoformat(), tuple(items[:limit]), note)


def _label(kind: str, key: str, label: str | None) -> str:
    if kind == "place":
        name, _, country = key.rpartition("|")
        return f"{name} ({country})" if country else name
    return label or key
