"""Audit CSV import: all rows or nothing (the export that it reads back is ``exports.audits``).

Import format: a header with ``place``, ``date``, ``auditor``, ``method`` and one column per fact
id; optional ``notes`` and ``participation`` (group ids). ``place`` is an OSM reference
(``node/123``, ``way/45``, ``relation/6`` – a node merged into a polygon resolves to it) or a
catalogue id. An empty cell means "not recorded". UTF-8 with or without BOM, ``,`` or ``;``.
The columns an export adds (``name``, ``label``, ``category``, ``presumed``, ``verdict_<group>``) are
accepted and
ignored, so an export can be filled in and imported again.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accounts.auth import Actor, require_role
from audits.errors import AuditCsvError, CsvProblem
from audits.store import (
    AUDITORS,
    AuditInfo,
    current_audit_version,
    current_facts,
    save_audit,
    validate_method,
    validate_notes,
    validate_participation,
    validate_person,
    validate_visit_date,
)
from audits.vocabulary import FACT_BY_ID, GROUP_IDS, validate_fact_value
from base.cells import unneutralise_csv_cell
from base.errors import InvalidInput
from base.i18n import N_, Message
from catalogue.model import parse_osm_ref
from catalogue.store import find_place_ids_by_osm_ref, get_area_by_id
from storage.db import session_scope
from storage.models_catalogue import Area, Place

REQUIRED_COLUMNS: tuple[str, ...] = ("place", "date", "auditor", "method")
OPTIONAL_COLUMNS: tuple[str, ...] = ("notes", "participation")
# Written by the export for reading; ignored on import.
INFO_COLUMNS: tuple[str, ...] = (
    "name", "label", "category", "last_checked", "presumed", *(f"verdict_{g}" for g in GROUP_IDS),
)  # fmt: skip
MAX_FILE_BYTES = 20 * 1024 * 1024
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")



@dataclass(frozen=True)
class AuditRow:
    """One data row of an audit CSV as written (cells stripped; blank fact cells left out)."""

    line: int  # physical line in the file where the row starts (the header is line 1)
    place: str
    date: str
    auditor: str
    method: str
    facts: dict[str, str]
    notes: str = ""
    participation: str = ""
    extra_cells: int = 0  # cells beyond the header


@dataclass(frozen=True)
class ValidRow:
    line: int
    place_id: int
    visit_date: date
    auditor: str
    method: str
    facts: dict[str, Any]
    notes: str
    participation: tuple[str, ...]


@dataclass(frozen=True)
class ImportReport:
    source: str
    rows: int
    audits: list[AuditInfo]

    @property
    def places(self) -> int:
        return len({a.place_id for a in self.audits})

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows": self.rows,
            "audits": len(self.audits),
            "places": self.places,
            "versions": [{"place_id": a.place_id, "version": a.version} for a in self.audits],
        }


# ---------------------------------------------------------------- parsing (pure)


def decode_csv(data: bytes, *, source: str = "") -> str:
    """UTF-8 text without BOM, or InvalidInput telling how to save the file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            N_("{source} is not UTF-8 (byte {start}). Save it as 'CSV UTF-8 (comma delimited)' and import it again."),
            source=source or Message(N_("The file")),
            start=exc.start + 1,
        ) from None


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _unneutralise(cell: str) -> str:
    # An export guards cells a spreadsheet would run (exports.tabular); take that off again.
    return unneutralise_csv_cell(cell)


