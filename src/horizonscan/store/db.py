"""Engine set-up, migrations and the ``Store`` facade."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..errors import StoreError
from ..records import Analysis, Document
from . import read, search, writer
from .schema import failures

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Accept a bare path as a SQLite file; map ``postgresql://`` to the psycopg 3 driver."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer; crash-safe
    cur.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints, safe with WAL
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # Reads map the file instead of copying pages through a 2 MB per-connection cache
    # (pooled connections keep both); measured in docs/web.md.
    cur.execute("PRAGMA mmap_size=1073741824")
    cur.execute("PRAGMA cache_size=-16384")
    cur.close()


def create_engine(url: str) -> Engine:
    url = normalise_url(url)
    try:
        if url.startswith("sqlite"):
            engine = sa.create_engine(url)
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StoreError(f"E301 cannot open database {url!r}: {exc}") from exc
    return engine


def limit_statements(engine: Engine, timeout_ms: int) -> None:
    """Stop every statement of ``engine`` that runs longer than ``timeout_ms`` (E415).

    The web app calls this, so no request, whatever its route, holds a worker and a
    connection for longer: PostgreSQL gets a session ``statement_timeout`` on each new
    connection; SQLite a progress handler armed before each statement (it also bounds the
    fetching of that statement's rows). Connections of ``queries.bounded`` keep their own,
    per-request limit (they mark themselves in ``conn.info``).
    """
    if engine.dialect.name == "postgresql":
        def _pg(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f"SET statement_timeout = {int(timeout_ms)}")
            cur.close()
            dbapi_conn.commit()  # outside a transaction, so a rollback keeps it

        sa.event.listen(engine, "connect", _pg)
        engine.dispose()  # pooled connections were opened before the listener
        return
    if engine.dialect.name != "sqlite":
        return
    from .queries import BOUNDED

    def _arm(conn: Any, *_args: Any) -> None:
        if conn.info.get(BOUNDED):
            return
        deadline = time.monotonic() + timeout_ms / 1000
        conn.connection.driver_connection.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 2000)

    def _disarm(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.set_progress_handler(None, 0)

    sa.event.listen(engine, "before_cursor_execute", _arm)
    sa.event.listen(engine, "checkin", _disarm)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic (idempotent)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class Store:
    """Facade over one database. Every method runs in its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    # ---------------------------------------------------------------- writes
    def write(self, doc: Document, analysis: Analysis | None, input: str, collections: Sequence[str] = (),
              scope: frozenset[str] | None = None) -> writer.WriteResult:
        return writer.write_document(self.engine, doc, analysis, input, collections, scope)

    def resolve_id(self, content_id: str, collections: Sequence[str] = (),
                   scope: frozenset[str] | None = None) -> tuple[str, bool]:
        """The id an upload of this text gets for an uploader reading ``scope``, and whether it exists."""
        with self.engine.connect() as conn:
            return writer.resolve_id(conn, content_id, collections, scope)

    def add_input(self, doc_id: str, input: str) -> None:
        with self.engine.begin() as conn:
            writer.add_input(conn, doc_id, input)

    def has_document(self, doc_id: str) -> bool:
        return read.has_document(self.engine, doc_id)

    def has_input(self, input: str) -> bool:
        """Whether some stored document came from ``input`` (a path, URL or feed entry)."""
        return read.has_input(self.engine, input)

    def record_failure(self, input: str, reason: str, stage: str) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(failures.c.attempts).where(failures.c.input == input)).first()
            if row is None:
                conn.execute(failures.insert().values(input=input, reason=reason, stage=stage, attempts=1, at=now))
            else:
                conn.execute(
                    failures.update()
                    .where(failures.c.input == input)
                    .values(reason=reason, stage=stage, attempts=row.attempts + 1, at=now)
                )

    def clear_failure(self, input: str) -> None:
        # Read first: most inputs never failed, and a read needs no write transaction.
        with self.engine.connect() as conn:
            if conn.execute(sa.select(failures.c.input).where(failures.c.input == input)).first() is None:
                return
        with self.engine.begin() as conn:
            conn.execute(failures.delete().where(failures.c.input == input))

    # ---------------------------------------------------------------- reads
    def generation(self) -> int:
        """Changes with every stored, moved or deleted document (see store/summary.py)."""
        from . import summary

        with self.engine.connect() as conn:
            return summary.generation(conn)

    def status(self) -> dict[str, Any]:
        from ..analysis.pipeline import ANALYSER_VERSION  # a constant; the module loads no model

        return read.status(self.engine, ANALYSER_VERSION)

    def search(self, query: str, **filters: Any) -> list[search.SearchHit]:
        return search.search(self.engine, query, **filters)

    def document(self, doc_id: str) -> read.StoredDocument | None:
        return read.document(self.engine, doc_id)

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str, migrate: bool = True) -> Store:
    """Open (and by default migrate) the store at ``url``."""
    engine = create_engine(url)
    try:
        if migrate:
            upgrade(engine)
    except sa.exc.OperationalError as exc:
        raise StoreError(f"E302 cannot open database {normalise_url(url)!r}: {exc.orig}") from exc
    return Store(engine)
