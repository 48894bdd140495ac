"""Residents per demand unit: the census grid import, the estimate from OSM buildings, the gap report."""

from __future__ import annotations

import json
import math

import numpy as np
import osmium
import pytest
import shapely
from pyproj import Geod, Transformer

from accounts.auth import CONSOLE
from base.errors import InvalidInput
from base.settings import load_settings
from catalogue.importer import import_file
from catalogue.store import get_area
from gaps.graph import build_graph
from gaps.population import (
    CensusGrid,
    PopulationPoints,
    load_population,
    parse_census_text,
    read_census_file,
    save_census_population,
)
from gaps.service import GapRequest, load_gap_inputs, report_to_json, run_gap_analysis
from storage.db import open_database, session_scope
from storage.models_gaps import AreaPopulation
from tests.conftest import FIXTURES
from tests.gaps.test_gap_service import run_audits_cli

CENSUS = FIXTURES / "zensus2022_neuss_100m.csv"
# The cells of the fixture that lie at the Neuss extract (the sixth is in Brandenburg).
CELLS = [
    ("CRS3035RES100mN3126400E4089400", 4089450, 3126450, 23),
    ("CRS3035RES100mN3126400E4089500", 4089550, 3126450, 41),
    ("CRS3035RES100mN3126400E4089600", 4089650, 3126450, 0),  # suppressed: '–'
    ("CRS3035RES100mN3126500E4089400", 4089450, 3126550, 7),
    ("CRS3035RES100mN3126500E4089500", 4089550, 3126550, 112),
]
NEUSS_BBOX = (6.6690016, 51.1809795, 6.7032252, 51.2223688)


@pytest.fixture
def neuss(db_url, extract_path):
    engine = open_database(db_url)
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    yield db_url, engine
    engine.dispose()


def _stored(engine) -> tuple[str, str | None, int, bytes | None] | None:
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name="Neuss")
        row = session.get(AreaPopulation, area.id)
        return None if row is None else (row.source, row.source_name, row.suppressed, row.data)


# ---------------------------------------------------------------- census grid


def test_census_grid_round_trips(neuss):
    url, engine = neuss
    done = run_audits_cli(url, "import-population", str(CENSUS), "--area", "Neuss", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary == {
        "area": "Neuss", "source": "census", "source_name": CENSUS.name, "rows": 6, "cells": 5,
        "suppressed": 1, "residents": 183,
    }  # fmt: skip

    to_wgs84 = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name="Neuss")
        population = load_population(session, area_id=area.id, settings=load_settings())
    assert population is not None and population.source == "census"
    assert population.source_name == CENSUS.name and population.suppressed == 1
    assert population.date is not None
    points = population.points
    assert points.ids.tolist() == [c[0] for c in CELLS]
    assert points.residents.tolist() == [float(c[3]) for c in CELLS]
    for (_, x, y, _), lon, lat in zip(CELLS, points.lon.tolist(), points.lat.tolist(), strict=True):
        want_lon, want_lat = to_wgs84.transform(x, y)
        assert lon == pytest.approx(want_lon, abs=1e-9) and lat == pytest.approx(want_lat, abs=1e-9)
        assert NEUSS_BBOX[0] < lon < NEUSS_BBOX[2] and NEUSS_BBOX[1] < lat < NEUSS_BBOX[3]


