"""Versorgungslücken: the gap map around schools and Kitas – parameters, map, anchor table, exports.

The area's data is read once (``webui.caches``); a parameter change only reruns
``run_gap_analysis`` on the cached graph. Downloads are built when clicked, from the report on screen.
"""

from __future__ import annotations

import functools
import re
import time
from typing import TYPE_CHECKING

import streamlit as st
from streamlit_folium import st_folium

from audits.time_windows import window_for_group
from audits.vocabulary import DEFAULT_SPEED_KMH, GROUP_BY_ID, GROUP_IDS
from base.errors import AtlasError
from base.i18n import N_, format_number
from catalogue.categories import ANCHOR_IDS, CATEGORY_BY_ID, CATEGORY_IDS
from catalogue.model import BaseMap
from catalogue.store import AreaInfo
from exports.gaps import CRS_CHOICES, MEDIA_TYPES, export_gaps_bytes
from gaps.population import describe_population, group_share
from gaps.profiles import PROFILE_IDS, PROFILE_LABELS, profile_for_group
from gaps.service import (
    ALL_GROUPS,
    DEFAULT_CATEGORIES,
    GROUP_TIME,
    TIME_WINDOW_CHOICES,
    VERDICT_CHOICES,
    VERDICT_LABELS,
    GapReport,
    GapRequest,
    group_label,
    run_gap_analysis,
    time_window_label,
)
from webui import caches, ui
from webui.gap_webmap import build_gap_map, nearest_name, place_name

RESOLUTION_LABELS: dict[int, str] = {
    9: N_("9 – large (~350 m)"),
    10: N_("10 – medium (~130 m)"),
    11: N_("11 – fine (~50 m)"),
}
CRS_LABELS: dict[str, str] = {"EPSG:4326": N_("WGS84 (EPSG:4326)"), "EPSG:25832": N_("ETRS89 / UTM 32N (EPSG:25832)")}

if TYPE_CHECKING:
    from streamlit.elements.lib.column_types import ColumnConfig

AREA_PICK_KEY = "gaps_area"
GROUP_KEY = "gaps_group"
VERDICTS_KEY = "gaps_verdicts"
TIME_WINDOW_KEY = "gaps_time_window"
CATEGORIES_KEY = "gaps_categories"
SPEED_KEY = "gaps_speed"
# The speed last filled in from the group table: while the field still shows it, a group change
# replaces it with the new group's speed; once the planner typed another speed, it stays.
SPEED_AUTO_KEY = "gaps_speed_auto"
MINUTES_KEY = "gaps_minutes"
CATCHMENT_KEY = "gaps_catchment"
RESOLUTION_KEY = "gaps_resolution"
PROFILE_KEY = "gaps_profile"
STRICT_KEY = "gaps_strict"
OWN_PROFILE = "own"  # the select's choice for "the group's own profile"
CRS_KEY = "gaps_crs"
RESOLUTIONS = (9, 10, 11)
EXPORTS = ("gpkg", "geojson", "csv", "xlsx", "pdf", "png")


def default_speed(group: str) -> float:
    return DEFAULT_SPEED_KMH if group == ALL_GROUPS else GROUP_BY_ID[group].speed_kmh


def _group_changed() -> None:
    new = default_speed(st.session_state[GROUP_KEY])
    if st.session_state.get(SPEED_KEY) == st.session_state.get(SPEED_AUTO_KEY):
        st.session_state[SPEED_KEY] = new
    st.session_state[SPEED_AUTO_KEY] = new


def category_label(category_id: str, lang: str) -> str:
    category = CATEGORY_BY_ID.get(category_id)
    return category.label(lang) if category else category_id


