"""covering index for event pages filtered by type and target country

A page of events ordered by date (``find_events``: ``ORDER BY date_start NULLS FIRST, id``)
with a type and a few target countries (say AID to Central Asia) had no index holding
both filter columns and the event id: PostgreSQL fetched every event of the type from
the table (about 100,000 rows on the 1M-event benchmark store), filtered the countries
there and only then sorted, 150-220 ms. Led by (type, target country) and carrying the
date, the id and what the default filters read, the page is an index-only range scan of
the matching events and a top-N sort of them (about 12 ms on that store). Timelines and
counts of the same pair read it too.

Revision ID: 0009_type_target_index
Revises: 0008_upload_item_attempts
Create Date: 2026-12-14
"""

from __future__ import annotations

from alembic import op

revision = "0009_type_target_index"
down_revision = "0008_upload_item_attempts"
branch_labels = None
depends_on = None

NAME = "ix_events_type_target_cover"
COLUMNS = ["type", "target_country", "date_start", "id", "date_precision", "negated", "hypothetical", "document_id"]


def upgrade() -> None:
    op.create_index(NAME, "events", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index(NAME, table_name="events")
