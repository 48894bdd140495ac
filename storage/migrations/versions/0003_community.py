"""Accounts, login attempts, residents' suggestions (with the reply e-mail apart), audit tasks.

Revision ID: 0003
Revises: 0002_audits
Create Date: 2025-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002_audits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here on purpose, as in 0001.
Json = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
UtcDateTime = storage.models.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("role IN ('manager', 'planner', 'admin')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index(op.f("ix_login_attempts_name"), "login_attempts", ["name"])
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("ref_code", sa.String(9), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("groups", Json, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'merged', 'rejected')", name=op.f("ck_suggestions_status")
        ),
        sa.CheckConstraint(
            "lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90", name=op.f("ck_suggestions_coordinates")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_suggestions_area_id_areas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_suggestions_place_id_places"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
        sa.UniqueConstraint("ref_code", name=op.f("uq_suggestions_ref_code")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_suggestions_idempotency_key")),
    )
    op.create_index(op.f("ix_suggestions_area_id"), "suggestions", ["area_id"])
    op.create_index(op.f("ix_suggestions_session_hash"), "suggestions", ["session_hash"])
    op.create_index(op.f("ix_suggestions_status"), "suggestions", ["status"])
    op.create_index(op.f("ix_suggestions_place_id"), "suggestions", ["place_id"])
    op.create_table(
        "suggestion_contacts",
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["suggestions.id"],
            name=op.f("fk_suggestion_contacts_suggestion_id_suggestions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("suggestion_id", name=op.f("pk_suggestion_contacts")),
    )
    op.create_table(
        "audit_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(12), nullable=False),
        sa.Column("status", sa.String(6), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("done_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("reason IN ('suggestion', 'reaudit')", name=op.f("ck_audit_tasks_reason")),
        sa.CheckConstraint("status IN ('open', 'done')", name=op.f("ck_audit_tasks_status")),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_audit_tasks_place_id_places"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_tasks")),
    )
    op.create_index(op.f("ix_audit_tasks_place_id"), "audit_tasks", ["place_id"])


def downgrade() -> None:
    op.drop_table("audit_tasks")
    op.drop_table("suggestion_contacts")
    op.drop_table("suggestions")
    op.drop_table("login_attempts")
    op.drop_table("users")
