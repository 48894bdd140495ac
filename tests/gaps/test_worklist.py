"""The audit worklist: the reach of each unknown place, its score, and what auditing it changes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import networkx as nx
import numpy as np
import pytest

from audits.rules import Verdict
from base.errors import InvalidInput
from catalogue.store import PlaceInfo
from gaps.engine import GapPlace, attach_places, compute_gaps, compute_place_reach
from gaps.graph import build_graph
from gaps.schools import SchoolIndicator
from gaps.service import GapRequest, classify_places_for_gaps, select_anchors
from gaps.worklist import check_groups, compute_worklist, unit_weights, worklist_to_json
from tests.gaps.test_gaps import lonlat, make_network

# A small street grid, 6 × 4 nodes 150 m apart, with one long dead-end path (node 24) to the north:
#
#   18 - 19 - 20 - 21 - 22 - 23        y = 450          24 at (750, 1000), linked to 23
#    |    |    |    |    |    |
#   12 - 13 - 14 - 15 - 16 - 17        y = 300
#    |    |    |    |    |    |
#    6 -  7 -  8 -  9 - 10 - 11        y = 150
#    |    |    |    |    |    |
#    0 -  1 -  2 -  3 -  4 -  5        y = 0
GRID_POINTS = [(150.0 * (i % 6), 150.0 * (i // 6)) for i in range(24)] + [(750.0, 1000.0)]
GRID_EDGES = (
    [(i, i + 1, 150.0) for i in range(24) if i % 6 != 5]
    + [(i, i + 6, 150.0) for i in range(18)]
    + [(23, 24, 560.0)]
)
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def info(pid: int, name: str | None, category: str, x: float, y: float, status: str = "active") -> PlaceInfo:
    lon, lat = lonlat(x, y)
    return PlaceInfo(
        id=pid, area_id=1, osm_type="node", osm_id=1000 + pid, name=name, category=category,
        lon=lon, lat=lat, geometry_wkt=None, tags={}, origin="osm", status=status,
        missing_since=None, last_seen_at=NOW, updated_at=NOW, version=1,
    )  # fmt: skip


# Two anchors, one open place in the south-west corner and five places with unknown verdicts; the
# Spielplatz and the Café reach partly the same hexagons, the Treff is closed for the group.
GRID_PLACES = [
    info(1, "Grundschule Am Grid", "school", 150, 150),
    info(2, "Kita Nord", "kita", 600, 450),
    info(10, "Stadtteiltreff", "community_centre", 0, 0),
    info(11, "Bücherei", "library_culture", 750, 0),
    info(12, None, "playground", 600, 300),
    info(13, "Café Ecke", "cafe", 750, 450),
    info(14, "Gemeindehaus", "place_of_worship", 300, 450),
    info(15, "Weg-Garten", "park_garden", 750, 1000),
    info(16, "Jugendtreff", "community_centre", 450, 150),
    info(17, "Geschlossen", "sport", 300, 300, status="closed"),
]
OPEN = {10: {"wheelchair": Verdict("wheelchair", "open", [], []), "prams": Verdict("prams", "open", [], [])}}
NOT_OPEN = {16: {"wheelchair": Verdict("wheelchair", "not_open", [], [])}}
VERDICTS = {**OPEN, **NOT_OPEN}
# 4 minutes at 4.5 km/h: 300 m.
REQUEST = GapRequest(minutes=4, speed_kmh=4.5, catchment_m=800, h3_resolution=11)


@pytest.fixture(scope="module")
def grid():
    return build_graph(make_network(GRID_POINTS, GRID_EDGES))


def _gap_setup(group: str = "wheelchair"):
    req = dataclasses.replace(REQUEST, group=group)
    return req, select_anchors(GRID_PLACES), classify_places_for_gaps(GRID_PLACES, VERDICTS, req)


def _with_serving(places: list[GapPlace], i: int) -> list[GapPlace]:
    return places[:i] + [dataclasses.replace(places[i], status="serving")] + places[i + 1 :]


def test_reach_equals_networkx_on_the_full_network(grid):
    req, anchors, places = _gap_setup()
    sources = np.arange(len(places))
    reach = compute_place_reach(grid, anchors=anchors, places=places, sources=sources, params=req.params)
    result = compute_gaps(grid, anchors=anchors, places=places, params=req.params)
    g = nx.Graph()
    for u, v, w in GRID_EDGES:
        g.add_edge(u, v, weight=w)
    att = attach_places(grid, places)
    assert reach.shape == (len(places), len(result.cells))
    for k in sources:
        h = g.copy()
        for node, off in zip(att.nodes[att.ptr[k] : att.ptr[k + 1]], att.offset_m[att.ptr[k] : att.ptr[k + 1]], strict=True):
            h.add_edge("place", int(node), weight=float(off))
        dist = nx.single_source_dijkstra_path_length(h, "place", cutoff=req.params.limit_m)
        node_d = np.array([dist.get(int(n), np.inf) for n in result.unit_node])
        expected = node_d + result.unit_snap_m <= req.params.limit_m
        np.testing.assert_array_equal(reach[k].toarray().ravel(), expected, err_msg=places[k].name or "")
    assert reach.nnz > 0


def test_reach_in_small_chunks_and_any_order_is_the_same(grid, monkeypatch):
    req, anchors, places = _gap_setup()
    whole = compute_place_reach(grid, anchors=anchors, places=places, sources=range(len(places)), params=req.params)
    monkeypatch.setattr("gaps.engine._CHUNK_FLOATS", 1)  # one source per search
    order = np.array([5, 0, 3, 7, 1, 6, 2, 4])
    parts = compute_place_reach(grid, anchors=anchors, places=places, sources=order, params=req.params)
    np.testing.assert_array_equal(parts.toarray(), whole.toarray()[order])
    with pytest.raises(ValueError, match="distinct"):
        compute_place_reach(grid, anchors=anchors, places=places, sources=[1, 1], params=req.params)
    empty = compute_place_reach(grid, anchors=anchors, places=places, sources=[], params=req.params)
    assert empty.shape == (0, whole.shape[1])


@pytest.mark.parametrize("minutes", [4, 7])
def test_every_item_reduces_unknown_cells_by_its_units_and_the_top_one_most(grid, minutes):
    request = dataclasses.replace(REQUEST, minutes=minutes)
    items = compute_worklist(
        grid, places=GRID_PLACES, verdicts_by_place=VERDICTS, indicators={}, groups="wheelchair",
        request=request, limit=None,
    )  # fmt: skip
    req = dataclasses.replace(request, group="wheelchair")
    anchors = select_anchors(GRID_PLACES)
    places = classify_places_for_gaps(GRID_PLACES, VERDICTS, req)
    before = compute_gaps(grid, anchors=anchors, places=places, params=req.params).counts["unknown"]
    assert before > 0 and len(items) >= 3
    unknown_ids = {p.id for p in places if p.status == "unknown"}
    assert {it.place_id for it in items} <= unknown_ids
    assert 16 not in {it.place_id for it in items} and 17 not in {it.place_id for it in items}
    drops = {}
    for i, p in enumerate(places):
        if p.status != "unknown":
            continue
        after = compute_gaps(grid, anchors=anchors, places=_with_serving(places, i), params=req.params)
        drops[p.id] = before - after.counts["unknown"]
    for it in items:
        assert drops[it.place_id] == it.units > 0
        assert it.score == pytest.approx(it.units)  # no social index known: every hexagon weighs 1
    # Left out: exactly the unknown places whose audit would decide nothing.
    assert {pid for pid, d in drops.items() if d > 0} == {it.place_id for it in items}
    assert drops[items[0].place_id] == max(drops.values())
    assert [it.score for it in items] == sorted((it.score for it in items), reverse=True)


def test_reason_names_the_anchor_and_the_count(grid):
    items = compute_worklist(
        grid, places=GRID_PLACES, verdicts_by_place=VERDICTS, indicators={}, groups=["wheelchair"],
        request=REQUEST, limit=None,
    )  # fmt: skip
    top = items[0]
    assert top.anchor_name in ("Grundschule Am Grid", "Kita Nord")
    assert top.reason_text("en") == f"would decide {top.units} hexagons around {top.anchor_name}"
    assert top.reason_text("de") == f"würde {top.units} Hexagone um {top.anchor_name} entscheiden"
    unnamed = next(it for it in items if it.name is None)
    assert worklist_to_json([unnamed])[0]["place"] == "Playground (node/1012)"
    rows = worklist_to_json(items)
    assert [set(r) for r in rows] == [{"place", "osm_ref", "category", "score", "units", "reason"}] * len(items)
    assert rows[0]["reason"] == top.reason_text("en")


def test_social_index_weighs_the_hexagons_around_the_school(grid):
    indicator = SchoolIndicator(1, "123456", "GGS Am Grid", "Grundschule", 9, True, 200, "test", 5.0, NOW)
    plain = compute_worklist(grid, places=GRID_PLACES, verdicts_by_place=VERDICTS, indicators={},
                             groups="wheelchair", request=REQUEST, limit=None)  # fmt: skip
    weighted = compute_worklist(grid, places=GRID_PLACES, verdicts_by_place=VERDICTS, indicators={1: indicator},
                                groups="wheelchair", request=REQUEST, limit=None)  # fmt: skip
    by_id = {it.place_id: it for it in plain}
    for it in weighted:
        assert it.units == by_id[it.place_id].units
        assert it.units <= it.score <= 2 * it.units  # weights from 1 to 2
    assert any(it.score > it.units for it in weighted)
    assert [it.score for it in weighted] == sorted((it.score for it in weighted), reverse=True)


def test_unit_weights_take_the_highest_index_of_the_catchments():
    anchors = [GapPlace(1, "A", None, "school", 0, 0), GapPlace(2, "B", None, "school", 0, 0),
               GapPlace(3, "K", None, "kita", 0, 0)]  # fmt: skip

    def ind(pid: int, si: int | None) -> SchoolIndicator:
        return SchoolIndicator(pid, str(pid), "x", None, si, False, None, "t", 0.0, NOW)

    # unit 0 in A and B, unit 1 in B only, unit 2 in the Kita's only, unit 3 in none
    w = unit_weights(anchors, np.array([0, 1, 1, 2]), np.array([0, 0, 1, 2]), 4, {1: ind(1, 9), 2: ind(2, 3)})
    np.testing.assert_allclose(w, [2.0, 1.25, 1.0, 1.0])


def test_several_groups_add_up_and_the_reason_names_them(grid):
    one = {g: compute_worklist(grid, places=GRID_PLACES, verdicts_by_place=VERDICTS, indicators={},
                               groups=g, request=REQUEST, limit=None) for g in ("wheelchair", "prams")}  # fmt: skip
    both = compute_worklist(grid, places=GRID_PLACES, verdicts_by_place=VERDICTS, indicators={},
                            groups="wheelchair,prams", request=REQUEST, limit=None)  # fmt: skip
    scores = {g: {it.place_id: it.score for it in items} for g, items in one.items()}
    for it in both:
        assert it.score == pytest.approx(scores["wheelchair"].get(it.place_id, 0) + scores["prams"].get(it.place_id, 0))
        assert it.units <= sum(it.units_by_group.values())
    top = both[0]
    if len(top.units_by_group) == 2:
        assert "(for Wheelchair users, " in top.reason_text("en")


def test_limit_and_bad_input(grid):
    kw = dict(places=GRID_PLACES, verdicts_by_place=VERDICTS, indicators={}, request=REQUEST)
    assert len(compute_worklist(grid, groups="wheelchair", limit=2, **kw)) == 2
    with pytest.raises(InvalidInput, match="martians"):
        compute_worklist(grid, groups="martians", **kw)
    with pytest.raises(InvalidInput, match="groups"):
        check_groups("")
    with pytest.raises(InvalidInput, match="at least 1"):
        compute_worklist(grid, groups="wheelchair", limit=0, **kw)
    assert check_groups(["prams,wheelchair", "prams"]) == ("prams", "wheelchair")


# --- a real extract ------------------------------------------------------------------------------


def test_on_a_real_extract_every_candidate_reduces_unknown_cells_by_its_units(extract_path):
    from catalogue.osm_file import read_osm_file

    extract = read_osm_file(extract_path("neuss"))
    graph = build_graph(extract.network)
    infos = [
        dataclasses.replace(info(i, p.name, p.category, 0, 0), lon=p.lon, lat=p.lat, geometry_wkt=p.geometry_wkt)
        for i, p in enumerate(extract.places)
    ]
    rng = np.random.default_rng(5)
    verdicts = {
        x.id: {"wheelchair": Verdict("wheelchair", "open", [], [])} for x in infos if rng.random() < 0.3
    }
    items = compute_worklist(graph, places=infos, verdicts_by_place=verdicts, indicators={}, groups="wheelchair", limit=None)
    assert len(items) > 5
    assert all(it.score > 0 and it.units > 0 for it in items)
    assert [it.score for it in items] == sorted((it.score for it in items), reverse=True)
    assert all(it.anchor_name is None or it.anchor_name in it.reason_text("en") for it in items)
    req = GapRequest(group="wheelchair")
    anchors = select_anchors(infos)
    gap_places = classify_places_for_gaps(infos, verdicts, req)
    before = compute_gaps(graph, anchors=anchors, places=gap_places, params=req.params).counts["unknown"]
    index = {p.id: i for i, p in enumerate(gap_places)}
    for it in items:  # every one: a gap map takes milliseconds once the catchments are cached
        after = compute_gaps(graph, anchors=anchors, places=_with_serving(gap_places, index[it.place_id]), params=req.params)
        assert before - after.counts["unknown"] == it.units
