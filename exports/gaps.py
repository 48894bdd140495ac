"""Exports of a gap map: GeoPackage and GeoJSON for GIS, CSV for spreadsheets, a printable A4 map.

* GeoPackage: layers ``units`` (hexagons), ``anchors`` (schools, Kitas) and ``places`` (the places
  of the chosen categories with their status), in WGS84 or, on request, EPSG:25832 (metres).
* GeoJSON (RFC 7946, always WGS84, lon first): ONE FeatureCollection holding all three layers;
  each feature's ``layer`` property says which (filter on it in QGIS).
* CSV and XLSX: the anchor table ranked by need; CSV as UTF-8 with BOM with formula-like cells
  neutralised, XLSX with every text a string cell (``exports.tabular``). Files are written
  atomically (temporary file, then rename).
* PDF / PNG: an A4 portrait map drawn offline from the OSM data itself (buildings, water,
  streets), with legend, scale bar, north arrow, the parameters, the date and the attribution.
  Underserved and "not enough data" hexagons differ by hatch and outline, not by colour alone.
"""

from __future__ import annotations

import io
import json
import math
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import shapely
from shapely.geometry import Point, mapping

from base.errors import AtlasError, InvalidInput
from base.geo import local_coords_projection, local_projection, local_unproject_bbox
from base.i18n import N_, Day, format_number, t
from catalogue.categories import category_label
from catalogue.model import BaseMap
from exports.places import COORD_DECIMALS
from exports.tabular import XLSX_MEDIA_TYPE, csv_bytes, write_atomic, xlsx_bytes
from gaps.engine import units_geoframe
from gaps.service import AnchorRow, GapReport, group_label

GapFormat = Literal["gpkg", "geojson", "csv", "xlsx", "pdf", "png"]
GAP_FORMATS: tuple[str, ...] = ("gpkg", "geojson", "csv", "xlsx", "pdf", "png")
SUFFIXES = {f: f".{f}" for f in GAP_FORMATS}
MEDIA_TYPES = {
    "gpkg": "application/geopackage+sqlite3",
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "xlsx": XLSX_MEDIA_TYPE,
    "pdf": "application/pdf",
    "png": "image/png",
}
CRS_CHOICES: tuple[str, ...] = ("EPSG:4326", "EPSG:25832")
LAYERS: tuple[str, ...] = ("units", "anchors", "places")
ATTRIBUTION = "© OpenStreetMap contributors"
A4_INCHES = (210 / 25.4, 297 / 25.4)
PNG_DPI = 150

ANCHOR_COLUMNS: tuple[str, ...] = (
    "rank",
    "name",
    "label",
    "kind",
    "school_form",
    "osm_ref",
    "official_name",
    "social_index",
    "startchancen",
    "nearest_place",
    "nearest_ref",
    "nearest_m",
    "nearest_minutes",
    "underserved_share",
    "unknown_share",
    "units",
    "lon",
    "lat",
)