BAD_FILES = {
    "header": ("GITTER_ID;x;y;Einwohner\nA;4089450;3126450;3\n", "columns"),
    "value": ("GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner\nA;4089450;3126450;drei\n", "line 2"),
    "negative": ("GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner\nA;4089450;3126450;-4\n", "line 2"),
    "elsewhere": ("GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner\nA;4550050;3280050;58\n", "no grid cell"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_census_text_is_refused(case):
    text, words = BAD_FILES[case]
    with pytest.raises(InvalidInput) as err:
        parse_census_text(text, source="grid.csv", bbox=NEUSS_BBOX)
    assert words in err.value.en and "grid.csv" in err.value.en


def test_bad_census_files_write_nothing(neuss, tmp_path):
    url, engine = neuss
    assert run_audits_cli(url, "import-population", str(CENSUS), "--area", "Neuss").returncode == 0
    before = _stored(engine)
    assert before is not None and before[0] == "census"
    binary = tmp_path / "grid.gpkg"
    binary.write_bytes(b"SQLite format 3\x00" + bytes(range(256)))
    header = tmp_path / "header.csv"
    header.write_text("id;x;y;pop\n1;2;3;4\n", encoding="utf-8")
    partly = tmp_path / "partly.csv"  # good cells first, then a broken row: all or nothing
    partly.write_text(CENSUS.read_text(encoding="utf-8") + "X;4089450;3126650;viele\n", encoding="utf-8")
    for path, words in ((binary, "not a text CSV"), (header, "columns"), (partly, "line 8"),
                        (tmp_path / "missing.csv", "does not exist")):  # fmt: skip
        done = run_audits_cli(url, "import-population", str(path), "--area", "Neuss")
        assert done.returncode == 2, (path, done.stderr)
        assert words in done.stderr and "Traceback" not in done.stderr
        assert _stored(engine) == before


def test_census_file_in_windows_1252(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_bytes(CENSUS.read_text(encoding="utf-8").encode("cp1252"))
    grid = read_census_file(path, bbox=NEUSS_BBOX)
    assert grid.points.count == 5 and grid.suppressed == 1 and grid.points.total == 183


# ---------------------------------------------------------------- building estimate


# The documented rules (catalogue/build.py), written out again here on purpose.
LEVELS = {"apartments": 4, "residential": 3, "dormitory": 3, "house": 2, "detached": 2,
          "semidetached_house": 2, "terrace": 2, "farm": 2, "bungalow": 1, "yes": 2}  # fmt: skip
OTHER_USE = ("shop", "amenity", "office", "craft", "tourism")
OTHER_LANDUSE = {"industrial", "commercial", "retail", "railway", "military", "garages", "religious",
                 "education", "institutional", "port", "quarry"}  # fmt: skip


def independent_floor_area(path) -> float:
    """Residential floor area of an extract from its complete building areas (geodesic areas)."""
    geod = Geod(ellps="WGS84")
    factory = osmium.geom.WKBFactory()
    buildings: list[tuple[shapely.Geometry, float, bool]] = []
    landuse: list[shapely.Geometry] = []
    proc = osmium.FileProcessor(str(path)).with_areas(osmium.filter.KeyFilter("building", "landuse"))
    for obj in proc:
        if not obj.is_area():
            continue
        tags = dict(obj.tags)
        try:
            geom = shapely.from_wkb(factory.create_multipolygon(obj))
        except RuntimeError:
            continue
        if tags.get("building", "no") == "no":
            if tags.get("landuse") in OTHER_LANDUSE:
                landuse.append(geom)
            continue
        kind = tags["building"]
        if kind not in LEVELS or (kind == "yes" and any(k in tags for k in OTHER_USE)):
            continue
        try:
            levels = float(tags.get("building:levels", "").replace(",", "."))
        except ValueError:
            levels = 0.0
        if not 1 <= levels <= 40:
            levels = LEVELS[kind]
        buildings.append((geom, levels, kind == "yes"))
    total = 0.0
    for geom, levels, plain in buildings:
        footprint = abs(geod.geometry_area_perimeter(geom)[0])
        if plain:
            centre = geom.centroid
            if footprint < 30 or any(area.contains(centre) for area in landuse):
                continue
        total += footprint * levels
    return total


def test_building_estimate_matches_an_independent_sum(neuss, extract_path):
    url, engine = neuss
    expected_m2 = independent_floor_area(extract_path("neuss"))
    settings = load_settings()
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name="Neuss")
        population = load_population(session, area_id=area.id, settings=settings)
    assert population is not None and population.source == "buildings"
    expected = expected_m2 / settings.floor_area_per_resident
    assert expected > 5000  # an inner city: thousands of people
    assert population.total == pytest.approx(expected, rel=0.02)
    assert population.floor_area_m2 == 47 and population.scaled_to is None

    done = run_audits_cli(url, "estimate-population", "--area", "Neuss", "--residents", "100000", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["source"] == "buildings" and data["residents"] == 100000 and data["scaled_to"] == 100000
    with session_scope(engine, read_only=True) as session:
        scaled = load_population(session, area_id=area.id, settings=settings)
    assert scaled is not None and scaled.total == pytest.approx(100000, abs=1e-6)
    # The scaling keeps where people live: every building keeps its share.
    assert np.allclose(scaled.points.residents / 100000, population.points.residents / population.total)

    # Importing a grid makes it the source; estimate-population switches back.
    assert run_audits_cli(url, "import-population", str(CENSUS), "--area", "Neuss").returncode == 0
    assert _stored(engine)[0] == "census"  # type: ignore[index]
    assert run_audits_cli(url, "estimate-population", "--area", "Neuss").returncode == 0
    assert _stored(engine)[:2] == ("buildings", None)  # type: ignore[index]
    bad = run_audits_cli(url, "estimate-population", "--area", "Neuss", "--residents", "0")
    assert bad.returncode == 2 and "greater than 0" in bad.stderr


# ---------------------------------------------------------------- the gap report


def test_gap_report_counts_residents(neuss):
    url, engine = neuss
    settings = load_settings()
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name="Neuss")
        inputs = load_gap_inputs(session, area_id=area.id, settings=settings)
    assert inputs.population is not None
    request = GapRequest(group="children", minutes=5)
    report = run_gap_analysis(
        build_graph(inputs.network), places=inputs.places, verdicts_by_place=inputs.verdicts_by_place,
        indicators=inputs.indicators, request=request, population=inputs.population, group_share=0.073,
    )  # fmt: skip
    data = report_to_json(report, "Neuss")
    total, under, unknown = data["residents"], data["residents_underserved"], data["residents_unknown"]
    assert total > 1000 and 0 < under <= total and 0 <= unknown <= total and under + unknown <= total
    units = report.unit_residents
    assert units is not None and math.isclose(units.sum(), report.residents() or 0)
    assert under == round(units[report.result.unit_state == "underserved"].sum())
    group = data["residents_group"]
    assert group["share"] == 0.073 and group["people"] == round(report.residents() * 0.073)
    assert data["population"]["source"] == "buildings" and data["population"]["floor_area_per_resident"] == 47

    # Per anchor: the residents of its catchment's underserved units, a unit counted for every
    # catchment it lies in – so the anchors together hold at least the total.
    catch = report.result.catchments
    assert catch is not None
    by_ref = {a["osm_ref"]: a["residents_underserved"] for a in data["anchors"]}
    for k, anchor in enumerate(catch.anchors):
        in_catchment = catch.pair_unit[catch.pair_anchor == k]
        mine = units[in_catchment][report.result.unit_state[in_catchment] == "underserved"].sum()
        assert by_ref[anchor.ref] == round(mine)
    assert sum(by_ref.values()) >= under - len(by_ref)

    # No population at all: the keys are null, never a 0 pretending to be data.
    bare = run_gap_analysis(
        build_graph(inputs.network), places=inputs.places, verdicts_by_place=inputs.verdicts_by_place,
        indicators=inputs.indicators, request=request, population=None, group_share=0.073,
    )  # fmt: skip
    empty = report_to_json(bare, "Neuss")
    assert empty["residents"] is None and empty["residents_underserved"] is None
    assert empty["residents_unknown"] is None and empty["residents_group"] is None
    assert empty["population"] is None
    assert all(a["residents_underserved"] is None for a in empty["anchors"])


def test_gaps_cli_with_census(neuss):
    url, _ = neuss
    assert run_audits_cli(url, "import-population", str(CENSUS), "--area", "Neuss").returncode == 0
    done = run_audits_cli(url, "gaps", "--area", "Neuss", "--group", "youth", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["population"]["source"] == "census" and data["population"]["source_name"] == CENSUS.name
    assert data["population"]["suppressed"] == 1
    assert 0 <= data["residents"] <= 183 and data["residents_underserved"] <= data["residents"]
    assert data["residents_group"]["share"] == 0.037


def test_points_bytes_round_trip():
    points = PopulationPoints(
        ids=np.array(["a", "bb"]), lon=np.array([6.7, 6.68]), lat=np.array([51.2, 51.19]),
        residents=np.array([3.0, 0.0]),
    )  # fmt: skip
    back = PopulationPoints.from_bytes(points.to_bytes())
    assert back.ids.tolist() == ["a", "bb"] and back.residents.tolist() == [3.0, 0.0]
    assert back.lon.tolist() == [6.7, 6.68] and back.lat.tolist() == [51.2, 51.19]
    assert isinstance(CensusGrid(points=back, rows=2, suppressed=0).points.total, float)


def test_only_curators_store_a_population(neuss):
    from accounts.auth import Actor
    from base.errors import PermissionDenied

    _, engine = neuss
    grid = read_census_file(CENSUS, bbox=NEUSS_BBOX)
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        area = get_area(session, name="Neuss")
        save_census_population(
            session, actor=Actor(user_id=None, name="p", role="planner"), area_id=area.id, grid=grid,
            source_name="x.csv",
        )  # fmt: skip


def test_the_source_is_stated_in_words():
    from datetime import UTC, datetime

    from gaps.population import Population, describe_population

    points = PopulationPoints(ids=np.array([""]), lon=np.array([6.7]), lat=np.array([51.2]), residents=np.array([1.0]))
    census = Population(source="census", points=points, source_name="Zensus2022_100m.csv",
                        date=datetime(2026, 12, 4, tzinfo=UTC))  # fmt: skip
    assert describe_population(census, "de") == "Bevölkerung: Zensus 2022 (Zensus2022_100m.csv, importiert am 04.12.2026)"
    estimate = Population(source="buildings", points=points, date=datetime(2026, 12, 1, tzinfo=UTC), floor_area_m2=47)
    assert describe_population(estimate, "de") == (
        "Bevölkerung: geschätzt aus OSM-Gebäuden (47 m²/Person, OSM-Daten vom 01.12.2026)"
    )
    scaled = Population(source="buildings", points=points, floor_area_m2=47, scaled_to=100000)
    assert describe_population(scaled, "de") == (
        "Bevölkerung: geschätzt aus OSM-Gebäuden (47 m²/Person), skaliert auf 100.000 Einwohner:innen"
    )


def test_a_census_cell_is_spread_over_its_quarters():
    import h3

    from gaps.population import compute_unit_residents

    to_wgs84 = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(4089450, 3126450)
    points = PopulationPoints(ids=np.array(["c"]), lon=np.array([lon]), lat=np.array([lat]), residents=np.array([100.0]))
    quarters = [to_wgs84.transform(4089450 + dx, 3126450 + dy) for dx in (-25, 25) for dy in (-25, 25)]
    cells = sorted({h3.latlng_to_cell(y, x, 10) for x, y in quarters})
    spread = compute_unit_residents(points, cells, 10, cell_m=100)
    assert spread.sum() == pytest.approx(100)
    expected = [25.0 * sum(h3.latlng_to_cell(y, x, 10) == c for x, y in quarters) for c in cells]
    assert spread.tolist() == pytest.approx(expected)
    # A building is one point: all its residents go to the hexagon it stands in.
    whole = compute_unit_residents(points, cells, 10)
    assert sorted(whole.tolist())[-1] == 100 and whole.sum() == 100
    # Outside every hexagon: not counted.
    assert compute_unit_residents(points, ["8a1fa4ad5c4ffff"], 10).sum() == 0
