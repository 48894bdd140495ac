"""The walking network as a searchable graph: a CSR matrix, node positions in metres, a KD-tree.

Built once per area with :func:`build_graph` and reused for every gap map (keep it in
``st.cache_resource``, never in ``st.cache_data``, which would copy it on every hit).

Places are attached to the network by *snapping*, because OSM entrances are not part of the
walking network: a place reaches every network node on or inside its polygon, or within
``snap_m`` of its outline or point, at the straight-line distance to the outline; if no node is
that close, the single nearest node at its distance. A park is therefore reached at its edge where
a street runs along it, not at its far-away centroid.

Searches run on a *contracted* network: most street nodes only continue a way (degree 2), so
the graph is cut into :class:`Segments` (maximal paths whose inner nodes all have degree 2) once
per area, and :attr:`WalkGraph.contraction` keeps only the segment ends that are not dead ends.
A removed node ``x`` of a segment with ends ``a``, ``b`` is reached through one of them or, when a
place attaches inside the segment, along it from there, so after a search its distance is
``min(d(a) + ax, d(b) + bx, direct walks)`` (:meth:`Contraction.expand`) – the same value a search
over the full network gives, at a fraction of the search cost (the search visits every node, and
on the real extracts about a quarter of them remain).

One graph serves every session at once (``st.cache_resource`` hands all of them the same object),
so what it learns on the way – the contraction, and the catchments and place links of
:mod:`gaps.engine` – goes through :class:`AreaCache`: built once by whichever session needs it
first, published complete, and read-only afterwards.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pyproj
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from base.geo import utm_crs
from catalogue.model import WalkNetwork

SNAP_M = 25.0
# Fragments smaller than this (a courtyard footway, a piece cut off by the extract's box) are not
# snapped to: a unit or place snapped there would look unreachable although a street is metres away.
MIN_COMPONENT_NODES = 50
# Values kept per kind (first part of the key) in an AreaCache; the oldest goes first.
CACHE_SIZE = 4

T = TypeVar("T")


class AreaCache:
    """Per-area results kept on a graph and shared by all sessions that use it.

    Safe under concurrent use: a hit is one dictionary read; on a miss the value is built once
    while other threads asking for the same key wait for it (different keys build in parallel),
    and only a complete value is published. Values are shared, so builders hand over read-only
    arrays (:func:`read_only`) – a stray in-place write then fails instead of changing the gap
    maps of every other session.
    """

    def __init__(self, keep: int = CACHE_SIZE) -> None:
        self.keep = keep
        self._values: dict[tuple, Any] = {}
        self._building: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()  # guards both dicts; never held while building

    def get_or_build(self, key: tuple, build: Callable[[], T]) -> tuple[T, bool]:
        """The value for ``key`` and whether it was cached, building it with ``build()`` if not."""
        value = self._values.get(key, _MISSING)
        if value is not _MISSING:
            return value, True
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            value = self._values.get(key, _MISSING)  # built while this thread waited
            if value is not _MISSING:
                return value, True
            try:
                value = build()
                with self._lock:
                    self._values[key] = value
                    same_kind = [k for k in self._values if k[0] == key[0]]
                    for old in same_kind[: -self.keep]:
                        del self._values[old]
            finally:
                with self._lock:
                    self._building.pop(key, None)
        return value, False


_MISSING = object()


def read_only(value: T) -> T:
    """Mark the arrays of a dataclass (nested ones and sparse matrices too) read-only; returns it."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, csr_matrix):
        for part in (value.data, value.indices, value.indptr):
            part.flags.writeable = False
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            read_only(getattr(value, f.name))
    return value


@dataclass(frozen=True)
class Attachment:
    """How a set of places reaches the network: place ``i`` reaches ``nodes[ptr[i]:ptr[i+1]]``
    after walking ``offset_m`` (straight line) to each of them."""

    ptr: np.ndarray  # int64, len = places + 1
    nodes: np.ndarray  # int32, network node indices
    offset_m: np.ndarray  # float64

    @property
    def count(self) -> int:
        return int(self.ptr.shape[0] - 1)

    def owner(self) -> np.ndarray:
        """The place index of every attachment entry."""
        return np.repeat(np.arange(self.count), np.diff(self.ptr))


