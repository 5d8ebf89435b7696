"""Answers from the summary tables (store/summary.py) when a query's filter allows it.

Each function returns exactly what its raw counterpart in ``store.queries`` returns, or
None when no roll-up can answer (a filter field no roll-up keeps, a date range not aligned
to a roll-up's period, cluster counts, ...); the caller then reads the raw tables. The
choice is made here only: the smallest roll-up whose dimensions cover the filter and the
requested grouping wins. ``tests/test_summary.py`` checks every answer against the raw
query on random stores and scopes, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from typing import Any, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..query.dates import SPAN_CLASSES, DateRange, floor, period_end
from ..query.filters import Filter
from .schema import actors, summary_documents, summary_new_actors, summary_new_places, summary_new_types
from .summary import ROLLUPS, Rollup, scope_signatures

Scope = frozenset[str] | None
_enabled: contextvars.ContextVar[bool] = contextvars.ContextVar("summary_enabled", default=True)
# Filter fields a roll-up can honour (given the right dimensions); any other field means raw tables.
_SUPPORTED = {"types", "modes", "actors", "source_actors", "target_actors", "source_countries", "target_countries", "dates",
              "include_negated", "include_hypothetical", "include_duplicates"}
_FIELD_DIMS = {"types": "type", "modes": "mode", "source_countries": "source_country", "target_countries": "target_country"}
# Smallest first (rows on the 1M-event benchmark store): the first roll-up that can answer is used.
_ORDER = ("summary_types", "summary_actor_totals", "summary_actors", "summary_places", "summary_source_countries",
          "summary_target_countries", "summary_pairs")
_BY_NAME = {r.table.name: r for r in ROLLUPS}
_GRAIN_FITS = {"month": {"month", "quarter", "year"}, "year": {"year"}}


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Read raw tables only inside this block (tests compare both answers)."""
    token = _enabled.set(False)
    try:
        yield
    finally:
        _enabled.reset(token)


def _in(col: Any, values: Sequence[Any]) -> Any:
    return col == values[0] if len(values) == 1 else col.in_(list(values))


def _binary(expr: Any, conn: Connection) -> Any:
    return sa.collate(expr, "C") if conn.dialect.name == "postgresql" else expr


def aligned(dr: DateRange, grain: str) -> bool:
    """Whether every bound the date rule puts on ``date_start`` falls on a period boundary of
    ``grain``, so comparing the period instead of the day gives the same answer."""
    for cls in SPAN_CLASSES:
        lo, hi = dr.start_bounds(cls)
        if lo is not None and hi is not None and lo > hi:
            continue  # this class is left out either way
        if lo is not None and floor(dt.date.fromisoformat(lo), grain) != dt.date.fromisoformat(lo):  # type: ignore[arg-type]
            return False
        if hi is not None:
            day = dt.date.fromisoformat(hi)
            if period_end(floor(day, grain), grain) != day:  # type: ignore[arg-type]
                return False
    return True


def _scope(conn: Connection, table: sa.Table, scope: Scope) -> list[Any]:
    if scope is None:
        return []
    ids = scope_signatures(conn, scope) if scope else []
    return [_in(table.c.signature_id, ids)] if ids else [sa.false()]


def _where(conn: Connection, roll: Rollup, f: Filter, scope: Scope, *, actor_side: bool) -> list[Any] | None:
    """Conditions on ``roll`` equivalent to ``f`` (events), or None when it cannot express them.

    ``actor_side``: the caller reads an actor roll-up's per-side measures (an ``actors``
    filter of one id then means that actor's rows)."""
    from .queries import date_clause

    used = f.used()
    if used - _SUPPORTED:
        return None
    c = roll.table.c
    w: list[Any] = []
    for field, dim in _FIELD_DIMS.items():
        values = getattr(f, field)
        if values:
            if dim not in roll.dims:
                return None
            w.append(_in(c[dim], values))
    if f.actors or f.source_actors or f.target_actors:
        if "source_actor_id" in roll.dims:  # pairs keep both actor ids: the raw conditions as they are
            if f.actors:
                w.append(sa.or_(_in(c.source_actor_id, f.actors), _in(c.target_actor_id, f.actors)))
            if f.source_actors:
                w.append(_in(c.source_actor_id, f.source_actors))
            if f.target_actors:
                w.append(_in(c.target_actor_id, f.target_actors))
        elif "side" in roll.dims and actor_side and sum(map(bool, (f.actors, f.source_actors, f.target_actors))) == 1:
            if f.actors:
                if len(f.actors) > 1:
                    return None  # "not also the source" would need the other side's actor
                w.append(c.actor_id == f.actors[0])
            else:
                side, ids = ("source", f.source_actors) if f.source_actors else ("target", f.target_actors)
                w += [c.side == side, _in(c.actor_id, ids)]
        else:
            return None
    elif actor_side and "side" in roll.dims:
        return None  # without an actor filter a per-side sum would count events twice
    if f.dates is not None:
        if roll.grain is None or not aligned(f.dates, roll.grain):
            return None
        w.append(date_clause(c.period, c.date_precision, f.dates))
    return w + _flags(c, f)


