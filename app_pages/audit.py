"""Ort prüfen: record facts about one place as a new audit version, and review audits.

The form is opened for a place once: the audit version and the values it shows are kept in
``st.session_state`` and never re-read on a rerun, so a save compares the version the form was
opened with against the stored one inside the atomic update of ``audits.store.save_audit``.
Fact widgets do not rerun the page while typing (``on_change="ignore"``) and keep their values
while hidden (``persist_state``), so switching the group shown loses nothing.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any, Final

import streamlit as st
from sqlalchemy import Engine
from streamlit_folium import st_folium

from audits.errors import AuditConflict
from audits.hours import analyse_opening_hours
from audits.rules import presumed_label
from audits.store import (
    METHOD_LABELS,
    REVIEW_LABELS,
    REVIEW_TRANSITIONS,
    AuditVersion,
    PlaceAudits,
    audit_history,
    current_audit_version,
    current_facts,
    load_area_audits,
    save_audit,
    set_review_state,
)
from audits.vocabulary import (
    GROUP_BY_ID,
    GROUP_IDS,
    GROUPS,
    LANGUAGE_NAMES,
    LANGUAGES,
    NOT_APPLICABLE,
    NUMBER,
    OPENING_HOURS,
    SECTIONS,
    SOURCE_LABELS,
    STATUS_LABELS,
    STATUS_VALUES,
    UNKNOWN,
    Fact,
    FactValue,
    facts_for_group,
    facts_in_form_order,
    format_value,
)
from base.errors import AtlasError
from base.i18n import N_, language_name
from catalogue.store import AreaInfo, PlaceInfo, list_areas, load_places
from exports.field_sheet import MEDIA_TYPE as SHEET_MEDIA_TYPE
from exports.field_sheet import SHEET_LANGUAGES, load_field_sheets_pdf, place_cell
from storage.db import session_scope
from webui import ui, verdicts
from webui.webmap import (
    build_places_map,
    compute_view_for_bbox,
    pick_clicked_place,
    place_title,
    place_titles,
    verdict_marker_styles,
)

REVIEW_ACTIONS: dict[str, str] = {
    "approved": N_("Approve"),
    "has_issues": N_("Mark as having issues"),
    "rejected": N_("Reject"),
}

ALL = "all"
GROUP_KEY = "audit_group"
PLACE_KEY = "audit_place"
AREA_PICK_KEY = "audit_area_pick"
# The signed-in account (``accounts.auth.Actor``), put there by the login page.
ACTOR_KEY = "actor"
FORM_METHODS = ("on_site", "phone", "desk")
# Widgets keep their value while hidden (another group shown) and across page switches.
PERSIST: Final = "session"
MAP_HEIGHT = 420


def expected_key(place_id: int) -> str:
    return f"audit_expected_{place_id}"


def opened_key(place_id: int) -> str:
    return f"audit_opened_{place_id}"


def conflict_key(place_id: int) -> str:
    return f"audit_conflict_{place_id}"


def fact_key(place_id: int, fact_id: str) -> str:
    return f"audit_{place_id}_{fact_id}"


def na_key(place_id: int, fact_id: str) -> str:
    return f"audit_{place_id}_{fact_id}_na"


def actor_name() -> str | None:
    """The signed-in person's name, when the login page put an actor into the session."""
    actor = st.session_state.get(ACTOR_KEY)
    name = getattr(actor, "name", None)
    return name if name and not getattr(actor, "is_public", False) else None


# ------------------------------------------------------------------ values: widget ↔ fact


def widget_value(fact: Fact, fv: FactValue | None) -> Any:
    """What the widget of ``fact`` starts with for a stored value.

    A presumed value is no record: the widget starts empty, so saving never turns a presumption
    into an audited fact nobody checked (the caption shows the presumption).
    """
    value = fv.value if fv is not None and fv.source != "presumption" else None
    if fact.kind == NUMBER:
        return value if isinstance(value, int | float) else None
    if fact.kind == OPENING_HOURS:
        return "" if value in (None, UNKNOWN) else str(value)
    if fact.kind == LANGUAGES:
        return list(value) if isinstance(value, tuple | list) else []
    return value if value in STATUS_VALUES else UNKNOWN


def form_value(place_id: int, fact: Fact, opened: dict[str, FactValue]) -> Any:
    """The value the form holds for ``fact`` now, in the shape ``save_audit`` takes (None: blank)."""
    key = fact_key(place_id, fact.id)
    value = st.session_state[key] if key in st.session_state else widget_value(fact, opened.get(fact.id))
    if fact.kind == NUMBER:
        na_default = opened.get(fact.id) is not None and opened[fact.id].value == NOT_APPLICABLE
        if st.session_state.get(na_key(place_id, fact.id), na_default):
            return NOT_APPLICABLE
        return value
    if fact.kind == LANGUAGES:
        return tuple(value) or None
    if fact.kind == OPENING_HOURS:
        return value.strip() or None
    return value


