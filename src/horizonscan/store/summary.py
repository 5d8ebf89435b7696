"""Event summary tables kept at write time (schema: ``summary_*``; reads: ``summary_read``).

Every document adds its events to a few roll-ups (counts and score sums by type, by
country, by actor and side, by source→target pair, by place), keyed by the document's
*visibility signature*: the set of collections it is in (``default`` when it is listed in
none). A document therefore counts in exactly one signature, and a scope sees the
signatures it intersects (``store.accounts.scope_clause`` reduced to integers).

Call, inside the transaction that changes the document:

- :func:`add_document` after its events are written (``writer.write_document`` does);
- :func:`remove_document` before its events, collections or ``duplicate_of`` change or
  are deleted (deletion; moving between collections: remove, change, add);
- :func:`rebuild` after bulk loads that bypass the writer (``horizonscan db rebuild-summary``).

Rows are updated relatively (``n = n + ?``) and dropped when they reach zero; on
PostgreSQL a transaction-scoped advisory lock serialises summary writers, so two
ingests never insert the same key twice or race on a pair's first/last day.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import (
    collection_documents,
    documents,
    events,
    mentions,
    places,
    store_generation,
    summary_actor_totals,
    summary_actors,
    summary_documents,
    summary_new_actors,
    summary_new_places,
    summary_new_types,
    summary_pairs,
    summary_places,
    summary_source_countries,
    summary_target_countries,
    summary_types,
    visibility_signatures,
)

DEFAULT_COLLECTION = "default"
_LOCK_KEY = 0x68735F73756D  # "hs_sum": the advisory lock of summary writers on PostgreSQL
E = events.c

Key = tuple[Any, ...]
Measures = list[Any]  # n, score, then n_once or first/last where the roll-up has them


@dataclass(frozen=True)
class Rollup:
    """One summary table: ``grain`` of its period (None: all time) and its dimension columns."""

    table: sa.Table
    grain: str | None
    dims: tuple[str, ...]
    rows: Callable[[dict[str, Any]], Iterable[tuple[Key, Measures]]]  # (dimension values, measures) per event

    @property
    def key_columns(self) -> tuple[str, ...]:
        dated = ("period", "date_precision") if self.grain else ()
        return ("signature_id", "duplicate", "negated", "hypothetical", *dated, *self.dims)

    @property
    def measures(self) -> tuple[str, ...]:
        extra = [c for c in ("n_once", "first", "last") if c in self.table.c]
        return ("n", "score", *extra)


def _one(*dims: str) -> Callable[[dict[str, Any]], Iterable[tuple[Key, Measures]]]:
    return lambda ev: (((*(ev[d] for d in dims),), [1, ev["score"]]),)


def _actor_sides(ev: dict[str, Any]) -> Iterator[tuple[Key, Measures]]:
    s, t = ev["source_actor_id"], ev["target_actor_id"]
    if s is not None:
        yield (s, "source"), [1, ev["score"], 1]
    if t is not None:
        yield (t, "target"), [1, ev["score"], 0 if (s or "") == t else 1]


def _pair(ev: dict[str, Any]) -> Iterable[tuple[Key, Measures]]:
    key = (ev["source_actor_id"], ev["source_country"], ev["target_actor_id"], ev["target_country"])
    return ((key, [1, ev["score"], ev["date_start"], ev["date_start"]]),)


def _place(ev: dict[str, Any]) -> Iterable[tuple[Key, Measures]]:
    if ev["place_text"] is None:
        return ()
    key = (ev["type"], ev["place_text"], ev["place_country"], ev["place_lat"], ev["place_lon"], ev["place_geonames_id"])
    return ((key, [1, ev["score"]]),)


ROLLUPS: tuple[Rollup, ...] = (
    Rollup(summary_types, "month", ("type", "mode"), _one("type", "mode")),
    Rollup(summary_source_countries, "month", ("type", "source_country"), _one("type", "source_country")),
    Rollup(summary_target_countries, "month", ("type", "target_country"), _one("type", "target_country")),
    Rollup(summary_actors, "year", ("actor_id", "side"), _actor_sides),
    Rollup(summary_actor_totals, None, ("actor_id", "side"), _actor_sides),
    Rollup(summary_pairs, None, ("source_actor_id", "source_country", "target_actor_id", "target_country"), _pair),
    Rollup(summary_places, None, ("type", "place_text", "place_country", "place_lat", "place_lon", "place_geonames_id"), _place),
)
EVENT_FIELDS = ("document_id", "type", "mode", "source_actor_id", "source_country", "target_actor_id", "target_country",
                "place_text", "place_country", "place_lat", "place_lon", "place_geonames_id", "date_start", "date_precision",
                "negated", "hypothetical", "score")


# New-since roll-ups (per document, by published day): key columns after the common
# (signature_id, duplicate, day) and their measures.
NEW_ROLLUPS: dict[str, tuple[sa.Table, tuple[str, ...], tuple[str, ...]]] = {
    "actors": (summary_new_actors, ("actor_id", "name"), ("n", "n_docs")),
    "places": (summary_new_places, ("name", "country"), ("n",)),
    "types": (summary_new_types, ("type", "mode"), ("n",)),
}


def period(start: str | None, grain: str) -> str | None:
    """First day of the month/year of ISO day ``start``; ``start`` itself when it is not a
    calendar day (then comparisons on the period are the raw ones)."""
    if start is None:
        return None
    try:
        if len(start) != 10:
            return start
        dt.date.fromisoformat(start)
    except ValueError:
        return start
    return start[:7] + "-01" if grain == "month" else start[:4] + "-01-01"


# ---------------------------------------------------------------- signatures


def signature_key(collections: Iterable[str]) -> str:
    return ",".join(sorted(set(collections))) or DEFAULT_COLLECTION


def signature_id(conn: Connection, key: str) -> int:
    """Id of a signature (created on first use)."""
    vs = visibility_signatures.c
    found = conn.execute(sa.select(vs.id).where(vs.collections == key)).scalar()
    if found is None:
        found = conn.execute(visibility_signatures.insert().values(collections=key)).inserted_primary_key[0]  # type: ignore[index]
    return int(found)


def document_signature(conn: Connection, doc_id: str) -> int:
    cd = collection_documents.c
    listed = conn.execute(sa.select(cd.collection_id).where(cd.document_id == doc_id)).scalars().all()
    return signature_id(conn, signature_key(listed))


def scope_signatures(conn: Connection, scope: frozenset[str]) -> list[int]:
    """Ids of the signatures a scope may read: those sharing a collection with it."""
    vs = visibility_signatures.c
    return sorted(int(i) for i, key in conn.execute(sa.select(vs.id, vs.collections)) if scope & set(key.split(",")))


# ---------------------------------------------------------------- aggregation


def _aggregate(rows: Iterable[Any], sig_of: Callable[[str], int], dup_of: Callable[[str], bool],
               out: dict[str, dict[Key, Measures]]) -> None:
    """Add event ``rows`` (EVENT_FIELDS) to ``out``: roll-up name → key → measures."""
    for r in rows:
        ev = dict(zip(EVENT_FIELDS, r))
        common = (sig_of(ev["document_id"]), dup_of(ev["document_id"]), bool(ev["negated"]), bool(ev["hypothetical"]))
        for roll in ROLLUPS:
            head = common + ((period(ev["date_start"], roll.grain), ev["date_precision"]) if roll.grain else ())
            acc = out.setdefault(roll.table.name, {})
            for dims, m in roll.rows(ev):
                key = head + dims
                cur = acc.get(key)
                if cur is None:
                    acc[key] = list(m)
                else:
                    _merge(cur, m)


def _merge(cur: Measures, m: Measures) -> None:
    cur[0] += m[0]
    cur[1] += m[1]
    if len(m) == 3:
        cur[2] += m[2]
    elif len(m) == 4:  # first/last day, None-aware
        cur[2] = m[2] if cur[2] is None or (m[2] is not None and m[2] < cur[2]) else cur[2]
        cur[3] = m[3] if cur[3] is None or (m[3] is not None and m[3] > cur[3]) else cur[3]


def _new_deltas(head: Key, actor_names: Iterable[tuple[str, str | None]], place_names: Iterable[tuple[str, str | None]],
                types: Iterable[tuple[str, str | None]], out: dict[str, dict[Key, Measures]]) -> None:
    """Add one document's new-since rows (``head`` = signature, duplicate, day) to ``out``."""
    names: dict[str, set[str | None]] = {}
    for actor, name in actor_names:
        names.setdefault(actor, set()).add(name)
    acc = out.setdefault("actors", {})
    for actor, ns in names.items():
        for i, name in enumerate(sorted(ns, key=lambda x: (x is not None, x or ""))):
            m = acc.setdefault((*head, actor, name), [0, 0])
            m[0] += 1
            m[1] += i == 0  # the document counts once per actor, on its first name
    acc = out.setdefault("places", {})
    for key in set(place_names):
        m = acc.setdefault((*head, *key), [0])
        m[0] += 1
    acc = out.setdefault("types", {})
    for key in types:
        m = acc.setdefault((*head, *key), [0])
        m[0] += 1


