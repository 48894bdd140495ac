"""Maps of places: offline assets only, names never run as code, legend and attribution always there."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import branca
import folium
import folium.elements
import pytest
import xstatic.pkg.jquery as xjquery
import xstatic.pkg.leaflet as xleaflet
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.auth import CONSOLE
from base.settings import OSM_TILES_URL
from catalogue.categories import CATEGORIES
from catalogue.importer import import_file
from catalogue.store import list_areas, load_places
from storage.db import open_database, session_scope
from webui.webmap import (
    VERDICT_LOOK,
    MarkerLayer,
    build_places_map,
    build_tooltip_text,
    escape_for_map,
    install_static_assets,
    pick_clicked_place,
    script_json,
    verdict_marker_styles,
)

HOSTILE = [
    "Treff ${window.top.__pwned=2}",
    '<img src=x onerror="window.top.__pwned=1">',
    "Café `whoami` \\u0060 ${1+1}",
    "</script><script>window.top.__pwned=3</script>",
    "Grün & Co 'Çay Ocağı' \"مقهى الحي\"",
]


@dataclass
class Place:
    id: int
    name: str | None
    category: str
    lon: float
    lat: float
    status: str = "active"
    missing_since: date | None = None
    locator: str | None = None
    ref: str | None = None


def places_named(names: list[str]) -> list[Place]:
    return [Place(i, name, "community_centre", 13.30 + i * 0.001, 52.58) for i, name in enumerate(names)]


def render(m: folium.Map) -> str:
    return m.get_root().render()


def walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from walk(child)


def circle_markers(m: folium.Map) -> list[dict]:
    """Each marker's Leaflet options, with its tooltip and popup texts (as the browser gets them)."""
    layers = [e for e in walk(m) if isinstance(e, MarkerLayer)]
    assert not [e for e in walk(m) if isinstance(e, folium.CircleMarker | folium.Tooltip | folium.Popup)]
    return [
        {**layer.styles[mk["style"]], "tip": mk.get("tip"), "popup": mk.get("popup")}
        for layer in layers
        for mk in layer.markers
    ]


def marker_data(page: str) -> list[dict]:
    """The markers' data exactly as the browser parses it from the rendered map."""
    found = re.findall(r"var markers = (.*);$", page, flags=re.MULTILINE)
    return [mk for chunk in found for mk in json.loads(chunk)]


@pytest.mark.parametrize("name", HOSTILE)
def test_escape_for_map_leaves_nothing_that_html_or_js_template_strings_act_on(name: str) -> None:
    escaped = escape_for_map(name)
    assert not set(escaped) & set("<>\"'`$\\{}")
    assert html.unescape(escaped) == name


@given(st.text())
def test_escape_for_map_round_trips_any_text(text: str) -> None:
    escaped = escape_for_map(text)
    assert not set(escaped) & set("<>\"'`$\\{}")
    assert html.unescape(escaped) == text


@settings(deadline=None)  # recursive values take long on a loaded machine; no timing is asserted
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids)))
def test_script_json_is_json_and_starts_no_template_or_markup(value) -> None:
    literal = script_json(value)
    assert json.loads(literal) == value
    assert not re.search(r"\{[{%#]", literal)
    assert not set(literal) & set("<>&'`$")


def test_hostile_names_are_not_code_in_the_rendered_map() -> None:
    benign = render(build_places_map(places_named(["a"] * len(HOSTILE)), lang="de", tile_url=None))
    hostile = render(build_places_map(places_named(HOSTILE), lang="de", tile_url=None))
    assert "${" not in hostile
    assert "<img" not in hostile
    assert "whoami`" not in hostile
    assert "__pwned=3</script>" not in hostile
    # folium's own template strings use backticks; the names add none.
    assert hostile.count("`") == benign.count("`")
    # The names are still there, as data the browser shows as text.
    assert [mk["tip"].split(" – ")[0] for mk in marker_data(hostile)] == HOSTILE
    assert [mk["popup"][0] for mk in marker_data(hostile)] == HOSTILE


