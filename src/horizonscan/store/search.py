"""Full-text search: FTS5 (bm25) on SQLite, tsvector (ts_rank) on PostgreSQL.

User queries are parsed here into the backend's syntax from plain words,
"quoted phrases", OR, and -excluded words; nothing the user types reaches the
database except as a bound parameter or a quoted FTS string.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import HorizonscanError
from ..records import Record
from .schema import documents

HL_START, HL_END = "⟦", "⟧"  # highlight markers in snippets; the present layer styles them
MAX_LIMIT = 1000
# Broad queries are ranked among the newest RANK_AMONG matching documents only (ingest
# order: the FTS rowid on SQLite, ``ingested_at, id`` on PostgreSQL, the same order for
# documents written by ingest). Queries with fewer matches are ranked exactly as without
# the bound. None: rank every match. See docs/query.md ("Search ranking bound").
RANK_AMONG: int | None = 1000
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass(frozen=True, slots=True)
class SearchHit(Record):
    """One ranked hit; the query layer returns it as ``query.SearchResult`` (the same class)."""

    id: str
    title: str | None
    published: str | None
    language: str | None
    source: str | None
    snippet: str
    rank: float


def like_literal(text: str) -> str:
    """``text`` for a LIKE pattern with its own ``%``, ``_`` and ``\\`` taken literally
    (use with ``escape="\\"``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# A query is cut into at most this many distinct words (after repeated words and
# phrases are dropped): each term costs the full-text index a posting-list walk, and
# 500 copies of one word held a worker for minutes (issue 14). More is refused (E413).
MAX_TERMS = 32


class TooManyTerms(HorizonscanError):
    """A search with more words than MAX_TERMS once repeats are dropped; nothing was sent
    to the database (the query layer answers it as a validation error, E413)."""


@dataclass(frozen=True)
class ParsedQuery:
    """A user query as OR-alternatives of ANDed terms (each term a tuple of words, a
    phrase when longer than one) and excluded terms, repeats removed."""

    alternatives: tuple[tuple[tuple[str, ...], ...], ...]
    excluded: tuple[tuple[str, ...], ...]

    @property
    def words(self) -> int:
        return sum(len(t) for alt in self.alternatives for t in alt) + sum(len(t) for t in self.excluded)


def parse_query(query: str, max_terms: int | None = MAX_TERMS) -> ParsedQuery:
    """Words and "phrases" are ANDed, ``OR`` between two of them is kept (it binds more
    loosely than AND, as in FTS5 and tsquery), ``-word`` excludes. A term repeated within
    an alternative, an alternative repeated before the last one and a repeated exclusion
    mean nothing more, so they are dropped; the meaning is unchanged. Raises
    ``TooManyTerms`` (E413) when more than ``max_terms`` words remain."""
    alternatives: list[list[tuple[str, ...]]] = [[]]
    excluded: list[tuple[str, ...]] = []
    for m in _TOKEN.finditer(query):
        neg, phrase, word = m.group(1), m.group(2), m.group(3)
        if word == "OR":
            if alternatives[-1]:
                alternatives.append([])
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            neg, word = "-", word[1:]
        terms = tuple(re.findall(r"\w+", phrase if phrase is not None else word or ""))
        if not terms:
            continue
        target = excluded if neg else alternatives[-1]
        if terms not in target:
            target.append(terms)
    while alternatives and not alternatives[-1]:
        alternatives.pop()
    # exclusions bind to the last alternative (as FTS5's NOT and tsquery's ! do), so only
    # the alternatives before it may be merged with their equals
    kept: list[tuple[tuple[str, ...], ...]] = []
    for alt in alternatives[:-1]:
        if tuple(alt) not in kept:
            kept.append(tuple(alt))
    if alternatives:
        kept.append(tuple(alternatives[-1]))
    parsed = ParsedQuery(tuple(kept), tuple(excluded) if kept else ())
    if max_terms is not None and parsed.words > max_terms:
        raise TooManyTerms(f"E413 a search may have at most {max_terms} words once repeats are dropped "
                           f"(this one has {parsed.words}); leave some out")
    return parsed


def fts5_query(query: str) -> str:
    """Translate a user query into a safe FTS5 expression.

    Every term is emitted as a quoted FTS5 string, so FTS syntax characters typed by
    the user are inert. Returns "" when nothing is searchable.
    """
    parsed = parse_query(query)
    if not parsed.alternatives:
        return ""  # FTS5 cannot match on exclusions alone
    positive = " OR ".join(" ".join('"' + " ".join(t) + '"' for t in alt) for alt in parsed.alternatives)
    return positive + "".join(' NOT "' + " ".join(t) + '"' for t in parsed.excluded)


def websearch_query(query: str) -> str:
    """The same query for PostgreSQL's ``websearch_to_tsquery``: quoted terms, ``or``,
    ``-"excluded"``, so both backends parse what the user typed the same way."""
    parsed = parse_query(query)
    if not parsed.alternatives:
        return ""
    positive = " or ".join(" ".join('"' + " ".join(t) + '"' for t in alt) for alt in parsed.alternatives)
    return positive + "".join(' -"' + " ".join(t) + '"' for t in parsed.excluded)


def search(
    engine: Engine,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    date_from: str | None = None,
    date_to: str | None = None,
    language: str | None = None,
    source: str | None = None,
    include_duplicates: bool = False,
    scope: "frozenset[str] | set[str] | None" = None,
    timeout_ms: int | None = None,
) -> list[SearchHit]:
    """Ranked hits; with ``timeout_ms`` every statement runs on a connection of the query
    layer's time bound (E415), as every request's does."""
    # NUL cannot travel in PostgreSQL text; it means nothing in a query anyway.
    query = (query or "").replace("\x00", "")
    source = source.replace("\x00", "") if source else source
    language = language.replace("\x00", "") if language else language
    if not query.strip():
        raise HorizonscanError("E402 empty search query")
    limit = max(1, min(int(limit), MAX_LIMIT))
    d = documents.c
    filters = []
    if date_from:
        filters.append(d.published_start >= date_from)
    if date_to:
        filters.append(d.published_start <= date_to)
    if language:
        filters.append(d.language == language.lower())
    if source:
        # Case-insensitive substring on both backends (SQLite's LIKE ignores ASCII case, PostgreSQL's does not).
        pattern = "%" + like_literal(source.lower()) + "%"
        filters.append(
            sa.or_(*(sa.func.lower(col).like(pattern, escape="\\") for col in (d.source, d.url, d.path)))
        )
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise HorizonscanError(f"E403 full-text search is not available on {engine.dialect.name}")
    parse_query(query)  # too many words: refused before a connection is opened
    with _connection(engine, timeout_ms) as conn:
        if engine.dialect.name == "sqlite":
            return _search_sqlite(conn, query, filters, _id_filters(include_duplicates, scope), limit, offset)
        return _search_pg(conn, query, filters + _id_filters(include_duplicates, scope)(d.id), limit, offset)


@contextmanager
def _connection(engine: Engine, timeout_ms: int | None) -> Iterator[Connection]:
    if timeout_ms is None:
        with engine.connect() as conn:
            yield conn
        return
    from .queries import bounded  # the query layer's bound: statement_timeout / progress handler

    with bounded(engine, timeout_ms) as conn:
        yield conn


def _id_filters(include_duplicates: bool, scope: "frozenset[str] | set[str] | None") -> Callable[[Any], list[Any]]:
    """Conditions on a document id column: not a near-duplicate copy (unless asked), readable in ``scope``.

    Written on the id alone (small NOT IN lists through the duplicate_of index and the
    collection tables), so SQLite can rank FTS hits without reading a document row each."""
    from .accounts import scope_clause

    def on(doc_id: Any) -> list[Any]:
        out = []
        if not include_duplicates:  # ">= ''" is "IS NOT NULL" through the index
            out.append(doc_id.not_in(sa.select(documents.c.id).where(documents.c.duplicate_of >= "")))
        visible = scope_clause(doc_id, frozenset(scope) if scope is not None else None)
        if visible is not None:
            out.append(visible)
        return out

    return on


def _search_sqlite(conn: Connection, query: str, filters: list, id_filters: Callable[[Any], list[Any]],  # type: ignore[type-arg]
                   limit: int, offset: int) -> list[SearchHit]:
    """Rank first, on the FTS table alone when no filter needs document columns, then read
    titles and snippets for the page's rows only (a document row is large: reading one per
    match cost 3-4 times the ranking).

    bm25 cannot stop early, so a broad query is ranked among its newest ``RANK_AMONG``
    matches only: the rowid of the RANK_AMONG-th newest match (FTS5 walks the match in
    rowid order without ranking and stops there) bounds the ranked query by a rowid range."""
    expr = fts5_query(query)
    if not expr:
        return []
    fts = sa.table("documents_fts", sa.column("rowid"), sa.column("document_id"), sa.column("title"), sa.column("text"))
    match = sa.literal_column("documents_fts").op("MATCH")(expr)
    rank = sa.literal_column("bm25(documents_fts, 0.0, 5.0, 1.0)")
    src: Any = fts.join(documents, documents.c.id == fts.c.document_id) if filters else fts
    where = [match, *filters, *id_filters(fts.c.document_id)]
    d = documents.c
    snippet = sa.func.snippet(sa.literal_column("documents_fts"), 2, HL_START, HL_END, "…", 24)
    if RANK_AMONG is not None:
        cut = conn.execute(sa.select(fts.c.rowid).select_from(src).where(*where)
                           .order_by(fts.c.rowid.desc()).limit(1).offset(RANK_AMONG - 1)).scalar()
        if cut is not None:  # at least RANK_AMONG matches: rank the newest only
            where.append(fts.c.rowid >= cut)
    q = (
        sa.select(fts.c.rowid, fts.c.document_id, rank.label("rank"))
        .select_from(src)
        .where(*where)
        .order_by(rank, fts.c.document_id)
        .limit(limit)
        .offset(offset)
    )
    ranked = conn.execute(q).all()
    if not ranked:
        return []
    rowids = [r.rowid for r in ranked]
    snippets = dict(conn.execute(sa.select(fts.c.rowid, snippet).where(match, fts.c.rowid.in_(rowids))).all())
    docs = {r.id: r for r in conn.execute(sa.select(d.id, d.title, d.published, d.language, d.source)
                                              .where(d.id.in_([r.document_id for r in ranked])))}
    return [SearchHit(r.document_id, docs[r.document_id].title, docs[r.document_id].published, docs[r.document_id].language,
                      docs[r.document_id].source, snippets[r.rowid], float(r.rank)) for r in ranked]


PG_DOC = "to_tsvector('simple', coalesce(documents.title, '') || ' ' || documents.text)"


def _search_pg(conn: Connection, query: str, filters: list, limit: int, offset: int) -> list[SearchHit]:  # type: ignore[type-arg]
    text = websearch_query(query)
    if not text:
        return []
    tsq = sa.func.websearch_to_tsquery("simple", text)
    vec = sa.literal_column(PG_DOC)
    rank = sa.func.ts_rank(vec, tsq)
    head = sa.func.ts_headline(
        "simple", documents.c.text, tsq, f"StartSel={HL_START}, StopSel={HL_END}, MaxWords=35, MinWords=15, MaxFragments=1"
    )
    d = documents.c
    where = [vec.op("@@")(tsq), *filters]
    if RANK_AMONG is not None:
        # the same bound as on SQLite: rank only the newest RANK_AMONG matches (fewer: all of them)
        newest = sa.select(d.id).where(*where).order_by(d.ingested_at.desc(), d.id.desc()).limit(RANK_AMONG)
        where = [d.id.in_(newest.scalar_subquery())]
    q = (
        sa.select(d.id, d.title, d.published, d.language, d.source, head.label("snippet"), rank.label("rank"))
        .where(*where)
        .order_by(rank.desc(), d.id)
        .limit(limit)
        .offset(offset)
    )
    return [SearchHit(r.id, r.title, r.published, r.language, r.source, r.snippet, -float(r.rank)) for r in conn.execute(q)]
