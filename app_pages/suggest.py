"""Ort vorschlagen: a resident suggests a place – no account, a reference code to track it.

A double click or a resent form stores one suggestion: the form instance id is the idempotency
key, renewed only after a successful send (new widget keys, so the old form is gone too).
The hourly limit counts per browser (``ui.client_key``: a random key in a cookie, so a reload or
a new tab does not reset it; no IP address) and per area over all browsers (a setting).
"""

from __future__ import annotations

import secrets
from dataclasses import asdict

import streamlit as st
from streamlit_folium import st_folium

from audits.vocabulary import GROUP_BY_ID, GROUP_IDS
from base.errors import AtlasError
from base.geo import distance_m
from catalogue.categories import CATEGORY_IDS
from catalogue.store import AreaInfo
from storage.db import session_scope
from suggestions.store import (
    CleanSuggestion,
    find_similar_places,
    find_similar_suggestions,
    submit_suggestion,
    validate_suggestion,
)
from webui import ui
from webui.webmap import MapPoint, build_points_map

FORM_ID_KEY = "suggest_form_id"
CHECK_KEY = "suggest_check"
RECEIPT_KEY = "suggest_receipt"
SEEN_CLICK_KEY = "suggest_seen_click"
MARKER_COLOR = "#7b3294"


def form_id() -> str:
    """This form instance's idempotency key (and suffix of its widget keys)."""
    if FORM_ID_KEY not in st.session_state:
        st.session_state[FORM_ID_KEY] = secrets.token_urlsafe(16)
    return st.session_state[FORM_ID_KEY]


def show_receipt(code: str) -> None:
    st.success(ui.t("Thank you! Your suggestion has arrived."))
    st.write(ui.t("Your code:"))
    # The code uses only A–Z and 2–9: safe as a heading.
    st.header(code, anchor=False)
    st.write(ui.t("Write the code down. With it you can see later, under “Track a suggestion”, what became of your suggestion."))
    st.page_link("app_pages/suggestion_status.py", label=ui.t("Track a suggestion"))
    if st.button(ui.t("Suggest another place"), key="suggest_another"):
        st.session_state.pop(RECEIPT_KEY, None)
        st.rerun()


def location_map(area: AreaInfo, fid: str) -> None:
    """The map to tap on; a new tap sets the coordinate fields of this form."""
    lat, lon = st.session_state.get(f"suggest_lat_{fid}"), st.session_state.get(f"suggest_lon_{fid}")
    here = ui.t("Your suggestion")
    points = [] if lat is None or lon is None else [MapPoint(lon, lat, here, "", MARKER_COLOR, radius=9)]
    fmap = build_points_map(
        points,
        legend_title=ui.t("Legend"),
        legend_rows=[(here, MARKER_COLOR)],
        tile_url=ui.get_settings().tile_url,
        bbox=area.bbox,
    )
    result = st_folium(
        fmap, key="suggest_map", height=360, use_container_width=True, returned_objects=["last_clicked"]
    )
    click = (result or {}).get("last_clicked")
    if click and click != st.session_state.get(SEEN_CLICK_KEY):
        st.session_state[SEEN_CLICK_KEY] = click
        st.session_state[f"suggest_lat_{fid}"] = round(float(click["lat"]), 6)
        st.session_state[f"suggest_lon_{fid}"] = round(float(click["lng"]), 6)
        st.rerun()  # draw the marker where the resident tapped
    st.caption(ui.t("Tap the map to set the location. Or enter the coordinates below."))
    if lat is not None and lon is not None:
        st.caption(ui.t("Chosen location: {lat:.5f}, {lon:.5f}", lat=lat, lon=lon))


def similar_texts(area: AreaInfo, clean: CleanSuggestion) -> list[str]:
    """The "is it one of these?" check: approved places and pending suggestions within ~50 m, as plain text."""
    with session_scope(ui.get_engine(), read_only=True) as session:
        places = find_similar_places(
            session, area_id=area.id, name=clean.name, lon=clean.lon, lat=clean.lat, category=clean.category
        )
        pending = find_similar_suggestions(
            session, area_id=area.id, name=clean.name, lon=clean.lon, lat=clean.lat
        )
    texts = [
        ui.t(
            "{name} – {category}, {distance} m away",
            name=p.label(ui.get_lang()),
            category=ui.category_text(p.category),
            distance=round(distance_m(clean.lon, clean.lat, p.lon, p.lat)),
        )
        for p in places
    ]
    texts += [ui.t("{name} – already suggested, being checked", name=s.name) for s in pending]
    return texts