def parse_audit_csv(text: str) -> tuple[list[AuditRow], list[CsvProblem]]:
    """Rows of an audit CSV and the problems of its header; never raises for content."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    problems: list[CsvProblem] = []
    try:
        header = next(reader)
    except StopIteration:
        header = []
    columns = [h.strip().casefold() for h in header]
    if not any(columns):
        return [], [
            CsvProblem(
                1,
                None,
                N_("The file is empty; the first line must name the columns place, date, auditor, method and fact ids."),
            )
        ]
    seen: set[str] = set()
    for col in columns:
        if col in seen:
            problems.append(
                CsvProblem(1, col, N_("This column appears twice."))
            )
        seen.add(col)
        if col not in FACT_BY_ID and col not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS + INFO_COLUMNS:
            problems.append(
                CsvProblem(
                    1,
                    col or "(empty)",
                    N_("Unknown column {col!r}: not a fact id. Use the fact ids of the export or the audit form (e.g. entrance_step_free, door_width_cm)."), col=col,
                )
            )
    for col in REQUIRED_COLUMNS:
        if col not in seen:
            problems.append(
                CsvProblem(1, col, N_("This required column is missing."))
            )
    rows: list[AuditRow] = []
    end_of_previous = reader.line_num
    for cells in reader:
        line = end_of_previous + 1
        end_of_previous = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        values = dict(zip(columns, (c.strip() for c in cells), strict=False))
        rows.append(
            AuditRow(
                line=line,
                place=values.get("place", ""),
                date=values.get("date", ""),
                auditor=values.get("auditor", ""),
                method=values.get("method", ""),
                facts={col: _unneutralise(v) for col, v in values.items() if col in FACT_BY_ID and v},
                notes=values.get("notes", ""),
                participation=values.get("participation", ""),
                extra_cells=max(0, len(cells) - len(columns)),
            )
        )
    return rows, problems


def parse_visit_date(text: str) -> date:
    """``YYYY-MM-DD`` or ``DD.MM.YYYY``."""
    text = text.strip()
    try:
        if m := _ISO_DATE.fullmatch(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _GERMAN_DATE.fullmatch(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        pass
    raise InvalidInput(
        N_("{text!r} is not a date; write it as YYYY-MM-DD or DD.MM.YYYY."), text=text,
    )


# ---------------------------------------------------------------- validation against the database


def resolve_place(session: Session, *, ref: str, area_id: int | None) -> int:
    """The place id for a CSV ``place`` cell (OSM ref, merged ref or catalogue id)."""
    text = ref.strip()
    if text.isdigit():
        place = session.get(Place, int(text))
        if place is None or (area_id is not None and place.area_id != area_id):
            if area_id is not None:
                raise InvalidInput(N_("No place with catalogue id {text} in this area."), text=text)
            raise InvalidInput(N_("No place with catalogue id {text}."), text=text)
        return place.id
    parsed = parse_osm_ref(text)
    if parsed is None:
        raise InvalidInput(
            N_("{text!r} is neither an OSM reference (node/123, way/45, relation/6) nor a catalogue id."), text=text,
        )
    kind, osm_id = parsed
    hits = find_place_ids_by_osm_ref(session, osm_type=kind, osm_id=osm_id, area_id=area_id)
    if not hits:
        if area_id is not None:
            raise InvalidInput(N_("No place for OSM object {text} in this area."), text=text)
        raise InvalidInput(N_("No place for OSM object {text}."), text=text)
    areas = sorted({a for _, a in hits})
    if len(areas) > 1:
        names = list(session.scalars(select(Area.name).where(Area.id.in_(areas)).order_by(Area.name)))
        raise InvalidInput(
            N_("{text} is in several areas ({areas}); choose one with --area."), text=text, areas=', '.join(names),
        )
    # A direct hit beats an alias (two places of one area never share a ref; be safe anyway).
    return hits[0][0]


def _unchanged_export_row(session: Session, row: AuditRow, *, area_id: int | None) -> bool:
    """True when the row only repeats the place's current facts (or none), as an export wrote it."""
    if not row.place:
        return not row.facts
    try:
        place_id = resolve_place(session, ref=row.place, area_id=area_id)
        given = {fid: validate_fact_value(fid, cell) for fid, cell in row.facts.items()}
    except InvalidInput:
        return False
    if not given:
        return True
    current = current_facts(session, place_id=place_id)
    return all(fid in current and current[fid].value == value for fid, value in given.items())


