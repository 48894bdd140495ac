"""Audit tasks: places that need an on-site audit, and who does it by when.

A task is created when a resident's suggestion is approved (``suggestion``), from the worklist
(``worklist``), for a re-audit (``reaudit``) or by hand (``manual``). Managers and admins list
them, assign them to an active manager or admin account, give them a due date and close them
with a note. A place has at most one open task: a second one is refused (and a partial unique
index holds that against two managers adding one at the same moment).

Every write takes the ``actor`` and checks the role itself; functions return frozen
dataclasses, never ORM rows. Notes are people's text: checked by ``base.text.clean_text`` and
stored verbatim; showing them as text is the job of the output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts.auth import Actor, require_role
from audits.errors import TaskNotFound
from base.errors import InvalidInput
from base.i18n import N_
from base.text import clean_text
from catalogue.labels import compute_label
from catalogue.model import osm_ref
from catalogue.store import load_place_row
from storage.models_accounts import User
from storage.models_audits import AuditTask
from storage.models_catalogue import Place

TASK_ROLES = ("manager", "admin")
# Why a task exists: message ids of the words the page and the exports show.
REASON_LABELS: dict[str, str] = {
    "suggestion": N_("approved suggestion"),
    "reaudit": N_("re-audit due"),
    "worklist": N_("from the worklist"),
    "manual": N_("added by hand"),
}
REASONS: tuple[str, ...] = tuple(REASON_LABELS)
OPEN, DONE, ALL = "open", "done", "all"
STATUS_FILTERS: dict[str, str] = {OPEN: N_("open"), DONE: N_("done"), ALL: N_("all")}
NOTE_MAX = 2000
EARLIEST_DUE = date(2000, 1, 1)
LATEST_DUE = date(2099, 12, 31)


@dataclass(frozen=True)
class TaskInfo:
    id: int
    place_id: int
    area_id: int
    place_name: str | None
    category: str
    osm_ref: str | None
    reason: str
    status: str
    assignee_id: int | None
    assignee_name: str | None
    due_on: date | None
    note: str
    created_at: datetime
    created_by: str | None
    done_at: datetime | None
    closed_by: str | None
    locator: str | None = None

    def place_label(self, lang: str) -> str:
        """The place as people read it: its name, else "Spielplatz, Goethestraße"."""
        return compute_label(
            name=self.place_name, category=self.category, locator=self.locator, ref=self.osm_ref,
            place_id=self.place_id, lang=lang,
        )  # fmt: skip

    def is_overdue(self, today: date) -> bool:
        """Open, and its due date lies before ``today``."""
        return self.status == OPEN and self.due_on is not None and self.due_on < today

    @property
    def overdue(self) -> bool:
        return self.is_overdue(date.today())

    def to_json_dict(self) -> dict[str, Any]:
        """Stable keys for ``python -m audits tasks list --json``."""
        return {
            "id": self.id,
            "place_id": self.place_id,
            "place_name": self.place_name,
            "place_label": self.place_label("en"),
            "category": self.category,
            "osm_ref": self.osm_ref,
            "reason": self.reason,
            "status": self.status,
            "assignee": self.assignee_name,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "overdue": self.overdue,
            "note": self.note,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "done_at": self.done_at.isoformat() if self.done_at else None,
            "closed_by": self.closed_by,
        }


@dataclass(frozen=True)
class TaskBatch:
    """What ``create_tasks`` did: the new tasks, and how many places already had an open one."""

    created: list[TaskInfo] = field(default_factory=list)
    skipped: int = 0


@dataclass(frozen=True)
class Assignee:
    """An account a task can be given to (active, manager or admin)."""

    id: int
    name: str
    role: str


# ---------------------------------------------------------------- validation (pure)


def validate_reason(reason: object) -> str:
    if reason not in REASON_LABELS:
        raise InvalidInput(
            N_("Unknown task reason {reason!r}; choose one of: {choices}."), reason=reason, choices=", ".join(REASONS),
        )
    return str(reason)


def validate_due_date(value: object) -> date | None:
    """A due date (``date`` or ``YYYY-MM-DD``) from 2000 to 2099, or ``None`` (no due date)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(
                N_("{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31."), value=value,
            ) from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(N_("The due date must be a date (YYYY-MM-DD)."))
    if not EARLIEST_DUE <= value <= LATEST_DUE:
        raise InvalidInput(
            N_("The due date {value} lies outside {first} to {last}; check the year."),
            value=value.isoformat(), first=EARLIEST_DUE.isoformat(), last=LATEST_DUE.isoformat(),
        )
    return value


def validate_note(note: object) -> str:
    text = note.strip() if isinstance(note, str) else ""
    if len(text) > NOTE_MAX:
        raise InvalidInput(N_("The note has {n} characters; use at most {max}."), n=len(text), max=NOTE_MAX)
    return clean_text(text, keep_newlines=True)


