"""The gap map in the browser: hexagons by walking time, anchors and places on top, a legend.

Pure map building on top of :func:`webui.webmap.new_offline_map` (Leaflet from the app's own
``/app/static``). Underserved and "not enough data" hexagons differ from the rest by pattern,
outline, legend text and tooltip text, never by colour alone; the colours are those of the
printed map (:mod:`exports.gaps`). Every text that can hold a name reaches the browser
only as :func:`webui.webmap.script_json` data, set on the page as text (see the module
docstring of :mod:`webui.webmap` for why folium's own tooltips are not used).
"""

from __future__ import annotations

import math
from typing import Any

import folium
import h3
from branca.element import MacroElement
from jinja2 import Template

from base.i18n import N_, format_number, t
from base.settings import OSM_ATTRIBUTION
from catalogue.categories import ANCHOR_IDS, category_label
from exports.gaps import (
    _BEYOND,
    _NEAR,
    _PLACE,
    _PRESUMED_EDGE,
    _UNDERSERVED_EDGE,
    _UNKNOWN,
    _UNKNOWN_EDGE,
    _WITHIN,
)
from gaps.engine import GapPlace
from gaps.service import AnchorRow, GapReport
from webui.webmap import (
    MarkerLayer,
    StyleTable,
    add_legend,
    circle_style,
    escape_for_map,
    inert_script,
    new_offline_map,
    script_json,
)

# The badge letter of a school or Kita on the map, and its legend line.
ANCHOR_LETTERS: dict[str, str] = {"school": N_("S"), "kita": N_("K")}
ANCHOR_LEGEND: dict[str, str] = {"school": N_("school (with rank)"), "kita": N_("Kita (with rank)")}

HATCH_ID = "atlas-hatch-underserved"
DOTS_ID = "atlas-dots-unknown"
STRIPES_ID = {"near": "atlas-stripes-near", "within": "atlas-stripes-within"}
# Legend/hexagon classes: the two served bands by walking time, then the two that need attention,
# then the served hexagons that only presumed places reach (striped over their band's colour).
HEX_CLASSES: tuple[str, ...] = ("near", "within", "underserved", "unknown", "presumed")
_PRESUMED_LOOK = {"color": _PRESUMED_EDGE, "weight": 1.2, "dashArray": "3 3"}
_HEX_STYLE: dict[str, dict[str, Any]] = {
    "near": {"fillColor": _NEAR, "fillOpacity": 0.55, "color": "#ffffff", "weight": 0.6},
    "within": {"fillColor": _WITHIN, "fillOpacity": 0.6, "color": "#ffffff", "weight": 0.6},
    "near_presumed": {"fillColor": f"url(#{STRIPES_ID['near']})", "fillOpacity": 0.7, **_PRESUMED_LOOK},
    "within_presumed": {"fillColor": f"url(#{STRIPES_ID['within']})", "fillOpacity": 0.7, **_PRESUMED_LOOK},
    # Patterns are SVG <pattern>s added to the map's overlay SVG (see _Patterns).
    "underserved": {
        "fillColor": f"url(#{HATCH_ID})",
        "fillOpacity": 0.8,
        "color": _UNDERSERVED_EDGE,
        "weight": 2.5,
        "dashArray": "7 4",
    },
    "unknown": {
        "fillColor": f"url(#{DOTS_ID})",
        "fillOpacity": 0.75,
        "color": _UNKNOWN_EDGE,
        "weight": 2,
        "dashArray": "1 4",
        "lineCap": "round",
    },
}
# The same looks as CSS, for the legend swatches (the legend is HTML, not SVG).
_SWATCH_CSS: dict[str, str] = {
    "near": f"background:{_NEAR};border:1px solid #fff",
    "within": f"background:{_WITHIN};border:1px solid #fff",
    "underserved": f"background:repeating-linear-gradient(45deg,{_BEYOND} 0 3px,{_UNDERSERVED_EDGE} 3px 4.5px);"
    f"border:2px dashed {_UNDERSERVED_EDGE}",
    "unknown": f"background:radial-gradient({_UNKNOWN_EDGE} 0.9px,{_UNKNOWN} 1.2px) 0 0/4px 4px;"
    f"border:2px dotted {_UNKNOWN_EDGE}",
    "presumed": f"background:repeating-linear-gradient(-45deg,{_WITHIN} 0 3px,#fff 3px 4.5px);"
    f"border:1.5px dashed {_PRESUMED_EDGE}",
}


