"""``python -m audits tasks list|add|assign|due|close|reopen``: audit tasks from the console.

The console acts as ``accounts.auth.CONSOLE``. Places are named by OSM reference (``way/100``)
or by their number in the atlas; people by their login name.
"""

from __future__ import annotations

import argparse
import json

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accounts.auth import CONSOLE, get_user
from audits.tasks import (
    REASONS,
    TaskInfo,
    assign_task,
    close_task,
    create_task,
    list_tasks,
    reopen_task,
    set_due_date,
    validate_due_date,
)
from base.errors import InvalidInput, PlaceNotFound
from base.i18n import N_
from catalogue.store import find_place_by_ref, get_place
from cli.common import EXIT_OK, Command, area_id
from storage.db import session_scope


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="tasks_command", required=True, parser_class=type(p))
    lst = sub.add_parser("list", help="list audit tasks (open ones by due date)")
    lst.add_argument("--area", help="area (quarter); all areas when left out")
    lst.add_argument("--status", default="open", help="open (default), done or all")
    lst.add_argument("--json", action="store_true", help="print a JSON list of objects")
    add = sub.add_parser("add", help="open an audit task for a place")
    add.add_argument("--place", required=True, help="OSM reference (way/100) or the place's number")
    add.add_argument("--area", required=True, help="area (quarter) of the place")
    add.add_argument("--due", help="due date, YYYY-MM-DD")
    add.add_argument("--assign", metavar="USER", help="login name of an active manager or admin")
    add.add_argument("--reason", default="manual", choices=REASONS, help="why the place needs an audit")
    add.add_argument("--note", default="")
    assign = sub.add_parser("assign", help="give an open task to a manager or admin (or, with --none, to nobody)")
    assign.add_argument("id", type=int)
    assign.add_argument("user", nargs="?", help="login name")
    assign.add_argument("--none", action="store_true", help="take the task away from whoever has it")
    due = sub.add_parser("due", help="set the due date of an open task (or clear it with --none)")
    due.add_argument("id", type=int)
    due.add_argument("date", nargs="?", help="YYYY-MM-DD")
    due.add_argument("--none", action="store_true", help="clear the due date")
    close = sub.add_parser("close", help="mark an open task as done")
    close.add_argument("id", type=int)
    close.add_argument("--note", default="", help="what was found or done")
    sub.add_parser("reopen", help="open a closed task again").add_argument("id", type=int)


def _one_of(value: str | None, none: bool, what: str) -> str | None:
    """The value, or None with ``--none``; exactly one of them must be given."""
    if (value is None) == (not none):
        raise InvalidInput(N_("Give either {what} or --none."), what=what)
    return value


def _line(task: TaskInfo) -> str:
    due = task.due_on.isoformat() if task.due_on else "-"
    if task.overdue:
        due += " (overdue)"
    place = task.place_label("en")
    return "\t".join(
        [str(task.id), task.status, place, task.osm_ref or f"#{task.place_id}", task.category, task.reason,
         task.assignee_name or "-", due]
    )  # fmt: skip


def _list(args: argparse.Namespace, engine: Engine) -> int:
    area = area_id(engine, args.area)
    with session_scope(engine, read_only=True) as session:
        tasks = list_tasks(session, actor=CONSOLE, area_id=area, status=args.status)
    if args.json:
        print(json.dumps([t.to_json_dict() for t in tasks], ensure_ascii=False))
        return EXIT_OK
    if not tasks:
        print(f"No {args.status} audit tasks.")
    for task in tasks:
        print(_line(task))
    return EXIT_OK


def _place_id(session: Session, area: int, ref: str) -> int:
    if ref.strip().isdigit():
        place = get_place(session, place_id=int(ref))
        if place.area_id != area:
            raise PlaceNotFound(N_("No place number {place_id} in this area."), place_id=int(ref))
        return place.id
    return find_place_by_ref(session, area_id=area, ref=ref.strip()).id


def _user_id(session: Session, name: str | None) -> int | None:
    return None if name is None else get_user(session, name=name).id


def _add(args: argparse.Namespace, engine: Engine) -> int:
    area = area_id(engine, args.area)
    assert area is not None  # --area is required
    due = validate_due_date(args.due)
    with session_scope(engine) as session:
        task = create_task(
            session, actor=CONSOLE, place_id=_place_id(session, area, args.place), reason=args.reason,
            due_on=due, assignee_id=_user_id(session, args.assign), note=args.note,
        )  # fmt: skip
    print("Added audit task:\t" + _line(task))
    return EXIT_OK


def _change(args: argparse.Namespace, engine: Engine) -> int:
    command = args.tasks_command
    if command == "assign":
        user = _one_of(args.user, args.none, "a login name")
    elif command == "due":
        due = validate_due_date(_one_of(args.date, args.none, "a date (YYYY-MM-DD)"))
    with session_scope(engine) as session:
        if command == "assign":
            task = assign_task(session, actor=CONSOLE, task_id=args.id, assignee_id=_user_id(session, user))
        elif command == "due":
            task = set_due_date(session, actor=CONSOLE, task_id=args.id, due_on=due)
        elif command == "close":
            task = close_task(session, actor=CONSOLE, task_id=args.id, note=args.note)
        else:
            task = reopen_task(session, actor=CONSOLE, task_id=args.id)
    print(_line(task))
    return EXIT_OK


def run(args: argparse.Namespace, engine: Engine) -> int:
    if args.tasks_command == "list":
        return _list(args, engine)
    if args.tasks_command == "add":
        return _add(args, engine)
    return _change(args, engine)


TASKS = Command("tasks", "list, add, assign, date and close audit tasks", add_arguments, run)
