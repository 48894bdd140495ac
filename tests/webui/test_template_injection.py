"""Text is data, never a template: hostile names on every map and in every printed map.

folium renders each element's script and branca compiles that output again as a Jinja template,
so a name such as ``{{ 7*7 }}`` that reaches any element's output runs on the server. These tests
feed template, script and mathtext payloads into every text that can reach a map (place names,
addresses, opening hours, tags, area names, suggestion texts, audit notes, legend labels, school
names), render the maps exactly as streamlit-folium does on the server, run the real pages under
AppTest, and assert the literal text everywhere and that nothing else happened.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from pathlib import Path

import folium
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest
from streamlit_folium import _get_header, _get_html, _get_map_string

from accounts.auth import CONSOLE, create_user
from audits.store import current_audit_version, save_audit
from audits.tasks import create_task
from catalogue.importer import import_file
from catalogue.store import list_areas, load_places
from exports.gaps import export_gaps
from gaps.graph import build_graph
from gaps.service import GapRequest, load_gap_inputs, run_gap_analysis
from storage.db import open_database, session_scope
from storage.models_catalogue import Area, Place
from suggestions.store import submit_suggestion
from tests.staff_support import sign_in
from webui.gap_webmap import build_gap_map
from webui.webmap import (
    MapPoint,
    MarkerStyle,
    build_legend_html,
    build_places_map,
    build_points_map,
    script_json,
)

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 90
# A directory the code-execution payload would create; unique per test run.
PWNED = Path("/tmp") / f"atlas-pwned-{uuid.uuid4().hex[:8]}"


def payloads(pwned: Path = PWNED) -> list[str]:
    return [
        "TIP{{ 7*7 }}END",
        "DIV{{ 1/0 }}END",
        "RAW{% raw %}END",
        "CMT{# x #}END",
        f"Stadtbibliothek {{{{ cycler.__init__.__globals__.os.makedirs('{pwned}', exist_ok=True) }}}}",
        "GLOB{{ cycler.__init__.__globals__ }}END",
        "Treff ${window.top.__pwned=2}",
        "Café `whoami` \\u0060",
        "</script><script>window.top.__pwned=3</script>",
        '<img src=x onerror="window.top.__pwned=1">',
        "Schule $\\undefinedcommand{x}$ 50%",
        "Grün & Co 'Çay Ocağı' \"مقهى الحي\"",
    ]


def server_render(m: folium.Map) -> str:
    """What streamlit-folium does with a map on the server, then folium's own whole-page HTML."""
    m.render()
    parts = [_get_map_string(m), _get_header(m), _get_html(m)]
    parts.append(m.get_root().render())
    return "\n".join(parts)


def data_strings(page: str) -> list[str]:
    """Every string of the map data (``var name = …;`` lines) as the browser parses it."""
    found: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for v in value:
                collect(v)
        elif isinstance(value, dict):
            for v in value.values():
                collect(v)

    for literal in re.findall(r"^\s*var (?:markers|cells|styles) = (.*);$", page, flags=re.MULTILINE):
        collect(json.loads(literal))
    for literal in re.findall(r"(?:innerHTML = |aria-label\", )(\".*?(?<!\\)\")", page):
        collect(json.loads(literal))
    return found


def assert_inert(page: str) -> None:
    assert not PWNED.exists()
    assert "TIP49END" not in page
    # No template construct survives in what the browser runs.
    assert not re.search(r"\{\{|\{%|\{#", page)
    assert "${window" not in page and "<img src=x" not in page and "<script>window" not in page


def test_every_payload_survives_the_places_map_literally() -> None:
    texts = payloads()
    places = [
        type("P", (), dict(id=i, name=n, category="cafe", lon=13.3 + i / 1000, lat=52.58, status="active",
                           missing_since=None, locator=None, ref=None))
        for i, n in enumerate(texts)
    ]
    # Unnamed places are labelled with the nearest street's name: OSM text as well.
    places += [
        type("P", (), dict(id=100 + i, name=None, category="cafe", lon=13.3 + i / 1000, lat=52.59, status="active",
                           missing_since=None, locator=n, ref=f"node/{i + 1}"))
        for i, n in enumerate(texts)
    ]  # fmt: skip
    styles = [MarkerStyle("open", texts[0], "#1a9850", texts[1]), MarkerStyle("unknown", texts[2], "#8c8c8c", "?", True)]
    page = server_render(
        build_places_map(
            places,
            lang="de",
            tile_url=None,
            colour_by={p.id: "open" for p in places},
            marker_styles=styles,
            legend_title=texts[4],
        )
    )
    assert_inert(page)
    strings = data_strings(page)
    for text in texts:
        assert any(s.startswith(text) for s in strings), text
        assert f"Café, {text}" in strings, text
    legend = "".join(strings)
    assert "TIP&#123;&#123; 7*7 &#125;&#125;END" in legend


