"""Gap maps: walking distances to the nearest serving place, unit states and the anchor table."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import shapely

from catalogue.model import WalkNetwork
from gaps.engine import GapParams, GapPlace, attach_places, compute_gaps, units_geoframe
from gaps.graph import build_graph, network_distances

LON0, LAT0 = 13.30, 52.58  # Berlin-Borsigwalde
M_PER_DEG_LAT = 111_250.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(LAT0))


def lonlat(x: float, y: float) -> tuple[float, float]:
    """Local metres east/north of (LON0, LAT0) → lon, lat."""
    return LON0 + x / M_PER_DEG_LON, LAT0 + y / M_PER_DEG_LAT


def make_network(points: list[tuple[float, float]], edges: list[tuple[int, int, float]]) -> WalkNetwork:
    lon, lat = zip(*(lonlat(x, y) for x, y in points), strict=True)
    u, v, w = zip(*edges, strict=True)
    return WalkNetwork(
        node_ids=np.arange(1000, 1000 + len(points), dtype=np.int64),
        lon=np.array(lon),
        lat=np.array(lat),
        u=np.array(u, np.int32),
        v=np.array(v, np.int32),
        length_m=np.array(w, np.float32),
    )


def place(
    pid: str, category: str, x: float, y: float, status: str = "serving", wkt: str | None = None
) -> GapPlace:
    lon, lat = lonlat(x, y)
    return GapPlace(pid, pid.title(), f"node/{sum(map(ord, pid))}", category, lon, lat, wkt, status)


# A street along y=0 with a long side path from node 4 up to node 8:
#
#   0 --100-- 1 --100-- 2 --200-- 3 --100-- 4 --100-- 5 --300-- 6 --100-- 7
#                                           |
#                                          900 (winding path)
#                                           |
#                                           8
LINE_POINTS = [(0, 0), (100, 0), (200, 0), (400, 0), (500, 0), (600, 0), (900, 0), (1000, 0), (500, 700)]
LINE_EDGES = [
    (0, 1, 100),
    (1, 2, 100),
    (2, 3, 200),
    (3, 4, 100),
    (4, 5, 100),
    (5, 6, 300),
    (6, 7, 100),
    (4, 8, 900),
]
# Worked out by hand from the edges above.
FROM_TREFF = np.array([0, 100, 200, 400, 500, 600, 900, 1000, 1400], float)
FROM_TREFF_OR_CAFE = np.array([0, 100, 200, 400, 400, 300, 0, 100, 1300], float)
IN_SCHOOL_CATCHMENT = np.ones(9, bool)  # node 8 is exactly 100 + 900 = 1000 m from the school
IN_KITA_CATCHMENT = np.array([1, 1, 1, 1, 1, 1, 1, 1, 0], bool)  # node 8 is 1400 m away


@pytest.fixture(scope="module")
def line_graph():
    return build_graph(make_network(LINE_POINTS, LINE_EDGES))


def line_anchors() -> list[GapPlace]:
    return [place("school", "school", 400, 0), place("kita", "kita", 1000, 0)]


def line_places(cafe: str = "unknown") -> list[GapPlace]:
    return [
        place("treff", "community_centre", 0, 0, "serving"),
        place("cafe", "cafe", 900, 0, cafe),
        place("church", "place_of_worship", 500, 700, "not"),
    ]


def expected_states(result, limit_m: float, field: np.ndarray, field_maybe: np.ndarray) -> np.ndarray:
    d = field[result.unit_node] + result.unit_snap_m
    d_maybe = field_maybe[result.unit_node] + result.unit_snap_m
    return np.where(d <= limit_m, "served", np.where(d_maybe <= limit_m, "unknown", "underserved"))


def test_anchor_table_gives_nearest_serving_place_and_walking_time(line_graph):
    result = compute_gaps(line_graph, anchors=line_anchors(), places=line_places(), params=GapParams())
    school, kita = result.anchors
    assert (school.kind, school.nearest_name, school.nearest_id) == ("school", "Treff", "treff")
    assert school.distance_m == pytest.approx(400, abs=0.01)
    assert school.minutes == pytest.approx(400 / 75, abs=1e-3)  # 4.5 km/h = 75 m/min
    # The unknown café is 100 m from the Kita, but only serving places count as nearest.
    assert kita.nearest_name == "Treff"
    assert kita.distance_m == pytest.approx(1000, abs=0.01)
    assert kita.minutes == pytest.approx(1000 / 75, abs=1e-3)
    np.testing.assert_allclose(result.node_distance_m, FROM_TREFF, atol=0.01)


def test_units_get_network_distance_plus_snap_and_the_right_state(line_graph):
    result = compute_gaps(line_graph, anchors=line_anchors(), places=line_places(), params=GapParams())
    assert len(result.cells) > 20
    assert (result.unit_snap_m <= 150).all()
    np.testing.assert_allclose(
        result.unit_distance_m, FROM_TREFF[result.unit_node] + result.unit_snap_m, atol=0.01
    )
    np.testing.assert_allclose(result.unit_minutes, result.unit_distance_m / 75, rtol=1e-9)
    states = result.unit_state
    np.testing.assert_array_equal(states, expected_states(result, 750, FROM_TREFF, FROM_TREFF_OR_CAFE))
    on = {node: set(states[result.unit_node == node]) for node in range(9)}
    assert on[0] == {"served"} and on[1] == {"served"}
    assert on[8] == {"underserved"}  # 1400 m from the Treff, 1300 m from the café
    assert on[7] == {"unknown"}  # only the café (status unknown) is near
    served = states == "served"
    assert all(
        p is not None and p.id == "treff" for p, s in zip(result.unit_nearest, served, strict=True) if s
    )
    frame = result.units_frame()
    assert list(frame["state"]) == list(states)
    assert frame.loc[served, "nearest_name"].eq("Treff").all()


def test_catchment_shares_per_anchor(line_graph):
    result = compute_gaps(line_graph, anchors=line_anchors(), places=line_places(), params=GapParams())
    states = result.unit_state
    for anchor, members in zip(result.anchors, (IN_SCHOOL_CATCHMENT, IN_KITA_CATCHMENT), strict=True):
        mine = members[result.unit_node]
        assert anchor.unit_count == mine.sum()
        assert anchor.underserved_share == pytest.approx(np.mean(states[mine] == "underserved"))
        assert anchor.unknown_share == pytest.approx(np.mean(states[mine] == "unknown"))
    school, kita = result.anchors
    assert school.underserved_share > 0  # the units along the side path up to node 8
    assert kita.underserved_share == 0  # node 8 lies outside the Kita's catchment
    both = IN_SCHOOL_CATCHMENT.astype(int) + IN_KITA_CATCHMENT.astype(int)
    np.testing.assert_array_equal(result.unit_anchor_count, both[result.unit_node])


def test_unknown_place_never_counts_as_served_and_regrouping_reuses_the_cache(line_graph):
    unknown = compute_gaps(line_graph, anchors=line_anchors(), places=line_places("unknown"))
    serving = compute_gaps(line_graph, anchors=line_anchors(), places=line_places("serving"))
    closed = compute_gaps(line_graph, anchors=line_anchors(), places=line_places("not"))
    near_cafe = np.isin(unknown.unit_node, [6, 7])
    assert set(unknown.unit_state[near_cafe]) == {"unknown"}
    assert set(serving.unit_state[near_cafe]) == {"served"}
    assert set(closed.unit_state[near_cafe]) == {"underserved"}
    assert serving.anchors[1].nearest_name == "Cafe" and serving.anchors[1].distance_m == pytest.approx(
        100, abs=0.01
    )
    assert "unknown" not in set(closed.unit_state) and "unknown" not in set(serving.unit_state)
    assert serving.catchment_seconds == 0 and closed.catchment_seconds == 0


def test_no_serving_place_leaves_every_unit_underserved_and_no_nearest(line_graph):
    result = compute_gaps(line_graph, anchors=line_anchors(), places=line_places("not")[2:])
    assert set(result.unit_state) == {"underserved"}
    assert all(a.nearest_id is None and a.distance_m is None and a.minutes is None for a in result.anchors)
    assert result.anchors[0].underserved_share == 1.0
    assert result.units_frame()["minutes"].isna().all()


def test_walking_speed_and_time_limit_change_the_verdict(line_graph):
    slow = compute_gaps(
        line_graph, anchors=line_anchors(), places=line_places(), params=GapParams(speed_kmh=3.0)
    )
    assert slow.anchors[1].minutes == pytest.approx(20.0, abs=1e-3)  # 1000 m at 50 m/min
    np.testing.assert_array_equal(slow.unit_state, expected_states(slow, 500, FROM_TREFF, FROM_TREFF_OR_CAFE))
    fast = compute_gaps(
        line_graph, anchors=line_anchors(), places=line_places(), params=GapParams(minutes=30)
    )
    assert set(fast.unit_state) == {"served"}  # 30 min at 75 m/min reaches node 8 (1400 m + snap)


def test_park_is_reached_at_its_edge_not_its_centroid():
    # Street 0-1-2-3 along y=0, node 4 far up a side street. The park is a triangle whose tip
    # comes within 10 m of node 1; its centroid is closest to node 4, 950 m from the Kita.
    net = make_network(
        [(0, 0), (150, 0), (300, 0), (450, 0), (400, 500)],
        [(0, 1, 150), (1, 2, 150), (2, 3, 150), (3, 4, 500)],
    )
    triangle = shapely.Polygon([lonlat(150, 10), lonlat(150, 600), lonlat(450, 600)])
    centroid = triangle.centroid
    park = GapPlace("park", "Park", "way/1", "park_garden", centroid.x, centroid.y, triangle.wkt)
    kita = place("kita", "kita", 0, 0)
    result = compute_gaps(build_graph(net), anchors=[kita], places=[park])
    assert result.anchors[0].nearest_id == "park"
    assert result.anchors[0].distance_m == pytest.approx(160, abs=0.5)  # 150 m street + 10 m to the park


def test_hexagons_as_geodataframe(line_graph):
    result = compute_gaps(line_graph, anchors=line_anchors(), places=line_places())
    gdf = units_geoframe(result)
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) == len(result.cells)
    centres = shapely.points(result.unit_lon, result.unit_lat)
    assert shapely.contains(gdf.geometry.values, centres).all()


def test_bad_parameters_are_refused():
    from base.errors import InvalidInput

    with pytest.raises(InvalidInput, match="walking speed"):
        GapParams(speed_kmh=0)
    with pytest.raises(InvalidInput, match="status"):
        compute_gaps(
            build_graph(make_network(LINE_POINTS, LINE_EDGES)),
            anchors=[],
            places=[
                place("x", "cafe", 0, 0, "open")  # type: ignore[arg-type]
            ],
        )


# --- real extracts -----------------------------------------------------------------------------


def _extract(extract_path, name: str):
    from catalogue.osm_file import read_osm_file

    return read_osm_file(extract_path(name))


def _gap_places(extract, rng: np.random.Generator) -> tuple[list[GapPlace], list[GapPlace]]:
    def gp(p, status="serving"):
        return GapPlace(p.ref, p.name, p.ref, p.category, p.lon, p.lat, p.geometry_wkt, status)

    anchors = [gp(p) for p in extract.places if p.category in ("school", "kita")]
    statuses = rng.choice(["serving", "unknown", "not"], size=len(extract.places), p=[0.4, 0.3, 0.3])
    places = [
        gp(p, s)
        for p, s in zip(extract.places, statuses, strict=True)
        if p.category not in ("school", "kita")
    ]
    return anchors, places


@pytest.fixture(scope="module")
def berlin(extract_path):
    extract = _extract(extract_path, "berlin")
    return extract, build_graph(extract.network)


def test_adding_a_serving_place_never_makes_a_unit_farther(berlin):
    extract, graph = berlin
    rng = np.random.default_rng(7)
    anchors, places = _gap_places(extract, rng)
    for _ in range(5):
        before = compute_gaps(graph, anchors=anchors, places=places)
        candidates = [i for i, p in enumerate(places) if p.status != "serving"]
        i = int(rng.choice(candidates))
        places = places[:i] + [GapPlace(**{**places[i].__dict__, "status": "serving"})] + places[i + 1 :]
        after = compute_gaps(graph, anchors=anchors, places=places)
        assert len(before.cells) > 100
        assert (after.unit_distance_m <= before.unit_distance_m + 1e-9).all()
        assert (after.node_distance_m <= before.node_distance_m + 1e-9).all()
        assert np.count_nonzero(after.unit_state == "served") >= np.count_nonzero(
            before.unit_state == "served"
        )


def test_network_distance_is_never_shorter_than_straight_line(berlin):
    extract, graph = berlin
    rng = np.random.default_rng(11)
    sources = rng.choice(graph.snappable, size=20, replace=False)
    rows = network_distances(graph, sources)
    lon, lat = np.radians(extract.network.lon), np.radians(extract.network.lat)
    for src, row in zip(sources, rows, strict=True):
        a = (
            np.sin((lat - lat[src]) / 2) ** 2
            + np.cos(lat) * np.cos(lat[src]) * np.sin((lon - lon[src]) / 2) ** 2
        )
        straight = 2 * 6_371_008.8 * np.arcsin(np.sqrt(a))
        reach = np.isfinite(row)
        assert reach.sum() > 1000
        assert (row[reach] >= straight[reach] - 0.5).all()


def networkx_distances(
    graph, serving: list[GapPlace], weight: np.ndarray | None = None, keep: np.ndarray | None = None
) -> dict[int, float]:
    """networkx's multi-source Dijkstra from the ``serving`` places over the network's edges
    (``weight``, only ``keep``; default: lengths, all), per reached network node."""
    net = graph.network
    weight = net.length_m.astype(float) if weight is None else weight
    keep = np.ones(net.edge_count, bool) if keep is None else keep
    g = nx.Graph()
    g.add_nodes_from(range(net.node_count))
    # Shortest of parallel edges wins: add longest first so shorter ones overwrite.
    for k in np.argsort(-weight, kind="stable"):
        if net.u[k] != net.v[k] and keep[k]:
            g.add_edge(int(net.u[k]), int(net.v[k]), weight=float(weight[k]))
    # Each serving place as its own node, linked to the nodes it reaches (the same links the gap map uses).
    att = attach_places(graph, serving)
    for owner, node, off in zip(att.owner(), att.nodes, att.offset_m, strict=True):
        g.add_edge(("place", int(owner)), int(node), weight=float(off))
    expected = nx.multi_source_dijkstra_path_length(g, {("place", i) for i in range(len(serving))})
    return {k: d for k, d in expected.items() if isinstance(k, int)}


@pytest.mark.parametrize("name", ["berlin", "muenchen", "neuss"])
def test_distance_field_equals_networkx(extract_path, name):
    extract = _extract(extract_path, name)
    graph = build_graph(extract.network)
    anchors, places = _gap_places(extract, np.random.default_rng(3))
    result = compute_gaps(graph, anchors=anchors, places=places)

    net = extract.network
    reached = networkx_distances(graph, [p for p in places if p.status == "serving"])
    ours = result.node_distance_m
    assert len(reached) == np.isfinite(ours).sum() > 0.5 * net.node_count
    keys = np.fromiter(reached, int)
    np.testing.assert_allclose(ours[keys], np.fromiter(reached.values(), float), rtol=1e-6, atol=1e-6)
    assert result.counts["served"] > 0


def test_units_served_only_by_presumed_places_are_counted_apart(line_graph):
    """A unit is "presumed" when it is served, but no place serving on recorded facts is within
    the limit; the count per anchor follows the catchments like the other shares."""
    presumed_treff = [GapPlace(**{**line_places("serving")[0].__dict__, "presumed": True}), *line_places("serving")[1:]]
    result = compute_gaps(line_graph, anchors=line_anchors(), places=presumed_treff, params=GapParams())
    firm = compute_gaps(line_graph, anchors=line_anchors(), places=line_places("serving"), params=GapParams())
    np.testing.assert_array_equal(result.unit_state, firm.unit_state)  # presumed places still serve
    # The café alone (the only firm place) at node 6: within 750 m of it the unit is firmly served.
    from_cafe = np.array([900, 800, 700, 500, 400, 300, 0, 100, 1300], float)
    firmly = from_cafe[result.unit_node] + result.unit_snap_m <= 750
    np.testing.assert_array_equal(result.unit_presumed, (result.unit_state == "served") & ~firmly)
    assert result.counts["presumed"] == int(result.unit_presumed.sum()) > 0
    assert firm.counts["presumed"] == 0 and not firm.unit_presumed.any()
    for anchor, members in zip(result.anchors, (IN_SCHOOL_CATCHMENT, IN_KITA_CATCHMENT), strict=True):
        mine = members[result.unit_node]
        assert anchor.presumed_share == pytest.approx(np.mean(result.unit_presumed[mine]))
