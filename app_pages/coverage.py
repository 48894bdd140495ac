"""Audit coverage: how much of an area is known well enough to judge, per group and category, and on
what basis – with a map of the places marked by the basis of one group's verdict.

Reads the area's places and audits once (``webui.caches.get_area_audits``); everything else is
``audits.coverage.compute_coverage`` on them.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from audits.coverage import BASIS_ORDER, Coverage, compute_coverage, place_basis
from audits.vocabulary import GROUP_BY_ID, GROUP_IDS
from base.errors import AtlasError
from base.i18n import N_
from webui import caches, ui
from webui.webmap import MarkerStyle, build_places_map

AREA_PICK_KEY = "coverage_area"
GROUP_KEY = "coverage_group"
BASIS_LABELS: dict[str, str] = {  # id -> message
    "audit": N_("audit"),
    "suggestion": N_("suggestion"),
    "osm": N_("OpenStreetMap"),
    "presumption": N_("presumption"),
    "unknown": N_("unknown (too little known)"),
}
# Symbol, colour, dashed, radius: the firmer the basis, the larger the marker (not colour alone).
BASIS_LOOK: dict[str, tuple[str, str, bool, int]] = {
    "audit": ("●", "#1a9850", False, 8),
    "suggestion": ("◆", "#7b3294", False, 7),
    "osm": ("■", "#2166ac", False, 6),
    "presumption": ("▲", "#e69f00", False, 5),
    "unknown": ("?", "#8c8c8c", True, 4),
}


def basis_styles() -> list[MarkerStyle]:
    """One marker style per basis, firmest first, then unknown."""
    styles = []
    for key in (*reversed(BASIS_ORDER), "unknown"):
        symbol, color, dashed, radius = BASIS_LOOK[key]
        styles.append(MarkerStyle(key, ui.t(BASIS_LABELS[key]), color, symbol, dashed, radius))
    return styles


def percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def group_rows(cov: Coverage, lang: str) -> list[dict[str, object]]:
    rows = []
    for gid, g in cov.groups.items():
        row: dict[str, object] = {
            ui.t("Group"): GROUP_BY_ID[gid].label(lang),
            ui.t("Places"): g.places,
            ui.t("Definite verdict"): g.definite,
            ui.t("Share definite"): percent(g.definite_share),
            ui.t("Unknown"): g.unknown,
        }
        for source in reversed(BASIS_ORDER):
            row[ui.t("Basis: {source}", source=ui.t(BASIS_LABELS[source]))] = g.by_source[source]
        rows.append(row)
    return rows


def category_rows(cov: Coverage, group: str) -> list[dict[str, object]]:
    rows = []
    for cid, c in cov.categories.items():
        g = c.groups[group]
        rows.append(
            {
                ui.t("Category"): ui.category_text(cid),
                ui.t("Places"): c.places,
                ui.t("Audited"): c.audited,
                ui.t("Never audited"): c.never_audited,
                ui.t("Re-audit due"): c.reaudit_due,
                ui.t("Share definite"): percent(g.definite_share),
                ui.t("Basis: {source}", source=ui.t(BASIS_LABELS["audit"])): g.by_source["audit"],
            }
        )
    return rows


lang = ui.get_lang()
settings = ui.get_settings()
st.title(ui.t("Audit coverage"))
st.caption(ui.t("For how many places is a verdict per group known, and on what is it based? The basis is the least checked source among the facts a verdict rests on: audit, suggestion, OpenStreetMap or presumption."))

area = ui.staff_area(key=AREA_PICK_KEY)
try:
    data = caches.get_area_audits(area.id)
except AtlasError as err:
    ui.show_error(err)
    st.stop()
cov = compute_coverage(data.places, data.audits, area=area.name)

c1, c2, c3, c4 = st.columns(4)
c1.metric(ui.t("Active places"), cov.places)
c2.metric(ui.t("Audited"), cov.audited)
c3.metric(ui.t("Never audited"), cov.never_audited)
c4.metric(ui.t("Re-audit due"), cov.reaudit_due, help=ui.t("The newest audit is older than 24 months."))

st.subheader(ui.t("Per group"))
st.dataframe(
    group_rows(cov, lang),
    hide_index=True,
    width="stretch",
    column_config={ui.t("Share definite"): st.column_config.NumberColumn(format="%.0f %%")},
)

group = st.selectbox(
    ui.t("Group for the map and the category table"),
    options=list(GROUP_IDS),
    format_func={g: GROUP_BY_ID[g].label(lang) for g in GROUP_IDS}.__getitem__,
    key=GROUP_KEY,
    placeholder=ui.t("Choose an option"),
)
st.subheader(ui.t("Per category"))
st.dataframe(
    category_rows(cov, group),
    hide_index=True,
    width="stretch",
    column_config={ui.t("Share definite"): st.column_config.NumberColumn(format="%.0f %%")},
)

basis_of = {p.id: place_basis(data.audits.get(p.id), group) for p in data.places}
fmap = build_places_map(
    data.places,
    lang=lang,
    tile_url=settings.tile_url,
    bbox=area.bbox,
    colour_by=basis_of,
    marker_styles=basis_styles(),
    legend_title=ui.t("Basis of the verdict: {group}", group=GROUP_BY_ID[group].label(lang)),
)
# No returned objects: panning and zooming never rerun the script.
st_folium(fmap, key="coverage_map", height=520, use_container_width=True, returned_objects=[])
st.caption(ui.t("Larger markers rest on firmer facts: ● audit, ◆ suggestion, ■ OpenStreetMap, ▲ presumption; grey dashed ? = unknown."))
