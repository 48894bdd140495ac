"""The walking network as a searchable graph: a CSR matrix, node positions in metres, a KD-tree.

Built once per area with :func:`build_graph` and reused for every gap map (keep it in
``st.cache_resource``, never in ``st.cache_data``, which would copy it on every hit).

Places are attached to the network by *snapping*, because OSM entrances are not part of the
walking network: a place reaches every network node on or inside its polygon, or within
``snap_m`` of its outline or point, at the straight-line distance to the outline; if no node is
that close, the single nearest node at its distance. A park is therefore reached at its edge where
a street runs along it, not at its far-away centroid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyproj
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from catalogue.model import WalkNetwork

SNAP_M = 25.0
# Fragments smaller than this (a courtyard footway, a piece cut off by the extract's box) are not
# snapped to: a unit or place snapped there would look unreachable although a street is metres away.
MIN_COMPONENT_NODES = 50


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
    cache: dict = field(default_factory=dict, repr=False)  # per-area results reused across gap maps

    @property
    def node_count(self) -> int:
        return self.network.node_count

    def project(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """WGS84 degrees → (n, 2) metres in the graph's UTM zone."""
        x, y = self._to_xy.transform(np.asarray(lon, float), np.asarray(lat, float))
        return np.column_stack([x, y])

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
    keep = u != v
    u, v, w = u[keep], v[keep], w[keep]
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    # Parallel edges would be summed by the sparse constructor; keep the shortest instead.
    order = np.lexsort((w, hi, lo))
    lo, hi, w = lo[order], hi[order], w[order]
    first = np.ones(lo.shape, bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    lo, hi, w = lo[first], hi[first], w[first]
    # Both directions stored so searches run directed=True: scipy then skips building the
    # transpose on every call, and the one-way place links in gaps.py stay one-way.
    matrix = csr_matrix(
        (np.concatenate([w, w]), (np.concatenate([lo, hi]), np.concatenate([hi, lo]))), shape=(n, n)
    )
    matrix.sort_indices()

    lon = np.asarray(network.lon, float)
    lat = np.asarray(network.lat, float)
    crs = _utm_crs(lon, lat)
    to_xy = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = to_xy.transform(lon, lat)
    xy = np.column_stack([x, y]) if n else np.zeros((0, 2))

    if n:
        _, labels = connected_components(matrix, directed=False)
        sizes = np.bincount(labels)
        big = (sizes >= MIN_COMPONENT_NODES) | (sizes == sizes.max())
        snappable = np.flatnonzero(big[labels]).astype(np.int32)
    else:
        snappable = np.zeros(0, np.int32)
    tree = cKDTree(xy[snappable] if n else np.zeros((0, 2)))
    return WalkGraph(network, matrix, xy, crs, snappable, tree, to_xy)


def network_distances(graph: WalkGraph, nodes: Sequence[int], *, limit: float = np.inf) -> np.ndarray:
    """Walking distance (m) from each of ``nodes`` to every node: one row per source; ``inf`` = unreachable."""
    return dijkstra(graph.matrix, directed=True, indices=np.asarray(nodes, np.int32), limit=limit)


def _utm_crs(lon: np.ndarray, lat: np.ndarray) -> pyproj.CRS:
    if lon.size == 0:
        return pyproj.CRS.from_epsg(32632)
    lon0, lat0 = float(np.median(lon)), float(np.median(lat))
    zone = int((lon0 + 180) // 6) % 60 + 1
    return pyproj.CRS.from_epsg((32600 if lat0 >= 0 else 32700) + zone)
