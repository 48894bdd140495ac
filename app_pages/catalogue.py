"""Katalog: the places of encounter of one area – map, table, details, additions, downloads."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import streamlit as st
from sqlalchemy import Engine
from streamlit_folium import st_folium

from audits.rules import presumed_label
from audits.store import PlaceAudits, audit_history, current_opening_hours, load_area_audits, presumed_only
from audits.vocabulary import GROUP_BY_ID, GROUPS, format_value
from base.errors import AtlasError
from base.i18n import N_
from base.text import clean_text
from catalogue.categories import CATEGORIES, CATEGORY_BY_ID, CATEGORY_IDS
from catalogue.importer import import_sample
from catalogue.store import (
    CURATORS,
    AreaInfo,
    PlaceInfo,
    add_manual_place,
    list_areas,
    load_places,
    set_area_published,
    set_place_status,
    update_place,
)
from exports.places import MEDIA_TYPES, export_places_bytes
from storage.db import session_scope
from webui import ui, verdicts
from webui.webmap import (
    build_places_map,
    pick_clicked_place,
    place_is_inactive,
    place_texts,
    place_titles,
    verdict_marker_styles,
)

ORIGIN_LABELS: dict[str, str] = {"osm": N_("OpenStreetMap"), "manual": N_("added manually"), "suggestion": N_("suggestion")}
FILTER_LABELS: dict[str, str] = {
    "all": N_("all ({count})"),
    "open": N_("open ({count})"),
    "open_limited": N_("open or partly open ({count})"),
    "limited": N_("partly open ({count})"),
    "not_open": N_("not open ({count})"),
    "unknown": N_("unknown ({count})"),
}

PLACE_KEY = "place_pick"
# A place to select on the next run (the selectbox's own key cannot change once it is drawn).
PENDING_KEY = "place_pick_next"
# The add-place form's widgets get new keys after each change (``reset_add_form``): deleting a
# widget's key leaves the browser holding the old value, which it sends back on the next click
# (the old name and coordinates came back after "close" and were added a second time).
ADD_FORM_GEN_KEY = "add_form_gen"
# The group whose verdict colours map and table (None: colour by category).
GROUP_KEY = "verdict_group"
DOWNLOADS = (
    ("geojson", "application/geo+json"),
    ("gpkg", "application/geopackage+sqlite3"),
    ("csv", "text/csv"),
    ("xlsx", MEDIA_TYPES["xlsx"]),
)


def new_key(field: str) -> str:
    """Widget key of an add-form field (``new_name``, ``new_lat`` …) in the current form generation."""
    gen = st.session_state.get(ADD_FORM_GEN_KEY, 0)
    return field if gen == 0 else f"{field}_{gen}"


def reset_add_form() -> None:
    """An empty add-place form on the next run: fresh widgets, nothing carried over."""
    for field in ("new_name", "new_category", "new_lat", "new_lon"):
        st.session_state.pop(new_key(field), None)
    st.session_state[ADD_FORM_GEN_KEY] = st.session_state.get(ADD_FORM_GEN_KEY, 0) + 1


def status_text(place: PlaceInfo) -> str:
    if place.status == "closed":
        return ui.t("closed")
    if place.missing_since is not None:
        return ui.t("missing from OSM since {date}", date=ui.date_text(place.missing_since))
    return ui.t("active")


def category_label(category_id: str, lang: str) -> str:
    category = CATEGORY_BY_ID.get(category_id)
    return category.label(lang) if category else category_id


def category_labels() -> dict[str, str]:
    # Widgets get plain dict lookups as format_func: AppTest calls them outside a script run.
    return {cid: category_label(cid, ui.get_lang()) for cid in CATEGORY_IDS}


def place_options(places: list[PlaceInfo], lang: str) -> dict[int | None, str]:
    """Selectbox texts; places with the same name and category get their address or OSM ref added."""
    texts = place_titles(
        places,
        lang=lang,
        suffix=lambda p: f" ({status_text(p)})" if place_is_inactive(p) else "",
        detail=lambda p: p.address,
    )
    return {None: ui.t("– none –")} | texts


def onboarding(engine: Engine) -> None:
    st.subheader(ui.t("No data yet"))
    if ui.current_actor().role not in ("manager", "admin"):
        # Planners cannot import (the import page is not theirs): say who can.
        st.info(ui.t("The database is still empty. Neighbourhood managers or administrators import data."))
        return
    st.info(ui.t("The database is empty. This is how places of encounter get into the catalogue:"))
    st.page_link("app_pages/import_data.py", label=ui.t("Import an OSM extract file (.osm, .pbf, .bz2, .gz) of a neighbourhood"), icon=":material/upload_file:")
    st.page_link("app_pages/import_data.py", label=ui.t("Fetch a place live from OpenStreetMap (needs internet)"), icon=":material/public:")
    if st.button(ui.t("Load the sample data (Helsinki, works offline)"), icon=":material/dataset:", type="primary", key="onboarding_sample"):
        area_name = ui.t("Helsinki (sample data)")
        summary = ui.run_import(
            lambda: import_sample(engine, actor=ui.current_actor(), area_name=area_name)
        )
        if summary is not None:
            ui.flash(ui.import_summary_text(summary))
            st.rerun()


def pick_area(areas: list[AreaInfo]) -> AreaInfo:
    area = ui.area_select(
        areas,
        label=ui.t("Area"),
        key="area_pick",
        option_label=lambda a: ui.nt("{name} ({n} place)", "{name} ({n} places)", a.place_count, name=a.name),
    )
    imported = ui.datetime_text(area.imported_at) if area.imported_at else "–"
    st.caption(
        ui.md(
            ui.t(
                "{name}: {count} places, source {source}, imported {imported}", name=area.name, count=area.place_count, source=area.source, imported=imported
            )
        )
    )
    publish_control(area)
    return area


def publish_control(area: AreaInfo) -> None:
    """Whether residents see this area, and (for managers and admins) the switch."""
    st.caption(ui.t("Published: shown on the residents' pages.") if area.published else ui.t("Not published: residents do not see this area."))
    if ui.current_actor().role not in ("manager", "admin"):
        return
    label = ui.t("Unpublish") if area.published else ui.t("Publish for residents")
    if st.button(label, key=f"publish_{area.id}", icon=":material/visibility:"):
        try:
            with session_scope(ui.get_engine()) as session:
                changed = set_area_published(
                    session, actor=ui.current_actor(), area_id=area.id, published=not area.published
                )
        except AtlasError as err:
            ui.show_error(err)
            return
        if changed.published:
            ui.flash(ui.t("“{name}” is published.", name=changed.name))
        else:
            ui.flash(ui.t("“{name}” is no longer published.", name=changed.name))
        st.rerun()


def filter_places(places: list[PlaceInfo], *, categories: list[str], query: str) -> list[PlaceInfo]:
    wanted = set(categories)
    needle = query.strip().casefold()
    # The locator counts too: "Goethestraße" finds the unnamed playground there.
    return [
        p for p in places
        if p.category in wanted and (not needle or needle in f"{p.name or ''} {p.locator or ''}".casefold())
    ]


def handle_map_click(result: dict | None, places: list[PlaceInfo]) -> None:
    """A marker click selects its place; a click on the empty map sets the new place's location."""
    if not result:
        return
    obj = result.get("last_object_clicked")
    click = result.get("last_clicked")
    if obj and obj != st.session_state.get("_seen_obj"):
        st.session_state["_seen_obj"] = obj
        st.session_state["_seen_click"] = click  # the same click also reached the map
        place = pick_clicked_place(
            places,
            lat=obj["lat"],
            lon=obj["lng"],
            tooltip=result.get("last_object_clicked_tooltip"),
            lang=ui.get_lang(),
        )
        if place is not None:
            st.session_state[PLACE_KEY] = place.id
    elif click and click != st.session_state.get("_seen_click"):
        st.session_state["_seen_click"] = click
        st.session_state[new_key("new_lat")] = round(float(click["lat"]), 6)
        st.session_state[new_key("new_lon")] = round(float(click["lng"]), 6)


