"""Areas get a "published" flag (the bundled sample starts unpublished); reply e-mails keep the
resident's language, so the answer to a suggestion is written in it.

Revision ID: 0006_published
Revises: 0005_sessions
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_published"
down_revision: str | Sequence[str] | None = "0005_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# How the sample import names its source and its area (``catalogue.importer.import_sample``);
# frozen here, as migrations must not follow later code changes.
SAMPLE_SOURCE = "Helsinki.osm.pbf"
SAMPLE_AREA_NAMES = ("Helsinki (Beispieldaten)", "Helsinki (sample data)")


def upgrade() -> None:
    with op.batch_alter_table("areas") as batch:
        batch.add_column(sa.Column("published", sa.Boolean(), server_default=sa.true(), nullable=False))
    areas = sa.table("areas", sa.column("name", sa.String), sa.column("source", sa.String),
                     sa.column("published", sa.Boolean))  # fmt: skip
    # Existing areas stay visible to residents, except one made from the bundled sample.
    op.execute(
        areas.update()
        .where(sa.or_(areas.c.source == SAMPLE_SOURCE, areas.c.name.in_(SAMPLE_AREA_NAMES)))
        .values(published=False)
    )
    with op.batch_alter_table("suggestion_contacts") as batch:
        batch.add_column(sa.Column("lang", sa.String(5), server_default="de", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("suggestion_contacts") as batch:
        batch.drop_column("lang")
    with op.batch_alter_table("areas") as batch:
        batch.drop_column("published")
