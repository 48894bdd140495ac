"""Repository functions for areas, places and walking networks.

Plain keyword-only functions that take a ``Session``; the caller owns the transaction
(``storage.db.session_scope``). They return dataclasses, never ORM objects, so pages can cache
and show them after the session is closed.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts.auth import Actor, require_role
from base.errors import AreaNotFound, ImportConflict, InvalidInput, OsmSourceError, PlaceNotFound
from base.geo import bboxes_overlap, box_around, equirect_m, grow_bbox, in_bbox
from base.i18n import N_, Message
from base.text import clean_text, neutralise_optional
from catalogue.build import compute_bbox
from catalogue.categories import CATEGORY_IDS
from catalogue.labels import place_label
from catalogue.model import (
    OSM_TYPES,
    BaseMap,
    Extract,
    Homes,
    PlaceRecord,
    ReadNotes,
    WalkNetwork,
    osm_ref,
    osm_url,
    parse_osm_ref,
)
from storage.models_catalogue import Area, BaseMapData, ImportRun, Network, Place, PlaceAlias

NAME_MAX = 200
AREA_NAME_MAX = 100
# A hand-entered place may lie a little outside the imported extent (a park across the edge).
AREA_MARGIN_M = 2000.0
# A re-import may grow or shift an area a little; data that lies farther than this from the
# area's stored extent is another place (or swapped coordinates) and would mark every place missing.
AREA_REIMPORT_TOLERANCE_M = 5000.0
# A hand-entered place with the name of a place this close is the same place entered twice.
DUPLICATE_RADIUS_M = 25.0
# Who may import and curate places; planners read only (admins may always, see require_role).
CURATORS = ("manager", "admin")


@dataclass(frozen=True)
class AreaInfo:
    id: int
    name: str
    bbox: tuple[float, float, float, float]  # west, south, east, north
    source: str
    imported_at: datetime | None
    place_count: int
    # Residents see only published areas; staff see all (``list_areas(published_only=…)``).
    published: bool = True


@dataclass(frozen=True)
class PlaceInfo:
    id: int
    area_id: int
    osm_type: str | None
    osm_id: int | None
    name: str | None
    category: str
    lon: float
    lat: float
    geometry_wkt: str | None
    tags: dict[str, str]
    origin: str
    status: str
    missing_since: date | None
    last_seen_at: datetime | None
    updated_at: datetime
    version: int
    merged_refs: list[str] = field(default_factory=list)
    # Address or nearest named street, computed at import (None for older rows and manual places).
    locator: str | None = None

    def label(self, lang: str) -> str:
        """What a person reads for this place: the name, else "Spielplatz, Goethestraße"
        (``catalogue.labels.place_label``)."""
        return place_label(self, lang)

    @property
    def ref(self) -> str | None:
        if self.osm_type is None or self.osm_id is None:
            return None
        return osm_ref(self.osm_type, self.osm_id)

    @property
    def address(self) -> str:
        """``Street 1, 12345 City`` from the ``addr:*`` tags, or ``""``."""
        street = " ".join(
            p for p in (self._tag("addr:street"), self._tag("addr:housenumber")) if p
        ).strip()
        town = " ".join(p for p in (self._tag("addr:postcode"), self._tag("addr:city")) if p).strip()
        return ", ".join(p for p in (street, town) if p)

    def _tag(self, key: str) -> str:
        """A tag value as shown and exported: controls and invisible characters neutralised
        (``base.text``); ``tags`` itself keeps the raw OSM value."""
        return neutralise_optional(self.tags.get(key)) or ""

    @property
    def opening_hours(self) -> str:
        return self._tag("opening_hours")

    @property
    def osm_url(self) -> str | None:
        if self.osm_type is None or self.osm_id is None:
            return None
        return osm_url(self.osm_type, self.osm_id)


@dataclass(frozen=True)
class ImportSummary:
    area: str
    places: int
    by_category: dict[str, int]
    schools: int
    kitas: int
    seconds: float
    new: int = 0
    updated: int = 0
    missing: int = 0
    network_nodes: int = 0
    network_edges: int = 0
    notes: ReadNotes = field(default_factory=ReadNotes)  # what the reader repaired (cut, duplicates)

    def to_json_dict(self) -> dict[str, Any]:
        """The CLI's ``--json`` object: these six keys, plus ``osm_notes`` (``ReadNotes``)."""
        return {
            "area": self.area,
            "places": self.places,
            "by_category": {cid: self.by_category.get(cid, 0) for cid in CATEGORY_IDS},
            "schools": self.schools,
            "kitas": self.kitas,
            "seconds": round(self.seconds, 3),
            "osm_notes": self.notes.to_json_dict(),
        }