_PLACE_NAME = sa.func.coalesce(places.c.name, places.c.text)


def _new_rows(conn: Connection, doc_id: str, head: Key) -> dict[str, dict[Key, Measures]]:
    m, p = mentions.c, places.c
    out: dict[str, dict[Key, Measures]] = {}
    _new_deltas(
        head,
        conn.execute(sa.select(m.actor_id, m.name).where(m.document_id == doc_id, m.actor_id.is_not(None))).all(),
        conn.execute(sa.select(_PLACE_NAME, p.country).where(p.document_id == doc_id)).all(),
        conn.execute(sa.select(E.type, E.mode).where(E.document_id == doc_id, E.negated.is_(False), E.hypothetical.is_(False))).all(),
        out,
    )
    return out


def _event_rows(conn: Connection, doc_id: str) -> list[Any]:
    return conn.execute(sa.select(*(E[c] for c in EVENT_FIELDS)).where(E.document_id == doc_id)).all()


# ---------------------------------------------------------------- incremental


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})


def _where(table: sa.Table, cols: Iterable[str], values: Iterable[Any]) -> list[Any]:
    return [table.c[c].is_(None) if v is None else table.c[c] == v for c, v in zip(cols, values)]


def _document_row(conn: Connection, doc_id: str) -> Any:
    d = documents.c
    return conn.execute(sa.select(d.language, d.duplicate_of, d.published_start).where(d.id == doc_id)).first()