def send(area: AreaInfo, fid: str, clean: CleanSuggestion) -> None:
    try:
        with session_scope(ui.get_engine()) as session:
            receipt = submit_suggestion(
                session,
                area_id=area.id,
                idempotency_key=fid,
                client_key=ui.client_key(),
                name=clean.name,
                category=clean.category,
                lon=clean.lon,
                lat=clean.lat,
                description=clean.description,
                groups=clean.groups,
                email=clean.email,
                lang=ui.get_lang(),
                area_limit_per_hour=ui.get_settings().suggestions_per_area_hour,
            )
    except AtlasError as err:
        # Validation and the hourly limit; their texts exist in German and English.
        ui.show_error(err)
        return
    st.session_state[RECEIPT_KEY] = receipt.ref_code
    st.session_state[ui.LAST_CODE_KEY] = receipt.ref_code
    # Only now a new form instance: a resent old form still carries the old key.
    for key in (FORM_ID_KEY, CHECK_KEY, SEEN_CLICK_KEY):
        st.session_state.pop(key, None)
    st.rerun()


def confirm_step(area: AreaInfo, fid: str) -> None:
    """Similar places were found: the resident confirms "none of these" before anything is sent."""
    check = st.session_state.get(CHECK_KEY)
    if not check or check["fid"] != fid:
        return
    with st.container(border=True):
        st.subheader(ui.t("Is it one of these?"), anchor=False)
        st.write(ui.t("Very close by (up to 50 m) there are already places with a similar name."))
        for text in check["similar"]:
            st.markdown("- " + ui.md(text))
        if st.button(ui.t("None of these – send my suggestion"), type="primary", key=f"suggest_confirm_{fid}"):
            send(
                area, fid, CleanSuggestion(**{**check["values"], "groups": tuple(check["values"]["groups"])})
            )
        if st.button(ui.t("Yes, it is one of them – do not send"), key=f"suggest_cancel_{fid}"):
            st.session_state.pop(CHECK_KEY, None)
            st.session_state.pop(FORM_ID_KEY, None)
            st.session_state["suggest_cancelled"] = True
            st.rerun()


def suggestion_form(area: AreaInfo, fid: str) -> None:
    categories = {c: ui.category_text(c) for c in CATEGORY_IDS}
    groups = {g: GROUP_BY_ID[g].label(ui.get_lang()) for g in GROUP_IDS}
    with st.form(f"suggest_form_{fid}"):
        name = st.text_input(ui.t("Name of the place"), key=f"suggest_name_{fid}")
        category = st.selectbox(
            ui.t("Type of place"),
            options=list(CATEGORY_IDS),
            format_func=categories.__getitem__,
            key=ui.translated_key(f"suggest_category_{fid}"),
            placeholder=ui.t("Choose an option"),
        )
        ui.remember(f"suggest_category_{fid}", category)
        c1, c2 = st.columns(2)
        lat = c1.number_input(ui.t("Latitude (e.g. 52.58500)"), value=None, format="%.6f", key=f"suggest_lat_{fid}")
        lon = c2.number_input(ui.t("Longitude (e.g. 13.31000)"), value=None, format="%.6f", key=f"suggest_lon_{fid}")
        description = st.text_area(ui.t("Description (optional)"), key=f"suggest_description_{fid}")
        chosen_groups = st.multiselect(
            ui.t("Who is the place good for? (optional)"),
            options=list(GROUP_IDS),
            format_func=groups.__getitem__,
            placeholder=ui.t("Choose groups"),
            key=ui.translated_key(f"suggest_groups_{fid}"),
        )
        ui.remember(f"suggest_groups_{fid}", chosen_groups)
        email = None
        if ui.get_settings().smtp_configured:
            # Asked for only when a reply can actually be sent (``suggestions.notify``).
            email = st.text_input(
                ui.t("E-mail for a reply (optional)"), help=ui.t("Only for the reply; it is deleted once a decision is made."), key=f"suggest_email_{fid}"
            )
        submitted = st.form_submit_button(ui.t("Continue"), type="primary", use_container_width=True)
    if not submitted:
        return
    st.session_state.pop(CHECK_KEY, None)
    if lat is None or lon is None:
        st.error(ui.t("Please tap the map or enter latitude and longitude."))
        return
    try:
        clean = validate_suggestion(
            name=name,
            category=category,
            lon=lon,
            lat=lat,
            bbox=area.bbox,
            description=description,
            groups=chosen_groups,
            email=email,
        )
    except AtlasError as err:
        st.error(ui.t("Please check what you entered:") + " " + ui.md(err.message(ui.get_lang())))
        return
    similar = similar_texts(area, clean)
    if not similar:
        send(area, fid, clean)
        return
    st.session_state[CHECK_KEY] = {"fid": fid, "values": asdict(clean), "similar": similar}


ui.resident_language_picker()
ui.client_key()  # at first view: the browser keeps its key (cookie) before the first send
st.title(ui.t("Suggest a place"))
if RECEIPT_KEY in st.session_state:
    show_receipt(st.session_state[RECEIPT_KEY])
    st.stop()
if st.session_state.pop("suggest_cancelled", False):
    st.success(ui.t("Thank you! The place is already in the atlas; nothing was sent."))
st.write(ui.t("Do you know a place where people meet that is missing here? Suggest it. You do not need an account."))

area = ui.published_area_select(key="suggest_area")
fid = form_id()
location_map(area, fid)
suggestion_form(area, fid)
confirm_step(area, fid)
