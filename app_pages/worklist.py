"""Audit worklist: the places whose audit would decide the most of the gap map for the chosen groups.

The area's graph and inputs come from the gap page's caches (``webui.caches.get_area_data``);
a change of groups or time limit reruns only ``gaps.worklist.compute_worklist`` on them.
"""

from __future__ import annotations

import functools

import streamlit as st
from streamlit_folium import st_folium

from audits.tasks import create_tasks
from audits.vocabulary import GROUP_BY_ID, GROUP_IDS
from base.errors import AtlasError
from catalogue.categories import ANCHOR_IDS
from exports.field_sheet import MEDIA_TYPE as SHEET_MEDIA_TYPE
from exports.field_sheet import SHEET_LANGUAGES, load_field_sheets_pdf
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

area = ui.staff_area(key=AREA_PICK_KEY)
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
st.caption(ui.t("Score: the hexagons an audit would decide, each weighted from 1 to 2 by the highest social index of the schools whose catchment holds it, summed over the chosen groups."))

# The visits: audit tasks for the chosen places, and their field sheets to print.
names = {item.place_id: f"{rank}. {item.title(lang)}" for rank, item in enumerate(items, start=1)}
chosen = st.multiselect(
    ui.t("Places to visit"),
    options=list(names),
    default=list(names)[:TOP],
    format_func=names.__getitem__,
    placeholder=ui.t("Choose options"),
    key=f"worklist_chosen_{area.id}",
)
task_col, sheet_col = st.columns(2)
if task_col.button(ui.t("Create audit tasks"), disabled=not chosen, icon=":material/add_task:"):
    try:
        with session_scope(ui.get_engine()) as session:
            batch = create_tasks(session, actor=ui.current_actor(), place_ids=chosen, reason="worklist")
    except AtlasError as err:
        ui.show_error(err)
    else:
        done = ui.nt("{n} audit task created.", "{n} audit tasks created.", len(batch.created))
        if batch.skipped:
            done += " " + ui.nt("{n} place already had an open one.", "{n} places already had an open one.", batch.skipped)
        st.success(done)
        st.page_link("app_pages/tasks.py", label=ui.t("Open the audit tasks"), icon=":material/checklist:")
sheet_col.download_button(
    ui.t("Field sheets (PDF)"),
    data=functools.partial(
        load_field_sheets_pdf, ui.get_engine(), area_id=area.id, place_ids=chosen, groups=groups,
        lang=lang if lang in SHEET_LANGUAGES else "de",
    ),  # fmt: skip
    file_name="feldboegen.pdf",
    mime=SHEET_MEDIA_TYPE,
    on_click="ignore",
    icon=":material/print:",
    disabled=not chosen,
)
fmap = build_points_map(
    item_points(items, lang),
    legend_title=ui.t("Audit worklist"),
    legend_rows=[(ui.t("top {n} (large)", n=TOP), TOP_COLOR), (ui.t("further places"), REST_COLOR)],
    tile_url=settings.tile_url,
    bbox=area.bbox,
)
st_folium(fmap, key="worklist_map", height=520, use_container_width=True, returned_objects=[])
