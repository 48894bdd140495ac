"""Exports read back with json, pyogrio and csv; names survive database and every format."""

from __future__ import annotations

import csv
import io
import json

import pyogrio
import pytest
import shapely

from accounts.auth import CONSOLE
from base.cells import neutralise_csv_cell
from base.errors import InvalidInput
from catalogue.importer import import_file
from catalogue.store import add_manual_place, get_area, load_places, set_place_status
from exports.places import (
    COLUMNS,
    export_places,
    export_places_bytes,
    places_geodataframe,
)
from storage.db import open_database, session_scope

NAMES = ["Grün & Co", "Çay Ocağı", "مقهى الحي", "<img src=x onerror=alert(1)>"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+49 211 123", "'+49 211 123"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t'=1"),  # a ' after the tab too: a tab-splitting reader starts a cell there
        ("\r=1", "'\r'=1"),
        (" =1", "' =1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        (";=1+1", "';'=1+1"),
        ("x;=1+1", "x;'=1+1"),
        ("Grün & Co", "Grün & Co"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise_csv_cell(cell, expected):
    assert neutralise_csv_cell(cell) == expected


@pytest.fixture
def places(db_url, extract_path):
    """Neuss from the real extract, plus hand-entered places with awkward names; one closed."""
    engine = open_database(db_url)
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    with session_scope(engine) as session:
        area = get_area(session, name="Neuss")
        for i, name in enumerate([*NAMES, '=HYPERLINK("http://x")']):
            add_manual_place(
                session, area_id=area.id, name=name, category="cafe", lon=6.68 + i / 1000, lat=51.2, actor=CONSOLE
            )
        closed = load_places(session, area_id=area.id)[0]
        set_place_status(session, place_id=closed.id, closed=True, actor=CONSOLE)
    with session_scope(engine, read_only=True) as session:
        result = load_places(session, area_id=area.id), area.bbox
    engine.dispose()
    return result


def _inside(bbox, lon, lat, slack=0.05):
    west, south, east, north = bbox
    return west - slack <= lon <= east + slack and south - slack <= lat <= north + slack


def test_geojson_is_rfc7946_and_opens_in_gdal(places, tmp_path):
    rows, bbox = places
    out = export_places(rows, fmt="geojson", out=tmp_path / "places.geojson")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "crs" not in doc and len(doc["features"]) == len(rows)
    kinds = {f["geometry"]["type"] for f in doc["features"]}
    assert kinds <= {"Point", "Polygon", "MultiPolygon"} and "Polygon" in kinds
    for feature in doc["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        point = geom.representative_point()
        assert _inside(bbox, point.x, point.y), feature["properties"]["osm_ref"]  # lon first
        if geom.geom_type == "Polygon":
            assert geom.exterior.is_ccw  # RFC 7946 §3.1.6
    props = {f["properties"]["name"]: f["properties"] for f in doc["features"]}
    assert all(name in props for name in NAMES)
    assert props["Grün & Co"]["origin"] == "manual" and props["Grün & Co"]["osm_ref"] is None
    assert set(props["Grün & Co"]) == set(COLUMNS)
    frame = pyogrio.read_dataframe(out)
    assert len(frame) == len(rows) and frame.crs.to_epsg() == 4326
    assert set(NAMES) <= set(frame["name"])
    assert (frame["status"] == "closed").sum() == 1
    assert export_places_bytes(rows, fmt="geojson") == out.read_bytes()


def test_geopackage_has_a_point_layer_and_a_polygon_layer(places, tmp_path):
    rows, bbox = places
    out = export_places(rows, fmt="gpkg", out=tmp_path / "places.gpkg")
    layers = {name: kind for name, kind in pyogrio.list_layers(out)}
    assert layers == {"places": "Point", "place_areas": "MultiPolygon"}
    points = pyogrio.read_dataframe(out, layer="places")
    areas = pyogrio.read_dataframe(out, layer="place_areas")
    assert len(points) == len(rows) and points.crs.to_epsg() == 4326
    assert len(areas) == sum(1 for p in rows if p.geometry_wkt and "POLYGON" in p.geometry_wkt) > 10
    assert set(NAMES) <= set(points["name"])
    assert all(_inside(bbox, x, y) for x, y in zip(points.geometry.x, points.geometry.y, strict=True))
    assert list(points.columns[:-1]) == list(COLUMNS)
    assert export_places_bytes(rows, fmt="gpkg")[:16] == b"SQLite format 3\x00"


def test_csv_opens_in_excel_and_cannot_run_formulas(places, tmp_path):
    rows, _ = places
    out = export_places(rows, fmt="csv", out=tmp_path / "places.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert export_places_bytes(rows, fmt="csv") == raw
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(table[0]) == list(COLUMNS) and len(table) == len(rows)
    names = {r["name"] for r in table}
    assert set(NAMES) <= names
    assert '\'=HYPERLINK("http://x")' in names and not any(n.startswith("=") for n in names)
    school = next(r for r in table if r["category"] == "school")
    assert school["category_de"] == "Schule" and school["osm_url"].startswith(
        "https://www.openstreetmap.org/"
    )
    assert 6.6 < float(school["lon"]) < 6.8 and 51.1 < float(school["lat"]) < 51.3


def test_geodataframe_columns_and_empty_exports(places, tmp_path):
    rows, _ = places
    frame = places_geodataframe(rows)
    assert list(frame.columns) == [*COLUMNS, "geometry"] and frame.crs.to_epsg() == 4326
    assert set(frame.geometry.geom_type) >= {"Point", "Polygon"}
    for fmt in ("geojson", "gpkg", "csv", "xlsx"):
        assert export_places_bytes([], fmt=fmt)
    assert json.loads(export_places_bytes([], fmt="geojson")) == {"type": "FeatureCollection", "features": []}
    with pytest.raises(InvalidInput, match="xlsx"):  # the message lists the formats there are
        export_places_bytes(rows, fmt="xls")
