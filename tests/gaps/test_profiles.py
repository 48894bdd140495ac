"""Walking profiles: one graph per area, a weighted and masked copy per profile, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra

from catalogue import walk_tags as wt
from catalogue.model import WalkNetwork
from gaps.engine import compute_gaps
from gaps.graph import build_graph
from gaps.profiles import PROFILE_IDS, WALKING_PROFILES, profile_for_group, profile_graph, profile_weights
from tests.gaps.test_gaps import _extract, _gap_places, make_network, networkx_distances, place

#   school 0 --100-- 1 ==100 steps== 2 --100-- 3 playground
#                    |\                /|
#                    | 150 -- 5 -- 150  |        5: a stile
#                    250 ----- 4 ---- 250        4: a raised kerb; 1–4 has no surface tag
POINTS = [(0, 0), (100, 0), (200, 0), (300, 0), (150, -120), (150, 80)]
EDGES = [(0, 1, 100), (1, 2, 100), (2, 3, 100), (1, 5, 150), (5, 2, 150), (1, 4, 250), (4, 2, 250)]
SMOOTH = (wt.STEPS_NO, 0, 0, wt.SURFACE_SMOOTH, 0, 0, 0, 0)
STEPS = (wt.STEPS, 0, 0, wt.SURFACE_SMOOTH, 0, 0, 0, 0)
UNTAGGED = (wt.STEPS_NO, 0, 0, 0, 0, 0, 0, 0)


def hand_network() -> WalkNetwork:
    net = make_network(POINTS, EDGES)
    net.edge_tags = np.array([SMOOTH, STEPS, SMOOTH, SMOOTH, SMOOTH, UNTAGGED, SMOOTH], np.uint8)
    net.node_tags = np.zeros((len(POINTS), len(wt.NODE_ATTRS)), np.uint8)
    net.node_tags[5, 0] = wt.BARRIER_STILE
    net.node_tags[4, 1] = wt.KERB_RAISED
    return net


# school → playground per profile, worked out by hand:
# default: over the steps, 300. wheelchair: steps, stile and raised kerb all impassable.
# prams: steps and stile impassable; the kerb costs +30 (half on each of its edges): 700 + 30.
# walking: steps ×4 = 400 → 600 (the stile is impassable, the kerb way 730).
# seniors: steps ×3 → 500. children: steps ×1.5 → 350 (the stile way: 300 + 15 + 200 = 515).
EXPECTED = {"default": 300.0, "wheelchair": None, "prams": 730.0, "walking": 600.0, "seniors": 500.0,
            "children": 350.0}  # fmt: skip


@pytest.fixture(scope="module")
def hand_graph():
    return build_graph(hand_network())


def _gaps(graph, profile, strict=False):
    return compute_gaps(
        graph,
        anchors=[place("school", "school", 0, 0)],
        places=[place("playground", "playground", 300, 0)],
        profile=profile,
        strict=strict,
    )


@pytest.mark.parametrize("profile", PROFILE_IDS)
def test_distances_worked_out_by_hand(hand_graph, profile):
    anchor = _gaps(hand_graph, profile).anchors[0]
    assert anchor.distance_m == pytest.approx(EXPECTED[profile]) if EXPECTED[profile] else anchor.distance_m is None


def test_route_notes_and_unknown_share(hand_graph):
    wheelchair = _gaps(hand_graph, "wheelchair").anchors[0]
    assert wheelchair.unknown_route_share is None
    assert wheelchair.route_note is not None
    assert wheelchair.route_note.text("de") == "nur über Treppen erreichbar"
    assert wheelchair.route_note.text("en") == "only reachable over steps"

    prams = _gaps(hand_graph, "prams").anchors[0]
    assert prams.unknown_route_share == pytest.approx(250 / 700)  # 1–4 has no surface tag
    assert prams.route_note is not None and prams.route_note.text("en") == "avoids steps"

    walking = _gaps(hand_graph, "walking").anchors[0]
    assert walking.unknown_route_share == 0.0
    assert walking.route_note is None  # walks the same steps, slowly

    default = _gaps(hand_graph, "default").anchors[0]
    assert default.unknown_route_share is None and default.route_note is None


def test_strict_mode_counts_unknown_as_impassable(hand_graph):
    assert _gaps(hand_graph, "prams", strict=True).anchors[0].distance_m is None
    assert _gaps(hand_graph, "walking", strict=True).anchors[0].distance_m == pytest.approx(600)
    assert _gaps(hand_graph, "default", strict=True).anchors[0].distance_m == pytest.approx(300)


def test_a_network_without_codes_is_all_unknown():
    net = make_network(POINTS, EDGES)
    w = profile_weights(net, "wheelchair")
    assert w.unknown.all() and w.keep.all()
    assert not profile_weights(net, "wheelchair", strict=True).keep.any()
    restored = WalkNetwork.from_bytes(net.to_bytes())
    assert restored.edge_tags is None and restored.node_tags is None
    tagged = WalkNetwork.from_bytes(hand_network().to_bytes())
    np.testing.assert_array_equal(tagged.edge_tags, hand_network().edge_tags)
    np.testing.assert_array_equal(tagged.node_tags, hand_network().node_tags)


def test_table_is_consistent():
    for rule in WALKING_PROFILES:
        assert set(rule.effects) <= set(PROFILE_IDS) - {"default"}
        assert rule.attr in {"edge": wt.EDGE_ATTRS, "node": wt.NODE_ATTRS, "both": set(wt.EDGE_ATTRS) & set(wt.NODE_ATTRS)}[rule.on]
        for effect in rule.effects.values():
            assert effect.factor >= 1 and effect.extra_m >= 0
            assert rule.on == "edge" or effect.factor == 1  # a point obstacle has no length
    assert profile_for_group("wheelchair") == "wheelchair"
    assert profile_for_group("blind") == "default"
    assert profile_for_group("all") == "default"


def _random_network(data, nodes: int):
    edges = data.draw(st.lists(st.tuples(st.integers(0, nodes - 1), st.integers(0, nodes - 1),
                                         st.floats(1, 500)), min_size=1, max_size=30))  # fmt: skip
    points = [(float(i * 37 % 500), float(i * 91 % 400)) for i in range(nodes)]
    net = make_network(points, edges)
    code = st.integers(0, 6)
    net.edge_tags = np.array(
        data.draw(st.lists(st.tuples(*[code] * len(wt.EDGE_ATTRS)), min_size=len(edges), max_size=len(edges))),
        np.uint8,
    ).reshape(len(edges), len(wt.EDGE_ATTRS))
    net.node_tags = np.array(
        data.draw(st.lists(st.tuples(*[code] * len(wt.NODE_ATTRS)), min_size=nodes, max_size=nodes)), np.uint8
    ).reshape(nodes, len(wt.NODE_ATTRS))
    return net


def _field(net, profile, strict):
    graph = profile_graph(build_graph(net), profile, strict=strict).graph
    return dijkstra(graph.matrix, directed=True, indices=0)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), profile=st.sampled_from(PROFILE_IDS), strict=st.booleans())
def test_no_profile_is_shorter_than_default(data, profile, strict):
    net = _random_network(data, 8)
    base = dijkstra(build_graph(net).matrix, directed=True, indices=0)
    assert (_field(net, profile, strict) >= base - 1e-9).all()


@settings(max_examples=60, deadline=None)
@given(data=st.data(), profile=st.sampled_from(PROFILE_IDS), strict=st.booleans())
def test_removing_an_obstacle_never_lengthens_a_walk(data, profile, strict):
    net = _random_network(data, 8)
    before = _field(net, profile, strict)
    k = data.draw(st.integers(0, net.edge_count - 1))
    net.edge_tags = net.edge_tags.copy()
    net.edge_tags[k] = SMOOTH  # surveyed: level, smooth, no steps
    node = data.draw(st.integers(0, net.node_count - 1))
    net.node_tags = net.node_tags.copy()
    net.node_tags[node] = 0
    net.node_tags[node, 1] = wt.KERB_FLUSH
    assert (_field(net, profile, strict) <= before + 1e-9).all()


@pytest.mark.parametrize("name", ["berlin"])
def test_wheelchair_profile_equals_networkx(extract_path, name):
    extract = _extract(extract_path, name)
    graph = build_graph(extract.network)
    anchors, places = _gap_places(extract, np.random.default_rng(3))
    result = compute_gaps(graph, anchors=anchors, places=places, profile="wheelchair")
    net = extract.network
    w = profile_weights(net, "wheelchair")
    assert (~w.keep).any() and (w.weight_m > net.length_m + 1e-6).any()  # the profile matters here
    reached = networkx_distances(graph, [p for p in places if p.status == "serving"], w.weight_m, w.keep)
    ours = result.node_distance_m
    assert len(reached) == np.isfinite(ours).sum() > 0.5 * net.node_count
    keys = np.fromiter(reached, int)
    np.testing.assert_allclose(ours[keys], np.fromiter(reached.values(), float), rtol=1e-6, atol=1e-6)
    shares = [a.unknown_route_share for a in result.anchors if a.unknown_route_share is not None]
    assert shares and all(0 <= s <= 1 for s in shares)
