"""The audit tasks page under AppTest (SQLite): list, assign, date, close, open the audit page;
and the moderation page's message after an approval, which points to the tasks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from accounts.auth import CONSOLE, create_user
from audits.tasks import create_task, list_tasks
from catalogue.importer import import_file
from catalogue.store import add_manual_place, find_place_by_ref, get_area
from storage.db import open_database, session_scope
from suggestions.store import submit_suggestion
from tests.staff_support import sign_in

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
FIXTURE = ROOT / "tests" / "fixtures" / "merge_park_cut.osm"
TIMEOUT = 60
TASKS_PAGE = "app_pages/tasks.py"
NOTE = "<b>{{ 7*7 }}</b> ${x}"


@pytest.fixture
def db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    engine = open_database(sqlite_url)
    import_file(engine, actor=CONSOLE, path=FIXTURE, area_name="Cut")
    with session_scope(engine) as session:
        mia = create_user(session, actor=CONSOLE, name="mia", role="manager", password="ein langes passwort")
        ben = create_user(session, actor=CONSOLE, name="ben", role="admin", password="ein langes passwort")
        area_id = get_area(session, name="Cut").id
        school = find_place_by_ref(session, area_id=area_id, ref="way/100")
        cafe = add_manual_place(
            session, actor=CONSOLE, area_id=area_id, name="<img src=x onerror=alert(1)>", category="cafe",
            lon=6.685, lat=51.201,
        )  # fmt: skip
        task = create_task(session, actor=CONSOLE, place_id=school.id, due_on=date(2001, 1, 1))
    engine.dispose()
    ids = {"mia": mia.id, "ben": ben.id, "task": task.id, "school": school.id, "cafe": cafe.id, "area": area_id}
    return {"url": sqlite_url, **ids}


def stored(url: str):
    engine = open_database(url)
    try:
        with session_scope(engine, read_only=True) as session:
            return {t.id: t for t in list_tasks(session, actor=CONSOLE, status="all")}
    finally:
        engine.dispose()


def open_tasks(user_id: int) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, user_id)
    at.run()
    at.switch_page(TASKS_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_manager_assigns_dates_and_closes_a_task(db):
    at = open_tasks(db["mia"])
    table = at.dataframe[0].value
    assert list(table["Ort"]) == ["Grundschule Am Park"]
    assert "überfällig" in table["Fällig"][0]  # overdue in words, not colour alone
    task = db["task"]
    at.selectbox(key="tasks_pick").set_value(task).run()
    at.selectbox(key=f"tasks_assignee_{task}").set_value(db["ben"])
    at.date_input(key=f"tasks_due_{task}").set_value(date(2031, 3, 1))
    at.button(key=f"tasks_save_{task}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    saved = stored(db["url"])[task]
    assert (saved.assignee_name, saved.due_on, saved.status) == ("ben", date(2031, 3, 1), "open")

    at.selectbox(key="tasks_pick").set_value(task).run()
    at.text_area(key=f"tasks_note_{task}").input(NOTE)
    at.button(key=f"tasks_close_{task}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    closed = stored(db["url"])[task]
    assert (closed.status, closed.closed_by, closed.note) == ("done", "mia", NOTE)
    assert at.info  # no open tasks left
    at.radio(key="tasks_status").set_value("done").run()
    at.selectbox(key="tasks_pick").set_value(task).run()
    assert NOTE in [t.value for t in at.text]  # shown as text, never as markup
    assert not at.exception


def test_only_mine_and_adding_a_task_by_hand(db):
    at = open_tasks(db["mia"])
    at.toggle(key="tasks_mine").set_value(True).run()
    assert at.info and not at.dataframe
    at.selectbox(key="tasks_add_place").set_value(db["cafe"])
    at.selectbox(key="tasks_add_assignee").set_value(db["mia"])
    at.button(key="tasks_add_submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    (table,) = at.dataframe
    assert list(table.value["Ort"]) == ["<img src=x onerror=alert(1)>"]
    # A second task for the same place is refused with a message; nothing is added.
    at.selectbox(key="tasks_add_place").set_value(db["cafe"])
    at.button(key="tasks_add_submit").click().run()
    assert at.error and "offene" in at.error[0].value
    assert len(stored(db["url"])) == 2


def test_audit_this_place_opens_the_audit_page_on_that_place(db):
    at = open_tasks(db["mia"])
    at.selectbox(key="tasks_pick").set_value(db["task"]).run()
    at.button(key=f"tasks_audit_{db['task']}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="audit_place").value == db["school"]


def test_approving_a_suggestion_says_a_task_was_created_and_links_to_the_list(db):
    engine = open_database(db["url"])
    with session_scope(engine) as session:
        submit_suggestion(
            session, area_id=db["area"], idempotency_key="form-apptest-1", client_key="resident",
            name="Gemeinschaftsgarten", category="park_garden", lon=6.686, lat=51.2015,
        )  # fmt: skip
    engine.dispose()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, db["mia"])
    at.run()
    at.switch_page("app_pages/moderation.py").run()
    at.button(key="moderation_all").click().run()
    at.button(key="moderation_approve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Prüfauftrag" in s.value.replace("\\", "") for s in at.success), [s.value for s in at.success]
    links = at.get("page_link")
    assert [(link.proto.page, link.proto.label) for link in links] == [("tasks", "Zu den Prüfaufträgen")]
    tasks = [t for t in stored(db["url"]).values() if t.reason == "suggestion"]
    assert [t.place_name for t in tasks] == ["Gemeinschaftsgarten"]


def test_planners_cannot_open_the_tasks_page(db):
    engine = open_database(db["url"])
    with session_scope(engine) as session:
        pia = create_user(session, actor=CONSOLE, name="pia", role="planner", password="ein langes passwort")
    engine.dispose()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, pia.id)
    at.run()
    with pytest.raises(ValueError, match="tasks"):
        at.switch_page(TASKS_PAGE)
