"""Folium maps of places of encounter that work offline and never run text from names.

Pure map building (``build_places_map``, ``build_points_map``) plus one file helper
(``install_static_assets``) that copies Leaflet and jQuery from the XStatic packages into the
app's ``static/`` folder, so the map loads without any CDN.

Text is data, never code. folium renders every element's script and branca compiles that output
*again* as a Jinja template (``Element(rendered)``), and streamlit-folium evaluates the result as
JavaScript; so a name that reaches any template's output can run on the server (``{{ … }}``) or
in the browser (``${…}`` in a template string). Untrusted text therefore never enters folium's
own popups, tooltips or GeoJSON: it goes into the map only as :func:`script_json` data (strings
in which ``{ } % # < > & ' ` $`` are JSON unicode escapes, so neither Jinja nor HTML nor a JS
template literal sees them) and the browser puts it on the page with ``textContent``.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

import folium
from branca.element import MacroElement
from jinja2 import Template

from audits.vocabulary import VERDICT_STATUSES
from base.geo import equirect_m
from base.i18n import t
from base.settings import OSM_ATTRIBUTION
from catalogue.categories import CATEGORIES, CATEGORY_BY_ID, category_label
from catalogue.labels import Labelled, place_label

# Where Streamlit serves ``static/`` beside app.py when ``server.enableStaticServing`` is on.
STATIC_URL = "/app/static"
MAP_JS = [
    ("leaflet", f"{STATIC_URL}/leaflet/leaflet.js"),
    ("jquery", f"{STATIC_URL}/jquery/jquery.min.js"),
]
MAP_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet/leaflet.css")]

# Germany, for an empty map with nothing to fit to.
DEFAULT_CENTER = (51.16, 10.45)

# HTML entities for text in markup, in one pass: ``& < > " '`` as HTML needs, everything that acts
# in a JS template string (`` ` `` ``$`` ``\\``), and the braces that start a Jinja construct.
_MAP_ENTITIES = {ch: f"&#{ord(ch)};" for ch in "&<>\"'`$\\{}"}
# The same characters (and U+2028/2029, which end a JS line) as JSON unicode escapes; a backslash
# needs none: JSON already writes it as an escape of its own.
_SCRIPT_ESCAPES = {ch: f"\\u{ord(ch):04x}" for ch in "<>&'`${}%#\u2028\u2029"}
# What may start a Jinja construct when branca compiles a rendered script again.
_JINJA_START = re.compile(r"\{[{%#]")


class MapPlace(Labelled, Protocol):
    """What the map needs of a place (``catalogue.store.PlaceInfo`` has it): what its label is
    made of (``catalogue.labels.Labelled``) and where it is; read-only, so frozen dataclasses fit."""

    @property
    def lon(self) -> float: ...
    @property
    def lat(self) -> float: ...
    @property
    def status(self) -> str: ...
    @property
    def missing_since(self) -> object | None: ...


_P = TypeVar("_P", bound=MapPlace)


def escape_for_map(text: object) -> str:
    """Text made literal for HTML that ends up in a map (legend rows): entities only.

    Besides HTML's ``& < > " '`` it encodes `` ` ``, ``$`` and ``\\`` (which act inside JavaScript
    template literals) and ``{ }`` (which would start a Jinja construct when branca compiles the
    rendered map again), so the browser shows exactly the text and nothing runs anywhere.
    """
    return "".join(_MAP_ENTITIES.get(ch, ch) for ch in str(text))


def script_json(value: object) -> str:
    """``value`` (str, number, bool, None, list, tuple, dict with str keys) as a JavaScript literal.

    The result is valid JSON. Inside strings every character that HTML, a JS template literal or
    Jinja acts on is a unicode escape, so the literal can stand in a ``<script>`` that branca
    compiles as a template again: no ``{{``, ``{%`` or ``{#`` can come from the data.
    """
    if isinstance(value, str):
        return "".join(_SCRIPT_ESCAPES.get(ch, ch) for ch in json.dumps(value, ensure_ascii=True))
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number for the map: {value!r}")
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(script_json(v) for v in value) + "]"
    if isinstance(value, Mapping):
        items = []
        for key, v in value.items():
            if not isinstance(key, str):
                raise TypeError(f"map data keys must be strings, not {type(key).__name__}")
            items.append(f"{script_json(key)}:{script_json(v)}")
        return "{" + ",".join(items) + "}"
    raise TypeError(f"cannot put {type(value).__name__} into map data")


def inert_script(source: str) -> str:
    """``source`` unchanged, after checking it starts no Jinja construct (branca compiles it again)."""
    found = _JINJA_START.search(source)
    if found:
        raise ValueError(f"map script would start a template construct at {found.start()}: refusing to render")
    return source


@dataclass(frozen=True)
class MarkerStyle:
    """How markers of one kind look when the map is coloured by something other than category.

    ``symbol`` stands before the label in the legend and popups, so colour is never the only cue;
    ``dashed`` draws a dashed, paler marker (used for "unknown", which must not look closed);
    ``radius`` (pixels) sets the marker's size, a second cue besides colour (default 6).
    """

    key: str
    label: str
    color: str
    symbol: str = ""
    dashed: bool = False
    radius: int | None = None


# Verdict per group: symbol, colour, dashed. Unknown is grey and dashed, not_open red and solid.
VERDICT_LOOK: dict[str, tuple[str, str, bool]] = {
    "open": ("●", "#1a9850", False),
    "limited": ("◐", "#e69f00", False),
    "not_open": ("✕", "#d73027", False),
    "unknown": ("?", "#8c8c8c", True),
}


def verdict_marker_styles(lang: str) -> list[MarkerStyle]:
    """One marker style per verdict status (open, limited, not open, unknown)."""
    return [
        MarkerStyle(v.id, v.label(lang), VERDICT_LOOK[v.id][1], VERDICT_LOOK[v.id][0], VERDICT_LOOK[v.id][2])
        for v in VERDICT_STATUSES
    ]


def place_is_inactive(place: MapPlace) -> bool:
    """Closed, or vanished from OSM since the last import: drawn hollow and dashed."""
    return place.status == "closed" or place.missing_since is not None


class _Legend(MacroElement):
    """A Leaflet control listing each category's colour next to its label (not colour alone)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "atlas-legend");
                div.setAttribute("role", "list");
                div.setAttribute("aria-label", {{ this.title_js }});
                div.innerHTML = {{ this.body_js }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        {% macro header(this, kwargs) %}
        <style>
        .atlas-legend { background: rgba(255,255,255,0.9); padding: 4px 7px; border-radius: 4px;
            font: 11px/1.3 sans-serif; color: #222; box-shadow: 0 1px 4px rgba(0,0,0,0.3);
            max-height: 50vh; overflow-y: auto; }
        .atlas-legend .atlas-legend-title { font-weight: bold; margin-bottom: 2px; }
        .atlas-legend .atlas-legend-row { display: flex; align-items: center; gap: 6px; }
        .atlas-legend .atlas-swatch { display: inline-block; width: 10px; height: 10px;
            border-radius: 50%; border: 2px solid; box-sizing: border-box; flex: none; }
        </style>
        {% endmacro %}
        """
    )

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self._name = "AtlasLegend"
        self.title_js = inert_script(script_json(title))
        self.body_js = inert_script(script_json(body))


class _Attribution(MacroElement):
    """OSM attribution that stays on the map even when no tile layer is drawn."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_js }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "AtlasAttribution"
        self.text_js = inert_script(script_json(text))


class MarkerLayer(MacroElement):
    """Many markers drawn by one script from :func:`script_json` data; texts set as text, not HTML.

    ``styles`` are Leaflet ``circleMarker`` options (or ``{"icon": {...}}`` for a labelled
    ``divIcon``: ``className``, ``cls`` of the inner element, ``size``, ``anchor``); each marker is
    ``{"lat", "lon", "style" (index), "tip", "popup" (lines; the first is bold), "label"}``.
    Tooltips are strings (streamlit-folium reports a clicked marker's tooltip text), made from the
    text by the browser itself; popups and icon labels are DOM nodes filled with ``textContent``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var styles = {{ this.styles_js }};
            var markers = {{ this.markers_js }};
            function asHtml(text) {
                var box = document.createElement("div");
                box.textContent = text;
                return box.innerHTML;
            }
            markers.forEach(function(p) {
                var style = styles[p.style];
                var layer;
                if (style.icon) {
                    var inner = document.createElement("div");
                    inner.className = style.icon.cls;
                    inner.textContent = p.label || "";
                    layer = L.marker([p.lat, p.lon], {icon: L.divIcon({html: inner,
                        className: style.icon.className, iconSize: style.icon.size,
                        iconAnchor: style.icon.anchor})});
                } else {
                    layer = L.circleMarker([p.lat, p.lon], style);
                }
                if (p.tip) {
                    layer.bindTooltip(asHtml(p.tip), {sticky: true});
                }
                if (p.popup && p.popup.length) {
                    layer.bindPopup(function() {
                        var box = document.createElement("div");
                        p.popup.forEach(function(line, i) {
                            if (i) { box.appendChild(document.createElement("br")); }
                            var part = document.createElement(i === 0 ? "b" : "span");
                            part.textContent = line;
                            box.appendChild(part);
                        });
                        return box;
                    }, {maxWidth: 300});
                }
                layer.addTo(map);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, styles: Sequence[Mapping[str, object]], markers: Sequence[Mapping[str, object]]) -> None:
        super().__init__()
        self._name = "AtlasMarkers"
        self.styles = [dict(s) for s in styles]
        self.markers = [dict(m) for m in markers]
        self.styles_js = inert_script(script_json(self.styles))
        self.markers_js = inert_script(script_json(self.markers))

    def _get_self_bounds(self) -> list[list[float | None]]:
        if not self.markers:
            return [[None, None], [None, None]]
        lats = [float(m["lat"]) for m in self.markers]  # type: ignore[arg-type]
        lons = [float(m["lon"]) for m in self.markers]  # type: ignore[arg-type]
        return [[min(lats), min(lons)], [max(lats), max(lons)]]


class StyleTable:
    """Collects distinct marker styles so each is sent once and markers refer to it by index."""

    def __init__(self) -> None:
        self.styles: list[dict[str, object]] = []
        self._index: dict[str, int] = {}

    def index(self, style: Mapping[str, object]) -> int:
        key = json.dumps(style, sort_keys=True)
        if key not in self._index:
            self._index[key] = len(self.styles)
            self.styles.append(dict(style))
        return self._index[key]


def circle_style(
    *, color: str, fill_color: str | None = None, fill_opacity: float = 0.75, radius: int = 6,
    weight: float = 2, dash_array: str | None = None,
) -> dict[str, object]:
    """Leaflet ``circleMarker`` options (the same names folium's ``CircleMarker`` sends)."""
    style: dict[str, object] = {
        "radius": radius,
        "color": color,
        "weight": weight,
        "fill": True,
        "fillColor": fill_color or color,
        "fillOpacity": fill_opacity,
    }
    if dash_array:
        style["dashArray"] = dash_array
    return style


def build_legend_html(
    category_ids: Sequence[str], *, lang: str, styles: Sequence[MarkerStyle] = (), title: str | None = None
) -> str:
    """The legend rows for the given categories (in table order), plus the hollow-marker key.

    With ``styles`` the rows are those styles (symbol and label) instead of the categories.
    """
    wanted = set(category_ids)
    rows = ['<div class="atlas-legend-title">' + escape_for_map(title or t("Legend", lang)) + "</div>"]
    for style in styles:
        color = escape_for_map(style.color)
        border = f"2px dashed {color}" if style.dashed else f"2px solid {color}"
        fill = "transparent" if style.dashed else color
        rows.append(
            f'<div class="atlas-legend-row atlas-style-{escape_for_map(style.key)}" role="listitem">'
            f'<span class="atlas-swatch" style="background:{fill};border:{border}"></span>'
            f"<span>{escape_for_map(f'{style.symbol} {style.label}'.strip())}</span></div>"
        )
    for category in CATEGORIES:
        if styles or category.id not in wanted:
            continue
        color = escape_for_map(category.color)
        rows.append(
            '<div class="atlas-legend-row" role="listitem">'
            f'<span class="atlas-swatch" style="background:{color};border-color:{color}"></span>'
            f"<span>{escape_for_map(category.label(lang))}</span></div>"
        )
    rows.append(
        '<div class="atlas-legend-row" role="listitem">'
        '<span class="atlas-swatch" style="background:transparent;border:2px dashed #555"></span>'
        "<span>" + escape_for_map(t("closed or gone from OSM", lang)) + "</span></div>"
    )
    return "".join(rows)


def place_texts(place: MapPlace, *, lang: str) -> tuple[str, str]:
    """``(label, category label)`` as plain text: the label is the name, or for an unnamed place
    "Spielplatz, Goethestraße" (``catalogue.labels.place_label``)."""
    return place_label(place, lang), category_label(place.category, lang)


def place_title(place: MapPlace, *, lang: str) -> str:
    """One line for lists and tooltips: "Name – Kategorie", or the label alone when it already
    starts with the category (an unnamed place)."""
    label, category = place_texts(place, lang=lang)
    return f"{label} – {category}" if place.name else label


def place_titles(
    places: Sequence[_P],
    *,
    lang: str,
    suffix: Callable[[_P], str] | None = None,
    detail: Callable[[_P], str | None] | None = None,
) -> dict[int, str]:
    """Select-box texts by place id: :func:`place_title` plus ``suffix(place)``; texts that occur
    more than once (three pitches on one street) get ``detail(place)`` – by default the OSM
    reference – or the id added, so every choice can be told apart."""
    texts = {p.id: place_title(p, lang=lang) + (suffix(p) if suffix else "") for p in places}
    counts = Counter(texts.values())
    for p in places:
        if counts[texts[p.id]] > 1:
            texts[p.id] += f" · {(detail(p) if detail else None) or p.ref or '#' + str(p.id)}"
    return texts


def build_tooltip_text(place: MapPlace, *, lang: str) -> str:
    """The tooltip as plain text (escape it for the map); the page matches clicks against it."""
    text = place_title(place, lang=lang)
    if place_is_inactive(place):
        text += " (" + t("closed or gone from OSM", lang) + ")"
    return text


def pick_clicked_place(
    places: Sequence[_P], *, lat: float, lon: float, tooltip: str | None, lang: str
) -> _P | None:
    """The place whose marker was clicked: Leaflet reports the click point, not the marker centre.

    Among the places whose tooltip equals the clicked one (all places when it is unknown), the
    one nearest to the click point wins.
    """
    candidates = [p for p in places if tooltip and build_tooltip_text(p, lang=lang) == tooltip.strip()]
    if not candidates:
        candidates = list(places)
    if not candidates:
        return None
    return min(candidates, key=lambda p: equirect_m(lon, lat, p.lon, p.lat, at_lat=lat))


def new_offline_map(*, tile_url: str | None, attribution: str = OSM_ATTRIBUTION) -> folium.Map:
    """An empty folium map that loads Leaflet and jQuery from ``/app/static``, never from a CDN.

    ``tile_url`` ``None`` draws no tiles (fully offline); the OSM attribution shows either way.
    """
    m = folium.Map(location=DEFAULT_CENTER, zoom_start=6, tiles=None, control_scale=True)
    # Per instance, so nothing loads from a CDN; circle markers need no Bootstrap/awesome-markers.
    m.default_js = list(MAP_JS)
    m.default_css = list(MAP_CSS)
    if tile_url:
        folium.TileLayer(tile_url, attr=attribution, name="tiles", max_zoom=19).add_to(m)
    _Attribution(attribution).add_to(m)
    return m


def add_legend(m: folium.Map, *, title: str, body_html: str) -> None:
    """Add a legend control (bottom right); ``body_html`` must already be escaped for the map."""
    _Legend(title, body_html).add_to(m)


def build_places_map(
    places: Sequence[MapPlace],
    *,
    lang: str,
    tile_url: str | None,
    attribution: str = OSM_ATTRIBUTION,
    bbox: tuple[float, float, float, float] | None = None,
    legend_categories: Sequence[str] | None = None,
    colour_by: Mapping[int, str] | None = None,
    marker_styles: Sequence[MarkerStyle] = (),
    legend_title: str | None = None,
) -> folium.Map:
    """A map with one circle marker per place, coloured by category, with legend and attribution.

    ``bbox`` (west, south, east, north) frames the map when given, else the places do.
    ``colour_by`` (place id → ``MarkerStyle.key`` of ``marker_styles``) colours by that instead,
    e.g. the verdict for one group; a place without an entry takes the style ``unknown``.
    Leaflet and jQuery load from the app's own ``/app/static`` (see ``install_static_assets``).
    """
    m = new_offline_map(tile_url=tile_url, attribution=attribution)

    style_by_key = {s.key: s for s in marker_styles}
    table = StyleTable()
    markers: list[dict[str, object]] = []
    for place in places:
        category = CATEGORY_BY_ID.get(place.category)
        color = category.color if category else "#666666"
        inactive = place_is_inactive(place)
        label, category_text = place_texts(place, lang=lang)
        dashed, fill_opacity = inactive, 0.0 if inactive else 0.75
        popup = [label, category_text]
        if not place.name and place.ref:
            popup.append(place.ref)  # the OSM reference stays beside a made-up label
        radius = 6
        if colour_by is not None:
            style = style_by_key.get(colour_by.get(place.id, "unknown"))
            if style is not None:
                color = style.color
                radius = style.radius or radius
                if style.dashed and not inactive:
                    dashed, fill_opacity = True, 0.3
                popup.append(f"{style.symbol} {style.label}".strip())
        look = circle_style(
            color=color,
            fill_opacity=fill_opacity,
            radius=radius,
            # Inactive: hollow, long dashes; a dashed style (unknown): pale fill, short dashes.
            dash_array=("4 3" if inactive else "2 2") if dashed else None,
        )
        markers.append(
            {
                "lat": place.lat,
                "lon": place.lon,
                "style": table.index(look),
                "tip": build_tooltip_text(place, lang=lang),
                "popup": popup,
            }
        )
    MarkerLayer(table.styles, markers).add_to(m)

    shown = legend_categories if legend_categories is not None else sorted({p.category for p in places})
    styles = marker_styles if colour_by is not None else ()
    title = legend_title if colour_by is not None and legend_title else t("Legend", lang)
    _Legend(title, build_legend_html(shown, lang=lang, styles=styles, title=title)).add_to(m)

    if bbox is not None:
        west, south, east, north = bbox
        m.fit_bounds([(south, west), (north, east)])
    elif places:
        lats = [p.lat for p in places]
        lons = [p.lon for p in places]
        m.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))])
    return m


@dataclass(frozen=True)
class MapPoint:
    """One marker of ``build_points_map``: plain (untrusted) texts, sent to the map as data."""

    lon: float
    lat: float
    title: str
    subtitle: str
    color: str
    radius: int = 6


def build_legend_rows_html(title: str, rows: Sequence[tuple[str, str]]) -> str:
    """Legend HTML from ``(label, colour)`` rows; every text escaped for the map."""
    parts = [f'<div class="atlas-legend-title">{escape_for_map(title)}</div>']
    for label, color in rows:
        c = escape_for_map(color)
        parts.append(
            '<div class="atlas-legend-row" role="listitem">'
            f'<span class="atlas-swatch" style="background:{c};border-color:{c}"></span>'
            f"<span>{escape_for_map(label)}</span></div>"
        )
    return "".join(parts)


def build_points_map(
    points: Sequence[MapPoint],
    *,
    legend_title: str,
    legend_rows: Sequence[tuple[str, str]],
    tile_url: str | None,
    attribution: str = OSM_ATTRIBUTION,
    bbox: tuple[float, float, float, float] | None = None,
) -> folium.Map:
    """A map of coloured points with an explicit legend (public map, suggestions, moderation).

    Titles and subtitles are untrusted text: they reach the browser as data of a
    :class:`MarkerLayer`, never as markup or template source. ``bbox`` (west, south, east, north) frames the map, else the points do.
    """
    m = new_offline_map(tile_url=tile_url, attribution=attribution)
    table = StyleTable()
    markers = [
        {
            "lat": point.lat,
            "lon": point.lon,
            "style": table.index(circle_style(color=point.color, radius=point.radius)),
            "tip": f"{point.title} – {point.subtitle}" if point.subtitle else point.title,
            "popup": [point.title, point.subtitle] if point.subtitle else [point.title],
        }
        for point in points
    ]
    MarkerLayer(table.styles, markers).add_to(m)
    _Legend(legend_title, build_legend_rows_html(legend_title, legend_rows)).add_to(m)
    if bbox is not None:
        west, south, east, north = bbox
        m.fit_bounds([(south, west), (north, east)])
    elif points:
        lats = [p.lat for p in points]
        lons = [p.lon for p in points]
        m.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))])
    return m


def install_static_assets(static_dir: Path) -> None:
    """Copy Leaflet (with its images) and jQuery from the XStatic packages into ``static_dir``.

    Idempotent and cheap when the files are already there; the folder is git-ignored.
    """
    import xstatic.pkg.jquery as xjquery
    import xstatic.pkg.leaflet as xleaflet

    leaflet_src = Path(xleaflet.BASE_DIR)
    jquery_src = Path(xjquery.BASE_DIR)
    copies = [
        (leaflet_src / "leaflet.js", static_dir / "leaflet" / "leaflet.js"),
        (leaflet_src / "leaflet.css", static_dir / "leaflet" / "leaflet.css"),
        (jquery_src / "jquery.min.js", static_dir / "jquery" / "jquery.min.js"),
    ]
    for image in sorted((leaflet_src / "images").iterdir()):
        copies.append((image, static_dir / "leaflet" / "images" / image.name))
    for src, dst in copies:
        if dst.is_file() and dst.stat().st_size == src.stat().st_size:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        # Copy then rename: a second app process starting at the same time never sees half a file.
        tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)


@dataclass(frozen=True)
class MapView:
    """A centre and zoom level for ``st_folium(center=…, zoom=…)``."""

    center: tuple[float, float]  # lat, lon
    zoom: int


def compute_view_for_bbox(
    bbox: tuple[float, float, float, float], *, width_px: int = 600, height_px: int = 420, max_zoom: int = 18
) -> MapView:
    """The Web-Mercator zoom at which ``bbox`` (west, south, east, north) fits a map of that size.

    Unlike Leaflet's ``fitBounds`` this does not depend on the map's size in the browser: a map
    drawn while hidden (in a closed expander, with size 0) would fit the bounds at zoom 0, the
    whole world. ``width_px`` is a conservative guess at the container's width.
    """
    west, south, east, north = bbox

    def merc_y(lat: float) -> float:
        lat = max(-85.0, min(85.0, lat))
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(east - west, 1e-6) / 360.0
    span_y = max(merc_y(north) - merc_y(south), 1e-9) / (2 * math.pi)
    zoom = math.floor(min(math.log2(width_px / (256 * span_x)), math.log2(height_px / (256 * span_y))))
    return MapView(center=((south + north) / 2, (west + east) / 2), zoom=max(1, min(max_zoom, zoom)))
