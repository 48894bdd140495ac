"""Gap maps: which parts of the school and Kita catchments lack an open place within walking time.

Pure computation on a :class:`~gaps.graph.WalkGraph`. How it stays fast:

* Each place becomes one extra graph node with one-way links to the network nodes it reaches
  (see :mod:`gaps.graph` for the snapping rule). One-way, so no path can shortcut *through* a
  place, and the walk to the place's outline is part of every distance.
* Distances to the nearest serving place come from ONE multi-source Dijkstra over the whole
  network (``min_only=True``), which also says which place is nearest. A second search from the
  unknown places, bounded by the time limit, finds units that only an unknown place would serve.
* Both searches run on the contracted network (:attr:`gaps.graph.WalkGraph.contraction`: the
  ends of the ways' stretches only, about a quarter of the nodes on the real extracts); the
  removed nodes' distances are recovered exactly afterwards, in a few vectorised steps.
* Everything that does not depend on the group – catchments, hexagon units and their snapped
  nodes, the place links – is cached on the graph, so a gap map for another group costs two
  searches and a few array lookups. The graph is shared by all sessions: those values are built
  once (:class:`gaps.graph.AreaCache`), read-only, and every result gets its own arrays for
  what depends on the group.

Catchments: the per-anchor share needs to know every catchment a unit lies in (catchments
overlap), so anchors are searched in chunks without ``min_only``, each bounded by the catchment
distance; the dense rows are reduced to (anchor, unit) pairs at once so memory stays bounded.
This runs once per area and catchment size, not per group.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Literal

import h3
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from base.errors import InvalidInput
from base.geo import grow_bbox
from base.i18n import N_, Joined, Message, t
from catalogue.labels import compute_label
from gaps.graph import SNAP_M, Attachment, PlaceLinks, WalkGraph, read_only
from gaps.profiles import DEFAULT_PROFILE, WALKING_PROFILES, ProfileGraph, profile_graph

if TYPE_CHECKING:
    import geopandas
    import pandas

Status = Literal["serving", "unknown", "not"]
STATUSES: tuple[str, ...] = ("serving", "unknown", "not")
UNIT_STATES: tuple[str, ...] = ("served", "underserved", "unknown")
_STATE_NAMES = np.array(UNIT_STATES)

# A hexagon whose centre is farther than this from any walkable way (a lake, a field, land outside
# the extract) is no demand unit: nobody there is reached along streets.
MAX_UNIT_SNAP_M = 150.0
# Anchor searches without min_only return dense rows; this many floats per chunk (~16 MB).
_CHUNK_FLOATS = 2_000_000


@dataclass(frozen=True)
class GapParams:
    """What the planner chooses: time limit, walking speed, catchment size, hexagon size."""

    minutes: float = 10.0
    speed_kmh: float = 4.5
    catchment_m: float = 1000.0
    h3_resolution: int = 10

    def __post_init__(self) -> None:
        if not self.minutes > 0:
            raise InvalidInput(
                N_("The time limit must be more than 0 minutes.")
            )
        if not 0 < self.speed_kmh <= 20:
            raise InvalidInput(
                N_("The walking speed must be between 0 and 20 km/h."),
            )
        if not self.catchment_m > 0:
            raise InvalidInput(
                N_("The catchment must be more than 0 m.")
            )
        if not 0 <= self.h3_resolution <= 15:
            raise InvalidInput(
                N_("The H3 resolution must be 0 to 15.")
            )

    @property
    def metres_per_minute(self) -> float:
        return self.speed_kmh * 1000.0 / 60.0

    @property
    def limit_m(self) -> float:
        return self.minutes * self.metres_per_minute


@dataclass(frozen=True)
class GapPlace:
    """A place as the gap map sees it: an anchor (school, Kita) or a place that may serve the group.

    ``status`` is the place's verdict for the chosen group: ``serving`` (open), ``unknown`` (too
    little known) or ``not``. Anchors ignore it. ``name`` is the real name (may be ``None``);
    :meth:`label` is what people read.
    """

    id: str | int
    name: str | None
    ref: str | None
    category: str
    lon: float
    lat: float
    geometry_wkt: str | None = None
    status: Status = "serving"
    presumed: bool = False  # serving only through presumed facts (audits.presumptions)
    locator: str | None = None

    def label(self, lang: str) -> str:
        """The name, else "Spielplatz, Goethestraße" (``catalogue.labels``)."""
        return compute_label(
            name=self.name,
            category=self.category,
            locator=self.locator,
            ref=self.ref,
            place_id=self.id if isinstance(self.id, int) else None,
            lang=lang,
        )


@dataclass(frozen=True)
class Catchments:
    """Everything about the anchors' catchments that does not depend on the group (shared by all
    sessions through the graph's cache, so its arrays are read-only)."""

    anchors: tuple[GapPlace, ...]
    catchment_m: float
    h3_resolution: int
    attachment: Attachment
    cells: tuple[str, ...]
    unit_lon: np.ndarray
    unit_lat: np.ndarray
    unit_node: np.ndarray  # int32, snapped network node
    unit_snap_m: np.ndarray  # straight line from hexagon centre to that node
    unit_anchor: np.ndarray  # int32, anchor whose catchment is nearest along the network
    pair_anchor: np.ndarray  # int32 ┐ unit ``pair_unit[k]`` lies in the catchment of
    pair_unit: np.ndarray  # int32   ┘ anchor ``pair_anchor[k]`` (catchments overlap)
    seconds: float
    # Derived once here rather than lazily, so concurrent sessions never race to fill them.
    unit_anchor_count: np.ndarray = field(init=False)  # in how many catchments each unit lies
    anchor_unit_count: np.ndarray = field(init=False)  # how many units each catchment holds
    # The units' nodes, then the anchors' link nodes: where a gap map needs the nearest place.
    lookup_nodes: np.ndarray = field(init=False)
    # ``3 * pair_anchor``: add a unit's state code to count units per (anchor, state).
    pair_key: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        derived = {
            "unit_anchor_count": np.bincount(self.pair_unit, minlength=self.unit_count),
            "anchor_unit_count": np.bincount(self.pair_anchor, minlength=len(self.anchors)),
            "lookup_nodes": np.concatenate([self.unit_node, self.attachment.nodes]),
            "pair_key": 3 * self.pair_anchor.astype(np.int64),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)
        read_only(self)

    @property
    def unit_count(self) -> int:
        return len(self.cells)


