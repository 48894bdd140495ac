"""Residents per area: an imported census grid, or the parameters of the estimate from the OSM
buildings (``gaps.population``).

Revision ID: 0010_population
Revises: 0009_place_locator
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0010_population"
down_revision: str | Sequence[str] | None = "0009_place_locator"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here on purpose, as in 0001.
UtcDateTime = storage.models.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "populations",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_name", sa.String(500), nullable=True),
        sa.Column("residents", sa.Double(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("source IN ('census', 'buildings')", name=op.f("ck_populations_source")),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_populations_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_populations")),
    )


def downgrade() -> None:
    op.drop_table("populations")