def test_every_payload_survives_the_points_map_literally() -> None:
    texts = payloads()
    points = [MapPoint(13.3 + i / 1000, 52.58, text, texts[-1 - i], "#1a9850") for i, text in enumerate(texts)]
    page = server_render(
        build_points_map(
            points, legend_title=texts[0], legend_rows=[(t, "#1a9850") for t in texts], tile_url=None
        )
    )
    assert_inert(page)
    strings = data_strings(page)
    for text in texts:
        assert text in strings
    assert script_json(texts[0]) in page


@pytest.mark.parametrize("text", payloads())
def test_each_payload_alone_renders_as_data_on_the_server(text: str) -> None:
    page = server_render(build_points_map([MapPoint(13.3, 52.58, text, text, "#000")], legend_title=text,
                                          legend_rows=[(text, "#000")], tile_url=None))
    assert_inert(page)
    assert data_strings(page).count(text) >= 2


def test_legend_html_keeps_template_syntax_as_entities() -> None:
    html = build_legend_html(["cafe"], lang="de", styles=[MarkerStyle("x", "{% raw %}", "#000")], title="{{ 6*7 }}")
    assert "{" not in html and "&#123;&#123; 6*7 &#125;&#125;" in html


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory, extract_path) -> tuple[str, int, int]:
    """Berlin, with payloads as OSM names, addresses, hours and tags, a hostile suggestion and audit."""
    url = f"sqlite:///{tmp_path_factory.mktemp('inject') / 'atlas.db'}"
    engine = open_database(url)
    import_file(engine, actor=CONSOLE, path=extract_path("berlin"), area_name="Borsigwalde")
    texts = payloads()
    with session_scope(engine) as session:
        area = session.scalars(select(Area)).one()
        area.name = "Gebiet {{ 7*7 }} {% raw %}"
        rows = session.scalars(select(Place).where(Place.area_id == area.id).order_by(Place.id)).all()
        # Schools and Kitas (anchors, printed-map labels) first, then a spread of other places.
        ordered = [p for p in rows if p.category in ("school", "kita")] + [
            p for p in rows if p.category not in ("school", "kita")
        ]
        for i, place in enumerate(ordered[: 2 * len(texts)]):
            text = texts[i % len(texts)]
            place.name = text
            place.tags = {
                **place.tags,
                "name": text,
                "addr:street": text,
                "addr:housenumber": "{{ 1/0 }}",
                "opening_hours": "Mo-Fr {{ 7*7 }}",
                "description": "{% raw %}",
                "wheelchair": "yes",
            }
        # Unnamed places labelled after a hostile street name ("Spielplatz, {{ 7*7 }}").
        for i, place in enumerate(ordered[2 * len(texts) : 3 * len(texts)]):
            place.name = None
            place.locator = texts[i]
            place.tags = {k: v for k, v in place.tags.items() if k != "name"}
        manager = create_user(session, actor=CONSOLE, name="manager", role="manager", password="ein langes passwort")
        planner = create_user(session, actor=CONSOLE, name="pia", role="planner", password="ein langes passwort")
        west, south, east, north = area.bbox if hasattr(area, "bbox") else (area.west, area.south, area.east, area.north)
        for i, text in enumerate(texts[:6]):
            submit_suggestion(
                session,
                area_id=area.id,
                idempotency_key=f"inject-key-{i:04d}",
                client_key=f"inject-session-{i:04d}",
                name=text,
                category="community_centre",
                lon=west + (i + 1) * (east - west) / 8,
                lat=(south + north) / 2,
                description=texts[-1 - i],
            )
        target = ordered[0]
    with session_scope(engine) as session:
        save_audit(
            session,
            actor=CONSOLE, place_id=target.id,
            expected_version=current_audit_version(session, place_id=target.id),
            facts={"free_entry": "yes"},
            auditor="Prüferin {{ 7*7 }}",
            visit_date=date(2026, 11, 1),
            method="on_site",
            notes="Notiz {{ 1/0 }} {% raw %} ${window.top.__pwned=4} $\\undefinedcommand{x}$",
        )
    engine.dispose()
    return url, manager.id, planner.id, target.id