def test_map_loads_leaflet_and_jquery_only_from_the_app() -> None:
    m = build_places_map(places_named(["Treff"]), lang="de", tile_url=None)
    page = render(m)
    # What streamlit-folium sends to the browser: default_js/default_css of every element.
    links = [
        href
        for element in walk(m)
        if isinstance(element, folium.elements.JSCSSMixin | branca.element.Figure)
        for _, href in [*getattr(element, "default_js", []), *getattr(element, "default_css", [])]
    ]
    assert sorted(links) == [
        "/app/static/jquery/jquery.min.js",
        "/app/static/leaflet/leaflet.css",
        "/app/static/leaflet/leaflet.js",
    ]
    assert not re.findall(r"""(?:src|href)=["']https?://""", page)
    assert "cdn" not in page.lower()


def test_tiles_follow_the_setting_and_attribution_is_always_shown() -> None:
    without = build_places_map(places_named(["Treff"]), lang="de", tile_url=None)
    with_tiles = build_places_map(places_named(["Treff"]), lang="de", tile_url=OSM_TILES_URL)
    assert not [e for e in walk(without) if isinstance(e, folium.TileLayer)]
    assert [e.tiles for e in walk(with_tiles) if isinstance(e, folium.TileLayer)] == [OSM_TILES_URL]
    for m in (without, with_tiles):
        page = render(m)
        assert "attributionControl.addAttribution(" in page
        assert "OpenStreetMap\\u003c/a\\u003e contributors" in page


def legend_of(m: folium.Map) -> str:
    """The legend's HTML as the browser gets it (a JSON string literal in the map script)."""
    found = re.findall(r"div\.innerHTML = (\".*?(?<!\\)\");", render(m))
    assert len(found) == 1
    return json.loads(found[0])


def test_legend_lists_each_category_label_with_its_colour_and_the_hollow_key() -> None:
    all_ids = [c.id for c in CATEGORIES]
    german = legend_of(build_places_map([], lang="de", tile_url=None, legend_categories=all_ids))
    english = legend_of(build_places_map([], lang="en", tile_url=None, legend_categories=all_ids))
    for category in CATEGORIES:
        assert f"<span>{html.escape(category.label('de'))}</span>" in german
        assert f"<span>{html.escape(category.name)}</span>" in english
        assert f"background:{category.color}" in german
    assert "geschlossen oder nicht mehr in OSM" in german
    assert "closed or gone from OSM" in english
    # Only the categories asked for (those of the area) appear.
    one = legend_of(build_places_map([], lang="de", tile_url=None, legend_categories=["school"]))
    assert "Schule" in one and "Spielplatz" not in one


def test_closed_and_missing_places_are_drawn_hollow_and_dashed() -> None:
    places = [
        Place(1, "offen", "playground", 13.30, 52.58),
        Place(2, "zu", "playground", 13.31, 52.58, status="closed"),
        Place(3, "weg", "playground", 13.32, 52.58, missing_since=date(2026, 1, 5)),
    ]
    markers = circle_markers(build_places_map(places, lang="de", tile_url=None))
    assert [m["fillOpacity"] for m in markers] == [0.75, 0.0, 0.0]
    assert [m.get("dashArray") for m in markers] == [None, "4 3", "4 3"]
    assert build_tooltip_text(places[1], lang="en") == "zu – Playground (closed or gone from OSM)"
    # An unnamed place is never "(ohne Namen)": category and where it is, else its reference.
    assert build_tooltip_text(Place(4, None, "cafe", 0, 0, locator="Goethestraße"), lang="de") == "Café, Goethestraße"
    assert build_tooltip_text(Place(5, None, "cafe", 0, 0, ref="node/7"), lang="en") == "Café (node/7)"
    assert build_tooltip_text(Place(6, None, "cafe", 0, 0), lang="de") == "Café Nr. 6"