# ---------------------------------------------------------------- validation (pure)


def _invalid(message: str, /, **params: object) -> InvalidInput:
    return InvalidInput(message, **params)


def validate_area_name(name: object) -> str:
    """The stripped area name, or InvalidInput."""
    if not isinstance(name, str) or not name.strip():
        raise _invalid(
            N_("Give the area a name (1–100 characters).")
        )
    name = name.strip()
    if len(name) > AREA_NAME_MAX:
        raise _invalid(
            N_("The area name is {n} characters long; use at most {max}."), n=len(name), max=AREA_NAME_MAX,
        )
    return clean_text(name)


def validate_place_name(name: object) -> str:
    """The stripped place name (stored verbatim otherwise: escaping is the job of the output)."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(N_("Give the place a name."))
    name = name.strip()
    if len(name) > NAME_MAX:
        raise InvalidInput(N_("The name is {n} characters long; use at most {max}."), n=len(name), max=NAME_MAX)
    # Controls, bidi overrides, zero-width characters (base.text); stored verbatim otherwise.
    return clean_text(name)


def validate_category(category: object) -> str:
    if category not in CATEGORY_IDS:
        raise _invalid(
            N_("Unknown category {category!r}; choose one of: {choices}."), category=category, choices=', '.join(CATEGORY_IDS),
        )
    return str(category)


def validate_location(
    lon: object, lat: object, *, bbox: tuple[float, float, float, float], margin_m: float = AREA_MARGIN_M
) -> tuple[float, float]:
    """WGS84 ``(lon, lat)`` inside the area (plus a margin), or InvalidInput that says what is wrong."""
    try:
        x, y = float(lon), float(lat)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(N_("Longitude and latitude must be numbers in degrees (e.g. 6.78, 51.21).")) from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise InvalidInput(N_("Longitude and latitude must be numbers in degrees (e.g. 6.78, 51.21)."))
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise InvalidInput(N_("{x}, {y} are not WGS84 degrees; projected coordinates (metres, e.g. UTM) are not accepted – give longitude and latitude in degrees."), x=x, y=y)
    near = grow_bbox(bbox, margin_m)
    if in_bbox(x, y, near):
        return x, y
    if in_bbox(y, x, near):
        raise InvalidInput(N_("{x}, {y} lies outside the area, but {y}, {x} lies inside: it looks like latitude and longitude are swapped (longitude comes first)."), x=x, y=y)
    raise InvalidInput(N_("{x}, {y} lies outside the area (more than {km} km from its edge). Check the coordinates or choose another area."), x=x, y=y, km=f"{margin_m / 1000:g}")


def validate_place_record(record: PlaceRecord, *, source: str) -> None:
    """Reject a record from an OSM source that cannot be stored as it is (names the place)."""
    ref = f"{record.osm_type}/{record.osm_id}"
    if record.osm_type not in OSM_TYPES or not isinstance(record.osm_id, int) or record.osm_id <= 0:
        raise OsmSourceError(
            N_("{source}: {ref} is not a valid OSM object reference."), source=source, ref=ref,
        )
    if not (math.isfinite(record.lon) and math.isfinite(record.lat)) or not (
        -180 <= record.lon <= 180 and -90 <= record.lat <= 90
    ):
        raise OsmSourceError(
            N_("{source}: {ref} has impossible coordinates ({lon}, {lat}); the file is damaged or not in WGS84. Nothing was imported."), source=source, ref=ref, lon=record.lon, lat=record.lat,
        )
    if record.category not in CATEGORY_IDS:
        raise OsmSourceError(
            N_("{source}: {ref} has unknown category {category!r}."), source=source, ref=ref, category=record.category,
        )


# ---------------------------------------------------------------- conversions


def _area_info(area: Area, place_count: int) -> AreaInfo:
    return AreaInfo(
        id=area.id,
        name=area.name,
        bbox=(area.west, area.south, area.east, area.north),
        source=area.source,
        imported_at=area.imported_at,
        place_count=place_count,
        published=area.published,
    )


def _place_info(place: Place, merged_refs: list[str]) -> PlaceInfo:
    return PlaceInfo(
        id=place.id,
        area_id=place.area_id,
        osm_type=place.osm_type,
        osm_id=place.osm_id,
        name=place.name,
        category=place.category,
        lon=place.lon,
        lat=place.lat,
        geometry_wkt=place.geometry_wkt,
        tags=dict(place.tags or {}),
        origin=place.origin,
        status=place.status,
        missing_since=place.missing_since,
        last_seen_at=place.last_seen_at,
        updated_at=place.updated_at,
        version=place.version,
        merged_refs=merged_refs,
        locator=place.locator,
    )


def _merged_refs(session: Session, places: list[Place]) -> dict[int, list[str]]:
    """OSM refs merged into each place (all aliases except the place's own ref)."""
    ids = [p.id for p in places if p.osm_type is not None]
    if not ids:
        return {}
    own = {p.id: (p.osm_type, p.osm_id) for p in places}
    merged: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(PlaceAlias.place_id, PlaceAlias.osm_type, PlaceAlias.osm_id)
            .where(PlaceAlias.place_id.in_(ids[start : start + 500]))
            .order_by(PlaceAlias.osm_type, PlaceAlias.osm_id)
        )
        for place_id, kind, osm_id in rows:
            if own.get(place_id) != (kind, osm_id):
                merged.setdefault(place_id, []).append(osm_ref(kind, osm_id))
    return merged


