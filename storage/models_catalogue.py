"""Areas, places (with their aliases), walking networks, import runs and the base map: what an import writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class Area(Base):
    """A quarter (Quartier) imported from one OSM source."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    west: Mapped[float] = mapped_column(Double)
    south: Mapped[float] = mapped_column(Double)
    east: Mapped[float] = mapped_column(Double)
    north: Mapped[float] = mapped_column(Double)
    source: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_at: Mapped[datetime | None]
    # Shown on the resident pages only when published (the bundled sample starts unpublished).
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Place(Base):
    """A place of encounter: from OSM, entered by hand, or accepted from a resident's suggestion."""

    __tablename__ = "places"
    __table_args__ = (
        UniqueConstraint("area_id", "osm_type", "osm_id"),
        CheckConstraint("lon >= -180 AND lon <= 180 AND lat >= -90 AND lat <= 90", name="coordinates"),
        CheckConstraint("origin IN ('osm', 'manual', 'suggestion')", name="origin"),
        CheckConstraint("status IN ('active', 'closed')", name="status"),
        CheckConstraint("(osm_type IS NULL) = (osm_id IS NULL)", name="osm_ref"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    osm_type: Mapped[str | None] = mapped_column(String(8))
    osm_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str | None] = mapped_column(String(500))
    # Where an unnamed place is: its address or the nearest named street (computed at import).
    locator: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    lon: Mapped[float] = mapped_column(Double)
    lat: Mapped[float] = mapped_column(Double)
    geometry_wkt: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[dict[str, Any]]
    origin: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(8), default="active")
    missing_since: Mapped[date | None] = mapped_column(Date)
    last_seen_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped on every change; later used to detect conflicting edits.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Number of audits saved for this place: the compare-and-swap counter of ``audits.store``.
    # Separate from ``version`` so that a re-import never makes an open audit form stale.
    audit_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PlaceAlias(Base):
    """Every OSM object that is (part of) a place, including ones merged into it."""

    __tablename__ = "place_aliases"
    __table_args__ = (
        ForeignKeyConstraint(["area_id"], ["areas.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["place_id"], ["places.id"], ondelete="CASCADE"),
    )

    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    osm_type: Mapped[str] = mapped_column(String(8), primary_key=True)
    osm_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    place_id: Mapped[int] = mapped_column(Integer, index=True)


class Network(Base):
    """The walkable street network of an area, as ``WalkNetwork.to_bytes()``."""

    __tablename__ = "networks"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)
    node_count: Mapped[int] = mapped_column(Integer)
    edge_count: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    built_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportRun(Base):
    """One completed import: where from, how long, what it counted."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(500))
    started_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(Double)
    counts: Mapped[dict[str, Any]]


class BaseMapData(Base):
    """Buildings and water of an area as ``BaseMap.to_bytes()``, written with each import."""

    __tablename__ = "basemaps"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)
    building_count: Mapped[int] = mapped_column(Integer)
    water_count: Mapped[int] = mapped_column(Integer)
    waterway_count: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
