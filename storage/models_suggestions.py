"""Places residents suggest, and the reply address kept apart from them.

Privacy by design: no IP address is stored anywhere; a suggestion (and a login attempt, see
``models_accounts``) keeps only a hash of the browser's random client key (for the hourly limit
and the login slow-down), and the optional reply e-mail lives in its own table so it can be
deleted as soon as the suggestion is decided.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Double,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, JsonType, utcnow


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