def hours_text(place: PlaceInfo, audits: PlaceAudits | None) -> str:
    """The opening hours in force: an audit's over OSM's."""
    fv = current_opening_hours(audits.facts) if audits is not None else None
    return str(fv.value) if fv is not None else place.opening_hours


def places_table(
    places: list[PlaceInfo],
    verdict_of: dict[int, str] | None = None,
    audits_of: Mapping[int, PlaceAudits] | None = None,
) -> list[dict[str, str]]:
    """The table rows; with ``verdict_of`` (place id → verdict for the chosen group) a verdict column."""
    lang = ui.get_lang()
    group = GROUP_BY_ID.get(st.session_state.get(GROUP_KEY) or "")
    rows = []
    for p in places:
        row = {ui.t("Name"): p.label(lang)}
        if verdict_of is not None and group is not None:
            verdict = verdicts.verdict_text(verdict_of.get(p.id, "unknown"), lang)
            row[ui.t("Verdict: {group}", group=group.label(lang))] = verdict
        row |= {
            ui.t("Category"): category_label(p.category, lang),
            ui.t("Status"): status_text(p),
            ui.t("Origin"): ui.t(ORIGIN_LABELS.get(p.origin, p.origin)),
            ui.t("Address"): p.address,
            ui.t("Opening hours"): hours_text(p, (audits_of or {}).get(p.id)),
            ui.t("OSM object"): p.ref or "",
        }
        rows.append(row)
    return rows