def sidebar_request(lang: str) -> GapRequest | None:
    """The parameters in the sidebar, as a checked request (None, with a message, when invalid)."""
    sidebar = st.sidebar
    sidebar.subheader(ui.t("Map parameters"))
    groups = [ALL_GROUPS, *GROUP_IDS]
    group = sidebar.selectbox(
        ui.t("Group"),
        options=groups,
        format_func={g: group_label(g, lang) for g in groups}.__getitem__,
        key=GROUP_KEY,
        on_change=_group_changed,
        placeholder=ui.t("Choose an option"),
    )
    if SPEED_KEY not in st.session_state:
        st.session_state[SPEED_KEY] = st.session_state[SPEED_AUTO_KEY] = default_speed(group)
    verdict_texts = {v: ui.t(label) for v, label in VERDICT_LABELS.items()}
    verdicts = sidebar.radio(
        ui.t("Places count that are …"),
        options=list(VERDICT_CHOICES),
        format_func=verdict_texts.__getitem__,
        key=VERDICTS_KEY,
        disabled=group == ALL_GROUPS,
        help=ui.t("With “all places” every active place of the chosen categories counts, audited or not."),
    )
    window_texts = {w: time_window_label(w, lang) for w in TIME_WINDOW_CHOICES}
    own = window_for_group(group)  # "any" for all places and groups without a usual time
    window_texts[GROUP_TIME] = ui.t("the group's usual time: {window}", window=time_window_label(own, lang))
    time_window = sidebar.selectbox(
        ui.t("Time window"),
        options=list(TIME_WINDOW_CHOICES),
        format_func=window_texts.__getitem__,
        key=TIME_WINDOW_KEY,
        help=ui.t("A place counts only if its opening hours (audited, else OSM, else presumed) say it is open for at least half of the window; missing or unreadable hours count as not enough data."),
    )
    categories = sidebar.multiselect(
        ui.t("Categories that count"),
        options=list(CATEGORY_IDS),
        default=list(DEFAULT_CATEGORIES),
        format_func={c: category_label(c, lang) for c in CATEGORY_IDS}.__getitem__,
        placeholder=ui.t("Choose categories"),
        key=CATEGORIES_KEY,
    )
    speed = sidebar.number_input(
        ui.t("Walking speed (km/h)"), min_value=0.5, max_value=20.0, step=0.1, format="%.1f", key=SPEED_KEY,
        help=ui.t("Default per group (e.g. 3.6 km/h for wheelchair users); a speed you typed stays when the group changes."),
    )  # fmt: skip
    minutes = sidebar.slider(ui.t("Time limit (minutes on foot)"), min_value=1, max_value=60, value=10, key=MINUTES_KEY)
    catchment = sidebar.number_input(
        ui.t("Catchment (metres along the paths)"), min_value=100, max_value=10_000, value=1000, step=100, key=CATCHMENT_KEY
    )
    resolution = sidebar.select_slider(
        ui.t("Hexagon size (H3)"),
        options=RESOLUTIONS,
        value=10,
        format_func={r: ui.t(RESOLUTION_LABELS[r]) for r in RESOLUTIONS}.__getitem__,
        key=RESOLUTION_KEY,
    )
    own = ui.t("the group's own ({profile})", profile=ui.t(PROFILE_LABELS[profile_for_group(group)]))
    profile_texts = {OWN_PROFILE: own, **{p: ui.t(PROFILE_LABELS[p]) for p in PROFILE_IDS}}
    profile = sidebar.selectbox(
        ui.t("Walking profile"),
        options=list(profile_texts),
        format_func=profile_texts.__getitem__,
        key=PROFILE_KEY,
        help=ui.t("Which steps, kerbs, barriers and surfaces the walk avoids (docs/vocabulary.md)."),
    )
    strict = sidebar.checkbox(
        ui.t("Ways with unknown tags are impassable"),
        key=STRICT_KEY,
        help=ui.t("Off: ways whose surface, kerbs or steps are not tagged count as passable, and the table shows how much of each walk runs over them."),
    )  # fmt: skip
    if not categories:
        st.warning(ui.t("Please choose at least one category."))
        return None
    try:
        return GapRequest(
            group=group,
            verdicts=verdicts,
            categories=tuple(categories),
            minutes=float(minutes),
            speed_kmh=float(speed),
            catchment_m=float(catchment),
            h3_resolution=int(resolution),
            time_window=time_window,
            profile=None if profile == OWN_PROFILE else profile,
            strict=bool(strict),
        )
    except AtlasError as err:
        ui.show_error(err)
        return None


def percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def anchor_table(report: GapReport, lang: str) -> list[dict[str, object]]:
    """One row per school and Kita, ranked by need; names stay plain text cells."""
    rows = []
    for rank, a in enumerate(report.anchors, start=1):
        reachable = a.nearest_minutes is not None
        catchment = report.request.catchment_m
        rows.append(
            {
                "rank": rank,
                "name": a.label(lang),
                "kind": category_label(a.kind, lang),
                "school_form": a.school_form or "",
                # text, so a school without an index shows "–" rather than "None"
                "social_index": "–" if a.social_index is None else str(a.social_index),
                "startchancen": ui.t("yes") if a.startchancen else "",
                "nearest": nearest_name(report, a, lang) if reachable else a.nearest_text(catchment, lang),
                # Text, so an unreachable place reads "–" instead of "None".
                "minutes": format_number(a.nearest_minutes, lang, 1) if a.nearest_minutes is not None else "–",
                "metres": format_number(a.nearest_m, lang, 0) if a.nearest_m is not None else "–",
                "underserved": percent(a.underserved_share),
                "unknown": percent(a.unknown_share),
                "presumed": percent(a.presumed_share),
                "route_unknown": percent(a.unknown_route_share),
                "route": a.route_text(lang) or "",
                "residents_underserved": None if a.residents_underserved is None else round(a.residents_underserved),
            }
        )
    return rows


