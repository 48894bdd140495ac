"""The gap map in headless Chromium: hexagons, legend, anchors, offline, and how it looks."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.auth import CONSOLE, create_user
from catalogue.importer import import_file
from storage.db import open_database, session_scope
from tests.browser_support import CHROMIUM, MAP_TIMEOUT_MS, log_in, map_frame, offline_page, running_app
from tests.conftest import need

pytestmark = pytest.mark.browser

SCREENSHOT = Path(tempfile.gettempdir()) / "atlas-gaps.png"
SCREENSHOT_WHEELCHAIR = Path(tempfile.gettempdir()) / "atlas-gaps-wheelchair.png"
PLANNER, PASSWORD = "pia", "ein langes passwort"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, extract_path) -> Iterator[str]:
    need(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("browser_gaps")
    url = f"sqlite:///{folder / 'atlas.db'}"
    engine = open_database(url)
    import_file(engine, path=extract_path("berlin"), area_name="Borsigwalde", actor=CONSOLE)
    with session_scope(engine) as session:
        create_user(session, actor=CONSOLE, name=PLANNER, role="planner", password=PASSWORD)
    engine.dispose()
    with running_app(url, folder / "streamlit.log") as base:
        yield base


@pytest.fixture
def gap_page(browser, app_url: str) -> Iterator:
    with offline_page(browser, app_url, viewport=(1400, 1900)) as page:
        log_in(page, PLANNER, PASSWORD)
        page.get_by_role("link", name="Versorgungslücken").click()
        page.get_by_role("heading", name="Versorgungslücken um Schulen und Kitas").wait_for(
            timeout=MAP_TIMEOUT_MS
        )
        yield page


def hexagon_count(frame) -> int:
    return frame.locator("path.leaflet-interactive").count()


def wait_for_hexagons(page, frame, minimum: int) -> int:
    page.wait_for_function(
        """(n) => {
            const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
            const d = f && f.contentDocument;
            return d && d.querySelectorAll('path.leaflet-interactive').length >= n;
        }""",
        arg=minimum,
        timeout=MAP_TIMEOUT_MS,
    )
    return hexagon_count(frame)


def test_gap_map_renders_offline_with_hexagons_legend_and_anchors(gap_page) -> None:
    page = gap_page
    frame = map_frame(page)
    hexagons = int(page.get_by_test_id("stMetricValue").first.inner_text())
    assert hexagons > 100
    # One path per hexagon plus one per place that counts.
    assert wait_for_hexagons(page, frame, hexagons) > hexagons
    legend = frame.locator(".atlas-legend").inner_text()
    for text in ("0–5 min", "5–10 min", "> 10 min – unterversorgt", "zu wenig Daten", "Schule", "Kita"):
        assert text in legend, text
    assert frame.locator("#atlas-hatch-underserved").count() == 1  # the hatch pattern is defined
    assert frame.locator(".atlas-anchor-school").count() >= 2  # in the map and in the legend
    assert "OpenStreetMap" in frame.locator(".leaflet-control-attribution").inner_text()
    grid = page.locator('[data-testid="stDataFrame"]').first.locator('[role="grid"]')
    grid.wait_for(state="attached", timeout=MAP_TIMEOUT_MS)
    assert int(grid.get_attribute("aria-rowcount")) > 10
    page.wait_for_timeout(500)  # let the tiles-free map settle before the picture
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert page.blocked == []


def test_a_wheelchair_gap_map_marks_not_enough_data_in_words(gap_page) -> None:
    page = gap_page
    frame = map_frame(page)
    wait_for_hexagons(page, frame, 100)
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Gruppe").click()
    page.get_by_role("option", name="Rollstuhlnutzende").click()
    page.get_by_test_id("stMetricValue").nth(1).get_by_text("0", exact=True).wait_for(timeout=MAP_TIMEOUT_MS)
    # The rerun swaps the map's frame; wait for one frame that shows dotted outlines ("not enough data").
    page.wait_for_function(
        """() => {
            const frames = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
            const d = frames.length === 1 && frames[0].contentDocument;
            return d && d.querySelectorAll('path.leaflet-interactive[stroke-dasharray="1 4"]').length > 0;
        }""",
        timeout=MAP_TIMEOUT_MS,
    )
    frame = map_frame(page)
    dotted = frame.locator('path.leaflet-interactive[stroke-dasharray="1 4"]')
    dotted.nth(dotted.count() // 2).hover(force=True)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    assert tooltip.inner_text().startswith("zu wenig Daten")
    page.screenshot(path=str(SCREENSHOT_WHEELCHAIR), full_page=True)
    assert page.blocked == []