# ---------------------------------------------------------------- areas


def _count_places(session: Session, area_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(Place.area_id, func.count())
        .where(Place.area_id.in_(area_ids), Place.status == "active")
        .group_by(Place.area_id)
    )
    return {area_id: n for area_id, n in rows}


def list_areas(session: Session, *, published_only: bool = False) -> list[AreaInfo]:
    """All areas by name (staff pages), or only the published ones (resident pages)."""
    query = select(Area).order_by(Area.name)
    if published_only:
        query = query.where(Area.published.is_(True))
    areas = list(session.scalars(query))
    counts = _count_places(session, [a.id for a in areas]) if areas else {}
    return [_area_info(a, counts.get(a.id, 0)) for a in areas]


def _area_not_found(what: str) -> AreaNotFound:
    return AreaNotFound(
        N_("No area {what} in the database. Import it first (python -m catalogue import … --area NAME) or pick one of the listed areas."), what=what,
    )


def get_area(session: Session, *, name: str) -> AreaInfo:
    area = session.scalar(select(Area).where(Area.name == name.strip()))
    if area is None:
        raise _area_not_found(f"named {name.strip()!r}")
    return _area_info(area, _count_places(session, [area.id]).get(area.id, 0))


def get_area_by_id(session: Session, *, area_id: int) -> AreaInfo:
    area = session.get(Area, area_id)
    if area is None:
        raise _area_not_found(f"with id {area_id}")
    return _area_info(area, _count_places(session, [area.id]).get(area.id, 0))


def preferred_area(areas: list[AreaInfo]) -> AreaInfo:
    """The area a page opens on when nobody chose one: the first published one (not the sample)."""
    return next((a for a in areas if a.published), areas[0])


def set_area_published(session: Session, *, actor: Actor, area_id: int, published: bool) -> AreaInfo:
    """Show an area on the resident pages, or hide it there again (manager, admin)."""
    require_role(actor, "manager")
    area = session.get(Area, area_id)
    if area is None:
        raise _area_not_found(f"with id {area_id}")
    area.published = bool(published)
    session.flush()
    return _area_info(area, _count_places(session, [area.id]).get(area.id, 0))


# ---------------------------------------------------------------- import


def _record_values(record: PlaceRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "category": record.category,
        "lon": float(record.lon),
        "lat": float(record.lat),
        "geometry_wkt": record.geometry_wkt,
        "tags": dict(record.tags),
    }


