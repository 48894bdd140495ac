"""OSM files as they come from the field: cut by a box, with duplicate ids, huge, lat/lon swapped.

The cut and swapped extracts are written with pyosmium from the real shared ones (to tmp_path):
a box cut keeps every node inside the box and every way and relation touching it with its
full node and member lists, so ways reference nodes that are not in the file, as
``osmium extract --strategy simple`` and many download services produce.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from pathlib import Path

import osmium
import pytest
import shapely

from base.errors import ImportCancelled, ImportLimitExceeded, OsmSourceError
from catalogue.build import WATERWAY_LINES, classify_basemap_area, is_walkable
from catalogue.categories import classify_tags
from catalogue.osm_file import ReadLimits, read_osm_file
from storage.db import open_database, read_all_rows
from tests.cli.test_import_cli import run_cli

# Boxes (west, south, east, north) that cut through streets, buildings, water and relations.
BOXES = {
    "neuss": (6.6791, 51.1950, 6.6881, 51.2073),
    # through the Isar: water polygons, a water multipolygon and the river lines cross the edge
    "muenchen": (11.5700, 48.1280, 11.5830, 48.1420),
}


def write_box_cut(src: Path, dst: Path, box: tuple[float, float, float, float]) -> dict[str, set[int]]:
    """Nodes inside ``box``; ways with a node inside (all their refs); relations with a member kept."""
    w, s, e, n = box
    inside = {
        nd.id
        for nd in osmium.FileProcessor(str(src), osmium.osm.NODE)
        if w <= nd.location.lon <= e and s <= nd.location.lat <= n
    }
    ways = {
        way.id
        for way in osmium.FileProcessor(str(src), osmium.osm.WAY)
        if any(r.ref in inside for r in way.nodes)
    }
    cut = set()
    relations = set()
    with osmium.SimpleWriter(str(dst)) as writer:
        for obj in osmium.FileProcessor(str(src)):
            if obj.is_node():
                if obj.id in inside:
                    writer.add(obj)
            elif obj.is_way():
                if obj.id in ways:
                    writer.add(obj)
                    if any(r.ref not in inside for r in obj.nodes):
                        cut.add(obj.id)
            elif any(
                (m.type == "w" and m.ref in ways) or (m.type == "n" and m.ref in inside) for m in obj.members
            ):
                relations.add(obj.id)
                writer.add(obj)
    return {"nodes": inside, "ways": ways, "cut_ways": cut, "relations": relations}


@pytest.fixture(scope="module")
def cut_extracts(extract_path, tmp_path_factory):
    out = {}
    for name, box in BOXES.items():
        dst = tmp_path_factory.mktemp("cut") / f"{name}-cut.osm.pbf"
        info = write_box_cut(extract_path(name), dst, box)
        out[name] = (dst, info, read_osm_file(dst), read_osm_file(extract_path(name)))
    return out


def _closed(way) -> bool:
    return len(way.nodes) >= 4 and way.nodes[0].ref == way.nodes[-1].ref


@pytest.mark.parametrize("name", list(BOXES))
def test_a_box_cut_extract_is_read_and_counts_what_was_cut(name, cut_extracts):
    path, info, ext, _full = cut_extracts[name]
    assert len(info["cut_ways"]) > 50  # the file really is cut: ways reach past its edge
    # Independent count of the cut ways the import uses (streets, rivers, places, buildings, water).
    used_cut = 0
    for way in osmium.FileProcessor(str(path), osmium.osm.WAY):
        if way.id not in info["cut_ways"]:
            continue
        tags = dict(way.tags)
        if (
            ("highway" in tags and is_walkable(tags))
            or tags.get("waterway") in WATERWAY_LINES
            or classify_tags(tags) is not None
            or (_closed(way) and classify_basemap_area(tags) is not None)
        ):
            used_cut += 1
    notes = ext.notes
    assert notes.cut_ways > 0 and notes.cut_skipped > 0
    assert used_cut <= notes.cut_ways + notes.cut_skipped <= len(info["cut_ways"])
    assert notes.duplicates_dropped == 0
    assert ext.network.edge_count > 500
    assert ext.data_bbox is not None
    w, s, e, n = BOXES[name]
    dw, ds, de, dn = ext.data_bbox  # only nodes inside the box are in the file
    assert w <= dw <= de <= e and s <= ds <= dn <= n


@pytest.mark.parametrize("name", list(BOXES))
def test_box_cut_keeps_every_place_and_building_that_reaches_inside(name, cut_extracts):
    path, info, ext, full = cut_extracts[name]
    cut_refs = {p.ref for p in ext.places} | {r for p in ext.places for r in p.merged_refs}
    full_refs = {p.ref for p in full.places} | {r for p in full.places for r in p.merged_refs}
    written = (
        {f"node/{i}" for i in info["nodes"]}
        | {f"way/{i}" for i in info["ways"]}
        | {f"relation/{i}" for i in info["relations"]}
    )
    # every place of the full extract whose OSM object is in the cut file is a place again ...
    assert {r for r in full_refs if r in written} <= cut_refs
    # ... and nothing else turns up
    assert cut_refs <= full_refs
    # A place way cut by the edge keeps a geometry of its nodes inside the box.
    by_ref = {p.ref: p for p in ext.places}
    cut_places = [by_ref[f"way/{i}"] for i in info["cut_ways"] if f"way/{i}" in by_ref]
    assert cut_places
    box = shapely.box(*BOXES[name])
    for place in cut_places:
        if place.geometry_wkt is not None:
            assert box.buffer(1e-6).contains(shapely.from_wkt(place.geometry_wkt))
    # Buildings crossing the edge stay on the base map, drawn from their nodes inside the box.
    drawable = 0
    for way in osmium.FileProcessor(str(path), osmium.osm.WAY):
        if _closed(way) and classify_basemap_area(way.tags) == "buildings":
            present = {r.ref for r in way.nodes if r.ref in info["nodes"]}
            drawable += len(present) >= 3
    assert ext.basemap.counts["buildings"] >= drawable
    assert all(not shapely.from_wkb(b).is_empty for b in ext.basemap.buildings)


def test_water_and_a_water_multipolygon_crossing_the_edge_are_kept(cut_extracts):
    _path, info, ext, full = cut_extracts["muenchen"]
    assert 1698420 in info["relations"] or 1401611 in info["relations"]
    assert ext.notes.cut_relations >= 1
    box = shapely.box(*BOXES["muenchen"])
    water = [shapely.from_wkb(g) for g in ext.basemap.water]
    full_water = [shapely.from_wkb(g) for g in full.basemap.water]
    crossing = [g for g in full_water if g.intersects(box) and not box.contains(g)]
    assert crossing  # the box does cut water
    # Each larger water area crossing the edge still covers most of its part inside the box
    # (slivers with fewer than 3 nodes inside are left out: nothing of them remains).
    inside = shapely.union_all(water)
    parts = [g.intersection(box) for g in crossing]
    big = [part for part in parts if part.area > 1e-6]  # about 7,000 m²
    assert big
    for part in big:
        assert inside.intersection(part).area >= 0.5 * part.area
    # River lines crossing the edge are kept as their pieces inside.
    lines = [shapely.from_wkb(g) for g in ext.basemap.waterways]
    assert lines and all(box.buffer(1e-6).contains(g) or g.length > 0 for g in lines)


def test_a_multipolygon_with_missing_members_keeps_the_members_present(extract_path, tmp_path):
    """München's Isar (water) and Karlsplatz (a square): inner ways left out of the file.

    libosmium assembles neither; the reader builds them from the members present (the outer
    ring, the holes still there). Without an outer ring, a water area is left out and counted.
    """
    src = extract_path("muenchen")
    members = {
        r.id: [m.ref for m in r.members if m.type == "w"]
        for r in osmium.FileProcessor(str(src), osmium.osm.RELATION)
        if r.id in (1698420, 147144)
    }
    assert set(members) == {1698420, 147144}
    drop = set()
    for ways in members.values():
        drop.update(ways[1 : 1 + max(1, len(ways) // 2)])  # ways[0] is the outer ring
    dst = tmp_path / "muenchen-missing-members.osm.pbf"
    with osmium.SimpleWriter(str(dst)) as writer:
        for obj in osmium.FileProcessor(str(src)):
            if not (obj.is_way() and obj.id in drop):
                writer.add(obj)
    full = read_osm_file(src)
    ext = read_osm_file(dst)
    assert (ext.notes.cut_relations, ext.notes.cut_skipped) == (2, 0)
    square = next(p for p in ext.places if p.ref == "relation/147144")
    full_square = shapely.from_wkt(next(p for p in full.places if p.ref == "relation/147144").geometry_wkt)
    geom = shapely.from_wkt(square.geometry_wkt)
    assert geom.geom_type in ("Polygon", "MultiPolygon")
    # the same outer ring, fewer holes: covers the whole square and a little more
    assert geom.contains(full_square.buffer(-1e-7)) and geom.area > full_square.area
    assert len(ext.basemap.water) == len(full.basemap.water)
    isar = shapely.union_all([shapely.from_wkb(g) for g in ext.basemap.water])
    full_isar = shapely.union_all([shapely.from_wkb(g) for g in full.basemap.water])
    assert full_isar.difference(isar).area < 1e-3 * full_isar.area

    # Without its outer ring nothing of the river's area remains: left out, and counted.
    no_outer = tmp_path / "muenchen-no-outer.osm.pbf"
    with osmium.SimpleWriter(str(no_outer)) as writer:
        for obj in osmium.FileProcessor(str(src)):
            if not (obj.is_way() and obj.id == members[1698420][0]):
                writer.add(obj)
    ext = read_osm_file(no_outer)
    assert ext.notes.cut_skipped == 1 and len(ext.basemap.water) == len(full.basemap.water) - 1


# --- duplicate ids ----------------------------------------------------------------------

DUPLICATES = b"""<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <node id="1" version="1" timestamp="2020-01-01T00:00:00Z" lat="51.2000" lon="6.6800"/>
  <node id="2" version="1" timestamp="2020-01-01T00:00:00Z" lat="51.2000" lon="6.6810"/>
  <node id="3" version="2" timestamp="2021-01-01T00:00:00Z" lat="51.2005" lon="6.6805">
    <tag k="amenity" v="cafe"/><tag k="name" v="Cafe neu"/>
  </node>
  <node id="3" version="1" timestamp="2019-01-01T00:00:00Z" lat="51.3000" lon="6.7000">
    <tag k="amenity" v="cafe"/><tag k="name" v="Cafe alt"/>
  </node>
  <node id="4" version="3" timestamp="2020-01-01T00:00:00Z" lat="51.2010" lon="6.6800">
    <tag k="amenity" v="library"/><tag k="name" v="Bibliothek alt"/>
  </node>
  <node id="4" version="3" timestamp="2022-06-01T00:00:00Z" lat="51.2010" lon="6.6801">
    <tag k="amenity" v="library"/><tag k="name" v="Bibliothek neu"/>
  </node>
  <node id="5" version="1" timestamp="2020-01-01T00:00:00Z" lat="51.2010" lon="6.6810"/>
  <way id="10" version="1" timestamp="2020-01-01T00:00:00Z">
    <nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/>
  </way>
  <way id="10" version="2" timestamp="2021-01-01T00:00:00Z">
    <nd ref="1"/><nd ref="2"/><nd ref="5"/><tag k="highway" v="footway"/>
  </way>
  <way id="11" version="4" timestamp="2021-01-01T00:00:00Z">
    <nd ref="1"/><nd ref="5"/><tag k="highway" v="residential"/>
  </way>
  <way id="11" version="2" timestamp="2023-01-01T00:00:00Z">
    <nd ref="1"/><nd ref="5"/><tag k="highway" v="motorway"/>
  </way>
