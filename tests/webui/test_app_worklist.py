"""The audit coverage and audit worklist pages under AppTest, signed in as staff."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from accounts.auth import CONSOLE, create_user
from audits.store import save_audit
from catalogue.importer import import_file
from catalogue.store import find_place_by_ref, get_area
from storage.db import open_database, session_scope
from tests.staff_support import sign_in

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
COVERAGE, WORKLIST = "app_pages/coverage.py", "app_pages/worklist.py"
TIMEOUT = 60
CAFE = "node/1046521003"  # Café am Bahnhof


@pytest.fixture
def staff_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int, int]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    engine = open_database(sqlite_url)
    with session_scope(engine) as session:
        manager = create_user(session, actor=CONSOLE, name="manager", role="manager", password="ein langes passwort")
        planner = create_user(session, actor=CONSOLE, name="pia", role="planner", password="ein langes passwort")
    engine.dispose()
    return sqlite_url, manager.id, planner.id


@pytest.fixture
def neuss_db(staff_db: tuple[str, int, int], extract_path) -> tuple[str, int, int]:
    url = staff_db[0]
    engine = open_database(url)
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    with session_scope(engine) as session:
        area_id = get_area(session, name="Neuss").id
        save_audit(
            session, actor=CONSOLE, place_id=find_place_by_ref(session, area_id=area_id, ref=CAFE).id,
            expected_version=0, facts={"entrance_step_free": "yes", "door_width_cm": 95, "toilet_wheelchair": "yes"},
            auditor="Ayşe Yılmaz", visit_date=date(2022, 5, 2), method="on_site",
        )  # fmt: skip
    engine.dispose()
    return staff_db


def open_page(user_id: int, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, user_id)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", [COVERAGE, WORKLIST])
def test_without_an_area_the_pages_say_to_import_one(staff_db, page) -> None:
    at = open_page(staff_db[1], page)
    assert any("No area imported yet" in i.value or "Noch kein Gebiet" in i.value for i in at.info)


def test_coverage_page_shows_counts_tables_and_a_group_choice(neuss_db) -> None:
    _, _, planner = neuss_db
    at = open_page(planner, COVERAGE)  # planners may read the coverage
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["Geprüft"] == 1 and metrics["Prüfung fällig"] == 1
    groups, categories = at.dataframe[0].value, at.dataframe[1].value
    assert len(groups) == 14 and len(categories) > 5
    at.selectbox(key="coverage_group").set_value("low_income").run()
    assert not at.exception


def test_worklist_page_ranks_places_with_reasons(neuss_db) -> None:
    _, manager, _ = neuss_db
    at = open_page(manager, WORKLIST)
    table = at.dataframe[0].value
    assert 0 < len(table) <= 20
    assert list(table["Rang"]) == list(range(1, len(table) + 1))
    assert all("Hexagon" in reason and "würde" in reason for reason in table["Warum"])
    assert list(table["Punkte"]) == sorted(table["Punkte"], reverse=True)
    at.multiselect(key="worklist_groups").set_value(["wheelchair", "prams"]).run()
    assert not at.exception and "(für " in at.dataframe[0].value["Warum"].iloc[0]
    at.multiselect(key="worklist_groups").set_value([]).run()
    assert at.warning and not at.dataframe


def test_planners_cannot_open_the_worklist(neuss_db) -> None:
    _, _, planner = neuss_db
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, planner)
    at.run()
    with pytest.raises(Exception):  # noqa: B017, PT011 - AppTest raises for a page not registered for the role
        at.switch_page(WORKLIST).run()


def test_the_worklist_turns_chosen_places_into_audit_tasks(neuss_db) -> None:
    from accounts.auth import Actor
    from audits.tasks import list_tasks

    url, manager, _ = neuss_db
    at = open_page(manager, WORKLIST)
    chosen = at.multiselect(key=f"worklist_chosen_{1}").value
    assert len(chosen) == 5  # the top five by default
    at.button[0].click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["5 Prüfaufträge angelegt."]
    engine = open_database(url)
    try:
        with session_scope(engine, read_only=True) as session:
            tasks = list_tasks(session, actor=Actor(manager, "manager", "manager"), status="open")
    finally:
        engine.dispose()
    assert sorted(t.place_id for t in tasks) == sorted(chosen)
    assert {t.reason for t in tasks} == {"worklist"}
    at.button[0].click().run()  # again: nothing twice
    assert [s.value for s in at.success] == ["0 Prüfaufträge angelegt. 5 Orte hatten schon einen offenen."]
