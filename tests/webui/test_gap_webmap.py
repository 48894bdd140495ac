"""The gap map's folium HTML: hexagon classes, legend in minutes, names escaped, no CDN."""

from __future__ import annotations

import re

import pytest

from accounts.auth import CONSOLE
from catalogue.importer import import_file
from catalogue.store import add_manual_place, list_areas
from gaps.graph import build_graph
from gaps.service import GapRequest, load_gap_inputs, run_gap_analysis
from storage.db import open_database, session_scope
from webui.gap_webmap import build_gap_map, build_hexagon_geojson, class_labels, hex_class

HOSTILE = "Treff ${window.top.__pwned=2} <img src=x>"


@pytest.fixture(scope="module")
def berlin(tmp_path_factory, extract_path):
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('gapmap') / 'atlas.db'}")
    import_file(engine, path=extract_path("berlin"), area_name="Borsigwalde", actor=CONSOLE)
    with session_scope(engine) as session:
        area = list_areas(session)[0]
        west, south, east, north = area.bbox
        add_manual_place(
            session,
            area_id=area.id,
            name=HOSTILE,
            category="cafe",
            lon=(west + east) / 2,
            lat=(south + north) / 2,
            actor=CONSOLE,
        )
    with session_scope(engine, read_only=True) as session:
        inputs = load_gap_inputs(session, area_id=list_areas(session)[0].id)
    engine.dispose()
    return inputs, build_graph(inputs.network)


def report_for(berlin, **kw):
    inputs, graph = berlin
    return run_gap_analysis(
        graph,
        places=inputs.places,
        verdicts_by_place=inputs.verdicts_by_place,
        indicators=inputs.indicators,
        request=GapRequest(**kw),
    )


def test_legend_classes_are_in_minutes_of_the_limit() -> None:
    assert class_labels(10, "de") == {
        "near": "0–5 min",
        "within": "5–10 min",
        "underserved": "> 10 min – unterversorgt",
        "unknown": "zu wenig Daten",
        "presumed": "gestreift: nur durch Orte mit angenommenen Fakten versorgt",
    }
    assert class_labels(15, "en")["within"] == "7.5–15 min"
    assert hex_class("served", 4.9, 10) == "near"
    assert hex_class("served", 5.1, 10) == "within"
    assert hex_class("unknown", float("inf"), 10) == "unknown"
    assert hex_class("served", 4.9, 10, presumed=True) == "near_presumed"
    assert hex_class("served", 5.1, 10, presumed=True) == "within_presumed"
    assert hex_class("underserved", 12.0, 10, presumed=True) == "underserved"


def test_every_hexagon_has_a_class_and_a_tooltip_in_words(berlin) -> None:
    report = report_for(berlin, group="wheelchair")
    features = build_hexagon_geojson(report, lang="de")["features"]
    assert len(features) == report.cells
    classes = [f["properties"]["cls"] for f in features]
    assert classes.count("unknown") == report.count("unknown") > 0
    assert classes.count("underserved") == report.count("underserved")
    tips = {f["properties"]["cls"]: f["properties"]["tip"] for f in features}
    assert tips["unknown"].startswith("zu wenig Daten")
    assert tips["underserved"].startswith("unterversorgt")


def test_names_are_escaped_and_assets_are_local(berlin) -> None:
    html = build_gap_map(report_for(berlin, group="all", categories=("cafe",)), lang="de", tile_url=None)
    page = html.get_root().render()
    assert "${window.top" not in page and "<img src=x>" not in page
    # The name reaches the browser as data (set as text there), escaped for script and template.
    assert "Treff \\u0024\\u007bwindow.top.__pwned=2\\u007d \\u003cimg src=x\\u003e" in page
    assert "cdn.jsdelivr" not in page and "code.jquery" not in page and "unpkg" not in page
    assert "/app/static/leaflet/leaflet.js" in page
    assert "unterversorgt" in page and "zu wenig Daten" in page
    assert not re.search(r"\{[{%#]", page.split("<script>", 1)[1])
