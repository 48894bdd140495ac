"""The small Streamlit helper every page uses: language, the shared engine, texts, errors."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date, datetime

import streamlit as st
from sqlalchemy import Engine

from accounts.auth import PUBLIC, Actor
from base import i18n
from base.errors import AtlasError
from base.i18n import N_
from base.settings import Settings, load_settings
from catalogue.categories import CATEGORIES, category_label
from catalogue.store import AreaInfo, ImportSummary, list_areas, preferred_area
from storage.db import open_database, session_scope

LANG_KEY = "lang"
# The download buttons' labels, one per export format.
DOWNLOAD_LABELS: dict[str, str] = {
    "gpkg": N_("GeoPackage (QGIS)"),
    "geojson": N_("GeoJSON"),
    "csv": N_("CSV (Excel)"),
    "xlsx": N_("Excel workbook (XLSX)"),
    "pdf": N_("PDF (A4)"),
    "png": N_("PNG (A4)"),
}
# Name of the area the catalogue shows (set by the area picker and after an import).
AREA_KEY = "area_name"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def get_lang() -> str:
    lang = st.session_state.get(LANG_KEY, i18n.DEFAULT_LANGUAGE)
    return lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def t(key: str, /, **params: object) -> str:
    """``base.i18n.t`` in the user's language."""
    return i18n.t(key, get_lang(), **params)


def nt(singular: str, plural: str, n: int, /, **params: object) -> str:
    """``base.i18n.nt`` in the user's language: the plural form for ``n`` (``{n}`` is the number)."""
    return i18n.nt(singular, plural, n, get_lang(), **params)


def date_text(value: date) -> str:
    """A date in the user's language (``01.12.2026``)."""
    return i18n.format_date(value, get_lang())


def datetime_text(value: datetime) -> str:
    """Date and time in the user's language (``01.12.2026 14:05``)."""
    return i18n.format_datetime(value, get_lang())


def language_switch() -> str:
    """The sidebar language choice (once, in app.py); returns the chosen language."""
    st.sidebar.radio(
        i18n.t("Language / Sprache", get_lang()),
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


FLASH_KEY = "flash"


FLASH_WARNING_KEY = "flash_warning"


def flash(message: str, *, warning: str | None = None) -> None:
    """A success message (and a warning, if any) that survives the ``st.rerun()`` after a change;
    shown by ``show_flash``."""
    st.session_state[FLASH_KEY] = message
    if warning:
        st.session_state[FLASH_WARNING_KEY] = warning


def show_flash() -> None:
    if FLASH_KEY in st.session_state:
        st.success(md(st.session_state.pop(FLASH_KEY)))
    if FLASH_WARNING_KEY in st.session_state:
        st.warning(md(st.session_state.pop(FLASH_WARNING_KEY)))


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
    with st.status(t("Import running …"), expanded=False) as status:
        try:
            summary = action()
        except AtlasError as err:
            error = err
        status.update(
            label=t("Import failed") if error else t("Import finished"),
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
        "“{area}”: {places} places imported in {seconds:.1f} s ({new} new, {updated} updated, {missing} now missing from OSM).",
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
            "Schools: {schools} · Kitas: {kitas} · walking network: {nodes} nodes, {edges} edges",
            schools=summary.schools,
            kitas=summary.kitas,
            nodes=i18n.format_number(summary.network_nodes, lang),
            edges=i18n.format_number(summary.network_edges, lang),
        )
    )
    notes = summary.notes
    if notes.cut_ways or notes.cut_relations or notes.cut_skipped:
        st.info(
            t("The extract is cut at its edge: {ways} ways and {relations} relations reach past it and were kept with the nodes inside; {skipped} were left out (too little of them inside).", ways=notes.cut_ways, relations=notes.cut_relations, skipped=notes.cut_skipped)
        )
    if notes.duplicates_dropped:
        st.info(t("{n} older copies of objects that occur twice in the file were dropped (the newest version counts).", n=notes.duplicates_dropped))
    rows = [
        {t("Category"): c.label(lang), t("Count"): summary.by_category.get(c.id, 0)}
        for c in CATEGORIES
    ]
    st.caption(t("Places per category"))
    st.dataframe(rows, hide_index=True, width="content")


# ---- who is acting, text direction and the resident pages' language (issue 4)

ACTOR_KEY = "actor"
# The last reference code sent in this session: the status page opens with it filled in.
LAST_CODE_KEY = "last_ref_code"
# Set on sign-in and sign-out: app.py then opens the start page of the new role.
HOME_KEY = "go_home"
# Our own fixed CSS, never user text: Arabic pages read right to left; the map keeps its layout.
_RTL_CSS = """<style>
[data-testid="stMain"], [data-testid="stSidebar"] { direction: rtl; }
[data-testid="stMain"] iframe { direction: ltr; }
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], [data-testid="stHeading"],
[data-testid="stWidgetLabel"] { text-align: right; }
</style>"""


