"""Exports of places for planners: GeoJSON (RFC 7946), GeoPackage (QGIS), CSV and XLSX (Excel).

Every format carries the same columns; names go out verbatim (UTF-8), every CSV cell a
spreadsheet could take for a formula is neutralised and XLSX text is always a string cell
(``exports.tabular``). Files are written atomically (temporary file, then rename).
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import shapely
from shapely import wkt as shapely_wkt
from shapely.geometry import MultiPolygon, Point, mapping
from shapely.geometry.base import BaseGeometry

from base.errors import InvalidInput
from base.i18n import N_
from catalogue.categories import category_label
from catalogue.store import PlaceInfo
from exports.tabular import XLSX_MEDIA_TYPE, csv_bytes, write_atomic, xlsx_bytes

ExportFormat = Literal["geojson", "gpkg", "csv", "xlsx"]
FORMATS: tuple[str, ...] = ("geojson", "gpkg", "csv", "xlsx")
SUFFIXES = {"geojson": ".geojson", "gpkg": ".gpkg", "csv": ".csv", "xlsx": ".xlsx"}
MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "csv": "text/csv",
    "xlsx": XLSX_MEDIA_TYPE,
}
COLUMNS: tuple[str, ...] = (
    "id",
    "osm_ref",
    "name",
    "label",
    "locator",
    "category",
    "category_de",
    "category_en",
    "address",
    "opening_hours",
    "origin",
    "status",
    "missing_since",
    "lon",
    "lat",
    "osm_url",
)
GPKG_POINT_LAYER = "places"
GPKG_AREA_LAYER = "place_areas"
# 7 decimals ≈ 1 cm: as precise as OSM stores coordinates (RFC 7946 §11.2 advises trimming).
COORD_DECIMALS = 7


def _attributes(place: PlaceInfo) -> dict[str, Any]:
    return {
        "id": place.id,
        "osm_ref": place.ref,
        "name": place.name,
        # What people read (German, the atlas's language): the name, else "Spielplatz, Goethestraße".
        "label": place.label("de"),
        "locator": place.locator,
        "category": place.category,
        "category_de": category_label(place.category, "de"),
        "category_en": category_label(place.category, "en"),
        "address": place.address,
        "opening_hours": place.opening_hours,
        "origin": place.origin,
        "status": place.status,
        "missing_since": place.missing_since.isoformat() if place.missing_since else None,
        "lon": place.lon,
        "lat": place.lat,
        "osm_url": place.osm_url,
    }


def _area_geometry(place: PlaceInfo) -> BaseGeometry | None:
    """The place's polygon or multipolygon, if it has a valid one."""
    if not place.geometry_wkt:
        return None
    try:
        geom = shapely_wkt.loads(place.geometry_wkt)
    except shapely.errors.GEOSException:
        return None
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    return geom


def places_geodataframe(places: list[PlaceInfo]) -> gpd.GeoDataFrame:
    """One row per place (WGS84): the polygon where there is one, else the point."""
    rows = [_attributes(p) for p in places]
    geoms = [_area_geometry(p) or Point(p.lon, p.lat) for p in places]
    return gpd.GeoDataFrame(rows, columns=list(COLUMNS), geometry=geoms, crs="EPSG:4326")


def _round(geom: BaseGeometry) -> BaseGeometry:
    return shapely.set_precision(geom, 10**-COORD_DECIMALS, mode="keep_collapsed")


def build_geojson(places: list[PlaceInfo]) -> dict[str, Any]:
    """A flat RFC 7946 FeatureCollection: lon/lat WGS84, no ``crs`` member, CCW outer rings."""
    features = []
    for place in places:
        area = _area_geometry(place)
        if area is not None:
            geom = shapely.orient_polygons(_round(area), exterior_cw=False)
        else:
            geom = Point(round(place.lon, COORD_DECIMALS), round(place.lat, COORD_DECIMALS))
        props = _attributes(place)
        features.append({"type": "Feature", "id": place.id, "geometry": mapping(geom), "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _table_rows(places: list[PlaceInfo]) -> list[list[Any]]:
    return [list(_attributes(p).values()) for p in places]


def _write_gpkg(places: list[PlaceInfo], out: Path) -> None:
    import pyogrio

    attrs = [_attributes(p) for p in places]
    points = gpd.GeoDataFrame(
        attrs, columns=list(COLUMNS), geometry=[Point(p.lon, p.lat) for p in places], crs="EPSG:4326"
    )
    # One geometry type per layer: QGIS handles mixed Polygon/MultiPolygon layers badly.
    area_rows, area_geoms = [], []
    for place, row in zip(places, attrs, strict=True):
        geom = _area_geometry(place)
        if geom is not None:
            area_rows.append(row)
            area_geoms.append(MultiPolygon([geom]) if geom.geom_type == "Polygon" else geom)
    areas = gpd.GeoDataFrame(area_rows, columns=list(COLUMNS), geometry=area_geoms, crs="EPSG:4326")
    for frame in (points, areas):
        for column in ("id",):
            frame[column] = frame[column].astype("int64")
        for column in ("lon", "lat"):
            frame[column] = frame[column].astype("float64")
    pyogrio.write_dataframe(points, out, layer=GPKG_POINT_LAYER, driver="GPKG", geometry_type="Point")
    pyogrio.write_dataframe(
        areas, out, layer=GPKG_AREA_LAYER, driver="GPKG", geometry_type="MultiPolygon", append=False
    )


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InvalidInput(
            N_("Unknown export format {fmt!r}; choose one of: {choices}."), fmt=fmt, choices=', '.join(FORMATS),
        )


def export_places(places: list[PlaceInfo], *, fmt: ExportFormat | str, out: Path) -> Path:
    """Write ``places`` to ``out`` as GeoJSON, GeoPackage, CSV or XLSX (atomically); returns ``out``."""
    _check_format(fmt)
    for place in places:
        if not (math.isfinite(place.lon) and math.isfinite(place.lat)):
            raise InvalidInput(
                N_("Place {id} has no valid coordinates."), id=place.id,
            )
    out = Path(out)
    if fmt == "gpkg":
        return write_atomic(out, lambda path: _write_gpkg(places, path))
    return write_atomic(out, export_places_bytes(places, fmt=fmt))


def export_places_bytes(places: list[PlaceInfo], *, fmt: ExportFormat | str) -> bytes:
    """The export as bytes (for a download button)."""
    _check_format(fmt)
    if fmt == "geojson":
        return json.dumps(build_geojson(places), ensure_ascii=False, allow_nan=False).encode("utf-8")
    if fmt == "csv":
        return csv_bytes(COLUMNS, _table_rows(places))
    if fmt == "xlsx":
        return xlsx_bytes(COLUMNS, _table_rows(places), sheet="places")
    with tempfile.TemporaryDirectory() as tmp:
        return export_places(places, fmt=fmt, out=Path(tmp) / f"places{SUFFIXES[fmt]}").read_bytes()
