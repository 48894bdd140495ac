"""Tables for gap maps: the base map drawn under printed maps, and official school indicators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Double, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class BaseMapData(Base):
    """Buildings and water of an area as ``BaseMap.to_bytes()``, written with each import."""

    __tablename__ = "basemaps"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)
    building_count: Mapped[int] = mapped_column(Integer)
    water_count: Mapped[int] = mapped_column(Integer)
    waterway_count: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    built_at: Mapped[datetime] = mapped_column(default=utcnow)


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
