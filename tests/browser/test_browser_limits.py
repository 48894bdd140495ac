"""The suggestion limit survives a browser reload (issue 8): headless Chromium, the real app.

The page writes a random client key into a cookie; after a reload Streamlit opens a new session,
reads the cookie and counts the browser's earlier suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.auth import CONSOLE
from catalogue.importer import import_file
from catalogue.store import get_area
from storage.db import open_database, session_scope
from suggestions.store import RATE_LIMIT_PER_HOUR, submit_suggestion
from tests.browser_support import CHROMIUM, MAP_TIMEOUT_MS, open_offline_page, running_app
from tests.conftest import need

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "merge_park_cut.osm"
LAT, LON = 51.2015, 6.6870  # inside the fixture's bounds


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    need(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    url = f"sqlite:///{tmp_path_factory.mktemp('limits') / 'atlas.db'}"
    engine = open_database(url)
    import_file(engine, actor=CONSOLE, path=FIXTURE, area_name="Cut")
    engine.dispose()
    with running_app(url, tmp_path_factory.getbasetemp() / "streamlit-limits.log") as base:
        yield base, url


def open_suggest(page) -> None:
    page.get_by_role("link", name="Ort vorschlagen", exact=True).click()
    page.get_by_role("heading", name="Ort vorschlagen").first.wait_for(timeout=MAP_TIMEOUT_MS)


def client_cookie(page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == "atlas_client"), None)


def test_the_limit_holds_after_a_reload(browser, app: tuple[str, str]) -> None:
    base, db_url = app
    page = open_offline_page(browser, base)
    open_suggest(page)
    page.wait_for_function("() => document.cookie.includes('atlas_client=')", timeout=MAP_TIMEOUT_MS)
    cookie = client_cookie(page)
    assert cookie is not None and cookie["sameSite"] == "Strict" and cookie["expires"] > 0
    key = cookie["value"]

    # This browser has already sent its hour's worth.
    engine = open_database(db_url)
    with session_scope(engine) as session:
        area_id = get_area(session, name="Cut").id
        for i in range(RATE_LIMIT_PER_HOUR):
            submit_suggestion(
                session, area_id=area_id, idempotency_key=f"earlier-{i:02d}", client_key=key,
                name=f"Treff {i}", category="cafe", lon=LON, lat=LAT,
            )  # fmt: skip
    engine.dispose()

    page.reload()
    open_suggest(page)
    page.get_by_role("spinbutton", name=re.compile("^Breite")).fill(str(LAT))
    page.get_by_role("spinbutton", name=re.compile("^Länge")).fill(str(LON))
    page.get_by_role("textbox", name="Name des Ortes").fill("Noch ein Treff")
    page.get_by_role("button", name="Weiter").click()
    page.get_by_text(re.compile(f"{RATE_LIMIT_PER_HOUR} Vorschläge geschickt")).wait_for(timeout=MAP_TIMEOUT_MS)
    assert client_cookie(page)["value"] == key  # read back, not replaced
    assert page.blocked == []
    page.context.close()
