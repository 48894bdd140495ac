"""Passability codes: OSM tags → small codes at import, 0 = unknown, kept through storage."""

from __future__ import annotations

import numpy as np
import pytest

from catalogue import walk_tags as wt
from catalogue.model import WalkNetwork
from catalogue.osm_file import read_osm_file


def way(**tags: str) -> dict[str, int]:
    return dict(zip(wt.EDGE_ATTRS, wt.classify_way({"highway": "footway", **tags}), strict=True))


def test_untagged_way_is_unknown_but_never_steps():
    codes = way()
    assert codes["steps"] == wt.STEPS_NO
    assert all(codes[a] == wt.UNKNOWN for a in wt.EDGE_ATTRS if a != "steps")


@pytest.mark.parametrize(
    ("tags", "attr", "code"),
    [
        ({"highway": "steps"}, "steps", wt.STEPS),
        ({"highway": "steps", "ramp:wheelchair": "yes"}, "steps", wt.STEPS_RAMP_WHEELCHAIR),
        ({"highway": "steps", "wheelchair": "yes", "ramp:stroller": "yes"}, "steps", wt.STEPS_RAMP_BOTH),
        ({"highway": "steps", "step_count": "12"}, "step_count", 12),
        ({"incline": "5%"}, "incline", wt.INCLINE_FLAT),
        ({"incline": "-7 %"}, "incline", wt.INCLINE_MODERATE),
        ({"incline": "12%"}, "incline", wt.INCLINE_STEEP),
        ({"incline": "up"}, "incline", wt.INCLINE_MODERATE),
        ({"incline": "steep-ish"}, "incline", wt.UNKNOWN),
        ({"surface": "asphalt"}, "surface", wt.SURFACE_SMOOTH),
        ({"surface": "sett"}, "surface", wt.SURFACE_ROUGH),
        ({"surface": "asphalt", "smoothness": "very_bad"}, "surface", wt.SURFACE_VERY_ROUGH),
        ({"width": "0,8"}, "width", wt.WIDTH_TOO_NARROW),
        ({"width": "120 cm"}, "width", wt.WIDTH_NARROW),
        ({"width": "2"}, "width", wt.WIDTH_WIDE),
        ({"wheelchair": "no"}, "wheelchair", wt.WHEELCHAIR_NO),
        ({"kerb": "lowered"}, "kerb", wt.KERB_FLUSH),
        ({"kerb": "lowered", "kerb:height": "0.06"}, "kerb", wt.KERB_RAISED),
        ({"crossing": "unmarked"}, "crossing", wt.CROSSING_UNMARKED),
    ],
)
def test_way_codes(tags, attr, code):
    assert way(**tags)[attr] == code


def test_node_codes():
    assert wt.classify_node({"amenity": "bench"}) is None
    assert wt.classify_node({"barrier": "stile"}) == (wt.BARRIER_STILE, 0, 0)
    assert wt.classify_node({"barrier": "bollard"}) == (wt.BARRIER_OPEN, 0, 0)
    assert wt.classify_node({"barrier": "kerb"}) == (0, wt.KERB_UNKNOWN_HEIGHT, 0)
    assert wt.classify_node({"barrier": "kerb", "kerb": "raised"}) == (0, wt.KERB_RAISED, 0)
    assert wt.classify_node({"highway": "crossing", "crossing": "traffic_signals", "kerb": "flush"}) == (
        0, wt.KERB_FLUSH, wt.CROSSING_MARKED,
    )  # fmt: skip


def test_the_file_reader_keeps_the_codes_and_storage_round_trips_them(extract_path):
    net = read_osm_file(extract_path("berlin")).network
    assert net.edge_tags is not None and net.edge_tags.shape == (net.edge_count, len(wt.EDGE_ATTRS))
    assert net.node_tags is not None and net.node_tags.shape == (net.node_count, len(wt.NODE_ATTRS))
    steps = net.edge_tags[:, wt.EDGE_ATTRS.index("steps")]
    assert (steps == wt.STEPS).any() and (steps != wt.UNKNOWN).all()
    surface = net.edge_tags[:, wt.EDGE_ATTRS.index("surface")]
    assert (surface == wt.UNKNOWN).any() and (surface == wt.SURFACE_SMOOTH).any()
    assert (net.node_tags[:, wt.NODE_ATTRS.index("kerb")] != wt.UNKNOWN).any()
    again = WalkNetwork.from_bytes(net.to_bytes())
    np.testing.assert_array_equal(again.edge_tags, net.edge_tags)
    np.testing.assert_array_equal(again.node_tags, net.node_tags)
