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


def has_document(engine: Engine, doc_id: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.select(documents.c.id).where(documents.c.id == doc_id)).first() is not None


def has_input(engine: Engine, input: str) -> bool:
    with engine.connect() as conn:
        q = sa.select(document_inputs.c.id).where(document_inputs.c.input == input).limit(1)
        return conn.execute(q).first() is not None


def stale_clause(current: str) -> Any:
    """Documents analysed by another analyser version than ``current``, or never analysed."""
    a = documents.c.analyser
    return sa.or_(a.is_(None), a != current)


def status(engine: Engine, analyser: str | None = None) -> dict[str, Any]:
    """Store counts; with ``analyser`` (the current version) also how many documents are stale."""
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
        n_stale = None if analyser is None else conn.execute(
            sa.select(sa.func.count()).select_from(documents).where(stale_clause(analyser))
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
        **({} if analyser is None else {"analyser": analyser, "stale": n_stale}),  # stale: reanalyse brings them up to date
        "failed": failed,
    }


def _rows(conn: sa.Connection, table: sa.Table, doc_id: str) -> list[dict[str, Any]]:
    cols = [c for c in table.c if c.name not in ("id", "document_id")]
    q = sa.select(*cols).where(table.c.document_id == doc_id).order_by(table.c.id)
    return [dict(r._mapping) for r in conn.execute(q)]


def resolve_id(conn: sa.Connection, doc_id: str) -> str | None:
    """The full id of a stored document from its id or a unique prefix (≥ 6 chars); E401 when ambiguous."""
    if conn.execute(sa.select(documents.c.id).where(documents.c.id == doc_id)).first() is not None:
        return doc_id
    if len(doc_id) < 6:
        return None
    like = doc_id.replace("%", "").replace("_", "") + "%"
    found = conn.execute(sa.select(documents.c.id).where(documents.c.id.like(like)).limit(2)).scalars().all()
    if len(found) > 1:
        raise HorizonscanError(f"E401 document id prefix {doc_id!r} is ambiguous")
    return found[0] if found else None


def document(engine: Engine, doc_id: str) -> StoredDocument | None:
    """A stored document with all its analysis; ``doc_id`` may be a unique prefix (≥ 6 chars)."""
    with engine.connect() as conn:
        full = resolve_id(conn, doc_id)
        row = None if full is None else conn.execute(sa.select(documents).where(documents.c.id == full)).first()
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