def validate_status_filter(status: object) -> str:
    if status not in STATUS_FILTERS:
        raise InvalidInput(
            N_("Unknown task status {status!r}; choose one of: {choices}."), status=status,
            choices=", ".join(STATUS_FILTERS),
        )
    return str(status)


# ---------------------------------------------------------------- reading


def _query() -> Select[AuditTask, int, str | None, str, str | None, int | None, str | None, str]:
    # Rows of (task, area id, place name, category, OSM type, OSM id, locator, assignee name): see _info.
    return (
        select(
            AuditTask, Place.area_id, Place.name, Place.category, Place.osm_type, Place.osm_id, Place.locator,
            User.name,
        )
        .join(Place, Place.id == AuditTask.place_id)
        .outerjoin(User, User.id == AuditTask.assignee_id)
    )


def _info(row: Any) -> TaskInfo:
    task, area_id, name, category, osm_type, osm_id, locator, assignee_name = row
    return TaskInfo(
        id=task.id,
        place_id=task.place_id,
        area_id=area_id,
        place_name=name,
        category=category,
        osm_ref=osm_ref(osm_type, osm_id) if osm_type is not None and osm_id is not None else None,
        reason=task.reason,
        status=task.status,
        assignee_id=task.assignee_id,
        assignee_name=assignee_name,
        due_on=task.due_on,
        note=task.note,
        created_at=task.created_at,
        created_by=task.created_by,
        done_at=task.done_at,
        closed_by=task.closed_by,
        locator=locator,
    )


def _task_info(session: Session, task_id: int) -> TaskInfo:
    session.flush()
    row = session.execute(_query().where(AuditTask.id == task_id)).one_or_none()
    if row is None:
        raise _not_found(task_id)
    return _info(row)


def _not_found(task_id: object) -> TaskNotFound:
    return TaskNotFound(N_("No audit task number {task_id}; it may have been deleted. Reload the list."), task_id=task_id)


def list_tasks(
    session: Session,
    *,
    actor: Actor,
    area_id: int | None = None,
    status: str = OPEN,
    assignee_id: int | None = None,
) -> list[TaskInfo]:
    """Tasks of an area (or all areas): open ones by due date (none last), then oldest first;
    closed ones most recently closed first."""
    require_role(actor, *TASK_ROLES)
    status = validate_status_filter(status)
    query = _query()
    if status != ALL:
        query = query.where(AuditTask.status == status)
    if area_id is not None:
        query = query.where(Place.area_id == area_id)
    if assignee_id is not None:
        query = query.where(AuditTask.assignee_id == assignee_id)
    tasks = [_info(row) for row in session.execute(query)]
    far = date.max
    open_tasks = sorted((t for t in tasks if t.status == OPEN), key=lambda t: (t.due_on or far, t.created_at, t.id))
    done = sorted((t for t in tasks if t.status == DONE), key=lambda t: (t.done_at or t.created_at, t.id), reverse=True)
    return open_tasks + done


def get_task(session: Session, *, actor: Actor, task_id: int) -> TaskInfo:
    require_role(actor, *TASK_ROLES)
    return _task_info(session, task_id)


def list_assignees(session: Session, *, actor: Actor) -> list[Assignee]:
    """The accounts a task can be given to: active managers and admins, by name."""
    require_role(actor, *TASK_ROLES)
    query = select(User.id, User.name, User.role).where(User.active.is_(True), User.role.in_(TASK_ROLES))
    return [Assignee(i, n, r) for i, n, r in session.execute(query.order_by(User.name))]


# ---------------------------------------------------------------- writing


def _check_assignee(session: Session, assignee_id: object) -> int | None:
    if assignee_id is None:
        return None
    user = session.get(User, assignee_id) if isinstance(assignee_id, int) and not isinstance(assignee_id, bool) else None
    if user is None or not user.active or user.role not in TASK_ROLES:
        raise InvalidInput(
            N_("A task can only be given to an active manager or administrator account; choose one from the list."),
        )
    return user.id


def _open_task_id(session: Session, place_id: int) -> int | None:
    return session.scalar(select(AuditTask.id).where(AuditTask.place_id == place_id, AuditTask.status == OPEN))


def _already_open(place: Place, task_id: int | None) -> InvalidInput:
    return InvalidInput(
        N_("{place} already has an open audit task (number {task_id}); assign or date that one instead."),
        place=place.name or f"#{place.id}", task_id=task_id,
    )


def _insert(session: Session, task: AuditTask, place: Place) -> None:
    # The partial unique index refuses a second open task that another transaction added
    # between our check and this insert; the savepoint keeps the caller's transaction usable.
    try:
        with session.begin_nested():
            session.add(task)
    except IntegrityError:
        raise _already_open(place, _open_task_id(session, place.id)) from None