def may_curate() -> bool:
    """Managers and admins edit places; planners only read (the store functions check it again)."""
    return ui.current_actor().role in CURATORS


def place_detail(engine: Engine, place: PlaceInfo, audits: PlaceAudits | None = None) -> None:
    name, label = place_texts(place, lang=ui.get_lang())
    st.subheader(ui.md(name))
    category_word, status_word = ui.t("Category"), ui.t("Status")
    st.write(f"**{category_word}:** {ui.md(label)} · **{status_word}:** {ui.md(status_text(place))}")
    address_word, address = ui.t("Address"), place.address or ui.t("not given")
    st.write(f"**{address_word}:** {ui.md(address)}")
    hours = current_opening_hours(audits.facts) if audits is not None else None
    if hours is not None and hours.source == "audit" and hours.checked_on is not None:
        st.write("**" + ui.t("Opening hours (audited on {date})", date=ui.date_text(hours.checked_on)) + ":**")
        st.code(str(hours.value), language=None)
        if place.opening_hours and place.opening_hours != hours.value:
            st.caption(ui.md(ui.t("OSM says: {hours}", hours=place.opening_hours)))
    else:
        st.write("**" + ui.t("Opening hours (as in OSM)") + ":**")
        st.code(place.opening_hours or ui.t("not given"), language=None)
    presumed = presumed_only(audits.facts) if audits is not None else {}
    if presumed:
        st.write("**" + ui.t("Presumed, not checked") + ":**")
        lang = ui.get_lang()
        for fact_id, fv in presumed.items():
            line = ui.t(
                "{fact}: {value} (presumed: {presumption})",
                fact=verdicts.fact_label(fact_id, lang),
                value=format_value(fact_id, fv.value, lang),
                presumption=presumed_label(fv.presumption, lang),
            )
            st.markdown("- " + ui.md(line))
        st.caption(ui.t("An on-site audit replaces every presumption; a presumption never closes a place to a group."))
    if place.osm_url:
        st.link_button(ui.t("View in OpenStreetMap"), place.osm_url, icon=":material/open_in_new:")
    if place.merged_refs:
        st.caption(ui.md(ui.t("Merged with (the same place in OSM): {refs}", refs=", ".join(place.merged_refs))))
    if place.last_seen_at is not None:
        st.caption(ui.t("Last seen in OSM: {date}", date=ui.date_text(place.last_seen_at)))
    if place.tags:
        st.caption(ui.t("OSM tags"))
        st.dataframe(
            # Raw OSM values, shown with controls and bidi/invisible characters neutralised.
            [
                {ui.t("Key"): clean_text(k, neutralise=True), ui.t("Value"): clean_text(v, neutralise=True)}
                for k, v in sorted(place.tags.items())
            ],
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(ui.t("No OSM tags."))
    with session_scope(engine, read_only=True) as session:
        history = audit_history(session, place_id=place.id)
    verdicts.show_place_audits(audits, history, group=st.session_state.get(GROUP_KEY))

    if not may_curate():
        return
    closed = place.status == "closed"
    if st.button(ui.t("Reopen") if closed else ui.t("Mark as closed"), key=f"status_{place.id}"):
        try:
            with session_scope(engine) as session:
                set_place_status(session, actor=ui.current_actor(), place_id=place.id, closed=not closed)
        except AtlasError as err:
            ui.show_error(err)
        else:
            reset_add_form()
            ui.flash(ui.t("“{name}” is open again.", name=name) if closed else ui.t("“{name}” is marked closed.", name=name))
            st.rerun()

    if place.origin == "manual":
        with st.expander(ui.t("Edit manual place")), st.form(f"edit_{place.id}"):
            new_name = st.text_input(ui.t("Name"), value=place.name or "")
            new_category = st.selectbox(
                ui.t("Category"),
                options=list(CATEGORY_IDS),
                index=CATEGORY_IDS.index(place.category) if place.category in CATEGORY_IDS else 0,
                format_func=category_labels().__getitem__,
                placeholder=ui.t("Choose an option"),
            )
            c1, c2 = st.columns(2)
            new_lat = c1.number_input(ui.t("Latitude (lat)"), value=place.lat, format="%.6f")
            new_lon = c2.number_input(ui.t("Longitude (lon)"), value=place.lon, format="%.6f")
            if st.form_submit_button(ui.t("Save changes")):
                try:
                    with session_scope(engine) as session:
                        update_place(
                            session,
                            actor=ui.current_actor(),
                            place_id=place.id,
                            name=new_name,
                            category=new_category,
                            lon=new_lon,
                            lat=new_lat,
                        )
                except AtlasError as err:
                    ui.show_error(err)
                else:
                    reset_add_form()
                    ui.flash(ui.t("Saved."))
                    st.rerun()


def add_place_form(engine: Engine, area: AreaInfo) -> None:
    lat_key, lon_key = new_key("new_lat"), new_key("new_lon")
    clicked = st.session_state.get(lat_key) is not None
    with st.expander(ui.t("Add a place OpenStreetMap lacks"), expanded=clicked), st.form("add_place"):
        st.caption(ui.t("Location: click the map or enter coordinates (WGS84, decimal degrees)."))
        if clicked and st.session_state.get(lon_key) is not None:
            st.caption(ui.t("Chosen location: {lat:.6f}, {lon:.6f}", lat=st.session_state[lat_key], lon=st.session_state[lon_key]))
        name = st.text_input(ui.t("Name"), key=new_key("new_name"))
        category = st.selectbox(
            ui.t("Category"),
            options=list(CATEGORY_IDS),
            format_func=category_labels().__getitem__,
            key=new_key("new_category"),
            placeholder=ui.t("Choose an option"),
        )
        c1, c2 = st.columns(2)
        lat = c1.number_input(ui.t("Latitude (lat)"), value=None, format="%.6f", key=lat_key)
        lon = c2.number_input(ui.t("Longitude (lon)"), value=None, format="%.6f", key=lon_key)
        if not st.form_submit_button(ui.t("Add place"), type="primary"):
            return
        if lat is None or lon is None:
            st.error(ui.t("Please enter latitude and longitude or click the map."))
            return
        try:
            with session_scope(engine) as session:
                added = add_manual_place(session, actor=ui.current_actor(), area_id=area.id, name=name, category=category, lon=lon, lat=lat)
        except AtlasError as err:
            ui.show_error(err)
            return
    reset_add_form()
    st.session_state[PENDING_KEY] = added.id
    ui.flash(ui.t("“{name}” was added.", name=added.name))
    st.rerun()


def downloads(places: list[PlaceInfo], area: AreaInfo) -> None:
    st.write("**" + ui.t("Download the places shown") + "**")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", area.name).strip("_") or "places"
    columns = st.columns(len(DOWNLOADS))
    for column, (fmt, mime) in zip(columns, DOWNLOADS, strict=True):
        column.download_button(
            ui.t(ui.DOWNLOAD_LABELS[fmt]),
            # Built only when clicked: exactly the places shown right now.
            data=functools.partial(export_places_bytes, places, fmt=fmt),
            file_name=f"{stem}.{fmt}",
            mime=mime,
            disabled=not places,
            on_click="ignore",
            icon=":material/download:",
            key=f"download_{fmt}",
        )


engine = ui.get_engine()
settings = ui.get_settings()
lang = ui.get_lang()
st.title(ui.t("Catalogue of places of encounter"))
ui.show_flash()

with session_scope(engine, read_only=True) as session:
    areas = list_areas(session)

if not areas:
    onboarding(engine)
    st.stop()

area = pick_area(areas)
with session_scope(engine, read_only=True) as session:
    all_places = load_places(session, area_id=area.id)

present = [c.id for c in CATEGORIES if any(p.category == c.id for p in all_places)]
f1, f2 = st.columns([3, 2])
chosen = f1.multiselect(
    ui.t("Categories"),
    options=present,
    default=present,
    placeholder=ui.t("Choose categories"),
    format_func=category_labels().__getitem__,
    key=f"category_filter_{area.id}",
)
query = f2.text_input(ui.t("Search by name"), key="name_search")
shown = filter_places(all_places, categories=chosen, query=query)
with session_scope(engine, read_only=True) as session:
    area_audits = load_area_audits(session, area_id=area.id)  # three queries, ~30 ms for 100 places
g1, g2 = st.columns([3, 2])
group_names: dict[str | None, str] = {None: ui.t("– none (colour by category) –"), **{g.id: g.label(lang) for g in GROUPS}}
verdict_group = g1.selectbox(
    ui.t("For group"), options=list(group_names), format_func=group_names.__getitem__, key=GROUP_KEY, placeholder=ui.t("Choose an option")
)
verdict_of: dict[int, str] | None = None
if verdict_group is not None:
    verdict_of = {pid: pa.verdicts[verdict_group].status for pid, pa in area_audits.items()}
    counts = {
        fid: sum(verdict_of.get(p.id, "unknown") in wanted for p in shown)
        for fid, wanted in verdicts.VERDICT_FILTERS.items()
    }
    filter_names = {fid: ui.t(FILTER_LABELS[fid], count=counts[fid]) for fid in verdicts.VERDICT_FILTERS}
    verdict_filter = g2.selectbox(
        ui.t("Verdict"), options=list(filter_names), format_func=filter_names.__getitem__, key="verdict_filter", placeholder=ui.t("Choose an option")
    )
    wanted_verdicts = verdicts.VERDICT_FILTERS[verdict_filter]
    shown = [p for p in shown if verdict_of.get(p.id, "unknown") in wanted_verdicts]
st.caption(ui.t("{shown} of {total} places shown", shown=len(shown), total=len(all_places)))

map_col, detail_col = st.columns([3, 2], gap="medium")
with map_col:
    fmap = build_places_map(
        shown,
        lang=lang,
        tile_url=settings.tile_url,
        bbox=area.bbox,
        legend_categories=present,
        colour_by=verdict_of,
        marker_styles=verdict_marker_styles(lang),
        legend_title=GROUP_BY_ID[verdict_group].label(lang) if verdict_group else None,
    )
    result = st_folium(
        fmap,
        key="catalogue_map",
        height=620,
        use_container_width=True,
        # Only clicks rerun the script; panning and zooming stay in the browser.
        returned_objects=["last_clicked", "last_object_clicked", "last_object_clicked_tooltip"],
    )
    st.caption(ui.t("Click a marker to show the place; click the empty map to set the location of a new place. The table below lists the same places."))
handle_map_click(result, shown)

with detail_col:
    by_id = {p.id: p for p in shown}
    if PENDING_KEY in st.session_state:
        st.session_state[PLACE_KEY] = st.session_state.pop(PENDING_KEY)
    if st.session_state.get(PLACE_KEY) not in by_id:
        st.session_state[PLACE_KEY] = None
    selected_id = st.selectbox(
        ui.t("Select a place"),
        options=[None, *by_id],
        format_func=place_options(shown, lang).__getitem__,
        placeholder=ui.t("– none –"),
        key=PLACE_KEY,
    )
    if selected_id is not None:
        with st.container(border=True):
            place_detail(engine, by_id[selected_id], area_audits.get(selected_id))
    if may_curate():
        add_place_form(engine, area)

st.subheader(ui.t("Places (table)"))
if shown:
    st.dataframe(places_table(shown, verdict_of, area_audits), hide_index=True, width="stretch")
else:
    st.info(ui.t("No place matches the filter and search."))
downloads(shown, area)
