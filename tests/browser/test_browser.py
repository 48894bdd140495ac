"""The real app in headless Chromium: the map renders offline and names never run as script."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from accounts.auth import CONSOLE, create_user
from catalogue.importer import import_file
from catalogue.store import add_manual_place, list_areas
from exports.places import COLUMNS
from storage.db import open_database, session_scope
from tests.browser_support import (
    CHROMIUM,
    MAP_TIMEOUT_MS,
    log_in,
    map_count,
    map_frame,
    running_app,
    wait_idle,
    wait_single_map,
)
from tests.browser_support import offline_page as open_offline_page
from tests.conftest import need

pytestmark = pytest.mark.browser

DOLLAR_NAME = "Treff ${window.top.__pwned=2}"
IMG_NAME = '<img src=x onerror="window.top.__pwned=1">'
TEMPLATE_NAME = "Treff {{ 7*7 }} {% raw %} `${1+1}` END"
SCREENSHOT = Path(tempfile.gettempdir()) / "atlas-catalogue.png"
MANAGER, PASSWORD = "manager", "ein langes passwort"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, extract_path) -> Iterator[str]:
    need(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    db = tmp_path_factory.mktemp("browser") / "atlas.db"
    url = f"sqlite:///{db}"
    engine = open_database(url)
    import_file(engine, path=extract_path("berlin"), area_name="Borsigwalde", actor=CONSOLE)
    with session_scope(engine) as session:
        area = list_areas(session)[0]
        west, south, east, north = area.bbox
        mid_lat = (south + north) / 2
        add_manual_place(session, area_id=area.id, name=DOLLAR_NAME, category="cafe", lon=west + 0.3 * (east - west), lat=mid_lat, actor=CONSOLE)
        add_manual_place(session, area_id=area.id, name=IMG_NAME, category="cafe", lon=west + 0.7 * (east - west), lat=mid_lat, actor=CONSOLE)
        add_manual_place(session, area_id=area.id, name=TEMPLATE_NAME, category="cafe", lon=west + 0.5 * (east - west), lat=mid_lat, actor=CONSOLE)
        create_user(session, actor=CONSOLE, name=MANAGER, role="manager", password=PASSWORD)
    engine.dispose()

    with running_app(url, tmp_path_factory.getbasetemp() / "streamlit.log") as base:
        yield base


@pytest.fixture
def offline_page(browser, app_url: str) -> Iterator:
    """A page that can reach only the app; every other request is blocked and recorded."""
    with open_offline_page(browser, app_url) as page:
        # The catalogue is the manager's: sign in through the login page first.
        log_in(page, MANAGER, PASSWORD)
        yield page


def marker_count(frame) -> int:
    return frame.locator("path.leaflet-interactive").count()


def wait_for_markers(page, frame, predicate) -> int:
    """Poll until the (single, settled) map shows a marker count the predicate accepts."""
    deadline = time.monotonic() + MAP_TIMEOUT_MS / 1000
    while True:
        count = marker_count(frame) if map_count(page) == 1 else -1
        if (count >= 0 and predicate(count)) or time.monotonic() > deadline:
            return count
        page.wait_for_timeout(200)


def search(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Nach Namen suchen")
    box.fill(text)
    box.press("Enter")


def test_catalogue_map_renders_offline_with_markers_legend_and_table(offline_page) -> None:
    page = offline_page
    frame = map_frame(page)
    count = wait_for_markers(page, frame, lambda n: n > 50)
    assert count == 118  # 115 places of the extract + the three hand-entered ones
    legend = frame.locator(".atlas-legend")
    assert legend.is_visible()
    assert "Spielplatz" in legend.inner_text() and "Schule" in legend.inner_text()
    assert "OpenStreetMap" in frame.locator(".leaflet-control-attribution").inner_text()
    # The table beside the map: the keyboard and screen-reader way to the same places.
    # Its accessible grid counts every place plus the header row (only visible rows are in the DOM).
    grid = page.locator('[data-testid="stDataFrame"]').last.locator('[role="grid"]')
    grid.wait_for(state="attached", timeout=MAP_TIMEOUT_MS)
    assert grid.get_attribute("aria-rowcount") == "119"
    assert grid.locator('[role="row"]').count() > 10
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    # Leaflet, jQuery and the component came from the app: nothing even tried to go elsewhere.
    assert page.blocked == []


@pytest.mark.parametrize(
    ("name", "needle"), [(DOLLAR_NAME, "Treff $"), (IMG_NAME, "<img"), (TEMPLATE_NAME, "{{ 7*7")]
)
def test_hostile_names_show_as_text_and_never_run(offline_page, name: str, needle: str) -> None:
    page = offline_page
    frame = map_frame(page)
    wait_for_markers(page, frame, lambda n: n > 50)
    search(page, needle)
    assert wait_for_markers(page, frame, lambda n: n == 1) == 1
    marker = frame.locator("path.leaflet-interactive").first
    marker.hover()
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    assert tooltip.inner_text().startswith(name)
    marker.click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    assert popup.inner_text().splitlines()[0] == name
    # The click selected the place: its details show the name literally, as a heading.
    page.get_by_role("heading", name=name).wait_for(timeout=MAP_TIMEOUT_MS)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img[src=x]").count() == 0
    assert frame.locator("img[src=x]").count() == 0


def open_import_page(page) -> None:
    page.get_by_role("link", name="Daten importieren").click()
    page.get_by_role("heading", name="Daten importieren").wait_for(timeout=MAP_TIMEOUT_MS)


def upload_and_import(page, path: Path, area_name: str) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    # Uploaded: the box lists the file with its size (long names are shortened in the middle).
    size = re.compile(r"^\d+(\.\d+)?[KMG]?B$")
    page.locator('[data-testid="stFileUploader"]').get_by_text(size).wait_for(timeout=MAP_TIMEOUT_MS)
    # Typing then clicking: the text box commits its value on blur, before the click runs.
    page.get_by_role("textbox", name="Name des Gebiets").fill(area_name)
    page.get_by_role("button", name="Datei importieren").click()


def test_uploading_a_file_that_is_not_osm_says_so_and_imports_nothing(offline_page, tmp_path: Path) -> None:
    page = offline_page
    bad = tmp_path / "notizen.osm"
    bad.write_text("Einkaufsliste: Milch, Brot\n", encoding="utf-8")
    open_import_page(page)
    upload_and_import(page, bad, "Kaputt")
    alert = page.locator('[data-testid="stAlertContentError"]')
    alert.wait_for(timeout=MAP_TIMEOUT_MS)
    assert "notizen.osm" in alert.inner_text() and "keine OpenStreetMap-Daten" in alert.inner_text()
    page.get_by_text("Import fehlgeschlagen").wait_for()


def test_uploading_an_extract_imports_it_and_shows_the_summary(offline_page, extract_path) -> None:
    page = offline_page
    open_import_page(page)
    upload_and_import(page, extract_path("neuss"), "Neuss Innenstadt-Süd")
    page.get_by_text("Import abgeschlossen").wait_for(timeout=MAP_TIMEOUT_MS)
    summary = page.locator('[data-testid="stAlertContentSuccess"]').inner_text()
    assert summary.startswith("„Neuss Innenstadt-Süd“:") and "Orte" in summary
    page.get_by_text("Orte je Kategorie").wait_for(timeout=MAP_TIMEOUT_MS)  # drawn just after the summary
    page.get_by_role("link", name="Zum Katalog").click()
    # The catalogue opens on the area just imported.
    page.get_by_text(re.compile(r"^Neuss Innenstadt-Süd: \d+ Orte")).wait_for(timeout=MAP_TIMEOUT_MS)


def test_csv_download_holds_exactly_the_places_shown(offline_page, tmp_path: Path) -> None:
    page = offline_page
    frame = map_frame(page)
    wait_for_markers(page, frame, lambda n: n > 50)
    search(page, "spielplatz")
    # Wait for the rerun: the count drops below the total.
    shown = page.get_by_text(re.compile(r"^(?!118 )\d+ von 118 Orten angezeigt$"))
    shown.wait_for(timeout=MAP_TIMEOUT_MS)
    wait_idle(page)  # the download buttons below the table belong to the same run
    count = int(shown.inner_text().split()[0])
    assert 0 < count < 118
    with page.expect_download(timeout=MAP_TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="CSV (Excel)").click()
    target = tmp_path / "places.csv"
    download_info.value.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == count
    assert all("spielplatz" in row["name"].casefold() for row in rows)
    with page.expect_download(timeout=MAP_TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="Excel-Tabelle (XLSX)").click()
    workbook = tmp_path / "places.xlsx"
    download_info.value.save_as(workbook)
    sheet = openpyxl.load_workbook(workbook).active
    names = [row[COLUMNS.index("name")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(row["name"] for row in rows)


def test_clicking_the_empty_map_sets_the_location_of_a_new_place(offline_page) -> None:
    page = offline_page
    frame = map_frame(page)
    wait_for_markers(page, frame, lambda n: n > 50)
    search(page, "kein solcher Ort")
    assert wait_for_markers(page, frame, lambda n: n == 0) == 0
    wait_single_map(page)
    frame.locator(".leaflet-container").click(position={"x": 200, "y": 200})
    lat = page.get_by_role("spinbutton", name="Breite (lat)")
    lat.wait_for(timeout=MAP_TIMEOUT_MS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('input')].some(i => i.getAttribute('aria-label') === "
        "'Breite (lat)' && i.value !== '')",
        timeout=MAP_TIMEOUT_MS,
    )
    south, north = 52.57, 52.60
    lon = page.get_by_role("spinbutton", name="Länge (lon)")
    assert south < float(lat.input_value()) < north
    assert 13.28 < float(lon.input_value()) < 13.34
