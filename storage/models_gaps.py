"""What the gap analysis adds to OSM: indicators of schools from an official list, residents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Double,
    ForeignKey,
    Integer,
    LargeBinary,
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


class AreaPopulation(Base):
    """Where an area's residents come from: an imported census grid, or the estimate from the
    OSM buildings (``gaps.population``). One row per area; no row means the building estimate
    without a known total.

    ``census``: ``data`` holds the grid cells inside the area (ids, centres in WGS84, residents;
    ``gaps.population.PopulationPoints.to_bytes``), ``residents`` their sum, ``suppressed`` how
    many cells the file left blank (``–``). ``buildings``: no ``data`` (the floor areas are part of
    the base map); ``residents`` is the known total the estimate is scaled to, or NULL.
    """

    __tablename__ = "populations"
    __table_args__ = (CheckConstraint("source IN ('census', 'buildings')", name="source"),)

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    source_name: Mapped[str | None] = mapped_column(String(500))
    residents: Mapped[float | None] = mapped_column(Double)
    points: Mapped[int] = mapped_column(Integer, default=0)
    suppressed: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
