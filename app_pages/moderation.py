"""Vorschläge moderieren: the queue of residents' suggestions – list, map, approve, merge, reject.

Names and descriptions come from residents: shown only as table cells, widget options, escaped
map texts and Markdown-escaped text. Every write function checks the role again itself.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session
from streamlit_folium import st_folium

from audits.vocabulary import GROUP_BY_ID
from base.errors import AtlasError
from catalogue.categories import CATEGORY_BY_ID
from catalogue.store import PlaceInfo, list_areas, load_places
from storage.db import session_scope
from suggestions.notify import decide_and_notify
from suggestions.store import (
    DecisionNotice,
    SuggestionInfo,
    approve_suggestions,
    distance_m,
    merge_suggestion,
    pending_suggestions,
    reject_suggestions,
)
from webui import ui
from webui.webmap import MapPoint, build_points_map

SELECT_KEY = "moderation_pick"
MERGE_RADIUS_M = 250
PENDING_COLOR = "#7b3294"


def category_label(category: str) -> str:
    c = CATEGORY_BY_ID.get(category)
    return c.label(ui.get_lang()) if c else category


def queue_rows(queue: list[SuggestionInfo], area_names: dict[int, str]) -> list[dict[str, str]]:
    lang = ui.get_lang()
    return [
        {
            ui.t("moderation.col_code"): s.ref_code,
            ui.t("moderation.col_name"): s.name,
            ui.t("moderation.col_category"): category_label(s.category),
            ui.t("moderation.col_groups"): ", ".join(
                GROUP_BY_ID[g].label(lang) for g in s.groups if g in GROUP_BY_ID
            ),
            ui.t("moderation.col_description"): s.description,
            ui.t("moderation.col_received"): s.created_at.strftime("%Y-%m-%d %H:%M"),
            ui.t("moderation.col_email"): s.contact_email or "",
            ui.t("moderation.col_area"): area_names.get(s.area_id, ""),
        }
        for s in queue
    ]


def nearby_places(places: list[PlaceInfo], s: SuggestionInfo) -> list[tuple[int, PlaceInfo]]:
    """Active places of the suggestion's area within MERGE_RADIUS_M, nearest first, with metres."""
    found = [(round(distance_m(s.lon, s.lat, p.lon, p.lat)), p) for p in places if p.area_id == s.area_id]
    return sorted(((d, p) for d, p in found if d <= MERGE_RADIUS_M), key=lambda dp: (dp[0], dp[1].id))


def run_action(action: Callable[[Session, list[DecisionNotice]], object], done: str) -> None:
    """One decision in one transaction; once it is committed, the residents' replies are sent."""
    try:
        _, report = decide_and_notify(ui.get_engine(), action, settings=ui.get_settings())
    except AtlasError as err:
        ui.show_error(err)
        return
    if report.sent:
        done += " " + ui.t("moderation.mail_sent", n=report.sent)
    problems = []
    if report.failed:
        problems.append(ui.t("moderation.mail_failed", n=report.failed))
    if report.not_configured:
        problems.append(ui.t("moderation.mail_off", n=report.not_configured))
    ui.flash(done, warning=" ".join(problems) or None)
    st.session_state.pop(SELECT_KEY, None)
    st.rerun()


actor = ui.current_actor()
st.title(ui.t("moderation.page"))
ui.show_flash()

with session_scope(ui.get_engine(), read_only=True) as session:
    areas = list_areas(session)
area_names = {a.id: a.name for a in areas}
area_options: dict[int | None, str] = {None: ui.t("moderation.all_areas")} | area_names
area_id = st.selectbox(
    ui.t("moderation.area"),
    options=list(area_options),
    format_func=area_options.__getitem__,
    key="moderation_area",
)
try:
    with session_scope(ui.get_engine(), read_only=True) as session:
        queue = pending_suggestions(session, actor=actor, area_id=area_id)
except AtlasError as err:
    ui.show_error(err)
    st.stop()

if not queue:
    st.info(ui.t("moderation.empty"))
    st.stop()

st.caption(ui.t("moderation.count", n=len(queue)))
st.dataframe(queue_rows(queue, area_names), hide_index=True, width="stretch", key="moderation_table")

by_id = {s.id: s for s in queue}
bbox = None
if area_id is not None:
    bbox = next(a.bbox for a in areas if a.id == area_id)
fmap = build_points_map(
    [
        MapPoint(s.lon, s.lat, s.name, f"{s.ref_code} · {category_label(s.category)}", PENDING_COLOR)
        for s in queue
    ],
    legend_title=ui.t("moderation.map"),
    legend_rows=[(ui.t("moderation.legend_pending"), PENDING_COLOR)],
    tile_url=ui.get_settings().tile_url,
    bbox=bbox,
)
st.caption(ui.t("moderation.map"))
st_folium(fmap, key="moderation_map", height=380, use_container_width=True, returned_objects=[])

if st.session_state.get(SELECT_KEY):
    st.session_state[SELECT_KEY] = [i for i in st.session_state[SELECT_KEY] if i in by_id]
if st.button(ui.t("moderation.select_all"), key="moderation_all"):
    st.session_state[SELECT_KEY] = list(by_id)
options = {s.id: f"{s.ref_code} – {s.name}" for s in queue}
picked: list[int] = st.multiselect(
    ui.t("moderation.select"), options=list(options), format_func=options.__getitem__, key=SELECT_KEY
)

c1, c2 = st.columns(2)
with c1:
    if st.button(
        ui.t("moderation.approve", n=len(picked)),
        type="primary",
        disabled=not picked,
        key="moderation_approve",
    ):
        run_action(
            lambda s, outbox: approve_suggestions(s, actor=actor, ids=picked, outbox=outbox),
            ui.t("moderation.approved", n=len(picked)),
        )
with c2:
    reason = st.text_area(ui.t("moderation.reason"), key="moderation_reason", height=80)
    if st.button(ui.t("moderation.reject", n=len(picked)), disabled=not picked, key="moderation_reject"):
        run_action(
            lambda s, outbox: reject_suggestions(s, actor=actor, ids=picked, reason=reason, outbox=outbox),
            ui.t("moderation.rejected", n=len(picked)),
        )

st.subheader(ui.t("moderation.merge_title"), anchor=False)
if len(picked) != 1:
    st.caption(ui.t("moderation.merge_one"))
else:
    chosen = by_id[picked[0]]
    with session_scope(ui.get_engine(), read_only=True) as session:
        places = load_places(session, area_id=chosen.area_id, include_closed=False)
    near = nearby_places(places, chosen)
    if not near:
        st.caption(ui.t("moderation.merge_none", m=MERGE_RADIUS_M))
    else:
        labels = {
            p.id: ui.t(
                "moderation.merge_option",
                name=p.name or ui.t("public.unnamed"),
                category=category_label(p.category),
                distance=d,
            )
            for d, p in near
        }
        names = {p.id: p.name or ui.t("public.unnamed") for _, p in near}
        target = st.selectbox(
            ui.t("moderation.merge_place", m=MERGE_RADIUS_M),
            options=list(labels),
            format_func=labels.__getitem__,
            key=f"moderation_merge_target_{chosen.id}",
        )
        if st.button(ui.t("moderation.merge"), key="moderation_merge"):
            run_action(
                lambda s, outbox: merge_suggestion(
                    s, actor=actor, suggestion_id=chosen.id, place_id=target, outbox=outbox
                ),
                ui.t("moderation.merged", name=chosen.name, place=names[target]),
            )