def opened_value(fact: Fact, opened: dict[str, FactValue]) -> Any:
    fv = opened.get(fact.id)
    if fact.kind == NUMBER and fv is not None and fv.value == NOT_APPLICABLE:
        return NOT_APPLICABLE
    value = widget_value(fact, fv)
    if fact.kind == LANGUAGES:
        return tuple(value) or None
    if fact.kind == OPENING_HOURS:
        return value or None
    return value


def collect_facts(place_id: int, opened: dict[str, FactValue], shown: list[Fact]) -> dict[str, Any]:
    """The facts this audit records: every changed fact, and every shown fact with a known value.

    Shown facts count as checked by the auditor (also when they confirm an OSM value); facts of
    other groups that nobody touched stay as they are.
    """
    shown_ids = {f.id for f in shown}
    recorded: dict[str, Any] = {}
    for fact in facts_in_form_order():
        value = form_value(place_id, fact, opened)
        changed = value != opened_value(fact, opened)
        known = value is not None and value != UNKNOWN
        if changed and not known:
            recorded[fact.id] = UNKNOWN  # a value taken back: now unknown
        elif changed or (known and fact.id in shown_ids):
            recorded[fact.id] = value
    return recorded


def open_form(engine: Engine, place_id: int) -> dict[str, FactValue]:
    """The values the form was opened with; on first opening also the audit version to compare."""
    if expected_key(place_id) not in st.session_state:
        with session_scope(engine, read_only=True) as session:
            st.session_state[expected_key(place_id)] = current_audit_version(session, place_id=place_id)
            st.session_state[opened_key(place_id)] = current_facts(session, place_id=place_id)
    return st.session_state[opened_key(place_id)]


def close_form(place_id: int) -> None:
    """Forget the opened version, the values and the widgets: the next run opens it afresh."""
    prefix = f"audit_{place_id}_"
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith(prefix):
            del st.session_state[key]
    for key in (expected_key(place_id), opened_key(place_id), conflict_key(place_id)):
        st.session_state.pop(key, None)


# ------------------------------------------------------------------ widgets


def fact_widget(place_id: int, fact: Fact, fv: FactValue | None, lang: str) -> None:
    key = fact_key(place_id, fact.id)
    if key not in st.session_state:
        st.session_state[key] = widget_value(fact, fv)
    label = fact.label(lang) + (f" ({fact.unit})" if fact.unit else "")
    common: dict[str, Any] = {
        "key": key,
        "help": fact.question(lang),
        "on_change": "ignore",
        "persist_state": PERSIST,
    }
    if fact.kind == NUMBER:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        c1.number_input(
            label, step=1 if fact.integer else 0.5, placeholder=ui.t("empty = unknown"), **common
        )
        na = na_key(place_id, fact.id)
        if na not in st.session_state:
            st.session_state[na] = fv is not None and fv.value == NOT_APPLICABLE
        c2.checkbox(verdicts.label_of(STATUS_LABELS, NOT_APPLICABLE, lang), key=na, on_change="ignore",
                    persist_state=PERSIST)  # fmt: skip
    elif fact.kind == LANGUAGES:
        names = {code: language_name(code, lang, en) for code, _de, en in LANGUAGE_NAMES}
        for code in st.session_state[key]:
            names.setdefault(code, code)
        st.multiselect(
            label,
            options=list(names),
            format_func=lambda code: names.get(code, code),
            accept_new_options=True,
            **common,
            placeholder=ui.t("Choose options"),
        )
    elif fact.kind == OPENING_HOURS:
        value = st.text_input(label, placeholder="Mo-Fr 10:00-18:00", **common)
        info = analyse_opening_hours(value) if value and value.strip() else None
        if info is not None and not info.parses:
            st.warning(ui.md(ui.t("“{raw}” is not valid OSM opening_hours; it is stored as typed and flagged.", raw=value.strip())))
    else:
        labels = {s: verdicts.label_of(STATUS_LABELS, s, lang) for s in STATUS_LABELS}
        st.radio(
            label, options=list(STATUS_VALUES), format_func=labels.__getitem__, horizontal=True, **common
        )
    st.caption(ui.md(current_caption(fact, fv, lang)))


