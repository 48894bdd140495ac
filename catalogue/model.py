"""Plain data that flows from the OSM readers to storage: places and the walking network.

No I/O here. Readers (``osm_file``, ``overpass``) build an :class:`Extract`; storage saves it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np

from catalogue.walk_tags import EDGE_ATTRS, NODE_ATTRS

OSM_TYPES = ("node", "way", "relation")


def osm_ref(osm_type: str, osm_id: int) -> str:
    """``node/123`` – the form used in exports, CSV imports and links."""
    return f"{osm_type}/{osm_id}"


def parse_osm_ref(text: str) -> tuple[str, int] | None:
    """``"way/45"`` → ``("way", 45)``; anything else → ``None``."""
    kind, sep, num = text.strip().partition("/")
    if not sep or kind not in OSM_TYPES or not num.isdigit():
        return None
    return kind, int(num)


def osm_url(osm_type: str, osm_id: int) -> str:
    return f"https://www.openstreetmap.org/{osm_type}/{osm_id}"


@dataclass
class PlaceRecord:
    """One place of encounter as read from OSM.

    ``lon``/``lat`` is a point on the feature (a representative point for polygons);
    ``geometry_wkt`` holds the polygon, multipolygon or line where the feature has one.
    ``merged_refs`` lists other OSM objects that are the same place (a school node inside the
    school campus polygon) and were merged into this record. ``locator`` says where the place
    is for people: its address, else the nearest named street (``build.compute_locators``).
    """

    osm_type: str
    osm_id: int
    category: str
    name: str | None
    lon: float
    lat: float
    tags: dict[str, str]
    geometry_wkt: str | None = None
    merged_refs: list[str] = field(default_factory=list)
    locator: str | None = None

    @property
    def ref(self) -> str:
        return osm_ref(self.osm_type, self.osm_id)


@dataclass
class WalkNetwork:
    """The walkable street network as compact arrays (undirected edges, lengths in metres).

    Node ``i`` sits at ``lon[i], lat[i]`` and is OSM node ``node_ids[i]``. Edge ``k`` joins
    ``u[k]`` and ``v[k]`` with length ``length_m[k]``; every edge is walkable both ways.

    ``edge_tags`` (edges × ``walk_tags.EDGE_ATTRS``) and ``node_tags`` (nodes ×
    ``walk_tags.NODE_ATTRS``) hold the passability codes of :mod:`catalogue.walk_tags` (uint8,
    0 = unknown). ``None`` – a network stored before they existed, or read from Overpass – means
    every edge and node is unknown; :meth:`edge_codes` / :meth:`node_codes` return zeros then.
    """

    node_ids: np.ndarray  # int64
    lon: np.ndarray  # float64
    lat: np.ndarray  # float64
    u: np.ndarray  # int32
    v: np.ndarray  # int32
    length_m: np.ndarray  # float32
    edge_tags: np.ndarray | None = None  # uint8 (edges, len(EDGE_ATTRS))
    node_tags: np.ndarray | None = None  # uint8 (nodes, len(NODE_ATTRS))

    def edge_codes(self) -> np.ndarray:
        """``edge_tags``, or all-unknown codes when the network has none."""
        if self.edge_tags is not None:
            return self.edge_tags
        return np.zeros((self.edge_count, len(EDGE_ATTRS)), np.uint8)

    def node_codes(self) -> np.ndarray:
        """``node_tags``, or all-unknown codes when the network has none."""
        if self.node_tags is not None:
            return self.node_tags
        return np.zeros((self.node_count, len(NODE_ATTRS)), np.uint8)

    @property
    def node_count(self) -> int:
        return int(self.node_ids.shape[0])

    @property
    def edge_count(self) -> int:
        return int(self.u.shape[0])

    def to_bytes(self) -> bytes:
        arrays = {
            "node_ids": self.node_ids,
            "lon": self.lon,
            "lat": self.lat,
            "u": self.u,
            "v": self.v,
            "length_m": self.length_m,
        }
        if self.edge_tags is not None:
            arrays["edge_tags"] = self.edge_tags
        if self.node_tags is not None:
            arrays["node_tags"] = self.node_tags
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> WalkNetwork:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            # Networks stored before the passability codes have neither array: all unknown.
            return cls(
                node_ids=npz["node_ids"],
                lon=npz["lon"],
                lat=npz["lat"],
                u=npz["u"],
                v=npz["v"],
                length_m=npz["length_m"],
                edge_tags=npz["edge_tags"] if "edge_tags" in npz.files else None,
                node_tags=npz["node_tags"] if "node_tags" in npz.files else None,
            )

    @classmethod
    def empty(cls) -> WalkNetwork:
        return cls(
            node_ids=np.zeros(0, np.int64),
            lon=np.zeros(0, np.float64),
            lat=np.zeros(0, np.float64),
            u=np.zeros(0, np.int32),
            v=np.zeros(0, np.int32),
            length_m=np.zeros(0, np.float32),
        )


@dataclass
class NamedStreets:
    """Segments of named streets (``highway=*`` ways with a ``name``), to locate unnamed places.

    Segment ``k`` runs from ``lon0[k], lat0[k]`` to ``lon1[k], lat1[k]`` on the street called
    ``names[name_index[k]]`` (the raw ``name`` tag: ``build.compute_locators`` neutralises the ones
    it uses). Only used during an import, never stored.
    """

    lon0: np.ndarray  # float64
    lat0: np.ndarray
    lon1: np.ndarray
    lat1: np.ndarray
    name_index: np.ndarray  # int32
    names: list[str]

    @property
    def segment_count(self) -> int:
        return int(self.name_index.shape[0])

    @classmethod
    def empty(cls) -> NamedStreets:
        z = np.zeros(0, np.float64)
        return cls(z, z, z, z, np.zeros(0, np.int32), [])


BASEMAP_LAYERS: tuple[str, ...] = ("buildings", "water", "waterways")
_HOMES_KEYS = ("homes_lon", "homes_lat", "homes_m2")


@dataclass(eq=False)
class Homes:
    """Buildings people live in: centroid (WGS84) and residential floor area in m² (footprint ×
    levels, ``catalogue.build.compute_homes``), the basis of the residents' estimate."""

    lon: np.ndarray  # float64
    lat: np.ndarray  # float64
    floor_m2: np.ndarray  # float64

    @property
    def count(self) -> int:
        return int(self.lon.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Homes):
            return NotImplemented
        return all(
            np.array_equal(a, b)
            for a, b in ((self.lon, other.lon), (self.lat, other.lat), (self.floor_m2, other.floor_m2))
        )

    __hash__ = None  # type: ignore[assignment]  # mutable arrays, like the dataclass default

    @classmethod
    def empty(cls) -> Homes:
        z = np.zeros(0, np.float64)
        return cls(z, z, z)

    @classmethod
    def from_basemap_bytes(cls, data: bytes) -> Homes:
        """Only the homes of ``BaseMap.to_bytes()`` (empty for a base map stored before they were)."""
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            if not all(k in npz.files for k in _HOMES_KEYS):
                return cls.empty()
            return cls(*(npz[k].astype(np.float64) for k in _HOMES_KEYS))


