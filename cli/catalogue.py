"""Command line: ``python -m catalogue import|export|areas [--publish|--unpublish NAME]|backup|restore``.

Exit codes: 0 done, 1 the data or source could not be used (bad OSM file, failed export),
2 bad input (arguments, unknown area, missing file), 3 a live source was unreachable.
Errors are one message on stderr, never a traceback (set ``ATLAS_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from base.errors import AreaNotFound, AtlasError, InvalidInput, OverpassError
from base.i18n import N_
from catalogue.categories import CATEGORY_BY_ID, CATEGORY_IDS
from cli.common import EXIT_DATA, EXIT_INPUT, EXIT_OK, EXIT_UNREACHABLE, Parser, run_cli, safe_url


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``"W,S,E,N"`` → four floats, or InvalidInput."""
    parts = [p.strip() for p in text.split(",")]
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise InvalidInput(
            N_("--bbox {text!r}: give four numbers west,south,east,north in degrees, e.g. 6.79,51.20,6.81,51.215."), text=text,
        ) from None
    return west, south, east, north


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="python -m catalogue", description="Begegnungsatlas: import, export and list areas."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    imp = sub.add_parser("import", help="import an OSM extract file, or a quarter live from OpenStreetMap")
    imp.add_argument("source", nargs="?", help="OSM file (.osm.pbf, .osm, .osm.gz, .osm.bz2)")
    imp.add_argument("--place", help="place name to fetch live via Overpass, e.g. 'Düsseldorf-Oberbilk'")
    imp.add_argument("--bbox", help="bounding box to fetch live: west,south,east,north (WGS84 degrees)")
    imp.add_argument("--area", required=True, help="name of the area (quarter) to import into")
    imp.add_argument("--json", action="store_true", help="print one JSON object with the counts")

    exp = sub.add_parser("export", help="export an area's places")
    exp.add_argument("--area", required=True)
    exp.add_argument("--format", required=True, choices=["geojson", "gpkg", "csv", "xlsx"])
    exp.add_argument("--out", required=True, type=Path)
    exp.add_argument("--active-only", action="store_true", help="leave out closed places")

    bak = sub.add_parser("backup", help="copy the SQLite database consistently, even while the app writes")
    bak.add_argument("--out", required=True, type=Path, help="new file for the backup, e.g. backup-2026-11-25.db")

    res = sub.add_parser(
        "restore", help="replace the SQLite database by a backup (the app must be stopped)"
    )
    res.add_argument("--from", dest="backup", required=True, type=Path, help="the backup file")
    res.add_argument("--yes", action="store_true", help="do not ask before replacing the database")

    areas = sub.add_parser("areas", help="list the areas in the database, or publish one for residents")
    areas.add_argument("--json", action="store_true")
    show = areas.add_mutually_exclusive_group()
    show.add_argument("--publish", metavar="NAME", help="show the area NAME on the residents' pages")
    show.add_argument("--unpublish", metavar="NAME", help="hide the area NAME from the residents' pages")
    return parser


def _cmd_import(args: argparse.Namespace, engine) -> int:
    from accounts.auth import CONSOLE
    from catalogue.importer import import_file, import_overpass

    given = [x for x in (args.source, args.place, args.bbox) if x is not None]
    if len(given) != 1:
        raise InvalidInput(
            N_("import: give exactly one of SOURCE (a file), --place NAME or --bbox W,S,E,N."),
        )
    if args.source is not None:
        summary = import_file(engine, actor=CONSOLE, path=args.source, area_name=args.area)
    elif args.place is not None:
        summary = import_overpass(engine, actor=CONSOLE, area_name=args.area, place=args.place)
    else:
        box = parse_bbox(args.bbox)
        summary = import_overpass(engine, actor=CONSOLE, area_name=args.area, bbox=box)
    if args.json:
        print(json.dumps(summary.to_json_dict(), ensure_ascii=False))
        return EXIT_OK
    parts = [
        f"{n} {CATEGORY_BY_ID[cid].name.lower()}"
        for cid in CATEGORY_IDS
        if (n := summary.by_category.get(cid, 0))
    ]
    print(f"Imported {summary.places} places into area {summary.area!r} in {summary.seconds:.1f} s.")
    print(f"  schools: {summary.schools}, Kitas: {summary.kitas}; " + ", ".join(parts))
    print(f"  new {summary.new}, changed {summary.updated}, no longer in OSM {summary.missing}")
    print(f"  walking network: {summary.network_nodes:,} nodes, {summary.network_edges:,} edges")
    notes = summary.notes
    if notes.cut_ways or notes.cut_relations or notes.cut_skipped:
        print(
            f"  cut by the extract's edge: {notes.cut_ways} ways and {notes.cut_relations} relations kept "
            f"with the nodes present, {notes.cut_skipped} left out (too little inside)"
        )
    if notes.duplicates_dropped:
        print(f"  {notes.duplicates_dropped} older copies of objects that occur twice were dropped (newest kept)")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, engine) -> int:
    from catalogue.store import get_area, load_places
    from exports.places import export_places
    from storage.db import session_scope

    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name=args.area)
        places = load_places(session, area_id=area.id, include_closed=not args.active_only)
    try:
        out = export_places(places, fmt=args.format, out=args.out)
    except OSError as exc:
        raise AtlasError(
            N_("Cannot write {out!r}: {strerror}. Choose another --out path."), out=str(args.out), strerror=exc.strerror or exc,
        ) from exc
    print(f"Exported {len(places)} places of area {area.name!r} to {out}", file=sys.stderr)
    return EXIT_OK