def add_document(conn: Connection, doc_id: str) -> None:
    """Add a stored document and its events to the summary (same transaction as the write)."""
    _change(conn, doc_id, +1)


def remove_document(conn: Connection, doc_id: str) -> None:
    """Take a document's events out of the summary; call before deleting or moving it."""
    _change(conn, doc_id, -1)


def generation(conn: Connection) -> int:
    """A number that changes whenever the summary (so any stored document) changes."""
    return int(conn.execute(sa.select(store_generation.c.value).where(store_generation.c.id == 1)).scalar() or 0)


def _bump(conn: Connection) -> None:
    g = store_generation.c
    if not conn.execute(store_generation.update().where(g.id == 1).values(value=g.value + 1)).rowcount:
        conn.execute(store_generation.insert().values(id=1, value=1))


def _change(conn: Connection, doc_id: str, sign: int) -> None:
    doc = _document_row(conn, doc_id)
    if doc is None:
        return
    _lock(conn)
    _bump(conn)
    sig, dup = document_signature(conn, doc_id), bool(doc.duplicate_of)
    _apply_all(conn, summary_documents, ("signature_id", "duplicate", "language"), [((sig, dup, doc.language), {"n": sign}, None)], sign)
    for name, found in _new_rows(conn, doc_id, (sig, dup, doc.published_start)).items():
        table, dims, measures = NEW_ROLLUPS[name]
        _apply_all(conn, table, ("signature_id", "duplicate", "day", *dims),
                   [(key, {c: sign * v for c, v in zip(measures, m)}, None) for key, m in sorted(found.items(), key=lambda kv: repr(kv[0]))],
                   sign)
    deltas: dict[str, dict[Key, Measures]] = {}
    _aggregate(_event_rows(conn, doc_id), lambda _d: sig, lambda _d: dup, deltas)
    for roll in ROLLUPS:
        items = []
        for key, m in sorted(deltas.get(roll.table.name, {}).items(), key=lambda kv: repr(kv[0])):  # one lock order
            values = {"n": sign * m[0], "score": sign * m[1]}
            if "n_once" in roll.measures:
                values["n_once"] = sign * m[2]
            if roll.table is summary_pairs and sign < 0:  # rare: a deletion or a move; first/last may need the raw events
                row_id = _apply(conn, roll.table, roll.key_columns, key, values)
                if row_id is not None:
                    _refresh_days(conn, row_id, key, m[2], m[3], doc_id)
            else:
                items.append((key, values, m[2:] if "first" in roll.measures else None))
        _apply_all(conn, roll.table, roll.key_columns, items, sign)