@dataclass(frozen=True)
class RouteNote:
    """Why a walking profile changes an anchor's walk: the obstacles the default walk to the
    nearest place uses that the profile cannot pass (``only_over``: none is reachable without
    them) or goes around (``avoids``). ``obstacles`` are message ids (``Rule.obstacle``)."""

    kind: Literal["only_over", "avoids"]
    obstacles: tuple[str, ...]

    def text(self, lang: str) -> str:
        joined = Joined([Message(o) for o in self.obstacles], sep=", ")
        if self.kind == "only_over":
            return t(N_("only reachable over {obstacles}"), lang, obstacles=joined)
        return t(N_("avoids {obstacles}"), lang, obstacles=joined)


@dataclass(frozen=True)
class AnchorResult:
    """One row of the anchor table. Distances are ``None`` when no serving place is reachable."""

    id: str | int
    name: str | None
    ref: str | None
    kind: str
    nearest_id: str | int | None
    nearest_name: str | None
    nearest_ref: str | None
    distance_m: float | None
    minutes: float | None
    unit_count: int
    underserved_share: float | None  # of the catchment's units; None for an empty catchment
    unknown_share: float | None
    presumed_share: float | None = None  # served, but only by places that serve on presumptions
    # Of the walk to the nearest serving place (network part), the share over edges whose
    # relevant tags are unknown for the profile; None when none is reachable.
    unknown_route_share: float | None = None
    route_note: RouteNote | None = None  # set for profiles other than the default