def test_verdict_colouring_draws_unknown_differently_from_not_open() -> None:
    places = [
        Place(1, "offen", "cafe", 13.30, 52.58),
        Place(2, "eingeschränkt", "cafe", 13.31, 52.58),
        Place(3, "zu", "cafe", 13.32, 52.58),
        Place(4, "unbekannt", "cafe", 13.33, 52.58),
        Place(5, "ohne Eintrag", "cafe", 13.34, 52.58),
        Place(6, "geschlossen", "cafe", 13.35, 52.58, status="closed"),
    ]
    verdict = {1: "open", 2: "limited", 3: "not_open", 4: "unknown", 6: "open"}
    m = build_places_map(
        places,
        lang="de",
        tile_url=None,
        colour_by=verdict,
        marker_styles=verdict_marker_styles("de"),
        legend_title="Rollstuhlnutzende",
    )
    looks = [(c["color"], c["fillOpacity"], c.get("dashArray")) for c in circle_markers(m)]
    assert looks[0] == (VERDICT_LOOK["open"][1], 0.75, None)
    assert looks[1] == (VERDICT_LOOK["limited"][1], 0.75, None)
    assert looks[2] == (VERDICT_LOOK["not_open"][1], 0.75, None)
    # Unknown (recorded or missing) is grey, pale and dashed; not_open is red and solid.
    assert looks[3] == looks[4] == (VERDICT_LOOK["unknown"][1], 0.3, "2 2")
    assert looks[3][0] != looks[2][0] and looks[3][2] != looks[2][2]
    # A closed place stays hollow with long dashes, whatever its verdict.
    assert looks[5] == (VERDICT_LOOK["open"][1], 0.0, "4 3")

    rendered = render(m)
    # Each look is sent once, and markers refer to it.
    assert rendered.count('"dashArray":"2 2"') == 1 and rendered.count('"color":"\\u0023d73027"') == 1
    legend = legend_of(m)
    assert "Rollstuhlnutzende" in legend
    for text in ("● offen", "◐ eingeschränkt offen", "✕ nicht offen", "? unbekannt"):
        assert text in legend
    assert "border:2px dashed #8c8c8c" in legend and "border:2px solid #d73027" in legend
    # Not colour alone: the popup names the verdict too.
    popups = [mk["popup"] for mk in marker_data(rendered)]
    assert popups[2][-1] == "✕ nicht offen" and popups[3][-1] == "? unbekannt"
    # Without colour_by the category legend stays.
    styles = verdict_marker_styles("de")
    by_category = build_places_map(places, lang="de", tile_url=None, marker_styles=styles)
    assert "Café" in legend_of(by_category)


def test_a_click_picks_the_marker_by_tooltip_then_distance() -> None:
    a = Place(1, "Treff", "community_centre", 13.3000, 52.58)
    b = Place(2, "Spielplatz Ost", "playground", 13.3001, 52.58)
    # Leaflet reports the click point, which lies nearer to b; the tooltip says it was a.
    assert pick_clicked_place([a, b], lat=52.58, lon=13.30009, tooltip="Treff – Nachbarschafts- und Stadtteilzentrum", lang="de") is a
    assert pick_clicked_place([a, b], lat=52.58, lon=13.30009, tooltip=None, lang="de") is b
    assert pick_clicked_place([], lat=52.58, lon=13.3, tooltip=None, lang="de") is None


def test_the_map_of_an_imported_extract_has_one_marker_per_place(sqlite_url: str, extract_path) -> None:
    engine = open_database(sqlite_url)
    import_file(engine, path=extract_path("berlin"), area_name="Borsigwalde", actor=CONSOLE)
    with session_scope(engine, read_only=True) as session:
        area = list_areas(session)[0]
        places = load_places(session, area_id=area.id)
    engine.dispose()
    m = build_places_map(places, lang="de", tile_url=None, bbox=area.bbox)
    markers = circle_markers(m)
    assert len(markers) == len(places) == 115
    colours = {c.id: c.color for c in CATEGORIES}
    assert {mk["fillColor"] for mk in markers} == {colours[p.category] for p in places}
    west, south, east, north = area.bbox
    fits = [e for e in walk(m) if isinstance(e, folium.map.FitBounds)]
    assert [f.bounds for f in fits] == [[(south, west), (north, east)]]


def test_install_static_assets_copies_leaflet_and_jquery(tmp_path: Path) -> None:
    static = tmp_path / "static"
    install_static_assets(static)
    leaflet = Path(xleaflet.BASE_DIR)
    for name in ("leaflet.js", "leaflet.css"):
        assert (static / "leaflet" / name).read_bytes() == (leaflet / name).read_bytes()
    assert (static / "jquery" / "jquery.min.js").read_bytes() == (Path(xjquery.BASE_DIR) / "jquery.min.js").read_bytes()
    assert (static / "leaflet" / "images" / "layers.png").is_file()
    # folium's templates are written for this Leaflet version.
    assert xleaflet.VERSION.startswith("1.9.3")
    assert "leaflet@1.9.3" in dict(folium.Map.default_js)["leaflet"]
    # Running again (every app start) leaves the files as they are and no temp files behind.
    before = {p: p.stat().st_mtime_ns for p in static.rglob("*")}
    install_static_assets(static)
    assert {p: p.stat().st_mtime_ns for p in static.rglob("*")} == before
