"""The small Streamlit helper every page uses: language, the shared engine, texts, errors."""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st
from sqlalchemy import Engine

from catalogue import i18n
from catalogue.categories import CATEGORIES
from catalogue.errors import AtlasError
from catalogue.settings import Settings, load_settings
from catalogue.store import ImportSummary
from storage.db import open_database

LANG_KEY = "lang"
# Name of the area the catalogue shows (set by the area picker and after an import).
AREA_KEY = "area_name"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def get_lang() -> str:
    lang = st.session_state.get(LANG_KEY, i18n.DEFAULT_LANGUAGE)
    return lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def t(key: str, **params: object) -> str:
    """``catalogue.i18n.t`` in the user's language."""
    return i18n.t(key, get_lang(), **params)


def language_switch() -> str:
    """The sidebar language choice (once, in app.py); returns the chosen language."""
    st.sidebar.radio(
        i18n.t("app.language", get_lang()),
        options=list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        key=LANG_KEY,
        horizontal=True,
    )
    return get_lang()


def get_settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return open_database(url)


def get_engine() -> Engine:
    """The migrated engine for ``DATABASE_URL``: created once per URL and shared by all sessions."""
    return _engine_for(get_settings().database_url)


def show_error(err: AtlasError) -> None:
    # Messages quote user input (file and place names): shown literally, never as Markdown.
    st.error(md(err.message(get_lang())))


def md(text: object) -> str:
    """Untrusted text (OSM or resident names) made literal for Streamlit's Markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def run_import(action: Callable[[], ImportSummary]) -> ImportSummary | None:
    """Run an import under a status box; then show its summary, or the AtlasError it raised."""
    error: AtlasError | None = None
    summary: ImportSummary | None = None
    with st.status(t("import.running"), expanded=False) as status:
        try:
            summary = action()
        except AtlasError as err:
            error = err
        status.update(
            label=t("import.failed") if error else t("import.finished"),
            state="error" if error else "complete",
        )
    # Outside the status box, which users may have collapsed: results must stay in view.
    if error is not None:
        show_error(error)
        return None
    assert summary is not None
    show_import_summary(summary)
    # The catalogue opens on the area just imported.
    st.session_state[AREA_KEY] = summary.area
    return summary


def import_summary_text(summary: ImportSummary) -> str:
    return t(
        "import.summary",
        area=summary.area,
        places=summary.places,
        seconds=summary.seconds,
        new=summary.new,
        updated=summary.updated,
        missing=summary.missing,
    )


def show_import_summary(summary: ImportSummary) -> None:
    lang = get_lang()
    st.success(md(import_summary_text(summary)))
    st.write(
        t(
            "import.anchors",
            schools=summary.schools,
            kitas=summary.kitas,
            nodes=f"{summary.network_nodes:,}".replace(",", "." if lang == "de" else ","),
            edges=f"{summary.network_edges:,}".replace(",", "." if lang == "de" else ","),
        )
    )
    rows = [
        {t("col.category"): c.label(lang), t("import.count"): summary.by_category.get(c.id, 0)}
        for c in CATEGORIES
    ]
    st.caption(t("import.per_category"))
    st.dataframe(rows, hide_index=True, width="content")