def current_caption(fact: Fact, fv: FactValue | None, lang: str) -> str:
    """The value the form was opened with, its source and date ("bisher: ja · OSM · ohne Datum")."""
    if fv is None or fv.value is None:
        return ui.t("So far: not recorded")
    if fv.source == "presumption":
        return ui.t(
            "Not recorded; presumed: {value} ({presumption}). Please check on site.",
            value=format_value(fact.id, fv.value, lang),
            presumption=presumed_label(fv.presumption, lang),
        )
    parts = [ui.t(SOURCE_LABELS.get(fv.source, fv.source))]
    parts.append(ui.date_text(fv.checked_on) if fv.checked_on else ui.t("no date"))
    if fv.auditor:
        parts.append(fv.auditor)
    text = ui.t("So far: {value} · {source}", value=format_value(fact.id, fv.value, lang), source=" · ".join(parts))
    if fv.source == "osm" and fv.raw:
        text += " · " + ui.t("OSM value “{raw}”", raw=fv.raw)
    return text


def shown_facts(group: str) -> list[Fact]:
    facts = facts_in_form_order() if group == ALL else list(facts_for_group(group))
    return sorted(facts, key=lambda f: [s.id for s in SECTIONS].index(f.section))


def conflict_lines(err: AuditConflict, lang: str) -> list[str]:
    lines = []
    for change in err.changes:
        facts = "; ".join(verdicts.change_text(c, lang) for c in change.changed) or ui.t("no change")
        lines.append(
            ui.t(
                "Version {version} by {auditor}, saved {saved} UTC (visit {visit}): {facts}",
                version=change.version,
                auditor=change.auditor,
                saved=ui.datetime_text(change.created_at),
                visit=ui.date_text(change.visit_date),
                facts=facts,
            )
        )
    return lines


def show_conflict(err: AuditConflict, place_id: int) -> None:
    lang = ui.get_lang()
    body = [ui.md(ui.t("Not saved: this place was audited meanwhile (opened at version {opened}, now version {current}). What changed:", opened=err.expected, current=err.current))]
    body += [f"- {ui.md(line)}" for line in conflict_lines(err, lang)]
    # A blank line ends the list, so the advice is not read as part of the last item.
    st.error("\n".join(body) + "\n\n" + ui.md(ui.t("Your entries are still in the form. Reload the current values, compare, and save your findings again.")))
    if st.button(ui.t("Reload current values"), key=f"audit_reload_{place_id}", icon=":material/refresh:"):
        close_form(place_id)
        st.rerun()


# ------------------------------------------------------------------ page parts


def pick_place(
    places: list[PlaceInfo], area: AreaInfo, audits: dict[int, PlaceAudits], group: str
) -> PlaceInfo | None:
    lang = ui.get_lang()
    by_id = {p.id: p for p in places}
    with st.expander(ui.t("Pick the place on the map"), expanded=st.session_state.get(PLACE_KEY) is None):
        colour_by = None if group == ALL else {pid: pa.verdicts[group].status for pid, pa in audits.items()}
        fmap = build_places_map(
            places,
            lang=lang,
            tile_url=ui.get_settings().tile_url,
            bbox=area.bbox,
            colour_by=colour_by,
            marker_styles=verdict_marker_styles(lang),
            legend_title=None if group == ALL else GROUP_BY_ID[group].label(lang),
        )
        # A fixed view, not only fitBounds: after a save the map is redrawn inside the closed
        # expander, where Leaflet sees a map of size 0 and would fit the area at zoom 0 (the world).
        view = compute_view_for_bbox(area.bbox, height_px=MAP_HEIGHT)
        result = st_folium(
            fmap,
            key="audit_map",
            height=MAP_HEIGHT,
            use_container_width=True,
            center=view.center,
            zoom=view.zoom,
            returned_objects=["last_object_clicked", "last_object_clicked_tooltip"],
        )
    obj = (result or {}).get("last_object_clicked")
    if obj and obj != st.session_state.get("_audit_seen_obj"):
        st.session_state["_audit_seen_obj"] = obj
        clicked = pick_clicked_place(
            places,
            lat=obj["lat"],
            lon=obj["lng"],
            tooltip=result.get("last_object_clicked_tooltip"),
            lang=lang,
        )
        if clicked is not None:
            st.session_state[PLACE_KEY] = clicked.id
    if st.session_state.get(PLACE_KEY) not in by_id:
        st.session_state[PLACE_KEY] = None
    names: dict[int | None, str] = {None: ui.t("– none –")}
    names.update(place_titles(places, lang=lang).items())
    place_id = st.selectbox(
        ui.t("Place (type a name to search)"),
        options=list(names),
        format_func=names.__getitem__,
        key=PLACE_KEY,
        placeholder=ui.t("– none –"),
    )
    return by_id.get(place_id) if place_id is not None else None


