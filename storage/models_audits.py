"""Audits of places: versions with their facts, reviews, and the audit tasks managers hand out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, JsonType, utcnow

AUDIT_METHODS = ("on_site", "phone", "desk", "import")
REVIEW_STATES = ("submitted", "approved", "has_issues", "rejected")


class Audit(Base):
    """One audit visit of a place: append-only; only the review fields ever change."""

    __tablename__ = "audits"
    __table_args__ = (
        UniqueConstraint("place_id", "version"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("based_on_version >= 0 AND based_on_version < version", name="based_on_version"),
        CheckConstraint("method IN ('on_site', 'phone', 'desk', 'import')", name="method"),
        CheckConstraint(
            "review_state IN ('submitted', 'approved', 'has_issues', 'rejected')", name="review_state"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # The audit version the form (or CSV row) was based on; version - 1 unless it raced.
    based_on_version: Mapped[int] = mapped_column(Integer)
    auditor: Mapped[str] = mapped_column(String(100))
    visit_date: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(10))
    # Group ids of which people took part in the audit.
    group_participation: Mapped[list[str]] = mapped_column(JsonType)
    notes: Mapped[str] = mapped_column(Text, default="")
    review_state: Mapped[str] = mapped_column(String(12), default="submitted")
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditFact(Base):
    """A fact value recorded in one audit (only what the auditor filled in)."""

    __tablename__ = "audit_facts"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True)
    fact_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # A status id, a number, a list of language codes or an opening_hours string.
    value: Mapped[Any] = mapped_column(JsonType)
    note: Mapped[str | None] = mapped_column(Text)


class AuditReview(Base):
    """Append-only log of review decisions on an audit."""

    __tablename__ = "audit_reviews"
    __table_args__ = (
        CheckConstraint("state IN ('submitted', 'approved', 'has_issues', 'rejected')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(12))
    reviewer: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditTask(Base):
    """A place that needs an on-site audit: accepted from a suggestion, due again, put on the list
    from the worklist or by hand. At most one open task per place (a partial unique index)."""

    __tablename__ = "audit_tasks"
    __table_args__ = (
        CheckConstraint("reason IN ('suggestion', 'reaudit', 'worklist', 'manual')", name="reason"),
        CheckConstraint("status IN ('open', 'done')", name="status"),
        Index(
            "uq_audit_tasks_open_place",
            "place_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(6), default="open")
    # An active manager or admin account; the task stays (unassigned) when the account is deleted.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Names of who created and who closed the task (``Actor.name``; the console is "console").
    created_by: Mapped[str | None] = mapped_column(String(100))
    closed_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