def data_extent(extract: Extract) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) around the places and network nodes actually read (not the
    header's declared bounds), or ``None`` when the extract holds no usable coordinates."""
    return compute_bbox(extract.places, extract.network)


def _distance_km(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Rough distance between the centres of two boxes (equirectangular; for messages only)."""
    return equirect_m((a[0] + a[2]) / 2, (a[1] + a[3]) / 2, (b[0] + b[2]) / 2, (b[1] + b[3]) / 2) / 1000


def check_extract_fits_area(
    *,
    area_name: str,
    area_bbox: tuple[float, float, float, float],
    extract: Extract,
    old_network_nodes: int,
    tolerance_m: float = AREA_REIMPORT_TOLERANCE_M,
) -> None:
    """Refuse a re-import that would wreck an existing area (pure; raises OsmSourceError).

    Data far from the area's stored extent (another town, or latitude and longitude swapped)
    would mark every place missing; an empty walking network would replace a working one.
    """
    extent = data_extent(extract)
    near = grow_bbox(area_bbox, tolerance_m)
    if extent is not None and not bboxes_overlap(near, extent):
        km = _distance_km(area_bbox, extent)
        swapped = (extent[1], extent[0], extent[3], extent[2])
        hint: Message | str = ""
        if bboxes_overlap(near, swapped):
            hint = Message(N_(" Latitude and longitude in the file look swapped."))
        raise OsmSourceError(
            N_(
                "{source}: the data lies about {km:,.0f} km away from the area {area_name!r}, not within "
                "{tolerance_km} km of it.{hint} Nothing was imported: check the file, or import it into a new area name."
            ),
            source=extract.source,
            km=km,
            area_name=area_name,
            tolerance_km=tolerance_m / 1000,
            hint=hint,
        )
    if old_network_nodes > 0 and extract.network.node_count == 0:
        raise OsmSourceError(
            N_("{source}: the file has no walkable streets, and the area {area_name!r} has a walking network of {old_network_nodes:,} nodes that it would replace. Nothing was imported: check that the file covers the area's streets."), source=extract.source, area_name=area_name, old_network_nodes=old_network_nodes,
        )


def _flush_new_area(session: Session, area_name: str) -> None:
    # Two imports of the same new area at once: the second one's INSERT waits for the first
    # and then hits the unique name (PostgreSQL; SQLite queues them at BEGIN IMMEDIATE).
    try:
        session.flush()
    except IntegrityError as exc:
        if "uq_areas_name" in str(exc.orig) or "areas.name" in str(exc.orig):
            raise ImportConflict(
                N_("Another import of the area {area_name!r} is running or has just finished; nothing was imported. Wait for it to finish, then import again if needed."), area_name=area_name,
            ) from None
        raise


def save_extract(
    session: Session,
    *,
    actor: Actor,
    area_name: str,
    extract: Extract,
    read_seconds: float = 0.0,
    published: bool = True,
) -> ImportSummary:
    """Save an extract into the area ``area_name`` (created or updated); idempotent.

    OSM places are matched by their OSM reference (also a merged one, so a place keeps its id
    when OSM turns a school node into a campus polygon). Places missing from the extract are
    kept and flagged ``missing_since``; manual places and suggestions are never touched.
    ``read_seconds`` (time spent reading the source) is added to the logged duration.
    ``published`` applies to a new area only; a re-import keeps the area's flag.
    """
    require_role(actor, *CURATORS)
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    area_name = validate_area_name(area_name)
    now = datetime.now(UTC)
    today = now.date()
    west, south, east, north = (float(v) for v in extract.bbox)
    if not all(math.isfinite(v) for v in (west, south, east, north)) or west > east or south > north:
        raise OsmSourceError(
            N_("{source}: the extent {bbox} is not a valid west, south, east, north box."), source=extract.source, bbox=extract.bbox,
        )

    area = session.scalar(select(Area).where(Area.name == area_name))
    if area is not None:
        old_nodes = session.scalar(select(Network.node_count).where(Network.area_id == area.id))
        check_extract_fits_area(
            area_name=area_name,
            area_bbox=(area.west, area.south, area.east, area.north),
            extract=extract,
            old_network_nodes=old_nodes or 0,
        )
    if area is None:
        area = Area(
            name=area_name,
            west=west,
            south=south,
            east=east,
            north=north,
            source=extract.source[:500],
            published=published,
        )
        session.add(area)
        _flush_new_area(session, area_name)
    area.west, area.south, area.east, area.north = west, south, east, north
    area.source = extract.source[:500]
    area.imported_at = now
    session.flush()

    network = session.get(Network, area.id)
    if network is None:
        network = Network(area_id=area.id)
        session.add(network)
    network.node_count = extract.network.node_count
    network.edge_count = extract.network.edge_count
    network.data = extract.network.to_bytes()
    network.built_at = now
    basemap = session.get(BaseMapData, area.id)
    if basemap is None:
        basemap = BaseMapData(area_id=area.id)
        session.add(basemap)
    counts_bm = extract.basemap.counts
    basemap.building_count = counts_bm["buildings"]
    basemap.water_count = counts_bm["water"]
    basemap.waterway_count = counts_bm["waterways"]
    basemap.data = extract.basemap.to_bytes()
    basemap.built_at = now
    session.flush()

    existing = list(session.scalars(select(Place).where(Place.area_id == area.id, Place.origin == "osm")))
    by_ref = {(p.osm_type, p.osm_id): p for p in existing}
    old_aliases = {
        (kind, osm_id): place_id
        for kind, osm_id, place_id in session.execute(
            select(PlaceAlias.osm_type, PlaceAlias.osm_id, PlaceAlias.place_id).where(
                PlaceAlias.area_id == area.id
            )
        )
    }
    by_id = {p.id: p for p in existing}

    seen_ids: set[int] = set()
    new_places: list[tuple[Place, PlaceRecord]] = []
    kept: list[tuple[Place, PlaceRecord]] = []
    records: dict[tuple[str, int], PlaceRecord] = {}
    for record in extract.places:
        records.setdefault((record.osm_type, record.osm_id), record)
    counts = {cid: 0 for cid in CATEGORY_IDS}
    new = updated = 0

    for key, record in records.items():
        validate_place_record(record, source=extract.source)
        counts[record.category] = counts.get(record.category, 0) + 1
        place = by_ref.get(key)
        if place is None or place.id in seen_ids:
            place = None
            for ref in [record.ref, *record.merged_refs]:
                parsed = parse_osm_ref(ref)
                candidate = by_id.get(old_aliases.get(parsed, -1)) if parsed else None
                if (
                    candidate is not None
                    and candidate.id not in seen_ids
                    and ((candidate.osm_type, candidate.osm_id) not in records)
                ):
                    place = candidate
                    break
        values = _record_values(record)
        if place is None:
            place = Place(
                area_id=area.id,
                osm_type=record.osm_type,
                osm_id=record.osm_id,
                origin="osm",
                status="active",
                last_seen_at=now,
                created_at=now,
                updated_at=now,
                version=1,
                locator=record.locator,
                **values,
            )
            session.add(place)
            new_places.append((place, record))
            new += 1
            continue
        seen_ids.add(place.id)
        changed = {k: v for k, v in values.items() if getattr(place, k) != v}
        # Derived from the data around the place, not an edit of the place: no new version.
        place.locator = record.locator
        if (place.osm_type, place.osm_id) != key:
            changed["osm_type"], changed["osm_id"] = key
        if place.missing_since is not None:
            changed["missing_since"] = None
        for k, v in changed.items():
            setattr(place, k, v)
        place.last_seen_at = now
        if changed:
            place.updated_at = now
            place.version += 1
            updated += 1
        kept.append((place, record))
    session.flush()

    missing = 0
    for place in existing:
        if place.id in seen_ids:
            continue
        missing += 1
        if place.missing_since is None:
            place.missing_since = today
            place.updated_at = now
            place.version += 1

    # Aliases: every ref of every place in this extract; places that vanished keep their own ref
    # unless another place now claims it (the node merged into a polygon).
    session.execute(delete(PlaceAlias).where(PlaceAlias.area_id == area.id))
    session.flush()
    aliases: dict[tuple[str, int], int] = {}
    for place, record in [*kept, *new_places]:
        for ref in [record.ref, *record.merged_refs]:
            parsed = parse_osm_ref(ref)
            if parsed is not None:
                aliases.setdefault(parsed, place.id)
    for place in existing:
        if place.id not in seen_ids and place.osm_type is not None and place.osm_id is not None:
            aliases.setdefault((place.osm_type, place.osm_id), place.id)
    session.add_all(
        PlaceAlias(area_id=area.id, osm_type=kind, osm_id=osm_id, place_id=place_id)
        for (kind, osm_id), place_id in aliases.items()
    )

    summary = ImportSummary(
        area=area_name,
        places=len(records),
        by_category=counts,
        schools=counts.get("school", 0),
        kitas=counts.get("kita", 0),
        seconds=read_seconds + (time.perf_counter() - started),
        new=new,
        updated=updated,
        missing=missing,
        network_nodes=extract.network.node_count,
        network_edges=extract.network.edge_count,
        notes=extract.notes,
    )
    session.add(
        ImportRun(
            area_id=area.id,
            source=extract.source[:500],
            started_at=started_at,
            seconds=summary.seconds,
            counts={
                **summary.to_json_dict(),
                "new": new,
                "updated": updated,
                "missing": missing,
                "network_nodes": summary.network_nodes,
                "network_edges": summary.network_edges,
            },
        )
    )
    session.flush()
    return summary


# ---------------------------------------------------------------- places


def load_places(session: Session, *, area_id: int, include_closed: bool = True) -> list[PlaceInfo]:
    query = select(Place).where(Place.area_id == area_id)
    if not include_closed:
        query = query.where(Place.status == "active")
    places = list(session.scalars(query.order_by(Place.id)))
    merged = _merged_refs(session, places)
    return [_place_info(p, merged.get(p.id, [])) for p in places]


def load_place_row(session: Session, place_id: int) -> Place:
    """The ORM row of a place (for other storage modules), or PlaceNotFound."""
    place = session.get(Place, place_id)
    if place is None:
        raise PlaceNotFound(
            N_("No place with id {place_id}; it may have been deleted. Reload the list."), place_id=place_id,
        )
    return place


def _info(session: Session, place: Place) -> PlaceInfo:
    return _place_info(place, _merged_refs(session, [place]).get(place.id, []))


def get_place(session: Session, *, place_id: int) -> PlaceInfo:
    return _info(session, load_place_row(session, place_id))


def find_place_ids_by_osm_ref(
    session: Session, *, osm_type: str, osm_id: int, area_id: int | None
) -> list[tuple[int, int]]:
    """``(place id, area id)`` of the places that are OSM object ``osm_type/osm_id``, directly or
    because it was merged into them (``PlaceAlias``): direct hits first, then by area and id."""
    aliased = select(PlaceAlias.place_id).where(PlaceAlias.osm_type == osm_type, PlaceAlias.osm_id == osm_id)
    direct = (Place.osm_type == osm_type) & (Place.osm_id == osm_id)
    query = select(Place.id, Place.area_id).where(or_(Place.id.in_(aliased), direct))
    if area_id is not None:
        query = query.where(Place.area_id == area_id)
    rows = session.execute(query.order_by(direct.desc(), Place.area_id, Place.id))
    return [(place_id, place_area) for place_id, place_area in rows]


def find_place_by_ref(session: Session, *, area_id: int | None, ref: str) -> PlaceInfo:
    """The place with OSM reference ``ref`` (``node/123``), also when it was merged into another."""
    parsed = parse_osm_ref(ref)
    if parsed is None:
        raise InvalidInput(
            N_("{ref!r} is not an OSM reference; write it like node/123, way/45 or relation/6."), ref=ref,
        )
    kind, osm_id = parsed
    # A direct hit beats an alias; the oldest area wins when several areas hold the object.
    hits = find_place_ids_by_osm_ref(session, osm_type=kind, osm_id=osm_id, area_id=area_id)
    if not hits:
        raise PlaceNotFound(
            N_("No place for OSM object {kind}/{osm_id} in this area."), kind=kind, osm_id=osm_id,
        )
    return get_place(session, place_id=hits[0][0])


def add_local_place_row(
    session: Session,
    *,
    area_id: int,
    name: str,
    category: str,
    lon: float,
    lat: float,
    origin: str,
    tags: dict[str, str] | None = None,
    now: datetime | None = None,
) -> Place:
    """Insert a place that does not come from OSM (``manual`` or ``suggestion``); values already checked."""
    now = now or datetime.now(UTC)
    place = Place(
        area_id=area_id,
        osm_type=None,
        osm_id=None,
        name=name,
        category=category,
        lon=lon,
        lat=lat,
        geometry_wkt=None,
        tags=tags or {},
        origin=origin,
        status="active",
        created_at=now,
        updated_at=now,
        version=1,
    )
    session.add(place)
    session.flush()
    return place


def refuse_duplicate_place(session: Session, *, area_id: int, name: str, lon: float, lat: float) -> None:
    """InvalidInput when the area already has a place of this name within ``DUPLICATE_RADIUS_M``
    (a form sent twice, or a place added again after it was closed)."""
    wanted = " ".join(name.casefold().split())
    west, south, east, north = box_around(lon, lat, DUPLICATE_RADIUS_M)
    nearby = session.scalars(
        select(Place).where(
            Place.area_id == area_id, Place.lon.between(west, east), Place.lat.between(south, north)
        )
    )
    for place in nearby:
        if " ".join((place.name or "").casefold().split()) != wanted:
            continue
        metres = round(equirect_m(lon, lat, place.lon, place.lat, at_lat=lat))
        closed = Message(N_(" It is closed: reopen it instead.")) if place.status == "closed" else ""
        raise InvalidInput(
            N_("{name!r} already exists {metres} m from here (place #{id}); nothing was added.{closed}"),
            name=place.name,
            metres=metres,
            id=place.id,
            closed=closed,
        )


def add_manual_place(
    session: Session, *, actor: Actor, area_id: int, name: str, category: str, lon: float, lat: float
) -> PlaceInfo:
    """Add a place by hand; names are stored verbatim (escaping is the job of the output)."""
    require_role(actor, *CURATORS)
    area = get_area_by_id(session, area_id=area_id)
    clean_name = validate_place_name(name)
    clean_category = validate_category(category)
    x, y = validate_location(lon, lat, bbox=area.bbox)
    refuse_duplicate_place(session, area_id=area_id, name=clean_name, lon=x, lat=y)
    place = add_local_place_row(
        session, area_id=area_id, name=clean_name, category=clean_category, lon=x, lat=y, origin="manual"
    )
    return _info(session, place)


def update_place(
    session: Session, *, actor: Actor, place_id: int, name: str, category: str, lon: float, lat: float
) -> PlaceInfo:
    """Change name, category and location of a manual place (OSM places are edited in OSM)."""
    require_role(actor, *CURATORS)
    place = load_place_row(session, place_id)
    area = get_area_by_id(session, area_id=place.area_id)
    clean_name = validate_place_name(name)
    clean_category = validate_category(category)
    x, y = validate_location(lon, lat, bbox=area.bbox)
    values = {"name": clean_name, "category": clean_category, "lon": x, "lat": y}
    changed = {k: v for k, v in values.items() if getattr(place, k) != v}
    if not changed:
        return _info(session, place)
    if place.origin == "osm":
        raise InvalidInput(
            N_("This place comes from OpenStreetMap: correct it there (the next import brings the change), or close it here."),
        )
    for k, v in changed.items():
        setattr(place, k, v)
    place.updated_at = datetime.now(UTC)
    place.version += 1
    session.flush()
    return _info(session, place)


def set_place_status(session: Session, *, actor: Actor, place_id: int, closed: bool) -> PlaceInfo:
    """Close or reopen a place (any origin); re-imports leave the status alone."""
    require_role(actor, *CURATORS)
    place = load_place_row(session, place_id)
    status = "closed" if closed else "active"
    if place.status != status:
        place.status = status
        place.updated_at = datetime.now(UTC)
        place.version += 1
        session.flush()
    return _info(session, place)


def load_network(session: Session, *, area_id: int) -> WalkNetwork:
    """The area's walking network (empty when the area has none yet)."""
    get_area_by_id(session, area_id=area_id)
    data = session.scalar(select(Network.data).where(Network.area_id == area_id))
    return WalkNetwork.empty() if data is None else WalkNetwork.from_bytes(data)


def load_basemap(session: Session, *, area_id: int) -> BaseMap:
    """The area's buildings and water for printed maps (empty when the import had none)."""
    get_area_by_id(session, area_id=area_id)
    data = session.scalar(select(BaseMapData.data).where(BaseMapData.area_id == area_id))
    return BaseMap() if data is None else BaseMap.from_bytes(data)


def load_homes(session: Session, *, area_id: int) -> Homes:
    """The area's residential buildings and their floor area (empty when the import had none,
    e.g. from Overpass, or stored before homes were kept: re-import the area to get them)."""
    data = session.scalar(select(BaseMapData.data).where(BaseMapData.area_id == area_id))
    return Homes.empty() if data is None else Homes.from_basemap_bytes(data)