def metadata(place_id: int, lang: str) -> dict[str, Any]:
    st.markdown("**" + ui.t("About this audit") + "**")
    name = actor_name()
    c1, c2, c3 = st.columns(3)
    if name:
        c1.text_input(ui.t("Auditor"), value=name, disabled=True)
        auditor = name
    else:
        auditor = c1.text_input(
            ui.t("Auditor"), key="audit_auditor", on_change="ignore", persist_state=PERSIST
        )
    visit = c2.date_input(
        ui.t("Visit date"), value=date.today(), max_value=date.today(), format="DD.MM.YYYY",
        key="audit_visit_date", on_change="ignore", persist_state=PERSIST,
    )  # fmt: skip
    methods = {m: verdicts.label_of(METHOD_LABELS, m, lang) for m in FORM_METHODS}
    method = c3.radio(
        ui.t("Method"), options=list(methods), format_func=methods.__getitem__,
        key="audit_method", on_change="ignore", persist_state=PERSIST,
    )  # fmt: skip
    groups = {g.id: g.label(lang) for g in GROUPS}
    participation = st.multiselect(
        ui.t("People from these groups took part"), options=list(groups), format_func=groups.__getitem__,
        key=f"audit_{place_id}_participation", on_change="ignore", persist_state=PERSIST,
        placeholder=ui.t("Choose options"),
    )  # fmt: skip
    notes = st.text_area(
        ui.t("Notes"), key=f"audit_{place_id}_notes", on_change="ignore", persist_state=PERSIST
    )
    return {
        "auditor": auditor or "",
        "visit_date": visit,
        "method": method,
        "group_participation": participation,
        "notes": notes or "",
    }


def audit_form(engine: Engine, place: PlaceInfo, group: str) -> None:
    lang = ui.get_lang()
    opened = open_form(engine, place.id)
    expected = st.session_state[expected_key(place.id)]
    st.caption(ui.t("Opened at audit version {version}. Typing does not reload the page; entries are kept when you switch the group.", version=expected))
    shown = shown_facts(group)
    section_ids = [s.id for s in SECTIONS]
    current_section = None
    for fact in shown:
        if fact.section != current_section:
            current_section = fact.section
            st.markdown(f"##### {SECTIONS[section_ids.index(fact.section)].label(lang)}")
        fact_widget(place.id, fact, opened.get(fact.id), lang)
    meta = metadata(place.id, lang)
    st.caption(ui.t("Saved are the facts shown with a known value and every fact you changed, as a new version; earlier versions stay."))
    if st.button(ui.t("Save audit"), type="primary", key=f"audit_save_{place.id}", icon=":material/save:"):
        save(engine, place, expected, collect_facts(place.id, opened, shown), meta)
    err = st.session_state.get(conflict_key(place.id))
    if err is not None:
        show_conflict(err, place.id)


def save(
    engine: Engine, place: PlaceInfo, expected: int, facts: dict[str, Any], meta: dict[str, Any]
) -> None:
    try:
        with session_scope(engine) as session:
            info = save_audit(
                session,
                actor=ui.current_actor(),
                place_id=place.id,
                expected_version=expected,
                facts=facts,
                **meta,
            )
    except AuditConflict as err:
        # Kept until the user reloads: the entries stay in the form for comparison.
        st.session_state[conflict_key(place.id)] = err
        return
    except AtlasError as err:
        ui.show_error(err)
        return
    close_form(place.id)
    ui.flash(ui.t("Audit saved as version {version} ({facts} facts).", version=info.version, facts=len(info.facts)))
    st.rerun()