def _choose(conn: Connection, f: Filter, scope: Scope, *, dims: Sequence[str] = (), grain: str | None = None,
            only: Sequence[str] = _ORDER, actor_side: bool = False) -> tuple[Rollup, list[Any]] | None:
    """The smallest roll-up among ``only`` that keeps ``dims``, has a period fitting the
    timeline ``grain`` (if any) and can express ``f``; with its conditions."""
    if not _enabled.get():
        return None
    for name in _ORDER:
        if name not in only:
            continue
        roll = _BY_NAME[name]
        if any(d not in roll.dims for d in dims):
            continue
        if grain is not None and (roll.grain is None or grain not in _GRAIN_FITS[roll.grain]):
            continue
        if actor_side != ("side" in roll.dims):
            continue
        w = _where(conn, roll, f, scope, actor_side=actor_side)
        if w is not None:
            return roll, w + _scope(conn, roll.table, scope)  # the signatures read once, for the roll-up chosen
    return None


def _events_measure(roll: Rollup, f: Filter) -> Any:
    """Events counted once: for an actor on either side, per-side rows count target-side
    events only when their source is another actor (one side asked for: all its rows)."""
    c = roll.table.c
    return sa.case((c.side == "source", c.n), else_=c.n_once) if "side" in roll.dims and f.actors else c.n


def _choose_events(conn: Connection, f: Filter, scope: Scope, **kw: Any) -> tuple[Rollup, list[Any]] | None:
    """A roll-up for counting events: plain ones, else an actor roll-up for one actor."""
    if f.actors or f.source_actors or f.target_actors:  # one actor's own rows beat scanning the pairs
        return _choose(conn, f, scope, actor_side=True, **kw) or _choose(conn, f, scope, **kw)
    return _choose(conn, f, scope, **kw)


# ---------------------------------------------------------------- answers


def count_events(conn: Connection, f: Filter, scope: Scope) -> int | None:
    found = _choose_events(conn, f, scope)
    if found is None:
        return None
    roll, w = found
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(_events_measure(roll, f)), 0)).where(*w)).scalar_one())


_FACET_DIMS = {"type": "type", "mode": "mode", "source_country": "source_country", "target_country": "target_country"}


def _group_expr(roll: Rollup, by: str) -> Any | None:
    c = roll.table.c
    if by in _FACET_DIMS:
        return c[_FACET_DIMS[by]]
    if by == "precision":
        return c.date_precision
    if by == "year":
        return sa.func.substr(c.period, 1, 4)
    return None


def _dims_for(by: str | None) -> tuple[tuple[str, ...], str | None]:
    """(dimensions, needed grain) a grouping by facet ``by`` needs; None dims when no roll-up keeps it."""
    if by is None:
        return (), None
    if by in _FACET_DIMS:
        return (_FACET_DIMS[by],), None
    if by in ("precision", "year"):
        return (), "year"
    return ("-",), None  # no roll-up has it


def event_facet(conn: Connection, f: Filter, scope: Scope, field: str, top: int) -> list[tuple[Any, int]] | None:
    dims, grain = _dims_for(field)
    found = _choose_events(conn, f, scope, dims=dims, grain=grain)
    if found is None:
        return None
    roll, w = found
    expr = _group_expr(roll, field)
    n = sa.func.sum(_events_measure(roll, f)).label("n")
    q = (sa.select(expr.label("value"), n).where(*w).group_by(expr)
         .order_by(n.desc(), _binary(expr, conn).asc().nulls_first()).limit(top))
    return [(r.value, int(r.n)) for r in conn.execute(q)]