@dataclass
class BaseMap:
    """A light base map for printed maps, as WKB geometries in WGS84.

    ``buildings`` and ``water`` hold (multi)polygons, ``waterways`` lines (rivers, streams,
    canals). Streets are not repeated here: they are the :class:`WalkNetwork`'s edges.
    ``homes`` are the residential buildings with their floor area, for the residents' estimate
    (not drawn; stored in the same bytes so an import writes one row, as before).
    """

    buildings: list[bytes] = field(default_factory=list)
    water: list[bytes] = field(default_factory=list)
    waterways: list[bytes] = field(default_factory=list)
    homes: Homes = field(default_factory=Homes.empty)

    def layer(self, name: str) -> list[bytes]:
        if name not in BASEMAP_LAYERS:
            raise KeyError(name)
        return getattr(self, name)

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(self.layer(name)) for name in BASEMAP_LAYERS}

    @property
    def is_empty(self) -> bool:
        return not any(self.counts.values())

    def to_bytes(self) -> bytes:
        """Each layer as one concatenated byte buffer plus offsets, in a compressed npz."""
        arrays: dict[str, np.ndarray] = {}
        for name in BASEMAP_LAYERS:
            items = self.layer(name)
            arrays[f"{name}_data"] = np.frombuffer(b"".join(items), dtype=np.uint8)
            arrays[f"{name}_offsets"] = np.cumsum([0, *map(len, items)], dtype=np.int64)
        arrays["homes_lon"] = self.homes.lon
        arrays["homes_lat"] = self.homes.lat
        arrays["homes_m2"] = self.homes.floor_m2.astype(np.float32)  # 0.1 m² is plenty
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> BaseMap:
        layers: dict[str, list[bytes]] = {}
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            for name in BASEMAP_LAYERS:
                raw = npz[f"{name}_data"].tobytes()
                offsets = npz[f"{name}_offsets"].tolist()
                layers[name] = [raw[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
        return cls(**layers, homes=Homes.from_basemap_bytes(data))


@dataclass(frozen=True)
class ReadNotes:
    """What a reader had to repair or leave out, for the import summary.

    ``cut_ways``/``cut_relations``: ways and relations the import uses (streets, places, base
    map) that reach past the extract's edge; they are kept with the nodes and members present.
    ``cut_skipped``: such objects of which too little remained (fewer than 2 nodes for a line, 3
    for an area). ``duplicates_dropped``: older copies of an object that occurs more than once in
    the file (same type and id; the newest version, then timestamp, is kept). ``objects``: nodes,
    ways and relations read.
    """

    cut_ways: int = 0
    cut_relations: int = 0
    cut_skipped: int = 0
    duplicates_dropped: int = 0
    objects: int = 0

    def to_json_dict(self) -> dict[str, int]:
        return {
            "cut_ways": self.cut_ways,
            "cut_relations": self.cut_relations,
            "cut_skipped": self.cut_skipped,
            "duplicates_dropped": self.duplicates_dropped,
        }


@dataclass
class Extract:
    """What one read of an OSM source yields: its places, its walking network, its extent.

    ``basemap`` (buildings, water) is only drawn on printed maps; sources that do not collect
    it (Overpass) leave it empty. ``bbox`` is the area's extent: the declared one where the
    source has it, else the data's. ``declared_bbox`` is what the source says it covers (a file's
    header bounds, the box asked from Overpass) or ``None``; ``data_bbox`` is where the data
    actually lies (all nodes of a file; places and network of an Overpass answer), ``None`` when
    there is none. Both let the import compare the data with an existing area.
    """

    source: str  # file name or "overpass:<place or bbox>" – for messages and the import log
    places: list[PlaceRecord]
    network: WalkNetwork
    bbox: tuple[float, float, float, float]  # west, south, east, north (WGS84)
    basemap: BaseMap = field(default_factory=BaseMap)
    declared_bbox: tuple[float, float, float, float] | None = None
    data_bbox: tuple[float, float, float, float] | None = None
    notes: ReadNotes = field(default_factory=ReadNotes)