@dataclass(frozen=True)
class Segments:
    """The network as maximal paths whose inner nodes all have degree 2 (built once per area).

    Segment ``j`` visits ``node[ptr[j]:ptr[j+1]]`` in walking order, ``cum_m`` metres from its first
    node. Every edge lies on exactly one segment and every node of degree 2 is inside exactly one;
    the ends are the nodes in ``end`` (degree ≠ 2, plus one node of every ring of degree-2 nodes).
    """

    node: np.ndarray  # int32
    cum_m: np.ndarray  # float64
    ptr: np.ndarray  # int64, len = segments + 1
    end: np.ndarray  # bool per network node


@dataclass(frozen=True)
class PlaceLinks:
    """Places linked to a :class:`Contraction` (place ``i`` is compact node ``size + i``).

    A place that reaches a removed node ``x`` links to the two ends of ``x``'s segment instead
    (offset plus the walk along the segment), which keeps the ends' distances exact. The removed
    nodes of that segment are then also reached *directly*, without passing an end:
    ``direct_m`` metres from place ``direct_place`` to network node ``direct_node``.
    """

    place: np.ndarray  # int32 ┐ one-way link from the place to compact node
    node: np.ndarray  # int32  │ (shortest of several to the same node)
    offset_m: np.ndarray  # float64 ┘
    direct_place: np.ndarray  # int32
    direct_node: np.ndarray  # int32, network node index
    direct_m: np.ndarray  # float64


@dataclass(frozen=True)
class Contraction:
    """The network reduced to its segment ends, and how to recover every removed node.

    Compact node ``i`` is network node ``kept[i]``. A removed node ``x`` is left through compact
    node ``left[x]`` or ``right[x]`` (the ends of its segment; the same one twice on a dead-end
    segment, whose dead end is removed too); a kept node has ``compact[x]`` there, with 0 m.
    Segment ``j``'s removed nodes are its slots ``removed_start[j]`` to ``removed_start[j] +
    removed_count[j] - 1``, left through slots ``exit_lo[j]`` and ``exit_hi[j]``.
    """

    kept: np.ndarray  # int32, network node of every compact node
    compact: np.ndarray  # int32 per network node, -1 = removed
    matrix: csr_matrix  # compact × compact, both directions stored
    left: np.ndarray  # int32 per network node
    right: np.ndarray  # int32 per network node
    left_m: np.ndarray  # float64 per network node
    right_m: np.ndarray  # float64 per network node
    slot: np.ndarray  # int64 per network node: its position in ``segments.node``, -1 = kept
    segments: Segments
    removed_start: np.ndarray  # int64 per segment
    removed_count: np.ndarray  # int64 per segment
    exit_lo: np.ndarray  # int64 per segment
    exit_hi: np.ndarray  # int64 per segment

    @property
    def size(self) -> int:
        return int(self.kept.shape[0])

    def link(self, attachment: Attachment) -> PlaceLinks:
        """Turn an attachment to network nodes into links to compact nodes (see :class:`PlaceLinks`)."""
        seg = self.segments
        owner = attachment.owner().astype(np.int64)
        nodes, offset = attachment.nodes, attachment.offset_m
        slot = self.slot[nodes]
        inner = slot >= 0
        s = slot[inner]
        seg_id = np.searchsorted(seg.ptr, s, side="right") - 1
        lo, hi = self.exit_lo[seg_id], self.exit_hi[seg_id]
        o, p = offset[inner], owner[inner]
        place = np.concatenate([owner[~inner], p, p])
        node = np.concatenate(
            [self.compact[nodes[~inner]], self.compact[seg.node[lo]], self.compact[seg.node[hi]]]
        )
        along_lo, along_hi = np.abs(seg.cum_m[s] - seg.cum_m[lo]), np.abs(seg.cum_m[hi] - seg.cum_m[s])
        off = np.concatenate([offset[~inner], o + along_lo, o + along_hi])
        place, node, off = _shortest(place, node.astype(np.int64), off)

        # Direct walks: from every inner link to every removed node of the same segment.
        count = self.removed_count[seg_id]
        pair = np.repeat(np.arange(s.size), count)
        z = np.repeat(self.removed_start[seg_id] - np.cumsum(count) + count, count) + np.arange(
            int(count.sum())
        )
        d_place, d_slot, d_m = _shortest(p[pair], z, o[pair] + np.abs(seg.cum_m[z] - seg.cum_m[s[pair]]))
        return PlaceLinks(
            place.astype(np.int32), node.astype(np.int32), off,
            d_place.astype(np.int32), seg.node[d_slot], d_m,
        )  # fmt: skip

    def expand(
        self, dist: np.ndarray, links: PlaceLinks | None = None, searched: np.ndarray | None = None
    ) -> np.ndarray:
        """Every network node's distance from the compact nodes' distances ``dist`` of a search.

        ``searched`` (bool per place) says which places of ``links`` the search started from:
        their direct walks into segments count too.
        """
        full = np.minimum(dist[self.left] + self.left_m, dist[self.right] + self.right_m)
        if links is not None and links.direct_place.size:
            if searched is None:
                raise ValueError("expand() needs `searched` together with `links`")
            use = searched[links.direct_place]
            np.minimum.at(full, links.direct_node[use], links.direct_m[use])
        return full

    def nearest_place(
        self,
        dist: np.ndarray,
        source: np.ndarray,
        full: np.ndarray,
        links: PlaceLinks,
        searched: np.ndarray,
        nodes: np.ndarray,
    ) -> np.ndarray:
        """The place (index, -1 = none) each of the network ``nodes`` is reached from.

        ``dist``/``source`` are the compact result of a ``min_only`` search from the places
        ``searched``, ``full`` what :meth:`expand` made of it.
        """
        left, right = self.left[nodes], self.right[nodes]
        via_left = dist[left] + self.left_m[nodes]
        via_right = dist[right] + self.right_m[nodes]
        src = np.where(via_left <= via_right, source[left], source[right])
        place = np.where(src >= self.size, src - self.size, -1).astype(np.int32)
        if links.direct_place.size:
            # Where a direct walk is shorter than both ways through the ends, it names the place.
            direct = np.flatnonzero(full[nodes] < np.minimum(via_left, via_right))
            if direct.size:
                use = np.flatnonzero(searched[links.direct_place])
                node = links.direct_node[use]
                wins = use[links.direct_m[use] <= full[node]]
                by_node = np.full(full.shape[0], -1, np.int32)
                by_node[links.direct_node[wins]] = links.direct_place[wins]
                place[direct] = by_node[nodes[direct]]
        return place


