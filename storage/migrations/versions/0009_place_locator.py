"""Places get a locator: their address, or the nearest named street, computed at import, so an
unnamed place (many playgrounds) can be listed as "Spielplatz, Goethestraße".

Existing rows keep NULL until the next import of their area; the label then falls back to the
category and the OSM reference.

Revision ID: 0009_place_locator
Revises: 0008_audit_tasks
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_place_locator"
down_revision: str | Sequence[str] | None = "0008_audit_tasks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("places") as batch:
        batch.add_column(sa.Column("locator", sa.String(200), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Native DROP COLUMN (SQLite >= 3.35), not a batch copy: copying drops and recreates
        # ``places``, and with foreign keys on that deletes every audit, alias and task of it.
        op.execute("ALTER TABLE places DROP COLUMN locator")
    else:
        op.drop_column("places", "locator")
