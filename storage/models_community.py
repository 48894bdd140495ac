"""Tables for accounts, residents' suggestions and the audit tasks they create.

Privacy by design: no IP address is stored anywhere; a suggestion and a login attempt keep only
a hash of the browser's random client key (for the hourly limit and the login slow-down), and
the optional reply e-mail lives in its own table so it can be deleted as soon as the suggestion
is decided.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Double, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, JsonType, utcnow

USER_ROLES = ("manager", "planner", "admin")
SUGGESTION_STATUSES = ("pending", "approved", "merged", "rejected")
TASK_REASONS = ("suggestion", "reaudit")
TASK_STATUSES = ("open", "done")


class User(Base):
    """An account: a password (embedded login) or only an e-mail (single sign-on)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('manager', 'planner', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-case (``audits.auth.validate_login_name``): unique regardless of case.
    name: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginAttempt(Base):
    """One login attempt per row, for throttling; the name is whatever was typed (case-folded)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    # Hash of the browser's client key (``audits.auth.client_hash``); "" when none was given.
    source: Mapped[str] = mapped_column(String(64), default="", server_default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean)


class Suggestion(Base):
    """A place suggested by a resident; untrusted text, stored verbatim."""

    __tablename__ = "suggestions"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'merged', 'rejected')", name="status"),
        CheckConstraint("lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90", name="coordinates"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    ref_code: Mapped[str] = mapped_column(String(9), unique=True)
    # The form's client token: a double click or a resent form stores one suggestion.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Hash of the browser's client key (a random cookie, never an IP), for the hourly limit.
    session_hash: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(40))
    lon: Mapped[float] = mapped_column(Double)
    lat: Mapped[float] = mapped_column(Double)
    description: Mapped[str] = mapped_column(Text, default="")
    groups: Mapped[list[Any]] = mapped_column(JsonType)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SuggestionContact(Base):
    """The optional reply e-mail, apart from the suggestion; deleted once it is decided."""

    __tablename__ = "suggestion_contacts"

    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(254))
    # The resident's page language when they sent it: the reply is written in it.
    lang: Mapped[str] = mapped_column(String(5), default="de", server_default="de")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditTask(Base):
    """A place that needs an on-site audit: newly accepted from a suggestion, or due again."""

    __tablename__ = "audit_tasks"
    __table_args__ = (
        CheckConstraint("reason IN ('suggestion', 'reaudit')", name="reason"),
        CheckConstraint("status IN ('open', 'done')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(6), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]


class ThrottleLock(Base):
    """One row per counted key (a login name; the suggestions): locked ``FOR UPDATE`` while a
    request counts the recent attempts and records its own, so parallel requests count in turn.

    See ``storage.locks.hold_lock``; the row carries no data of its own.
    """

    __tablename__ = "throttle_locks"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
