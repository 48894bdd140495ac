"""Command line: ``python -m audits import-csv|export|maintenance|tasks|…``.

Exit codes as in ``python -m catalogue``: 0 done, 1 the data could not be used (a conflicting
audit, a failed write), 2 bad input (invalid rows, unknown area, place, task or account, missing
file, a second open task for a place, a closed task closed again) – and then the database is
unchanged. Errors are messages on stderr, never a traceback (``ATLAS_DEBUG=1``
shows one). Subcommands are listed in one table, ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine

from audits.errors import AuditConflict, AuditCsvError, TaskNotFound
from base.errors import AreaNotFound, AtlasError, InvalidInput, PlaceNotFound
from base.i18n import N_
from cli import coverage, gaps, population, tasks, users
from cli.common import EXIT_DATA, EXIT_INPUT, EXIT_OK, Command, area_id, run_cli
from cli.common import build_parser as common_parser

__all__ = ["COMMANDS", "EXIT_DATA", "EXIT_INPUT", "EXIT_OK", "main"]


# ---------------------------------------------------------------- import-csv


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="CSV: place, date, auditor, method, then one column per fact id")
    p.add_argument("--area", help="area (quarter) the places belong to; needed when a ref is in several")
    p.add_argument("--json", action="store_true", help="print one JSON object with the counts")


def _cmd_import_csv(args: argparse.Namespace, engine: Engine) -> int:
    from accounts.auth import CONSOLE
    from audits.csv_io import import_audit_csv

    report = import_audit_csv(engine, args.file, actor=CONSOLE, area_id=area_id(engine, args.area))
    if args.json:
        print(json.dumps(report.to_json_dict(), ensure_ascii=False))
    else:
        print(f"Imported {len(report.audits)} audits of {report.places} places from {str(args.file)!r}.")
    return EXIT_OK


# ---------------------------------------------------------------- export


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--area", required=True)
    p.add_argument("--format", required=True, choices=["csv", "xlsx", "json"])
    p.add_argument("--out", required=True, type=Path)


def _cmd_export(args: argparse.Namespace, engine: Engine) -> int:
    from catalogue.store import get_area
    from exports.audits import export_audits
    from exports.tabular import write_atomic
    from storage.db import session_scope

    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name=args.area)
        data = export_audits(session, area_id=area.id, fmt=args.format)
    out: Path = args.out
    try:
        write_atomic(out, data)  # a reader never sees half a file
    except OSError as exc:
        raise AtlasError(
            N_("Cannot write {out!r}: {strerror}. Choose another --out path."), out=str(out), strerror=exc.strerror or exc,
        ) from exc
    print(f"Exported the audits of area {area.name!r} to {out}", file=sys.stderr)
    return EXIT_OK




# ---------------------------------------------------------------- field-sheet


def _field_sheet_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--area", required=True, help="name of the area")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--place", action="append", metavar="REF_OR_ID",
                       help="OSM reference (way/123) or catalogue id; repeat for several places")  # fmt: skip
    which.add_argument("--all-unknown", action="store_true",
                       help="every active place whose verdict is unknown for one of the groups")  # fmt: skip
    p.add_argument("--group", action="append", required=True, metavar="G",
                   help="group id(s) whose facts the checklist asks for; repeat or separate by commas")  # fmt: skip
    p.add_argument("--lang", default="de", choices=["de", "en"], help="language of the sheet (default de)")
    p.add_argument("--out", required=True, type=Path, help="the PDF to write")


def _cmd_field_sheet(args: argparse.Namespace, engine: Engine) -> int:
    from catalogue.store import find_place_by_ref, get_area, get_place
    from exports.field_sheet import save_field_sheets, unknown_place_ids
    from storage.db import session_scope

    if args.out.suffix.lower() != ".pdf":
        raise InvalidInput(N_("{name!r}: the file name must end in .pdf."), name=args.out.name)
    groups = [g for value in args.group for g in value.split(",") if g.strip()]
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name=args.area)
        if args.all_unknown:
            place_ids = []
        else:
            place_ids = [
                get_place(session, place_id=int(ref)).id if ref.strip().isdigit()
                else find_place_by_ref(session, area_id=area.id, ref=ref.strip()).id
                for ref in args.place
            ]  # fmt: skip
    if args.all_unknown:
        place_ids = unknown_place_ids(engine, area_id=area.id, groups=groups)
        if not place_ids:
            raise InvalidInput(
                N_("No place in {area!r} has an unknown verdict for these groups; nothing to print."), area=area.name
            )
    out = save_field_sheets(engine, area_id=area.id, place_ids=place_ids, groups=groups, lang=args.lang, out=args.out)
    print(f"Wrote the field sheets of {len(place_ids)} place(s) to {out}", file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------- maintenance


def _maintenance_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--contact-days",
        type=int,
        default=None,
        help="delete reply e-mails older than this many days (default: ATLAS_CONTACT_DAYS, 90)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object with the counts")


def _cmd_maintenance(args: argparse.Namespace, engine: Engine) -> int:
    from base.settings import load_settings
    from storage.db import session_scope
    from suggestions.maintenance import run_maintenance

    days = load_settings().contact_days if args.contact_days is None else args.contact_days
    with session_scope(engine) as session:
        report = run_maintenance(session, contact_days=days)
    if args.json:
        print(json.dumps(report.to_json_dict()))
    else:
        print(
            f"Deleted {report.contacts_purged} reply e-mails older than {days} days "
            f"and {report.login_attempts_pruned} old login attempts."
        )
    return EXIT_OK


# ---------------------------------------------------------------- the table

IMPORT_CSV = Command("import-csv", "import audits from a CSV file (all rows or nothing)", _import_args, _cmd_import_csv)
EXPORT = Command("export", "export an area's facts and verdicts per group", _export_args, _cmd_export)
FIELD_SHEET = Command("field-sheet", "print A4 field sheets (PDF) for on-site audits of places", _field_sheet_args, _cmd_field_sheet)
MAINTENANCE = Command("maintenance", "delete old reply e-mails and login attempts (run daily, e.g. from cron)", _maintenance_args, _cmd_maintenance)

# Every subcommand of ``python -m audits``, in the order ``--help`` lists them. A new command is
# a ``Command`` in the module of its concept and one line here.
COMMANDS: dict[str, Command] = {
    cmd.name: cmd
    for cmd in (
        IMPORT_CSV, EXPORT, FIELD_SHEET, MAINTENANCE, tasks.TASKS, gaps.GAPS, gaps.IMPORT_SCHOOLS,
        coverage.COVERAGE, coverage.WORKLIST, users.USERS, population.IMPORT_POPULATION,
        population.ESTIMATE_POPULATION,
    )  # fmt: skip
}


# ---------------------------------------------------------------- main


def _exit_code(err: AtlasError) -> int:
    if isinstance(err, AuditConflict):
        return EXIT_DATA
    if isinstance(err, (InvalidInput, AreaNotFound, PlaceNotFound, AuditCsvError, TaskNotFound)):
        return EXIT_INPUT
    return EXIT_DATA


def build_parser() -> argparse.ArgumentParser:
    return common_parser("python -m audits", "Begegnungsatlas: audits of places of encounter.", COMMANDS.values())


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(
        argv,
        build_parser=build_parser,
        dispatch=lambda args, engine: COMMANDS[args.command].run(args, engine),
        exit_code=_exit_code,
    )


