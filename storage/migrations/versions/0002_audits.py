"""Audits (append-only versions per place), their fact values and the review log.

Revision ID: 0002_audits
Revises: 0001
Create Date: 2025-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0002_audits"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here on purpose, as in 0001.
Json = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
UtcDateTime = storage.models.UtcDateTime


def upgrade() -> None:
    # SQLite can add a NOT NULL column with a constant default without rebuilding the table.
    op.add_column("places", sa.Column("audit_version", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("based_on_version", sa.Integer(), nullable=False),
        sa.Column("auditor", sa.String(100), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("group_participation", Json, nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("review_state", sa.String(12), nullable=False),
        sa.Column("reviewed_by", sa.String(100), nullable=True),
        sa.Column("reviewed_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_audits_version")),
        sa.CheckConstraint(
            "based_on_version >= 0 AND based_on_version < version", name=op.f("ck_audits_based_on_version")
        ),
        sa.CheckConstraint("method IN ('on_site', 'phone', 'desk', 'import')", name=op.f("ck_audits_method")),
        sa.CheckConstraint(
            "review_state IN ('submitted', 'approved', 'has_issues', 'rejected')",
            name=op.f("ck_audits_review_state"),
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_audits_place_id_places"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
        sa.UniqueConstraint("place_id", "version", name=op.f("uq_audits_place_id_version")),
    )
    op.create_index(op.f("ix_audits_place_id"), "audits", ["place_id"])
    op.create_table(
        "audit_facts",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("fact_id", sa.String(40), nullable=False),
        sa.Column("value", Json, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_audit_facts_audit_id_audits"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("audit_id", "fact_id", name=op.f("pk_audit_facts")),
    )
    op.create_table(
        "audit_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "state IN ('submitted', 'approved', 'has_issues', 'rejected')",
            name=op.f("ck_audit_reviews_state"),
        ),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_audit_reviews_audit_id_audits"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_reviews")),
    )
    op.create_index(op.f("ix_audit_reviews_audit_id"), "audit_reviews", ["audit_id"])


def downgrade() -> None:
    op.drop_table("audit_reviews")
    op.drop_table("audit_facts")
    op.drop_table("audits")
    with op.batch_alter_table("places") as batch:
        batch.drop_column("audit_version")
