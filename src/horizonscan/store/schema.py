"""Table definitions (SQLAlchemy Core). The Alembic migrations create exactly these.

One schema for SQLite and PostgreSQL. Full-text search lives beside it in
dialect-specific objects (an FTS5 table on SQLite, a tsvector column with a GIN
index on PostgreSQL), created by the migrations and used only by ``store.search``.
Dates are kept as ISO strings (``2020``, ``2020-03``, ``2020-03-30``) plus a
``*_start`` ISO day for range filters, so partial dates sort and filter the same
way on both backends.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _doc_fk() -> Column:  # type: ignore[type-arg]
    return Column("document_id", String(32), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True)


documents = Table(
    "documents",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", Text),
    Column("title_how", String(64)),
    Column("text", Text, nullable=False),
    Column("language", String(8), index=True),
    Column("language_how", String(64)),
    Column("published", String(40)),  # ISO date or datetime as found
    Column("published_how", String(64)),
    Column("published_start", String(10), index=True),  # first day covered (YYYY-MM-DD) for range filters
    Column("author", Text),
    Column("author_how", String(64)),
    Column("url", Text),
    Column("path", Text),
    Column("source", Text, index=True),
    Column("media_type", String(80), nullable=False),
    Column("reader", String(40), nullable=False),
    Column("extra", JSON, nullable=False, default=dict),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("analyser", String(40)),  # None: stored without analysis (see failures)
    Column("duplicate_of", String(32), index=True),  # near-duplicate of this original
    Column("similarity", Float),
)

# Every input that led to a document (paths, URLs, feed entries): provenance, and how
# re-ingesting the same content from elsewhere is recorded without a new document.
document_inputs = Table(
    "document_inputs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("input", Text, nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Index("ix_document_inputs_input", "input"),
)

failures = Table(
    "failures",
    metadata,
    Column("input", String(2048), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("stage", String(20), nullable=False),  # read, fetch, analyse, store
    Column("attempts", Integer, nullable=False, default=1),
    Column("at", DateTime(timezone=True), nullable=False),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", String(16), nullable=False),
    Column("actor_id", String(120), index=True),
    Column("country", String(3), index=True),
    Column("kind", String(20)),
    Column("sector", String(8)),
    Column("name", Text),
    Column("confidence", Float, nullable=False),
)

actors = Table(
    "actors",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("kind", String(20)),
    Column("name", Text),
    Column("country", String(3), index=True),
    Column("sector", String(8)),
)

places = Table(
    "places",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("name", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", String(3), index=True),
    Column("geonames_id", Integer, index=True),
    Column("feature", String(20)),
    Column("confidence", Float, nullable=False),
)

time_expressions = Table(
    "time_expressions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("value", String(64), nullable=False),
    Column("precision", String(16), nullable=False),
    Column("type", String(10), nullable=False),
    Column("mod", String(12)),
    Column("anchored", Boolean, nullable=False),
)

themes = Table(
    "themes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("scheme", String(20), nullable=False),
    Column("label", String(40), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("score", Float, nullable=False),
)

citations = Table(
    "citations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("marker", String(16), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("outlet", Text),
    Column("title", Text),
    Column("date", String(10)),
    Column("url", Text),
    Column("cited_start", Integer),
    Column("cited_end", Integer),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("type", String(16), nullable=False, index=True),
    Column("mode", String(24)),
    Column("source_text", Text),
    Column("source_actor_id", String(120)),  # indexed below (migration 0004)
    Column("source_country", String(3), index=True),
    Column("source_sector", String(8)),
    Column("target_text", Text),
    Column("target_actor_id", String(120)),  # indexed below (migration 0004)
    Column("target_country", String(3), index=True),
    Column("target_sector", String(8)),
    Column("speaker_text", Text),
    Column("speaker_actor_id", String(120)),
    Column("place_text", Text),
    Column("place_lat", Float),
    Column("place_lon", Float),
    Column("place_country", String(3), index=True),
    Column("place_geonames_id", Integer),
    Column("date_value", String(64)),
    Column("date_precision", String(16)),
    Column("date_text", Text),
    Column("date_start", String(10), index=True),  # first day covered, for range filters
    # True: no date in the sentence, the document's publication date stands in (migration 0007).
    Column("date_reported", Boolean),
    Column("sentence_start", Integer, nullable=False),
    Column("sentence_end", Integer, nullable=False),
    Column("trigger", Text),
    Column("negated", Boolean, nullable=False),
    Column("hypothetical", Boolean, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("cameo", String(8)),
    Column("score", Float, nullable=False),
    Column("cluster_id", String(40), index=True),  # same real-world event across documents
    Column("coder", String(40)),
    # Money and counted things of the event's clause (analysis/amounts.py; migration 0007):
    # amount in currency (ISO 4217), amount_usd only where the currency is USD.
    Column("amount", Float),
    Column("currency", String(8)),
    Column("amount_usd", Float),
    Column("quantity", Float),
    Column("unit", String(40)),
    # Query indexes (migration 0003): filter column, date, then what default filters and
    # timelines read, so counts and timelines are answered from the index alone.
    *(
        Index(f"ix_events_{name}_cover", lead, "date_start", *rest, "date_precision", "negated", "hypothetical", "document_id")
        for name, lead, rest in (
            ("type", "type", ("source_country", "target_country")),
            ("source", "source_country", ("type", "target_country")),
            ("target", "target_country", ("type", "source_country")),
        )
    ),
    Index("ix_events_place_lat_lon", "place_lat", "place_lon"),  # bounding-box prefilter of geo searches
    # Migration 0004: one covering index per actor side, so "actor on either side" runs as
    # two index-only halves and top actors counts each side in index order; the target
    # side carries the source actor to leave out events counted on the source side.
    # And (type, source country) together, the pair timelines most often fix.
    Index("ix_events_source_actor_cover", "source_actor_id", "date_start", "date_precision", "type", "negated", "hypothetical", "document_id"),
    Index("ix_events_target_actor_cover", "target_actor_id", "date_start", "date_precision", "type", "negated", "hypothetical", "document_id",
          "source_actor_id"),
    Index("ix_events_type_source_cover", "type", "source_country", "date_start", "date_precision", "negated", "hypothetical", "document_id",
          "target_country"),
    # Migration 0008: (type, target country) with the event id, so a date-ordered page of
    # events of a type towards a few countries is an index-only scan of just those events
    # and a top-N sort; without the id PostgreSQL read every event of the type from the table.
    Index("ix_events_type_target_cover", "type", "target_country", "date_start", "id", "date_precision", "negated", "hypothetical",
          "document_id"),
)

# Near-duplicate detection: a MinHash signature per document and its LSH band keys.
minhashes = Table(
    "minhashes",
    metadata,
    Column("document_id", String(32), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)

lsh_bands = Table(
    "lsh_bands",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _doc_fk(),
    Column("band", Integer, nullable=False),
    Column("key", String(16), nullable=False),
    Index("ix_lsh_bands_band_key", "band", "key"),
)

# --------------------------------------------------------------------------- accounts (web issue)
# Users, sessions, API tokens, collections and the audit log; SQL in store/accounts.py.

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id, PHC string
    Column("role", String(16), nullable=False),  # admin, editor, scanner, reader
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the cookie value; the value itself is never stored
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the token
    Column("prefix", String(16), nullable=False),  # first characters, to recognise a token in lists
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

collections = Table(
    "collections",
    metadata,
    Column("id", String(64), primary_key=True),  # slug, e.g. "default", "bishkek-team"
    Column("name", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

collection_grants = Table(
    "collection_grants",
    metadata,
    Column("collection_id", String(64), ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("access", String(8), nullable=False),  # read, write (write includes read)
)

# A document is in the collections listed here; one listed nowhere is in "default".
collection_documents = Table(
    "collection_documents",
    metadata,
    Column("collection_id", String(64), ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True),
    Column("document_id", String(32), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("user_name", String(64)),  # None: anonymous
    Column("action", String(32), nullable=False),  # login, login-failed, logout, grant, revoke, upload, export, delete, ...
    Column("target", Text),
    Column("detail", JSON, nullable=False, default=dict),
    Column("ip", String(64)),
)

# --------------------------------------------------------------------------- upload jobs (web issue #7)
# Uploads are analysed in the background: a job per upload, one item per file or URL.
# The state lives here so any web worker can answer a poll and a restarted server can
# resume unfinished jobs (SQL in store/jobs.py).
upload_jobs = Table(
    "upload_jobs",
    metadata,
    Column("id", String(32), primary_key=True),  # random hex, unguessable
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("collection_id", String(64), ForeignKey("collections.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(12), nullable=False, index=True),  # queued, running, done
    Column("spool", Text, nullable=False),  # folder holding the saved files
    Column("analyse", Boolean, nullable=False),
    Column("total", Integer, nullable=False),
    Column("processed", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("claimed_by", String(64)),  # the worker processing it
    Column("heartbeat_at", DateTime(timezone=True)),  # a running job without a recent heartbeat is resumed
)

upload_items = Table(
    "upload_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(32), ForeignKey("upload_jobs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(8), nullable=False),  # file, url
    Column("name", Text, nullable=False),  # file name or URL as given
    Column("input", Text),  # saved path (files) or URL; None when refused at upload time
    Column("status", String(16), nullable=False),  # queued, added, duplicate, near-duplicate, skipped, deleted
    Column("document_id", String(32), index=True),  # no foreign key: set to None when the document is deleted
    Column("title", Text),
    Column("reason", Text),  # "E### message" when skipped
    Column("finished_at", DateTime(timezone=True)),
    # times a worker started this input; one started twice and never finished (its server
    # died each time) is not tried again (migration 0007, docs/workers.md)
    Column("attempts", Integer, nullable=False, server_default="0"),
)

# --------------------------------------------------------------------------- event summary (issue #7, migration 0006)
# Counts of events maintained at write time (store/summary.py), so whole-corpus aggregates
# read thousands of rows instead of a million. Rows are keyed by the *visibility signature*
# of their document (the set of collections it is in; "default" when listed nowhere), so a
# document counts in exactly one signature and a scope reads the signatures it intersects.
# Each summary table is one roll-up: the common key columns below plus its own dimensions;
# ``period`` is the first day of the event's month (or year) when ``date_start`` is a
# calendar day, else ``date_start`` itself, so date filters aligned to the grain stay exact.

visibility_signatures = Table(
    "visibility_signatures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("collections", Text, nullable=False, unique=True),  # sorted collection ids joined by ","
)


def _summary(name: str, grain: str | None, dims: list[Column], extra: tuple[Column, ...] = (), *,  # type: ignore[type-arg]
             index: tuple[tuple[str, ...], ...]) -> Table:
    dated = [Column("period", String(10)), Column("date_precision", String(16))] if grain else []
    return Table(
        f"summary_{name}",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("signature_id", Integer, nullable=False),
        Column("duplicate", Boolean, nullable=False),  # events of near-duplicate copies
        Column("negated", Boolean, nullable=False),
        Column("hypothetical", Boolean, nullable=False),
        *dated,
        *dims,
        Column("n", Integer, nullable=False),
        Column("score", Float, nullable=False),  # sum of events.score, for mean scores
        *extra,
        *(Index(f"ix_summary_{name}_{i}", *cols) for i, cols in enumerate(index)),
    )


summary_types = _summary("types", "month", [Column("type", String(16), nullable=False), Column("mode", String(24))],
                         index=(("type", "period"),))
summary_source_countries = _summary("source_countries", "month", [Column("type", String(16), nullable=False),
                                                                   Column("source_country", String(3))],
                                    index=(("source_country", "type", "period"),))
summary_target_countries = _summary("target_countries", "month", [Column("type", String(16), nullable=False),
                                                                   Column("target_country", String(3))],
                                    index=(("target_country", "type", "period"),))
# Per actor and side ("source"/"target"); ``n_once`` leaves out target-side events whose
# source is the same actor, so "actor on either side" counts each event once.
summary_actors = _summary("actors", "year", [Column("actor_id", String(120), nullable=False), Column("side", String(6), nullable=False)],
                          (Column("n_once", Integer, nullable=False),), index=(("actor_id", "period"),))
summary_actor_totals = _summary("actor_totals", None, [Column("actor_id", String(120), nullable=False),
                                                       Column("side", String(6), nullable=False)],
                                (Column("n_once", Integer, nullable=False),), index=(("actor_id",),))
# Source→target pairs for networks, with the first and last event day.
summary_pairs = _summary("pairs", None, [Column("source_actor_id", String(120)), Column("source_country", String(3)),
                                         Column("target_actor_id", String(120)), Column("target_country", String(3))],
                         (Column("first", String(10)), Column("last", String(10))),
                         index=(("source_actor_id", "target_actor_id"), ("target_actor_id",), ("source_country", "target_country")))
summary_places = _summary("places", None, [Column("type", String(16), nullable=False), Column("place_text", Text, nullable=False),
                                           Column("place_country", String(3)), Column("place_lat", Float), Column("place_lon", Float),
                                           Column("place_geonames_id", Integer)],
                          index=(("type", "place_text"),))

# Documents per signature, duplicate flag and language (the dashboard's document count).
summary_documents = Table(
    "summary_documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("signature_id", Integer, nullable=False),
    Column("duplicate", Boolean, nullable=False),
    Column("language", String(8)),
    Column("n", Integer, nullable=False),
    Index("ix_summary_documents_signature_id", "signature_id", "language"),
)

# What new-since compares (docs/query.md), by the document's published day: documents
# mentioning an actor (``n`` per name the actor was mentioned by, ``n_docs`` once per
# document, on its first name, so names stay exact labels), documents naming a place,
# and events (neither negated nor hypothetical) per type and mode.
summary_new_actors = Table(
    "summary_new_actors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("signature_id", Integer, nullable=False),
    Column("duplicate", Boolean, nullable=False),
    Column("day", String(10)),
    Column("actor_id", String(120), nullable=False),
    Column("name", Text),
    Column("n", Integer, nullable=False),
    Column("n_docs", Integer, nullable=False),
    Index("ix_summary_new_actors_day", "day", "actor_id"),
)
summary_new_places = Table(
    "summary_new_places",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("signature_id", Integer, nullable=False),
    Column("duplicate", Boolean, nullable=False),
    Column("day", String(10)),
    Column("name", Text, nullable=False),
    Column("country", String(3)),
    Column("n", Integer, nullable=False),
    Index("ix_summary_new_places_day", "day", "name"),
)
summary_new_types = Table(
    "summary_new_types",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("signature_id", Integer, nullable=False),
    Column("duplicate", Boolean, nullable=False),
    Column("day", String(10)),
    Column("type", String(16), nullable=False),
    Column("mode", String(24)),
    Column("n", Integer, nullable=False),
    Index("ix_summary_new_types_day", "day", "type"),
)

# One row: bumped by every summary change (store/summary.py), so caches of aggregates
# (web/routes/common.cached) know a write happened without waiting for their time limit.
store_generation = Table(
    "store_generation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("value", Integer, nullable=False),
)
