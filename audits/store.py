"""Audit storage: append-only versions per place, conflict detection, current facts and verdicts.

Plain keyword-only functions that take a ``Session``; the caller owns the transaction
(``storage.db.session_scope``). They return dataclasses, never ORM objects.

* Saving an audit inserts a new version; stored audits never change except for their review
  state. ``places.audit_version`` counts the versions and is the compare-and-swap counter: a
  save names the version its form was opened with, and one ``UPDATE … WHERE audit_version =
  :expected`` decides atomically whether it may go in. Streamlit reloads rows on every rerun,
  so the check cannot happen earlier than inside that update.
* OSM facts are never stored: they are computed from the place's stored tags every time, so a
  re-import cannot touch audited facts. The newest non-rejected audit value of a fact wins over
  OSM (see :func:`audits.osm_facts.merge_facts`); opening hours that parse fill
  ``open_afternoons``/``open_evenings``/``open_weekends`` unless an audit recorded them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from accounts.auth import Actor, require_role
from audits.errors import AuditConflict, ChangeSummary, FactChange
from audits.hours import HoursInfo, analyse_opening_hours
from audits.osm_facts import facts_from_osm_tags, merge_facts
from audits.presumptions import Presumption, active_presumptions, fill_presumed, presumed_facts
from audits.rules import Verdict, complete_facts, evaluate_all
from audits.vocabulary import FACT_BY_ID, GROUP_BY_ID, GROUP_IDS, FactValue, format_value, validate_fact_value
from base.errors import InvalidInput
from base.i18n import N_, Day, Joined, Message, PerLanguage, format_datetime, t
from base.text import clean_text
from catalogue.labels import compute_label
from catalogue.model import osm_ref
from catalogue.store import load_place_row
from storage.models_audits import AUDIT_METHODS, REVIEW_STATES, Audit, AuditFact, AuditReview
from storage.models_catalogue import Place

REAUDIT_MONTHS = 24
EARLIEST_VISIT = date(2000, 1, 1)
AUDITOR_MAX = 100
NOTES_MAX = 10_000
FACT_NOTE_MAX = 1_000

METHOD_LABELS: dict[str, str] = {  # id -> message
    "on_site": N_("on site"),
    "phone": N_("by phone"),
    "desk": N_("desk research"),
    "import": N_("import"),
}
# What people type in a form or a spreadsheet, lower-cased; the German and English labels too,
# since a printed field sheet offers them to tick.
METHOD_WORDS: dict[str, str] = {
    **dict.fromkeys(("on_site", "on site", "on-site", "onsite", "vor ort", "vor-ort"), "on_site"),
    **dict.fromkeys(("phone", "by phone", "telephone", "telefon", "telefonisch"), "phone"),
    **dict.fromkeys(
        ("desk", "desk research", "schreibtisch", "recherche", "am schreibtisch", "recherche am schreibtisch"),
        "desk",
    ),
    "import": "import",
}
REVIEW_LABELS: dict[str, str] = {
    "submitted": N_("submitted"),
    "approved": N_("approved"),
    "has_issues": N_("has issues"),
    "rejected": N_("rejected"),
}
# Review decisions follow ODK Central: a submission is approved, marked or rejected; a marked
# one can still be approved or rejected; approved and rejected are final.
REVIEW_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("approved", "has_issues", "rejected"),
    "has_issues": ("approved", "rejected"),
    "approved": (),
    "rejected": (),
}
NOT_AUDITED, CURRENT, REAUDIT_DUE = "not_audited", "current", "reaudit_due"
# Who may record and review audits (admins may always, see require_role).
AUDITORS = ("manager", "admin")


@dataclass(frozen=True)
class AuditInfo:
    """One stored audit version with the facts it recorded (source ``audit``)."""

    id: int
    place_id: int
    version: int
    based_on_version: int
    auditor: str
    visit_date: date
    method: str
    group_participation: tuple[str, ...]
    notes: str
    review_state: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    created_at: datetime
    facts: dict[str, FactValue] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditVersion:
    """A line of the history: who, when, how, and which facts changed (effective old → new)."""

    audit: AuditInfo
    changed: list[FactChange]
    recorded: list[str]  # every fact this audit recorded, changed or confirmed

    @property
    def version(self) -> int:
        return self.audit.version


@dataclass(frozen=True)
class AuditStatus:
    """``last_checked``: visit date of the newest non-rejected audit; ``version``: the CAS counter."""

    last_checked: date | None
    version: int
    reaudit_due: bool

    @property
    def state(self) -> str:
        """``not_audited``, ``reaudit_due`` or ``current``."""
        if self.last_checked is None:
            return NOT_AUDITED
        return REAUDIT_DUE if self.reaudit_due else CURRENT


@dataclass(frozen=True)
class PlaceAudits:
    """Everything the catalogue and the gap map need about one place's audits."""

    place_id: int
    facts: dict[str, FactValue]
    verdicts: dict[str, Verdict]
    status: AuditStatus
    last_audit: AuditInfo | None = None  # the newest non-rejected audit