@dataclass
class GapResult:
    """A gap map: one row per hexagon unit, one per anchor, and the distance field behind them.

    The unit arrays that do not depend on the group (centres, snapped nodes, catchment counts)
    are the cached catchments' own, shared with other sessions, and read-only.
    """

    params: GapParams
    cells: list[str]
    unit_lon: np.ndarray
    unit_lat: np.ndarray
    unit_distance_m: np.ndarray  # to the nearest serving place; inf = none reachable
    unit_minutes: np.ndarray
    unit_state: np.ndarray  # str: served | underserved | unknown (not enough data)
    unit_presumed: np.ndarray  # bool: served, but only by places that serve on presumed facts
    unit_nearest_index: np.ndarray  # int32 index into ``places``; -1 = none reachable
    unit_snap_m: np.ndarray
    unit_node: np.ndarray
    unit_anchor_count: np.ndarray  # in how many catchments the unit lies
    anchors: list[AnchorResult]
    node_distance_m: np.ndarray  # per network node, from the serving places
    seconds: float
    catchment_seconds: float = 0.0  # part of ``seconds``; 0 when the catchments came from the cache
    counts: dict[str, int] = field(default_factory=dict)
    places: tuple[GapPlace, ...] = ()
    # The shared catchments behind the units (which anchors' catchments hold each unit), for
    # figures per anchor computed after the engine (residents, ``gaps.service``).
    catchments: Catchments | None = None

    @property
    def unit_nearest(self) -> list[GapPlace | None]:
        """The nearest serving place of every unit (``None`` where none is reachable)."""
        return [self.places[i] if i >= 0 else None for i in self.unit_nearest_index.tolist()]

    def units_frame(self) -> pandas.DataFrame:
        """One row per hexagon: cell, centre, minutes (NaN = no serving place reachable), state, nearest place."""
        import pandas as pd

        reach = np.isfinite(self.unit_distance_m)
        nearest = self.unit_nearest
        return pd.DataFrame(
            {
                "h3": self.cells,
                "lon": self.unit_lon,
                "lat": self.unit_lat,
                "distance_m": np.where(reach, self.unit_distance_m, np.nan),
                "minutes": np.where(reach, self.unit_minutes, np.nan),
                "state": self.unit_state.astype(object),
                "presumed": self.unit_presumed,
                "nearest_id": [p.id if p else None for p in nearest],
                "nearest_name": [p.name if p else None for p in nearest],
                "nearest_ref": [p.ref if p else None for p in nearest],
                "catchments": self.unit_anchor_count,
            }
        )

    def anchors_frame(self) -> pandas.DataFrame:
        import pandas as pd

        return pd.DataFrame([a.__dict__ for a in self.anchors])


def units_geoframe(result: GapResult) -> geopandas.GeoDataFrame:
    """The units as hexagon polygons in WGS84 (EPSG:4326), ready for folium or a GeoPackage."""
    import geopandas as gpd
    import shapely

    polygons = [shapely.Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(c)]) for c in result.cells]
    return gpd.GeoDataFrame(result.units_frame(), geometry=polygons, crs="EPSG:4326")


