"""Replacing the analysis of stored documents (``horizonscan reanalyse``; docs/reanalyse.md).

``replace_analysis(engine, doc_id, analysis)`` swaps one document's mentions, places,
dates, themes, citations and events for ``analysis`` in one transaction and records the
analyser version that produced it. The document row (text, metadata, near-duplicate
link), its inputs, collections, MinHash signature, full-text row and audit history stay.
It reuses what deletion and the writer already do, in the same order:

- **summaries**: the document is taken out of the write-time summary tables before its
  rows change and added back after (``store.summary``); on PostgreSQL the first call
  takes the summary writers' advisory lock, so two runs replacing the same document
  queue up instead of interleaving. Each call moves the store generation (web caches);
- **event clusters**: clusters named after one of its old events are renamed after their
  first remaining event (``delete.release_clusters``), then the new events join clusters
  by the writer's rule (``writer.write_analysis``), as they would at ingest;
- **actors**: new ones are added by the writer; those only the old analysis named go;
- **failure notes**: a document that was stored without analysis loses its "stage
  analyse" failure rows once it has one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..records import Analysis, Document, Found
from . import summary
from .delete import ANALYSIS_TABLES, analysis_actor_ids, clear_analyse_failures, drop_unused_actors, release_clusters
from .read import resolve_id, stale_clause
from .schema import documents
from .writer import write_analysis


@dataclass(frozen=True)
class Replaced:
    id: str
    previous: str | None  # analyser version before
    removed: dict[str, int] = field(default_factory=dict)  # table -> old rows removed
    added: dict[str, int] = field(default_factory=dict)  # table -> new rows written
    renamed_clusters: dict[str, str] = field(default_factory=dict)  # old cluster id -> new


def select(engine: Engine, current: str, *, ids: Sequence[str] = (), everything: bool = False,
           limit: int | None = None) -> list[str]:
    """Ids to reanalyse, in ingest order (so clusters form as they did at ingest): ``ids``
    when given (full ids), else every document with ``everything``, else the stale ones."""
    d = documents.c
    q = sa.select(d.id).order_by(d.ingested_at, d.id)
    if ids:
        q = q.where(d.id.in_(sorted(set(ids))))
    elif not everything:
        q = q.where(stale_clause(current))
    if limit is not None:
        q = q.limit(limit)
    with engine.connect() as conn:
        return list(conn.execute(q).scalars())


def resolve(engine: Engine, given: Sequence[str]) -> tuple[list[str], list[str]]:
    """Full ids of ``given`` ids or unique prefixes, and those that name no document
    (E401 is raised for an ambiguous prefix)."""
    found: list[str] = []
    missing: list[str] = []
    with engine.connect() as conn:
        for doc_id in given:
            full = resolve_id(conn, doc_id)
            (missing if full is None else found).append(full or doc_id)
    return list(dict.fromkeys(found)), missing


def stored_document(engine: Engine, doc_id: str) -> Document | None:
    """A stored document as the ``Document`` ingest built: the stored text (every offset
    indexes it), published date, language and the rest of its metadata."""
    d = documents.c
    with engine.connect() as conn:
        row = conn.execute(sa.select(documents).where(d.id == doc_id)).first()
    if row is None:
        return None
    return Document(
        id=row.id, text=row.text, title=Found(row.title, row.title_how), published=Found(row.published, row.published_how),
        language=Found(row.language, row.language_how), author=Found(row.author, row.author_how), url=row.url, path=row.path,
        source=row.source, media_type=row.media_type, reader=row.reader, extra=dict(row.extra or {}),
    )


def replace_analysis(engine: Engine, doc_id: str, analysis: Analysis) -> Replaced | None:
    """Replace the stored analysis of ``doc_id`` with ``analysis`` in one transaction; None
    when the document is gone (deleted since it was selected)."""
    d = documents.c
    with engine.begin() as conn:
        previous = conn.execute(sa.select(d.analyser).where(d.id == doc_id)).first()
        if previous is None:
            return None
        summary.remove_document(conn, doc_id)  # first: before any row changes (and the lock on PostgreSQL)
        renamed = release_clusters(conn, doc_id)
        actor_ids = analysis_actor_ids(conn, doc_id)
        removed = {}
        for table in ANALYSIS_TABLES:
            n = conn.execute(table.delete().where(table.c.document_id == doc_id)).rowcount
            if n:
                removed[table.name] = int(n)
        write_analysis(conn, doc_id, analysis)
        drop_unused_actors(conn, actor_ids)
        conn.execute(documents.update().where(d.id == doc_id).values(analyser=analysis.analyser))
        clear_analyse_failures(conn, doc_id)
        summary.add_document(conn, doc_id)
    added = {name: len(rows) for name, rows in (("mentions", analysis.mentions), ("places", analysis.places),
                                                 ("time_expressions", analysis.dates), ("themes", analysis.themes),
                                                 ("citations", analysis.citations), ("events", analysis.events)) if rows}
    return Replaced(doc_id, previous.analyser, removed, added, renamed)
