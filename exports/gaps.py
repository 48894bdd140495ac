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
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import shapely
from shapely.geometry import Point, mapping

from base.errors import InvalidInput
from base.geo import local_coords_projection, local_projection, local_unproject_bbox
from base.i18n import N_, Day, format_number, t
from catalogue.categories import category_label
from catalogue.model import BaseMap
from exports.places import COORD_DECIMALS
from exports.printed_map import (
    A4_INCHES,
    ATTRIBUTION,
    BUILDING,
    STREET,
    WATER,
    draw_basemap,
    draw_north_arrow,
    draw_scale_bar,
    draw_streets,
    fit_extent,
    print_rc,
    set_map_axes,
    wrap,
)
from exports.tabular import XLSX_MEDIA_TYPE, csv_bytes, save_export, xlsx_bytes
from gaps.engine import units_geoframe
from gaps.equity import equity_line
from gaps.population import describe_population
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
    "presumed_share",
    "unknown_route_share",
    "route_note",
    "residents_underserved",
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


def _anchor_record(rank: int, a: AnchorRow, catchment_m: float) -> dict[str, Any]:
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
        # What people read: the name, else "Spielplatz, Goethestraße"; in words when none is
        # reachable (an empty cell would read as "not computed"). The ref is the next column.
        "nearest_place": a.nearest_text(catchment_m, LABEL_LANG),
        "nearest_ref": a.nearest_ref if a.nearest_m is not None else None,
        "nearest_m": None if a.nearest_m is None else round(a.nearest_m, 1),
        "nearest_minutes": None if a.nearest_minutes is None else round(a.nearest_minutes, 1),
        "underserved_share": None if a.underserved_share is None else round(a.underserved_share, 3),
        "unknown_share": None if a.unknown_share is None else round(a.unknown_share, 3),
        "presumed_share": None if a.presumed_share is None else round(a.presumed_share, 3),
        "unknown_route_share": None if a.unknown_route_share is None else round(a.unknown_route_share, 3),
        "route_note": a.route_text(LABEL_LANG),
        # Whole people; empty when the area has no population (never a 0 that is no data).
        "residents_underserved": None if a.residents_underserved is None else round(a.residents_underserved),
        "units": a.unit_count,
        "lon": round(a.lon, COORD_DECIMALS),
        "lat": round(a.lat, COORD_DECIMALS),
    }