def compute_catchments(
    graph: WalkGraph, anchors: Sequence[GapPlace], *, catchment_m: float, h3_resolution: int
) -> Catchments:
    """Hexagon units within ``catchment_m`` along the network of any anchor, and which anchors' catchments hold each."""
    start = time.perf_counter()
    anchors = tuple(anchors)
    attachment = attach_places(graph, anchors)
    matrix = _with_place_nodes(graph, attachment)
    n = graph.node_count
    sources = n + np.arange(len(anchors), dtype=np.int32)
    empty_i = np.zeros(0, np.int32)
    if not anchors:
        return Catchments(
            anchors, catchment_m, h3_resolution, attachment, (), np.zeros(0), np.zeros(0),
            empty_i, np.zeros(0), empty_i, empty_i, empty_i, time.perf_counter() - start,
        )  # fmt: skip

    dist, _, nearest = dijkstra(
        matrix, directed=True, indices=sources, limit=catchment_m, min_only=True, return_predecessors=True
    )
    inside = np.isfinite(dist[:n])

    cells = _candidate_cells(graph, inside, h3_resolution)
    centres = np.array([h3.cell_to_latlng(c) for c in cells], float).reshape(-1, 2)
    if cells:
        node, snap = graph.snap(graph.project(centres[:, 1], centres[:, 0]))
        keep = (snap <= MAX_UNIT_SNAP_M) & inside[node]
    else:
        node, snap, keep = empty_i, np.zeros(0), np.zeros(0, bool)
    cells = [c for c, k in zip(cells, keep, strict=True) if k]
    centres, node, snap = centres[keep], node[keep], snap[keep]

    pair_anchor, pair_unit = [], []
    chunk = max(1, _CHUNK_FLOATS // matrix.shape[0])
    for lo in range(0, len(anchors), chunk):
        rows = dijkstra(matrix, directed=True, indices=sources[lo : lo + chunk], limit=catchment_m)
        a, u = np.nonzero(rows[:, node] <= catchment_m)
        pair_anchor.append((a + lo).astype(np.int32))
        pair_unit.append(u.astype(np.int32))
    return Catchments(
        anchors=anchors,
        catchment_m=catchment_m,
        h3_resolution=h3_resolution,
        attachment=attachment,
        cells=tuple(cells),
        unit_lon=centres[:, 1].copy(),
        unit_lat=centres[:, 0].copy(),
        unit_node=node,
        unit_snap_m=snap,
        unit_anchor=(nearest[node] - n).astype(np.int32),
        pair_anchor=np.concatenate(pair_anchor),
        pair_unit=np.concatenate(pair_unit),
        seconds=time.perf_counter() - start,
    )


def compute_gaps(
    graph: WalkGraph,
    *,
    anchors: Sequence[GapPlace],
    places: Sequence[GapPlace],
    params: GapParams = GapParams(),  # noqa: B008 - frozen, so sharing the default is safe
    profile: str = DEFAULT_PROFILE,
    strict: bool = False,
) -> GapResult:
    """The gap map for one group: walking time from every unit and anchor to the nearest serving place.

    ``places`` carry the group's verdict in ``status``; ``not`` places are ignored, ``unknown``
    ones never make a unit ``served`` – a unit only they would serve is ``unknown``.

    ``profile`` (:mod:`gaps.profiles`) weighs and masks the edges: distances are then the
    profile's (penalties included), catchments and units stay the area's. ``strict`` counts
    edges with unknown relevant tags as impassable.
    """
    start = time.perf_counter()
    for p in places:
        if p.status not in STATUSES:
            raise InvalidInput(
                N_("Place {ref} has status {status!r}; use one of {choices}."), ref=p.ref or p.id, status=p.status, choices=', '.join(STATUSES),
            )
    catchments, cached = _cached_catchments(graph, anchors, params)
    routing = profile_graph(graph, profile, strict=strict)
    base_graph, graph = graph, routing.graph
    place_list = tuple(places)
    linked = _cached_place_graph(graph, place_list, base_graph)
    contraction, links, matrix = graph.contraction, linked.links, linked.matrix
    m = contraction.size  # place i is compact node m + i
    status = [p.status for p in place_list]
    is_serving = np.array([s == "serving" for s in status], bool)
    is_unknown = np.array([s == "unknown" for s in status], bool)
    limit_m = params.limit_m
    node = catchments.unit_node
    att = catchments.attachment

    if is_serving.any():
        dist_c, _, src_c = dijkstra(
            matrix, directed=True, indices=m + np.flatnonzero(is_serving), min_only=True,
            return_predecessors=True,
        )  # fmt: skip
        dist = contraction.expand(dist_c, links, is_serving)
        nearest = contraction.nearest_place(dist_c, src_c, dist, links, is_serving, catchments.lookup_nodes)
        unit_nearest, link_nearest = nearest[: node.size], nearest[node.size :]
    else:
        dist = np.full(graph.node_count, np.inf)
        unit_nearest = np.full(node.size, -1, np.int32)
        link_nearest = np.full(att.nodes.size, -1, np.int32)
    unit_d = dist[node] + catchments.unit_snap_m
    if is_unknown.any():
        # Only whether an unknown place lies within the limit matters here, so the search is
        # bounded, and starting from the unknown places alone keeps it small. (Expanded values
        # beyond the limit may be finite; they still fail the test below, as inf would.)
        dist_unknown = dijkstra(
            matrix, directed=True, indices=m + np.flatnonzero(is_unknown), min_only=True, limit=limit_m
        )
        maybe = contraction.expand(dist_unknown, links, is_unknown)[node]
        unit_d_maybe = np.minimum(dist[node], maybe) + catchments.unit_snap_m
    else:
        unit_d_maybe = unit_d

    code = np.where(unit_d <= limit_m, 0, np.where(unit_d_maybe <= limit_m, 2, 1))  # UNIT_STATES
    state = _STATE_NAMES[code]
    is_firm = is_serving & ~np.array([p.presumed for p in place_list], bool)
    if is_firm.sum() == is_serving.sum():
        presumed = np.zeros(node.size, bool)
    else:
        # Served units that no place serving on recorded facts reaches within the limit.
        firm_d = np.full(graph.node_count, np.inf)
        if is_firm.any():
            firm_c = dijkstra(matrix, directed=True, indices=m + np.flatnonzero(is_firm), min_only=True, limit=limit_m)
            firm_d = contraction.expand(firm_c, links, is_firm)
        presumed = (code == 0) & ~(firm_d[node] + catchments.unit_snap_m <= limit_m)

    anchor_results = _anchor_table(catchments, place_list, dist, link_nearest, code, presumed, params)
    if not routing.is_default:
        anchor_results = _route_notes(routing, base_graph, catchments, place_list, is_serving, dist, anchor_results)
    counts = dict(zip(UNIT_STATES, np.bincount(code, minlength=3).tolist(), strict=True))
    counts["presumed"] = int(presumed.sum())
    return GapResult(
        params=params,
        cells=list(catchments.cells),  # the result's own list: the catchments' are shared
        unit_lon=catchments.unit_lon,
        unit_lat=catchments.unit_lat,
        unit_distance_m=unit_d,
        unit_minutes=unit_d / params.metres_per_minute,
        unit_state=state,
        unit_presumed=presumed,
        unit_nearest_index=unit_nearest,
        unit_snap_m=catchments.unit_snap_m,
        unit_node=node,
        unit_anchor_count=catchments.unit_anchor_count,
        anchors=anchor_results,
        node_distance_m=dist,
        seconds=time.perf_counter() - start,
        catchment_seconds=0.0 if cached else catchments.seconds,
        counts=counts,
        places=place_list,
        catchments=catchments,
    )


_ANCHOR_FIELDS = tuple(f.name for f in fields(AnchorResult))


def _anchor_result(*values) -> AnchorResult:
    """``AnchorResult(*values)`` without the frozen dataclass's per-field ``object.__setattr__``
    (3 µs a row, most of the anchor table's cost); the result is the same frozen instance."""
    row = object.__new__(AnchorResult)
    row.__dict__.update(zip(_ANCHOR_FIELDS, values, strict=True))
    return row


def _anchor_table(
    catchments: Catchments,
    places: tuple[GapPlace, ...],
    dist: np.ndarray,
    link_nearest: np.ndarray,
    code: np.ndarray,
    presumed: np.ndarray,
    params: GapParams,
) -> list[AnchorResult]:
    att = catchments.attachment
    reach = dist[att.nodes] + att.offset_m
    k = len(catchments.anchors)
    # Units per (anchor, state) in one count: column 1 = underserved, 2 = unknown (UNIT_STATES).
    by_state = np.bincount(catchments.pair_key + code[catchments.pair_unit], minlength=3 * k).reshape(k, 3)
    by_presumed = np.bincount(catchments.pair_anchor, weights=presumed[catchments.pair_unit], minlength=k)
    # Every anchor has at least one link: its best one is the first that reaches the minimum.
    best_d = np.minimum.reduceat(reach, att.ptr[:-1])
    hits = np.flatnonzero(reach == np.repeat(best_d, np.diff(att.ptr)))
    best_links = hits[np.searchsorted(hits, att.ptr[:-1])]
    per_minute = params.metres_per_minute
    rows = []
    for anchor, d, src, n_units, (_, n_under, n_unknown), n_presumed in zip(
        catchments.anchors,
        best_d.tolist(),
        link_nearest[best_links].tolist(),
        catchments.anchor_unit_count.tolist(),
        by_state.tolist(),
        by_presumed.tolist(),
        strict=True,
    ):
        place = places[src] if d != math.inf and src >= 0 else None
        rows.append(
            _anchor_result(
                anchor.id,
                anchor.name,
                anchor.ref,
                anchor.category,
                place.id if place else None,
                place.name if place else None,
                place.ref if place else None,
                d if place else None,
                d / per_minute if place else None,
                n_units,
                n_under / n_units if n_units else None,
                n_unknown / n_units if n_units else None,
                n_presumed / n_units if n_units else None,
                None,
                None,
            )
        )
    return rows


def _best_links(att: Attachment, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per anchor the distance through its best link and that link's index (first at the minimum)."""
    reach = dist[att.nodes] + att.offset_m
    best_d = np.minimum.reduceat(reach, att.ptr[:-1])
    hits = np.flatnonzero(reach == np.repeat(best_d, np.diff(att.ptr)))
    return best_d, hits[np.searchsorted(hits, att.ptr[:-1])]


def _serving_distances(
    graph: WalkGraph, places: tuple[GapPlace, ...], is_serving: np.ndarray
) -> np.ndarray:
    """Per network node the distance from the nearest serving place on ``graph``."""
    if not is_serving.any():
        return np.full(graph.node_count, np.inf)
    linked = _cached_place_graph(graph, places)
    contraction = graph.contraction
    dist_c = dijkstra(
        linked.matrix, directed=True, indices=contraction.size + np.flatnonzero(is_serving), min_only=True
    )
    return contraction.expand(dist_c, linked.links, is_serving)


def trace_paths(
    graph: WalkGraph, dist: np.ndarray, starts: np.ndarray, stop_m: np.ndarray
) -> list[np.ndarray | None]:
    """The network edges of a shortest walk from each of ``starts`` back to a search's source.

    ``dist`` is the search's distance per node, ``stop_m`` per node the distance at which a
    source is entered there (inf elsewhere). From each start, all walks step together, each to
    the neighbour through which its distance was reached, until a source is entered. ``None``
    for a start that is not reached (or a walk that does not end, which exact distances rule out).
    """
    m = graph.matrix
    indptr, indices, data = m.indptr, m.indices, m.data
    paths: list[list[int]] = [[] for _ in range(len(starts))]
    done: list[bool] = [False] * len(starts)
    cur = np.asarray(starts, np.int64).copy()
    active = np.flatnonzero(np.isfinite(dist[cur]))
    for _ in range(graph.node_count + 1):
        if active.size == 0:
            break
        x = cur[active]
        tol = 1e-6 * (1 + dist[x])
        arrived = dist[x] >= stop_m[x] - tol
        for k in active[arrived].tolist():
            done[k] = True
        active, x = active[~arrived], x[~arrived]
        if active.size == 0:
            break
        deg = (indptr[x + 1] - indptr[x]).astype(np.int64)
        row = np.repeat(np.arange(x.size), deg)
        pos = np.repeat(indptr[x].astype(np.int64) - np.cumsum(deg) + deg, deg) + np.arange(int(deg.sum()))
        nxt = indices[pos]
        slack = dist[nxt] + data[pos] - dist[x][row]
        order = np.lexsort((dist[nxt], slack, row))
        first = np.ones(order.size, bool)
        first[1:] = row[order][1:] != row[order][:-1]
        best = pos[order[first]]
        has = np.zeros(x.size, bool)
        has[row[order[first]]] = True
        for k, e in zip(active[has].tolist(), graph.matrix_edge[best].tolist(), strict=True):
            paths[k].append(e)
        cur[active[has]] = indices[best]
        active = active[has]
    return [np.asarray(p, np.int64) if d else None for p, d in zip(paths, done, strict=True)]


def _route_notes(
    routing: ProfileGraph,
    base_graph: WalkGraph,
    catchments: Catchments,
    places: tuple[GapPlace, ...],
    is_serving: np.ndarray,
    dist: np.ndarray,
    rows: list[AnchorResult],
) -> list[AnchorResult]:
    """Each anchor's unknown share along its profile walk, and what the profile avoids or
    cannot pass on the default walk (compared with one more search on the default graph)."""
    att = catchments.attachment
    if not rows:
        return rows
    weights = routing.weights
    length = np.asarray(base_graph.network.length_m, np.float64)
    stop = np.full(base_graph.node_count, np.inf)
    place_att = _cached_place_graph(base_graph, places).attachment
    use = is_serving[place_att.owner()]
    np.minimum.at(stop, place_att.nodes[use], place_att.offset_m[use])
    _, best = _best_links(att, dist)
    profile_paths = trace_paths(routing.graph, dist, att.nodes[best], stop)
    dist0 = _serving_distances(base_graph, places, is_serving)
    best_d0, best0 = _best_links(att, dist0)
    default_paths = trace_paths(base_graph, dist0, att.nodes[best0], stop)
    out = []
    for row, path, path0 in zip(rows, profile_paths, default_paths, strict=True):
        share = None
        note = None
        if row.distance_m is not None and path is not None:
            total = float(length[path].sum())
            share = float(length[path][weights.unknown[path]].sum()) / total if total > 0 else 0.0
        if path0 is not None and path0.size:
            rules = weights.rule[path0]
            if row.distance_m is None:
                hard = path0[~weights.keep[path0]]
                names = [WALKING_PROFILES[r].obstacle for r in weights.rule[hard].tolist() if r >= 0]
                if names:
                    note = RouteNote("only_over", tuple(dict.fromkeys(names)))
            else:
                used = np.zeros(0, np.int64) if path is None else path
                avoided = path0[(rules >= 0) & ~np.isin(path0, used)]
                names = [
                    WALKING_PROFILES[r].obstacle
                    for r in weights.rule[avoided].tolist()
                    if WALKING_PROFILES[r].effects[routing.profile].kind != "unknown"
                ]
                if names:
                    note = RouteNote("avoids", tuple(dict.fromkeys(names)))
        values = dict(row.__dict__, unknown_route_share=share, route_note=note)
        out.append(_anchor_result(*(values[f] for f in _ANCHOR_FIELDS)))
    return out


def attach_places(graph: WalkGraph, places: Sequence[GapPlace]) -> Attachment:
    """The network nodes each place reaches and the straight-line walk to each (see gaps.graph)."""
    if not places:
        return Attachment(np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0))
    xy = graph.project(np.array([p.lon for p in places]), np.array([p.lat for p in places]))
    return graph.attach(xy, [p.geometry_wkt for p in places], SNAP_M)


@dataclass(frozen=True)
class _PlaceGraph:
    """The search graph for one set of places: the contracted network plus one node per place
    (compact index ``graph.contraction.size + i``) with one-way links into it."""

    attachment: Attachment
    links: PlaceLinks
    matrix: csr_matrix


def _cached_place_graph(
    graph: WalkGraph, places: tuple[GapPlace, ...], base: WalkGraph | None = None
) -> _PlaceGraph:
    """The place graph of ``places`` on ``graph``; a profile's graph (``base``: the area's graph,
    whose nodes and snapping it shares) reuses the area's attachment instead of snapping again."""

    def build() -> _PlaceGraph:
        if base is not None and base is not graph:
            attachment = _cached_place_graph(base, places).attachment
        else:
            attachment = attach_places(graph, places)
        contraction = graph.contraction
        links = contraction.link(attachment)
        matrix = _link_places(contraction.matrix, attachment.count, links.place, links.node, links.offset_m)
        return read_only(_PlaceGraph(attachment, links, matrix))

    # Statuses are left out of the key: another group reuses the same links and matrix.
    return graph.cache.get_or_build(("places", _place_key(places)), build)[0]


def _with_place_nodes(graph: WalkGraph, attachment: Attachment) -> csr_matrix:
    """The full network plus one node per place (index ``n + i``) with one-way links into the network."""
    return _link_places(
        graph.matrix, attachment.count, attachment.owner(), attachment.nodes, attachment.offset_m
    )


def _link_places(
    base: csr_matrix, count: int, owner: np.ndarray, nodes: np.ndarray, offset_m: np.ndarray
) -> csr_matrix:
    """``base`` plus ``count`` place nodes (index ``len(base) + i``), with one-way links from place
    ``owner[k]`` to ``nodes[k]`` (numbered as in ``base``, at most one per pair)."""
    n = base.shape[0]
    size = n + count
    coo = base.tocoo()
    rows = np.concatenate([coo.row, n + owner])
    cols = np.concatenate([coo.col, nodes])
    data = np.concatenate([coo.data, offset_m])
    matrix = csr_matrix((data, (rows, cols)), shape=(size, size))
    matrix.sort_indices()
    return matrix


def _candidate_cells(graph: WalkGraph, inside: np.ndarray, resolution: int) -> list[str]:
    lon, lat = graph.network.lon[inside], graph.network.lat[inside]
    if lon.size == 0:
        return []
    west, south, east, north = grow_bbox(
        (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())), MAX_UNIT_SNAP_M
    )
    box = h3.LatLngPoly([(south, west), (south, east), (north, east), (north, west)])
    return sorted(h3.polygon_to_cells(box, resolution))