def format_for_path(path: str | Path) -> str:
    """``map.pdf`` → ``pdf``; InvalidInput for an unsupported suffix."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in GAP_FORMATS:
        raise InvalidInput(
            N_("{name!r}: the file name must end in .gpkg, .geojson, .csv, .xlsx, .pdf or .png."), name=Path(path).name,
        )
    return suffix


def _check(fmt: str, crs: str) -> None:
    if fmt not in GAP_FORMATS:
        raise InvalidInput(
            N_("Unknown export format {fmt!r}; choose one of: {choices}."), fmt=fmt, choices=', '.join(GAP_FORMATS),
        )
    if crs not in CRS_CHOICES:
        raise InvalidInput(
            N_("Unknown coordinate system {crs!r}; choose EPSG:4326 (WGS84) or EPSG:25832 (UTM 32N, metres)."), crs=crs,
        )
    if fmt == "geojson" and crs != "EPSG:4326":
        raise InvalidInput(
            N_("GeoJSON is always WGS84 (RFC 7946); choose the GeoPackage for EPSG:25832."),
        )


# ---------------------------------------------------------------- tables


def minutes_class(minutes: float, limit: float) -> str:
    """The legend class of a walking time: ``0–5``, ``5–10``, ``>10`` for a 10-minute limit."""
    half = limit / 2
    if not math.isfinite(minutes) or minutes > limit:
        return f">{limit:g}"
    return f"0–{half:g}" if minutes <= half else f"{half:g}–{limit:g}"


# Labels in the data files are German, like ``category_de``: the atlas's language.
LABEL_LANG = "de"


def _anchor_record(rank: int, a: AnchorRow) -> dict[str, Any]:
    return {
        "rank": rank,
        "name": a.name,
        "label": a.label(LABEL_LANG),
        "kind": a.kind,
        "school_form": a.school_form,
        "osm_ref": a.osm_ref,
        "official_name": a.official_name,
        "social_index": a.social_index,
        "startchancen": a.startchancen,
        # What people read: the name, else "Spielplatz, Goethestraße"; the ref is the next column.
        "nearest_place": a.nearest_label(LABEL_LANG),
        "nearest_ref": a.nearest_ref if a.nearest_m is not None else None,
        "nearest_m": None if a.nearest_m is None else round(a.nearest_m, 1),
        "nearest_minutes": None if a.nearest_minutes is None else round(a.nearest_minutes, 1),
        "underserved_share": None if a.underserved_share is None else round(a.underserved_share, 3),
        "unknown_share": None if a.unknown_share is None else round(a.unknown_share, 3),
        "units": a.unit_count,
        "lon": round(a.lon, COORD_DECIMALS),
        "lat": round(a.lat, COORD_DECIMALS),
    }


def anchor_records(report: GapReport) -> list[dict[str, Any]]:
    """The anchor table as rows (ranked by need, rank 1 = most need)."""
    return [_anchor_record(i, a) for i, a in enumerate(report.anchors, start=1)]


def _frames(report: GapReport) -> dict[str, Any]:
    """The three layers as GeoDataFrames in WGS84."""
    import geopandas as gpd
    import pandas as pd

    limit = report.request.minutes
    units = units_geoframe(report.result)
    label_of = {p.id: p.label(LABEL_LANG) for p in report.places}
    units = units.assign(
        nearest_label=[label_of.get(i) if i is not None else None for i in units["nearest_id"].tolist()],
        minutes=units["minutes"].round(2),
        distance_m=units["distance_m"].round(1),
        minutes_class=[minutes_class(m, limit) for m in units["minutes"].to_numpy(float)],
        nearest_id=pd.array(units["nearest_id"].tolist(), dtype="Int64"),
        catchments=units["catchments"].astype("int64"),
    )[["h3", "minutes", "minutes_class", "distance_m", "state", "nearest_id", "nearest_name",
       "nearest_label", "nearest_ref", "catchments", "lon", "lat", "geometry"]]  # fmt: skip
    anchors = gpd.GeoDataFrame(
        anchor_records(report),
        columns=list(ANCHOR_COLUMNS),
        geometry=[Point(a.lon, a.lat) for a in report.anchors],
        crs="EPSG:4326",
    )
    anchors["social_index"] = pd.array(anchors["social_index"].tolist(), dtype="Int64")
    anchors["startchancen"] = anchors["startchancen"].astype(bool)
    for column in ("rank", "units"):
        anchors[column] = anchors[column].astype("int64")
    for column in ("nearest_m", "nearest_minutes", "underserved_share", "unknown_share", "lon", "lat"):
        anchors[column] = anchors[column].astype("float64")
    places = gpd.GeoDataFrame(
        {
            # Not "id": GDAL's GeoJSON reader would take it for the feature id, duplicated across layers.
            "place_id": pd.array([int(p.id) for p in report.places], dtype="int64"),
            "name": [p.name for p in report.places],
            "label": [p.label(LABEL_LANG) for p in report.places],
            "category": [p.category for p in report.places],
            "category_de": [category_label(p.category, "de") for p in report.places],
            "osm_ref": [p.ref for p in report.places],
            "status": [p.status for p in report.places],
            "lon": np.array([p.lon for p in report.places], float),
            "lat": np.array([p.lat for p in report.places], float),
        },
        geometry=[Point(p.lon, p.lat) for p in report.places],
        crs="EPSG:4326",
    )
    return {"units": units, "anchors": anchors, "places": places}


def build_gap_geojson(report: GapReport) -> dict[str, Any]:
    """One RFC 7946 FeatureCollection (WGS84, lon first, CCW outer rings) with all three layers;
    every feature carries ``layer``: units, anchors or places."""
    features: list[dict[str, Any]] = []
    for layer, frame in _frames(report).items():
        records = frame.drop(columns="geometry").astype(object).where(frame.notna(), None).to_dict("records")
        for geom, props in zip(frame.geometry, records, strict=True):
            geom = shapely.set_precision(geom, 10**-COORD_DECIMALS, mode="keep_collapsed")
            if geom.geom_type in ("Polygon", "MultiPolygon"):
                geom = shapely.orient_polygons(geom, exterior_cw=False)
            clean = {k: _json_value(v) for k, v in props.items()}
            features.append(
                {"type": "Feature", "geometry": mapping(geom), "properties": {"layer": layer, **clean}}
            )
    return {"type": "FeatureCollection", "features": features}


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _write_gpkg(report: GapReport, out: Path, crs: str) -> None:
    import pyogrio

    kinds = {"units": "Polygon", "anchors": "Point", "places": "Point"}
    for layer, frame in _frames(report).items():
        if crs != "EPSG:4326":
            frame = frame.to_crs(crs)
        pyogrio.write_dataframe(frame, out, layer=layer, driver="GPKG", geometry_type=kinds[layer])


def _table_rows(report: GapReport) -> list[list[Any]]:
    return [[_json_value(v) for v in row.values()] for row in anchor_records(report)]


# ---------------------------------------------------------------- the printed map

# Walking-time classes: green (near), light green (within the limit); beyond it orange, hatched.
# Blue stays for water; the classes also differ by hatch and outline, not by colour alone.
_NEAR, _WITHIN, _BEYOND, _UNKNOWN = "#1a9850", "#a6d96a", "#fdae61", "#d9d9d9"
_PLACE = "#762a83"
_BUILDING, _WATER = "#595959", "#9ecae1"
_UNDERSERVED_EDGE, _UNKNOWN_EDGE = "#b2182b", "#525252"


def _polygon_path(geoms: Sequence[Any]) -> Any:
    """One compound matplotlib path for polygons and multipolygons, holes included (outer rings
    counter-clockwise, holes clockwise, so the non-zero fill rule leaves the holes open)."""
    from matplotlib.path import Path as MplPath

    paths = []
    for geom in shapely.orient_polygons(np.asarray(geoms, dtype=object), exterior_cw=False):
        polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
        for poly in polys:
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            rings = [poly.exterior, *poly.interiors]
            verts = np.concatenate([np.asarray(r.coords)[:, :2] for r in rings])
            codes = np.concatenate(
                [
                    [MplPath.MOVETO] + [MplPath.LINETO] * (len(r.coords) - 2) + [MplPath.CLOSEPOLY]
                    for r in rings
                ]
            )
            paths.append(MplPath(verts, codes))
    return MplPath.make_compound_path(*paths) if paths else None


def _nice_length(max_m: float) -> float:
    for step in (2000, 1000, 500, 250, 200, 100, 50, 25, 10):
        if step <= max_m:
            return float(step)
    return 10.0


def _draw_scale_bar(ax: Any, extent: tuple[float, float, float, float]) -> None:
    from matplotlib.patches import Rectangle

    x0, x1, y0, y1 = extent
    length = _nice_length((x1 - x0) / 4)
    left, base = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.03
    h = (y1 - y0) * 0.008
    ax.add_patch(Rectangle((left - (x1 - x0) * 0.01, base - h * 2), length + (x1 - x0) * 0.02, h * 7.5,
                           facecolor="white", edgecolor="none", alpha=0.85, zorder=20))  # fmt: skip
    half = length / 2
    ax.add_patch(Rectangle((left, base), half, h, facecolor="black", edgecolor="black", lw=0.6, zorder=21))
    ax.add_patch(
        Rectangle((left + half, base), half, h, facecolor="white", edgecolor="black", lw=0.6, zorder=21)
    )
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(left, base + h * 1.6, "0", fontsize=6, ha="center", va="bottom", zorder=22)
    ax.text(left + length, base + h * 1.6, label, fontsize=6, ha="center", va="bottom", zorder=22)


def _draw_north_arrow(ax: Any) -> None:
    ax.annotate(
        "N", xy=(0.96, 0.965), xytext=(0.96, 0.895), xycoords="axes fraction", textcoords="axes fraction",
        ha="center", va="center", fontsize=9, fontweight="bold", zorder=22,
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2},
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
    )  # fmt: skip


def _fit_extent(xs: np.ndarray, ys: np.ndarray, aspect: float) -> tuple[float, float, float, float]:
    """A box around the points with a margin, widened to the axes' height/width ``aspect``."""
    if xs.size == 0:
        return (-500.0, 500.0, -500.0 * aspect, 500.0 * aspect)
    x0, x1, y0, y1 = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
    w, h = max(x1 - x0, 200.0) * 1.06, max(y1 - y0, 200.0) * 1.06
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if h / w > aspect:
        w = h / aspect
    else:
        h = w * aspect
    return (cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2)


