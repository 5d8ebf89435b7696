"""event amounts and reported dates

Events gain ``date_reported`` (the publication date stands in for a date the sentence
does not give) and the money and counted things of their clause: ``amount``,
``currency`` (ISO 4217), ``amount_usd`` (only where the currency is USD), ``quantity`` and
``unit`` (docs/events.md, "Dates of events" and "Amounts"). Existing rows keep NULL:
they were analysed before these were read; ``horizonscan reanalyse`` fills them.

Revision ID: 0007_event_amounts
Revises: 0006_event_summary
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_event_amounts"
down_revision = "0006_event_summary"
branch_labels = None
depends_on = None

COLUMNS = (
    ("date_reported", sa.Boolean()),
    ("amount", sa.Float()),
    ("currency", sa.String(length=8)),
    ("amount_usd", sa.Float()),
    ("quantity", sa.Float()),
    ("unit", sa.String(length=40)),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("events", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
