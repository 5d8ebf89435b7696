"""query indexes

Composite indexes for the query layer (issue 6): each leads with the column a filter
most often fixes (event type, source country, target country), then the event date for
range filters, then the columns every default filter and timeline reads (date
precision, negated/hypothetical flags, document id for the near-duplicate rule), so
filtered counts and timelines are answered from the index alone (SQLite covering
index, PostgreSQL index-only scan). A (lat, lon) index serves the bounding-box
prefilter of radius and box searches.

Revision ID: 0003_query_indexes
Revises: 0002_accounts
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003_query_indexes"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None

TAIL = ["date_precision", "negated", "hypothetical", "document_id"]
INDEXES = {
    "ix_events_type_cover": ["type", "date_start", "source_country", "target_country", *TAIL],
    "ix_events_source_cover": ["source_country", "date_start", "type", "target_country", *TAIL],
    "ix_events_target_cover": ["target_country", "date_start", "type", "source_country", *TAIL],
    "ix_events_place_lat_lon": ["place_lat", "place_lon"],
}


def upgrade() -> None:
    for name, cols in INDEXES.items():
        op.create_index(name, "events", cols, unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="events")
