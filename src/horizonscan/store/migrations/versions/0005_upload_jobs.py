"""upload jobs

Uploads from the web workspace are analysed in the background: ``upload_jobs`` (one per
upload: owner, collection, state, progress, the worker processing it and its heartbeat)
and ``upload_items`` (one per file or URL with its result), as in store/schema.py.

Revision ID: 0005_upload_jobs
Revises: 0004_actor_indexes
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_upload_jobs"
down_revision = "0004_actor_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upload_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("spool", sa.Text(), nullable=False),
        sa.Column("analyse", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["collection_id"], ["collections.id"], name=op.f("fk_upload_jobs_collection_id_collections"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_upload_jobs_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_jobs")),
    )
    op.create_index(op.f("ix_upload_jobs_user_id"), "upload_jobs", ["user_id"], unique=False)
    op.create_index(op.f("ix_upload_jobs_status"), "upload_jobs", ["status"], unique=False)
    op.create_table(
        "upload_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("input", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["upload_jobs.id"], name=op.f("fk_upload_items_job_id_upload_jobs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_items")),
    )
    op.create_index(op.f("ix_upload_items_job_id"), "upload_items", ["job_id"], unique=False)
    op.create_index(op.f("ix_upload_items_document_id"), "upload_items", ["document_id"], unique=False)


def downgrade() -> None:
    op.drop_table("upload_items")
    op.drop_table("upload_jobs")
