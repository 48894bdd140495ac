"""Gap-map service: request checks, which places serve, ranking by need, the base map, the CLI."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from accounts.auth import CONSOLE
from audits.rules import Verdict
from base.errors import InvalidInput
from catalogue.importer import import_file
from catalogue.model import BaseMap, Homes
from catalogue.store import PlaceInfo, get_area, load_basemap
from gaps.graph import build_graph
from gaps.service import (
    DEFAULT_CATEGORIES,
    AnchorRow,
    GapRequest,
    classify_places_for_gaps,
    load_gap_inputs,
    rank_by_need,
    report_to_json,
    run_gap_analysis,
    school_form_from_tags,
)
from storage.db import open_database, session_scope

ROOT = Path(__file__).resolve().parents[2]
JSON_KEYS = {
    "area", "group", "minutes", "cells", "underserved_cells", "unknown_cells", "presumed_cells", "seconds", "anchors",
    "residents", "residents_underserved", "residents_unknown", "residents_group", "population",
}  # fmt: skip
ANCHOR_KEYS = {
    "name",
    "label",
    "kind",
    "osm_ref",
    "nearest_place",
    "nearest_ref",
    "nearest_m",
    "nearest_minutes",
    "underserved_share",
    "unknown_share",
    "presumed_share",
    "residents_underserved",
}
OSM_REF = re.compile(r"^(node|way|relation)/\d+$")


def info(pid: int, category: str, status: str = "active", **tags: str) -> PlaceInfo:
    return PlaceInfo(
        id=pid, area_id=1, osm_type="node", osm_id=pid, name=f"P{pid}", category=category, lon=13.3, lat=52.58,
        geometry_wkt=None, tags=dict(tags), origin="osm", status=status, missing_since=None, last_seen_at=None,
        updated_at=datetime.now(UTC), version=1,
    )  # fmt: skip


def verdict(group: str, status: str) -> Verdict:
    return Verdict(group, status, [], [])


# ---------------------------------------------------------------- pure


def test_request_defaults_and_checks():
    req = GapRequest()
    assert req.group == "all" and req.verdicts == "open" and req.minutes == 10
    assert "school" not in req.categories and "kita" not in req.categories and "playground" in req.categories
    assert req.effective_speed_kmh == 4.5
    assert GapRequest(group="wheelchair").effective_speed_kmh == 3.6  # from the group table
    assert GapRequest(group="wheelchair", speed_kmh=5).effective_speed_kmh == 5
    assert GapRequest(categories="park_garden, sport,sport").categories == ("park_garden", "sport")
    for bad in (
        {"group": "everyone"},
        {"verdicts": "limited"},
        {"categories": "pubs"},
        {"categories": ""},
        {"minutes": 0},
        {"minutes": 500},
        {"speed_kmh": 40},
        {"catchment_m": -1},
    ):
        with pytest.raises(InvalidInput) as err:
            GapRequest(**bad)  # type: ignore[arg-type]
        assert err.value.de != err.value.en  # German text too


def test_which_places_serve():
    places = [
        info(1, "playground"),
        info(2, "playground"),
        info(3, "playground"),
        info(4, "playground"),
        info(5, "playground"),
        info(6, "playground", status="closed"),
        info(7, "school"),
    ]
    verdicts = {
        1: {"wheelchair": verdict("wheelchair", "open")},
        2: {"wheelchair": verdict("wheelchair", "limited")},
        3: {"wheelchair": verdict("wheelchair", "not_open")},
        4: {"wheelchair": verdict("wheelchair", "unknown")},
        6: {"wheelchair": verdict("wheelchair", "open")},
    }

    def statuses(**kw):
        return {p.id: p.status for p in classify_places_for_gaps(places, verdicts, GapRequest(**kw))}

    assert statuses(group="wheelchair") == {
        1: "serving",
        2: "not",
        3: "not",
        4: "unknown",
        5: "unknown",
        6: "not",
    }
    assert statuses(group="wheelchair", verdicts="open_limited")[2] == "serving"
    # 'all': every active place of the categories serves, whatever its verdict; closed never.
    assert statuses() == {1: "serving", 2: "serving", 3: "serving", 4: "serving", 5: "serving", 6: "not"}
    assert statuses(categories="school") == {7: "serving"}
    assert 7 not in statuses()  # schools are anchors, not counted by default
    assert "school" not in DEFAULT_CATEGORIES


def row(pid: int, social: int | None, share: float | None, name: str = "x") -> AnchorRow:
    return AnchorRow(
        place_id=pid, name=name, kind="school", osm_ref=f"way/{pid}", lon=0, lat=0, school_form=None,
        social_index=social, startchancen=False, official_name=None, nearest_place_id=None, nearest_place=None,
        nearest_ref=None, nearest_m=None, nearest_minutes=None, unit_count=1, underserved_share=share,
        unknown_share=0.0,
    )  # fmt: skip


def test_rank_by_need_puts_high_social_index_then_large_underserved_share_first():
    rows = [
        row(1, 3, 0.9),
        row(2, 8, 0.1),
        row(3, None, 1.0),
        row(4, 8, 0.5),
        row(5, None, None),
        row(6, 3, None),
    ]
    assert [r.place_id for r in rank_by_need(rows)] == [4, 2, 1, 6, 3, 5]


def test_school_form_from_osm_tags():
    assert school_form_from_tags({"school:de": "Grundschule", "isced:level": "1"}) == "Grundschule"
    assert school_form_from_tags({"isced:level": "1;2"}) == "Primarstufe, Sekundarstufe I"
    assert school_form_from_tags({}) is None


def test_basemap_round_trips_as_bytes():
    empty = BaseMap()
    assert empty.is_empty and BaseMap.from_bytes(empty.to_bytes()).counts == empty.counts
    bm = BaseMap(buildings=[b"\x01\x02", b"\x03"], water=[], waterways=[b"xyz"])
    assert BaseMap.from_bytes(bm.to_bytes()) == bm
    homes = Homes(lon=np.array([6.7]), lat=np.array([51.2]), floor_m2=np.array([240.5]))
    with_homes = BaseMap(buildings=[b"\x01"], homes=homes)
    assert BaseMap.from_bytes(with_homes.to_bytes()) == with_homes
    assert Homes.from_basemap_bytes(with_homes.to_bytes()) == homes
    # A base map stored before homes were kept reads with none (the estimate then has no data).
    buf = io.BytesIO()
    np.savez_compressed(buf, **{f"{n}_{k}": np.zeros(1 if k == "offsets" else 0, np.int64 if k == "offsets" else np.uint8)
                                for n in ("buildings", "water", "waterways") for k in ("data", "offsets")})  # fmt: skip
    assert Homes.from_basemap_bytes(buf.getvalue()).count == 0


# ---------------------------------------------------------------- with the Berlin extract


@pytest.fixture(scope="module")
def berlin_inputs(berlin_db):
    _, engine = berlin_db
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name="Borsigwalde")
        inputs = load_gap_inputs(session, area_id=area.id)
    return inputs, build_graph(inputs.network)


def analyse(berlin_inputs, **kw):
    inputs, graph = berlin_inputs
    return run_gap_analysis(
        graph,
        places=inputs.places,
        verdicts_by_place=inputs.verdicts_by_place,
        indicators=inputs.indicators,
        request=GapRequest(**kw),
    )


def test_basemap_is_stored_and_loaded(db_url, extract_path):
    engine = open_database(db_url)
    try:
        import_file(engine, path=extract_path("berlin"), area_name="Borsigwalde", actor=CONSOLE)
        with session_scope(engine, read_only=True) as session:
            basemap = load_basemap(session, area_id=get_area(session, name="Borsigwalde").id)
        assert basemap.counts["buildings"] > 1000
        assert basemap.counts["water"] >= 1
        import shapely

        geoms = shapely.from_wkb(basemap.buildings)
        assert set(shapely.get_type_id(geoms).tolist()) <= {3, 6}  # polygons, multipolygons
        west, south, east, north = shapely.total_bounds(geoms)
        assert 13.2 < west < east < 13.4 and 52.5 < south < north < 52.7
    finally:
        engine.dispose()


def test_wheelchair_without_open_places_is_never_served(berlin_inputs):
    report = analyse(berlin_inputs, group="wheelchair")
    assert report.cells > 0
    assert report.count("served") == 0
    assert report.count("unknown") > 0  # most places are unknown for wheelchair users: not enough data
    assert {p.status for p in report.places} <= {"unknown", "not"}
    assert all(a.nearest_m is None for a in report.anchors)
    assert report.request.effective_speed_kmh == 3.6


def test_open_limited_never_serves_fewer_units_than_open(berlin_inputs):
    for group in ("wheelchair", "prams", "newcomers"):
        strict = analyse(berlin_inputs, group=group, verdicts="open")
        loose = analyse(berlin_inputs, group=group, verdicts="open_limited")
        assert loose.count("served") >= strict.count("served")
        assert loose.count("underserved") <= strict.count("underserved") + strict.count("unknown")
    assert analyse(berlin_inputs, group="prams", verdicts="open_limited").count("served") > 0


def test_report_json_has_exactly_the_documented_keys(berlin_inputs):
    data = report_to_json(analyse(berlin_inputs, group="all", minutes=3), "Borsigwalde")
    assert set(data) == JSON_KEYS
    assert data["cells"] > 0 and 0 < data["underserved_cells"] < data["cells"]
    assert {a["kind"] for a in data["anchors"]} == {"school", "kita"}
    for anchor in data["anchors"]:
        assert set(anchor) == ANCHOR_KEYS
        assert OSM_REF.match(anchor["osm_ref"])
        assert anchor["nearest_m"] is not None and anchor["nearest_place"]
        assert 0 <= anchor["underserved_share"] <= 1


def run_audits_cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "audits", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_gaps_cli_json(berlin_db):
    url, _ = berlin_db
    done = run_audits_cli(url, "gaps", "--area", "Borsigwalde", "--group", "all", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == JSON_KEYS
    assert data["area"] == "Borsigwalde" and data["group"] == "all" and data["minutes"] == 10
    assert len(data["anchors"]) == 17  # 7 schools + 10 Kitas
    for anchor in data["anchors"]:
        assert set(anchor) == ANCHOR_KEYS and OSM_REF.match(anchor["osm_ref"])

    # No place of the chosen category exists: nothing is reachable, nearest_m is null.
    none = run_audits_cli(url, "gaps", "--area", "Borsigwalde", "--group", "all", "--categories",
                          "square_market", "--json")  # fmt: skip
    assert none.returncode == 0, none.stderr
    empty = json.loads(none.stdout)
    assert empty["underserved_cells"] == empty["cells"] > 0
    assert all(a["nearest_m"] is None and a["nearest_minutes"] is None for a in empty["anchors"])

    wheel = json.loads(
        run_audits_cli(url, "gaps", "--area", "Borsigwalde", "--group", "wheelchair", "--json").stdout
    )
    assert all(a["nearest_m"] is None for a in wheel["anchors"])


def test_gaps_cli_refuses_bad_input_without_a_traceback(berlin_db):
    url, _ = berlin_db
    for args, text in (
        (("--area", "Nowhere", "--group", "all"), "No area"),
        (("--area", "Borsigwalde", "--group", "martians"), "invalid choice"),
        (("--area", "Borsigwalde", "--group", "all", "--categories", "pubs"), "pubs"),
        (("--area", "Borsigwalde", "--group", "all", "--minutes", "0"), "time limit"),
        (("--area", "Borsigwalde", "--group", "all", "--out", "map.docx"), ".gpkg"),
    ):
        done = run_audits_cli(url, "gaps", *args)
        assert done.returncode == 2, (args, done.stderr)
        assert text in done.stderr and "Traceback" not in done.stderr
