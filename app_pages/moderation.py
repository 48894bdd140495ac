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
# Set after an approval: the next run links to the audit tasks it created.
TASKS_LINK_KEY = "moderation_tasks_link"
TASKS_PAGE = "app_pages/tasks.py"
MERGE_RADIUS_M = 250
PENDING_COLOR = "#7b3294"


def queue_rows(queue: list[SuggestionInfo], area_names: dict[int, str]) -> list[dict[str, str]]:
    lang = ui.get_lang()
    return [
        {
            ui.t("Code"): s.ref_code,
            ui.t("Name"): s.name,
            ui.t("Category"): ui.category_text(s.category),
            ui.t("Good for"): ", ".join(
                GROUP_BY_ID[g].label(lang) for g in s.groups if g in GROUP_BY_ID
            ),
            ui.t("Description"): s.description,
            ui.t("Received"): ui.datetime_text(s.created_at),
            ui.t("E-mail"): s.contact_email or "",
            ui.t("Area"): area_names.get(s.area_id, ""),
        }
        for s in queue
    ]


def nearby_places(places: list[PlaceInfo], s: SuggestionInfo) -> list[tuple[int, PlaceInfo]]:
    """Active places of the suggestion's area within MERGE_RADIUS_M, nearest first, with metres."""
    found = [(round(distance_m(s.lon, s.lat, p.lon, p.lat)), p) for p in places if p.area_id == s.area_id]
    return sorted(((d, p) for d, p in found if d <= MERGE_RADIUS_M), key=lambda dp: (dp[0], dp[1].id))


def run_action(
    action: Callable[[Session, list[DecisionNotice]], object], done: str, *, link_tasks: bool = False
) -> None:
    """One decision in one transaction; once it is committed, the residents' replies are sent.
    With ``link_tasks`` the message after the rerun links to the audit tasks."""
    try:
        _, report = decide_and_notify(ui.get_engine(), action, settings=ui.get_settings())
    except AtlasError as err:
        ui.show_error(err)
        return
    if report.sent:
        done += " " + ui.nt("{n} reply sent by e-mail.", "{n} replies sent by e-mail.", report.sent)
    problems = []
    if report.failed:
        problems.append(ui.t("{n} e-mail replies could not be sent (details in the server log); the decision stands.", n=report.failed))
    if report.not_configured:
        problems.append(ui.t("{n} replies not sent: no mail server is set (ATLAS_SMTP_HOST).", n=report.not_configured))
    ui.flash(done, warning=" ".join(problems) or None)
    st.session_state[TASKS_LINK_KEY] = link_tasks
    st.session_state.pop(SELECT_KEY, None)
    st.rerun()


actor = ui.current_actor()
st.title(ui.t("Moderate suggestions"))
ui.show_flash()
if st.session_state.pop(TASKS_LINK_KEY, False):
    st.page_link(TASKS_PAGE, label=ui.t("Open the audit tasks"))

with session_scope(ui.get_engine(), read_only=True) as session:
    areas = list_areas(session)
area_names = {a.id: a.name for a in areas}
area_options: dict[int | None, str] = {None: ui.t("All areas")} | area_names
area_id = st.selectbox(
    ui.t("Area"),
    options=list(area_options),
    format_func=area_options.__getitem__,
    key="moderation_area",
    placeholder=ui.t("Choose an option"),
)
try:
    with session_scope(ui.get_engine(), read_only=True) as session:
        queue = pending_suggestions(session, actor=actor, area_id=area_id)
except AtlasError as err:
    ui.show_error(err)
    st.stop()

if not queue:
    st.info(ui.t("No pending suggestions."))
    st.stop()

st.caption(ui.nt("{n} pending suggestion", "{n} pending suggestions", len(queue)))
st.dataframe(queue_rows(queue, area_names), hide_index=True, width="stretch", key="moderation_table")

by_id = {s.id: s for s in queue}
bbox = None
if area_id is not None:
    bbox = next(a.bbox for a in areas if a.id == area_id)
fmap = build_points_map(
    [
        MapPoint(s.lon, s.lat, s.name, f"{s.ref_code} · {ui.category_text(s.category)}", PENDING_COLOR)
        for s in queue
    ],
    legend_title=ui.t("Pending suggestions on the map"),
    legend_rows=[(ui.t("pending suggestion"), PENDING_COLOR)],
    tile_url=ui.get_settings().tile_url,
    bbox=bbox,
)
st.caption(ui.t("Pending suggestions on the map"))
st_folium(fmap, key="moderation_map", height=380, use_container_width=True, returned_objects=[])

if st.session_state.get(SELECT_KEY):
    st.session_state[SELECT_KEY] = [i for i in st.session_state[SELECT_KEY] if i in by_id]
if st.button(ui.t("Select all"), key="moderation_all"):
    st.session_state[SELECT_KEY] = list(by_id)
options = {s.id: f"{s.ref_code} – {s.name}" for s in queue}
picked: list[int] = st.multiselect(
    ui.t("Select suggestions"), options=list(options), format_func=options.__getitem__, key=SELECT_KEY, placeholder=ui.t("Choose options")
)

c1, c2 = st.columns(2)
with c1:
    if st.button(
        ui.t("Add to the catalogue ({n})", n=len(picked)),
        type="primary",
        disabled=not picked,
        key="moderation_approve",
    ):
        run_action(
            lambda s, outbox: approve_suggestions(s, actor=actor, ids=picked, outbox=outbox),
            ui.nt(
                "{n} suggestion added; an audit task was created for it (see Audit tasks).",
                "{n} suggestions added; an audit task was created for each (see Audit tasks).",
                len(picked),
            ),
            link_tasks=True,
        )
with c2:
    reason = st.text_area(ui.t("Reason for rejecting (shown on the status page)"), key="moderation_reason", height=80)
    if st.button(ui.t("Reject ({n})", n=len(picked)), disabled=not picked, key="moderation_reject"):
        run_action(
            lambda s, outbox: reject_suggestions(s, actor=actor, ids=picked, reason=reason, outbox=outbox),
            ui.nt("{n} suggestion rejected.", "{n} suggestions rejected.", len(picked)),
        )

st.subheader(ui.t("Merge into an existing place"), anchor=False)
if len(picked) != 1:
    st.caption(ui.t("Select exactly one suggestion for this."))
else:
    chosen = by_id[picked[0]]
    with session_scope(ui.get_engine(), read_only=True) as session:
        places = load_places(session, area_id=chosen.area_id, include_closed=False)
    near = nearby_places(places, chosen)
    if not near:
        st.caption(ui.t("No place within {m} m.", m=MERGE_RADIUS_M))
    else:
        labels = {
            p.id: ui.t(
                "{name} – {category}, {distance} m",
                name=p.label(ui.get_lang()),
                category=ui.category_text(p.category),
                distance=d,
            )
            for d, p in near
        }
        names = {p.id: p.label(ui.get_lang()) for _, p in near}
        target = st.selectbox(
            ui.t("Place nearby (up to {m} m)", m=MERGE_RADIUS_M),
            options=list(labels),
            format_func=labels.__getitem__,
            key=f"moderation_merge_target_{chosen.id}",
            placeholder=ui.t("Choose an option"),
        )
        if st.button(ui.t("Merge"), key="moderation_merge"):
            run_action(
                lambda s, outbox: merge_suggestion(
                    s, actor=actor, suggestion_id=chosen.id, place_id=target, outbox=outbox
                ),
                ui.t("“{name}” was merged into “{place}”.", name=chosen.name, place=names[target]),
            )
