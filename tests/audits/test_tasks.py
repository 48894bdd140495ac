"""Audit tasks on real SQLite and PostgreSQL: create, list, assign, date, close; refusals that
write nothing; one open task per place; tasks from approved suggestions; the migration from
0007; the command line ``python -m audits tasks``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from accounts.auth import CONSOLE, PUBLIC, Actor, create_user, set_active
from audits.errors import TaskNotFound
from audits.tasks import (
    assign_task,
    close_task,
    create_task,
    create_tasks,
    list_assignees,
    list_tasks,
    reopen_task,
    set_due_date,
    validate_due_date,
)
from base.errors import InvalidInput, PermissionDenied, PlaceNotFound
from catalogue.importer import import_file
from catalogue.store import add_manual_place, find_place_by_ref, get_area
from cli.audits import main
from storage.db import alembic_config, make_engine, open_database, read_all_rows, session_scope
from suggestions.store import approve_suggestions, open_audit_tasks, submit_suggestion

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "merge_park_cut.osm"
PLANNER = Actor(3, "pia", "planner")
NAMES = ["<img src=x onerror=alert(1)>", "{{ 7*7 }}", "Çay Ocağı", "مقهى الحي"]


class World:
    def __init__(self, engine, area_id: int, school_id: int, cafe_id: int, users: dict[str, int]) -> None:
        self.engine, self.area_id, self.school_id, self.cafe_id = engine, area_id, school_id, cafe_id
        self.mia, self.ben, self.pia, self.max = users["mia"], users["ben"], users["pia"], users["max"]

    def actor(self) -> Actor:
        return Actor(self.mia, "mia", "manager")


@pytest.fixture
def world(db_url):
    engine = open_database(db_url)
    import_file(engine, actor=CONSOLE, path=FIXTURE, area_name="Cut")
    with session_scope(engine) as session:
        area_id = get_area(session, name="Cut").id
        school_id = find_place_by_ref(session, area_id=area_id, ref="way/100").id
        cafe = add_manual_place(
            session, actor=CONSOLE, area_id=area_id, name=NAMES[0], category="cafe", lon=6.685, lat=51.201
        )
        users = {
            name: create_user(session, actor=CONSOLE, name=name, role=role, password="ein langes passwort").id
            for name, role in (("mia", "manager"), ("ben", "admin"), ("pia", "planner"), ("max", "manager"))
        }
    yield World(engine, area_id, school_id, cafe.id, users)
    engine.dispose()


def _tasks(w: World, **kw):
    with session_scope(w.engine, read_only=True) as session:
        return list_tasks(session, actor=w.actor(), **kw)


def _do(w: World, fn, **kw):
    with session_scope(w.engine) as session:
        return fn(session, actor=kw.pop("actor", w.actor()), **kw)


def test_create_list_assign_date_and_close_a_task(world):
    w = world
    task = _do(w, create_task, place_id=w.cafe_id, note="Rampe prüfen")
    assert (task.reason, task.status, task.place_name, task.category) == ("manual", "open", NAMES[0], "cafe")
    assert task.created_by == "mia" and task.assignee_name is None and task.osm_ref is None
    assert [t.id for t in _tasks(w, area_id=w.area_id)] == [task.id]

    assigned = _do(w, assign_task, task_id=task.id, assignee_id=w.ben)
    assert (assigned.assignee_id, assigned.assignee_name) == (w.ben, "ben")
    assert [t.id for t in _tasks(w, assignee_id=w.ben)] == [task.id]
    assert _tasks(w, assignee_id=w.mia) == []

    dated = _do(w, set_due_date, task_id=task.id, due_on=date(2001, 5, 1))
    assert dated.due_on == date(2001, 5, 1) and dated.overdue and dated.is_overdue(date(2001, 5, 2))
    assert not dated.is_overdue(date(2001, 5, 1))
    assert _do(w, set_due_date, task_id=task.id, due_on=None).due_on is None

    closed = _do(w, close_task, task_id=task.id, note="erledigt: 2 Stufen")
    assert (closed.status, closed.closed_by, closed.note) == ("done", "mia", "Rampe prüfen\nerledigt: 2 Stufen")
    assert closed.done_at is not None and not closed.overdue
    assert _tasks(w) == []
    assert [t.id for t in _tasks(w, status="done")] == [task.id]
    assert [t.id for t in _tasks(w, status="all")] == [task.id]

    reopened = _do(w, reopen_task, task_id=task.id)
    assert (reopened.status, reopened.done_at, reopened.closed_by) == ("open", None, None)


def test_open_tasks_are_listed_by_due_date_and_keep_untrusted_text(world):
    w = world
    later = _do(w, create_task, place_id=w.cafe_id, due_on=date(2030, 1, 1), note=NAMES[1])
    sooner = _do(w, create_task, place_id=w.school_id, reason="reaudit", due_on="2029-06-30", assignee_id=w.mia)
    tasks = _tasks(w, area_id=w.area_id)
    assert [t.id for t in tasks] == [sooner.id, later.id]
    assert tasks[0].osm_ref == "way/100" and tasks[0].reason == "reaudit"
    assert tasks[1].note == NAMES[1] and tasks[1].place_name == NAMES[0]
    assert _tasks(w, area_id=w.area_id + 1000) == []


def test_a_second_open_task_for_a_place_is_refused_and_nothing_is_written(world):
    w = world
    first = _do(w, create_task, place_id=w.cafe_id)
    before = read_all_rows(w.engine)
    with pytest.raises(InvalidInput) as err:
        _do(w, create_task, place_id=w.cafe_id, reason="worklist")
    assert str(first.id) in err.value.en and err.value.en != err.value.de
    assert read_all_rows(w.engine) == before
    # Once closed, a new task may be opened; the old one cannot be reopened next to it.
    _do(w, close_task, task_id=first.id)
    second = _do(w, create_task, place_id=w.cafe_id)
    with pytest.raises(InvalidInput):
        _do(w, reopen_task, task_id=first.id)
    assert [t.id for t in _tasks(w)] == [second.id]


def test_the_database_holds_one_open_task_per_place(world):
    from sqlalchemy.exc import IntegrityError

    from storage.models_audits import AuditTask

    _do(w := world, create_task, place_id=world.cafe_id)
    with pytest.raises(IntegrityError), session_scope(w.engine) as session:
        session.add(AuditTask(place_id=w.cafe_id, reason="manual", status="open", created_at=datetime.now(UTC)))


def test_a_task_added_meanwhile_by_someone_else_is_refused_like_any_second_task(world, monkeypatch):
    # The check before the insert saw no open task (another transaction added one just after):
    # the unique index refuses the insert, the user gets the same message, nothing is written.
    import audits.tasks

    w = world
    first = _do(w, create_task, place_id=w.cafe_id)
    real, calls = audits.tasks._open_task_id, []

    def blind_once(session, place_id):
        calls.append(place_id)
        return None if len(calls) == 1 else real(session, place_id)

    monkeypatch.setattr(audits.tasks, "_open_task_id", blind_once)
    before = read_all_rows(w.engine)
    with pytest.raises(InvalidInput) as err:
        _do(w, create_task, place_id=w.cafe_id)
    assert f"(number {first.id})" in err.value.en
    assert read_all_rows(w.engine) == before


def test_a_batch_skips_places_with_an_open_task_and_says_how_many(world):
    w = world
    _do(w, create_task, place_id=w.cafe_id)
    batch = _do(w, create_tasks, place_ids=[w.cafe_id, w.school_id, w.school_id], reason="worklist")
    assert batch.skipped == 1
    assert [(t.place_id, t.reason) for t in batch.created] == [(w.school_id, "worklist")]
    before = read_all_rows(w.engine)
    with pytest.raises(PlaceNotFound):
        _do(w, create_tasks, place_ids=[w.cafe_id, 999_999], reason="worklist")
    assert read_all_rows(w.engine) == before


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda w: (create_task, {"place_id": w.cafe_id, "due_on": date(1999, 12, 31)}), "2000"),
        (lambda w: (create_task, {"place_id": w.cafe_id, "due_on": "31.12.2026"}), "YYYY-MM-DD"),
        (lambda w: (create_task, {"place_id": w.cafe_id, "assignee_id": w.pia}), "manager"),
        (lambda w: (create_task, {"place_id": w.cafe_id, "reason": "whim"}), "whim"),
        (lambda w: (create_task, {"place_id": w.cafe_id, "note": "a\u202eb"}), ""),
        (lambda w: (create_task, {"place_id": 999_999}), "999999"),
        (lambda w: (assign_task, {"task_id": 999_999, "assignee_id": None}), "999999"),
        (lambda w: (set_due_date, {"task_id": 999_999, "due_on": None}), "999999"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(world, call, message):
    fn, kw = call(world)
    before = read_all_rows(world.engine)
    with pytest.raises((InvalidInput, PlaceNotFound, TaskNotFound)) as err:
        _do(world, fn, **kw)
    assert message in err.value.en and err.value.en != err.value.de
    assert read_all_rows(world.engine) == before


def test_only_active_managers_and_admins_can_be_assigned_and_closed_tasks_stay_closed(world):
    w = world
    task = _do(w, create_task, place_id=w.cafe_id, assignee_id=w.max)
    _do(w, set_active, actor=CONSOLE, user_id=w.max, active=False)
    with session_scope(w.engine, read_only=True) as session:
        assert [a.name for a in list_assignees(session, actor=w.actor())] == ["ben", "mia"]
    for bad in (w.max, w.pia, 999_999, True):
        with pytest.raises(InvalidInput, match="active manager or administrator"):
            _do(w, assign_task, task_id=task.id, assignee_id=bad)
    assert _do(w, assign_task, task_id=task.id, assignee_id=None).assignee_id is None
    _do(w, close_task, task_id=task.id)
    before = read_all_rows(w.engine)
    for fn, kw in ((close_task, {}), (assign_task, {"assignee_id": w.mia}), (set_due_date, {"due_on": None})):
        with pytest.raises(InvalidInput, match="already closed"):
            _do(w, fn, task_id=task.id, **kw)
    assert read_all_rows(w.engine) == before


def test_deleting_an_account_leaves_its_tasks_unassigned(world):
    w = world
    task = _do(w, create_task, place_id=w.cafe_id, assignee_id=w.ben)
    with w.engine.begin() as conn:
        conn.execute(text("DELETE FROM staff_sessions"))
        conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": w.ben})
    (after,) = _tasks(w)
    assert after.id == task.id and after.assignee_id is None


@pytest.mark.parametrize("actor", [PUBLIC, PLANNER], ids=["public", "planner"])
def test_public_and_planners_may_not_read_tasks(world, actor):
    with pytest.raises(PermissionDenied), session_scope(world.engine, read_only=True) as session:
        list_tasks(session, actor=actor)


def test_approving_a_suggestion_creates_a_task_the_list_shows(world):
    w = world
    with session_scope(w.engine) as session:
        receipt = submit_suggestion(
            session, area_id=w.area_id, idempotency_key="form-tasks-1", client_key="resident",
            name=NAMES[3], category="park_garden", lon=6.686, lat=51.2015,
        )  # fmt: skip
    from storage.models_suggestions import Suggestion

    with session_scope(w.engine, read_only=True) as session:
        sid = session.query(Suggestion.id).filter_by(ref_code=receipt.ref_code).scalar()
    with session_scope(w.engine) as session:
        (place,) = approve_suggestions(session, actor=w.actor(), ids=[sid])
    (task,) = _tasks(w, area_id=w.area_id)
    assert (task.place_id, task.place_name, task.reason, task.created_by) == (place.id, NAMES[3], "suggestion", "mia")
    with session_scope(w.engine, read_only=True) as session:
        assert open_audit_tasks(session, actor=w.actor(), area_id=w.area_id) == [(task.id, place.id, "suggestion")]


def test_due_dates_are_validated():
    assert validate_due_date(None) is None and validate_due_date("") is None
    assert validate_due_date(" 2027-03-31 ") == date(2027, 3, 31)
    for bad in ("2027-02-30", datetime(2027, 1, 1, tzinfo=UTC), 20270101, "1999-01-01", "2100-01-01"):
        with pytest.raises(InvalidInput):
            validate_due_date(bad)


# ---------------------------------------------------------------- migration


def test_upgrade_from_0007_keeps_existing_tasks(db_url):
    engine = make_engine(db_url)
    config = alembic_config(engine)
    command.upgrade(config, "0007_auth")
    now = datetime(2026, 11, 1, 9, 0)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO areas (id, name, west, south, east, north, source, created_at, published) "
            "VALUES (1, 'Alt', 6.6, 51.1, 6.7, 51.2, 'test', :now, true)"
        ), {"now": now})  # fmt: skip
        conn.execute(text(
            "INSERT INTO places (id, area_id, name, category, lon, lat, tags, origin, status, created_at,"
            " updated_at, version, audit_version) VALUES (1, 1, 'Treff', 'cafe', 6.65, 51.15, '{}', 'suggestion',"
            " 'active', :now, :now, 1, 0)"
        ), {"now": now})  # fmt: skip
        conn.execute(text(
            "INSERT INTO audit_tasks (id, place_id, reason, status, created_at) VALUES (7, 1, 'suggestion', 'open', :now)"
        ), {"now": now})  # fmt: skip
    engine.dispose()
    engine = open_database(db_url)  # upgrades to the head
    try:
        with session_scope(engine, read_only=True) as session:
            (task,) = list_tasks(session, actor=CONSOLE)
        assert (task.id, task.place_name, task.reason, task.status, task.note) == (7, "Treff", "suggestion", "open", "")
        assert task.assignee_id is None and task.due_on is None and task.created_by is None
        with session_scope(engine) as session:
            with pytest.raises(InvalidInput):
                create_task(session, actor=CONSOLE, place_id=1)
            closed = close_task(session, actor=CONSOLE, task_id=7)
            assert create_task(session, actor=CONSOLE, place_id=1, reason="worklist").reason == "worklist"
        assert closed.closed_by == "console"
        command.downgrade(alembic_config(engine), "0007_auth")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id, reason FROM audit_tasks")).all() == [(7, "suggestion")]
    finally:
        engine.dispose()


# ---------------------------------------------------------------- command line


@pytest.fixture
def cli(world, db_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["tasks", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_adds_lists_assigns_dates_and_closes_tasks(world, cli):
    w = world
    code, out, _ = cli("add", "--place", "way/100", "--area", "Cut", "--due", "2030-01-15", "--assign", "mia")
    assert code == 0 and "way/100" in out
    code, out, _ = cli("add", "--place", str(w.cafe_id), "--area", "Cut")
    assert code == 0
    code, out, _ = cli("list", "--area", "Cut", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["place_name"] for r in rows] == ["Grundschule Am Park", NAMES[0]]
    assert set(rows[0]) == {
        "id", "place_id", "place_name", "place_label", "category", "osm_ref", "reason", "status", "assignee", "due_on",
        "overdue", "note", "created_at", "created_by", "done_at", "closed_by",
    }  # fmt: skip
    assert (rows[0]["assignee"], rows[0]["due_on"], rows[0]["created_by"]) == ("mia", "2030-01-15", "console")
    first, second = rows[0]["id"], rows[1]["id"]
    assert cli("assign", str(second), "ben")[0] == 0
    assert cli("assign", str(first), "--none")[0] == 0
    assert cli("due", str(second), "2031-02-01")[0] == 0
    assert cli("due", str(first), "--none")[0] == 0
    code, out, _ = cli("close", str(second), "--note", "fertig")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(cli("list", "--area", "Cut", "--status", "all", "--json")[1])}
    assert (rows[first]["assignee"], rows[first]["due_on"]) == (None, None)
    assert (rows[second]["status"], rows[second]["note"], rows[second]["assignee"]) == ("done", "fertig", "ben")
    code, out, _ = cli("list", "--area", "Cut")
    assert code == 0 and "Grundschule Am Park" in out and NAMES[0] not in out


def test_cli_refusals_exit_2_and_change_nothing(world, cli):
    w = world
    assert cli("add", "--place", "way/100", "--area", "Cut")[0] == 0
    task_id = json.loads(cli("list", "--json")[1])[0]["id"]
    before = read_all_rows(w.engine)
    for args, words in [
        (("add", "--place", "way/100", "--area", "Cut"), "already has an open audit task"),
        (("add", "--place", "node/424242", "--area", "Cut"), "No place"),
        (("add", "--place", "way/100", "--area", "Nowhere"), "Nowhere"),
        (("add", "--place", str(w.cafe_id), "--area", "Cut", "--due", "morgen"), "YYYY-MM-DD"),
        (("assign", str(task_id), "pia"), "active manager or administrator"),
        (("assign", str(task_id), "nobody"), "nobody"),
        (("assign", str(task_id)), "--none"),
        (("due", str(task_id), "1999-12-31"), "2000"),
        (("close", "999999"), "999999"),
        (("list", "--status", "late"), "late"),
    ]:
        code, out, err = cli(*args)
        assert code == 2, (args, err)
        assert words in err and "Traceback" not in err, (args, err)
    assert read_all_rows(w.engine) == before


def test_python_m_audits_tasks_runs_as_a_command(world, db_url):
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "audits", "tasks", "add", "--place", "way/100", "--area", "Cut"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [t.osm_ref for t in _tasks(world)] == ["way/100"]
