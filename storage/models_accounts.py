"""Staff accounts: users with their role, login attempts (for throttling) and signed-in sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class User(Base):
    """An account: a password (embedded login) or only an e-mail (single sign-on)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('manager', 'planner', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-case (``accounts.auth.validate_login_name``): unique regardless of case.
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
    # Hash of the browser's client key (``accounts.auth.client_hash``); "" when none was given.
    source: Mapped[str] = mapped_column(String(64), default="", server_default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean)


class StaffSession(Base):
    """One signed-in browser: sha256 of its token, whose it is, and when it ends."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Hex sha256 of the token (``accounts.sessions.hash_token``), never the token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The role when the session began: a session never outlives a role change.
    role: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Absolute end (``ATLAS_SESSION_MAX_HOURS`` after sign-in), however active the user is.
    expires_at: Mapped[datetime] = mapped_column(index=True)
