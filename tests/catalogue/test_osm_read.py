"""Reading OSM files: the real extracts, a hand-written fixture, every kind of bad input."""

from __future__ import annotations

import bz2
import gzip
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import osmium
import pytest
import shapely
from pyproj import Geod
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from base.errors import OsmSourceError
from catalogue.build import WALK_FILTER, is_walkable
from catalogue.osm_file import read_osm_file, sample_extract_path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "merge_park_cut.osm"

# Verified by hand against the .SOURCE.txt counts and the independent pyosmium count below.
EXPECTED = {
    "berlin": {
        "categories": {
            "cafe": 2,
            "community_centre": 1,
            "kita": 10,
            "library_culture": 1,
            "park_garden": 19,
            "place_of_worship": 7,
            "playground": 35,
            "school": 7,  # 9 amenity=school ways; two schools are mapped as campus + building
            "social_facility": 5,
            "sport": 28,
        },
        "network": (6102, 6689),
        "connected": 0.95,
    },
    "muenchen": {
        "categories": {
            "cafe": 110,
            "community_centre": 7,
            "kita": 11,
            "library_culture": 19,
            "park_garden": 44,
            "place_of_worship": 26,
            "playground": 6,
            "school": 20,
            "social_facility": 3,
            "sport": 5,
            "square_market": 36,  # Viktualienmarkt: two nested marketplace polygons
        },
        "network": (6393, 7250),
        "connected": 0.95,
    },
    "neuss": {
        "categories": {
            "cafe": 5,
            "community_centre": 3,
            "kita": 4,
            "library_culture": 1,
            "park_garden": 5,
            "place_of_worship": 2,
            "playground": 18,
            "school": 5,
            "social_facility": 4,
            "sport": 37,
            "square_market": 2,
        },
        "network": (3729, 3942),
        # A corridor cut along a railway line; sidewalk=separate streets leave the walk network.
        "connected": 0.70,
    },
}

# Plain tag counts (nodes + ways + relations), independent of our reader.
INDEPENDENT = {
    "school": [("amenity", "school")],
    "kita": [("amenity", "kindergarten"), ("amenity", "childcare")],
    "playground": [("leisure", "playground")],
    "place_of_worship": [("amenity", "place_of_worship")],
    "social_facility": [("amenity", "social_facility")],
    "community_centre": [("amenity", "community_centre"), ("amenity", "social_centre")],
    "sport": [("leisure", "pitch"), ("leisure", "sports_centre"), ("leisure", "fitness_station")],
}


def _tag_count(path: Path, pairs: list[tuple[str, str]]) -> int:
    proc = osmium.FileProcessor(str(path)).with_filter(osmium.filter.TagFilter(*pairs))
    return sum(1 for _ in proc)


@pytest.fixture(scope="module")
def extracts(extract_path):
    return {name: read_osm_file(extract_path(name)) for name in EXPECTED}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_real_extract_places_match_independent_counts(name, extracts, extract_path):
    ext = extracts[name]
    cats = Counter(p.category for p in ext.places)
    assert dict(cats) == EXPECTED[name]["categories"]
    for category, pairs in INDEPENDENT.items():
        merged = sum(len(p.merged_refs) for p in ext.places if p.category == category)
        assert cats[category] == _tag_count(extract_path(name), pairs) - merged, category
    assert ext.source == extract_path(name).name
    for p in ext.places:
        assert -180 <= p.lon <= 180 and -90 <= p.lat <= 90
        assert p.name == p.tags.get("name")
        if p.osm_type != "node":
            assert p.geometry_wkt is not None
        assert len({q.ref for q in ext.places}) == len(ext.places)


def test_source_txt_figures(extracts):
    """The counts printed in ../shared/data/*.SOURCE.txt, minus the one merged München school node."""
    b, m, n = (Counter(p.category for p in extracts[k].places) for k in ("berlin", "muenchen", "neuss"))
    assert (b["school"], b["kita"], b["playground"], b["park_garden"], b["place_of_worship"]) == (
        9 - 2,  # Benjamin-Franklin-Oberschule and Toulouse-Lautrec-Schule: campus + building
        10,
        35,
        19,
        7,
    )
    assert (m["school"], m["kita"], m["place_of_worship"], m["community_centre"]) == (21 - 1, 9 + 2, 26, 7)
    # Neuss sport: 28 pitches + 4 sports centres + 5 fitness stations (inside a pitch, kept apart).
    assert (n["school"], n["kita"], n["playground"], n["sport"]) == (5, 4, 18, 28 + 4 + 5)
    merged = {p.ref: p.merged_refs for p in extracts["muenchen"].places if p.merged_refs}
    assert merged == {"way/30963227": ["node/2516603799"], "way/240014249": ["way/684006592"]}