def render_gap_map(
    report: GapReport,
    *,
    area_name: str,
    basemap: BaseMap | None = None,
    fmt: str = "pdf",
    lang: str = "de",
    extra_lines: Mapping[str, str] | None = None,
    today: datetime | None = None,
) -> bytes:
    """The printable A4 portrait map as PDF or PNG bytes (matplotlib, Agg, no network)."""
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, PathPatch

    req = report.request
    result = report.result
    limit = req.minutes
    half = limit / 2

    lons = np.concatenate([result.unit_lon, [a.lon for a in report.anchors]]).astype(float)
    lats = np.concatenate([result.unit_lat, [a.lat for a in report.anchors]]).astype(float)
    lon0 = float(np.mean(lons)) if lons.size else 0.0
    lat0 = float(np.mean(lats)) if lats.size else 0.0
    project, project_coords = local_projection(lon0, lat0), local_coords_projection(lon0, lat0)

    import h3

    hexes = [np.array([(lng, lat) for lat, lng in h3.cell_to_boundary(c)]) for c in result.cells]
    hexes_xy = [np.column_stack(project(h[:, 0], h[:, 1])) for h in hexes]
    all_x = (
        np.concatenate([h[:, 0] for h in hexes_xy] + [project(lons, lats)[0]]) if lons.size else np.zeros(0)
    )
    all_y = (
        np.concatenate([h[:, 1] for h in hexes_xy] + [project(lons, lats)[1]]) if lons.size else np.zeros(0)
    )

    with _rc():
        fig = Figure(figsize=A4_INCHES)
        map_box = (0.05, 0.315, 0.90, 0.60)
        ax = fig.add_axes(map_box)
        aspect = (map_box[3] * A4_INCHES[1]) / (map_box[2] * A4_INCHES[0])
        extent = _fit_extent(all_x, all_y, aspect)
        x0, x1, y0, y1 = extent
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_linewidth(0.6)
        ax.set_facecolor("white")
        box = shapely.box(*local_unproject_bbox(extent, lon0, lat0))

        # Base map: water, buildings, streets.
        if basemap is not None:
            # Buildings go above the hexagons, dark and mostly transparent: a texture, not a cover.
            for layer, face, alpha, z in (("water", _WATER, 1.0, 1), ("buildings", _BUILDING, 0.28, 5.5)):
                geoms = shapely.from_wkb(basemap.layer(layer)) if basemap.layer(layer) else np.array([])
                geoms = geoms[shapely.intersects(geoms, box)] if len(geoms) else geoms
                path = (
                    _polygon_path([shapely.transform(g, project_coords) for g in geoms])
                    if len(geoms)
                    else None
                )
                if path is not None:
                    ax.add_patch(PathPatch(path, facecolor=face, edgecolor="none", alpha=alpha, zorder=z))
            lines = shapely.from_wkb(basemap.waterways) if basemap.waterways else np.array([])
            lines = lines[shapely.intersects(lines, box)] if len(lines) else lines
            if len(lines):
                segs = [np.asarray(shapely.transform(g, project_coords).coords) for g in lines]
                ax.add_collection(LineCollection(segs, colors=_WATER, linewidths=1.2, zorder=1.5))
        net = report.network
        if net is not None and net.edge_count:
            nx_, ny_ = project(net.lon, net.lat)
            ux, uy, vx, vy = nx_[net.u], ny_[net.u], nx_[net.v], ny_[net.v]
            inside = ((np.minimum(ux, vx) <= x1) & (np.maximum(ux, vx) >= x0)
                      & (np.minimum(uy, vy) <= y1) & (np.maximum(uy, vy) >= y0))  # fmt: skip
            segs = np.stack([np.column_stack([ux, uy]), np.column_stack([vx, vy])], axis=1)[inside]
            # Above the hexagons, thin and half transparent, so the streets still show where people walk.
            ax.add_collection(LineCollection(segs, colors="#616161", linewidths=0.3, alpha=0.55, zorder=6))

        # Hexagons: colour by walking time; underserved hatched + red outline; unknown dotted + dashed.
        state = result.unit_state.astype(str)
        minutes = np.where(np.isfinite(result.unit_minutes), result.unit_minutes, np.inf)
        served = state == "served"
        near = served & (minutes <= half)
        within = served & ~near
        under = state == "underserved"
        unknown = state == "unknown"

        def hex_collection(mask: np.ndarray, **kw: Any) -> None:
            polys = [h for h, m in zip(hexes_xy, mask, strict=True) if m]
            if polys:
                ax.add_collection(PolyCollection(polys, **kw))

        hex_collection(near, facecolors=_NEAR, edgecolors="white", linewidths=0.2, alpha=0.6, zorder=4)
        hex_collection(within, facecolors=_WITHIN, edgecolors="white", linewidths=0.2, alpha=0.65, zorder=4)
        hex_collection(under, facecolors=_BEYOND, edgecolors=_UNDERSERVED_EDGE, linewidths=0.7, alpha=0.7,
                       hatch="////", zorder=5)  # fmt: skip
        hex_collection(unknown, facecolors=_UNKNOWN, edgecolors=_UNKNOWN_EDGE, linewidths=0.5, alpha=0.6,
                       hatch="...", linestyles="--", zorder=5)  # fmt: skip

        # Places on top: serving filled, unknown hollow; anchors ▲ (school) and ■ (Kita), numbered by need.
        serving = [p for p in report.places if p.status == "serving"]
        unknown_places = [p for p in report.places if p.status == "unknown"]
        if serving:
            px, py = project(np.array([p.lon for p in serving]), np.array([p.lat for p in serving]))
            ax.scatter(px, py, s=16, marker="o", c=_PLACE, edgecolors="white", linewidths=0.5, zorder=7)
        if unknown_places:
            px, py = project(
                np.array([p.lon for p in unknown_places]), np.array([p.lat for p in unknown_places])
            )
            ax.scatter(
                px, py, s=16, marker="o", facecolors="white", edgecolors="#525252", linewidths=0.9, zorder=7
            )
        for kind, marker in (("school", "^"), ("kita", "s")):
            rows = [(i, a) for i, a in enumerate(report.anchors, start=1) if a.kind == kind]
            if not rows:
                continue
            ax_, ay_ = project(np.array([a.lon for _, a in rows]), np.array([a.lat for _, a in rows]))
            ax.scatter(ax_, ay_, s=46 if kind == "school" else 34, marker=marker, c="black",
                       edgecolors="white", linewidths=0.8, zorder=8)  # fmt: skip
            for (rank, _), x, y in zip(rows, ax_, ay_, strict=True):
                ax.annotate(str(rank), (x, y), xytext=(4, 3), textcoords="offset points", fontsize=6,
                            fontweight="bold", zorder=9,
                            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})  # fmt: skip
        _draw_scale_bar(ax, extent)
        _draw_north_arrow(ax)

        # Title.
        title = t(N_("Gap map – {area}"), lang, area=area_name)
        fig.text(0.05, 0.965, title, fontsize=15, fontweight="bold", va="top")
        subtitle = t(
            N_("{group}: walking time to the nearest open place, limit {limit} min"),
            lang,
            group=group_label(req.group, lang),
            limit=limit,
        )
        fig.text(0.05, 0.935, subtitle, fontsize=9.5, va="top")

        # Legend (left) and parameters (right) below the map.
        handles = [
            Patch(facecolor=_NEAR, edgecolor="white", alpha=0.6, label=t(N_("0–{half} min"), lang, half=half)),
            Patch(facecolor=_WITHIN, edgecolor="white", alpha=0.65, label=t(N_("{half}–{limit} min"), lang, half=half, limit=limit)),
            Patch(facecolor=_BEYOND, edgecolor=_UNDERSERVED_EDGE, hatch="////", alpha=0.7,
                  label=t(N_("> {limit} min: underserved"), lang, limit=limit)),
            Patch(facecolor=_UNKNOWN, edgecolor=_UNKNOWN_EDGE, hatch="...", linestyle="--", alpha=0.6,
                  label=t(N_("not enough data (only unknown places)"), lang)),
            Line2D([], [], marker="^", color="black", markeredgecolor="white", linestyle="none", markersize=7,
                   label=t(N_("school (no. = rank by need)"), lang)),
            Line2D([], [], marker="s", color="black", markeredgecolor="white", linestyle="none", markersize=6,
                   label=t(N_("Kita"), lang)),
            Line2D([], [], marker="o", color=_PLACE, markeredgecolor="white", linestyle="none", markersize=5,
                   label=t(N_("open place (counts)"), lang)),
            Line2D([], [], marker="o", markerfacecolor="white", markeredgecolor="#525252", linestyle="none",
                   markersize=5, label=t(N_("place, openness unknown"), lang)),
            Line2D([], [], color="#616161", lw=0.6, alpha=0.55, label=t(N_("streets and paths"), lang)),
            Patch(facecolor=_BUILDING, alpha=0.28, edgecolor="none", label=t(N_("buildings"), lang)),
            Patch(facecolor=_WATER, edgecolor="none", label=t(N_("water"), lang)),
        ]  # fmt: skip
        leg_ax = fig.add_axes((0.05, 0.035, 0.42, 0.265))
        leg_ax.set_axis_off()
        leg_ax.legend(handles=handles, loc="upper left", fontsize=7, frameon=False, handlelength=2.2,
                      handleheight=1.4, borderaxespad=0.0, title=t(N_("Legend"), lang),
                      title_fontsize=8, alignment="left")  # fmt: skip

        txt_ax = fig.add_axes((0.50, 0.035, 0.45, 0.265))
        txt_ax.set_axis_off()
        lines = [(t(N_("Area"), lang), area_name), *req.describe(lang).items()]
        lines += list((extra_lines or {}).items())
        counts = t(
            N_("{cells} hexagons: {served} served, {underserved} underserved, {unknown} not enough data"),
            lang,
            cells=report.cells,
            served=report.count("served"),
            underserved=report.count("underserved"),
            unknown=report.count("unknown"),
        )
        y = 1.0
        txt_ax.text(0, y, t(N_("Parameters"), lang), fontsize=8, fontweight="bold", va="top")
        y -= 0.065
        for label, value in lines:
            txt_ax.text(0, y, f"{label}:", fontsize=6.8, va="top", fontweight="bold")
            wrapped = _wrap(str(value), 52)
            txt_ax.text(0.34, y, wrapped, fontsize=6.8, va="top")
            y -= 0.052 * (wrapped.count("\n") + 1)
        y -= 0.02
        txt_ax.text(0, y, _wrap(counts, 75), fontsize=6.8, va="top")
        y -= 0.11
        top = report.anchors[:5]
        if top:
            txt_ax.text(
                0, y, t(N_("Greatest need"), lang), fontsize=7.2, fontweight="bold", va="top"
            )
            y -= 0.055
            for rank, a in enumerate(top, start=1):
                share = "–" if a.underserved_share is None else format_number(a.underserved_share * 100, lang, 0) + " %"
                social = (
                    t(N_(", social index {index}"), lang, index=a.social_index) if a.social_index is not None else ""
                )
                line = t(
                    N_("{rank}. {name}{social}: {share} underserved"),
                    lang,
                    rank=rank,
                    name=_short(a.label(lang), 34),
                    social=social,
                    share=share,
                )
                txt_ax.text(0, y, line, fontsize=6.5, va="top")
                y -= 0.048
        footer = t(
            N_("Date: {when}   Data: {attribution} (ODbL)"),
            lang,
            when=Day((today or datetime.now()).date()),
            attribution=ATTRIBUTION,
        )
        if any(a.social_index is not None for a in report.anchors):
            footer += "\n" + t(N_("School social index: Ministerium für Schule und Bildung NRW, dl-de/by-2-0"), lang)
        fig.text(0.05, 0.012, footer, fontsize=6.5, va="bottom")

        buf = io.BytesIO()
        if fmt == "png":
            fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": "Begegnungsatlas"})
        else:
            fig.savefig(buf, format="pdf", metadata={"Creator": "Begegnungsatlas", "Title": title})
        return buf.getvalue()


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _rc():
    import matplotlib

    # ``text.parse_math`` off: names and parameters are data, and ``$…$`` in a school's name must
    # print as dollars, not run matplotlib's mathtext parser (which fails on unknown commands).
    return matplotlib.rc_context(
        {
            "font.family": "DejaVu Sans",
            "pdf.fonttype": 42,
            "hatch.linewidth": 0.6,
            "svg.fonttype": "none",
            "text.parse_math": False,
            "text.usetex": False,
        }
    )