def _q(name: str) -> str:
    return f'"{name}"'


@functools.lru_cache(maxsize=1024)
def _update_sql(table: str, cols: tuple[str, ...], nulls: tuple[bool, ...], delta: tuple[str, ...], days: tuple[str, ...],
                qmark: bool) -> tuple[str, str]:
    """UPDATE and zero-row DELETE for one key shape, in the driver's parameter style."""
    p = (lambda n: f":{n}") if qmark else (lambda n: f"%({n})s")
    where = " AND ".join(f"{_q(c)} IS NULL" if null else f"{_q(c)} = {p(f'k{i}')}" for i, (c, null) in enumerate(zip(cols, nulls)))
    sets = [f"{_q(c)} = {_q(c)} + {p('d_' + c)}" for c in delta]
    for c in days:  # a pair's first and last day: None-aware minimum and maximum
        cmp = ">" if c == "first" else "<"
        sets.append(f"{_q(c)} = CASE WHEN {_q(c)} IS NULL OR {_q(c)} {cmp} {p('v_' + c)} THEN {p('v_' + c)} ELSE {_q(c)} END")
    return f"UPDATE {table} SET {', '.join(sets)} WHERE {where}", f"DELETE FROM {table} WHERE {where} AND n = 0"


def _apply_all(conn: Connection, table: sa.Table, cols: tuple[str, ...], items: list[tuple[Key, dict[str, Any], Measures | None]],
               sign: int) -> None:
    """Add each delta to the row of its key: one relative UPDATE per key (plain SQL on the
    DBAPI cursor, cached per key shape: the writer runs about a hundred per document), missing
    rows inserted together, rows that reach zero deleted. Keys are unique because summary
    writers are serialised (SQLite's single writer; the advisory lock on PostgreSQL)."""
    qmark = conn.dialect.name == "sqlite"
    cur = conn.connection.cursor()  # the DBAPI cursor of this same transaction: a tenth of the per-statement cost
    missing = []
    for key, delta, days in items:
        params = {f"k{i}": v for i, v in enumerate(key) if v is not None}
        params.update({f"d_{c}": v for c, v in delta.items()})
        day_cols: tuple[str, ...] = ()
        if days is not None:
            day_cols = tuple(c for c, v in (("first", days[0]), ("last", days[1])) if v is not None)
            params.update({f"v_{c}": v for c, v in (("first", days[0]), ("last", days[1])) if v is not None})
        update, delete = _update_sql(table.name, cols, tuple(v is None for v in key), tuple(delta), day_cols, qmark)
        cur.execute(update, params)
        if not cur.rowcount:
            row = dict(zip(cols, key), **delta)
            if days is not None:
                row.update(first=days[0], last=days[1])
            missing.append(row)
        elif sign < 0:
            cur.execute(delete, params)
    cur.close()
    if missing:
        conn.execute(table.insert(), missing)


