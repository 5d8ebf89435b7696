"""Atomic, idempotent writes: a document and everything derived from it commit together."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from typing import Any, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError
from ..records import Analysis, Document, Event, Found
from . import neardup, summary
from .accounts import DEFAULT_COLLECTION
from .schema import (
    actors,
    citations,
    collection_documents,
    document_inputs,
    documents,
    events,
    lsh_bands,
    mentions,
    minhashes,
    places,
    themes,
    time_expressions,
)

# Events of the same type between the same actors, at the same place (country),
# whose dates start within this many days of each other are one real-world event.
CLUSTER_WINDOW_DAYS = 7


# How many collection-private copies of one text may exist for one set of target
# collections (each a fresh id, see ``resolve_id``); one is the rule, more only when the
# earlier copy was moved out of the uploader's sight.
MAX_PRIVATE_COPIES = 8


@dataclass(frozen=True)
class WriteResult:
    status: str  # "added" or "duplicate"
    document_id: str
    near_duplicate_of: str | None = None


def iso_start(value: str | None) -> str | None:
    """First day covered by an ISO-ish date value (``2020`` → ``2020-01-01``), else None."""
    if not value or len(value) < 4 or not value[:4].isdigit():
        return None
    year = value[:4]
    rest = value[4:]
    if len(rest) >= 3 and rest[0] == "-" and rest[1:3].isdigit():
        month = rest[1:3]
        if len(rest) >= 6 and rest[3] == "-" and rest[4:6].isdigit():
            return f"{year}-{month}-{rest[4:6]}"
        return f"{year}-{month}-01"
    if rest.startswith("-Q") and rest[2:3] in "1234" and rest[2:3]:
        return f"{year}-{(int(rest[2]) - 1) * 3 + 1:02d}-01"
    return f"{year}-01-01"


def add_input(conn: Connection, doc_id: str, input: str) -> None:
    exists = conn.execute(
        sa.select(document_inputs.c.id).where(document_inputs.c.document_id == doc_id, document_inputs.c.input == input)
    ).first()
    if exists is None:
        conn.execute(document_inputs.insert().values(document_id=doc_id, input=input, seen_at=_now()))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def private_id(content_id: str, collections: Sequence[str], n: int) -> str:
    """The id of the ``n``-th collection-private copy of a text (16 hex digits, like a content id)."""
    domain = ",".join(sorted(set(collections))) or DEFAULT_COLLECTION
    return hashlib.sha256(f"{content_id}\x1f{domain}\x1f{n}".encode()).hexdigest()[:16]


def resolve_id(conn: Connection, content_id: str, collections: Sequence[str] = (),
               scope: frozenset[str] | None = None) -> tuple[str, bool]:
    """The id an upload of this text gets, and whether that document exists already.

    Content identity is global, visibility is not (docs/security.md): the stored document
    with the content id is this upload's duplicate only when the uploader's ``scope`` (None:
    everything) may read it. Otherwise the upload becomes a document of its own, under an
    id derived from the content id and the target collections, so that nothing tells the
    uploader another collection holds the text and nothing of theirs is attached to it.
    Deterministic: the same upload into the same collections finds its own copy again.
    """
    from .accounts import scope_clause

    for n in range(MAX_PRIVATE_COPIES):
        doc_id = content_id if n == 0 else private_id(content_id, collections, n)
        if conn.execute(sa.select(documents.c.id).where(documents.c.id == doc_id)).first() is None:
            return doc_id, False
        visible = scope_clause(documents.c.id, scope)
        if visible is None or conn.execute(sa.select(documents.c.id).where(documents.c.id == doc_id, visible)).first():
            return doc_id, True
    raise StoreError(f"E308 too many private copies of document {content_id} in {','.join(collections) or DEFAULT_COLLECTION}")


def write_document(engine: Engine, doc: Document, analysis: Analysis | None, input: str,
                   collections: Sequence[str] = (), scope: frozenset[str] | None = None) -> WriteResult:
    """Insert ``doc`` with its analysis in one transaction; a known id only records the input.

    ``collections``: put a new document in these collections in the same transaction (an
    upload into a private collection is never visible in ``default``, not even for a moment).
    ``scope``: the collections the uploader may read (None: all). A stored document the
    uploader may not read is never this upload's duplicate or near-duplicate original
    (``resolve_id``, ``_near_duplicate``); the result's ``document_id`` is the id written.
    """
    sig = neardup.signature(doc.text)
    with engine.begin() as conn:
        doc_id, exists = resolve_id(conn, doc.id, collections, scope)
        if exists:
            add_input(conn, doc_id, input)
            return WriteResult("duplicate", doc_id)
        doc = replace(doc, id=doc_id)
        original, sim = _near_duplicate(conn, sig, collections) if sig is not None else (None, None)
        if original is not None:
            doc = _not_later_than(conn, doc, original)
        conn.execute(documents.insert().values(**_document_row(doc, analysis, original, sim)))
        add_input(conn, doc.id, input)
        for collection in sorted(set(collections)):
            conn.execute(collection_documents.insert().values(collection_id=collection, document_id=doc.id))
        if sig is not None:
            conn.execute(minhashes.insert().values(document_id=doc.id, signature=neardup.to_bytes(sig)))
            conn.execute(lsh_bands.insert(), [{"document_id": doc.id, "band": b, "key": k} for b, k in neardup.band_keys(sig)])
        if conn.dialect.name == "sqlite":
            conn.execute(
                sa.text("INSERT INTO documents_fts(document_id, title, text) VALUES (:id, :title, :text)"),
                {"id": doc.id, "title": doc.title.value or "", "text": doc.text},
            )
        if analysis is not None:
            write_analysis(conn, doc.id, analysis)
        summary.add_document(conn, doc.id)  # same transaction: the counts never disagree with the rows
    return WriteResult("added", doc.id, original)


def _not_later_than(conn: Connection, doc: Document, original: str) -> Document:
    """A near-duplicate copy dated after its original takes the original's date.

    A copy of an article cannot have been written after the article; a later date on a
    copy is the date of the copy (a file printed or saved again, a repost), and one such
    date would stretch every "latest" window to the day of the reprint. An earlier or
    equal date is the copy's own evidence and is kept; so is an undated original.
    """
    row = conn.execute(sa.select(documents.c.published, documents.c.published_start)
                       .where(documents.c.id == original)).first()
    if row is None or row.published_start is None:
        return doc
    start = iso_start(doc.published.value)
    if start is not None and start <= row.published_start:
        return doc
    return replace(doc, published=Found(row.published, f"near-duplicate:{original}"))


def _no_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL; readers drop it from text, metadata may still carry it."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def _document_row(doc: Document, analysis: Analysis | None, original: str | None, sim: float | None) -> dict[str, Any]:
    row = {
        "id": doc.id,
        "title": doc.title.value,
        "title_how": doc.title.how,
        "text": doc.text,
        "language": doc.language.value,
        "language_how": doc.language.how,
        "published": doc.published.value,
        "published_how": doc.published.how,
        "published_start": iso_start(doc.published.value),
        "author": doc.author.value,
        "author_how": doc.author.how,
        "url": doc.url,
        "path": doc.path,
        "source": doc.source,
        "media_type": doc.media_type,
        "reader": doc.reader,
        "extra": doc.extra,
        "ingested_at": _now(),
        "analyser": analysis.analyser if analysis is not None else None,
        "duplicate_of": original,
        "similarity": sim,
    }
    return {k: _no_nul(v) for k, v in row.items()}


def _visible_to(conn: Connection, doc_id: str, target: set[str]) -> bool:
    """Whether every reader of the ``target`` collections may read ``doc_id``: it is in each
    of them (a document in no collection is in ``default``)."""
    listed = set(conn.execute(sa.select(collection_documents.c.collection_id)
                              .where(collection_documents.c.document_id == doc_id)).scalars())
    return target <= (listed or {DEFAULT_COLLECTION})


def _near_duplicate(conn: Connection, sig: Any, collections: Sequence[str] = ()) -> tuple[str | None, float | None]:
    """The stored original this signature nearly duplicates, if any.

    Only originals every reader of the new document's collections may read count: a copy
    is hidden behind its original in searches and counts, so a link to a document of
    another collection would hide the uploader's own document and tell them the other's id.
    """
    target = set(collections) or {DEFAULT_COLLECTION}
    keys = set(neardup.band_keys(sig))
    rows = conn.execute(
        sa.select(lsh_bands.c.document_id, lsh_bands.c.band, lsh_bands.c.key).where(lsh_bands.c.key.in_(sorted(k for _, k in keys)))
    )
    candidates = sorted({r.document_id for r in rows if (r.band, r.key) in keys})
    best: tuple[float, str] | None = None
    for cand in candidates:
        row = conn.execute(sa.select(minhashes.c.signature).where(minhashes.c.document_id == cand)).first()
        if row is None:
            continue
        sim = neardup.similarity(sig, neardup.from_bytes(row.signature))
        if sim < neardup.THRESHOLD or (best is not None and sim <= best[0]):
            continue
        # Link to the root original, never to another copy; both must be visible.
        root = conn.execute(sa.select(documents.c.duplicate_of).where(documents.c.id == cand)).scalar() or cand
        if _visible_to(conn, cand, target) and _visible_to(conn, root, target):
            best = (sim, root)
    if best is None:
        return None, None
    return best[1], best[0]


def _rows(table: sa.Table, doc_id: str, records: Any) -> list[dict[str, Any]]:
    """Records as rows of ``table`` (fields the table lacks are not stored)."""
    cols = set(table.c.keys())
    return [{"document_id": doc_id, **{k: v for k, v in r.to_dict().items() if k in cols}} for r in records]


def write_analysis(conn: Connection, doc_id: str, a: Analysis) -> None:
    """Insert everything ``a`` found in a stored document, new actors, and event clusters."""
    for table, records in (
        (mentions, a.mentions),
        (places, a.places),
        (time_expressions, a.dates),
        (themes, a.themes),
        (citations, a.citations),
    ):
        if records:
            conn.execute(table.insert(), _rows(table, doc_id, records))
    _upsert_actors(conn, a)
    for ev in a.events:
        row = _event_row(doc_id, ev, a.analyser)
        new_id = conn.execute(events.insert().values(**row)).inserted_primary_key[0]
        cluster = _find_cluster(conn, row) or f"ev{new_id}"
        conn.execute(events.update().where(events.c.id == new_id).values(cluster_id=cluster))


def _upsert_actors(conn: Connection, a: Analysis) -> None:
    seen: dict[str, dict[str, Any]] = {}
    for m in a.mentions:
        if m.actor_id and m.actor_id not in seen:
            seen[m.actor_id] = {"id": m.actor_id, "kind": m.kind, "name": m.name or m.text, "country": m.country, "sector": m.sector}
    if not seen:
        return
    known = {r.id for r in conn.execute(sa.select(actors.c.id).where(actors.c.id.in_(list(seen))))}
    new = [row for key, row in sorted(seen.items()) if key not in known]
    if new:
        conn.execute(actors.insert(), new)


def _event_row(doc_id: str, ev: Event, coder: str) -> dict[str, Any]:
    src, tgt, spk, pl, d = ev.source, ev.target, ev.speaker, ev.place, ev.date
    return {
        "document_id": doc_id,
        "type": ev.type,
        "mode": ev.mode,
        "source_text": src.text if src else None,
        "source_actor_id": src.actor_id if src else None,
        "source_country": src.country if src else None,
        "source_sector": src.sector if src else None,
        "target_text": tgt.text if tgt else None,
        "target_actor_id": tgt.actor_id if tgt else None,
        "target_country": tgt.country if tgt else None,
        "target_sector": tgt.sector if tgt else None,
        "speaker_text": spk.text if spk else None,
        "speaker_actor_id": spk.actor_id if spk else None,
        "place_text": pl.text if pl else None,
        "place_lat": pl.lat if pl else None,
        "place_lon": pl.lon if pl else None,
        "place_country": pl.country if pl else None,
        "place_geonames_id": pl.geonames_id if pl else None,
        "date_value": d.value if d else None,
        "date_precision": d.precision if d else None,
        "date_text": d.text if d else None,
        "date_start": iso_start(d.value) if d else None,
        "date_reported": d.reported if d else None,
        "sentence_start": ev.sentence_start,
        "sentence_end": ev.sentence_end,
        "trigger": ev.trigger,
        "negated": ev.negated,
        "hypothetical": ev.hypothetical,
        "confidence": ev.confidence,
        "cameo": ev.cameo,
        "score": ev.score,
        "coder": coder,
        "amount": ev.amount,
        "currency": ev.currency,
        "amount_usd": ev.amount_usd,
        "quantity": ev.quantity,
        "unit": ev.unit,
    }


def _actor_key(row: dict[str, Any], side: str) -> Any:
    return row[f"{side}_actor_id"] or row[f"{side}_country"]


def _find_cluster(conn: Connection, row: dict[str, Any]) -> str | None:
    """Cluster rule (docs/events.md): same type, same source and target (actor id, else
    country), same place country when both know it, dates within CLUSTER_WINDOW_DAYS,
    reported by a *different* document; negated/hypothetical events never cluster."""
    if row["negated"] or row["hypothetical"] or not row["date_start"]:
        return None
    src, tgt = _actor_key(row, "source"), _actor_key(row, "target")
    if src is None or tgt is None:
        return None
    day = dt.date.fromisoformat(row["date_start"])
    lo = (day - dt.timedelta(days=CLUSTER_WINDOW_DAYS)).isoformat()
    hi = (day + dt.timedelta(days=CLUSTER_WINDOW_DAYS)).isoformat()
    e = events.c
    q = (
        sa.select(e.cluster_id, e.place_country)
        .where(
            e.type == row["type"],
            e.document_id != row["document_id"],
            e.cluster_id.is_not(None),
            e.negated.is_(False),
            e.hypothetical.is_(False),
            e.date_start.between(lo, hi),
            e.date_precision == row["date_precision"],
            sa.func.coalesce(e.source_actor_id, e.source_country) == src,
            sa.func.coalesce(e.target_actor_id, e.target_country) == tgt,
        )
        .order_by(e.id)
    )
    for r in conn.execute(q):
        if row["place_country"] is None or r.place_country is None or r.place_country == row["place_country"]:
            return str(r.cluster_id)
    return None