def anchor_columns() -> dict[str, ColumnConfig]:
    return {
        "rank": st.column_config.NumberColumn(ui.t("Rank"), format="%d", width="small"),
        "name": st.column_config.TextColumn(ui.t("Name")),
        "kind": st.column_config.TextColumn(ui.t("Kind")),
        "school_form": st.column_config.TextColumn(ui.t("School form")),
        "social_index": st.column_config.TextColumn(ui.t("Social index")),
        "startchancen": st.column_config.TextColumn(ui.t("Startchancen")),
        "nearest": st.column_config.TextColumn(ui.t("Nearest place that counts")),
        "minutes": st.column_config.TextColumn(ui.t("Minutes")),
        "metres": st.column_config.TextColumn(ui.t("Metres")),
        "underserved": st.column_config.NumberColumn(ui.t("Share underserved"), format="%.0f %%"),
        "unknown": st.column_config.NumberColumn(ui.t("Share not enough data"), format="%.0f %%"),
        "presumed": st.column_config.NumberColumn(ui.t("Share served only on presumptions"), format="%.0f %%"),
        "route_unknown": st.column_config.NumberColumn(ui.t("Walk over ways with unknown tags"), format="%.0f %%"),
        "route": st.column_config.TextColumn(ui.t("Walking profile note")),
        "residents_underserved": st.column_config.NumberColumn(
            ui.t("Residents underserved"), format="%d",
            help=ui.t("Residents of the catchment's underserved hexagons (a hexagon in several catchments counts for each)."),
        ),
    }


def show_counts(report: GapReport, lang: str, seconds: float) -> None:
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric(ui.t("Hexagons"), report.cells)
    c2.metric(ui.t("served"), report.count("served"))
    c3.metric(
        ui.t("of them only on presumptions"),
        report.count("presumed"),
        help=ui.t("Served hexagons that only places with presumed facts (e.g. a playground's) reach in time; an audit confirms them."),
    )
    c4.metric(ui.t("underserved"), report.count("underserved"))
    c5.metric(ui.t("not enough data"), report.count("unknown"))
    show_residents(report, lang)
    by_status = {s: sum(1 for p in report.places if p.status == s) for s in ("serving", "unknown", "not")}
    st.caption(
        ui.t(
            "Places of the chosen categories: {serving} count, {unknown} with an unknown verdict (apart, not counted), {other} not open or closed",
            serving=by_status["serving"],
            unknown=by_status["unknown"],
            other=by_status["not"],
        )
        + " · "
        + ui.t("computed in {ms} ms", ms=format_number(seconds * 1000, lang, 0))
    )


def show_equity(report: GapReport, lang: str) -> None:
    """Fairness across social need below the table, only where enough schools have an index."""
    equity = report.equity
    if equity is None:
        return
    st.subheader(ui.t("Fairness across social need"))
    ratio = equity.ratio_most_least_deprived
    c1, c2, c3 = st.columns(3)
    c1.metric(
        ui.t("Concentration index"),
        format_number(equity.concentration_index, lang, 2),
        help=ui.t("Of the underserved share over the schools ranked by social index, from −1 to 1: above 0, underserved catchments concentrate at schools with higher need; 0, no relation."),
    )
    c2.metric(
        ui.t("Most / least deprived fifth"),
        "–" if ratio is None else format_number(ratio, lang, 1),
        help=ui.t("Mean share underserved of the most deprived fifth of the schools divided by that of the least deprived fifth: {most} % and {least} %.",
                  most=format_number(100 * equity.most_deprived_share, lang, 0),
                  least=format_number(100 * equity.least_deprived_share, lang, 0)),
    )  # fmt: skip
    c3.metric(ui.t("Schools with a social index"), equity.anchors)
    st.caption(equity.interpretation.localized(lang))


def show_residents(report: GapReport, lang: str) -> None:
    """A second row of figures: residents (and people of the group) in the catchments; nothing
    when the area has no population, rather than zeros that look like data."""
    total = report.residents()
    if total is None or report.population is None:
        st.caption(ui.t("No residents for this area: import a census grid (python -m audits import-population) or re-import the area from an OSM file with buildings."))
        return
    people: list[tuple[str, float | None]] = [
        (ui.t("Residents in the catchments"), total),
        (ui.t("Residents underserved"), report.residents("underserved")),
        (ui.t("Residents with not enough data"), report.residents("unknown")),
    ]
    if report.group_share is not None:
        people.append((ui.t("of the group, underserved"), report.group_people("underserved")))
    for column, (label, value) in zip(st.columns(len(people)), people, strict=True):
        column.metric(label, round(value or 0))  # whole people, like the hexagon counts
    st.caption(describe_population(report.population, lang))