# ---------------------------------------------------------------- validation (pure)


def validate_person(
    name: object, *, what: str = N_("auditor's name")
) -> str:
    """A stripped name of 1–100 characters without control characters."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(
            N_("Give the {what} (1–{max} characters)."), what=Message(what), max=AUDITOR_MAX,
        )
    name = name.strip()
    if len(name) > AUDITOR_MAX:
        raise InvalidInput(
            N_("The {what} is {n} characters long; use at most {max}."), what=Message(what), n=len(name), max=AUDITOR_MAX,
        )
    return clean_text(name)


def validate_visit_date(value: object, *, today: date | None = None) -> date:
    """A visit date between 2000-01-01 and today."""
    today = today or date.today()
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(
            N_("Give the visit date as a date (YYYY-MM-DD).")
        )
    if value > today:
        raise InvalidInput(
            N_("The visit date {date} lies in the future; enter the day of the visit."), date=Day(value),
        )
    if value < EARLIEST_VISIT:
        raise InvalidInput(
            N_("The visit date {date} is before 2000; check the year."), date=Day(value),
        )
    return value


def validate_method(value: object) -> str:
    """``on_site``, ``phone``, ``desk`` or ``import`` (German and English words accepted)."""
    method = METHOD_WORDS.get(str(value or "").strip().casefold())
    if method is None:
        raise InvalidInput(
            N_("Unknown audit method {value!r}; use on_site, phone or desk."), value=value,
        )
    return method


def validate_participation(groups: Iterable[object]) -> tuple[str, ...]:
    """Group ids (in table order, no duplicates) of which people took part in the audit."""
    given = [str(g).strip() for g in groups if str(g).strip()]
    unknown = [g for g in given if g not in GROUP_BY_ID]
    if unknown:
        raise InvalidInput(
            N_("Unknown group(s) {unknown}; use group ids such as {examples}."), unknown=', '.join(map(repr, unknown)), examples=', '.join(GROUP_IDS[:3]),
        )
    return tuple(g for g in GROUP_IDS if g in given)


def validate_notes(notes: object, *, limit: int = NOTES_MAX) -> str:
    text = "" if notes is None else str(notes).strip()
    if len(text) > limit:
        raise InvalidInput(
            N_("The notes are {n} characters long; use at most {limit}."), n=len(text), limit=limit,
        )
    return clean_text(text, keep_newlines=True)


def validate_audit_facts(facts: Mapping[str, Any]) -> dict[str, tuple[Any, str | None]]:
    """Normalised ``fact_id -> (value, note)`` of every recorded fact; blanks are left out.

    A value may be a plain value or a :class:`FactValue` (its note is kept). Raises one
    :class:`InvalidInput` that lists every bad fact.
    """
    clean: dict[str, tuple[Any, str | None]] = {}
    errors: list[Message] = []
    for fact_id, given in facts.items():
        raw, note = (given.value, given.note) if isinstance(given, FactValue) else (given, None)
        try:
            value = validate_fact_value(fact_id, raw)
            note = validate_notes(note, limit=FACT_NOTE_MAX) or None
        except InvalidInput as err:
            errors.append(Message(err.msgid, **err.params))
            continue
        if value is not None:
            clean[fact_id] = (value, note)
    if errors:
        raise InvalidInput("{problems}", problems=Joined(errors))  # each message translated on its own
    if not clean:
        raise InvalidInput(
            N_("The audit records no fact; fill in at least one."),
        )
    return clean


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def is_reaudit_due(last_checked: date | None, *, today: date | None = None) -> bool:
    """True when the newest audit is older than 24 months (never audited is a different state)."""
    if last_checked is None:
        return False
    return last_checked < _months_before(today or date.today(), REAUDIT_MONTHS)


def compute_effective_facts(
    tags: Mapping[str, str],
    audited: Mapping[str, FactValue],
    category: str | None = None,
    presumptions: Sequence[Presumption] | None = None,
) -> dict[str, FactValue]:
    """OSM facts from ``tags`` overlaid with the audited ones, plus what follows from them, and
    where a fact is still unknown, what the place's category and tags let us presume
    (``presumptions``: the table in force, default :func:`active_presumptions`)."""
    known = complete_facts(merge_facts(facts_from_osm_tags(tags), audited))
    table = active_presumptions() if presumptions is None else presumptions
    return fill_presumed(known, presumed_facts(category, tags, table))


def current_opening_hours(facts: Mapping[str, FactValue]) -> FactValue | None:
    """The opening hours in force (an audit's over OSM's), or ``None`` when none are recorded
    (presumed hours are no record; :func:`presumed_only` lists them)."""
    fv = facts.get("opening_hours")
    return fv if fv is not None and fv.is_known and fv.source != "presumption" else None


def presumed_only(facts: Mapping[str, FactValue]) -> dict[str, FactValue]:
    """The facts that rest on a presumption alone (nobody recorded them)."""
    return {fid: fv for fid, fv in facts.items() if fv.source == "presumption"}


def opening_hours_flag(facts: Mapping[str, FactValue]) -> HoursInfo | None:
    """The analysis of the current opening hours when they do not parse (kept raw, flagged)."""
    fv = facts.get("opening_hours")
    if fv is None or not fv.is_known:
        return None
    info = analyse_opening_hours(str(fv.value))
    return None if info.parses else info


# ---------------------------------------------------------------- loading


def _json_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _py_value(fact_id: str, value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    fact = FACT_BY_ID.get(fact_id)
    if fact is not None and fact.integer and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _audit_info(audit: Audit, facts: list[AuditFact]) -> AuditInfo:
    return AuditInfo(
        id=audit.id,
        place_id=audit.place_id,
        version=audit.version,
        based_on_version=audit.based_on_version,
        auditor=audit.auditor,
        visit_date=audit.visit_date,
        method=audit.method,
        group_participation=tuple(audit.group_participation or ()),
        notes=audit.notes or "",
        review_state=audit.review_state,
        reviewed_by=audit.reviewed_by,
        reviewed_at=audit.reviewed_at,
        created_at=audit.created_at,
        facts={
            f.fact_id: FactValue(
                _py_value(f.fact_id, f.value),
                source="audit",
                checked_on=audit.visit_date,
                auditor=audit.auditor,
                note=f.note,
            )
            for f in sorted(facts, key=lambda f: f.fact_id)
            if f.fact_id in FACT_BY_ID  # a fact dropped from the vocabulary stays stored, unused
        },
    )


def _load_audits(
    session: Session, *, place_id: int | None = None, area_id: int | None = None
) -> dict[int, list[AuditInfo]]:
    """Audits per place in version order: two queries, whatever the number of places."""
    query = select(Audit)
    facts_query = select(AuditFact).join(Audit, Audit.id == AuditFact.audit_id)
    if place_id is not None:
        query = query.where(Audit.place_id == place_id)
        facts_query = facts_query.where(Audit.place_id == place_id)
    if area_id is not None:
        in_area = select(Place.id).where(Place.area_id == area_id)
        query = query.where(Audit.place_id.in_(in_area))
        facts_query = facts_query.where(Audit.place_id.in_(in_area))
    by_audit: dict[int, list[AuditFact]] = {}
    for fact in session.scalars(facts_query):
        by_audit.setdefault(fact.audit_id, []).append(fact)
    result: dict[int, list[AuditInfo]] = {}
    for audit in session.scalars(query.order_by(Audit.place_id, Audit.version)):
        result.setdefault(audit.place_id, []).append(_audit_info(audit, by_audit.get(audit.id, [])))
    return result


def audited_layer(audits: Iterable[AuditInfo]) -> dict[str, FactValue]:
    """The newest value of each fact over the non-rejected audits (in version order)."""
    layer: dict[str, FactValue] = {}
    for audit in sorted(audits, key=lambda a: a.version):
        if audit.review_state != "rejected":
            layer.update(audit.facts)
    return layer


def _status(audits: list[AuditInfo], version: int, today: date | None) -> AuditStatus:
    dates = [a.visit_date for a in audits if a.review_state != "rejected"]
    last = max(dates, default=None)
    return AuditStatus(last_checked=last, version=version, reaudit_due=is_reaudit_due(last, today=today))




def current_audit_version(session: Session, *, place_id: int) -> int:
    """The stored audit version of a place – what a form must pass as ``expected_version``."""
    version = session.scalar(select(Place.audit_version).where(Place.id == place_id))
    if version is None:
        load_place_row(session, place_id)  # raises PlaceNotFound
    return int(version or 0)


def list_audits(session: Session, *, place_id: int) -> list[AuditInfo]:
    """Every audit of a place, oldest first (rejected ones included)."""
    load_place_row(session, place_id)
    return _load_audits(session, place_id=place_id).get(place_id, [])


def current_facts(session: Session, *, place_id: int) -> dict[str, FactValue]:
    """The facts as they stand: OSM pre-fill overlaid with the newest non-rejected audit values."""
    place = load_place_row(session, place_id)
    audits = _load_audits(session, place_id=place_id).get(place_id, [])
    return compute_effective_facts(place.tags or {}, audited_layer(audits), place.category)


def place_verdicts(session: Session, *, place_id: int) -> dict[str, Verdict]:
    """The verdict per group (in ``GROUPS`` order) from the current facts."""
    return evaluate_all(current_facts(session, place_id=place_id))


def audit_status(session: Session, *, place_id: int, today: date | None = None) -> AuditStatus:
    """Last checked, the audit version and whether a re-audit is due (newest older than 24 months)."""
    place = load_place_row(session, place_id)
    audits = _load_audits(session, place_id=place_id).get(place_id, [])
    return _status(audits, current_audit_version(session, place_id=place.id), today)


def load_area_audits(session: Session, *, area_id: int, today: date | None = None) -> dict[int, PlaceAudits]:
    """Facts, verdicts and audit status of every place of an area (three queries in all)."""
    rows = session.execute(
        select(Place.id, Place.tags, Place.category, Place.audit_version)
        .where(Place.area_id == area_id)
        .order_by(Place.id)
    ).all()
    audits = _load_audits(session, area_id=area_id)
    table = active_presumptions()
    result: dict[int, PlaceAudits] = {}
    for place_id, tags, category, version in rows:
        place_audits = audits.get(place_id, [])
        facts = compute_effective_facts(tags or {}, audited_layer(place_audits), category, table)
        result[place_id] = PlaceAudits(
            place_id=place_id,
            facts=facts,
            verdicts=evaluate_all(facts),
            status=_status(place_audits, int(version or 0), today),
            last_audit=next((a for a in reversed(place_audits) if a.review_state != "rejected"), None),
        )
    return result


def verdicts_for_area(session: Session, *, area_id: int) -> dict[int, dict[str, Verdict]]:
    """``place_id -> group_id -> Verdict`` for every place of an area, without N+1 queries."""
    return {pid: pa.verdicts for pid, pa in load_area_audits(session, area_id=area_id).items()}


def _history(tags: Mapping[str, str], audits: list[AuditInfo], category: str | None = None) -> list[AuditVersion]:
    layer: dict[str, FactValue] = {}
    history: list[AuditVersion] = []
    table = active_presumptions()
    for audit in sorted(audits, key=lambda a: a.version):
        before = compute_effective_facts(tags, layer, category, table)
        changed = []
        for fact_id, fv in audit.facts.items():
            old = before.get(fact_id)
            old_value = old.value if old is not None else None
            if old_value != fv.value:
                changed.append(FactChange(fact_id, old_value, fv.value))
        history.append(AuditVersion(audit=audit, changed=changed, recorded=list(audit.facts)))
        if audit.review_state != "rejected":
            layer.update(audit.facts)
    return history


def audit_history(session: Session, *, place_id: int) -> list[AuditVersion]:
    """Every audit version, newest first: who, when, how, review state and the facts it changed.

    "Changed" compares with the facts in force before that version (OSM included); a rejected
    audit lists what it would have changed, and does not count for later versions.
    """
    place = load_place_row(session, place_id)
    audits = _load_audits(session, place_id=place_id).get(place_id, [])
    return list(reversed(_history(place.tags or {}, audits, place.category)))


# ---------------------------------------------------------------- saving


def _describe_change(change: FactChange, lang: str) -> str:
    fact = FACT_BY_ID[change.fact_id]
    old = "–" if change.old is None else format_value(change.fact_id, change.old, lang)
    new = format_value(change.fact_id, change.new, lang)
    return f"{fact.label(lang)} {old} → {new}"


def _conflict(session: Session, place: Place, expected: int) -> AuditConflict:
    current = current_audit_version(session, place_id=place.id)
    audits = _load_audits(session, place_id=place.id).get(place.id, [])
    changes = [
        ChangeSummary(
            version=v.audit.version,
            auditor=v.audit.auditor,
            visit_date=v.audit.visit_date,
            created_at=v.audit.created_at,
            changed=v.changed,
        )
        for v in _history(place.tags or {}, audits, place.category)
        if v.audit.version > expected
    ]
    # The place as people read it ("Spielplatz, Goethestraße" when it has no name); plain values,
    # as the message is shown after the session has ended.
    name, category, locator, place_id = place.name, place.category, place.locator, place.id
    ref = osm_ref(place.osm_type, place.osm_id) if place.osm_type and place.osm_id else None
    what = PerLanguage(
        lambda lang: compute_label(name=name, category=category, locator=locator, ref=ref, place_id=place_id, lang=lang)
    )

    def lines(lang: str) -> str:
        return "\n".join(
            t(
                N_("version {version} by {auditor}, saved {saved} UTC (visit {visit}): {facts}"),
                lang,
                version=c.version,
                auditor=c.auditor,
                saved=format_datetime(c.created_at, lang),
                visit=Day(c.visit_date),
                facts="; ".join(_describe_change(ch, lang) for ch in c.changed) or t(N_("no facts changed"), lang),
            )
            for c in changes
        )

    if current < expected:
        head = Message(
            N_("The audit of {what!r} was opened at version {expected}, but only {current} exist."),
            what=what, expected=expected, current=current,
        )  # fmt: skip
    else:
        head = Message(
            N_(
                "{what!r} was audited by someone else while you were editing (you opened version {expected}, "
                "now at version {current}):"
            ),
            what=what, expected=expected, current=current,
        )  # fmt: skip
    return AuditConflict(
        N_("{head}\n{change_lines}\nNothing was saved. Reload the place, compare, and save your findings again."),
        head=head,
        change_lines=PerLanguage(lines),
        place_id=place.id,
        expected=expected,
        current=current,
        changes=changes,
    )


def save_audit(
    session: Session,
    *,
    actor: Actor,
    place_id: int,
    expected_version: int,
    facts: Mapping[str, Any],
    auditor: str,
    visit_date: date,
    method: str,
    group_participation: Iterable[str] = (),
    notes: str = "",
    today: date | None = None,
) -> AuditInfo:
    """Store a new audit version of a place, or raise :class:`AuditConflict` and write nothing.

    ``expected_version`` is the audit version the form was opened with
    (:func:`current_audit_version`). Every recorded (non-blank) fact is stored as given;
    invalid facts or metadata raise one :class:`InvalidInput` naming all bad facts.
    """
    require_role(actor, *AUDITORS)
    clean = validate_audit_facts(facts)
    auditor = validate_person(auditor)
    visit_date = validate_visit_date(visit_date, today=today)
    method = validate_method(method)
    participation = validate_participation(group_participation)
    notes = validate_notes(notes)
    if isinstance(expected_version, bool) or not isinstance(expected_version, int) or expected_version < 0:
        raise InvalidInput(
            N_("expected_version must be a whole number ≥ 0, not {expected_version!r}."), expected_version=expected_version,
        )
    place = load_place_row(session, place_id)
    # The one atomic step: on PostgreSQL a concurrent save waits for the row lock and then
    # re-checks the condition; on SQLite BEGIN IMMEDIATE serialises the writers.
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Place)
            .where(Place.id == place_id, Place.audit_version == expected_version)
            .values(audit_version=Place.audit_version + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise _conflict(session, place, expected_version)
    now = datetime.now(UTC)
    audit = Audit(
        place_id=place_id,
        version=expected_version + 1,
        based_on_version=expected_version,
        auditor=auditor,
        visit_date=visit_date,
        method=method,
        group_participation=list(participation),
        notes=notes,
        review_state="submitted",
        created_at=now,
    )
    session.add(audit)
    session.flush()
    rows = [
        AuditFact(audit_id=audit.id, fact_id=fact_id, value=_json_value(value), note=note)
        for fact_id, (value, note) in clean.items()
    ]
    session.add_all(rows)
    session.flush()
    return _audit_info(audit, rows)


def set_review_state(
    session: Session, *, actor: Actor, audit_id: int, state: str, reviewer: str, note: str = ""
) -> AuditInfo:
    """Record a review decision (logged in ``audit_reviews``); refuses transitions not allowed."""
    require_role(actor, *AUDITORS)
    if state not in REVIEW_STATES:
        raise InvalidInput(
            N_("Unknown review state {state!r}; use one of {choices}."), state=state, choices=', '.join(REVIEW_STATES),
        )
    reviewer = validate_person(reviewer, what=N_("reviewer's name"))
    note = validate_notes(note)
    audit = session.get(Audit, audit_id, with_for_update=True)
    if audit is None:
        raise InvalidInput(
            N_("No audit with id {audit_id}; reload the list."), audit_id=audit_id,
        )
    allowed = REVIEW_TRANSITIONS[audit.review_state]
    if state not in allowed:
        now_is, to_be = Message(REVIEW_LABELS[audit.review_state]), Message(REVIEW_LABELS[state])
        if allowed:
            raise InvalidInput(
                N_("This audit is {now}; it cannot become {to} (possible: {possible})."),
                now=now_is,
                to=to_be,
                possible=Joined([Message(REVIEW_LABELS[s]) for s in allowed], sep=", "),
            )
        raise InvalidInput(N_("This audit is {now}; it cannot become {to}."), now=now_is, to=to_be)
    now = datetime.now(UTC)
    audit.review_state = state
    audit.reviewed_by = reviewer
    audit.reviewed_at = now
    session.add(AuditReview(audit_id=audit.id, state=state, reviewer=reviewer, note=note, at=now))
    session.flush()
    facts = list(session.scalars(select(AuditFact).where(AuditFact.audit_id == audit.id)))
    return _audit_info(audit, facts)


@dataclass(frozen=True)
class ReviewEntry:
    state: str
    reviewer: str
    note: str
    at: datetime


def review_log(session: Session, *, audit_id: int) -> list[ReviewEntry]:
    """The review decisions on one audit, oldest first."""
    rows = session.scalars(
        select(AuditReview).where(AuditReview.audit_id == audit_id).order_by(AuditReview.id)
    )
    return [ReviewEntry(r.state, r.reviewer, r.note, r.at) for r in rows]


__all__ = [
    "AUDIT_METHODS",
    "AuditInfo",
    "AuditStatus",
    "AuditVersion",
    "PlaceAudits",
    "ReviewEntry",
    "audit_history",
    "audit_status",
    "current_audit_version",
    "current_facts",
    "list_audits",
    "load_area_audits",
    "opening_hours_flag",
    "place_verdicts",
    "review_log",
    "save_audit",
    "set_review_state",
    "verdicts_for_area",
]
