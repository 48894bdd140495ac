"""The database tables (SQLAlchemy 2 declarative, typed).

Every change here needs a new Alembic revision in ``storage/migrations/versions/``;
``tests/test_storage.py`` fails when the models and the migrations disagree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so later migrations (SQLite batch mode included) can address them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ORIGINS = ("osm", "manual", "suggestion")
STATUSES = ("active", "closed")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored as UTC; SQLite gives it back aware as well."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value (datetime.now(UTC))")
        value = value.astimezone(UTC)
        # SQLite has no time zones: store naive UTC there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


JsonType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JsonType}


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
