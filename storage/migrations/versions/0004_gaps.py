"""Base maps for printed gap maps and official school indicators.

Revision ID: 0004
Revises: 0003
Create Date: 2025-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here on purpose, as in 0001.
UtcDateTime = storage.models.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "basemaps",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("building_count", sa.Integer(), nullable=False),
        sa.Column("water_count", sa.Integer(), nullable=False),
        sa.Column("waterway_count", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("built_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_basemaps_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_basemaps")),
    )
    op.create_table(
        "school_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("school_number", sa.String(20), nullable=False),
        sa.Column("official_name", sa.String(500), nullable=False),
        sa.Column("school_form", sa.String(100), nullable=True),
        sa.Column("social_index", sa.Integer(), nullable=True),
        sa.Column("startchancen", sa.Boolean(), nullable=False),
        sa.Column("pupils", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("distance_m", sa.Double(), nullable=False),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_school_indicators_place_id_places"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_indicators")),
        sa.UniqueConstraint("place_id", name=op.f("uq_school_indicators_place_id")),
    )


def downgrade() -> None:
    op.drop_table("school_indicators")
    op.drop_table("basemaps")