def _apply(conn: Connection, table: sa.Table, cols: Iterable[str], key: Key, delta: dict[str, Any],
           days: Measures | None = None) -> int | None:
    """Add ``delta`` to the row of ``key`` (inserted when missing, deleted at zero); the row id if it remains."""
    cols = tuple(cols)
    c = table.c
    row_id = conn.execute(sa.select(c.id).where(*_where(table, cols, key)).limit(1)).scalar()
    if row_id is None:
        row = dict(zip(cols, key), **delta)
        if days is not None:
            row.update(first=days[0], last=days[1])
        return int(conn.execute(table.insert().values(**row)).inserted_primary_key[0])  # type: ignore[index]
    values: dict[str, Any] = {k: c[k] + v for k, v in delta.items()}
    if days is not None:
        first, last = days
        if first is not None:
            values["first"] = sa.case((sa.or_(c.first.is_(None), c.first > first), first), else_=c.first)
        if last is not None:
            values["last"] = sa.case((sa.or_(c.last.is_(None), c.last < last), last), else_=c.last)
    conn.execute(table.update().where(c.id == row_id).values(**values))
    if conn.execute(table.delete().where(c.id == row_id, c.n == 0)).rowcount:
        return None
    return int(row_id)


def _refresh_days(conn: Connection, row_id: int, key: Key, first: str | None, last: str | None, doc_id: str) -> None:
    """After taking a document's events out of a pair, recompute the pair's first/last day
    from the events that remain, if the document held either."""
    p = summary_pairs.c
    cur = conn.execute(sa.select(p.first, p.last).where(p.id == row_id)).first()
    if cur is None or (cur.first != first and cur.last != last):
        return
    sig, dup, negated, hypothetical, s_actor, s_country, t_actor, t_country = key
    collections = conn.execute(sa.select(visibility_signatures.c.collections).where(visibility_signatures.c.id == sig)).scalar_one()
    d = documents.c
    same_docs = sa.select(d.id).where(d.id != doc_id, (d.duplicate_of > "") if dup else sa.or_(d.duplicate_of.is_(None), d.duplicate_of == ""),
                                      _in_signature(d.id, collections.split(",")))
    q = sa.select(sa.func.min(E.date_start), sa.func.max(E.date_start)).where(
        *_where(events, ("source_actor_id", "source_country", "target_actor_id", "target_country"), (s_actor, s_country, t_actor, t_country)),
        E.negated.is_(negated), E.hypothetical.is_(hypothetical), E.document_id.in_(same_docs))
    lo, hi = conn.execute(q).one()
    conn.execute(summary_pairs.update().where(p.id == row_id).values(first=lo, last=hi))


def _in_signature(doc_id: Any, collections: list[str]) -> Any:
    """Documents whose set of collections is exactly ``collections`` (unlisted: ``default``)."""
    cd = collection_documents.c
    if collections == [DEFAULT_COLLECTION]:
        return doc_id.not_in(sa.select(cd.document_id).where(cd.collection_id != DEFAULT_COLLECTION))
    inside = sa.func.sum(sa.case((cd.collection_id.in_(collections), 1), else_=0))
    exact = sa.select(cd.document_id).group_by(cd.document_id).having(sa.func.count() == len(collections), inside == len(collections))
    return doc_id.in_(exact)


# ---------------------------------------------------------------- rebuild