def _shortest(group: np.ndarray, key: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, ...]:
    """Keep the smallest ``value`` per (group, key)."""
    order = np.lexsort((value, key, group))
    group, key, value = group[order], key[order], value[order]
    first = np.ones(group.shape, bool)
    first[1:] = (group[1:] != group[:-1]) | (key[1:] != key[:-1])
    return group[first], key[first], value[first]


@dataclass(eq=False)
class WalkGraph:
    """A walking network ready for shortest-path searches. Build it with :func:`build_graph`."""

    network: WalkNetwork
    matrix: csr_matrix  # symmetric (both directions stored), shortest of any parallel edges
    xy: np.ndarray  # (n, 2) node positions in metres (UTM)
    crs: pyproj.CRS
    snappable: np.ndarray  # node indices that places and units may snap to
    tree: cKDTree  # over xy[snappable]
    _to_xy: pyproj.Transformer = field(repr=False)
    segments: Segments
    cache: AreaCache = field(default_factory=AreaCache, repr=False)  # per-area results, shared by sessions
    # The network edge behind each stored entry of ``matrix`` (to read tags along a found path).
    matrix_edge: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)

    @property
    def node_count(self) -> int:
        return self.network.node_count

    def project(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """WGS84 degrees → (n, 2) metres in the graph's UTM zone."""
        x, y = self._to_xy.transform(np.asarray(lon, float), np.asarray(lat, float))
        return np.column_stack([x, y])

    def reweighted(self, key: tuple, weight_m: np.ndarray, keep: np.ndarray) -> WalkGraph:
        """The same network with edge ``k`` weighing ``weight_m[k]`` and only the edges ``keep``
        (a walking profile), built once per ``key`` and cached on this graph.

        Nodes, positions and snapping are shared with this graph, so places and units attach to
        the same nodes; only the matrix, its segments and contraction (and so every search) are
        the profile's own.
        """

        def build() -> WalkGraph:
            net = self.network
            edges = np.flatnonzero(keep)
            matrix, matrix_edge = _symmetric_matrix_with_edges(
                np.asarray(net.u, np.int64)[edges], np.asarray(net.v, np.int64)[edges],
                np.asarray(weight_m, np.float64)[edges], self.node_count, edges,
            )  # fmt: skip
            labels = connected_components(matrix, directed=False)[1] if self.node_count else np.zeros(0, np.int32)
            segments = _segments(matrix, labels)
            for shared in (matrix, matrix_edge, segments):
                read_only(shared)
            return dataclasses.replace(
                self, matrix=matrix, segments=segments, cache=AreaCache(), matrix_edge=matrix_edge
            )

        return self.cache.get_or_build(("reweighted", *key), build)[0]

    @property
    def contraction(self) -> Contraction:
        """The network reduced to the ends of its segments, dead ends removed too (built on first
        use, once per area)."""
        return self.cache.get_or_build(("contraction",), self._contract)[0]

    def _contract(self) -> Contraction:
        seg = self.segments
        n = self.node_count
        deg = np.diff(self.matrix.indptr)
        first, last = seg.ptr[:-1], seg.ptr[1:] - 1
        a, b = seg.node[first], seg.node[last]
        # A dead end is reached only through the other end of its segment: removed too (unless
        # that end is a dead end as well, on a lone stretch of way).
        drop_a = (deg[a] == 1) & (deg[b] != 1)
        drop_b = (deg[b] == 1) & (deg[a] != 1)
        is_kept = seg.end.copy()
        is_kept[a[drop_a]] = False
        is_kept[b[drop_b]] = False
        kept = np.flatnonzero(is_kept).astype(np.int32)
        compact = np.full(n, -1, np.int32)
        compact[kept] = np.arange(kept.size, dtype=np.int32)
        both = ~(drop_a | drop_b)
        matrix = _symmetric_matrix(
            compact[a[both]].astype(np.int64),
            compact[b[both]].astype(np.int64),
            seg.cum_m[last[both]],
            kept.size,
        )
        exit_lo, exit_hi = np.where(drop_a, last, first), np.where(drop_b, first, last)
        start = first + ~drop_a
        count = last - ~drop_b - start + 1
        segment = np.repeat(np.arange(first.size), count)
        slots = np.repeat(start - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        left, right = compact.copy(), compact.copy()
        left_m, right_m = np.zeros(n), np.zeros(n)
        slot = np.full(n, -1, np.int64)
        x = seg.node[slots]
        lo, hi = exit_lo[segment], exit_hi[segment]
        left[x] = compact[seg.node[lo]]
        right[x] = compact[seg.node[hi]]
        left_m[x] = np.abs(seg.cum_m[slots] - seg.cum_m[lo])
        right_m[x] = np.abs(seg.cum_m[hi] - seg.cum_m[slots])
        slot[x] = slots
        # Nodes on no segment (isolated) are kept, so every entry is set.
        return read_only(
            Contraction(
                kept, compact, matrix, left, right, left_m, right_m, slot, seg, start, count, exit_lo, exit_hi
            )
        )

    def snap(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest snappable node (index) and the straight-line distance to it, per point."""
        if self.snappable.size == 0:
            raise ValueError("the walking network has no nodes to snap to")
        dist, pos = self.tree.query(xy)
        return self.snappable[pos].astype(np.int32), dist

    def attach(self, points_xy: np.ndarray, wkts: Sequence[str | None], snap_m: float = SNAP_M) -> Attachment:
        """Network nodes each place reaches (see the module docstring), with the walk to each."""
        ptr = [0]
        nodes: list[np.ndarray] = []
        offsets: list[np.ndarray] = []
        near_lists = self.tree.query_ball_point(points_xy, snap_m) if len(points_xy) else []
        for i, wkt in enumerate(wkts):
            if wkt:
                geom = shapely.transform(shapely.from_wkt(wkt), self._project_xy)
                node_pos, dist = self._near_geometry(geom, snap_m)
            else:
                node_pos = np.asarray(near_lists[i], dtype=np.int64)
                dist = (
                    np.hypot(*(self.tree.data[node_pos] - points_xy[i]).T) if node_pos.size else np.zeros(0)
                )
                if node_pos.size == 0:
                    d, p = self.tree.query(points_xy[i])
                    node_pos, dist = np.array([p]), np.array([d])
            nodes.append(self.snappable[node_pos].astype(np.int32))
            offsets.append(np.asarray(dist, float))
            ptr.append(ptr[-1] + len(node_pos))
        return Attachment(
            np.asarray(ptr, np.int64),
            np.concatenate(nodes) if nodes else np.zeros(0, np.int32),
            np.concatenate(offsets) if offsets else np.zeros(0),
        )

    def _project_xy(self, coords: np.ndarray) -> np.ndarray:
        return self.project(coords[:, 0], coords[:, 1])

    def _near_geometry(self, geom, snap_m: float) -> tuple[np.ndarray, np.ndarray]:
        minx, miny, maxx, maxy = geom.bounds
        centre = np.array([(minx + maxx) / 2, (miny + maxy) / 2])
        radius = float(np.hypot(maxx - minx, maxy - miny)) / 2 + snap_m
        cand = np.asarray(self.tree.query_ball_point(centre, radius), dtype=np.int64)
        if cand.size:
            dist = shapely.distance(geom, shapely.points(self.tree.data[cand]))
            keep = dist <= snap_m
            if keep.any():
                return cand[keep], dist[keep]
        # Nothing within snap_m: the node nearest to any vertex of the outline.
        verts = shapely.get_coordinates(geom)
        _, pos = self.tree.query(verts)
        pos = np.unique(pos)
        dist = shapely.distance(geom, shapely.points(self.tree.data[pos]))
        best = int(np.argmin(dist))
        return pos[best : best + 1], dist[best : best + 1]


def build_graph(network: WalkNetwork) -> WalkGraph:
    """Turn the compact network arrays into a searchable graph (once per area)."""
    n = network.node_count
    u = np.asarray(network.u, np.int64)
    v = np.asarray(network.v, np.int64)
    w = np.asarray(network.length_m, np.float64)
    matrix, matrix_edge = _symmetric_matrix_with_edges(u, v, w, n, np.arange(u.size))

    lon = np.asarray(network.lon, float)
    lat = np.asarray(network.lat, float)
    crs = utm_crs(lon, lat)
    to_xy = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = to_xy.transform(lon, lat)
    xy = np.column_stack([x, y]) if n else np.zeros((0, 2))

    if n:
        _, labels = connected_components(matrix, directed=False)
        sizes = np.bincount(labels)
        big = (sizes >= MIN_COMPONENT_NODES) | (sizes == sizes.max())
        snappable = np.flatnonzero(big[labels]).astype(np.int32)
    else:
        labels = np.zeros(0, np.int32)
        snappable = np.zeros(0, np.int32)
    tree = cKDTree(xy[snappable] if n else np.zeros((0, 2)))
    segments = _segments(matrix, labels)
    for shared in (matrix, xy, snappable, segments, matrix_edge):  # one graph serves every session
        read_only(shared)
    return WalkGraph(network, matrix, xy, crs, snappable, tree, to_xy, segments, matrix_edge=matrix_edge)


def _symmetric_matrix(u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int) -> csr_matrix:
    """Undirected edges as a CSR matrix with both directions stored, no loops, shortest of parallel edges.

    Both directions are stored so searches run directed=True: scipy then skips building the
    transpose on every call, and the one-way place links in gaps.py stay one-way.
    """
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    keep = lo != hi
    lo, hi, w = lo[keep], hi[keep], w[keep]
    # The sparse constructor would sum parallel edges; keep the shortest instead.
    order = np.lexsort((w, hi, lo))
    lo, hi, w = lo[order], hi[order], w[order]
    first = np.ones(lo.shape, bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    lo, hi, w = lo[first], hi[first], w[first]
    matrix = csr_matrix(
        (np.concatenate([w, w]), (np.concatenate([lo, hi]), np.concatenate([hi, lo]))), shape=(n, n)
    )
    matrix.sort_indices()
    return matrix


def _symmetric_matrix_with_edges(
    u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int, edge: np.ndarray
) -> tuple[csr_matrix, np.ndarray]:
    """:func:`_symmetric_matrix`, plus the edge id ``edge[k]`` behind every stored entry."""
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    keep = lo != hi
    lo, hi, w, edge = lo[keep], hi[keep], w[keep], np.asarray(edge, np.int64)[keep]
    order = np.lexsort((w, hi, lo))
    lo, hi, w, edge = lo[order], hi[order], w[order], edge[order]
    first = np.ones(lo.shape, bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    lo, hi, w, edge = lo[first], hi[first], w[first], edge[first]
    rows, cols = np.concatenate([lo, hi]), np.concatenate([hi, lo])
    order = np.lexsort((cols, rows))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]).astype(np.int32)
    data = np.concatenate([w, w])[order]
    matrix = csr_matrix((data, cols[order].astype(np.int32), indptr), shape=(n, n))
    matrix.has_sorted_indices = True
    return matrix, np.concatenate([edge, edge])[order]


def _segments(matrix: csr_matrix, labels: np.ndarray) -> Segments:
    """Cut the (simple, symmetric) network into segments; all walks advance together, one step a round."""
    n = matrix.shape[0]
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    deg = np.diff(indptr)
    end = deg != 2
    if n:
        # A component made only of degree-2 nodes is a ring: one of its nodes becomes an end.
        ring = np.bincount(labels, weights=end, minlength=labels.max() + 1) == 0
        in_ring = np.flatnonzero(ring[labels])
        _, first = np.unique(labels[in_ring], return_index=True)
        end[in_ring[first]] = True
    rows = np.repeat(np.arange(n), deg)
    # Edges between two ends are segments of their own (stored once, low index first).
    direct = np.flatnonzero(end[rows] & end[indices] & (rows < indices))
    # Every other segment is walked from each of its ends; one of the two walks is kept below.
    start = np.flatnonzero(end[rows] & ~end[indices])
    walks = start.size
    prev, cur = rows[start], indices[start].astype(np.int64)
    cum = data[start].astype(np.float64)
    rec_walk, rec_node, rec_cum = [np.arange(walks), np.arange(walks)], [prev, cur], [np.zeros(walks), cum]
    rec_step = [np.zeros(walks, np.int64), np.ones(walks, np.int64)]
    last_prev = np.empty(walks, np.int64)
    last_node = np.empty(walks, np.int64)
    active = np.arange(walks)
    step = 1
    while active.size:
        pos = indptr[cur]
        pos = np.where(indices[pos] != prev, pos, pos + 1)
        prev, cur = cur, indices[pos].astype(np.int64)
        cum = cum + data[pos]
        step += 1
        rec_walk.append(active)
        rec_node.append(cur)
        rec_cum.append(cum)
        rec_step.append(np.full(active.size, step, np.int64))
        done = end[cur]
        last_prev[active[done]] = prev[done]
        last_node[active[done]] = cur[done]
        going = ~done
        active, prev, cur, cum = active[going], prev[going], cur[going], cum[going]
    # Keep the walk whose first step (end, next node) sorts before its last step reversed.
    first_a, first_b = rows[start], indices[start]
    keep_walk = (first_a < last_node) | ((first_a == last_node) & (first_b < last_prev))
    walk = np.concatenate(rec_walk)
    sel = keep_walk[walk]
    walk = walk[sel]
    order = np.lexsort((np.concatenate(rec_step)[sel], walk))
    chain_node = np.concatenate(rec_node)[sel][order]
    chain_cum = np.concatenate(rec_cum)[sel][order]
    chain_len = np.bincount(walk, minlength=walks)[keep_walk]
    node = np.concatenate([np.column_stack([rows[direct], indices[direct]]).ravel(), chain_node])
    cum_m = np.concatenate([np.column_stack([np.zeros(direct.size), data[direct]]).ravel(), chain_cum])
    lengths = np.concatenate([np.full(direct.size, 2, np.int64), chain_len])
    ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return Segments(node.astype(np.int32), cum_m.astype(np.float64), ptr, end)


def network_distances(graph: WalkGraph, nodes: Sequence[int], *, limit: float = np.inf) -> np.ndarray:
    """Walking distance (m) from each of ``nodes`` to every node: one row per source; ``inf`` = unreachable."""
    return dijkstra(graph.matrix, directed=True, indices=np.asarray(nodes, np.int32), limit=limit)

