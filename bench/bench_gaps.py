"""Benchmark the gap map against networkx, and on a city-sized network.

    python bench/bench_gaps.py [--extract PATH] [--tiles 5]

Prints one table. The city-sized network is synthetic: the extract's street network copied
``tiles × tiles`` times, each copy shifted by the extract's width/height, neighbouring copies
stitched where their border nodes come close. Places and anchors are copied with it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree
from shapely import affinity

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from base.geo import local_projection  # noqa: E402
from catalogue.categories import ANCHOR_IDS  # noqa: E402
from catalogue.model import WalkNetwork  # noqa: E402
from catalogue.osm_file import read_osm_file  # noqa: E402
from gaps.engine import GapParams, GapPlace, attach_places, compute_gaps  # noqa: E402
from gaps.graph import build_graph  # noqa: E402

DEFAULT_EXTRACT = ROOT.parent / "shared" / "data" / "berlin-reinickendorf-borsigwalde.osm.pbf"


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    """Median wall time in seconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def gap_places(places, rng: np.random.Generator) -> tuple[list[GapPlace], list[GapPlace]]:
    anchors = [
        GapPlace(p.ref, p.name, p.ref, p.category, p.lon, p.lat, p.geometry_wkt)
        for p in places
        if p.category in ANCHOR_IDS
    ]
    others = [p for p in places if p.category not in ANCHOR_IDS]
    status = rng.choice(["serving", "unknown", "not"], size=len(others), p=[0.5, 0.25, 0.25])
    return anchors, [
        GapPlace(p.ref, p.name, p.ref, p.category, p.lon, p.lat, p.geometry_wkt, s)
        for p, s in zip(others, status, strict=True)
    ]


def regroup(places: list[GapPlace], rng: np.random.Generator) -> list[GapPlace]:
    """The same places with another group's verdicts."""
    status = rng.choice(["serving", "unknown", "not"], size=len(places), p=[0.3, 0.3, 0.4])
    return [GapPlace(**{**p.__dict__, "status": s}) for p, s in zip(places, status, strict=True)]


def nx_graph(net: WalkNetwork) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(net.node_count))
    for k in np.argsort(-net.length_m.astype(float), kind="stable"):  # shortest parallel edge wins
        if net.u[k] != net.v[k]:
            g.add_edge(int(net.u[k]), int(net.v[k]), weight=float(net.length_m[k]))
    return g


def with_place_nodes(g: nx.Graph, graph, places: list[GapPlace]) -> nx.Graph:
    """networkx graph plus one node per place, linked like the gap map links them."""
    g = g.copy()
    att = attach_places(graph, places)
    for owner, node, off in zip(att.owner(), att.nodes, att.offset_m, strict=True):
        g.add_edge(("place", int(owner)), int(node), weight=float(off))
    return g


def nx_gap_work(
    g: nx.Graph, graph, places: list[GapPlace], limit_m: float, result
) -> Callable[[], np.ndarray]:
    """What compute_gaps does, with networkx: a search from the serving places, a bounded one
    from the unknown places, then the same lookups for units. Returns the serving field."""
    serving = [p for p in places if p.status == "serving"]
    unknown = [p for p in places if p.status == "unknown"]
    g_serving = with_place_nodes(g, graph, serving)
    g_unknown = with_place_nodes(g, graph, unknown)
    n = graph.node_count

    def field(d: dict) -> np.ndarray:
        out = np.full(n, np.inf)
        keys = [k for k in d if isinstance(k, int)]
        out[keys] = [d[k] for k in keys]
        return out

    def run() -> np.ndarray:
        dist = field(
            nx.multi_source_dijkstra_path_length(g_serving, {("place", i) for i in range(len(serving))})
        )
        maybe = np.minimum(
            dist,
            field(
                nx.multi_source_dijkstra_path_length(
                    g_unknown, {("place", i) for i in range(len(unknown))}, cutoff=limit_m
                )
            ),
        )
        d, dm = dist[result.unit_node] + result.unit_snap_m, maybe[result.unit_node] + result.unit_snap_m
        np.where(d <= limit_m, "served", np.where(dm <= limit_m, "unknown", "underserved"))
        return dist

    return run


