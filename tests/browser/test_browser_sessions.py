"""Staff sign-in in headless Chromium: it survives a reload and a new tab, and a sign-out ends it.

Streamlit starts a new session on every reload and in every tab; before the cookie, both landed
on the resident page. Uses the shared harness in ``browser_support``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from accounts.auth import CONSOLE, create_user
from storage.db import open_database, read_all_rows, session_scope
from tests.browser_support import CHROMIUM, MAP_TIMEOUT_MS, log_in, open_offline_page, running_app
from tests.conftest import need

pytestmark = pytest.mark.browser

PASSWORD = "ein sehr langes passwort"
COOKIE = "atlas_staff_session"
MODERATION = "Vorschläge moderieren"
PUBLIC_TITLE = "Orte, die für mich offen sind"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    need(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    url = f"sqlite:///{tmp_path_factory.mktemp('sessions') / 'atlas.db'}"
    engine = open_database(url)
    with session_scope(engine) as session:
        create_user(session, actor=CONSOLE, name="maria", role="manager", password=PASSWORD)
    engine.dispose()
    with running_app(url, tmp_path_factory.getbasetemp() / "streamlit-sessions.log") as base:
        yield base, url


def stored_sessions(url: str) -> list[tuple]:
    engine = open_database(url)
    try:
        return read_all_rows(engine)["staff_sessions"]
    finally:
        engine.dispose()


def heading(page, name: str) -> None:
    page.get_by_role("heading", name=name).first.wait_for(timeout=MAP_TIMEOUT_MS)


def signed_in(page) -> None:
    page.get_by_text("Angemeldet: maria (Quartiersmanagement)").wait_for(timeout=MAP_TIMEOUT_MS)
    page.get_by_role("button", name="Abmelden").wait_for(timeout=MAP_TIMEOUT_MS)


def public(page) -> None:
    heading(page, PUBLIC_TITLE)
    page.get_by_role("link", name="Anmelden (Team)").wait_for(timeout=MAP_TIMEOUT_MS)
    assert page.get_by_role("button", name="Abmelden").count() == 0
    assert page.get_by_role("link", name=MODERATION).count() == 0


def session_cookie(context) -> dict | None:
    found = [c for c in context.cookies() if c["name"] == COOKIE]
    return found[0] if found else None


def wait_for_cookie(page, present: bool) -> None:
    check = f"document.cookie.split('; ').some(c => c.startsWith('{COOKIE}=') && c.length > {len(COOKIE) + 1})"
    page.wait_for_function(f"() => {check} === {str(present).lower()}", timeout=MAP_TIMEOUT_MS)


def test_sign_in_survives_reload_and_new_tab_and_sign_out_ends_it(browser, app) -> None:
    base, db = app
    page = open_offline_page(browser, base, viewport={"width": 1300, "height": 1000})
    context = page.context
    try:
        public(page)
        log_in(page, "maria", PASSWORD)
        wait_for_cookie(page, True)
        cookie = session_cookie(context)
        assert cookie is not None
        assert cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/"
        assert cookie["secure"] is False  # served over plain http here; "Secure" over https
        assert 59 * 60 < cookie["expires"] - time.time() <= 60 * 60 + 5
        # Only the hash of the cookie's token is in the database.
        rows = stored_sessions(db)
        assert len(rows) == 1 and cookie["value"] not in repr(rows)

        # A reload on a staff page: still signed in, on that staff page.
        page.get_by_role("link", name=MODERATION).click()
        heading(page, MODERATION)
        page.reload()
        signed_in(page)
        heading(page, MODERATION)

        # A staff page's address opened in a new tab of the same browser.
        tab = context.new_page()
        tab.goto(f"{base}/moderation")
        signed_in(tab)
        heading(tab, MODERATION)

        # Sign out in the first tab: the cookie is cleared and the reload is public.
        page.get_by_role("button", name="Abmelden").click()
        public(page)
        wait_for_cookie(page, False)
        page.reload()
        public(page)
        assert stored_sessions(db) == []

        # Signed in again in the first tab; the second tab still holds the revoked sign-in:
        # its next click signs it out, and it must not clear the first tab's new cookie.
        log_in(page, "maria", PASSWORD)
        wait_for_cookie(page, True)
        renewed = session_cookie(context)
        assert renewed is not None and renewed["value"] != cookie["value"]
        tab.get_by_role("link", name="Orte für mich").click()
        public(tab)
        tab.get_by_text("Sie wurden abgemeldet").wait_for(timeout=MAP_TIMEOUT_MS)
        tab.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        assert session_cookie(context)["value"] == renewed["value"]
        page.reload()
        signed_in(page)

        # A copy of the old cookie, put back by hand, signs nobody in.
        context.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path", "sameSite")}])
        tab.goto(f"{base}/moderation")
        public(tab)
        assert page.blocked == []  # type: ignore[attr-defined]
    finally:
        context.close()


def test_a_forged_cookie_signs_nobody_in(browser, app) -> None:
    base, _ = app
    page = open_offline_page(browser, base, viewport={"width": 1300, "height": 1000})
    try:
        host = base.split("//", 1)[1].split(":", 1)[0]
        for value in ["A" * 43, "{{7*7}}", "x' OR '1'='1"]:
            page.context.add_cookies([{"name": COOKIE, "value": value, "domain": host, "path": "/"}])
            page.goto(f"{base}/moderation")
            public(page)
    finally:
        page.context.close()


def test_on_a_phone_the_sign_in_survives_a_reload(browser, app) -> None:
    # The sidebar is folded away on a phone and not rendered: the cookie is written anyway.
    base, _ = app
    page = open_offline_page(browser, f"{base}/login", viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page.get_by_role("textbox", name="Anmeldename").fill("maria")
        page.get_by_role("textbox", name="Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        heading(page, "Katalog der Orte der Begegnung")
        wait_for_cookie(page, True)
        page.reload()
        heading(page, "Katalog der Orte der Begegnung")
    finally:
        page.context.close()