</osm>
"""


def test_duplicate_ids_keep_the_newest_version(tmp_path):
    path = tmp_path / "duplicates.osm"
    path.write_bytes(DUPLICATES)
    ext = read_osm_file(path)
    places = {p.ref: p for p in ext.places}
    assert set(places) == {"node/3", "node/4"}
    assert places["node/3"].name == "Cafe neu"  # higher version wins (though earlier in the file)
    assert (places["node/3"].lon, places["node/3"].lat) == pytest.approx((6.6805, 51.2005))
    assert places["node/4"].name == "Bibliothek neu"  # same version: the later timestamp wins
    ids = ext.network.node_ids.tolist()
    edges = {frozenset((ids[a], ids[b])) for a, b in zip(ext.network.u, ext.network.v, strict=True)}
    # way 10 version 2 (1-2-5); way 11 version 4 (residential, walkable; version 2 is a motorway)
    assert edges == {frozenset((1, 2)), frozenset((2, 5)), frozenset((1, 5))}
    assert ext.notes.duplicates_dropped == 4


def test_unsorted_file_without_duplicates_reads_the_same(tmp_path):
    text = DUPLICATES.decode()
    lines = [ln for ln in text.splitlines() if "Cafe alt" not in ln]
    # drop the older copies by hand and put node 5 first: unsorted, no duplicates
    clean = b"""<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="5" lat="51.2010" lon="6.6810"/>
  <node id="1" lat="51.2000" lon="6.6800"/>
  <node id="2" lat="51.2000" lon="6.6810"/>
  <node id="3" lat="51.2005" lon="6.6805"><tag k="amenity" v="cafe"/></node>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="5"/><tag k="highway" v="footway"/></way>