def current_actor() -> Actor:
    """Who uses the app in this run (set by app.py before the page runs; the public otherwise)."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else PUBLIC


def apply_text_direction() -> None:
    """Right-to-left layout for Arabic (called once per run in app.py)."""
    if get_lang() in i18n.RTL_LANGUAGES:
        st.html(_RTL_CSS)


def resident_language_picker() -> None:
    """A language choice at the top of the resident pages: on a phone the sidebar is folded away."""
    st.session_state["lang_top"] = get_lang()

    def _copy() -> None:
        st.session_state[LANG_KEY] = st.session_state["lang_top"]

    st.selectbox(
        i18n.t("Language", get_lang()) + ("" if get_lang() == "en" else " / Language"),
        options=list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        key="lang_top",
        on_change=_copy,
        placeholder=t("Choose an option"),
    )


def area_select(
    areas: list[AreaInfo], *, label: str, key: str, option_label: Callable[[AreaInfo], str] | None = None
) -> AreaInfo:
    """The area to work in: a picker when there are several, remembered across pages.

    ``AREA_KEY`` outlives page switches (widget state does not), so each page's picker starts
    from the area chosen last anywhere (catalogue, import, audit, gap map).
    """
    by_name = {a.name: a for a in areas}
    if len(areas) == 1:
        area = areas[0]
    else:
        if st.session_state.get(key) not in by_name:
            wanted = st.session_state.get(AREA_KEY)
            # Nobody chose yet: a published area, not the sample loaded to try the app out.
            st.session_state[key] = wanted if wanted in by_name else preferred_area(areas).name
        labels = {n: option_label(a) if option_label else n for n, a in by_name.items()}
        # Only staff pages list unpublished areas: say which ones residents do not see.
        labels = {n: text if by_name[n].published else t("{area} – not published", area=text)
                  for n, text in labels.items()}  # fmt: skip
        area = by_name[st.selectbox(label, options=list(by_name), format_func=labels.__getitem__, key=key, placeholder=t("Choose an option"))]
    st.session_state[AREA_KEY] = area.name
    return area


def staff_area(*, key: str) -> AreaInfo:
    """The area a staff page works on; when none is imported yet, says where to import one and
    stops the page."""
    with session_scope(get_engine(), read_only=True) as session:
        areas = list_areas(session)
    if not areas:
        st.info(t("No area imported yet. A neighbourhood is read in under “Import data” (manager or administrator role); the map appears here afterwards."))
        st.stop()
    return area_select(areas, label=t("Area"), key=key)


# A place the audit page opens on its next run: ``(area name, place id)``, set by the task list.
AUDIT_HANDOVER_KEY = "audit_handover"


def open_audit_page(area_name: str, place_id: int) -> None:
    """Switch to the audit page with this place chosen (the page reads ``take_audit_handover``)."""
    st.session_state[AUDIT_HANDOVER_KEY] = (area_name, place_id)
    st.switch_page("app_pages/audit.py")


def take_audit_handover() -> tuple[str, int] | None:
    """The place another page asked the audit page to open, once."""
    handover = st.session_state.pop(AUDIT_HANDOVER_KEY, None)
    return handover if isinstance(handover, tuple) else None


def published_area_select(*, key: str) -> AreaInfo:
    """The resident pages' area choice among the published areas; stops the page when there is none."""
    with session_scope(get_engine(), read_only=True) as session:
        areas = list_areas(session, published_only=True)
    if not areas:
        st.info(t("There are no places in the atlas yet. Please come back later."))
        st.stop()
    return area_select(areas, label=t("Area"), key=key)


def category_text(category: str) -> str:
    """A category in the user's language (the same words on the staff and the resident pages)."""
    return category_label(category, get_lang())


def translated_key(base: str) -> str:
    """Widget key for a select box whose option labels are translated.

    The browser keeps the shown label of a select box when only its labels change, so the widget
    gets a new key per language; the chosen value is carried over (see ``remember``).
    """
    key = f"{base}_{get_lang()}"
    memo = f"{base}__value"
    if key not in st.session_state and memo in st.session_state:
        st.session_state[key] = st.session_state[memo]
    return key


def remember(base: str, value: object) -> None:
    st.session_state[f"{base}__value"] = value


# ---- the browser's client key: limits that hold across reloads (issue 8)

CLIENT_COOKIE = "atlas_client"
CLIENT_KEY = "client_key"
CLIENT_COOKIE_MAX_AGE_S = 24 * 3600
_CLIENT_KEY_RE = re.compile(r"[A-Za-z0-9_-]{32,64}")


def client_key() -> str:
    """A random key for this browser, kept in a cookie for a day: the suggestion limit and the
    login slow-down count per browser, so a reload or a new tab does not start them afresh.

    Not a credential and not an IP address; the domain functions store only its hash. Streamlit
    reads cookies only from the request that opened the session (``st.context.cookies``) and
    cannot set one from Python, so a new key is written by a small script of our own.
    """
    key = st.session_state.get(CLIENT_KEY)
    if isinstance(key, str) and _CLIENT_KEY_RE.fullmatch(key):
        return key
    cookie = read_cookie(CLIENT_COOKIE)
    if isinstance(cookie, str) and _CLIENT_KEY_RE.fullmatch(cookie):
        key = cookie
    else:
        key = secrets.token_urlsafe(32)
        _set_client_cookie(key)
    st.session_state[CLIENT_KEY] = key
    return key


def read_cookie(name: str) -> str | None:
    """A cookie the browser sent when this session was opened (None when it sent none)."""
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) else None


def _set_client_cookie(key: str) -> None:
    # Only our own random key (checked: letters, digits, - and _) goes into the script.
    if not _CLIENT_KEY_RE.fullmatch(key):
        raise ValueError("client key must be URL-safe base64")
    st.html(
        "<script>document.cookie = "
        f"'{CLIENT_COOKIE}={key}; Path=/; Max-Age={CLIENT_COOKIE_MAX_AGE_S}; SameSite=Strict'"
        " + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )
