"""Pure builders shared by the file reader and the Overpass reader: raw OSM features → :class:`Extract`.

No I/O here. ``osm_file`` and ``overpass`` only collect raw features and network segments and
hand them over, so both sources get the same classification, the same merging of duplicates and
the same walking network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from base.geo import METRES_PER_DEGREE, bbox_of, haversine_m, local_coords_projection
from base.text import neutralise_optional
from catalogue.categories import CATEGORIES, KEY_PRECEDENCE, classify_tags
from catalogue.model import BaseMap, Extract, Homes, NamedStreets, PlaceRecord, ReadNotes, WalkNetwork
from catalogue.walk_tags import NODE_ATTRS

# Distinct OSM nodes can share one position (mapping glitches). Such an edge is real – dropping it
# would cut the network in two – so it gets this nominal length instead of 0.
MIN_EDGE_LENGTH_M = 0.01

# The walking-network rule, copied verbatim from osmnx 2.1.1
# ``osmnx._overpass._get_network_filter("walk")`` with ``settings.default_access``
# ``["access"!~"private"]`` filled in (tests/catalogue/test_osm_read.py checks it is still the same).
WALK_FILTER = (
    '["highway"]["area"!~"yes"]["access"!~"private"]'
    '["highway"!~"abandoned|bus_guideway|construction|cycleway|motor|no|planned|'
    'platform|proposed|raceway|razed|rest_area|services"]'
    '["foot"!~"no"]["service"!~"private"]'
    '["sidewalk"!~"separate"]["sidewalk:both"!~"separate"]'
    '["sidewalk:left"!~"separate"]["sidewalk:right"!~"separate"]'
)

_CLAUSE = re.compile(r'\["([^"]+)"(?:(!~|~|=|!=)"([^"]*)")?\]')


def _compile_filter(text: str) -> tuple[tuple[str, str | None, re.Pattern[str] | None], ...]:
    clauses = []
    for key, op, value in _CLAUSE.findall(text):
        clauses.append((key, op or None, re.compile(value) if op else None))
    return tuple(clauses)


_WALK_CLAUSES = _compile_filter(WALK_FILTER)


def is_walkable(tags: Mapping[str, str]) -> bool:
    """True if a way belongs to the walking network: osmnx's ``network_type="walk"`` rule.

    The way must carry ``highway``; it is dropped when ``area`` matches ``yes``, ``access`` matches
    ``private``, ``highway`` matches any of abandoned, bus_guideway, construction, cycleway,
    motor(way…), no, planned, platform, proposed, raceway, razed, rest_area, services, ``foot``
    matches ``no``, ``service`` matches ``private``, or any ``sidewalk``/``sidewalk:both|left|right``
    matches ``separate`` (the sidewalk is mapped as its own way, which is walked instead).
    "Matches" is an unanchored regular-expression search, as in Overpass QL ``!~``; a missing key
    never matches. So ``motorway`` and ``motorway_link`` are out, ``footway``, ``steps``,
    ``path``, ``pedestrian``, ``service`` and ``track`` are in.
    """
    for key, op, pattern in _WALK_CLAUSES:
        value = tags.get(key)
        if op is None:
            if value is None:
                return False
        elif op == "!~":
            if value is not None and pattern is not None and pattern.search(value):
                return False
        else:  # pragma: no cover - the walk rule uses only presence and !~
            raise ValueError(f"unsupported operator {op!r} in WALK_FILTER")
    return True


# Base map for printed maps: which areas are water, which waterways are drawn as lines.
BASEMAP_KEYS: tuple[str, ...] = ("building", "natural", "waterway", "landuse")
_WATER_AREAS = {("natural", "water"), ("waterway", "riverbank"), ("landuse", "reservoir"), ("landuse", "basin")}
WATERWAY_LINES = frozenset({"river", "stream", "canal"})


def classify_basemap_area(tags: Mapping[str, str]) -> str | None:
    """``"buildings"`` or ``"water"`` for an area that belongs on the base map, else ``None``."""
    building = tags.get("building")
    if building is not None and building != "no":
        return "buildings"
    for key, value in _WATER_AREAS:
        if tags.get(key) == value:
            return "water"
    return None


# Residents' estimate (``gaps.population``): which buildings are homes and how many levels they
# have when ``building:levels`` does not say. German rough values; roof levels are not counted.
HOME_LEVELS: dict[str, float] = {
    "apartments": 4, "residential": 3, "dormitory": 3, "house": 2, "detached": 2,
    "semidetached_house": 2, "terrace": 2, "farm": 2, "bungalow": 1, "yes": 2,
}  # fmt: skip
# A plain ``building=yes`` is a home unless one of these keys says otherwise …
NOT_HOME_KEYS: tuple[str, ...] = ("shop", "amenity", "office", "craft", "tourism")
# … or it stands in land used otherwise (its centroid inside such a ``landuse`` area) …
NOT_HOME_LANDUSE = frozenset({
    "industrial", "commercial", "retail", "railway", "military", "garages", "religious",
    "education", "institutional", "port", "quarry",
})  # fmt: skip
# … or its footprint is smaller than this (garden sheds and garages mapped as ``yes``).
MIN_HOME_FOOTPRINT_M2 = 30.0
MAX_LEVELS = 40.0
HOME_NO, HOME_YES, HOME_MAYBE = 0, 1, 2  # not a home | a home by its type | ``yes``: see above


def classify_home(tags: Mapping[str, str]) -> tuple[int, float]:
    """``(kind, levels)`` of a building for the residents' estimate (``HOME_*``; 0 levels for
    ``HOME_NO``). Levels: ``building:levels`` when it is a number from 1 to 40, else ``HOME_LEVELS``."""
    value = tags.get("building")
    default = HOME_LEVELS.get(value) if value is not None else None
    if default is None:
        return HOME_NO, 0.0
    kind = HOME_YES
    if value == "yes":
        if any(k in tags for k in NOT_HOME_KEYS):
            return HOME_NO, 0.0
        kind = HOME_MAYBE
    levels = default
    raw = (tags.get("building:levels") or "").strip().replace(",", ".")
    try:
        given = float(raw)
    except ValueError:
        given = 0.0
    if 1.0 <= given <= MAX_LEVELS:
        levels = given
    return kind, float(levels)


def is_not_home_landuse(tags: Mapping[str, str]) -> bool:
    """A ``landuse`` area in which a plain ``building=yes`` is not counted as a home."""
    return tags.get("landuse") in NOT_HOME_LANDUSE


def compute_homes(
    buildings: list[bytes], kinds: np.ndarray, levels: np.ndarray, landuse: list[bytes]
) -> Homes:
    """The homes among ``buildings`` (WKB, with ``classify_home``'s kind and levels each):
    centroid and floor area = footprint (m², equirectangular at the centroid) × levels, leaving
    out ``HOME_MAYBE`` buildings in non-residential land use (``landuse`` polygons, WKB) or
    smaller than ``MIN_HOME_FOOTPRINT_M2``."""
    kinds = np.asarray(kinds, np.int8)
    if kinds.shape[0] != len(buildings) or np.shape(levels)[0] != len(buildings):
        raise ValueError(f"{len(buildings)} buildings but {kinds.shape[0]} kinds, {np.shape(levels)[0]} levels")
    pick = np.flatnonzero(kinds != HOME_NO)
    if pick.size == 0:
        return Homes.empty()
    geoms = shapely.from_wkb([buildings[i] for i in pick.tolist()])
    centres = shapely.centroid(geoms)
    lon, lat = shapely.get_x(centres), shapely.get_y(centres)
    scale = METRES_PER_DEGREE**2 * np.cos(np.radians(lat))
    footprint = shapely.area(geoms) * scale
    keep = np.isfinite(footprint) & (footprint > 0)
    maybe = kinds[pick] == HOME_MAYBE
    keep &= ~(maybe & (footprint < MIN_HOME_FOOTPRINT_M2))
    if landuse and maybe.any():
        tree = shapely.STRtree(shapely.from_wkb(landuse))
        inside, _ = tree.query(centres, predicate="within")
        in_landuse = np.zeros(pick.size, bool)
        in_landuse[inside] = True
        keep &= ~(maybe & in_landuse)
    floor = footprint * np.asarray(levels, np.float64)[pick]
    return Homes(lon=lon[keep], lat=lat[keep], floor_m2=floor[keep])


@dataclass
class RawFeature:
    """One tagged OSM object with its geometry (WGS84 lon/lat), before classification."""

    osm_type: str
    osm_id: int
    tags: dict[str, str]
    geometry: BaseGeometry


# German mappers tag Kitas as kindergarten or childcare interchangeably: a childcare node inside a
# kindergarten polygon is the same Kita.
_SAME_KIND: dict[tuple[str, str], tuple[str, str]] = {("amenity", "childcare"): ("amenity", "kindergarten")}


def classify_kind(tags: Mapping[str, str]) -> tuple[str, str] | None:
    """The ``(key, value)`` that put the feature into its category (``classify_tags`` order)."""
    for key in KEY_PRECEDENCE:
        if key not in tags:
            continue
        for category in CATEGORIES:
            for match in category.matches:
                if match.key == key and match.matches(tags):
                    kind = (match.key, match.value)
                    return _SAME_KIND.get(kind, kind)
    return None


def _point_on(geom: BaseGeometry) -> tuple[float, float]:
    if geom.geom_type == "Point":
        return float(geom.x), float(geom.y)
    if geom.geom_type in ("LineString", "MultiLineString"):
        pt = shapely.line_interpolate_point(geom, 0.5, normalized=True)
        if not pt.is_empty:
            return float(pt.x), float(pt.y)
    pt = geom.representative_point()
    return float(pt.x), float(pt.y)


def build_places(features: Iterable[RawFeature]) -> list[PlaceRecord]:
    """Classify features into places and merge each node that lies inside a polygon of the same kind.

    Same kind means the same category *and* the same deciding tag (``amenity=school`` node in an
    ``amenity=school`` campus), so fitness stations inside a pitch stay separate places; Kita
    tags ``kindergarten`` and ``childcare`` count as one kind. The polygon record stays; the node's ref goes to ``merged_refs`` and the node's tags fill
    what the polygon lacks (the polygon's own tags win). With several candidate polygons, the
    smallest one takes the node. Order: as given, merged nodes removed.
    """
    places: list[PlaceRecord] = []
    polygons: list[BaseGeometry] = []
    polygon_place: list[int] = []
    node_points: list[BaseGeometry] = []
    node_place: list[int] = []
    for feat in features:
        category = classify_tags(feat.tags)
        if category is None or feat.geometry is None or feat.geometry.is_empty:
            continue
        geom = feat.geometry
        if geom.geom_type in ("Polygon", "MultiPolygon") and not geom.is_valid:
            geom = shapely.make_valid(geom)
        lon, lat = _point_on(geom)
        wkt = None if geom.geom_type == "Point" else shapely.to_wkt(geom, rounding_precision=7)
        idx = len(places)
        places.append(
            PlaceRecord(
                osm_type=feat.osm_type,
                osm_id=int(feat.osm_id),
                category=category,
                name=osm_name(feat.tags),
                lon=lon,
                lat=lat,
                tags=dict(feat.tags),
                geometry_wkt=wkt,
            )
        )
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            polygons.append(geom)
            polygon_place.append(idx)
        elif feat.osm_type == "node":
            node_points.append(geom)
            node_place.append(idx)

    merged = _merge_nested_polygons(places, polygons, polygon_place)
    if merged:
        keep = [k for k, i in enumerate(polygon_place) if i not in merged]
        polygons = [polygons[k] for k in keep]
        polygon_place = [polygon_place[k] for k in keep]
    if not polygons or not node_points:
        return [p for i, p in enumerate(places) if i not in merged]
    tree = shapely.STRtree(polygons)
    point_idx, poly_idx = tree.query(np.array(node_points, dtype=object), predicate="within")
    best: dict[int, tuple[int, float]] = {}  # node place index → (polygon place index, area)
    for p, q in zip(point_idx.tolist(), poly_idx.tolist(), strict=True):
        node_i, poly_i = node_place[p], polygon_place[q]
        if places[node_i].category != places[poly_i].category:
            continue
        if classify_kind(places[node_i].tags) != classify_kind(places[poly_i].tags):
            continue
        area = polygons[q].area
        if node_i not in best or area < best[node_i][1]:
            best[node_i] = (poly_i, area)
    for node_i in sorted(best, key=lambda i: places[i].osm_id):
        _absorb(places[best[node_i][0]], places[node_i])
    return [p for i, p in enumerate(places) if i not in best and i not in merged]


def _absorb(keep: PlaceRecord, other: PlaceRecord) -> None:
    """``other`` is the same place as ``keep``: remember its ref, fill the tags ``keep`` lacks."""
    keep.merged_refs.append(other.ref)
    keep.merged_refs.extend(other.merged_refs)
    for key, value in other.tags.items():
        keep.tags.setdefault(key, value)
    keep.name = osm_name(keep.tags)


def osm_name(tags: Mapping[str, str]) -> str | None:
    """The ``name`` tag with control, bidi and invisible characters neutralised (never a reason
    to refuse an import); None when nothing visible is left. ``tags`` keeps the raw value."""
    return neutralise_optional(tags.get("name"))


def _same_name(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a.strip().casefold() == b.strip().casefold()


def _merge_nested_polygons(
    places: list[PlaceRecord], polygons: list[BaseGeometry], polygon_place: list[int]
) -> set[int]:
    """Merge a polygon lying (≥ 80 %) inside a larger polygon of the same kind and name.

    Real data maps one school as campus *and* building, both ``amenity=school`` with the same
    name (Benjamin-Franklin-Oberschule in Berlin): one place, kept as the larger polygon. An
    unnamed inner polygon counts as the same place; differently named ones stay apart.
    Returns the indices (into ``places``) of the polygons merged away.
    """
    if len(polygons) < 2:
        return set()
    tree = shapely.STRtree(polygons)
    left, right = tree.query(np.array(polygons, dtype=object), predicate="intersects")
    areas = shapely.area(np.array(polygons, dtype=object))
    parent: dict[int, int] = {}  # polygon index → larger polygon index it belongs to
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a == b or areas[a] > areas[b] or (areas[a] == areas[b] and a > b):
            continue  # consider each pair once, as (smaller a, larger b)
        small, large = places[polygon_place[a]], places[polygon_place[b]]
        if small.category != large.category or classify_kind(small.tags) != classify_kind(large.tags):
            continue
        if not _same_name(small.name, large.name) or (small.name is not None and large.name is None):
            continue
        if areas[a] <= 0 or polygons[a].intersection(polygons[b]).area < 0.8 * areas[a]:
            continue
        if a not in parent or areas[b] > areas[parent[a]]:
            parent[a] = b

    def root(k: int) -> int:
        while k in parent:
            k = parent[k]
        return k

    merged: set[int] = set()
    for a in sorted(parent, key=lambda k: areas[k], reverse=True):  # inner-most last
        _absorb(places[polygon_place[root(a)]], places[polygon_place[a]])
        merged.add(polygon_place[a])
    return merged


def build_walk_network(
    node_ids: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    seg_u: np.ndarray,
    seg_v: np.ndarray,
    seg_tags: np.ndarray | None = None,
    tagged_nodes: tuple[np.ndarray, np.ndarray] | None = None,
) -> WalkNetwork:
    """Undirected network from OSM segments ``seg_u[k]–seg_v[k]`` (OSM node ids).

    ``node_ids``/``lon``/``lat`` give positions (duplicates allowed). Segments with an endpoint
    without a position are skipped (a way cut by the extract's box), loops dropped, parallel
    segments kept once (with the passability codes ``seg_tags[k]`` of the first). ``tagged_nodes``
    is (OSM ids, codes) of the nodes with passability tags (:func:`catalogue.walk_tags.classify_node`).
    Without ``seg_tags`` the network has no codes (all unknown). Only nodes on some edge are kept.
    """
    node_ids = np.asarray(node_ids, dtype=np.int64)
    if node_ids.size == 0 or len(seg_u) == 0:
        return WalkNetwork.empty()
    uniq, first = np.unique(node_ids, return_index=True)
    ulon = np.asarray(lon, dtype=np.float64)[first]
    ulat = np.asarray(lat, dtype=np.float64)[first]
    su = np.asarray(seg_u, dtype=np.int64)
    sv = np.asarray(seg_v, dtype=np.int64)
    iu = np.clip(np.searchsorted(uniq, su), 0, uniq.size - 1)
    iv = np.clip(np.searchsorted(uniq, sv), 0, uniq.size - 1)
    ok = (uniq[iu] == su) & (uniq[iv] == sv) & (iu != iv)
    a = np.minimum(iu[ok], iv[ok])
    b = np.maximum(iu[ok], iv[ok])
    if a.size:
        pairs, first_seg = np.unique(np.stack([a, b], axis=1), axis=0, return_index=True)
    else:
        pairs, first_seg = np.zeros((0, 2), np.int64), np.zeros(0, np.int64)
    used, inverse = np.unique(pairs.ravel(), return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    nlon, nlat = ulon[used], ulat[used]
    u, v = inverse[:, 0], inverse[:, 1]
    length = haversine_m(nlon[u], nlat[u], nlon[v], nlat[v])
    length = np.maximum(length, MIN_EDGE_LENGTH_M)
    ids = uniq[used].astype(np.int64)
    edge_tags = node_tags = None
    if seg_tags is not None:
        edge_tags = np.ascontiguousarray(np.asarray(seg_tags, np.uint8)[ok][first_seg])
        node_tags = np.zeros((ids.size, len(NODE_ATTRS)), np.uint8)
        if tagged_nodes is not None and len(tagged_nodes[0]):
            t_ids, t_codes = np.asarray(tagged_nodes[0], np.int64), np.asarray(tagged_nodes[1], np.uint8)
            pos = np.clip(np.searchsorted(ids, t_ids), 0, ids.size - 1)
            hit = ids[pos] == t_ids
            node_tags[pos[hit]] = t_codes[hit]
    return WalkNetwork(
        node_ids=ids,
        lon=nlon,
        lat=nlat,
        u=u.astype(np.int32),
        v=v.astype(np.int32),
        length_m=length.astype(np.float32),
        edge_tags=edge_tags,
        node_tags=node_tags,
    )


def build_way_segments(
    refs: np.ndarray, lon: np.ndarray, lat: np.ndarray, way_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Flat way node lists → (node_ids, lon, lat, seg_u, seg_v, seg_way) for :func:`build_walk_network`.

    ``refs[i]`` is the i-th way node overall, ``way_index[i]`` the way it belongs to, ``lon/lat``
    NaN where the node is missing from the file. Segments join consecutive nodes of one way;
    ``seg_way`` is each segment's way index.
    """
    refs = np.asarray(refs, dtype=np.int64)
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    way_index = np.asarray(way_index)
    known = ~np.isnan(lon)
    same_way = way_index[:-1] == way_index[1:]
    both = known[:-1] & known[1:]
    seg = same_way & both
    return refs[known], lon[known], lat[known], refs[:-1][seg], refs[1:][seg], way_index[:-1][seg]


# ---------------------------------------------------------------- locators

# An unnamed place is located by the nearest named street within this distance of its outline.
LOCATOR_RADIUS_M = 150.0
LOCATOR_MAX = 200  # places.locator is String(200)
# Named highway objects that are not streets a person would give as a place's location (the
# readers keep the ``name`` of every other ``highway=*`` way, walkable or not).
NOT_STREETS = frozenset(
    {"platform", "bus_stop", "proposed", "construction", "abandoned", "razed", "planned", "elevator", "emergency_access_point"}
)


def address_locator(tags: Mapping[str, str]) -> str | None:
    """``Goethestraße 12`` from ``addr:street`` (or ``addr:place``) and ``addr:housenumber``; None
    without a street. Text neutralised, like names."""
    street = neutralise_optional(tags.get("addr:street")) or neutralise_optional(tags.get("addr:place"))
    if not street:
        return None
    number = neutralise_optional(tags.get("addr:housenumber"))
    return (f"{street} {number}" if number else street)[:LOCATOR_MAX]


def build_named_streets(
    lon: np.ndarray, lat: np.ndarray, way_index: np.ndarray, way_names: list[str]
) -> NamedStreets:
    """Flat node lists of named ways → segments. Node ``i`` at ``lon[i], lat[i]`` (NaN when missing
    from the file) belongs to the way called ``way_names[way_index[i]]``; consecutive nodes of one
    way with both locations form a segment."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    way_index = np.asarray(way_index, dtype=np.int64)
    if lon.size < 2:
        return NamedStreets.empty()
    known = ~np.isnan(lon)
    seg = (way_index[:-1] == way_index[1:]) & known[:-1] & known[1:]
    return NamedStreets(
        lon0=lon[:-1][seg],
        lat0=lat[:-1][seg],
        lon1=lon[1:][seg],
        lat1=lat[1:][seg],
        name_index=way_index[:-1][seg].astype(np.int32),
        names=list(way_names),
    )


def compute_locators(
    places: list[PlaceRecord], streets: NamedStreets, *, radius_m: float = LOCATOR_RADIUS_M
) -> None:
    """Set each place's ``locator``: its address if tagged, else the nearest named street within
    ``radius_m`` of its outline (its point for nodes), else None.

    One STRtree over the street segments in metres (a local equirectangular projection) and one
    vectorised nearest query for all places; a few milliseconds for a town.
    """
    todo: list[int] = []
    for i, place in enumerate(places):
        place.locator = address_locator(place.tags)
        if place.locator is None:
            todo.append(i)
    if not todo or streets.segment_count == 0:
        return
    lon0 = float(np.mean([places[i].lon for i in todo]))
    lat0 = float(np.mean([places[i].lat for i in todo]))
    project = local_coords_projection(lon0, lat0)
    ends = np.column_stack([streets.lon0, streets.lat0, streets.lon1, streets.lat1]).reshape(-1, 2)
    segments = shapely.linestrings(project(ends).reshape(-1, 2, 2))
    geoms = np.empty(len(todo), dtype=object)
    for k, i in enumerate(todo):
        place = places[i]
        geoms[k] = shapely.from_wkt(place.geometry_wkt) if place.geometry_wkt else shapely.Point(place.lon, place.lat)
    geoms = shapely.transform(geoms, project)
    tree = shapely.STRtree(segments)
    place_idx, seg_idx = tree.query_nearest(geoms, max_distance=radius_m, all_matches=False)
    names = streets.names
    name_index = streets.name_index
    clean: dict[int, str | None] = {}  # names are neutralised here, only those used
    for k, s in zip(place_idx.tolist(), seg_idx.tolist(), strict=True):
        n = int(name_index[s])
        if n not in clean:
            text = neutralise_optional(names[n])
            clean[n] = text[:LOCATOR_MAX] if text else None
        places[todo[k]].locator = clean[n]


def compute_bbox(places: list[PlaceRecord], network: WalkNetwork) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) around the places and network nodes with finite coordinates;
    ``None`` when there are none."""
    lons = np.concatenate([np.asarray(network.lon, np.float64), np.array([p.lon for p in places], dtype=np.float64)])
    lats = np.concatenate([np.asarray(network.lat, np.float64), np.array([p.lat for p in places], dtype=np.float64)])
    return bbox_of(lons, lats)


def build_extract(
    *,
    source: str,
    features: Iterable[RawFeature],
    network: WalkNetwork,
    bbox: tuple[float, float, float, float] | None = None,
    basemap: BaseMap | None = None,
    data_bbox: tuple[float, float, float, float] | None = None,
    notes: ReadNotes | None = None,
    streets: NamedStreets | None = None,
) -> Extract:
    """Places (classified, merged, located) + network → :class:`Extract`.

    ``bbox`` is the declared extent (``Extract.declared_bbox``); ``data_bbox`` where the data
    lies, computed from places and network unless given. ``Extract.bbox`` is the declared
    extent if any, else the data's. ``streets`` (named street segments) give each place its
    locator (:func:`compute_locators`); without them only tagged addresses do.
    """
    places = build_places(features)
    compute_locators(places, streets if streets is not None else NamedStreets.empty())
    if data_bbox is None and (places or network.node_count):
        data_bbox = compute_bbox(places, network)
    return Extract(
        source=source,
        places=places,
        network=network,
        bbox=bbox if bbox is not None else (data_bbox or (0.0, 0.0, 0.0, 0.0)),
        basemap=basemap if basemap is not None else BaseMap(),
        declared_bbox=bbox,
        data_bbox=data_bbox,
        notes=notes if notes is not None else ReadNotes(),
    )