def rebuild(conn: Connection, batch: int = 20_000) -> dict[str, int]:
    """Recompute every summary table from the events (after bulk loads); rows per table."""
    _lock(conn)
    _bump(conn)
    for t in (*(r.table for r in ROLLUPS), *(t for t, _, _ in NEW_ROLLUPS.values()), summary_documents, visibility_signatures):
        conn.execute(t.delete())
    cd = collection_documents.c
    listed: dict[str, list[str]] = {}
    for doc_id, coll in conn.execute(sa.select(cd.document_id, cd.collection_id)):
        listed.setdefault(doc_id, []).append(coll)
    sig_ids: dict[str, int] = {}

    def sig(key: str) -> int:
        if key not in sig_ids:
            sig_ids[key] = signature_id(conn, key)
        return sig_ids[key]

    doc_sig = {d: sig(signature_key(c)) for d, c in listed.items()}

    def sig_of(doc_id: str) -> int:  # created on first use: an empty store gets no signature
        found = doc_sig.get(doc_id)
        return found if found is not None else sig(DEFAULT_COLLECTION)
    d = documents.c
    dups: set[str] = set()
    doc_counts: dict[Key, int] = {}
    heads: dict[str, Key] = {}  # document → (signature, duplicate, published day)
    for doc_id, language, dup_of, day in conn.execute(sa.select(d.id, d.language, d.duplicate_of, d.published_start)):
        if dup_of:
            dups.add(doc_id)
        k = (sig_of(doc_id), bool(dup_of), language)
        doc_counts[k] = doc_counts.get(k, 0) + 1
        heads[doc_id] = (k[0], k[1], day)
    out: dict[str, dict[Key, Measures]] = {}
    # options on the statement: on the connection they would stay for the caller's later statements
    rows = conn.execute(sa.select(*(E[c] for c in EVENT_FIELDS)).execution_options(stream_results=True, yield_per=batch))
    for part in rows.partitions(batch):
        _aggregate(part, sig_of, dups.__contains__, out)
    counts = {"summary_documents": len(doc_counts)}
    new = _rebuild_new(conn, heads, batch)
    for name, (table, dims, measures) in NEW_ROLLUPS.items():
        acc = new.get(name, {})
        counts[table.name] = len(acc)
        cols = ("signature_id", "duplicate", "day", *dims, *measures)
        items = sorted(acc.items(), key=lambda kv: repr(kv[0]))
        for i in range(0, len(items), batch):
            conn.execute(table.insert(), [dict(zip(cols, (*k, *m))) for k, m in items[i : i + batch]])
    if doc_counts:
        conn.execute(summary_documents.insert(), [{"signature_id": s, "duplicate": u, "language": lang, "n": n}
                                                  for (s, u, lang), n in sorted(doc_counts.items(), key=repr)])
    for roll in ROLLUPS:
        acc = out.get(roll.table.name, {})
        counts[roll.table.name] = len(acc)
        names = roll.key_columns + roll.measures
        items = sorted(acc.items(), key=lambda kv: repr(kv[0]))  # same ids for the same store
        for i in range(0, len(items), batch):
            conn.execute(roll.table.insert(), [dict(zip(names, (*k, *m))) for k, m in items[i : i + batch]])
    return counts


def _rebuild_new(conn: Connection, heads: dict[str, Key], batch: int) -> dict[str, dict[Key, Measures]]:
    """New-since rows of every document, from its mentions, places and events in document order."""
    m, p = mentions.c, places.c
    per_doc: dict[str, list[list[Any]]] = {}
    queries = (
        sa.select(m.document_id, m.actor_id, m.name).where(m.actor_id.is_not(None)),
        sa.select(p.document_id, _PLACE_NAME, p.country),
        sa.select(E.document_id, E.type, E.mode).where(E.negated.is_(False), E.hypothetical.is_(False)),
    )
    for i, q in enumerate(queries):
        for part in conn.execute(q.execution_options(stream_results=True, yield_per=batch)).partitions(batch):
            for doc_id, a, b in part:
                per_doc.setdefault(doc_id, [[], [], []])[i].append((a, b))
    out: dict[str, dict[Key, Measures]] = {}
    for doc_id, (actor_names, place_names, types) in per_doc.items():
        _new_deltas(heads[doc_id], actor_names, place_names, types, out)
    return out
