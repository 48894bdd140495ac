"""Roles in the app (AppTest): the public sees only public pages; login, throttling, logout, SSO."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from accounts.auth import CONSOLE, create_user, get_user, set_active, set_role
from storage.db import open_database, read_all_rows, session_scope
from storage.models_accounts import StaffSession

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60
PASSWORD = "richtig langes passwort"
PUBLIC_PAGES = [
    "app_pages/public_map.py",
    "app_pages/suggest.py",
    "app_pages/suggestion_status.py",
    "app_pages/login.py",
]
STAFF_PAGES = [
    "app_pages/catalogue.py", "app_pages/import_data.py", "app_pages/moderation.py", "app_pages/tasks.py",
]
GOOD_SECRET = "k3Jv9-Qz_7hTq2LmXo0pWc8RnYsAeB4u"
SIGNED_OUT = (
    "Sie wurden abgemeldet: zu lange nicht benutzt, anderswo abgemeldet, oder Ihr Konto wurde "
    "geändert oder deaktiviert. Bitte melden Sie sich erneut an."
)


@pytest.fixture
def db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    engine = open_database(sqlite_url)
    with session_scope(engine) as session:
        create_user(session, actor=CONSOLE, name="maria", role="manager", password=PASSWORD)
        create_user(session, actor=CONSOLE, name="sso-user", role="planner", email="Planer@Example.org")
    engine.dispose()
    return sqlite_url


def change(url: str, fn) -> None:
    engine = open_database(url)
    with session_scope(engine) as session:
        fn(session, get_user(session, name="maria").id)
    engine.dispose()


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def reachable(at: AppTest, page: str) -> bool:
    try:
        at.switch_page(page).run()
    except ValueError:  # AppTest refuses pages not registered for this role
        return False
    assert not at.exception, [e.value for e in at.exception]
    return True


def log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.switch_page("app_pages/login.py").run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button(key="FormSubmitter:login_form-Anmelden").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


def test_the_public_sees_only_public_pages(db: str) -> None:
    at = start()
    assert at.title[0].value == "Orte, die für mich offen sind"
    for page in PUBLIC_PAGES:
        assert reachable(at, page), page
    for page in STAFF_PAGES:
        assert not reachable(at, page), page


def test_moderation_page_cannot_be_opened_without_login(db: str) -> None:
    at = start()
    with pytest.raises(ValueError, match="moderation"):
        at.switch_page("app_pages/moderation.py")
    assert "Vorschläge moderieren" not in [t.value for t in at.title]


def test_login_with_the_right_password_opens_the_manager_pages(db: str) -> None:
    at = log_in(start(), "Maria", PASSWORD)
    # The staff start page opens; the login page is gone from the list.
    assert at.title[0].value != "Anmelden"
    assert "Angemeldet: maria (Quartiersmanagement)" in [
        c.value.replace("\\", "") for c in at.sidebar.caption
    ]
    assert reachable(at, "app_pages/moderation.py")
    assert at.title[0].value == "Vorschläge moderieren"
    assert not reachable(at, "app_pages/login.py")
    assert reachable(at, "app_pages/suggest.py")  # staff may use the resident pages too


@pytest.mark.parametrize(("name", "password"), [("maria", "falsches passwort!"), ("niemand", PASSWORD)])
def test_wrong_name_or_password_gives_one_generic_error(db: str, name: str, password: str) -> None:
    at = log_in(start(), name, password)
    assert errors(at) == ["Der Name oder das Passwort ist falsch."]
    assert not reachable(at, "app_pages/moderation.py")


def test_repeated_failures_are_slowed_down_with_the_wait_time(db: str) -> None:
    at = start()
    for _ in range(5):
        log_in(at, "maria", "falsches passwort!")
    log_in(at, "maria", PASSWORD)  # even the right password has to wait now
    [message] = errors(at)
    assert message.startswith("Zu viele fehlgeschlagene Anmeldungen. Bitte in ")
    assert "Sekunden" in message
    assert not reachable(at, "app_pages/moderation.py")


def test_a_role_change_signs_out_and_the_next_sign_in_has_the_new_role(db: str) -> None:
    at = log_in(start(), "maria", PASSWORD)
    assert reachable(at, "app_pages/moderation.py")
    change(db, lambda s, uid: set_role(s, actor=CONSOLE, user_id=uid, role="planner"))
    at.run()
    assert SIGNED_OUT in [w.value for w in at.sidebar.warning]
    assert not reachable(at, "app_pages/catalogue.py")
    log_in(at, "maria", PASSWORD)
    assert not reachable(at, "app_pages/moderation.py")
    assert reachable(at, "app_pages/catalogue.py")
    assert "Angemeldet: maria (Planung)" in [c.value.replace("\\", "") for c in at.sidebar.caption]


def test_a_deactivated_account_is_signed_out(db: str) -> None:
    at = log_in(start(), "maria", PASSWORD)
    change(db, lambda s, uid: set_active(s, actor=CONSOLE, user_id=uid, active=False))
    at.run()
    assert SIGNED_OUT in [w.value for w in at.sidebar.warning]
    assert not reachable(at, "app_pages/catalogue.py")


def test_a_sign_in_unused_for_the_idle_timeout_ends(db: str) -> None:
    at = log_in(start(), "maria", PASSWORD)
    engine = open_database(db)
    with session_scope(engine) as session:
        # As if the last click had been 61 minutes ago (ATLAS_SESSION_IDLE_MINUTES defaults to 60).
        session.execute(update(StaffSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=61)))
    engine.dispose()
    at.run()
    assert SIGNED_OUT in [w.value for w in at.sidebar.warning]
    assert not reachable(at, "app_pages/catalogue.py")


def test_the_idle_timeout_is_a_setting(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_SESSION_IDLE_MINUTES", "5")
    at = log_in(start(), "maria", PASSWORD)
    engine = open_database(db)
    with session_scope(engine) as session:
        session.execute(update(StaffSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=6)))
    engine.dispose()
    at.run()
    assert SIGNED_OUT in [w.value for w in at.sidebar.warning]


def staff_sessions(url: str) -> list[tuple]:
    engine = open_database(url)
    rows = read_all_rows(engine)["staff_sessions"]
    engine.dispose()
    return rows


def test_logout_returns_to_the_public_pages(db: str) -> None:
    at = log_in(start(), "maria", PASSWORD)
    assert len(staff_sessions(db)) == 1
    at.sidebar.button(key="logout").click().run()
    assert not at.exception
    assert staff_sessions(db) == []  # the token is revoked, not only forgotten by this tab
    assert SIGNED_OUT not in [w.value for w in at.sidebar.warning]
    assert at.title[0].value == "Orte, die für mich offen sind"
    assert not reachable(at, "app_pages/moderation.py")
    assert reachable(at, "app_pages/login.py")


def sso_app(secret: str | None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    auth = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "client_id": "atlas",
        "client_secret": "x",
    }
    if secret is not None:
        auth["cookie_secret"] = secret
    at.secrets["auth"] = auth
    if user is not None:
        at.user = user
    return at.run()


@pytest.mark.parametrize("secret", [None, "kurz", "a" * 40])
def test_sso_with_a_missing_or_weak_cookie_secret_refuses_to_start(db: str, secret: str | None) -> None:
    at = sso_app(secret)
    assert not at.exception
    assert (
        errors(at)[0]
        == "Die App startet nicht, weil die Anmeldung (Single Sign-on) unsicher eingerichtet ist."
    )
    assert "cookie_secret" in errors(at)[1]
    assert not at.title  # no page ran


def test_sso_maps_the_signed_in_email_to_its_role(db: str) -> None:
    at = sso_app(GOOD_SECRET, {"is_logged_in": True, "email": "planer@example.org"})
    assert not at.exception
    assert "Angemeldet: sso-user (Planung)" in [c.value.replace("\\", "") for c in at.sidebar.caption]
    assert reachable(at, "app_pages/catalogue.py")
    assert not reachable(at, "app_pages/moderation.py")


def test_sso_with_an_unknown_email_stays_public_with_a_message(db: str) -> None:
    at = sso_app(GOOD_SECRET, {"is_logged_in": True, "email": "fremd@example.org"})
    assert any("fremd@example.org" in w.value.replace("\\", "") for w in at.sidebar.warning)
    assert at.title[0].value == "Orte, die für mich offen sind"
    assert not reachable(at, "app_pages/catalogue.py")
