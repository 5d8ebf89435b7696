"""Deleting a document and everything derived from it, in one transaction (both backends).

``delete_document(conn, doc_id, ...)`` removes the document, its inputs, mentions,
places, dates, themes, citations, events, near-duplicate signature and band keys, its
full-text row (SQLite's FTS5 table; PostgreSQL's index follows the table), its
collection membership, the note that its analysis failed (if it did), and actors nobody
mentions any more; upload results that
named it keep their line without the link. It also keeps what other documents share
with it consistent:

- **near-duplicates**: copies point at their root original (``duplicate_of``), never at
  another copy. When the root is deleted, its earliest copy becomes the new root and
  the other copies are re-pointed to it when their estimated similarity to it still
  reaches the threshold, or become originals themselves otherwise;
- **event clusters**: a cluster is named after its first event (``ev{id}``); when that
  event goes, the cluster's remaining events are renamed after their own first event,
  so a later event that reuses the id (SQLite reuses the largest rowid) cannot join a
  cluster by accident;
- **summaries**: ``summaries_before_delete`` / ``summaries_after_delete`` keep the
  write-time summary tables (``store.summary``) right, in the same transaction: the
  document and its re-linked copies are taken out before anything changes, the copies
  added back after;
- **audit**: the deletion is written to the audit log in the same transaction, so no
  document disappears without its audit row.

``store.reanalyse`` replaces a document's analysis with the same pieces
(``ANALYSIS_TABLES``, ``release_clusters``, ``drop_unused_actors``,
``clear_analyse_failures``), so both keep clusters and actors alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import neardup, summary
from .schema import (
    actors,
    audit_log,
    citations,
    collection_documents,
    document_inputs,
    documents,
    events,
    failures,
    lsh_bands,
    mentions,
    minhashes,
    places,
    themes,
    time_expressions,
    upload_items,
)

# Rows the analyser derived from a document (replaced by ``store.reanalyse``).
ANALYSIS_TABLES = (mentions, places, time_expressions, themes, citations, events)
# Rows that belong to one document (removed with it).
DOCUMENT_TABLES = (*ANALYSIS_TABLES, minhashes, lsh_bands, document_inputs, collection_documents)


@dataclass
class Deleted:
    id: str
    title: str | None
    collections: list[str]
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows removed
    new_root: str | None = None  # copy promoted to original in place of the deleted root
    repointed: list[str] = field(default_factory=list)  # copies now pointing at new_root
    detached: list[str] = field(default_factory=list)  # copies that became originals
    renamed_clusters: dict[str, str] = field(default_factory=dict)  # old cluster id -> new


def summaries_before_delete(conn: Connection, deleted: str, relinked: list[str]) -> None:
    """Before any row changes: take the deleted document and the copies about to change
    their ``duplicate_of`` out of the write-time summary tables."""
    for doc_id in (deleted, *relinked):
        summary.remove_document(conn, doc_id)


def summaries_after_delete(conn: Connection, relinked: list[str]) -> None:
    """After the copies were re-pointed or detached: add them back."""
    for doc_id in relinked:
        summary.add_document(conn, doc_id)


def delete_document(conn: Connection, doc_id: str, *, user_name: str | None, ip: str | None = None,
                    via: str = "web") -> Deleted | None:
    """Delete one document (exact id) on an open transaction; None when it does not exist."""
    d = documents.c
    doc = conn.execute(sa.select(d.id, d.title, d.duplicate_of).where(d.id == doc_id)).first()
    if doc is None:
        return None
    colls = sorted(conn.execute(sa.select(collection_documents.c.collection_id)
                                .where(collection_documents.c.document_id == doc_id)).scalars())
    out = Deleted(doc_id, doc.title, colls or ["default"])
    copies = list(conn.execute(sa.select(d.id).where(d.duplicate_of == doc_id).order_by(d.ingested_at, d.id)).scalars())
    summaries_before_delete(conn, doc_id, copies)
    _relink_copies(conn, doc_id, doc.duplicate_of, copies, out)
    summaries_after_delete(conn, copies)
    out.renamed_clusters = release_clusters(conn, doc_id)
    actor_ids = analysis_actor_ids(conn, doc_id)
    n = clear_analyse_failures(conn, doc_id)
    if n:
        out.rows["failures"] = n
    for table in DOCUMENT_TABLES:
        n = conn.execute(table.delete().where(table.c.document_id == doc_id)).rowcount
        if n:
            out.rows[table.name] = n
    if conn.dialect.name == "sqlite":
        n = conn.execute(sa.text("DELETE FROM documents_fts WHERE document_id = :id"), {"id": doc_id}).rowcount
        if n:
            out.rows["documents_fts"] = n
    conn.execute(upload_items.update().where(upload_items.c.document_id == doc_id).values(document_id=None))
    conn.execute(documents.delete().where(d.id == doc_id))
    out.rows["documents"] = 1
    gone = drop_unused_actors(conn, actor_ids)
    if gone:
        out.rows["actors"] = len(gone)
    conn.execute(audit_log.insert().values(
        at=dt.datetime.now(dt.timezone.utc), user_name=user_name, action="delete", target=doc_id, ip=ip,
        detail={"title": (doc.title or "")[:200], "collections": out.collections, "via": via, "rows": out.rows,
                **({"new_root": out.new_root} if out.new_root else {})}))
    return out


def delete_documents(engine: Engine, doc_ids: list[str], *, user_name: str | None, ip: str | None = None,
                     via: str = "web") -> list[Deleted | None]:
    """Delete documents, each in its own transaction (one failure leaves the others done)."""
    results = []
    for doc_id in doc_ids:
        with engine.begin() as conn:
            results.append(delete_document(conn, doc_id, user_name=user_name, ip=ip, via=via))
    return results


def _relink_copies(conn: Connection, doc_id: str, parent: str | None, copies: list[str], out: Deleted) -> None:
    d = documents.c
    if not copies:
        return
    if parent is not None:  # a copy has no copies of its own; if it had, hand them to its root
        conn.execute(documents.update().where(d.duplicate_of == doc_id).values(duplicate_of=parent))
        out.repointed = copies
        return
    root, rest = copies[0], copies[1:]
    conn.execute(documents.update().where(d.id == root).values(duplicate_of=None, similarity=None))
    out.new_root = root
    sigs = {r.document_id: neardup.from_bytes(r.signature) for r in conn.execute(
        sa.select(minhashes.c.document_id, minhashes.c.signature).where(minhashes.c.document_id.in_(copies)))}
    for copy in rest:
        sim = neardup.similarity(sigs[copy], sigs[root]) if copy in sigs and root in sigs else 0.0
        if sim >= neardup.THRESHOLD:
            conn.execute(documents.update().where(d.id == copy).values(duplicate_of=root, similarity=sim))
            out.repointed.append(copy)
        else:
            conn.execute(documents.update().where(d.id == copy).values(duplicate_of=None, similarity=None))
            out.detached.append(copy)


def clear_analyse_failures(conn: Connection, doc_id: str) -> int:
    """Remove the "stored without analysis" notes about a document (stage ``analyse`` of its
    inputs; read or fetch failures of the same inputs stay); how many."""
    inputs = list(conn.execute(sa.select(document_inputs.c.input).where(document_inputs.c.document_id == doc_id)).scalars())
    if not inputs:
        return 0
    return int(conn.execute(failures.delete().where(failures.c.input.in_(inputs), failures.c.stage == "analyse")).rowcount)


def release_clusters(conn: Connection, doc_id: str) -> dict[str, str]:
    """Before a document's events go: clusters named after one of them are renamed after
    their first remaining event (another document's); old cluster id -> new."""
    e = events.c
    renamed: dict[str, str] = {}
    clusters = set(conn.execute(sa.select(e.cluster_id).where(e.document_id == doc_id, e.cluster_id.is_not(None))).scalars())
    for cluster in sorted(clusters):
        first = conn.execute(sa.select(sa.func.min(e.id)).where(e.cluster_id == cluster, e.document_id != doc_id)).scalar()
        if first is None:
            continue  # only this document's events: they go with it
        new = f"ev{first}"
        if new != cluster:
            conn.execute(events.update().where(e.cluster_id == cluster, e.document_id != doc_id).values(cluster_id=new))
            renamed[cluster] = new
    return renamed


def analysis_actor_ids(conn: Connection, doc_id: str) -> set[str]:
    """Actors a document's mentions and events refer to (candidates for removal once they go)."""
    e, m = events.c, mentions.c
    ids = set(conn.execute(sa.select(m.actor_id).where(m.document_id == doc_id, m.actor_id.is_not(None))).scalars())
    for col in (e.source_actor_id, e.target_actor_id, e.speaker_actor_id):
        ids |= set(conn.execute(sa.select(col).where(e.document_id == doc_id, col.is_not(None))).scalars())
    return ids


def drop_unused_actors(conn: Connection, candidates: set[str]) -> list[str]:
    """Delete the candidate actors no mention or event refers to any more; their ids."""
    gone = _unused_actors(conn, candidates)
    if gone:
        conn.execute(actors.delete().where(actors.c.id.in_(gone)))
    return gone


def _unused_actors(conn: Connection, candidates: set[str]) -> list[str]:
    """Candidates no remaining mention or event refers to."""
    if not candidates:
        return []
    e, m = events.c, mentions.c
    ids = sorted(candidates)
    used: set[Any] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        used |= set(conn.execute(sa.select(m.actor_id).where(m.actor_id.in_(chunk)).distinct()).scalars())
        for col in (e.source_actor_id, e.target_actor_id, e.speaker_actor_id):
            used |= set(conn.execute(sa.select(col).where(col.in_(chunk)).distinct()).scalars())
    return [a for a in ids if a not in used]
