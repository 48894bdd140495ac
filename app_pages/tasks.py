"""Audit tasks (Prüfaufträge): the places that need an on-site audit – list, assign, date, close.

Place names come from OSM and residents, notes from staff: shown only as table cells, widget
options and ``st.text``. Every write goes through ``audits.tasks``, which checks the role again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st
from sqlalchemy.orm import Session

from audits.tasks import (
    DONE,
    EARLIEST_DUE,
    LATEST_DUE,
    OPEN,
    REASON_LABELS,
    STATUS_FILTERS,
    Assignee,
    TaskInfo,
    assign_task,
    close_task,
    create_task,
    list_assignees,
    list_tasks,
    reopen_task,
    set_due_date,
)
from base.errors import AtlasError
from catalogue.store import AreaInfo, list_areas, load_places
from storage.db import session_scope
from webui import ui
from webui.webmap import place_label

AREA_PICK_KEY = "tasks_area_pick"
STATUS_KEY = "tasks_status"
MINE_KEY = "tasks_mine"
PICK_KEY = "tasks_pick"


def place_text(task: TaskInfo) -> str:
    return task.place_label(ui.get_lang())


def due_text(task: TaskInfo, today: date) -> str:
    if task.due_on is None:
        return ""
    # Overdue is said in words, not only shown in colour.
    if task.is_overdue(today):
        return ui.t("{date} – overdue", date=ui.date_text(task.due_on))
    return ui.date_text(task.due_on)


def task_rows(tasks: list[TaskInfo], today: date) -> list[dict[str, str]]:
    return [
        {
            ui.t("No."): str(t.id),
            ui.t("Place"): place_text(t),
            ui.t("Category"): ui.category_text(t.category),
            ui.t("Reason"): ui.t(REASON_LABELS[t.reason]),
            ui.t("Assigned to"): t.assignee_name or "",
            ui.t("Due"): due_text(t, today),
            ui.t("Status"): ui.t(STATUS_FILTERS[t.status]),
            ui.t("Created"): ui.datetime_text(t.created_at),
            ui.t("Closed"): ui.datetime_text(t.done_at) if t.done_at else "",
        }
        for t in tasks
    ]


def write(action: Callable[[Session], TaskInfo], done: str) -> None:
    """One change in one transaction; on success a message and a fresh run, else the error."""
    try:
        with session_scope(ui.get_engine()) as session:
            action(session)
    except AtlasError as err:
        ui.show_error(err)
        return
    ui.flash(done)
    st.rerun()


def add_task_form(area: AreaInfo, assignees: list[Assignee]) -> None:
    with session_scope(ui.get_engine(), read_only=True) as session:
        places = load_places(session, area_id=area.id, include_closed=False)
    lang = ui.get_lang()
    names = {p.id: " – ".join(place_label(p, lang=lang)) for p in places}
    people: dict[int | None, str] = {None: ui.t("– nobody yet –"), **{a.id: a.name for a in assignees}}
    with st.expander(ui.t("Add a task for a place")), st.form("tasks_add", clear_on_submit=True):
        place_id = st.selectbox(
            ui.t("Place (type a name to search)"), options=list(names), format_func=names.__getitem__,
            index=None, placeholder=ui.t("– none –"), key="tasks_add_place",
        )  # fmt: skip
        c1, c2 = st.columns(2)
        assignee = c1.selectbox(
            ui.t("Assigned to"), options=list(people), format_func=people.__getitem__, key="tasks_add_assignee"
        )
        due = c2.date_input(
            ui.t("Due date"), value=None, min_value=EARLIEST_DUE, max_value=LATEST_DUE, format="DD.MM.YYYY"
        )
        note = st.text_area(ui.t("Note"), height=80)
        if not st.form_submit_button(ui.t("Add task"), type="primary", key="tasks_add_submit"):
            return
    if place_id is None:
        st.warning(ui.t("Choose a place first."))
        return
    write(
        lambda s: create_task(s, actor=actor, place_id=place_id, due_on=due, assignee_id=assignee, note=note),
        ui.t("Audit task added for “{place}”.", place=names[place_id]),
    )


def edit_open_task(task: TaskInfo, assignees: list[Assignee]) -> None:
    people: dict[int | None, str] = {None: ui.t("– nobody –"), **{a.id: a.name for a in assignees}}
    if task.assignee_id is not None and task.assignee_id not in people:
        # Assigned to an account that may no longer take tasks: shown, and can be changed.
        people[task.assignee_id] = task.assignee_name or "?"
    with st.form(f"tasks_edit_{task.id}"):
        c1, c2 = st.columns(2)
        assignee = c1.selectbox(
            ui.t("Assigned to"), options=list(people), format_func=people.__getitem__,
            index=list(people).index(task.assignee_id), key=f"tasks_assignee_{task.id}",
        )  # fmt: skip
        due = c2.date_input(
            ui.t("Due date (empty: none)"), value=task.due_on, min_value=EARLIEST_DUE, max_value=LATEST_DUE,
            format="DD.MM.YYYY", key=f"tasks_due_{task.id}",
        )  # fmt: skip
        if st.form_submit_button(ui.t("Save assignment and due date"), key=f"tasks_save_{task.id}"):
            def change(s: Session) -> TaskInfo:
                changed = task
                if assignee != task.assignee_id:
                    changed = assign_task(s, actor=actor, task_id=task.id, assignee_id=assignee)
                if due != task.due_on:
                    changed = set_due_date(s, actor=actor, task_id=task.id, due_on=due)
                return changed

            write(change, ui.t("Saved."))
    with st.form(f"tasks_close_{task.id}"):
        note = st.text_area(ui.t("What was done or found (optional)"), height=80, key=f"tasks_note_{task.id}")
        if st.form_submit_button(ui.t("Close task"), type="primary", key=f"tasks_close_{task.id}"):
            write(lambda s: close_task(s, actor=actor, task_id=task.id, note=note), ui.t("Task {n} closed.", n=task.id))


def task_details(task: TaskInfo, area: AreaInfo, assignees: list[Assignee]) -> None:
    st.subheader(ui.t("Task {n}", n=task.id), anchor=False)
    st.text(f"{place_text(task)} – {ui.category_text(task.category)}")
    # Account names may hold Markdown characters (_ . @): escaped.
    st.caption(ui.md(ui.t("Why: {reason}. Created {when} by {who}.", reason=ui.t(REASON_LABELS[task.reason]),
                          when=ui.datetime_text(task.created_at), who=task.created_by or "–")))  # fmt: skip
    if task.note:
        st.text(task.note)
    if st.button(ui.t("Audit this place"), key=f"tasks_audit_{task.id}"):
        ui.open_audit_page(area.name, task.place_id)
    if task.status == OPEN:
        edit_open_task(task, assignees)
        return
    st.caption(ui.md(ui.t("Closed {when} by {who}.", when=ui.datetime_text(task.done_at) if task.done_at else "–",
                          who=task.closed_by or "–")))  # fmt: skip
    if st.button(ui.t("Reopen task"), key=f"tasks_reopen_{task.id}"):
        write(lambda s: reopen_task(s, actor=actor, task_id=task.id), ui.t("Task {n} is open again.", n=task.id))


# ------------------------------------------------------------------ page

actor = ui.current_actor()
st.title(ui.t("Audit tasks"))
ui.show_flash()

with session_scope(ui.get_engine(), read_only=True) as session:
    areas = list_areas(session)
if not areas:
    st.info(ui.t("No places yet: import an area first."))
    st.page_link("app_pages/import_data.py", label=ui.t("Import data"))
    st.stop()

area = ui.area_select(areas, label=ui.t("Area"), key=AREA_PICK_KEY)
c1, c2 = st.columns([3, 2])
status = c1.radio(
    ui.t("Show"), options=list(STATUS_FILTERS), format_func=lambda s: ui.t(STATUS_FILTERS[s]), horizontal=True,
    key=STATUS_KEY,
)  # fmt: skip
mine = c2.toggle(ui.t("Only my tasks"), key=MINE_KEY, disabled=actor.user_id is None)
try:
    with session_scope(ui.get_engine(), read_only=True) as session:
        tasks = list_tasks(
            session, actor=actor, area_id=area.id, status=status, assignee_id=actor.user_id if mine else None
        )
        assignees = list_assignees(session, actor=actor)
except AtlasError as err:
    ui.show_error(err)
    st.stop()

add_task_form(area, assignees)
today = date.today()
if not tasks:
    st.info(ui.t("No audit tasks to show. Approving a suggestion creates one, and so do the audit worklist and “Add a task for a place”."))
    st.stop()

overdue = sum(t.is_overdue(today) for t in tasks)
st.caption(
    ui.nt("{n} task", "{n} tasks", len(tasks))
    + ("; " + ui.nt("{n} overdue", "{n} overdue", overdue) if overdue else "")
)
st.dataframe(task_rows(tasks, today), hide_index=True, width="stretch", key="tasks_table")

by_id = {t.id: t for t in tasks}
if st.session_state.get(PICK_KEY) not in by_id:
    st.session_state[PICK_KEY] = None
labels: dict[int | None, str] = {None: ui.t("– none –")}
labels.update({t.id: f"{t.id} – {place_text(t)}" + (f" ({ui.t(STATUS_FILTERS[DONE])})" if t.status == DONE else "")
               for t in tasks})  # fmt: skip
picked = st.selectbox(
    ui.t("Work on task"), options=list(labels), format_func=labels.__getitem__, key=PICK_KEY,
    placeholder=ui.t("– none –"),
)  # fmt: skip
if picked is not None:
    task_details(by_id[picked], area, assignees)