</osm>
"""
    assert lines
    path = tmp_path / "unsorted.osm"
    path.write_bytes(clean)
    ext = read_osm_file(path)
    assert [p.ref for p in ext.places] == ["node/3"]
    assert ext.network.edge_count == 2 and ext.notes.duplicates_dropped == 0


def test_cli_reports_cut_ways_and_duplicates_in_json(db_url, cut_extracts, tmp_path):
    path, _info, ext, _full = cut_extracts["neuss"]
    result = run_cli(db_url, "import", path, "--area", "Neuss geschnitten", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["places"] == len(ext.places)
    assert data["osm_notes"] == ext.notes.to_json_dict()
    assert data["osm_notes"]["cut_ways"] > 0
    dup = tmp_path / "duplicates.osm"
    dup.write_bytes(DUPLICATES)
    result = run_cli(db_url, "import", dup, "--area", "Doppelt")
    assert result.returncode == 0, result.stderr
    assert "4 older copies" in result.stdout


# --- limits -------------------------------------------------------------------------------


def _gzip_bomb(path: Path, megabytes: int) -> None:
    head = b'<?xml version="1.0"?>\n<osm version="0.6">\n'
    node = b'  <node id="1" lat="51.2" lon="6.68"><tag k="note" v="' + b"x" * 200 + b'"/></node>\n'
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write(head)
        block = node * (1024 * 1024 // len(node) + 1)
        for _ in range(megabytes):
            fh.write(block)
        fh.write(b"</osm>\n")


def _many_nodes_pbf(path: Path, count: int) -> None:
    with osmium.SimpleWriter(str(path)) as writer:
        for i in range(1, count + 1):
            writer.add_node(osmium.osm.mutable.Node(id=i, location=(6.68 + i * 1e-7, 51.2)))


def test_gzip_bomb_is_refused_quickly_naming_the_setting(tmp_path):
    bomb = tmp_path / "bomb.osm.gz"
    _gzip_bomb(bomb, 40)
    assert bomb.stat().st_size < 2 * 1024 * 1024  # 40 MB of XML in a small file
    started = time.monotonic()
    with pytest.raises(ImportLimitExceeded) as err:
        read_osm_file(bomb, limits=ReadLimits(max_decompressed_bytes=8 * 1024 * 1024))
    assert time.monotonic() - started < 10
    assert "ATLAS_MAX_DECOMPRESSED_MB" in err.value.en and "ATLAS_MAX_DECOMPRESSED_MB" in err.value.de
    assert "bomb.osm.gz" in err.value.en and "8 MB" in err.value.en


def test_too_many_objects_are_refused_early(tmp_path):
    pbf = tmp_path / "many-nodes.osm.pbf"
    _many_nodes_pbf(pbf, 300_000)
    seen: list[tuple[str, int]] = []
    with pytest.raises(ImportLimitExceeded) as err:
        read_osm_file(pbf, limits=ReadLimits(max_objects=100_000), progress=lambda p, n: seen.append((p, n)))
    assert "ATLAS_MAX_OSM_OBJECTS" in err.value.en and "100,000" in err.value.en
    assert "ATLAS_MAX_OSM_OBJECTS" in err.value.de
    # it stopped soon after the limit, not at the end of the file
    assert 100_000 <= max(n for p, n in seen if p == "read") <= 100_000 + 20_000


def test_time_limit_and_cancel_stop_the_read(tmp_path):
    pbf = tmp_path / "many-nodes.osm.pbf"
    _many_nodes_pbf(pbf, 100_000)
    with pytest.raises(ImportLimitExceeded, match="ATLAS_MAX_IMPORT_SECONDS"):
        read_osm_file(pbf, limits=ReadLimits(max_seconds=0.0))
    cancel = threading.Event()

    def progress(phase: str, n: int) -> None:
        if phase == "read":
            cancel.set()

    with pytest.raises(ImportCancelled, match="cancelled"):
        read_osm_file(pbf, progress=progress, cancel=cancel)


def test_memory_limit_stops_a_file_that_grows_the_process(tmp_path):
    pbf = tmp_path / "many-cafes.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for i in range(1, 200_001):
            writer.add_node(
                osmium.osm.mutable.Node(
                    id=i, location=(6.68 + i * 1e-7, 51.2), tags={"amenity": "cafe", "name": f"Cafe {i}" * 20}
                )
            )
    with pytest.raises(ImportLimitExceeded, match="ATLAS_MAX_IMPORT_MEMORY_MB"):
        read_osm_file(pbf, limits=ReadLimits(max_memory_bytes=20 * 1024 * 1024))


@pytest.mark.parametrize("kind", ["bomb", "objects"])
def test_cli_refuses_over_limit_and_leaves_the_database_unchanged(db_url, extract_path, tmp_path, kind, monkeypatch):
    assert run_cli(db_url, "import", extract_path("neuss"), "--area", "Neuss").returncode == 0
    before = read_all_rows_of(db_url)
    if kind == "bomb":
        path = tmp_path / "bomb.osm.gz"
        _gzip_bomb(path, 40)
        monkeypatch.setenv("ATLAS_MAX_DECOMPRESSED_MB", "8")
        setting = "ATLAS_MAX_DECOMPRESSED_MB"
    else:
        path = tmp_path / "many.osm.pbf"
        _many_nodes_pbf(path, 300_000)
        monkeypatch.setenv("ATLAS_MAX_OSM_OBJECTS", "100000")
        setting = "ATLAS_MAX_OSM_OBJECTS"
    started = time.monotonic()
    result = run_cli(db_url, "import", path, "--area", "Neuss")
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert setting in result.stderr and "Nothing was imported" in result.stderr
    assert "Traceback" not in result.stderr
    assert read_all_rows_of(db_url) == before


def test_a_malformed_limit_setting_is_an_input_error(db_url, extract_path, monkeypatch):
    monkeypatch.setenv("ATLAS_MAX_OSM_OBJECTS", "lots")
    result = run_cli(db_url, "import", extract_path("neuss"), "--area", "Neuss")
    assert result.returncode == 2 and "ATLAS_MAX_OSM_OBJECTS" in result.stderr
    assert "Traceback" not in result.stderr


def read_all_rows_of(db_url: str):
    engine = open_database(db_url)
    try:
        return read_all_rows(engine)
    finally:
        engine.dispose()


# --- declared bounds ----------------------------------------------------------------------


def test_swapped_lat_lon_is_refused_naming_the_swap(extract_path, tmp_path):
    src = extract_path("berlin")
    with osmium.io.Reader(str(src), osmium.osm.NOTHING) as reader:
        box = reader.header().box()
    assert box.valid()
    header = osmium.io.Header()
    header.add_box(box)
    dst = tmp_path / "berlin-swapped.osm.pbf"
    with osmium.SimpleWriter(str(dst), header=header) as writer:
        for obj in osmium.FileProcessor(str(src)):
            if obj.is_node():
                writer.add(obj.replace(location=(obj.location.lat, obj.location.lon)))
            else:
                writer.add(obj)
    with pytest.raises(OsmSourceError) as err:
        read_osm_file(dst)
    assert "berlin-swapped.osm.pbf" in err.value.en
    assert "swapped" in err.value.en and "vertauscht" in err.value.de
    assert "Nothing was imported" in err.value.en


def test_declared_and_data_bbox_are_exposed(extract_path):
    ext = read_osm_file(extract_path("berlin"))
    assert ext.declared_bbox == ext.bbox
    w, s, e, n = ext.declared_bbox
    dw, ds, de, dn = ext.data_bbox
    # complete ways reach a little past the header's box, never far
    assert dw <= w + 0.01 and de >= e - 0.01 and abs(dw - w) < 0.2 and abs(dn - n) < 0.2
    neuss = read_osm_file(extract_path("neuss"))
    assert neuss.declared_bbox is None and neuss.data_bbox is not None


def test_xml_bounds_are_checked_too(tmp_path):
    path = tmp_path / "swapped.osm"
    path.write_bytes(
        b'<osm version="0.6"><bounds minlat="51.19" minlon="6.67" maxlat="51.21" maxlon="6.69"/>'
        b'<node id="1" lat="6.68" lon="51.20"><tag k="amenity" v="cafe"/></node>'
        b'<node id="2" lat="6.681" lon="51.201"/></osm>'
    )
    with pytest.raises(OsmSourceError, match="swapped"):
        read_osm_file(path)


def _summary_script() -> None:
    from catalogue.model import ReadNotes
    from catalogue.store import ImportSummary
    from webui import ui

    notes = ReadNotes(cut_ways=276, cut_relations=3, cut_skipped=12, duplicates_dropped=4)
    summary = ImportSummary(
        area="Neuss", places=5, by_category={}, schools=0, kitas=0, seconds=1.0, notes=notes
    )
    ui.show_import_summary(summary)


def test_import_summary_on_the_page_says_what_was_cut_and_dropped():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_summary_script).run()
    assert not at.exception
    infos = [i.value for i in at.info]
    assert any("276 Wege und 3 Relationen" in v and "12 blieben weg" in v for v in infos)
    assert any(v.startswith("4 ältere Kopien") for v in infos)
