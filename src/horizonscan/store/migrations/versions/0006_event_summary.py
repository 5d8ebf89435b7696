"""event summary tables

Counts of events maintained at write time (store/summary.py): visibility signatures (the
set of collections a document is in) and one table per roll-up (by type, by source and
target country, by actor and side per year and in total, by source→target pair, by
place), documents per signature, and what new-since compares per published day
(documents per actor and per place, events per type); and a store generation counter
that every summary change bumps (caches of aggregates compare it). The tables are filled from the stored events here,
so an existing store answers from them at once.

Revision ID: 0006_event_summary
Revises: 0005_upload_jobs
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_event_summary"
down_revision = "0005_upload_jobs"
branch_labels = None
depends_on = None

S, T, I, F, B = sa.String, sa.Text, sa.Integer, sa.Float, sa.Boolean


def _summary(name: str, dated: bool, dims: list[sa.Column], extra: list[sa.Column], index: list[list[str]]) -> None:  # type: ignore[type-arg]
    op.create_table(
        f"summary_{name}",
        sa.Column("id", I, primary_key=True, autoincrement=True),
        sa.Column("signature_id", I, nullable=False),
        sa.Column("duplicate", B, nullable=False),
        sa.Column("negated", B, nullable=False),
        sa.Column("hypothetical", B, nullable=False),
        *([sa.Column("period", S(10)), sa.Column("date_precision", S(16))] if dated else []),
        *dims,
        sa.Column("n", I, nullable=False),
        sa.Column("score", F, nullable=False),
        *extra,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_summary_{name}")),
    )
    for i, cols in enumerate(index):
        op.create_index(f"ix_summary_{name}_{i}", f"summary_{name}", cols, unique=False)


def _actor_dims() -> list[sa.Column]:  # type: ignore[type-arg]
    return [sa.Column("actor_id", S(120), nullable=False), sa.Column("side", S(6), nullable=False)]


def _new(name: str, dims: list[sa.Column], measures: list[sa.Column], index: list[str]) -> None:  # type: ignore[type-arg]
    op.create_table(
        f"summary_new_{name}",
        sa.Column("id", I, primary_key=True, autoincrement=True),
        sa.Column("signature_id", I, nullable=False),
        sa.Column("duplicate", B, nullable=False),
        sa.Column("day", S(10)),
        *dims,
        *measures,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_summary_new_{name}")),
    )
    op.create_index(f"ix_summary_new_{name}_day", f"summary_new_{name}", index, unique=False)


def upgrade() -> None:
    op.create_table(
        "visibility_signatures",
        sa.Column("id", I, primary_key=True, autoincrement=True),
        sa.Column("collections", T, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visibility_signatures")),
        sa.UniqueConstraint("collections", name=op.f("uq_visibility_signatures_collections")),
    )
    _summary("types", True, [sa.Column("type", S(16), nullable=False), sa.Column("mode", S(24))], [], [["type", "period"]])
    _summary("source_countries", True, [sa.Column("type", S(16), nullable=False), sa.Column("source_country", S(3))], [],
             [["source_country", "type", "period"]])
    _summary("target_countries", True, [sa.Column("type", S(16), nullable=False), sa.Column("target_country", S(3))], [],
             [["target_country", "type", "period"]])
    _summary("actors", True, _actor_dims(), [sa.Column("n_once", I, nullable=False)], [["actor_id", "period"]])
    _summary("actor_totals", False, _actor_dims(), [sa.Column("n_once", I, nullable=False)], [["actor_id"]])
    _summary("pairs", False, [sa.Column("source_actor_id", S(120)), sa.Column("source_country", S(3)),
                              sa.Column("target_actor_id", S(120)), sa.Column("target_country", S(3))],
             [sa.Column("first", S(10)), sa.Column("last", S(10))],
             [["source_actor_id", "target_actor_id"], ["target_actor_id"], ["source_country", "target_country"]])
    _summary("places", False, [sa.Column("type", S(16), nullable=False), sa.Column("place_text", T, nullable=False),
                               sa.Column("place_country", S(3)), sa.Column("place_lat", F), sa.Column("place_lon", F),
                               sa.Column("place_geonames_id", I)], [], [["type", "place_text"]])
    op.create_table(
        "summary_documents",
        sa.Column("id", I, primary_key=True, autoincrement=True),
        sa.Column("signature_id", I, nullable=False),
        sa.Column("duplicate", B, nullable=False),
        sa.Column("language", S(8)),
        sa.Column("n", I, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_documents")),
    )
    op.create_index("ix_summary_documents_signature_id", "summary_documents", ["signature_id", "language"], unique=False)
    _new("actors", [sa.Column("actor_id", S(120), nullable=False), sa.Column("name", T)],
         [sa.Column("n", I, nullable=False), sa.Column("n_docs", I, nullable=False)], ["day", "actor_id"])
    _new("places", [sa.Column("name", T, nullable=False), sa.Column("country", S(3))], [sa.Column("n", I, nullable=False)], ["day", "name"])
    _new("types", [sa.Column("type", S(16), nullable=False), sa.Column("mode", S(24))], [sa.Column("n", I, nullable=False)], ["day", "type"])
    op.create_table(
        "store_generation",
        sa.Column("id", I, primary_key=True, autoincrement=False),
        sa.Column("value", I, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_generation")),
    )
    # Fill them from what is stored (the code of this revision; later revisions keep it working).
    from horizonscan.store import summary

    summary.rebuild(op.get_bind())


def downgrade() -> None:
    for name in ("new_types", "new_places", "new_actors", "documents", "places", "pairs", "actor_totals", "actors", "target_countries", "source_countries", "types"):
        op.drop_table(f"summary_{name}")
    op.drop_table("visibility_signatures")
    op.drop_table("store_generation")