def show_unknown_places(report: GapReport, lang: str) -> None:
    unknown = [p for p in report.places if p.status == "unknown"]
    if not unknown:
        return
    with st.expander(ui.t("{count} places with an unknown verdict (not counted)", count=len(unknown))):
        st.caption(ui.t("An on-site audit turns “not enough data” into a clear picture."))
        st.dataframe(
            [
                {
                    ui.t("Name"): place_name(p, lang),
                    ui.t("Category"): category_label(p.category, lang),
                    ui.t("OSM object"): p.ref or "",
                }
                for p in unknown
            ],
            hide_index=True,
            width="stretch",
        )


def downloads(report: GapReport, area: AreaInfo, basemap: BaseMap | None, lang: str) -> None:
    st.subheader(ui.t("Download"))
    st.caption(ui.t("Exactly this map with the parameters above; the file is made when you click."))
    crs = st.radio(
        ui.t("Coordinate system (GeoPackage)"),
        options=list(CRS_CHOICES),
        format_func={c: ui.t(CRS_LABELS[c]) for c in CRS_CHOICES}.__getitem__,
        horizontal=True,
        key=CRS_KEY,
    )
    imported = ui.date_text(area.imported_at) if area.imported_at else "–"
    extra = {ui.t("Data as of"): imported}
    req = report.request
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", area.name).strip("_") or "gebiet"
    stem = f"{stem}_{req.group}_{req.minutes:g}min"
    for column, fmt in zip(st.columns(len(EXPORTS)), EXPORTS, strict=True):
        column.download_button(
            ui.t(ui.DOWNLOAD_LABELS[fmt]),
            # Built only when clicked (a PDF takes a second), from exactly the report on screen.
            data=functools.partial(
                export_gaps_bytes,
                report, fmt=fmt, crs=crs, basemap=basemap, area_name=area.name, lang=lang, params=extra,
            ),
            file_name=f"{stem}.{fmt}",
            mime=MEDIA_TYPES[fmt],
            on_click="ignore",
            icon=":material/download:",
            key=f"gaps_download_{fmt}",
            width="stretch",
        )


lang = ui.get_lang()
settings = ui.get_settings()
st.title(ui.t("Gaps around schools and Kitas"))
st.caption(ui.t("How far is it on foot from every part of the catchments to the nearest place open to the chosen group? Places with an unknown verdict never count as open."))

area = ui.staff_area(key=AREA_PICK_KEY)
request = sidebar_request(lang)
try:
    streets, inputs = caches.get_area_data(area.id, area.imported_at)
except AtlasError as err:
    ui.show_error(err)
    st.stop()

anchor_count = sum(1 for p in inputs.places if p.category in ANCHOR_IDS and p.status == "active")
if anchor_count == 0:
    st.info(ui.md(ui.t("“{area}” has no schools and no Kitas: without them there are no catchments and no gaps. Schools and Kitas come from OSM (amenity=school, kindergarten, childcare) or can be added in the catalogue.", area=area.name)))
    st.stop()
if request is None:
    st.stop()

started = time.perf_counter()
try:
    report = run_gap_analysis(
        streets.graph,
        places=inputs.places,
        verdicts_by_place=inputs.verdicts_by_place,
        indicators=inputs.indicators,
        request=request,
        hours_by_place=inputs.hours_by_place,
        population=inputs.population,
        group_share=group_share(request.group, settings),
    )
except AtlasError as err:
    ui.show_error(err)
    st.stop()
seconds = time.perf_counter() - started

st.caption(ui.md(" · ".join(f"{k}: {v}" for k, v in request.describe(lang).items())))
show_counts(report, lang, seconds)

fmap = build_gap_map(report, lang=lang, tile_url=settings.tile_url, bbox=area.bbox)
# No returned objects: panning and zooming never rerun the script.
st_folium(fmap, key="gap_map", height=620, use_container_width=True, returned_objects=[])
st.caption(ui.t("Red dashes and hatching: underserved. Grey dots: not enough data. S = school, K = Kita, with the rank from the table. The table below lists the same anchors."))

st.subheader(ui.t("Schools and Kitas by need (social index, then share underserved)"))
st.dataframe(anchor_table(report, lang), column_config=anchor_columns(), hide_index=True, width="stretch")
show_equity(report, lang)
show_unknown_places(report, lang)
downloads(report, area, streets.basemap, lang)