class _Patterns(MacroElement):
    """SVG patterns for the hexagon fills, and the CSS of anchors and legend swatches."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .atlas-anchor { display: flex; align-items: center; justify-content: center; box-sizing: border-box;
            font: bold 10px/1 sans-serif; width: 24px; height: 16px; box-shadow: 0 0 0 1.5px #fff; }
        .atlas-anchor-school { background: #111; color: #fff; border-radius: 1px; }
        .atlas-anchor-kita { background: #fff; color: #111; border: 2px solid #111; border-radius: 8px; }
        .atlas-legend .atlas-hex { display: inline-block; width: 14px; height: 12px; flex: none;
            box-sizing: border-box; clip-path: none; }
        .atlas-legend .atlas-legend-sep { margin-top: 4px; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var NS = "http://www.w3.org/2000/svg";
            function addPatterns() {
                var svg = map.getPanes().overlayPane.querySelector("svg");
                if (!svg || svg.querySelector("#{{ this.hatch_id }}")) { return; }
                var defs = document.createElementNS(NS, "defs");
                defs.innerHTML =
                    '<pattern id="{{ this.hatch_id }}" width="7" height="7" patternUnits="userSpaceOnUse"'
                    + ' patternTransform="rotate(45)"><rect width="7" height="7" fill="{{ this.beyond }}"/>'
                    + '<rect width="2" height="7" fill="{{ this.edge }}"/></pattern>'
                    + '<pattern id="{{ this.dots_id }}" width="6" height="6" patternUnits="userSpaceOnUse">'
                    + '<rect width="6" height="6" fill="{{ this.unknown }}"/>'
                    + '<circle cx="3" cy="3" r="1.2" fill="{{ this.unknown_edge }}"/></pattern>'
                    + '<pattern id="{{ this.near_id }}" width="6" height="6" patternUnits="userSpaceOnUse"'
                    + ' patternTransform="rotate(-45)"><rect width="6" height="6" fill="{{ this.near }}"/>'
                    + '<rect width="1.6" height="6" fill="#ffffff"/></pattern>'
                    + '<pattern id="{{ this.within_id }}" width="6" height="6" patternUnits="userSpaceOnUse"'
                    + ' patternTransform="rotate(-45)"><rect width="6" height="6" fill="{{ this.within }}"/>'
                    + '<rect width="1.6" height="6" fill="#ffffff"/></pattern>';
                svg.insertBefore(defs, svg.firstChild);
            }
            addPatterns();
            map.on("layeradd", addPatterns);
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "AtlasGapPatterns"
        self.hatch_id, self.dots_id = HATCH_ID, DOTS_ID
        self.beyond, self.edge = _BEYOND, _UNDERSERVED_EDGE
        self.unknown, self.unknown_edge = _UNKNOWN, _UNKNOWN_EDGE
        self.near_id, self.within_id = STRIPES_ID["near"], STRIPES_ID["within"]
        self.near, self.within = _NEAR, _WITHIN


class _Hexagons(MacroElement):
    """The hexagon units drawn by one script from data: style per class, tooltip text per cell."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var styles = {{ this.styles_js }};
            var cells = {{ this.cells_js }};
            var highlight = {weight: 3, fillOpacity: 0.9};
            function asHtml(text) {
                var box = document.createElement("div");
                box.textContent = text;
                return box.innerHTML;
            }
            cells.forEach(function(c) {
                var style = styles[c.cls];
                var layer = L.polygon(c.ring, style).addTo(map);
                layer.bindTooltip(asHtml(c.tip), {sticky: true});
                layer.on("mouseover", function() { layer.setStyle(highlight); });
                layer.on("mouseout", function() { layer.setStyle(style); });
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, collection: dict[str, Any]) -> None:
        super().__init__()
        self._name = "AtlasHexagons"
        cells = [
            {
                # Leaflet wants [lat, lon]; GeoJSON has [lon, lat].
                "ring": [[lat, lon] for lon, lat in f["geometry"]["coordinates"][0][:-1]],
                "cls": f["properties"]["cls"],
                "tip": f["properties"]["tip"],
            }
            for f in collection["features"]
        ]
        self.cells = cells
        self.styles_js = inert_script(script_json(_HEX_STYLE))
        self.cells_js = inert_script(script_json(cells))


def hex_class(state: str, minutes: float, limit: float, presumed: bool = False) -> str:
    """``near`` (up to half the limit), ``within`` (up to the limit), ``underserved`` or ``unknown``;
    a served class gets ``_presumed`` when only places serving on presumed facts reach it."""
    if state == "served":
        band = "near" if math.isfinite(minutes) and minutes <= limit / 2 else "within"
        return f"{band}_presumed" if presumed else band
    return state if state in ("underserved", "unknown") else "underserved"


def class_labels(limit: float, lang: str) -> dict[str, str]:
    """Legend texts per hexagon class, in minutes: ``0–5 min``, ``5–10 min``, ``> 10 min – unterversorgt``."""
    half = format_number(limit / 2, lang, 0 if (limit / 2).is_integer() else 1)
    full = format_number(limit, lang, 0 if float(limit).is_integer() else 1)
    return {
        "near": f"0–{half} min",
        "within": f"{half}–{full} min",
        "underserved": t("> {limit} min – underserved", lang, limit=full),
        "unknown": t("not enough data", lang),
        "presumed": t("striped: served only by places with presumed facts", lang),
    }


def place_name(place: GapPlace | None, lang: str) -> str:
    """The place's label: its name, or for an unnamed one "Spielplatz, Goethestraße" (``""`` for none)."""
    return place.label(lang) if place is not None else ""


def nearest_name(report: GapReport, row: AnchorRow, lang: str) -> str:
    """The anchor's nearest place that counts, by its label (``""`` when none is reachable)."""
    if row.nearest_place_id is None:
        return ""
    by_id = {p.id: p for p in report.places}
    place = by_id.get(row.nearest_place_id)
    return place.label(lang) if place else row.nearest_label(lang) or ""


def hex_tooltip(
    state: str,
    minutes: float,
    metres: float,
    nearest: GapPlace | None,
    limit: float,
    lang: str,
    presumed: bool = False,
) -> str:
    """Plain text (escape it for the map): the state in words first, then time and nearest place."""
    full = format_number(limit, lang, 0 if float(limit).is_integer() else 1)
    walk = {"minutes": format_number(minutes, lang, 1), "metres": f"{metres:.0f}", "place": place_name(nearest, lang)}
    if state == "served" and presumed:
        return t(
            "served only on presumptions: {minutes} min ({metres} m) to {place}; no audited place within {limit} min",
            lang,
            limit=full,
            **walk,
        )
    if state == "served":
        return t("served: {minutes} min ({metres} m) to {place}", lang, **walk)
    if state == "unknown":
        return t("not enough data: within {limit} min only places with an unknown verdict", lang, limit=full)
    if math.isfinite(minutes):
        return t("underserved: {minutes} min ({metres} m) to {place}", lang, **walk)
    return t("underserved: no place that counts can be reached", lang)


def build_hexagon_geojson(report: GapReport, *, lang: str) -> dict[str, Any]:
    """The hexagon units as a GeoJSON FeatureCollection with ``cls`` (style class) and ``tip`` (plain text)."""
    result = report.result
    limit = float(report.request.minutes)
    nearest = result.unit_nearest
    residents = report.unit_residents.tolist() if report.unit_residents is not None else None
    features = []
    for i, cell in enumerate(result.cells):
        state = str(result.unit_state[i])
        minutes = float(result.unit_minutes[i])
        metres = float(result.unit_distance_m[i])
        tip = hex_tooltip(state, minutes, metres, nearest[i], limit, lang, bool(result.unit_presumed[i]))
        if residents is not None:
            tip += " · " + t("≈ {count:,} residents", lang, count=round(residents[i]))
        ring = [[round(lng, 6), round(lat, 6)] for lat, lng in h3.cell_to_boundary(cell)]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "id": cell,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "cls": hex_class(state, minutes, limit, bool(result.unit_presumed[i])),
                    "tip": tip,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _swatch_row(css: str, label: str, key: str) -> str:
    return (
        f'<div class="atlas-legend-row atlas-gap-{escape_for_map(key)}" role="listitem">'
        f'<span class="atlas-hex" style="{css}"></span><span>{escape_for_map(label)}</span></div>'
    )


def build_gap_legend_html(report: GapReport, *, lang: str) -> str:
    """Legend rows: the four hexagon classes in minutes, then places and anchors (shape and letter)."""
    labels = class_labels(float(report.request.minutes), lang)
    rows = ['<div class="atlas-legend-title">' + escape_for_map(t("Walk to the nearest place", lang)) + "</div>"]
    shown = [c for c in HEX_CLASSES if c != "presumed" or report.count("presumed")]
    rows += [_swatch_row(_SWATCH_CSS[c], labels[c], c) for c in shown]
    rows.append('<div class="atlas-legend-sep"></div>')
    circle = "border-radius:50%;width:10px;height:10px"
    rows.append(
        _swatch_row(
            f"{circle};background:{_PLACE};border:1.5px solid #fff", t("place that counts", lang), "serving"
        )
    )
    rows.append(
        _swatch_row(
            f"{circle};background:#fff;border:3px solid {_PLACE}",
            t("place that counts on presumed facts (not audited)", lang),
            "presumed-place",
        )
    )
    rows.append(
        _swatch_row(
            f"{circle};background:#fff;border:1.5px dashed {_UNKNOWN_EDGE}",
            t("place with unknown verdict (not counted)", lang),
            "unknown-place",
        )
    )
    for kind in ANCHOR_IDS:
        rows.append(
            f'<div class="atlas-legend-row atlas-gap-{kind}" role="listitem">'
            f'<span class="atlas-anchor atlas-anchor-{kind}">{t(ANCHOR_LETTERS[kind], lang)}</span>'
            f"<span>{escape_for_map(t(ANCHOR_LEGEND[kind], lang))}</span></div>"
        )
    return "".join(rows)


def anchor_tooltip(rank: int, row: AnchorRow, lang: str, nearest: str = "") -> str:
    """Plain text: rank, kind, name, and the nearest place that counts (or that none is reachable)."""
    kind = category_label(row.kind, lang)
    name = row.label(lang)
    if row.nearest_minutes is None:
        nearest = t("not reachable", lang)
    else:
        nearest = t(
            "{minutes} min to {place}",
            lang,
            place=nearest or row.nearest_label(lang) or "",
            minutes=format_number(row.nearest_minutes, lang, 1),
        )
    return f"{rank}. {kind}: {name} – {nearest}"


def _place_tooltip(place: GapPlace, lang: str) -> str:
    label = category_label(place.category, lang)
    if place.status == "serving":
        state = t("counts, presumed", lang) if place.presumed else t("counts", lang)
    else:
        state = t("verdict unknown, not counted", lang)
    return f"{place_name(place, lang)} – {label} ({state})"


def build_gap_map(
    report: GapReport,
    *,
    lang: str,
    tile_url: str | None,
    attribution: str = OSM_ATTRIBUTION,
    bbox: tuple[float, float, float, float] | None = None,
) -> folium.Map:
    """The gap map: one GeoJSON layer of hexagons, serving and unknown places, anchors, legend."""
    m = new_offline_map(tile_url=tile_url, attribution=attribution)
    collection = build_hexagon_geojson(report, lang=lang)
    if collection["features"]:
        _Hexagons(collection).add_to(m)
    _Patterns().add_to(m)

    table = StyleTable()
    markers: list[dict[str, object]] = []
    for place in report.places:
        if place.status == "not":
            continue  # neither serves nor is unknown: left off so the map stays readable
        serving = place.status == "serving"
        if serving and place.presumed:  # hollow with a thick ring: counts, but not audited
            look = circle_style(radius=4, color=_PLACE, weight=3, fill_color="#ffffff", fill_opacity=0.95)
        else:
            look = circle_style(
                radius=4,
                color="#ffffff" if serving else "#262626",
                weight=1.5,
                fill_color=_PLACE if serving else "#ffffff",
                fill_opacity=0.95,
                dash_array=None if serving else "2 2",
            )
        markers.append(
            {"lat": place.lat, "lon": place.lon, "style": table.index(look), "tip": _place_tooltip(place, lang)}
        )

    for rank, row in enumerate(report.anchors, start=1):
        kind = row.kind if row.kind in ANCHOR_IDS else "other"
        letter = t(ANCHOR_LETTERS[kind], lang) if kind != "other" else "?"
        icon = {
            "icon": {
                "className": "atlas-anchor-icon",
                "cls": f"atlas-anchor atlas-anchor-{kind}",
                "size": [24, 16],
                "anchor": [12, 8],
            }
        }
        markers.append(
            {
                "lat": row.lat,
                "lon": row.lon,
                "style": table.index(icon),
                "label": f"{letter}{rank}",
                "tip": anchor_tooltip(rank, row, lang, nearest_name(report, row, lang)),
            }
        )
    MarkerLayer(table.styles, markers).add_to(m)

    add_legend(m, title=t("Walk to the nearest place", lang), body_html=build_gap_legend_html(report, lang=lang))

    result = report.result
    if len(result.cells):
        m.fit_bounds(
            [
                (float(result.unit_lat.min()), float(result.unit_lon.min())),
                (float(result.unit_lat.max()), float(result.unit_lon.max())),
            ]
        )
    elif bbox is not None:
        west, south, east, north = bbox
        m.fit_bounds([(south, west), (north, east)])
    return m