def test_a_school_mapped_as_campus_and_building_is_one_place(extracts):
    """Two nested ``amenity=school`` polygons with the same name: one place, the campus kept."""
    schools = {p.ref: p for p in extracts["berlin"].places if p.category == "school"}
    names = [p.name for p in schools.values()]
    assert names.count("Benjamin-Franklin-Oberschule") == 1
    assert names.count("Toulouse-Lautrec-Schule") == 1
    assert schools["way/8073110"].merged_refs == ["way/23368595"]
    assert schools["way/24608194"].merged_refs == ["way/46769919"]
    # differently named or unrelated polygons stay apart
    assert len(schools) == 7


@pytest.mark.parametrize("name", list(EXPECTED))
def test_real_extract_network(name, extracts, extract_path):
    net = extracts[name].network
    assert (net.node_count, net.edge_count) == EXPECTED[name]["network"]
    assert (net.length_m > 0).all()
    assert net.u.max() < net.node_count and net.v.max() < net.node_count
    assert (net.u != net.v).all()
    # Independent: distinct nodes and distinct node pairs of the walkable ways, in plain Python.
    nodes, pairs = set(), set()
    for way in osmium.FileProcessor(str(extract_path(name)), osmium.osm.WAY):
        if "highway" in way.tags and is_walkable(way.tags):
            refs = [n.ref for n in way.nodes]
            nodes.update(refs)
            pairs.update(frozenset(p) for p in zip(refs, refs[1:], strict=False) if p[0] != p[1])
    assert net.node_count == len(nodes)
    assert net.edge_count == len(pairs)
    graph = coo_matrix((np.ones(net.edge_count), (net.u, net.v)), shape=(net.node_count, net.node_count))
    _, labels = connected_components(graph, directed=False)
    assert np.bincount(labels).max() / net.node_count >= EXPECTED[name]["connected"]
    # Total length is plausible for a few km² of streets and paths (tens to hundreds of km).
    assert 30_000 < float(net.length_m.sum()) < 300_000


def test_bbox_from_header_or_data(extracts):
    assert extracts["berlin"].bbox == pytest.approx((13.29483, 52.57640, 13.32727, 52.59377), abs=1e-5)
    west, south, east, north = extracts["neuss"].bbox  # no header box: extent of the data
    assert 6.6 < west < east < 6.8 and 51.1 < south < north < 51.3


def test_walk_rule_is_osmnx_walk_filter():
    from osmnx import _overpass, settings

    assert settings.default_access == '["access"!~"private"]'
    assert WALK_FILTER == _overpass._get_network_filter("walk")


def test_sample_extract_is_bundled_and_readable():
    path = sample_extract_path()
    assert path.name == "Helsinki.osm.pbf" and path.is_file()
    ext = read_osm_file(path)
    assert ext.places and ext.network.edge_count > 1000


# --- hand-written fixture -------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_extract():
    return read_osm_file(FIXTURE)


def test_school_node_inside_campus_is_one_place(fixture_extract):
    by_ref = {p.ref: p for p in fixture_extract.places}
    assert "node/10" not in by_ref
    school = by_ref["way/100"]
    assert school.category == "school"
    assert school.merged_refs == ["node/10"]
    assert school.name == "Grundschule Am Park"  # the polygon's own tags win
    assert school.tags["isced:level"] == "1" and school.tags["wheelchair"] == "yes "  # raw, from the node
    assert shapely.from_wkt(school.geometry_wkt).contains(shapely.Point(school.lon, school.lat))
    # A Kita node in the school campus is another place, not merged.
    assert by_ref["node/11"].category == "kita" and by_ref["node/11"].merged_refs == []


def test_multipolygon_park_is_one_polygon_place(fixture_extract):
    parks = [p for p in fixture_extract.places if p.category == "park_garden"]
    assert [p.ref for p in parks] == ["relation/300"]
    geom = shapely.from_wkt(parks[0].geometry_wkt)
    assert geom.geom_type in ("Polygon", "MultiPolygon")
    assert not geom.contains(shapely.Point(6.68475, 51.20075))  # the hole
    assert geom.contains(shapely.Point(parks[0].lon, parks[0].lat))
    assert parks[0].name == "Stadtpark"
    assert sorted(p.ref for p in fixture_extract.places) == ["node/11", "relation/300", "way/100"]