def anchor_records(report: GapReport) -> list[dict[str, Any]]:
    """The anchor table as rows (ranked by need, rank 1 = most need)."""
    catchment = report.request.catchment_m
    return [_anchor_record(i, a, catchment) for i, a in enumerate(report.anchors, start=1)]


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
        # Residents per hexagon (1 decimal: an estimate spreads people over buildings); empty
        # when the area has no population.
        residents=np.round(report.unit_residents, 1)
        if report.unit_residents is not None
        else np.full(len(units), np.nan),
    )[["h3", "minutes", "minutes_class", "distance_m", "state", "presumed", "nearest_id", "nearest_name",
       "nearest_label", "nearest_ref", "catchments", "residents", "lon", "lat", "geometry"]]  # fmt: skip
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
    anchors["residents_underserved"] = pd.array(anchors["residents_underserved"].tolist(), dtype="Int64")
    for column in ("nearest_m", "nearest_minutes", "underserved_share", "unknown_share", "presumed_share",
                   "unknown_route_share", "lon", "lat"):  # fmt: skip
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
            "presumed": [p.presumed for p in report.places],  # serving only on presumed facts
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
_UNDERSERVED_EDGE, _UNKNOWN_EDGE, _PRESUMED_EDGE = "#b2182b", "#525252", "#1b5e20"


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
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

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

    with print_rc():
        fig = Figure(figsize=A4_INCHES)
        map_box = (0.05, 0.315, 0.90, 0.60)
        ax = fig.add_axes(map_box)
        aspect = (map_box[3] * A4_INCHES[1]) / (map_box[2] * A4_INCHES[0])
        extent = fit_extent(all_x, all_y, aspect)
        set_map_axes(ax, extent)
        box = shapely.box(*local_unproject_bbox(extent, lon0, lat0))

        # Base map: water, buildings (above the hexagons, dark and mostly transparent: a texture,
        # not a cover), streets (above the hexagons, thin and half transparent, so they still
        # show where people walk).
        if basemap is not None:
            draw_basemap(ax, basemap, box=box, project_coords=project_coords)
        draw_streets(ax, report.network, project=project, extent=extent)

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
        # Served only by places whose verdict rests on presumptions: cross-hatched over the colour.
        hex_collection(result.unit_presumed & served, facecolors="none", edgecolors=_PRESUMED_EDGE,
                       linewidths=0.3, hatch="xxx", zorder=5)  # fmt: skip

        # Places on top: serving filled, unknown hollow; anchors ▲ (school) and ■ (Kita), numbered by need.
        serving = [p for p in report.places if p.status == "serving" and not p.presumed]
        presumed_places = [p for p in report.places if p.status == "serving" and p.presumed]
        unknown_places = [p for p in report.places if p.status == "unknown"]
        if serving:
            px, py = project(np.array([p.lon for p in serving]), np.array([p.lat for p in serving]))
            ax.scatter(px, py, s=16, marker="o", c=_PLACE, edgecolors="white", linewidths=0.5, zorder=7)
        if presumed_places:
            px, py = project(np.array([p.lon for p in presumed_places]), np.array([p.lat for p in presumed_places]))
            ax.scatter(px, py, s=18, marker="D", facecolors="white", edgecolors=_PLACE, linewidths=1.1, zorder=7)
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
        draw_scale_bar(ax, extent)
        draw_north_arrow(ax)

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
            Patch(facecolor=_WITHIN, edgecolor=_PRESUMED_EDGE, hatch="xxx", alpha=0.65,
                  label=t(N_("served only by presumed places"), lang)),
            Line2D([], [], marker="^", color="black", markeredgecolor="white", linestyle="none", markersize=7,
                   label=t(N_("school (no. = rank by need)"), lang)),
            Line2D([], [], marker="s", color="black", markeredgecolor="white", linestyle="none", markersize=6,
                   label=t(N_("Kita"), lang)),
            Line2D([], [], marker="o", color=_PLACE, markeredgecolor="white", linestyle="none", markersize=5,
                   label=t(N_("open place (counts)"), lang)),
            Line2D([], [], marker="D", markerfacecolor="white", markeredgecolor=_PLACE, linestyle="none",
                   markersize=5, label=t(N_("open place, presumed (not audited)"), lang)),
            Line2D([], [], marker="o", markerfacecolor="white", markeredgecolor="#525252", linestyle="none",
                   markersize=5, label=t(N_("place, openness unknown"), lang)),
            Line2D([], [], color=STREET, lw=0.6, alpha=0.55, label=t(N_("streets and paths"), lang)),
            Patch(facecolor=BUILDING, alpha=0.28, edgecolor="none", label=t(N_("buildings"), lang)),
            Patch(facecolor=WATER, edgecolor="none", label=t(N_("water"), lang)),
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
            N_("{cells} hexagons: {served} served ({presumed} of them only on presumptions), {underserved} underserved, {unknown} not enough data"),
            lang,
            cells=report.cells,
            served=report.count("served"),
            presumed=report.count("presumed"),
            underserved=report.count("underserved"),
            unknown=report.count("unknown"),
        )
        y = 1.0
        txt_ax.text(0, y, t(N_("Parameters"), lang), fontsize=8, fontweight="bold", va="top")
        y -= 0.065
        # Compact lines: the parameters grow with every choice the page offers (time window,
        # profile), and the list of greatest need below must keep some rows.
        for label, value in lines:
            txt_ax.text(0, y, f"{label}:", fontsize=6.3, va="top", fontweight="bold")
            wrapped = wrap(str(value), 60)
            txt_ax.text(0.30, y, wrapped, fontsize=6.3, va="top")
            y -= 0.043 * (wrapped.count("\n") + 1)
        residents, under = report.residents(), report.residents("underserved")
        if residents is not None and under is not None:
            counts += "; " + t(
                N_("residents in the catchments: about {residents:,}, {underserved:,} of them underserved, {unknown:,} with not enough data"),
                lang, residents=round(residents), underserved=round(under),
                unknown=round(report.residents("unknown") or 0),
            )  # fmt: skip
            if report.group_share is not None:
                counts += "; " + t(
                    N_("people of the group underserved: about {people:,}"), lang,
                    people=round(report.group_people("underserved") or 0),
                )  # fmt: skip
        y -= 0.02
        counts_text = wrap(counts, 75)
        txt_ax.text(0, y, counts_text, fontsize=6.8, va="top")
        y -= 0.045 * (counts_text.count("\n") + 1) + 0.02
        if report.equity is not None:
            fairness = wrap(equity_line(report.equity, lang), 78)
            txt_ax.text(0, y, fairness, fontsize=6.5, va="top")
            y -= 0.037 * (fairness.count("\n") + 1) + 0.015
        # The list of greatest need gets the room that is left above the footer (at most 5 rows).
        top = report.anchors[: max(0, min(5, math.floor((y - 0.085) / 0.048) + 1))]
        if top:
            txt_ax.text(
                0, y, t(N_("Greatest need"), lang), fontsize=7.2, fontweight="bold", va="top"
            )
            y -= 0.055
            for rank, a in enumerate(top, start=1):
                if y < -0.08:
                    break  # residents' figures take room: the list stops at the page's edge
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
        if report.population is not None:
            # Wrapped so it stays left of the parameter column.
            footer += "\n" + wrap(describe_population(report.population, lang), 70)
        fig.text(0.05, 0.012, footer, fontsize=6.5, va="bottom")

        buf = io.BytesIO()
        if fmt == "png":
            fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": "Begegnungsatlas"})
        else:
            fig.savefig(buf, format="pdf", metadata={"Creator": "Begegnungsatlas", "Title": title})
        return buf.getvalue()


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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
    if fmt == "gpkg":
        return save_export(out, lambda path: _write_gpkg(report, path, crs))
    data = export_gaps_bytes(
        report, fmt=fmt, crs=crs, basemap=basemap, area_name=area_name, lang=lang, params=params
    )
    return save_export(out, data)


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
