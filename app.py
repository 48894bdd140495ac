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


def build_pages() -> list[StreamlitPage]:
    """The pages this user may open; later issues make this depend on the role.

    No page icons: a ``:material/…:`` page icon becomes a favicon fetched from fonts.gstatic.com
    (missing offline), and emoji show as empty boxes where no emoji font is installed.
    """
    return [
        st.Page("app_pages/catalogue.py", title=ui.t("page.catalogue"), default=True),
        st.Page("app_pages/import_data.py", title=ui.t("page.import")),
    ]


st.set_page_config(page_title=ui.t("app.title"), page_icon="🤝", layout="wide")
_install_assets()
ui.language_switch()
st.sidebar.caption(ui.t("app.caption"))
st.navigation(build_pages()).run()