def review_section(engine: Engine, history: list[AuditVersion]) -> None:
    lang = ui.get_lang()
    if not history:
        st.caption(ui.t("No audit saved yet."))
        return
    name = actor_name()
    if name:
        reviewer = name
    else:
        reviewer = st.text_input(
            ui.t("Reviewer's name"), key="audit_reviewer", on_change="ignore", persist_state=PERSIST
        )
    for version in history:
        audit = version.audit
        with st.container(border=True):
            state = verdicts.label_of(REVIEW_LABELS, audit.review_state, lang)
            st.markdown(
                ui.md(
                    ui.t(
                        "Version {version} · {auditor} · visit {visit} · state: {state}",
                        version=audit.version,
                        auditor=audit.auditor,
                        visit=ui.date_text(audit.visit_date),
                        state=state,
                    )
                )
            )
            if version.changed:
                st.caption(ui.md("; ".join(verdicts.change_text(c, lang) for c in version.changed)))
            if audit.notes:
                st.caption(ui.md(audit.notes))
            allowed = REVIEW_TRANSITIONS.get(audit.review_state, ())
            if not allowed:
                continue
            note = st.text_input(ui.t("Note on the decision"), key=f"review_note_{audit.id}", on_change="ignore")
            columns = st.columns(len(allowed))
            for column, target in zip(columns, allowed, strict=True):
                if column.button(ui.t(REVIEW_ACTIONS[target]), key=f"review_{audit.id}_{target}"):
                    try:
                        with session_scope(engine) as session:
                            set_review_state(
                                session,
                                actor=ui.current_actor(),
                                audit_id=audit.id,
                                state=target,
                                reviewer=reviewer or "",
                                note=note or "",
                            )
                    except AtlasError as err:
                        ui.show_error(err)
                    else:
                        ui.flash(
                            ui.t(
                                "Version {version} is now: {state}.",
                                version=audit.version,
                                state=verdicts.label_of(REVIEW_LABELS, target, lang),
                            )
                        )
                        st.rerun()


def field_sheet_download(engine: Engine, area: AreaInfo, place: PlaceInfo, group: str) -> None:
    """A printable checklist for the visit; the PDF is made only when the button is clicked."""
    lang = ui.get_lang()
    with st.expander(ui.t("Field sheet for the visit (PDF)"), icon=":material/print:"):
        st.caption(ui.t("An A4 form with a map and the checklist of the chosen groups; every field names the column the audit CSV import reads, so results typed in later need no mapping."))
        names = {g.id: g.label(lang) for g in GROUPS}
        chosen = st.multiselect(
            ui.t("Groups on the sheet"), options=list(names), format_func=names.__getitem__,
            default=list(GROUP_IDS) if group == ALL else [group], key=f"sheet_groups_{place.id}",
            placeholder=ui.t("Choose options"),
        )  # fmt: skip
        sheet_lang = lang if lang in SHEET_LANGUAGES else "de"
        st.download_button(
            ui.t("Field sheet (PDF)"),
            data=functools.partial(
                load_field_sheets_pdf, engine, area_id=area.id, place_ids=[place.id], groups=chosen, lang=sheet_lang
            ),
            file_name="feldbogen_" + place_cell(place).replace("/", "_") + ".pdf",
            mime=SHEET_MEDIA_TYPE,
            on_click="ignore",
            icon=":material/download:",
            key=f"sheet_download_{place.id}",
            disabled=not chosen,
        )


# ------------------------------------------------------------------ page

engine = ui.get_engine()
lang = ui.get_lang()
st.title(ui.t("Audit a place"))
ui.show_flash()

with session_scope(engine, read_only=True) as session:
    areas = list_areas(session)
if not areas:
    st.info(ui.t("No places yet: import an area first."))
    st.page_link("app_pages/import_data.py", label=ui.t("Import data"))
    st.stop()

if (handover := ui.take_audit_handover()) is not None:
    # Opened from the task list for one place: its area and the place are chosen.
    st.session_state[AREA_PICK_KEY], st.session_state[PLACE_KEY] = handover
area = ui.area_select(areas, label=ui.t("Area"), key=AREA_PICK_KEY)
with session_scope(engine, read_only=True) as session:
    places = load_places(session, area_id=area.id)
    area_audits = load_area_audits(session, area_id=area.id)

group_names = {ALL: ui.t("all facts"), **{g.id: g.label(lang) for g in GROUPS}}
group = st.selectbox(
    ui.t("What matters for:"), options=[*GROUP_IDS, ALL], format_func=group_names.__getitem__, key=GROUP_KEY, placeholder=ui.t("Choose an option")
)
if group != ALL:
    st.caption(GROUP_BY_ID[group].description(lang))

place = pick_place(places, area, area_audits, group)
if place is None:
    st.info(ui.t("Pick a place on the map or in the list."))
    st.stop()

with session_scope(engine, read_only=True) as session:
    history = audit_history(session, place_id=place.id)

st.subheader(ui.md(place_title(place, lang=lang)))
field_sheet_download(engine, area, place, group)
form_tab, verdict_tab, review_tab = st.tabs(
    [ui.t("Record facts"), ui.t("Verdicts and history"), ui.t("Review")]
)
with form_tab:
    audit_form(engine, place, group)
with verdict_tab:
    verdicts.show_place_audits(area_audits.get(place.id), history, group=None if group == ALL else group)
with review_tab:
    review_section(engine, history)
