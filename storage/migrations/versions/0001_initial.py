"""Areas, places, aliases, walking networks and the import log.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here on purpose: later revisions must not change what this one created.
Json = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
UtcDateTime = storage.models.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("west", sa.Double(), nullable=False),
        sa.Column("south", sa.Double(), nullable=False),
        sa.Column("east", sa.Double(), nullable=False),
        sa.Column("north", sa.Double(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("imported_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
        sa.UniqueConstraint("name", name=op.f("uq_areas_name")),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("osm_type", sa.String(8), nullable=True),
        sa.Column("osm_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(500), nullable=True),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("geometry_wkt", sa.Text(), nullable=True),
        sa.Column("tags", Json, nullable=False),
        sa.Column("origin", sa.String(12), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("missing_since", sa.Date(), nullable=True),
        sa.Column("last_seen_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90", name=op.f("ck_places_coordinates")
        ),
        sa.CheckConstraint("origin IN ('osm', 'manual', 'suggestion')", name=op.f("ck_places_origin")),
        sa.CheckConstraint("status IN ('active', 'closed')", name=op.f("ck_places_status")),
        sa.CheckConstraint("(osm_type IS NULL) = (osm_id IS NULL)", name=op.f("ck_places_osm_ref")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_places_version")),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_places_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("area_id", "osm_type", "osm_id", name=op.f("uq_places_area_id_osm_type_osm_id")),
    )
    op.create_index(op.f("ix_places_area_id"), "places", ["area_id"])
    op.create_table(
        "place_aliases",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("osm_type", sa.String(8), nullable=False),
        sa.Column("osm_id", sa.BigInteger(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_place_aliases_area_id_areas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_place_aliases_place_id_places"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("area_id", "osm_type", "osm_id", name=op.f("pk_place_aliases")),
    )
    op.create_index(op.f("ix_place_aliases_place_id"), "place_aliases", ["place_id"])
    op.create_table(
        "networks",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("node_count", sa.Integer(), nullable=False),
        sa.Column("edge_count", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("built_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_networks_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_networks")),
    )
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("counts", Json, nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_import_runs_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
    )
    op.create_index(op.f("ix_import_runs_area_id"), "import_runs", ["area_id"])


def downgrade() -> None:
    op.drop_table("import_runs")
    op.drop_table("networks")
    op.drop_table("place_aliases")
    op.drop_table("places")
    op.drop_table("areas")
