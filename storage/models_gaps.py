"""What the gap analysis adds to OSM: indicators of schools from an official list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Double,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class SchoolIndicator(Base):
    """An official school record (e.g. the NRW school list) matched to an OSM school place."""

    __tablename__ = "school_indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), unique=True)
    school_number: Mapped[str] = mapped_column(String(20))
    official_name: Mapped[str] = mapped_column(String(500))
    school_form: Mapped[str | None] = mapped_column(String(100))
    social_index: Mapped[int | None] = mapped_column(Integer)
    startchancen: Mapped[bool] = mapped_column(Boolean)
    pupils: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(500))
    distance_m: Mapped[float] = mapped_column(Double)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
