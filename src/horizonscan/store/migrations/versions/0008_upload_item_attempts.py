"""upload item attempts

``upload_items.attempts`` counts how often a worker started an input. An input that was
started twice and never finished (the server died each time, e.g. killed by the system
for its memory) is marked skipped with E532 instead of being retried forever.

Revision ID: 0008_upload_item_attempts
Revises: 0007_event_amounts
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_upload_item_attempts"
down_revision = "0007_event_amounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("upload_items") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("upload_items") as batch:
        batch.drop_column("attempts")
