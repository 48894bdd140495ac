"""Residents and moderators in headless Chromium: hostile names stay text from suggestion to map.

Uses the shared harness in ``browser_support`` (free port, health polling, Chromium, every
non-local request blocked).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.auth import CONSOLE, create_user
from catalogue.importer import import_file
from storage.db import open_database, session_scope
from tests.browser_support import CHROMIUM, MAP_TIMEOUT_MS, log_in, map_frame, open_offline_page, running_app
from tests.conftest import need

pytestmark = pytest.mark.browser

IMG_NAME = '<img src=x onerror="window.top.__pwned=1">'
DOLLAR_NAME = "Treff ${window.top.__pwned=2} `am` Park"
TEMPLATE_NAME = "Treff {{ 7*7 }} {% raw %} pwned"
PASSWORD = "ein sehr langes passwort"
PHONE_SHOT = Path(tempfile.gettempdir()) / "atlas-suggest-phone.png"
PHONE_SHOT_AR = Path(tempfile.gettempdir()) / "atlas-suggest-phone-ar.png"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, extract_path) -> Iterator[str]:
    need(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    db = tmp_path_factory.mktemp("issue4") / "atlas.db"
    url = f"sqlite:///{db}"
    engine = open_database(url)
    import_file(engine, path=extract_path("berlin"), area_name="Borsigwalde", actor=CONSOLE)
    with session_scope(engine) as session:
        create_user(session, actor=CONSOLE, name="maria", role="manager", password=PASSWORD)
    engine.dispose()
    with running_app(url, tmp_path_factory.getbasetemp() / "streamlit-issue4.log") as base:
        yield base


def heading(page, name: str) -> None:
    page.get_by_role("heading", name=name).first.wait_for(timeout=MAP_TIMEOUT_MS)


def nav(page, label: str, title: str) -> None:
    page.get_by_role("link", name=label, exact=True).click()
    heading(page, title)


def folium_frame(page):
    """The map iframe as a Frame (to run script in it); waits until Leaflet has drawn markers."""
    map_frame(page).locator(".leaflet-container").wait_for(timeout=MAP_TIMEOUT_MS)
    frames = [f for f in page.frames if "streamlit_folium" in f.url and not f.is_detached()]
    assert len(frames) == 1, [f.url for f in page.frames]
    return frames[0]


def tooltips_with(page, needle: str) -> list[str]:
    """Open the tooltips whose (escaped) content mentions ``needle``; return their shown text."""
    frame = folium_frame(page)
    frame.wait_for_function("() => document.querySelectorAll('path.leaflet-interactive').length > 0")
    frame.evaluate(
        """needle => {
            const map = Object.values(window).find(v => v instanceof L.Map);
            map.eachLayer(l => {
                const tip = l.getTooltip && l.getTooltip();
                if (tip && String(tip.getContent()).includes(needle)) { l.openTooltip(); }
            });
        }""",
        needle,
    )
    return [t.inner_text() for t in map_frame(page).locator(".leaflet-tooltip").all()]


def suggest(page, name: str, *, click_map: bool, lat: float = 52.5860, lon: float = 13.3120) -> str:
    heading(page, "Ort vorschlagen")
    if click_map:
        map_frame(page).locator(".leaflet-container").click(position={"x": 180, "y": 160})
        page.wait_for_function(
            "() => [...document.querySelectorAll('input')].some(i => i.getAttribute('aria-label') "
            "&& i.getAttribute('aria-label').startsWith('Breite') && i.value !== '')",
            timeout=MAP_TIMEOUT_MS,
        )
    else:
        page.get_by_role("spinbutton", name=re.compile("^Breite")).fill(str(lat))
        page.get_by_role("spinbutton", name=re.compile("^Länge")).fill(str(lon))
    page.get_by_role("textbox", name="Name des Ortes").fill(name)
    page.get_by_role("textbox", name="Beschreibung (freiwillig)").fill(f"Beschreibung: {name}")
    page.get_by_role("button", name="Weiter").click()
    page.get_by_text("Danke! Ihr Vorschlag ist angekommen.").wait_for(timeout=MAP_TIMEOUT_MS)
    code = page.locator("h2").filter(has_text=re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}$")).first.inner_text()
    return code.strip()


def assert_not_pwned(page) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img[src=x]").count() == 0


def test_hostile_suggestions_stay_text_from_resident_to_moderator_to_map(browser, app_url: str) -> None:
    page = open_offline_page(browser, app_url, viewport={"width": 1300, "height": 1500})
    heading(page, "Orte, die für mich offen sind")
    nav(page, "Ort vorschlagen", "Ort vorschlagen")
    first = suggest(page, IMG_NAME, click_map=True)
    page.get_by_role("button", name="Noch einen Ort vorschlagen").click()
    second = suggest(page, DOLLAR_NAME, click_map=False)
    page.get_by_role("button", name="Noch einen Ort vorschlagen").click()
    third = suggest(page, TEMPLATE_NAME, click_map=False)
    assert len({first, second, third}) == 3
    assert_not_pwned(page)

    # The manager signs in through the form and opens the queue.
    log_in(page, "maria", PASSWORD)
    page.get_by_text("Angemeldet: maria").wait_for(timeout=MAP_TIMEOUT_MS)
    nav(page, "Vorschläge moderieren", "Vorschläge moderieren")
    page.get_by_text("3 offene Vorschläge").wait_for(timeout=MAP_TIMEOUT_MS)
    shown = tooltips_with(page, "pwned")
    assert sorted(shown) == sorted(
        [f"{IMG_NAME} – {first} · Nachbarschafts- und Stadtteilzentrum",
         f"{DOLLAR_NAME} – {second} · Nachbarschafts- und Stadtteilzentrum",
         f"{TEMPLATE_NAME} – {third} · Nachbarschafts- und Stadtteilzentrum"]
    ), shown  # fmt: skip
    page.get_by_role("button", name="Alle auswählen").click()
    approve = page.get_by_role("button", name="In den Katalog aufnehmen (3)")
    approve.wait_for(timeout=MAP_TIMEOUT_MS)
    options = page.locator('[data-testid="stMultiSelect"]').inner_text()
    assert f"{first} – {IMG_NAME}" in options and f"{second} – {DOLLAR_NAME}" in options
    assert f"{third} – {TEMPLATE_NAME}" in options
    approve.click()
    page.get_by_text("3 Vorschläge aufgenommen").wait_for(timeout=MAP_TIMEOUT_MS)
    assert_not_pwned(page)

    # The public map shows both (not audited yet: "not checked yet") with the names as text.
    nav(page, "Orte für mich", "Orte, die für mich offen sind")
    page.get_by_role("combobox", name="Für wen soll der Ort offen sein?").click()
    page.get_by_role("option", name="Rollstuhlnutzende").click()
    page.keyboard.press("Escape")
    page.get_by_role("tab", name=re.compile(r"^noch nicht geprüft \(\d+\)")).wait_for(timeout=MAP_TIMEOUT_MS)
    shown = tooltips_with(page, "pwned")
    assert len(shown) == 3, shown
    assert any(t.startswith(TEMPLATE_NAME + " – ") for t in shown), shown
    assert any(t.startswith(IMG_NAME + " – ") for t in shown), shown
    assert any(t.startswith(DOLLAR_NAME + " – ") for t in shown), shown
    assert_not_pwned(page)

    # The resident's status page shows the outcome, and the name literally.
    nav(page, "Vorschlag verfolgen", "Vorschlag verfolgen")
    box = page.get_by_role("textbox", name=re.compile("^Code"))
    box.fill(second)
    page.get_by_role("button", name="Status ansehen").click()
    page.get_by_text("Angenommen: Der Ort ist jetzt im Atlas. Danke!").wait_for(timeout=MAP_TIMEOUT_MS)
    heading(page, f"Vorschlag „{DOLLAR_NAME}“")
    assert_not_pwned(page)
    assert page.blocked == []


def test_moderation_page_by_url_without_login_is_not_shown(browser, app_url: str) -> None:
    page = open_offline_page(browser, f"{app_url}/moderation", viewport={"width": 1300, "height": 1000})
    heading(page, "Orte, die für mich offen sind")
    assert page.get_by_role("heading", name="Vorschläge moderieren").count() == 0
    assert page.get_by_role("link", name="Vorschläge moderieren").count() == 0


@pytest.mark.parametrize(("lang", "shot"), [("de", PHONE_SHOT), ("ar", PHONE_SHOT_AR)])
def test_suggest_page_fits_a_phone_screen(browser, app_url: str, lang: str, shot: Path) -> None:
    page = open_offline_page(
        browser, f"{app_url}/suggest", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    heading(page, "Ort vorschlagen")
    if lang == "ar":
        page.get_by_role("combobox", name=re.compile("^Sprache")).click()
        page.get_by_role("option", name="العربية").click()
        heading(page, "اقترح مكانًا")
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('[data-testid=stMain]')).direction === 'rtl'",
            timeout=MAP_TIMEOUT_MS,
        )
    map_frame(page).locator(".leaflet-container").wait_for(timeout=MAP_TIMEOUT_MS)
    page.screenshot(path=str(shot), full_page=True)
    # The form below the map: the app scrolls inside its main container.
    page.locator('[data-testid="stFormSubmitButton"] button').scroll_into_view_if_needed()
    page.screenshot(path=str(shot.with_name(shot.stem + "-form.png")))
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.blocked == []
