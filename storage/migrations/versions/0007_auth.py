"""Atomic throttling: per-key lock rows, and the client a login attempt came from.

Revision ID: 0007_auth
Revises: 0006_published
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_auth"
down_revision: str | Sequence[str] | None = "0006_published"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "throttle_locks",
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_throttle_locks")),
    )
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(sa.Column("source", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_column("source")
    op.drop_table("throttle_locks")