def _place_key(places: Sequence[GapPlace]) -> tuple:
    return tuple((p.id, p.lon, p.lat, p.geometry_wkt) for p in places)


def _cached_catchments(
    graph: WalkGraph, anchors: Sequence[GapPlace], params: GapParams
) -> tuple[Catchments, bool]:
    key = ("catchments", _place_key(anchors), float(params.catchment_m), int(params.h3_resolution))
    return graph.cache.get_or_build(
        key,
        lambda: compute_catchments(
            graph, anchors, catchment_m=params.catchment_m, h3_resolution=params.h3_resolution
        ),
    )


def cached_catchments(graph: WalkGraph, anchors: Sequence[GapPlace], params: GapParams) -> Catchments:
    """The anchors' catchments for ``params``, as :func:`compute_gaps` uses them (built once per
    graph, anchors, catchment size and hexagon size; shared and read-only)."""
    return _cached_catchments(graph, anchors, params)[0]


def compute_place_reach(
    graph: WalkGraph,
    *,
    anchors: Sequence[GapPlace],
    places: Sequence[GapPlace],
    sources: Sequence[int] | np.ndarray,
    params: GapParams = GapParams(),  # noqa: B008 - frozen, so sharing the default is safe
) -> csr_matrix:
    """Which units each of the places ``sources`` (distinct indices into ``places``) reaches within
    the time limit: a boolean ``len(sources) × units`` matrix, units in :attr:`GapResult.cells` order.

    Entry ``(k, u)`` is set when the walk from place ``places[sources[k]]`` to unit ``u`` – network
    distance to the unit's node plus the unit's snap – is at most ``params.limit_m``: exactly the
    test by which :func:`compute_gaps` calls a unit ``served``. So a unit ``unknown`` in a gap map
    turns ``served`` when that one place turns serving iff its entry is set.

    Bounded searches, several sources per call of scipy's ``dijkstra`` (``limit=limit_m``), on the
    same contracted place graph :func:`compute_gaps` uses; sources go in chunks so the dense rows
    stay within ``_CHUNK_FLOATS``. Distances are read at the units' nodes only (through the ends
    of their segments, plus the place's own direct walks into a segment). A distance beyond the
    limit may be overestimated there, never one within it (a node within the limit is reached
    through an end within the limit, whose distance the bounded search has exactly).
    """
    catchments = cached_catchments(graph, anchors, params)
    place_list = tuple(places)
    src = np.asarray(sources, np.int64).reshape(-1)
    if src.size and (src.min() < 0 or src.max() >= len(place_list)):
        raise ValueError("sources must be indices into places")
    if np.unique(src).size != src.size:
        raise ValueError("sources must be distinct")
    units = catchments.unit_count
    if src.size == 0 or units == 0:
        return csr_matrix((src.size, units), dtype=bool)
    linked = _cached_place_graph(graph, place_list)
    contraction, links, matrix = graph.contraction, linked.links, linked.matrix
    m = contraction.size
    limit_m = params.limit_m

    unode, inverse = np.unique(catchments.unit_node, return_inverse=True)
    left, right = contraction.left[unode], contraction.right[unode]
    left_m, right_m = contraction.left_m[unode], contraction.right_m[unode]
    pos = np.full(graph.node_count, -1, np.int64)
    pos[unode] = np.arange(unode.size)
    direct_pos = pos[links.direct_node]
    has = direct_pos >= 0
    direct_place, direct_pos, direct_m = links.direct_place[has], direct_pos[has], links.direct_m[has]
    snap = catchments.unit_snap_m

    row_of = np.full(len(place_list), -1, np.int64)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    chunk = max(1, _CHUNK_FLOATS // matrix.shape[0])
    for lo in range(0, src.size, chunk):
        part = src[lo : lo + chunk]
        dist = np.atleast_2d(dijkstra(matrix, directed=True, indices=m + part, limit=limit_m))
        at = np.minimum(dist[:, left] + left_m, dist[:, right] + right_m)  # rows × unit nodes
        row_of[part] = np.arange(part.size)
        mine = row_of[direct_place] >= 0
        np.minimum.at(at, (row_of[direct_place[mine]], direct_pos[mine]), direct_m[mine])
        row_of[part] = -1
        r, c = np.nonzero(at[:, inverse] + snap <= limit_m)  # as compute_gaps tests `served`
        rows.append(r + lo)
        cols.append(c)
    r_all, c_all = np.concatenate(rows), np.concatenate(cols)
    return csr_matrix((np.ones(r_all.size, bool), (r_all, c_all)), shape=(src.size, units))
