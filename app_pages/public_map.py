"""Orte für mich: approved places split by their verdict for the groups a resident chooses."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from audits.store import verdicts_for_area
from audits.vocabulary import GROUP_BY_ID, GROUP_IDS
from catalogue.store import PlaceInfo
from storage.db import session_scope
from suggestions.store import PublicPlaces, public_places
from webui import ui
from webui.webmap import VERDICT_LOOK, MapPoint, build_points_map

# The three lists, in this order; colours as on the staff maps.
BUCKETS = ("open", "limited", "unknown")


def bucket_texts() -> dict[str, tuple[str, str]]:
    """``bucket -> (label, explanation)`` in the user's language."""
    return {
        "open": (ui.t("open"), ui.t("Open to all the groups you chose.")),
        "limited": (ui.t("partly open"), ui.t("Only partly open to at least one of the groups you chose.")),
        "unknown": (ui.t("not checked yet"), ui.t("We do not know yet – this does not mean the place is not open.")),
    }


def group_labels() -> dict[str, str]:
    return {g: GROUP_BY_ID[g].label(ui.get_lang()) for g in GROUP_IDS}


def rows(places: list[PlaceInfo]) -> list[dict[str, str]]:
    return [
        {
            ui.t("Name"): p.label(ui.get_lang()),
            ui.t("Type"): ui.category_text(p.category),
        }
        for p in places
    ]


def load_split(area_id: int, groups: list[str]) -> PublicPlaces:
    with session_scope(ui.get_engine(), read_only=True) as session:
        verdicts = {
            pid: {g: v.status for g, v in by_group.items()}
            for pid, by_group in verdicts_for_area(session, area_id=area_id).items()
        }
        return public_places(session, area_id=area_id, groups=groups, verdicts_by_place=verdicts)


ui.resident_language_picker()
st.title(ui.t("Places open to me"))
area = ui.published_area_select(key="public_area")
st.write(ui.t("Choose one or more groups. You then see which places are open to all of them."))
groups = st.multiselect(
    ui.t("Who should the place be open to?"),
    options=list(GROUP_IDS),
    format_func=group_labels().__getitem__,
    placeholder=ui.t("Choose groups"),
    key=ui.translated_key("public_groups"),
)
ui.remember("public_groups", groups)
if not groups:
    st.info(ui.t("Please choose at least one group."))
    st.stop()

split = load_split(area.id, groups)
texts = bucket_texts()
lists = {"open": split.open, "limited": split.limited, "unknown": split.unknown}
points = [
    MapPoint(
        lon=p.lon,
        lat=p.lat,
        title=p.label(ui.get_lang()),
        subtitle=f"{ui.category_text(p.category)} · {texts[bucket][0]}",
        color=VERDICT_LOOK[bucket][1],
    )
    for bucket in BUCKETS
    for p in lists[bucket]
]
fmap = build_points_map(
    points,
    legend_title=ui.t("Legend"),
    legend_rows=[(texts[bucket][0], VERDICT_LOOK[bucket][1]) for bucket in BUCKETS],
    tile_url=ui.get_settings().tile_url,
    bbox=area.bbox,
)
# Nothing on this map reruns the page: it only shows.
st_folium(fmap, key="public_map", height=420, use_container_width=True, returned_objects=[])
st.caption(ui.t("Places that are not open to one of the chosen groups are not shown."))
st.caption(ui.nt("{n} place in this area", "{n} places in this area", sum(len(lists[b]) for b in BUCKETS)))

tabs = st.tabs([ui.t("{label} ({n})", label=texts[b][0], n=len(lists[b])) for b in BUCKETS])
for tab, bucket in zip(tabs, BUCKETS, strict=True):
    with tab:
        st.caption(texts[bucket][1])
        if lists[bucket]:
            st.dataframe(rows(lists[bucket]), hide_index=True, width="stretch")
        else:
            st.info(ui.t("No places in this list."))