def test_cut_way_keeps_its_present_segments(fixture_extract):
    net = fixture_extract.network
    ids = net.node_ids.tolist()
    edges = {frozenset((ids[a], ids[b])) for a, b in zip(net.u.tolist(), net.v.tolist(), strict=True)}
    # 402 cycleway, 404 private service road, 405 street with separate sidewalks: not walkable.
    # 403 loses 35–999–36 (node 999 is not in the file) but keeps 33–35 and 36–37.
    assert edges == {frozenset(e) for e in [(30, 31), (31, 32), (32, 33), (33, 35), (36, 37)]}
    geod = Geod(ellps="WGS84")
    _, _, expected = geod.inv(6.6800, 51.1995, 6.6810, 51.1995)
    k = next(i for i, e in enumerate(zip(net.u, net.v, strict=True)) if {ids[e[0]], ids[e[1]]} == {30, 31})
    assert net.length_m[k] == pytest.approx(expected, rel=0.005)  # ≈ 70 m


def test_compressed_xml_reads_the_same(fixture_extract, tmp_path):
    gz = tmp_path / "f.osm.gz"
    bz = tmp_path / "f.osm.bz2"
    gz.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    bz.write_bytes(bz2.compress(FIXTURE.read_bytes()))
    for path in (gz, bz):
        ext = read_osm_file(path)
        assert ext.places == fixture_extract.places
        assert ext.bbox == fixture_extract.bbox
        for field in ("node_ids", "lon", "lat", "u", "v", "length_m"):
            assert np.array_equal(getattr(ext.network, field), getattr(fixture_extract.network, field))


def test_pbf_and_xml_of_same_data_agree(extract_path, extracts, tmp_path):
    xml = tmp_path / "neuss.osm"
    with osmium.SimpleWriter(str(xml)) as writer:
        for obj in osmium.FileProcessor(str(extract_path("neuss"))):
            writer.add(obj)
    ext = read_osm_file(xml)
    assert ext.places == extracts["neuss"].places
    assert np.array_equal(ext.network.u, extracts["neuss"].network.u)


# --- bad input --------------------------------------------------------------------------


def _bad_files(tmp: Path, berlin: Path) -> dict[str, Path]:
    files = {}

    def put(name: str, data: bytes) -> None:
        files[name] = tmp / name
        files[name].write_bytes(data)

    put("empty.osm.pbf", b"")
    pbf = berlin.read_bytes()
    put("truncated.osm.pbf", pbf[: int(len(pbf) * 0.6)])
    put("webpage.osm.pbf", b"<!DOCTYPE html><html><body>404 Not Found</body></html>")
    put("notes.osm", b"Einkaufsliste: Milch, Brot\n")
    put("random.osm.pbf", bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8)))
    put("svg.osm", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>')
    put("gzip-text.osm.gz", gzip.compress(b"just some text"))
    put("truncated.osm.bz2", bz2.compress(FIXTURE.read_bytes())[:200])
    put(
        "lat95.osm",
        b'<?xml version="1.0"?><osm version="0.6"><node id="1" lat="95.0" lon="7.0"/>'
        b'<node id="2" lat="51.0" lon="7.0"/></osm>',
    )
    put("lon500.osm", b'<osm version="0.6"><node id="1" lat="51.0" lon="500.0"/></osm>')
    put(
        "no-nodes.osm",
        b'<osm version="0.6"><way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way></osm>',
    )
    put("root-only.osm", b'<?xml version="1.0"?><osm version="0.6"></osm>')
    return files


BAD_CASES = [
    ("empty.osm.pbf", "empty"),
    ("truncated.osm.pbf", "incomplete or damaged"),
    ("webpage.osm.pbf", "web page"),
    ("notes.osm", "not OpenStreetMap"),
    ("random.osm.pbf", "not OpenStreetMap"),
    ("svg.osm", "without an <osm>"),
    ("gzip-text.osm.gz", "not OpenStreetMap"),
    ("truncated.osm.bz2", "incomplete or damaged"),
    ("lat95.osm", "impossible coordinates"),
    ("lon500.osm", "incomplete or damaged"),
    ("no-nodes.osm", "no nodes"),
    ("root-only.osm", "no nodes"),
]


@pytest.mark.parametrize(("name", "problem"), BAD_CASES)
def test_bad_input_is_refused_with_a_clear_message(name, problem, tmp_path, extract_path):
    path = _bad_files(tmp_path, extract_path("berlin"))[name]
    with pytest.raises(OsmSourceError) as err:
        read_osm_file(path)
    assert name in err.value.en and name in err.value.de
    assert problem in err.value.en
    assert err.value.de != err.value.en
    assert "Traceback" not in err.value.en


def test_missing_file(tmp_path):
    with pytest.raises(OsmSourceError, match="does not exist") as err:
        read_osm_file(tmp_path / "nirgends.osm.pbf")
    assert "nirgends.osm.pbf" in err.value.de


def test_content_decides_not_the_name(tmp_path):
    """XML saved under a .pbf name is still read (and an HTML .osm is still refused)."""
    wrong = tmp_path / "actually-xml.osm.pbf"
    shutil.copy(FIXTURE, wrong)
    assert len(read_osm_file(wrong).places) == 3
