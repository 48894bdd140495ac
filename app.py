"""Begegnungsatlas – entry point: page config, offline map assets, language, navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from app_pages import ui
from catalogue.webmap import install_static_assets

STATIC_DIR = Path(__file__).resolve().parent / "static"


@st.cache_resource(show_spinner=False)
def _install_assets() -> bool:
    # Once per server process: Leaflet and jQuery served from /app/static instead of a CDN.
    install_static_assets(STATIC_DIR)
    return True


# Every page once: (script, title key, roles that may open it). A page missing from the list
# built for a role cannot be reached, by URL either. The first page a role may open is its start page.
PUBLIC, MANAGER, PLANNER, ADMIN = "public", "manager", "planner", "admin"
STAFF = (MANAGER, PLANNER, ADMIN)
PAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("app_pages/catalogue.py", "page.catalogue", STAFF),
    ("app_pages/import_data.py", "page.import", (MANAGER, ADMIN)),
)


def build_pages(role: str) -> list[StreamlitPage]:
    """The pages this role may open, built on every run (a role change applies at the next rerun).

    No page icons: a ``:material/…:`` page icon becomes a favicon fetched from fonts.gstatic.com
    (missing offline), and emoji show as empty boxes where no emoji font is installed.
    """
    allowed = [(path, key) for path, key, roles in PAGES if role in roles]
    return [st.Page(path, title=ui.t(key), default=i == 0) for i, (path, key) in enumerate(allowed)]


st.set_page_config(page_title=ui.t("app.title"), page_icon="🤝", layout="wide")
_install_assets()
ui.language_switch()
st.sidebar.caption(ui.t("app.caption"))
# Until login exists (issue 4) everyone works as a manager.
st.navigation(build_pages(MANAGER)).run()
