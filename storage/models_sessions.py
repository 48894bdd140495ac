"""Signed-in staff sessions (embedded login): only a hash of each browser's token is stored.

The token itself lives in the browser's cookie; someone who reads this table (a backup, a
stolen dump) cannot sign in with what they find here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class StaffSession(Base):
    """One signed-in browser: sha256 of its token, whose it is, and when it ends."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Hex sha256 of the token (``audits.staff_sessions.hash_token``), never the token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The role when the session began: a session never outlives a role change.
    role: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Absolute end (``ATLAS_SESSION_MAX_HOURS`` after sign-in), however active the user is.
    expires_at: Mapped[datetime] = mapped_column(index=True)