# ---------------------------------------------------------------- entry points


def export_gaps(
    report: GapReport,
    *,
    out: str | Path,
    fmt: GapFormat | str | None = None,
    crs: str = "EPSG:4326",
    basemap: BaseMap | None = None,
    area_name: str,
    lang: str = "de",
    params: Mapping[str, str] | None = None,
) -> Path:
    """Write the gap map to ``out``; the format is ``fmt`` or the file's suffix.

    ``crs`` applies to the GeoPackage (EPSG:4326 or EPSG:25832); ``basemap`` and ``params``
    (extra label → text lines) to the printed map. Raises InvalidInput or AtlasError (unwritable).
    """
    out = Path(out)
    fmt = fmt or format_for_path(out)
    _check(fmt, crs)
    try:
        if fmt == "gpkg":
            write_atomic(out, lambda path: _write_gpkg(report, path, crs))
        else:
            data = export_gaps_bytes(
                report, fmt=fmt, crs=crs, basemap=basemap, area_name=area_name, lang=lang, params=params
            )
            write_atomic(out, data)
    except OSError as exc:
        raise AtlasError(
            N_("Cannot write {out!r}: {strerror}. Choose another path."), out=str(out), strerror=exc.strerror or exc,
        ) from exc
    return out


def export_gaps_bytes(
    report: GapReport,
    *,
    fmt: GapFormat | str,
    crs: str = "EPSG:4326",
    basemap: BaseMap | None = None,
    area_name: str,
    lang: str = "de",
    params: Mapping[str, str] | None = None,
) -> bytes:
    """The export as bytes, for a download button (``MEDIA_TYPES[fmt]`` is its MIME type)."""
    _check(fmt, crs)
    if fmt == "geojson":
        return json.dumps(build_gap_geojson(report), ensure_ascii=False, allow_nan=False).encode("utf-8")
    if fmt == "csv":
        return csv_bytes(ANCHOR_COLUMNS, _table_rows(report))
    if fmt == "xlsx":
        return xlsx_bytes(ANCHOR_COLUMNS, _table_rows(report), sheet="anchors")
    if fmt in ("pdf", "png"):
        return render_gap_map(
            report, area_name=area_name, basemap=basemap, fmt=fmt, lang=lang, extra_lines=params
        )
    with tempfile.TemporaryDirectory() as tmp:
        return export_gaps(report, out=Path(tmp) / "gaps.gpkg", crs=crs, area_name=area_name).read_bytes()
