"""Command line: ``python -m audits import-csv|export|maintenance|…``.

Exit codes as in ``python -m catalogue``: 0 done, 1 the data could not be used (a conflicting
audit, a failed write), 2 bad input (invalid rows, unknown area, missing file) – and then the
database is unchanged. Errors are messages on stderr, never a traceback (``ATLAS_DEBUG=1``
shows one). Subcommands register themselves in ``COMMANDS``; add new ones with :func:`command`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from audits.errors import AuditConflict, AuditCsvError
from catalogue.cli import EXIT_DATA, EXIT_INPUT, EXIT_OK, run_cli
from catalogue.errors import AreaNotFound, AtlasError, InvalidInput, PlaceNotFound

__all__ = ["EXIT_DATA", "EXIT_INPUT", "EXIT_OK", "command", "main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise InvalidInput(f"{self.prog}: {message}")


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Engine], int]


COMMANDS: dict[str, Command] = {}


def command(
    name: str, help: str, add_arguments: Callable[[argparse.ArgumentParser], None]
) -> Callable[[Callable[[argparse.Namespace, Engine], int]], Callable[[argparse.Namespace, Engine], int]]:
    """Register a subcommand: ``@command("gaps", "…", add_args)`` on ``def run(args, engine) -> int``."""

    def register(
        run: Callable[[argparse.Namespace, Engine], int],
    ) -> Callable[[argparse.Namespace, Engine], int]:
        COMMANDS[name] = Command(name, help, add_arguments, run)
        return run

    return register


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m audits", description="Begegnungsatlas: audits of places of encounter.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for cmd in COMMANDS.values():
        cmd.add_arguments(sub.add_parser(cmd.name, help=cmd.help))
    return parser


def _area_id(engine: Engine, name: str | None) -> int | None:
    from catalogue.store import get_area
    from storage.db import session_scope

    if name is None:
        return None
    with session_scope(engine, read_only=True) as session:
        return get_area(session, name=name).id


# ---------------------------------------------------------------- import-csv


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="CSV: place, date, auditor, method, then one column per fact id")
    p.add_argument("--area", help="area (quarter) the places belong to; needed when a ref is in several")
    p.add_argument("--json", action="store_true", help="print one JSON object with the counts")


@command("import-csv", "import audits from a CSV file (all rows or nothing)", _import_args)
def _cmd_import_csv(args: argparse.Namespace, engine: Engine) -> int:
    from audits.auth import CONSOLE
    from audits.csv_io import import_audit_csv

    report = import_audit_csv(engine, args.file, actor=CONSOLE, area_id=_area_id(engine, args.area))
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


@command("export", "export an area's facts and verdicts per group", _export_args)
def _cmd_export(args: argparse.Namespace, engine: Engine) -> int:
    from audits.csv_io import export_audits
    from catalogue.store import get_area
    from catalogue.tabular import write_atomic
    from storage.db import session_scope

    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name=args.area)
        data = export_audits(session, area_id=area.id, fmt=args.format)
    out: Path = args.out
    try:
        write_atomic(out, data)  # a reader never sees half a file
    except OSError as exc:
        raise AtlasError(
            f"Cannot write {str(out)!r}: {exc.strerror or exc}. Choose another --out path.",
            f"Kann {str(out)!r} nicht schreiben: {exc.strerror or exc}. Bitte anderen Pfad wählen.",
        ) from exc
    print(f"Exported the audits of area {area.name!r} to {out}", file=sys.stderr)
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


@command("maintenance", "delete old reply e-mails and login attempts (run daily, e.g. from cron)", _maintenance_args)
def _cmd_maintenance(args: argparse.Namespace, engine: Engine) -> int:
    from audits.maintenance import run_maintenance
    from catalogue.settings import load_settings
    from storage.db import session_scope

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


# ---------------------------------------------------------------- main


def _exit_code(err: AtlasError) -> int:
    if isinstance(err, AuditConflict):
        return EXIT_DATA
    if isinstance(err, (InvalidInput, AreaNotFound, PlaceNotFound, AuditCsvError)):
        return EXIT_INPUT
    return EXIT_DATA


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(
        argv,
        build_parser=build_parser,
        dispatch=lambda args, engine: COMMANDS[args.command].run(args, engine),
        exit_code=_exit_code,
    )


# Subcommands kept in their own modules register themselves (with ``command``) when imported.
import audits.gaps_cli  # noqa: E402, F401  (gaps, import-schools)
import audits.users_cli  # noqa: E402, F401  (users add|list|set-role|deactivate|activate|password|unlock)
