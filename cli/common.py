"""What every command line of the atlas shares: exit codes, the parser that reports instead of
exiting, the table entry of one subcommand, and :func:`run_cli`, the outermost boundary.

Exit codes: 0 done, 1 the data or source could not be used, 2 bad input (arguments, unknown area,
missing file), 3 a live source was unreachable. Errors are one message on stderr, never a
traceback (set ``ATLAS_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import make_url

from base.errors import AtlasError, InvalidInput
from base.i18n import N_

EXIT_OK, EXIT_DATA, EXIT_INPUT, EXIT_UNREACHABLE = 0, 1, 2, 3


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise InvalidInput(N_("{prog}: {message}"), prog=self.prog, message=message)


@dataclass(frozen=True)
class Command:
    """One subcommand: its name and help, how it adds its arguments, and what it runs."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Any], int]


def build_parser(prog: str, description: str, commands: Iterable[Command]) -> argparse.ArgumentParser:
    parser = Parser(prog=prog, description=description)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for cmd in commands:
        cmd.add_arguments(sub.add_parser(cmd.name, help=cmd.help))
    return parser


def area_id(engine: Any, name: str | None) -> int | None:
    """The id of the area called ``name`` (``None`` for no name); AreaNotFound when there is none."""
    from catalogue.store import get_area
    from storage.db import session_scope

    if name is None:
        return None
    with session_scope(engine, read_only=True) as session:
        return get_area(session, name=name).id


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def run_cli(
    argv: Sequence[str] | None,
    *,
    build_parser: Callable[[], argparse.ArgumentParser],
    dispatch: Callable[[argparse.Namespace, Any], int],
    exit_code: Callable[[AtlasError], int],
    needs_engine: Callable[[argparse.Namespace], bool] = lambda _args: True,
) -> int:
    """The CLIs' outermost boundary: parse, open the migrated database, run, and turn every
    failure into one line on stderr and an exit code (``ATLAS_DEBUG=1`` shows tracebacks)."""
    from sqlalchemy.exc import SQLAlchemyError

    from base.settings import load_settings
    from catalogue.uploads import clean_stale_uploads
    from storage.db import open_database

    try:
        args = build_parser().parse_args(argv)
    except InvalidInput as err:
        print(f"error: {err.en}", file=sys.stderr)
        return EXIT_INPUT
    try:
        settings = load_settings()
    except AtlasError as err:  # a malformed setting (e.g. ATLAS_MAX_OSM_OBJECTS=lots)
        print(f"error: {err.en}", file=sys.stderr)
        return EXIT_INPUT
    url = settings.database_url
    engine = None
    try:
        if not needs_engine(args):
            return dispatch(args, None)
        # What a crashed app or CLI left of uploaded extracts (folders of processes that are gone).
        clean_stale_uploads(settings.upload_dir)
        engine = open_database(url)
        return dispatch(args, engine)
    except AtlasError as err:
        print(f"error: {err.en}", file=sys.stderr)
        return exit_code(err)
    except SQLAlchemyError as err:
        if os.environ.get("ATLAS_DEBUG"):
            traceback.print_exc()
        detail = str(getattr(err, "orig", None) or err).splitlines()[0]
        print(f"error: database {safe_url(url)}: {detail}. Check DATABASE_URL.", file=sys.stderr)
        return EXIT_DATA
    except Exception as err:  # noqa: BLE001 - the CLI's outermost boundary: report, never a traceback
        if os.environ.get("ATLAS_DEBUG"):
            traceback.print_exc()
        print(
            f"error: unexpected {err.__class__.__name__}: {err} (ATLAS_DEBUG=1 shows details)",
            file=sys.stderr,
        )
        return EXIT_DATA
    except KeyboardInterrupt:
        print("interrupted; an unfinished write changed nothing", file=sys.stderr)
        return 130
    finally:
        if engine is not None:
            engine.dispose()
