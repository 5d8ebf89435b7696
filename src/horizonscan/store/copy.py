"""``horizonscan db copy``: move a store between databases (SQLite ⇄ PostgreSQL), losslessly.

Every table of ``schema.metadata`` is copied. The whole copy is one transaction of the
target: a copy that fails (a row the target cannot store, e.g. a NUL character on
PostgreSQL: E309) or is interrupted leaves the target as it was, never half-written
(issue 14). Documents are read in batches, each with the rows derived from it
(mentions, events, …), so memory stays bounded. A target created by the copy keeps its
migrated, empty schema after a failure; running the copy again starts afresh. The full-text
index is rebuilt in the target (FTS5 rows on SQLite; the GIN expression index maintains
itself on PostgreSQL), PostgreSQL sequences are moved past the copied ids, and timestamps
are carried in UTC.

Modes:

* default: the target must hold no documents or failures; ids are kept, so the copy
  is row-for-row identical (rows the migrations seed, e.g. the "default" collection,
  take the source's values).
* ``append``: documents already in the target (same content id) are skipped with
  everything derived from them; new rows of integer-keyed document tables get ids past
  the target's (cluster ids follow); keyed tables (actors, failures, …) merge by key;
  integer-keyed tables with no document link (accounts, audit log) are not merged.
  Running the same append twice adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError
from .db import create_engine, current_revision, upgrade
from . import summary
from .schema import documents, events, failures, metadata

UTC = dt.timezone.utc
Progress = Callable[[str, int], None]  # (table, rows just copied)


@dataclass
class CopyReport:
    copied: dict[str, int] = field(default_factory=dict)  # rows written per table
    skipped: dict[str, int] = field(default_factory=dict)  # rows already in the target, or not merged
    fts_rows: int = 0
    seconds: float = 0.0


def _doc_linked(table: sa.Table) -> bool:
    return any(fk.column.table is documents and fk.parent.name == "document_id" for fk in table.foreign_keys)


def _int_pk(table: sa.Table) -> sa.Column[Any] | None:
    pk = list(table.primary_key.columns)
    if len(pk) == 1 and isinstance(pk[0].type, sa.Integer) and pk[0].autoincrement in (True, "auto"):
        return pk[0]
    return None


def _value(value: Any, to_sqlite: bool) -> Any:
    if isinstance(value, dt.datetime):
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.replace(tzinfo=None) if to_sqlite else aware  # SQLite keeps UTC, naive
    return value


def _rows(rows: Iterable[Any], to_sqlite: bool) -> list[dict[str, Any]]:
    return [{k: _value(v, to_sqlite) for k, v in r._mapping.items()} for r in rows]


def _utc(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SET TIME ZONE 'UTC'"))


def _existing(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    """Primary keys among ``rows`` that the target already has."""
    pk = list(table.primary_key.columns)
    if not rows:
        return set()
    if len(pk) == 1:
        keys = sorted({r[pk[0].name] for r in rows})
        found: set[tuple[Any, ...]] = set()
        for i in range(0, len(keys), 1000):
            found |= {(v,) for (v,) in conn.execute(sa.select(pk[0]).where(pk[0].in_(keys[i : i + 1000])))}
        return found
    cond = sa.tuple_(*pk).in_([tuple(r[c.name] for c in pk) for r in rows])
    return {tuple(r) for r in conn.execute(sa.select(*pk).where(cond))}


def _pk(table: sa.Table, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c.name] for c in table.primary_key.columns)


def copy_store(
    src_url: str, dst_url: str, *, append: bool = False, batch: int = 2000, progress: Progress | None = None
) -> CopyReport:
    """Copy the store at ``src_url`` into ``dst_url`` (migrated first); see the module doc."""
    t0 = time.perf_counter()
    src, dst = create_engine(src_url), create_engine(dst_url)
    try:
        return _copy(src, dst, append, max(1, batch), progress or (lambda _t, _n: None), t0)
    finally:
        src.dispose()
        dst.dispose()


def _copy(src: Engine, dst: Engine, append: bool, batch: int, progress: Progress, t0: float) -> CopyReport:
    try:
        src_rev = current_revision(src)
        upgrade(dst)
    except sa.exc.OperationalError as exc:
        raise StoreError(f"E302 cannot open database: {str(exc.orig).splitlines()[0]}") from exc
    dst_rev = current_revision(dst)
    if src_rev != dst_rev:
        raise StoreError(
            f"E305 source schema is at revision {src_rev}, target at {dst_rev}: run `horizonscan --db SOURCE db upgrade` first"
        )
    to_sqlite = dst.dialect.name == "sqlite"
    report = CopyReport()
    tables = metadata.sorted_tables
    linked = [t for t in tables if _doc_linked(t)]
    first = [t for t in tables if t is not documents and t not in linked]
    try:
        # one transaction for everything: a failure anywhere rolls the target back whole
        with dst.begin() as dconn:
            _utc(dconn)
            busy = any(dconn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in (documents, failures))
            if busy and not append:
                raise StoreError("E304 target store is not empty; use --append to add the documents it lacks")
            offsets: dict[str, int] = {}
            if append:
                for t in linked:
                    col = _int_pk(t)
                    if col is not None:
                        offsets[t.name] = int(dconn.execute(sa.select(sa.func.coalesce(sa.func.max(col), 0))).scalar_one())
            for table in first:
                _copy_table(src, dconn, table, append, batch, to_sqlite, report, progress)
            _copy_documents(src, dconn, linked, offsets, batch, to_sqlite, report, progress, append)
            if dst.dialect.name == "postgresql":
                for t in tables:
                    col = _int_pk(t)
                    if col is not None:
                        dconn.execute(sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{t.name}', '{col.name}'), m) "
                            f"FROM (SELECT max({col.name}) AS m FROM {t.name}) s WHERE m IS NOT NULL"
                        ))
    except sa.exc.DBAPIError as exc:
        first_line = (str(getattr(exc, "orig", exc)).strip().splitlines() or [type(exc).__name__])[0]
        raise StoreError(f"E309 copy failed, the target is unchanged: {first_line}") from exc
    report.seconds = time.perf_counter() - t0
    return report


def _storable(table: sa.Table, rows: list[dict[str, Any]], to_sqlite: bool) -> None:
    """Refuse, naming the row, a NUL character bound for PostgreSQL (its text type cannot hold
    one; SQLite can, and older stores took them from upload names): E309, before any write."""
    if to_sqlite:
        return
    for r in rows:
        for k, v in r.items():
            if isinstance(v, str) and "\x00" in v:
                key = ", ".join(f"{c}={r[c]!r}" for c in (c.name for c in table.primary_key.columns))
                raise StoreError(
                    f"E309 copy failed, the target is unchanged: {table.name} row ({key}) has a NUL character in "
                    f"{k!r}, which PostgreSQL cannot store; remove it in the source and copy again"
                )


def _copy_table(
    src: Engine, dconn: Connection, table: sa.Table, append: bool, batch: int, to_sqlite: bool, report: CopyReport, progress: Progress
) -> None:
    """A table without documents in its keys: streamed in key order, existing keys kept."""
    report.copied.setdefault(table.name, 0)
    with src.connect() as sconn:
        _utc(sconn)
        result = sconn.execution_options(stream_results=True, yield_per=batch).execute(
            sa.select(table).order_by(*table.primary_key.columns)
        )
        for part in result.partitions(batch):
            rows = _rows(part, to_sqlite)
            if append and _int_pk(table) is not None:
                report.skipped[table.name] = report.skipped.get(table.name, 0) + len(rows)  # accounts are not merged
                continue
            _storable(table, rows, to_sqlite)
            have = _existing(dconn, table, rows)
            new = [r for r in rows if _pk(table, r) not in have]
            if new:
                dconn.execute(table.insert(), new)
            if not append:  # rows the migrations seeded (e.g. the default collection) take the source's values
                for r in rows:
                    if _pk(table, r) in have:
                        match = [c == r[c.name] for c in table.primary_key.columns]
                        dconn.execute(table.update().where(*match).values(**r))
            report.copied[table.name] += len(new) if append else len(rows)
            if have and append:
                report.skipped[table.name] = report.skipped.get(table.name, 0) + len(have)
            progress(table.name, len(new))


def _copy_documents(
    src: Engine, dconn: Connection, linked: list[sa.Table], offsets: dict[str, int], batch: int, to_sqlite: bool,
    report: CopyReport, progress: Progress, append: bool = False,
) -> None:
    """Documents in batches, each with its derived rows and FTS rows, on the copy's one
    transaction (``dconn``).

    A new copy takes the summary tables as they are (copied like any table); appended
    documents are added to the target's own summary."""
    for t in [documents, *linked]:
        report.copied.setdefault(t.name, 0)
    ev_offset = offsets.get(events.name, 0)
    with src.connect() as sconn, src.connect() as child_conn:
        _utc(sconn)
        _utc(child_conn)
        result = sconn.execution_options(stream_results=True, yield_per=batch).execute(sa.select(documents).order_by(documents.c.id))
        for part in result.partitions(batch):
            docs = _rows(part, to_sqlite)
            have = {k for (k,) in _existing(dconn, documents, docs)}
            docs = [d for d in docs if d["id"] not in have]
            if have:
                report.skipped["documents"] = report.skipped.get("documents", 0) + len(have)
            if not docs:
                continue
            _storable(documents, docs, to_sqlite)
            ids = [d["id"] for d in docs]
            dconn.execute(documents.insert(), docs)
            if to_sqlite:
                dconn.execute(
                    sa.text("INSERT INTO documents_fts(document_id, title, text) VALUES (:id, :title, :text)"),
                    [{"id": d["id"], "title": d["title"] or "", "text": d["text"]} for d in docs],
                )
                report.fts_rows += len(docs)
            report.copied["documents"] += len(docs)
            progress("documents", len(docs))
            for t in linked:
                order = list(t.primary_key.columns)
                rows = _rows(child_conn.execute(sa.select(t).where(t.c.document_id.in_(ids)).order_by(*order)), to_sqlite)
                col = _int_pk(t)
                off = offsets.get(t.name, 0)
                _storable(t, rows, to_sqlite)
                if col is not None and off:
                    for r in rows:
                        r[col.name] += off
                if t is events and ev_offset:
                    for r in rows:
                        c = r["cluster_id"]
                        if c and c.startswith("ev") and c[2:].isdigit():
                            r["cluster_id"] = f"ev{int(c[2:]) + ev_offset}"
                if rows:
                    dconn.execute(t.insert(), rows)
                report.copied[t.name] += len(rows)
            if append:
                for doc_id in ids:
                    summary.add_document(dconn, doc_id)