def validate_audit_rows(
    session: Session, rows: Sequence[AuditRow], *, area_id: int | None = None, today: date | None = None
) -> tuple[list[ValidRow], list[CsvProblem]]:
    """Check every row; returns the clean rows and every problem with its file line."""
    valid: list[ValidRow] = []
    problems: list[CsvProblem] = []

    def check(line: int, column: str | None, fn: Any, *args: Any, **kw: Any) -> Any:
        try:
            return fn(*args, **kw)
        except InvalidInput as err:
            problems.append(CsvProblem(line, column, err.msgid, **err.params))
            return None

    for row in rows:
        if not (row.date or row.auditor or row.method or row.notes or row.participation):
            # No visit: an export row left as it was is skipped; one with edited facts is an error.
            if _unchanged_export_row(session, row, area_id=area_id):
                continue
        before = len(problems)
        if row.extra_cells:
            problems.append(
                CsvProblem(
                    row.line,
                    None,
                    N_("The row has {extra_cells} cell(s) more than the header; check the delimiters and quotes."), extra_cells=row.extra_cells,
                )
            )
        place_id: int | None = None
        day: date | None = None
        if row.place:
            place_id = check(row.line, "place", resolve_place, session, ref=row.place, area_id=area_id)
        else:
            problems.append(CsvProblem(row.line, "place", N_("No place given.")))
        if row.date:
            day = check(row.line, "date", parse_visit_date, row.date)
            if day is not None:
                day = check(row.line, "date", validate_visit_date, day, today=today)
        else:
            problems.append(
                CsvProblem(row.line, "date", N_("No visit date given."))
            )
        auditor = check(row.line, "auditor", validate_person, row.auditor)
        method = check(row.line, "method", validate_method, row.method)
        notes = check(row.line, "notes", validate_notes, row.notes)
        participation = check(
            row.line, "participation", validate_participation, re.split(r"[,;\s]+", row.participation)
        )
        facts: dict[str, Any] = {}
        for fact_id, cell in row.facts.items():
            value = check(row.line, fact_id, validate_fact_value, fact_id, cell)
            if value is not None:
                facts[fact_id] = value
        if not row.facts:
            problems.append(
                CsvProblem(
                    row.line,
                    None,
                    N_("The row records no fact; fill in at least one fact column or delete the row."),
                )
            )
        if len(problems) == before and place_id is not None and day is not None:
            valid.append(
                ValidRow(row.line, place_id, day, auditor, method, facts, notes or "", participation or ())
            )
    return valid, problems


def _read_file(path: str | os.PathLike[str]) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(
            N_("Audit file {p!r} does not exist or is not a file. Check the path."), p=str(p),
        )
    if p.stat().st_size > MAX_FILE_BYTES:
        raise InvalidInput(
            N_("{p!r} is larger than {MAX_FILE_BYTES} MB; split it into several files."), p=str(p), MAX_FILE_BYTES=MAX_FILE_BYTES // 2 ** 20,
        )
    return p.read_bytes()


def save_audit_rows(
    session: Session,
    *,
    actor: Actor,
    text: str,
    area_id: int | None = None,
    source: str = "",
    today: date | None = None,
) -> ImportReport:
    """Validate every row, then save each as a new audit version; raises before writing anything.

    Rows of the same place are saved in the order of their visit dates, so the newest visit
    ends up as the newest version. Rows without date, auditor and method whose facts equal the
    current ones (an export row left untouched) are skipped; edited ones are errors. The caller's transaction makes it all or nothing.
    """
    require_role(actor, *AUDITORS)
    rows, problems = parse_audit_csv(text)
    missing_required = any(p.line == 1 and p.column in REQUIRED_COLUMNS for p in problems)
    valid: list[ValidRow] = []
    if not missing_required:  # without them every row would only repeat the header's problem
        valid, row_problems = validate_audit_rows(session, rows, area_id=area_id, today=today)
        problems += row_problems
    if problems:
        raise AuditCsvError(sorted(problems, key=lambda p: p.line), source=source)
    if not valid:
        raise AuditCsvError(
            [
                CsvProblem(
                    2,
                    None,
                    N_("The file has no row with a visit (date, auditor, method and at least one fact)."),
                )
            ],
            source=source,
        )
    saved: list[AuditInfo] = []
    for row in sorted(valid, key=lambda r: (r.visit_date, r.line)):
        saved.append(
            save_audit(
                session,
                actor=actor,
                place_id=row.place_id,
                expected_version=current_audit_version(session, place_id=row.place_id),
                facts=row.facts,
                auditor=row.auditor,
                visit_date=row.visit_date,
                method=row.method,
                group_participation=row.participation,
                notes=row.notes,
                today=today,
            )
        )
    return ImportReport(
        source=source, rows=len(valid), audits=sorted(saved, key=lambda a: (a.place_id, a.version))
    )


def import_audit_csv(
    engine: Engine,
    path: str | os.PathLike[str],
    *,
    actor: Actor,
    area_id: int | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import an audit CSV file in one transaction: every row becomes a version, or nothing is written."""
    require_role(actor, *AUDITORS)
    source = str(path)
    text = decode_csv(_read_file(path), source=source)
    with session_scope(engine) as session:
        if area_id is not None:
            get_area_by_id(session, area_id=area_id)
        return save_audit_rows(
            session, actor=actor, text=text, area_id=area_id, source=source, today=today
        )
