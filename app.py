"""Begegnungsatlas – entry point: page config, offline map assets, language, navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from accounts import auth
from accounts.auth import (
    ROLE_BY_ID,
    Actor,
    SsoConfigError,
    actor_for_email,
    check_sso_secrets,
)
from base.i18n import N_
from catalogue.uploads import clean_stale_uploads
from storage.db import database_problems, session_scope
from suggestions.maintenance import MaintenanceReport, run_maintenance
from webui import staff_session, ui
from webui.upload_gate import set_upload_allowed
from webui.webmap import install_static_assets

STATIC_DIR = Path(__file__).resolve().parent / "static"


@st.cache_resource(show_spinner=False)
def _install_assets() -> bool:
    # Once per server process: Leaflet and jQuery served from /app/static instead of a CDN,
    # and what a crashed server left of uploaded extracts removed.
    install_static_assets(STATIC_DIR)
    clean_stale_uploads(ui.get_settings().upload_dir)
    return True


@st.cache_resource(show_spinner=False)
def _maintenance_once(database_url: str) -> MaintenanceReport:
    # Once per server process and database: old reply e-mails and login attempts go
    # (cron can run ``python -m audits maintenance`` daily for servers that run for weeks).
    with session_scope(ui.get_engine()) as session:
        return run_maintenance(session, contact_days=ui.get_settings().contact_days)


# Every page once: (script, title message, roles that may open it). A page missing from the list
# built for a role cannot be reached, by URL either. The first page a role may open is its start page.
PUBLIC, MANAGER, PLANNER, ADMIN = "public", "manager", "planner", "admin"
STAFF = (MANAGER, PLANNER, ADMIN)
EVERYONE = (PUBLIC, *STAFF)
IMPORT_PAGE = "app_pages/import_data.py"
PAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("app_pages/catalogue.py", N_("Catalogue"), STAFF),
    # The audit cycle: what to visit first, the tasks, the visit, and how much is known.
    ("app_pages/worklist.py", N_("Audit worklist"), (MANAGER, ADMIN)),
    ("app_pages/tasks.py", N_("Audit tasks"), (MANAGER, ADMIN)),
    ("app_pages/audit.py", N_("Audit a place"), (MANAGER, ADMIN)),
    ("app_pages/coverage.py", N_("Audit coverage"), (PLANNER, MANAGER, ADMIN)),
    (IMPORT_PAGE, N_("Import data"), (MANAGER, ADMIN)),
    ("app_pages/moderation.py", N_("Moderate suggestions"), (MANAGER, ADMIN)),
    ("app_pages/gaps.py", N_("Gap map"), (PLANNER, MANAGER, ADMIN)),
    # Resident pages (no login), in five languages; staff may open them too.
    ("app_pages/public_map.py", N_("Places for me"), EVERYONE),
    ("app_pages/suggest.py", N_("Suggest a place"), EVERYONE),
    ("app_pages/suggestion_status.py", N_("Track a suggestion"), EVERYONE),
    ("app_pages/login.py", N_("Sign in (staff)"), (PUBLIC,)),
)


def allow_uploads(allowed: bool) -> None:
    ctx = get_script_run_ctx()
    if ctx is not None:
        set_upload_allowed(ctx.session_id, allowed)


def build_pages(role: str) -> list[StreamlitPage]:
    """The pages this role may open, built on every run (a role change applies at the next rerun).

    No page icons: a ``:material/…:`` page icon becomes a favicon fetched from fonts.gstatic.com
    (missing offline), and emoji show as empty boxes where no emoji font is installed.
    """
    allowed = [(path, key) for path, key, roles in PAGES if role in roles]
    return [st.Page(path, title=ui.t(key), default=i == 0) for i, (path, key) in enumerate(allowed)]


def sso_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (single sign-on)."""
    return st.secrets.load_if_toml_exists() and bool(st.secrets.get("auth"))


def resolve_actor() -> Actor:
    """Who is using the app, read from the database on every run: a deactivated account or a
    role change ends a password sign-in at once. The session and a cookie keep only a random
    token (``webui.staff_session``), so a reload or a new tab stays signed in; SSO keeps
    Streamlit's own cookie."""
    engine = ui.get_engine()
    if sso_configured() and st.user.is_logged_in:
        email = st.user.get("email")
        with session_scope(engine, read_only=True) as session:
            actor = actor_for_email(session, email if isinstance(email, str) else None)
        if actor is not None:
            return actor
        st.sidebar.warning(ui.md(ui.t("The address {email} belongs to no active account. You see the public pages; please ask an administrator.", email=email or "?")))
        return auth.PUBLIC
    actor, ended = staff_session.resolve()
    if actor is not None:
        return actor
    if ended:
        st.sidebar.warning(ui.t("You have been signed out: unused for too long, signed out elsewhere, or your account was changed or deactivated. Please sign in again."))
    return auth.PUBLIC


def account_box(actor: Actor) -> None:
    """Who is signed in, and the sign-out button (also for an SSO user without an account)."""
    sso_user = sso_configured() and st.user.is_logged_in
    if actor.is_public and not sso_user:
        return
    if not actor.is_public:
        role = ROLE_BY_ID[actor.role].label(ui.get_lang())
        st.sidebar.caption(ui.md(ui.t("Signed in: {name} ({role})", name=actor.name, role=role)))
    if st.sidebar.button(ui.t("Sign out"), key="logout"):
        staff_session.sign_out()
        st.session_state.pop(ui.ACTOR_KEY, None)
        st.session_state[ui.HOME_KEY] = True
        if sso_user:
            st.logout()
        st.rerun()


st.set_page_config(page_title=ui.t("Begegnungsatlas"), page_icon="🤝", layout="wide")
_install_assets()
_maintenance_once(ui.get_settings().database_url)
ui.language_switch()
ui.apply_text_direction()
if sso_configured():
    try:
        check_sso_secrets(st.secrets.to_dict())
    except SsoConfigError as err:
        # Refuse to run with a guessable session cookie; the message says how to fix it.
        st.error(ui.t("The app does not start because single sign-on is set up unsafely."))
        ui.show_error(err)
        st.stop()
current = resolve_actor()
st.session_state[ui.ACTOR_KEY] = current
# Only sessions that may open the import page may upload files to the server (serve.py).
allow_uploads(current.role in next(roles for path, _, roles in PAGES if path == IMPORT_PAGE))
account_box(current)
st.sidebar.caption(ui.t("Places of encounter in the neighbourhood – data © OpenStreetMap contributors (ODbL)"))
pages = build_pages(current.role)
page = st.navigation(pages)
staff_session.render_cookie()
if not current.is_public or page.url_path == "login":
    # A deleted or replaced database file, or an empty one where data was: staff must know – on
    # the login page too, since an empty database has no accounts to sign in with.
    for problem in database_problems(ui.get_engine()):
        st.error(ui.md(problem.message(ui.get_lang())))
if st.session_state.pop(ui.HOME_KEY, False):
    # After signing in or out: the start page of the new role, not whatever page was open.
    st.switch_page(pages[0])
page.run()
