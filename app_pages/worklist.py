"""Audit worklist: the places whose audit would decide the most of the gap map for the chosen groups.

The area's graph and inputs come from the gap page's caches (``webui.caches.get_area_data``);
a change of groups or time limit reruns only ``gaps.worklist.compute_worklist`` on them.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from audits.vocabulary import GROUP_BY_ID, GROUP_IDS
from base.errors import AtlasError
from catalogue.categories import ANCHOR_IDS
from catalogue.store import list_areas
from gaps.service import GapRequest
from gaps.worklist import DEFAULT_LIMIT, WorklistItem, compute_worklist
from storage.db import session_scope
from webui import caches, ui
from webui.webmap import MapPoint, build_points_map

AREA_PICK_KEY = "worklist_area"
GROUPS_KEY = "worklist_groups"
MINUTES_KEY = "worklist_minutes"
LIMIT_KEY = "worklist_limit"
TOP = 5  # drawn larger and in another colour on the map
TOP_COLOR, REST_COLOR = "#d73027", "#4575b4"


def item_rows(items: list[WorklistItem], lang: str) -> list[dict[str, object]]:
    return [
        {
            ui.t("Rank"): rank,
            ui.t("Place"): item.title(lang),
            ui.t("Category"): ui.category_text(item.category),
            ui.t("OSM object"): item.osm_ref or "",
            ui.t("Score"): round(item.score, 1),
            ui.t("Hexagons"): item.units,
            ui.t("Why"): item.reason_text(lang),
        }
        for rank, item in enumerate(items, start=1)
    ]


def item_points(items: list[WorklistItem], lang: str) -> list[MapPoint]:
    return [
        MapPoint(
            lon=item.lon,
            lat=item.lat,
            title=f"{rank}. {item.title(lang)}",
            subtitle=item.reason_text(lang),
            color=TOP_COLOR if rank <= TOP else REST_COLOR,
            radius=9 if rank <= TOP else 6,
        )
        for rank, item in enumerate(items, start=1)
    ]


lang = ui.get_lang()
settings = ui.get_settings()
st.title(ui.t("Audit worklist"))
st.caption(ui.t("Which places should be audited first? Places with an unknown verdict, ranked by how many hexagons of the gap map their audit would decide – hexagons around schools with a high social index count more."))

with session_scope(ui.get_engine(), read_only=True) as session:
    areas = list_areas(session)
if not areas:
    st.info(ui.t("No area imported yet. A neighbourhood is read in under “Import data” (manager or administrator role); the map appears here afterwards."))
    st.stop()

area = ui.area_select(areas, label=ui.t("Area"), key=AREA_PICK_KEY)
groups = st.multiselect(
    ui.t("Groups"),
    options=list(GROUP_IDS),
    default=[GROUP_IDS[0]],
    format_func={g: GROUP_BY_ID[g].label(lang) for g in GROUP_IDS}.__getitem__,
    placeholder=ui.t("Choose groups"),
    key=GROUPS_KEY,
)
left, right = st.columns(2)
minutes = left.slider(ui.t("Time limit (minutes on foot)"), min_value=1, max_value=60, value=10, key=MINUTES_KEY)
limit = right.number_input(ui.t("Places in the list"), min_value=1, max_value=200, value=DEFAULT_LIMIT, step=5, key=LIMIT_KEY)
if not groups:
    st.warning(ui.t("Please choose at least one group."))
    st.stop()

try:
    streets, inputs = caches.get_area_data(area.id, area.imported_at)
except AtlasError as err:
    ui.show_error(err)
    st.stop()
if not any(p.category in ANCHOR_IDS and p.status == "active" for p in inputs.places):
    st.info(ui.md(ui.t("“{area}” has no schools and no Kitas: without them there are no catchments and no gaps. Schools and Kitas come from OSM (amenity=school, kindergarten, childcare) or can be added in the catalogue.", area=area.name)))
    st.stop()
try:
    items = compute_worklist(
        streets.graph,
        places=inputs.places,
        verdicts_by_place=inputs.verdicts_by_place,
        indicators=inputs.indicators,
        groups=groups,
        request=GapRequest(minutes=float(minutes)),
        limit=int(limit),
    )
except AtlasError as err:
    ui.show_error(err)
    st.stop()

if not items:
    st.success(ui.t("No audit would change the gap map for these groups: no hexagon lacks only an audit."))
    st.stop()

st.dataframe(
    item_rows(items, lang),
    hide_index=True,
    width="stretch",
    column_config={ui.t("Score"): st.column_config.NumberColumn(format="%.1f")},
)
# Audit tasks and field sheets go here: make the table selectable (on_select="rerun",
# selection_mode="multi-row"), then one button that calls
# audits.tasks.create_tasks(session, actor=ui.current_actor(), place_ids=[items[i].place_id for i
# in the selected rows], reason="worklist") in a session_scope and offers
# exports.field_sheet.save_field_sheets for the same places as a download.
st.caption(ui.t("Score: the hexagons an audit would decide, each weighted from 1 to 2 by the highest social index of the schools whose catchment holds it, summed over the chosen groups."))

fmap = build_points_map(
    item_points(items, lang),
    legend_title=ui.t("Audit worklist"),
    legend_rows=[(ui.t("top {n} (large)", n=TOP), TOP_COLOR), (ui.t("further places"), REST_COLOR)],
    tile_url=settings.tile_url,
    bbox=area.bbox,
)
st_folium(fmap, key="worklist_map", height=520, use_container_width=True, returned_objects=[])