def timeline_rows(conn: Connection, f: Filter, scope: Scope, granularity: str, by: str | None,
                  max_rows: int) -> tuple[list[tuple[str | None, str | None, Any, int]], bool] | None:
    if granularity not in ("month", "quarter", "year"):
        return None
    dims, _ = _dims_for(by)
    found = _choose_events(conn, f, scope, dims=dims, grain=granularity)
    if found is None:
        return None
    roll, w = found
    c = roll.table.c
    bucket = sa.func.substr(c.period, 1, 4 if granularity == "year" else 7)
    key = _group_expr(roll, by) if by else sa.literal(None, sa.String)
    groups = [bucket, c.date_precision] + ([key] if by else [])
    q = (sa.select(bucket.label("b"), c.date_precision.label("p"), key.label("k"), sa.func.sum(_events_measure(roll, f)).label("n"))
         .where(*w).group_by(*groups).limit(max_rows + 1))
    rows = [(r.b, r.p, r.k, int(r.n)) for r in conn.execute(q)]
    return rows[:max_rows], len(rows) > max_rows


def actor_rows(conn: Connection, f: Filter, scope: Scope, kinds: Sequence[str], top: int) -> list[tuple[str, int, int, int]] | None:
    """Top actors by events (``queries._event_actor_rows``) from the per-side actor roll-ups."""
    if not _enabled.get() or f.used() - {"dates", "include_negated", "include_hypothetical", "include_duplicates"}:
        return None
    for name in ("summary_actor_totals", "summary_actors"):
        roll = _BY_NAME[name]
        w = _side_where(conn, roll, f, scope)
        if w is None:
            continue
        c = roll.table.c
        if kinds:
            w.append(c.actor_id.in_(sa.select(actors.c.id).where(_in(actors.c.kind, kinds))))
        src = c.side == "source"
        n = sa.func.sum(sa.case((src, c.n), else_=c.n_once)).label("n")
        q = (sa.select(c.actor_id.label("a"), n, sa.func.sum(sa.case((src, c.n), else_=0)).label("s"),
                       sa.func.sum(sa.case((src, 0), else_=c.n)).label("tg"))
             .where(*w).group_by(c.actor_id).order_by(n.desc(), _binary(c.actor_id, conn).asc()).limit(top))
        return [(r.a, int(r.n), int(r.s), int(r.tg)) for r in conn.execute(q)]
    return None


def _flags(c: Any, f: Filter) -> list[Any]:
    """Negated, hypothetical and near-duplicate rows are left out unless the filter asks for them."""
    w = []
    if not f.include_negated:
        w.append(c.negated.is_(False))
    if not f.include_hypothetical:
        w.append(c.hypothetical.is_(False))
    if not f.include_duplicates:
        w.append(c.duplicate.is_(False))
    return w


def _side_where(conn: Connection, roll: Rollup, f: Filter, scope: Scope) -> list[Any] | None:
    """Conditions of a date/flag-only filter on a per-side roll-up (every actor, both sides)."""
    c = roll.table.c
    w: list[Any] = []
    if f.dates is not None:
        from .queries import date_clause

        if roll.grain is None or not aligned(f.dates, roll.grain):
            return None
        w.append(date_clause(c.period, c.date_precision, f.dates))
    return w + _flags(c, f) + _scope(conn, roll.table, scope)


def network_rows(conn: Connection, f: Filter, scope: Scope, level: str,
                 top: int) -> list[tuple[str, str, int, float, str | None, str | None]] | None:
    found = _choose(conn, f, scope, only=("summary_pairs",))
    if found is None:
        return None
    roll, w = found
    c = roll.table.c
    if level == "country":
        src, tgt = c.source_country, c.target_country
    else:
        src, tgt = sa.func.coalesce(c.source_actor_id, c.source_country), sa.func.coalesce(c.target_actor_id, c.target_country)
    n = sa.func.sum(c.n).label("n")
    q = (sa.select(src.label("src"), tgt.label("tgt"), n, sa.func.sum(c.score).label("score"),
                   sa.func.min(c.first).label("first"), sa.func.max(c.last).label("last"))
         .where(*w, src.is_not(None), tgt.is_not(None)).group_by(src, tgt)
         .order_by(n.desc(), _binary(src, conn).asc(), _binary(tgt, conn).asc()).limit(top + 1))
    return [(r.src, r.tgt, int(r.n), float(r.score) / int(r.n), r.first, r.last) for r in conn.execute(q)]