def _cmd_publish(engine, name: str, published: bool) -> int:
    from accounts.auth import CONSOLE
    from catalogue.store import get_area, set_area_published
    from storage.db import session_scope

    with session_scope(engine) as session:
        area = set_area_published(
            session, actor=CONSOLE, area_id=get_area(session, name=name).id, published=published
        )
    state = "published: residents see it" if area.published else "not published: residents do not see it"
    print(f"Area {area.name!r} is {state}.")
    return EXIT_OK


def _cmd_areas(args: argparse.Namespace, engine) -> int:
    from catalogue.store import list_areas
    from storage.db import session_scope

    if args.publish is not None or args.unpublish is not None:
        return _cmd_publish(engine, args.publish or args.unpublish, args.publish is not None)
    with session_scope(engine, read_only=True) as session:
        areas = list_areas(session)
    if args.json:
        rows = [
            {
                "id": a.id,
                "name": a.name,
                "places": a.place_count,
                "bbox": list(a.bbox),
                "source": a.source,
                "imported_at": a.imported_at.isoformat() if a.imported_at else None,
                "published": a.published,
            }
            for a in areas
        ]
        print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    if not areas:
        print("No areas yet. Import one: python -m catalogue import FILE --area NAME")
    for a in areas:
        when = a.imported_at.strftime("%Y-%m-%d %H:%M UTC") if a.imported_at else "-"
        print(f"{a.name}\t{a.place_count} places\timported {when}\tfrom {a.source}")
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace, engine) -> int:
    from storage.db import backup_database

    out = backup_database(engine, args.out)
    print(f"Backup written to {out}. Restore: stop the app, then python -m catalogue restore --from {out}")
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace, _engine: None) -> int:
    from base.settings import load_settings
    from storage.db import restore_database, sqlite_path

    url = load_settings().database_url
    target = sqlite_path(url)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidInput(
                N_("restore replaces {target}; add --yes to confirm."), target=target or safe_url(url),
            )
        answer = input(f"Replace {target} by {args.backup}? The current file is kept renamed. [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            print("Nothing changed.", file=sys.stderr)
            return EXIT_INPUT
    result = restore_database(url=url, backup=args.backup)
    print(f"Restored {result.target} from {args.backup}: {result.tables} tables, {result.rows} rows, integrity ok.")
    for path in result.kept:
        print(f"  kept the replaced file as {path}")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Any], int]] = {
    "import": _cmd_import,
    "export": _cmd_export,
    "areas": _cmd_areas,
    "backup": _cmd_backup,
    "restore": _cmd_restore,
}
# Commands that must not open (or migrate) the database themselves.
NO_ENGINE = frozenset({"restore"})


def _exit_code(err: AtlasError) -> int:
    if isinstance(err, OverpassError):
        return EXIT_UNREACHABLE
    if isinstance(err, (InvalidInput, AreaNotFound)):
        return EXIT_INPUT
    return EXIT_DATA


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(
        argv,
        build_parser=build_parser,
        dispatch=lambda args, engine: COMMANDS[args.command](args, engine),
        exit_code=_exit_code,
        needs_engine=lambda args: args.command not in NO_ENGINE,
    )
