"""Gap-map service: request checks, which places serve, ranking by need, the base map, the CLI."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from accounts.auth import CONSOLE
from audits.rules import Verdict
from audits.store import save_audit
from audits.vocabulary import FactValue
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
    "area", "group", "minutes", "time_window", "profile", "strict", "cells", "underserved_cells",
    "unknown_cells", "presumed_cells", "seconds", "anchors", "equity",
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
    "unknown_route_share",
    "route_note",
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


def test_time_window_choices():
    assert GapRequest().time_window == "any" and GapRequest().window_id == "any"
    assert GapRequest(group="youth", time_window="group").window_id == "weekday_evening_saturday"
    assert GapRequest(group="children", time_window="group").window_id == "weekday_afternoon"
    assert GapRequest(group="wheelchair", time_window="group").window_id == "any"  # no usual time
    assert GapRequest(time_window="group").window_id == "any"  # all places
    assert GapRequest(group="wheelchair", time_window="weekend").window_id == "weekend"
    with pytest.raises(InvalidInput) as err:
        GapRequest(time_window="night")
    assert "weekday_afternoon" in err.value.en and "Zeitfenster" in err.value.de
    assert GapRequest(group="youth", time_window="group").describe("de")["Zeitfenster"].startswith("werktags abends")
    assert GapRequest().describe("en")["Time window"] == "any time (hours not checked)"


def test_a_serving_place_must_be_open_for_most_of_the_time_window():
    places = [info(i, "community_centre") for i in range(1, 10)]
    verdicts = {i: {"youth": verdict("youth", "open")} for i in range(1, 8)}
    verdicts[8] = {"youth": verdict("youth", "unknown")}
    verdicts[9] = {"youth": verdict("youth", "not_open")}
    hours = {
        1: FactValue("Mo-Fr 16:00-21:00", source="audit"),  # 25 of 33 hours
        2: FactValue("Mo-Fr 10:00-16:00", source="osm"),  # closes when the evening starts
        # 3: no hours at all
        4: FactValue("nach Vereinbarung", source="osm"),  # does not parse
        5: FactValue("Mo-Su 08:00-20:00", source="presumption", presumption="park"),
        6: FactValue("off", source="presumption", presumption="x"),  # a presumption never shuts out
        7: FactValue("Mo-Fr 16:00-18:00", source="audit"),  # 10 of 33 hours
        8: FactValue("24/7", source="osm"),
        9: FactValue("24/7", source="osm"),
    }

    def classify(**kw):
        found = classify_places_for_gaps(places, verdicts, GapRequest(**kw), hours)
        return {p.id: (p.status, p.presumed) for p in found}

    windowed = classify(group="youth", time_window="group")
    assert windowed == {
        1: ("serving", False),
        2: ("not", False),
        3: ("unknown", False),
        4: ("unknown", False),
        5: ("serving", True),  # served on presumed hours: shown as presumed
        6: ("unknown", False),
        7: ("not", False),
        8: ("unknown", False),  # hours never make an unknown verdict serve
        9: ("not", False),
    }
    # 'any' checks no hours; without hours a window leaves every serving place unknown.
    plain = {p.id: p.status for p in classify_places_for_gaps(places, verdicts, GapRequest(group="youth"))}
    assert {k: v[0] for k, v in classify(group="youth").items()} == plain
    assert plain[2] == plain[3] == "serving"
    no_hours = classify_places_for_gaps(places, verdicts, GapRequest(group="youth", time_window="group"))
    assert {p.status for p in no_hours} == {"unknown", "not"}
    # 'all' places with a window: the hours decide alone.
    assert classify(time_window="weekday_afternoon")[2] == ("serving", False)  # 10-16: half of 14-18


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


def test_request_profile_defaults_to_the_groups_own():
    assert GapRequest(group="wheelchair").effective_profile == "wheelchair"
    assert GapRequest(group="blind").effective_profile == "default"
    assert GapRequest(group="all").effective_profile == "default"
    assert GapRequest(group="all", profile="prams").effective_profile == "prams"
    with pytest.raises(InvalidInput, match="walking profile"):
        GapRequest(profile="skateboard")


def test_report_json_has_exactly_the_documented_keys(berlin_inputs):
    data = report_to_json(analyse(berlin_inputs, group="all", minutes=3), "Borsigwalde")
    assert set(data) == JSON_KEYS
    assert data["equity"] is None  # no school indicators in Berlin
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
    assert wheel["profile"] == "wheelchair" and wheel["strict"] is False
    assert data["profile"] == "default" and all(a["unknown_route_share"] is None for a in data["anchors"])

    # Routing on its own: every place counts, walked with the wheelchair profile, strict.
    done = run_audits_cli(url, "gaps", "--area", "Borsigwalde", "--group", "all", "--profile", "wheelchair",
                          "--strict", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    routed = json.loads(done.stdout)
    assert routed["profile"] == "wheelchair" and routed["strict"] is True
    by_ref = {a["osm_ref"]: a for a in data["anchors"]}
    for anchor in routed["anchors"]:
        default_m = by_ref[anchor["osm_ref"]]["nearest_m"]
        if anchor["nearest_m"] is not None:
            assert anchor["nearest_m"] >= default_m - 0.1  # a profile never shortens a walk
            assert 0 <= anchor["unknown_route_share"] <= 1
        elif default_m is not None:
            assert anchor["route_note"] is None or anchor["route_note"].startswith("only reachable over")


def test_gaps_cli_time_window(berlin_db):
    url, _ = berlin_db
    base = ("gaps", "--area", "Borsigwalde", "--group", "children", "--minutes", "3", "--json")
    plain = json.loads(run_audits_cli(url, *base).stdout)
    done = run_audits_cli(url, *base, "--time-window", "any")
    assert done.returncode == 0, done.stderr
    explicit = json.loads(done.stdout)
    assert plain["time_window"] == explicit["time_window"] == "any"
    assert {k: v for k, v in plain.items() if k != "seconds"} == {k: v for k, v in explicit.items() if k != "seconds"}
    done = run_audits_cli(url, *base, "--time-window", "group")
    assert done.returncode == 0, done.stderr
    windowed = json.loads(done.stdout)
    assert windowed["time_window"] == "weekday_afternoon" and windowed["cells"] == plain["cells"]
    text = run_audits_cli(url, *base[:-1], "--time-window", "weekend")
    assert text.returncode == 0 and "time window weekend" in text.stdout, text.stderr


def test_gaps_cli_refuses_bad_input_without_a_traceback(berlin_db):
    url, _ = berlin_db
    for args, text in (
        (("--area", "Nowhere", "--group", "all"), "No area"),
        (("--area", "Borsigwalde", "--group", "martians"), "invalid choice"),
        (("--area", "Borsigwalde", "--group", "all", "--categories", "pubs"), "pubs"),
        (("--area", "Borsigwalde", "--group", "all", "--minutes", "0"), "time limit"),
        (("--area", "Borsigwalde", "--group", "all", "--out", "map.docx"), ".gpkg"),
        (("--area", "Borsigwalde", "--group", "youth", "--time-window", "night"), "weekday_evening_saturday"),
        (("--area", "Borsigwalde", "--group", "all", "--profile", "skateboard"), "invalid choice"),
    ):
        done = run_audits_cli(url, "gaps", *args)
        assert done.returncode == 2, (args, done.stderr)
        assert text in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- time windows on the Neuss extract


@pytest.fixture(scope="module")
def neuss_youth(tmp_path_factory, shared_data):
    """Neuss with two audited youth places: one closing at 16:00, one open in the evening."""
    from tests.conftest import EXTRACTS

    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('windows') / 'atlas.db'}")
    import_file(engine, path=EXTRACTS["neuss"], area_name="Neuss", actor=CONSOLE)
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name="Neuss")
        before = load_gap_inputs(session, area_id=area.id)
    candidates = [p for p in before.places if p.category == "community_centre" and p.status == "active"]
    early, late = candidates[0].id, candidates[1].id
    youth = {"youth_offer": "yes", "open_evenings": "yes", "open_weekends": "yes"}
    with session_scope(engine) as session:
        for place_id, hours in ((early, "Mo-Fr 10:00-16:00; Sa 10:00-13:00"), (late, "Mo-Fr 15:00-21:00; Sa 12:00-20:00")):
            save_audit(
                session, actor=CONSOLE, place_id=place_id, expected_version=0, auditor="Test",
                visit_date=date(2026, 11, 2), method="on_site", facts={**youth, "opening_hours": hours},
            )  # fmt: skip
    with session_scope(engine, read_only=True) as session:
        inputs = load_gap_inputs(session, area_id=area.id)
    yield inputs, build_graph(inputs.network), early, late
    engine.dispose()


def neuss_report(neuss_youth, **kw):
    inputs, graph, _, _ = neuss_youth
    return run_gap_analysis(
        graph, places=inputs.places, verdicts_by_place=inputs.verdicts_by_place, indicators=inputs.indicators,
        request=GapRequest(**kw), hours_by_place=inputs.hours_by_place,
    )  # fmt: skip


def test_a_youth_centre_closing_at_four_does_not_serve_youth_in_the_evening(neuss_youth):
    inputs, _, early, late = neuss_youth
    assert inputs.hours_by_place[early].source == "audit"
    status = {p.id: p.status for p in neuss_report(neuss_youth, group="youth").places}
    assert status[early] == status[late] == "serving"
    evening = neuss_report(neuss_youth, group="youth", time_window="group")
    status = {p.id: p.status for p in evening.places}
    assert status[early] == "not" and status[late] == "serving"
    assert report_to_json(evening, "Neuss")["time_window"] == "weekday_evening_saturday"
    # Places nobody audited for youth stay where they were: the window never makes them serve.
    assert {p.id for p in evening.places if p.status == "serving"} == {late}


def test_any_time_window_gives_the_same_json_as_before(neuss_youth):
    def data(**kw):
        out = report_to_json(neuss_report(neuss_youth, **kw), "Neuss")
        out.pop("seconds")
        return out

    for group in ("youth", "children", "all"):
        assert data(group=group) == data(group=group, time_window="any")


def test_playgrounds_serve_children_after_school_on_presumed_hours(neuss_youth):
    inputs, _, _, _ = neuss_youth
    plain = neuss_report(neuss_youth, group="children")
    windowed = neuss_report(neuss_youth, group="children", time_window="group")
    before = {p.id: p.status for p in plain.places}
    after = {p.id: (p.status, p.presumed) for p in windowed.places}
    playgrounds = [p.id for p in inputs.places if p.category == "playground" and before[p.id] == "serving"]
    presumed = [pid for pid in playgrounds if inputs.hours_by_place[pid].source == "presumption"]
    assert presumed  # most playgrounds carry no opening_hours in OSM
    assert all(after[pid] == ("serving", True) for pid in presumed)
    # The window only ever takes places away.
    assert windowed.count("served") <= plain.count("served")
    assert all(before[pid] == "serving" for pid, (state, _) in after.items() if state == "serving")
