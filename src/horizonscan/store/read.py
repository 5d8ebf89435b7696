"""Read paths of the store that return plain records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..errors import HorizonscanError
from .schema import (
    citations,
    document_inputs,
    documents,
    events,
    failures,
    mentions,
    places,
    themes,
    time_expressions,
)


@dataclass(frozen=True)
class StoredDocument:
    id: str
    title: str | None
    text: str
    language: str | None
    published: str | None
    url: str | None
    path: str | None
    source: str | None
    media_type: str
    reader: str
    analyser: str | None
    duplicate_of: str | None
    provenance: dict[str, str | None]
    inputs: list[str]
    mentions: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    themes: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class EventRow:
    id: int
    document_id: str
    type: str
    mode: str | None
    source_text: str | None
    source_actor_id: str | None
    source_country: str | None
    source_sector: str | None
    target_text: str | None
    target_actor_id: str | None
    target_country: str | None
    target_sector: str | None
    place_text: str | None
    place_lat: float | None
    place_lon: float | None
    place_country: str | None
    date_value: str | None
    date_precision: str | None
    sentence_start: int
    sentence_end: int
    negated: bool
    hypothetical: bool
    confidence: float
    cameo: str | None
    score: float
    cluster_id: str | None
    sentence: str = ""
    document_title: str | None = None


def has_document(engine: Engine, doc_id: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.select(documents.c.id).where(documents.c.id == doc_id)).first() is not None


def status(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        n_docs = conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one()
        n_near = conn.execute(
            sa.select(sa.func.count()).select_from(documents).where(documents.c.duplicate_of.is_not(None))
        ).scalar_one()
        n_inputs = conn.execute(sa.select(sa.func.count()).select_from(document_inputs)).scalar_one()
        n_events = conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
        n_unanalysed = conn.execute(
            sa.select(sa.func.count()).select_from(documents).where(documents.c.analyser.is_(None))
        ).scalar_one()
        failed = [
            {"input": r.input, "reason": r.reason, "stage": r.stage, "attempts": r.attempts}
            for r in conn.execute(sa.select(failures).order_by(failures.c.input))
        ]
    return {
        "documents": n_docs,
        "duplicates": n_near,  # near-duplicate documents linked to an original
        "inputs": n_inputs,  # every path/URL/feed entry that led to a document
        "events": n_events,
        "unanalysed": n_unanalysed,
        "failed": failed,
    }


def _rows(conn: sa.Connection, table: sa.Table, doc_id: str) -> list[dict[str, Any]]:
    cols = [c for c in table.c if c.name not in ("id", "document_id")]
    q = sa.select(*cols).where(table.c.document_id == doc_id).order_by(table.c.id)
    return [dict(r._mapping) for r in conn.execute(q)]


def document(engine: Engine, doc_id: str) -> StoredDocument | None:
    """A stored document with all its analysis; ``doc_id`` may be a unique prefix (≥ 6 chars)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(documents).where(documents.c.id == doc_id)).first()
        if row is None and len(doc_id) >= 6:
            like = doc_id.replace("%", "").replace("_", "") + "%"
            found = conn.execute(sa.select(documents).where(documents.c.id.like(like)).limit(2)).all()
            if len(found) > 1:
                raise HorizonscanError(f"E401 document id prefix {doc_id!r} is ambiguous")
            row = found[0] if found else None
        if row is None:
            return None
        inputs = [r.input for r in conn.execute(sa.select(document_inputs.c.input).where(document_inputs.c.document_id == row.id).order_by(document_inputs.c.id))]
        return StoredDocument(
            id=row.id,
            title=row.title,
            text=row.text,
            language=row.language,
            published=row.published,
            url=row.url,
            path=row.path,
            source=row.source,
            media_type=row.media_type,
            reader=row.reader,
            analyser=row.analyser,
            duplicate_of=row.duplicate_of,
            provenance={
                "title": row.title_how,
                "published": row.published_how,
                "language": row.language_how,
                "author": row.author_how,
            },
            inputs=inputs,
            mentions=_rows(conn, mentions, row.id),
            places=_rows(conn, places, row.id),
            dates=_rows(conn, time_expressions, row.id),
            themes=_rows(conn, themes, row.id),
            citations=_rows(conn, citations, row.id),
            events=_rows(conn, events, row.id),
        )


MAX_LIMIT = 10_000


def list_events(
    engine: Engine,
    *,
    type: str | None = None,
    actor: str | None = None,
    country: str | None = None,
    place: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    min_confidence: float = 0.0,
    include_negated: bool = False,
    limit: int = 1000,
) -> list[EventRow]:
    """Events filtered as ``horizonscan events`` offers; all values reach SQL as bound parameters."""
    e = events
    q = sa.select(events, documents.c.text.label("doc_text"), documents.c.title.label("doc_title")).join(
        documents, documents.c.id == e.c.document_id
    )
    if type:
        q = q.where(e.c.type == type.upper())
    if actor:
        q = q.where(sa.or_(e.c.source_actor_id == actor, e.c.target_actor_id == actor))
    if country:
        c = country.upper()
        q = q.where(sa.or_(e.c.source_country == c, e.c.target_country == c))
    if place:
        q = q.where(sa.or_(e.c.place_country == place.upper(), e.c.place_text == place))
    if date_from:
        q = q.where(e.c.date_start >= date_from)
    if date_to:
        q = q.where(e.c.date_start <= date_to)
    if min_confidence:
        q = q.where(e.c.confidence >= min_confidence)
    if not include_negated:
        q = q.where(e.c.negated.is_(False))
    q = q.order_by(e.c.date_start, e.c.document_id, e.c.sentence_start, e.c.id).limit(max(1, min(limit, MAX_LIMIT)))
    out = []
    with engine.connect() as conn:
        for r in conn.execute(q):
            m = r._mapping
            fields = {k: m[k] for k in EventRow.__dataclass_fields__ if k in m and k not in ("sentence", "document_title")}
            out.append(EventRow(**fields, sentence=m["doc_text"][m["sentence_start"] : m["sentence_end"]], document_title=m["doc_title"]))
    return out
