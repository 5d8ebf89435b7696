"""Alembic environment: run migrations on the connection horizonscan hands over."""

from __future__ import annotations

from alembic import context

from horizonscan.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when alembic's own CLI is used
    raise RuntimeError("run migrations through `horizonscan db upgrade`")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
