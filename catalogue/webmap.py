"""Folium maps of places of encounter that work offline and never run text from names.

Pure map building (``build_places_map``, ``escape_for_map``) plus one file helper
(``install_static_assets``) that copies Leaflet and jQuery from the XStatic packages into the
app's ``static/`` folder, so the map loads without any CDN.
"""

from __future__ import annotations

import html
import math
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import folium
from branca.element import MacroElement
from jinja2 import Template

from catalogue.categories import CATEGORIES, CATEGORY_BY_ID
from catalogue.i18n import t
from catalogue.settings import OSM_ATTRIBUTION

# Where Streamlit serves ``static/`` beside app.py when ``server.enableStaticServing`` is on.
STATIC_URL = "/app/static"
MAP_JS = [
    ("leaflet", f"{STATIC_URL}/leaflet/leaflet.js"),
    ("jquery", f"{STATIC_URL}/jquery/jquery.min.js"),
]
MAP_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet/leaflet.css")]

# Germany, for an empty map with nothing to fit to.
DEFAULT_CENTER = (51.16, 10.45)

_MAP_ENTITIES = {"`": "&#96;", "$": "&#36;", "\\": "&#92;"}


class MapPlace(Protocol):
    """What the map needs of a place (``catalogue.store.PlaceInfo`` has it)."""

    id: int
    name: str | None
    category: str
    lon: float
    lat: float
    status: str
    missing_since: object | None


def escape_for_map(text: object) -> str:
    """Text safe inside folium's popups, tooltips and our legend.

    folium writes these into JavaScript template literals, where ``${…}``, backticks and
    backslashes act even after HTML escaping; they become HTML entities, which show as the
    literal characters.
    """
    escaped = html.escape(str(text), quote=True)
    return "".join(_MAP_ENTITIES.get(ch, ch) for ch in escaped)


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
                div.setAttribute("aria-label", {{ this.title|tojson }});
                div.innerHTML = {{ this.body|tojson }};
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
        self.title = title
        self.body = body


class _Attribution(MacroElement):
    """OSM attribution that stays on the map even when no tile layer is drawn."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "AtlasAttribution"
        self.text = text


def build_legend_html(category_ids: Sequence[str], *, lang: str) -> str:
    """The legend rows for the given categories (in table order), plus the hollow-marker key."""
    wanted = set(category_ids)
    rows = [f'<div class="atlas-legend-title">{escape_for_map(t("map.legend", lang))}</div>']
    for category in CATEGORIES:
        if category.id not in wanted:
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
        f"<span>{escape_for_map(t('map.inactive', lang))}</span></div>"
    )
    return "".join(rows)


def place_label(place: MapPlace, *, lang: str) -> tuple[str, str]:
    """``(name, category label)`` as plain text; unnamed places get a visible stand-in."""
    category = CATEGORY_BY_ID.get(place.category)
    return place.name or t("unnamed", lang), category.label(lang) if category else place.category


def build_tooltip_text(place: MapPlace, *, lang: str) -> str:
    """The tooltip as plain text (escape it for the map); the page matches clicks against it."""
    name, label = place_label(place, lang=lang)
    text = f"{name} – {label}"
    if place_is_inactive(place):
        text += f" ({t('map.inactive', lang)})"
    return text


def pick_clicked_place(
    places: Sequence[MapPlace], *, lat: float, lon: float, tooltip: str | None, lang: str
) -> MapPlace | None:
    """The place whose marker was clicked: Leaflet reports the click point, not the marker centre.

    Among the places whose tooltip equals the clicked one (all places when it is unknown), the
    one nearest to the click point wins.
    """
    candidates = [p for p in places if tooltip and build_tooltip_text(p, lang=lang) == tooltip.strip()]
    if not candidates:
        candidates = list(places)
    if not candidates:
        return None
    scale = math.cos(math.radians(lat))
    return min(candidates, key=lambda p: ((p.lon - lon) * scale) ** 2 + (p.lat - lat) ** 2)


def build_places_map(
    places: Sequence[MapPlace],
    *,
    lang: str,
    tile_url: str | None,
    attribution: str = OSM_ATTRIBUTION,
    bbox: tuple[float, float, float, float] | None = None,
    legend_categories: Sequence[str] | None = None,
) -> folium.Map:
    """A map with one circle marker per place, coloured by category, with legend and attribution.

    ``bbox`` (west, south, east, north) frames the map when given, else the places do.
    Leaflet and jQuery load from the app's own ``/app/static`` (see ``install_static_assets``).
    """
    m = folium.Map(location=DEFAULT_CENTER, zoom_start=6, tiles=None, control_scale=True)
    # Per instance, so nothing loads from a CDN; circle markers need no Bootstrap/awesome-markers.
    m.default_js = list(MAP_JS)
    m.default_css = list(MAP_CSS)
    if tile_url:
        folium.TileLayer(tile_url, attr=attribution, name="tiles", max_zoom=19).add_to(m)
    _Attribution(attribution).add_to(m)

    for place in places:
        category = CATEGORY_BY_ID.get(place.category)
        color = category.color if category else "#666666"
        inactive = place_is_inactive(place)
        name, label = place_label(place, lang=lang)
        folium.CircleMarker(
            location=(place.lat, place.lon),
            radius=6,
            color=color,
            weight=2,
            fill=True,
            fill_color=color,
            fill_opacity=0.0 if inactive else 0.75,
            dash_array="4 3" if inactive else None,
            tooltip=folium.Tooltip(escape_for_map(build_tooltip_text(place, lang=lang))),
            popup=folium.Popup(f"<b>{escape_for_map(name)}</b><br>{escape_for_map(label)}", max_width=300),
        ).add_to(m)

    shown = legend_categories if legend_categories is not None else sorted({p.category for p in places})
    _Legend(t("map.legend", lang), build_legend_html(shown, lang=lang)).add_to(m)

    if bbox is not None:
        west, south, east, north = bbox
        m.fit_bounds([(south, west), (north, east)])
    elif places:
        lats = [p.lat for p in places]
        lons = [p.lon for p in places]
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