def create_task(
    session: Session,
    *,
    actor: Actor,
    place_id: int,
    reason: str = "manual",
    due_on: date | None = None,
    assignee_id: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> TaskInfo:
    """An open task for a place; refused (nothing written) when the place already has one."""
    require_role(actor, *TASK_ROLES)
    reason = validate_reason(reason)
    due = validate_due_date(due_on)
    clean_note = validate_note(note)
    assignee = _check_assignee(session, assignee_id)
    place = load_place_row(session, place_id)
    if (existing := _open_task_id(session, place.id)) is not None:
        raise _already_open(place, existing)
    task = AuditTask(
        place_id=place.id, reason=reason, status=OPEN, assignee_id=assignee, due_on=due, note=clean_note,
        created_by=actor.name[:100] or None, created_at=now or datetime.now(UTC),
    )  # fmt: skip
    _insert(session, task, place)
    return _task_info(session, task.id)


def create_tasks(
    session: Session,
    *,
    actor: Actor,
    place_ids: Iterable[int],
    reason: str = "worklist",
    now: datetime | None = None,
) -> TaskBatch:
    """Open tasks for several places at once; places that already have an open task are skipped
    and counted. An unknown place refuses the whole batch (nothing written)."""
    require_role(actor, *TASK_ROLES)
    reason = validate_reason(reason)
    now = now or datetime.now(UTC)
    places = [load_place_row(session, pid) for pid in dict.fromkeys(place_ids)]
    created: list[TaskInfo] = []
    skipped = 0
    for place in places:
        if _open_task_id(session, place.id) is not None:
            skipped += 1
            continue
        task = AuditTask(place_id=place.id, reason=reason, status=OPEN, created_by=actor.name[:100] or None, created_at=now)
        _insert(session, task, place)
        created.append(_task_info(session, task.id))
    return TaskBatch(created=created, skipped=skipped)


def _task_row(session: Session, task_id: object) -> AuditTask:
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise _not_found(task_id)
    # FOR UPDATE on PostgreSQL; SQLite's writers are serialised by BEGIN IMMEDIATE anyway.
    task = session.get(AuditTask, task_id, with_for_update=True)
    if task is None:
        raise _not_found(task_id)
    return task


def _open_row(session: Session, task_id: int) -> AuditTask:
    task = _task_row(session, task_id)
    if task.status != OPEN:
        raise InvalidInput(N_("Audit task number {task_id} is already closed; reopen it first."), task_id=task.id)
    return task


def assign_task(session: Session, *, actor: Actor, task_id: int, assignee_id: int | None) -> TaskInfo:
    """Give an open task to an active manager or admin account, or to nobody (``None``)."""
    require_role(actor, *TASK_ROLES)
    task = _open_row(session, task_id)
    task.assignee_id = _check_assignee(session, assignee_id)
    return _task_info(session, task.id)


def set_due_date(session: Session, *, actor: Actor, task_id: int, due_on: date | None) -> TaskInfo:
    """Set (or with ``None`` clear) the due date of an open task."""
    require_role(actor, *TASK_ROLES)
    due = validate_due_date(due_on)
    task = _open_row(session, task_id)
    task.due_on = due
    return _task_info(session, task.id)


def close_task(
    session: Session, *, actor: Actor, task_id: int, note: str = "", now: datetime | None = None
) -> TaskInfo:
    """Mark an open task as done; a note is added below the task's note. Closing a closed task
    is refused."""
    require_role(actor, *TASK_ROLES)
    clean_note = validate_note(note)
    task = _open_row(session, task_id)
    combined = "\n".join(part for part in (task.note, clean_note) if part)
    if len(combined) > NOTE_MAX:
        raise InvalidInput(N_("The note has {n} characters; use at most {max}."), n=len(combined), max=NOTE_MAX)
    task.note = combined
    task.status = DONE
    task.done_at = now or datetime.now(UTC)
    task.closed_by = actor.name[:100] or None
    return _task_info(session, task.id)


def reopen_task(session: Session, *, actor: Actor, task_id: int) -> TaskInfo:
    """Open a closed task again (refused when the place has another open task meanwhile)."""
    require_role(actor, *TASK_ROLES)
    task = _task_row(session, task_id)
    if task.status == OPEN:
        raise InvalidInput(N_("Audit task number {task_id} is open already."), task_id=task.id)
    place = load_place_row(session, task.place_id)
    if (existing := _open_task_id(session, place.id)) is not None:
        raise _already_open(place, existing)
    try:
        with session.begin_nested():
            task.status, task.done_at, task.closed_by = OPEN, None, None
    except IntegrityError:
        raise _already_open(place, _open_task_id(session, place.id)) from None
    return _task_info(session, task.id)
