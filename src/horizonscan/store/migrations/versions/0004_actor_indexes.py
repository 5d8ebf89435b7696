"""actor and timeline covering indexes

Covering indexes for the queries 0003 left slow (docs/query.md, Performance): one per
actor side, led by the actor id, then the event date and what counts and timelines read
(date precision, type, negated/hypothetical flags, document id); the target-side index
also carries the source actor, so the "actor on either side" filter runs as two
index-only halves (source side; target side with a different source) and top actors
counts each side in index order. They replace the single-column actor-id indexes of
0001. A (type, source country, date, ...) index serves timelines that fix both, which
SQLite's average-only statistics would otherwise answer from the skewed source-country
index.

Revision ID: 0004_actor_indexes
Revises: 0003_query_indexes
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0004_actor_indexes"
down_revision = "0003_query_indexes"
branch_labels = None
depends_on = None

TAIL = ["date_start", "date_precision", "type", "negated", "hypothetical", "document_id"]
INDEXES = {
    "ix_events_source_actor_cover": ["source_actor_id", *TAIL],
    "ix_events_target_actor_cover": ["target_actor_id", *TAIL, "source_actor_id"],
    "ix_events_type_source_cover": ["type", "source_country", "date_start", "date_precision", "negated", "hypothetical",
                                    "document_id", "target_country"],
}
REPLACED = {"ix_events_source_actor_id": ["source_actor_id"], "ix_events_target_actor_id": ["target_actor_id"]}


def upgrade() -> None:
    for name, cols in INDEXES.items():
        op.create_index(name, "events", cols, unique=False)
    for name in REPLACED:
        op.drop_index(name, table_name="events")


def downgrade() -> None:
    for name, cols in REPLACED.items():
        op.create_index(name, "events", cols, unique=False)
    for name in INDEXES:
        op.drop_index(name, table_name="events")
