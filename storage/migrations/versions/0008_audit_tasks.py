"""Audit tasks a manager can assign, date and close; created from the worklist or by hand too.

Revision ID: 0008_audit_tasks
Revises: 0007_auth
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_audit_tasks"
down_revision: str | Sequence[str] | None = "0007_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_REASONS = "reason IN ('suggestion', 'reaudit')"
NEW_REASONS = "reason IN ('suggestion', 'reaudit', 'worklist', 'manual')"
OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    with op.batch_alter_table("audit_tasks") as batch:
        batch.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("created_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("closed_by", sa.String(100), nullable=True))
        batch.create_foreign_key(
            op.f("fk_audit_tasks_assignee_id_users"), "users", ["assignee_id"], ["id"], ondelete="SET NULL"
        )
        batch.drop_constraint(op.f("ck_audit_tasks_reason"), type_="check")
        batch.create_check_constraint(op.f("ck_audit_tasks_reason"), sa.text(NEW_REASONS))
    op.create_index(op.f("ix_audit_tasks_assignee_id"), "audit_tasks", ["assignee_id"])
    # One open task per place, also when two managers add one at the same moment.
    op.create_index(
        "uq_audit_tasks_open_place", "audit_tasks", ["place_id"], unique=True,
        sqlite_where=OPEN, postgresql_where=OPEN,
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("uq_audit_tasks_open_place", table_name="audit_tasks")
    op.drop_index(op.f("ix_audit_tasks_assignee_id"), table_name="audit_tasks")
    # Tasks of the new kinds cannot be kept under the old rule.
    op.execute("DELETE FROM audit_tasks WHERE reason NOT IN ('suggestion', 'reaudit')")
    with op.batch_alter_table("audit_tasks") as batch:
        batch.drop_constraint(op.f("ck_audit_tasks_reason"), type_="check")
        batch.create_check_constraint(op.f("ck_audit_tasks_reason"), sa.text(OLD_REASONS))
        batch.drop_constraint(op.f("fk_audit_tasks_assignee_id_users"), type_="foreignkey")
        batch.drop_column("closed_by")
        batch.drop_column("created_by")
        batch.drop_column("note")
        batch.drop_column("due_on")
        batch.drop_column("assignee_id")
