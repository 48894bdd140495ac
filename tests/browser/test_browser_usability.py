"""First-week faults only a browser shows: the audit map keeps its framing after a save, and the
add-place form does not bring back the last place's values (headless Chromium, real app)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from accounts.auth import CONSOLE, create_user
from catalogue.importer import import_file
from catalogue.store import list_areas
from storage.db import open_database, session_scope
from tests.browser_support import CHROMIUM, MAP_TIMEOUT_MS, log_in, map_frame, running_app, wait_idle
from tests.browser_support import offline_page as open_offline_page
from tests.conftest import need
from webui.webmap import compute_view_for_bbox

pytestmark = pytest.mark.browser

MANAGER, PASSWORD = "maria", "ein sehr langes passwort"
LEAFLET_VIEW = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    return map ? {zoom: map.getZoom(), lat: map.getCenter().lat, lng: map.getCenter().lng} : null;
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, extract_path) -> Iterator[tuple[str, tuple]]:
    need(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    url = f"sqlite:///{tmp_path_factory.mktemp('usability') / 'atlas.db'}"
    engine = open_database(url)
    import_file(engine, actor=CONSOLE, path=extract_path("berlin"), area_name="Borsigwalde")
    with session_scope(engine) as session:
        create_user(session, actor=CONSOLE, name=MANAGER, role="manager", password=PASSWORD)
        bbox = list_areas(session)[0].bbox
    engine.dispose()
    with running_app(url, tmp_path_factory.getbasetemp() / "streamlit-usability.log") as base:
        yield base, bbox


@pytest.fixture
def page(browser, app) -> Iterator:
    with open_offline_page(browser, app[0]) as page:
        log_in(page, MANAGER, PASSWORD)
        yield page


def leaflet_view(page) -> dict | None:
    """Zoom and centre of the (single) folium map, read inside its iframe; None while it loads."""
    frames = [f for f in page.frames if "streamlit_folium" in f.url and not f.is_detached()]
    if len(frames) != 1:
        return None
    try:
        return frames[0].evaluate(LEAFLET_VIEW)
    except Exception:  # noqa: BLE001 - the frame was replaced while we asked: ask again
        return None


def wait_for_view(page) -> dict:
    page.wait_for_function(
        """() => [...document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')].length === 1""",
        timeout=MAP_TIMEOUT_MS,
    )
    deadline_ms, waited = MAP_TIMEOUT_MS, 0
    while waited < deadline_ms:
        view = leaflet_view(page)
        if view is not None:
            return view
        page.wait_for_timeout(200)
        waited += 200
    raise AssertionError("the map never reported its view")


def test_the_audit_map_stays_on_the_area_after_saving(page, app) -> None:
    expected = compute_view_for_bbox(app[1], height_px=420)
    page.get_by_role("link", name="Ort prüfen").click()
    map_frame(page).locator(".leaflet-container").wait_for(timeout=MAP_TIMEOUT_MS)
    assert wait_for_view(page)["zoom"] == expected.zoom
    page.get_by_role("combobox", name=re.compile("^Ort")).first.click()
    page.get_by_role("option").nth(3).click()
    wait_idle(page)
    page.get_by_role("button", name="Prüfung speichern").click()
    page.get_by_text(re.compile(r"Prüfung als Version 1 gespeichert")).wait_for(timeout=MAP_TIMEOUT_MS)
    wait_idle(page)
    # The map was redrawn inside the closed expander; open it and look.
    page.get_by_text("Ort auf der Karte wählen").first.click()
    map_frame(page).locator(".leaflet-container").wait_for(state="visible", timeout=MAP_TIMEOUT_MS)
    page.wait_for_timeout(500)  # let Leaflet settle after the expander opened
    view = wait_for_view(page)
    assert view["zoom"] == expected.zoom, view  # was 0: the whole world
    west, south, east, north = app[1]
    assert south <= view["lat"] <= north and west <= view["lng"] <= east


def test_after_add_and_close_the_add_form_is_empty_in_the_browser(page) -> None:
    add_form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name="Ort hinzufügen"))
    page.get_by_text("Ort ergänzen, der in OSM fehlt").click()
    add_form.get_by_role("textbox", name="Name").fill("Treff im Browser")
    add_form.get_by_role("spinbutton", name="Breite (lat)").fill("52.5851")
    add_form.get_by_role("spinbutton", name="Länge (lon)").fill("13.3101")
    add_form.get_by_role("button", name="Ort hinzufügen").click()
    page.get_by_text("„Treff im Browser“ wurde hinzugefügt.").wait_for(timeout=MAP_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_role("button", name="Als geschlossen markieren").click()
    page.get_by_text("„Treff im Browser“ ist als geschlossen markiert.").wait_for(timeout=MAP_TIMEOUT_MS)
    wait_idle(page)
    # The browser used to keep (and send back) the last name and coordinates.
    if not add_form.get_by_role("textbox", name="Name").is_visible():
        page.get_by_text("Ort ergänzen, der in OSM fehlt").click()
    assert add_form.get_by_role("textbox", name="Name").input_value() == ""
    assert add_form.get_by_role("spinbutton", name="Breite (lat)").input_value() == ""
    assert add_form.get_by_role("spinbutton", name="Länge (lon)").input_value() == ""
