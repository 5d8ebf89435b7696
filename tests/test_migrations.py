"""Alembic migrations create exactly the schema in store/schema.py, on both backends."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from horizonscan.store.db import create_engine, current_revision, upgrade
from horizonscan.store.schema import metadata


def test_migrations_match_schema(store_url: str) -> None:
    engine = create_engine(store_url)
    upgrade(engine)
    upgrade(engine)  # idempotent
    assert current_revision(engine) is not None
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    # the full-text objects are dialect-specific and intentionally outside the metadata
    diff = [d for d in diff if "fts" not in repr(d)]
    assert diff == []
    inspector = sa.inspect(engine)
    if engine.dialect.name == "sqlite":
        assert "documents_fts" in inspector.get_table_names()
    else:
        assert "ix_documents_fts" in {i["name"] for i in inspector.get_indexes("documents")}
    engine.dispose()