def place_rows(conn: Connection, f: Filter, scope: Scope,
               top: int) -> list[tuple[str, str | None, float | None, float | None, int | None, int]] | None:
    found = _choose(conn, f, scope, only=("summary_places",))
    if found is None:
        return None
    roll, w = found
    c = roll.table.c
    n = sa.func.sum(c.n).label("n")
    q = (sa.select(c.place_text.label("name"), c.place_country.label("country"), sa.func.min(c.place_lat).label("lat"),
                   sa.func.min(c.place_lon).label("lon"), sa.func.min(c.place_geonames_id).label("gid"), n)
         .where(*w).group_by(c.place_text, c.place_country)
         .order_by(n.desc(), _binary(c.place_text, conn).asc(), _binary(c.place_country, conn).asc().nulls_first()).limit(top))
    return [(r.name, r.country, r.lat, r.lon, r.gid, int(r.n)) for r in conn.execute(q)]


def count_documents(conn: Connection, f: Filter, scope: Scope) -> int | None:
    """Visible documents when the filter says at most whether copies count."""
    if not _enabled.get() or f.used() - {"include_duplicates"}:
        return None
    c = summary_documents.c
    w = ([] if f.include_duplicates else [c.duplicate.is_(False)]) + _scope(conn, summary_documents, scope)
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(c.n), 0)).where(*w)).scalar_one())


def document_language_facet(conn: Connection, f: Filter, scope: Scope, top: int) -> list[tuple[Any, int]] | None:
    """Documents per language (``queries.document_facet(field="language")``) under the same condition."""
    if not _enabled.get() or f.used() - {"include_duplicates"}:
        return None
    c = summary_documents.c
    w = ([] if f.include_duplicates else [c.duplicate.is_(False)]) + _scope(conn, summary_documents, scope)
    n = sa.func.sum(c.n).label("n")
    q = (sa.select(c.language.label("value"), n).where(*w).group_by(c.language)
         .order_by(n.desc(), _binary(c.language, conn).asc().nulls_first()).limit(top))
    return [(r.value, int(r.n)) for r in conn.execute(q)]


def window_rows(conn: Connection, kind: str, f: Filter, scope: Scope, base_from: str, since: str, until: str,
                max_rows: int) -> list[tuple[str, str | None, int, int]] | None:
    """``queries.window_rows`` (new-since counts per actor, place or event type) from the
    per-day roll-ups, when the filter says at most whether copies count."""
    if not _enabled.get() or f.used() - {"include_duplicates"}:
        return None
    table = {"actor": summary_new_actors, "place": summary_new_places}.get(kind, summary_new_types)
    c = table.c
    w = [c.day.between(base_from, until)] + ([] if f.include_duplicates else [c.duplicate.is_(False)]) + _scope(conn, table, scope)
    recent = c.day >= since
    if kind == "actor":
        key, label, unit, groups = c.actor_id, sa.func.max(c.name), c.n_docs, [c.actor_id]
    elif kind == "place":
        key, label, unit, groups = c.name + sa.literal("|") + sa.func.coalesce(c.country, ""), sa.func.max(c.name), c.n, [c.name, c.country]
    else:
        key, label, unit, groups = c.type + sa.func.coalesce(sa.literal(":") + c.mode, ""), sa.func.max(c.type), c.n, [c.type, c.mode]
    new_n = sa.func.sum(sa.case((recent, unit), else_=0)).label("new")
    old_n = sa.func.sum(sa.case((recent, 0), else_=unit)).label("old")
    q = sa.select(key.label("key"), label.label("label"), new_n, old_n).where(*w).group_by(*groups).limit(max_rows + 1)
    return [(r.key, r.label, int(r.new), int(r.old)) for r in conn.execute(q)]