def one_search(g: nx.Graph, graph, places: list[GapPlace], repeat: int = 5) -> tuple[float, float]:
    """One multi-source search from the serving places, every network node's distance: ours (scipy
    on the contracted matrix, then the removed nodes recovered) vs networkx on the full graph."""
    from gaps.engine import _cached_place_graph

    linked = _cached_place_graph(graph, tuple(places))
    contraction = graph.contraction
    serving = [i for i, p in enumerate(places) if p.status == "serving"]
    searched = np.zeros(len(places), bool)
    searched[serving] = True
    idx = contraction.size + np.array(serving)

    def ours() -> np.ndarray:
        dist, _, _ = dijkstra(
            linked.matrix, directed=True, indices=idx, min_only=True, return_predecessors=True
        )
        return contraction.expand(dist, linked.links, searched)

    t_ours, _ = timed(ours, repeat)
    g_serving = with_place_nodes(g, graph, [places[i] for i in serving])
    sources = {("place", i) for i in range(len(serving))}
    t_nx, _ = timed(lambda: nx.multi_source_dijkstra_path_length(g_serving, sources), max(1, repeat // 2))
    return t_ours, t_nx


def tile(net: WalkNetwork, places, tiles: int) -> tuple[WalkNetwork, list]:
    """``tiles × tiles`` shifted copies of the network and its places, stitched at the borders."""
    from catalogue.model import PlaceRecord

    width = float(net.lon.max() - net.lon.min()) * 1.002
    height = float(net.lat.max() - net.lat.min()) * 1.002
    n = net.node_count
    lon_parts, lat_parts, u_parts, v_parts, w_parts, new_places = [], [], [], [], [], []
    for i in range(tiles):
        for j in range(tiles):
            k = i * tiles + j
            dx, dy = i * width, j * height
            lon_parts.append(net.lon + dx)
            lat_parts.append(net.lat + dy)
            u_parts.append(net.u.astype(np.int64) + k * n)
            v_parts.append(net.v.astype(np.int64) + k * n)
            w_parts.append(net.length_m.astype(np.float64))
            for p in places:
                wkt = (
                    affinity.translate(shapely.from_wkt(p.geometry_wkt), dx, dy).wkt
                    if p.geometry_wkt
                    else None
                )
                new_places.append(
                    PlaceRecord(
                        p.osm_type, p.osm_id + k * 10**11, p.category, p.name, p.lon + dx, p.lat + dy, {}, wkt
                    )
                )
    lon, lat = np.concatenate(lon_parts), np.concatenate(lat_parts)
    # Stitch: every node within 3 % of a tile's east or north edge links to the nearest node of
    # the neighbouring tile, with its straight-line length times 1.3 (streets are not straight).
    xy = np.column_stack(local_projection(0.0, float(lat.mean()))(lon, lat))
    tree = cKDTree(xy)
    rel_lon = (net.lon - net.lon.min()) / width
    rel_lat = (net.lat - net.lat.min()) / height
    extra_u, extra_v, extra_w = [], [], []
    for border, shift in ((rel_lon > 0.97, 0), (rel_lat > 0.97, 1)):
        idx = np.flatnonzero(border)
        for i in range(tiles):
            for j in range(tiles):
                ni, nj = (i + 1, j) if shift == 0 else (i, j + 1)
                if ni >= tiles or nj >= tiles:
                    continue
                src = idx + (i * tiles + j) * n
                lo, hi = (ni * tiles + nj) * n, (ni * tiles + nj + 1) * n
                dist, dst = tree.query(xy[src], k=40)
                ok = (dst >= lo) & (dst < hi)
                first = np.argmax(ok, axis=1)
                has = ok.any(axis=1)
                extra_u.append(src[has])
                extra_v.append(dst[has, first[has]])
                extra_w.append(dist[has, first[has]] * 1.3)
    u = np.concatenate(u_parts + extra_u)
    v = np.concatenate(v_parts + extra_v)
    w = np.concatenate(w_parts + extra_w)
    return (
        WalkNetwork(
            node_ids=np.arange(lon.size, dtype=np.int64),
            lon=lon,
            lat=lat,
            u=u.astype(np.int32),
            v=v.astype(np.int32),
            length_m=w.astype(np.float32),
        ),
        new_places,
    )


def profile_rows(net: WalkNetwork, anchors, places, params: GapParams) -> list[tuple]:
    """Walking profiles: the first gap map with the wheelchair profile against the default one
    (each on a fresh graph), and a recompute for another profile on a warm graph – the first
    time (its weights, graph, contraction and place links are built) and once they are cached."""

    def first(profile: str) -> float:
        graph = build_graph(net)
        start = time.perf_counter()
        compute_gaps(graph, anchors=anchors, places=places, params=params, profile=profile)
        return time.perf_counter() - start

    t_default = statistics.median(first("default") for _ in range(3))
    t_wheel = statistics.median(first("wheelchair") for _ in range(3))
    graph = build_graph(net)
    compute_gaps(graph, anchors=anchors, places=places, params=params)
    new_profile = []
    for profile in ("prams", "walking", "seniors", "children"):
        start = time.perf_counter()
        compute_gaps(graph, anchors=anchors, places=places, params=params, profile=profile)
        new_profile.append(time.perf_counter() - start)
    t_warm, _ = timed(
        lambda: compute_gaps(graph, anchors=anchors, places=places, params=params, profile="prams"), 10
    )
    t_warm_default, _ = timed(lambda: compute_gaps(graph, anchors=anchors, places=places, params=params), 10)
    return [
        ("extract", "first gap map: default profile", t_default * 1e3, None, None, ""),
        ("extract", "first gap map: wheelchair profile (× default)", t_wheel * 1e3, None, t_wheel / t_default,
         "≤ 1.5×"),
        ("extract", "another profile, first time (median of 4)", statistics.median(new_profile) * 1e3, None,
         None, ""),
        ("extract", "another profile, warm (prams)", t_warm * 1e3, None, None, "≤ 100 ms"),
        ("extract", "same, default profile (no route notes)", t_warm_default * 1e3, None, None, ""),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", type=Path, default=DEFAULT_EXTRACT)
    parser.add_argument("--tiles", type=int, default=5, help="copies per side for the city-sized network")
    parser.add_argument("--profiles-only", action="store_true", help="only the walking-profile rows on the extract")
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    params = GapParams()

    extract = read_osm_file(args.extract)
    net = extract.network
    graph = build_graph(net)
    anchors, places = gap_places(extract.places, rng)
    serving = [p for p in places if p.status == "serving"]
    print(
        f"{args.extract.name}: {net.node_count:,} nodes, {net.edge_count:,} edges, "
        f"{len(anchors)} anchors, {len(places)} places ({len(serving)} serving)"
    )
    if args.profiles_only:
        print_rows([("area", "what", "ours ms", "networkx ms", "ratio", "goal"), *profile_rows(net, anchors, places, params)])
        return

    cold = compute_gaps(graph, anchors=anchors, places=places, params=params)
    t_ours, result = timed(lambda: compute_gaps(graph, anchors=anchors, places=places, params=params), 20)
    other = regroup(places, rng)
    compute_gaps(graph, anchors=anchors, places=other, params=params)  # links cached (same places)
    others = [regroup(places, rng) for _ in range(20)]
    it = iter(others)
    t_regroup, _ = timed(lambda: compute_gaps(graph, anchors=anchors, places=next(it), params=params), 20)

    g = nx_graph(net)
    t_nx_same, nx_dist = timed(nx_gap_work(g, graph, places, params.limit_m, result), 3)
    reached = np.flatnonzero(np.isfinite(nx_dist))
    err = np.max(np.abs(result.node_distance_m[reached] - nx_dist[reached]))
    t_one, t_nx_one = one_search(g, graph, places)

    anchor_att = attach_places(graph, anchors)
    serv_att = attach_places(graph, serving)

    def nx_per_anchor() -> list[float]:
        """The obvious way: one full single-source search per anchor."""
        out = []
        for a in range(len(anchors)):
            seg = slice(anchor_att.ptr[a], anchor_att.ptr[a + 1])
            g.add_weighted_edges_from(
                (("anchor", a), int(node), float(off))
                for node, off in zip(anchor_att.nodes[seg], anchor_att.offset_m[seg], strict=True)
            )
            d = nx.single_source_dijkstra_path_length(g, ("anchor", a))
            g.remove_node(("anchor", a))
            out.append(
                min(
                    (
                        d[int(pn)] + po
                        for pn, po in zip(serv_att.nodes, serv_att.offset_m, strict=True)
                        if int(pn) in d
                    ),
                    default=np.inf,
                )
            )
        return out

    t_nx_anchor, nx_anchor = timed(nx_per_anchor, 1)
    ours_anchor = np.array([a.distance_m if a.distance_m is not None else np.inf for a in result.anchors])
    anchor_err = np.max(np.abs(np.nan_to_num(ours_anchor - np.array(nx_anchor), nan=0.0)))

    # How per-anchor catchment membership is found: chunked rows (what compute_catchments does)
    # against one bounded search per anchor.
    from gaps.engine import _with_place_nodes

    aug = _with_place_nodes(graph, anchor_att)
    src = net.node_count + np.arange(len(anchors))
    t_rows, _ = timed(lambda: dijkstra(aug, directed=True, indices=src, limit=params.catchment_m), 5)
    t_loop, _ = timed(
        lambda: [dijkstra(aug, directed=True, indices=[s], limit=params.catchment_m) for s in src], 5
    )

    rows = [
        ("area", "what", "ours ms", "networkx ms", "ratio", "goal"),
        ("extract", "gap map, all anchors (warm) vs nx, same work", t_ours * 1e3, t_nx_same * 1e3,
         t_nx_same / t_ours, "≥ 20×"),
        ("extract", "one multi-source search vs nx multi-source", t_one * 1e3, t_nx_one * 1e3,
         t_nx_one / t_one, ""),
        ("extract", "gap map, all anchors (warm) vs nx per anchor", t_ours * 1e3, t_nx_anchor * 1e3,
         t_nx_anchor / t_ours, "≥ 100×"),
        ("extract", "gap map, first run (catchments, links)", cold.seconds * 1e3, None, None, ""),
        ("extract", "recompute for another group", t_regroup * 1e3, None, None, "≤ 100 ms"),
        ("extract", "catchment rows: one call, all anchors", t_rows * 1e3, None, None, ""),
        ("extract", "catchment rows: one call per anchor", t_loop * 1e3, None, None, ""),
    ]  # fmt: skip
    rows += profile_rows(net, anchors, places, params)

    # City-sized network.
    big_net, big_places = tile(net, extract.places, args.tiles)
    t_build, big_graph = timed(lambda: build_graph(big_net), 1)
    big_anchors, big_p = gap_places(big_places, np.random.default_rng(2))
    start = time.perf_counter()
    big = compute_gaps(big_graph, anchors=big_anchors, places=big_p, params=params)
    t_big_cold = time.perf_counter() - start
    big_others = [regroup(big_p, rng) for _ in range(5)]
    it_big = iter(big_others)
    t_big_regroup, _ = timed(
        lambda: compute_gaps(big_graph, anchors=big_anchors, places=next(it_big), params=params), 5
    )
    big_g = nx_graph(big_net)
    t_big_nx, _ = timed(nx_gap_work(big_g, big_graph, big_p, params.limit_m, big), 1)
    t_big_one, t_big_nx_one = one_search(big_g, big_graph, big_p, repeat=1)
    city = f"city {big_net.node_count // 1000}k"
    rows += [
        (city, "build graph (once per area)", t_build * 1e3, None, None, ""),
        (city, "full gap map, first run vs nx, same work", t_big_cold * 1e3, t_big_nx * 1e3,
         t_big_nx / t_big_cold, "≤ 2000 ms"),
        (city, "recompute for another group vs nx, same work", t_big_regroup * 1e3, t_big_nx * 1e3,
         t_big_nx / t_big_regroup, "≤ 100 ms"),
        (city, "one multi-source search vs nx multi-source", t_big_one * 1e3, t_big_nx_one * 1e3,
         t_big_nx_one / t_big_one, ""),
    ]  # fmt: skip

    print(
        f"city: {args.tiles}×{args.tiles} tiles of the extract, {big_net.node_count:,} nodes, "
        f"{big_net.edge_count:,} edges, {len(big_anchors)} anchors, {len(big_p)} places, "
        f"{len(big.cells):,} hexagons (catchments {big.catchment_seconds * 1e3:.0f} ms)"
    )
    print(
        f"extract: {len(result.cells):,} hexagons; max |ours − networkx| {err:.2e} m (field), {anchor_err:.2e} m (anchors)"
    )
    print(
        f"searches run on the contracted network: extract {graph.contraction.size:,} of {net.node_count:,} "
        f"nodes, city {big_graph.contraction.size:,} of {big_net.node_count:,} (networkx: the full graph)"
    )
    print_rows(rows)


def print_rows(rows: list[tuple]) -> None:
    print()
    head, *body = rows
    print(f"{head[0]:<12} {head[1]:<48} {head[2]:>9} {head[3]:>12} {head[4]:>8}  {head[5]}")
    for area, what, ours, theirs, ratio, goal in body:
        theirs_s = f"{theirs:12.1f}" if theirs is not None else f"{'':>12}"
        ratio_s = f"{ratio:7.2f}×" if ratio is not None and ratio < 10 else f"{ratio:7.0f}×" if ratio else f"{'':>8}"
        print(f"{area:<12} {what:<48} {ours:9.2f} {theirs_s} {ratio_s}  {goal}")


if __name__ == "__main__":
    main()