def open_as(url: str, user_id: int | None, page: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if user_id is not None:
        sign_in(at, user_id, url)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not PWNED.exists()
    shown = " ".join(str(getattr(e, "value", "")) for e in [*at.markdown, *at.caption, *at.error])
    assert "TIP49END" not in shown and "Gebiet 49" not in shown


def test_the_public_map_of_a_visitor_renders_hostile_osm_names_as_text(hostile_db, monkeypatch) -> None:
    url, _, _, _ = hostile_db
    at = open_as(url, None, "app_pages/public_map.py", monkeypatch)
    at.multiselect(key=next(m.key for m in at.multiselect)).set_value(["children", "wheelchair"]).run()
    no_errors(at)


def test_moderation_page_renders_hostile_suggestions_as_text(hostile_db, monkeypatch) -> None:
    url, manager, _, _ = hostile_db
    at = open_as(url, manager, "app_pages/moderation.py", monkeypatch)
    no_errors(at)


def test_catalogue_and_place_details_render_hostile_names_notes_and_tags_as_text(hostile_db, monkeypatch) -> None:
    url, manager, _, place_id = hostile_db
    at = open_as(url, manager, "app_pages/catalogue.py", monkeypatch)
    no_errors(at)
    at.selectbox(key="verdict_group").set_value("wheelchair").run()
    no_errors(at)
    at.selectbox(key="place_pick").set_value(place_id).run()
    no_errors(at)
    shown = " ".join(str(m.value) for m in at.markdown)
    assert "1/0" in shown  # the address with the payload is shown (as Markdown-escaped text)


def test_audit_page_renders_hostile_place_and_notes_as_text(hostile_db, monkeypatch) -> None:
    url, manager, _, place_id = hostile_db
    at = open_as(url, manager, "app_pages/audit.py", monkeypatch)
    no_errors(at)
    at.selectbox(key="audit_place").set_value(place_id).run()
    no_errors(at)


def test_tasks_page_renders_hostile_place_names_and_notes_as_text(hostile_db, monkeypatch) -> None:
    url, manager, _, place_id = hostile_db
    engine = open_database(url)
    with session_scope(engine) as session:
        task = create_task(session, actor=CONSOLE, place_id=place_id, note="Notiz {{ 1/0 }} {% raw %} ${window.top.__pwned=4}")
    engine.dispose()
    at = open_as(url, manager, "app_pages/tasks.py", monkeypatch)
    no_errors(at)
    at.selectbox(key="tasks_pick").set_value(task.id).run()
    no_errors(at)
    assert task.note in [t.value for t in at.text]


def test_gap_page_renders_hostile_school_and_place_names_as_text(hostile_db, monkeypatch) -> None:
    url, _, planner, _ = hostile_db
    at = open_as(url, planner, "app_pages/gaps.py", monkeypatch)
    no_errors(at)
    at.sidebar.selectbox(key="gaps_group").set_value("wheelchair").run()
    no_errors(at)


@pytest.fixture(scope="module")
def hostile_report(hostile_db):
    url, _, _, _ = hostile_db
    engine = open_database(url)
    with session_scope(engine, read_only=True) as session:
        area = list_areas(session)[0]
        inputs = load_gap_inputs(session, area_id=area.id)
        names = [p.name for p in load_places(session, area_id=area.id) if p.category in ("school", "kita")]
    engine.dispose()
    report = run_gap_analysis(
        build_graph(inputs.network),
        places=inputs.places,
        verdicts_by_place=inputs.verdicts_by_place,
        indicators=inputs.indicators,
        request=GapRequest(group="all"),
    )
    return report, names


def test_gap_map_server_rendering_keeps_names_literal(hostile_report) -> None:
    report, names = hostile_report
    page = server_render(build_gap_map(report, lang="de", tile_url=None))
    assert_inert(page)
    strings = " ".join(data_strings(page))
    for name in names:
        assert name in strings


@pytest.mark.parametrize("suffix", [".pdf", ".png"])
def test_printed_gap_map_prints_mathtext_and_template_names_literally(hostile_report, tmp_path: Path, suffix) -> None:
    report, names = hostile_report
    assert any("$\\undefinedcommand{x}$" in n for n in names)
    out = export_gaps(
        report,
        out=tmp_path / f"gaps{suffix}",
        area_name="Gebiet {{ 7*7 }} $\\undefinedcommand{x}$",
        params={"Notiz $\\frac{1}{0}$": "{% raw %} $x^2$"},
    )
    assert out.stat().st_size > 10_000
    assert not PWNED.exists()
    if suffix == ".pdf":
        # Text in the PDF is real text (fonttype 42): the literal dollars and braces are in it.
        import shutil
        import subprocess

        from tests.conftest import need

        need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is needed to read the PDF")
        text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
        assert "$\\undefinedcommand{x}$" in text
        assert "Gebiet {{ 7*7 }}" in text


def test_coverage_and_worklist_pages_render_hostile_names_as_text(hostile_db, monkeypatch) -> None:
    url, manager, planner, _ = hostile_db
    at = open_as(url, planner, "app_pages/coverage.py", monkeypatch)
    no_errors(at)
    at.selectbox(key="coverage_group").set_value("low_income").run()
    no_errors(at)
    at = open_as(url, manager, "app_pages/worklist.py", monkeypatch)
    no_errors(at)
    assert len(at.dataframe[0].value) > 0  # hostile school names stand in the reasons, as text
