"""Engine setup (SQLite for one machine, PostgreSQL for a shared deployment), migrations, sessions.

SQLite is set up for several app users at once: WAL (readers never block the writer),
``synchronous=FULL`` (a committed import survives a power cut), a 30 s busy timeout, and write
transactions that take the write lock at ``BEGIN IMMEDIATE`` – a transaction that reads first and
writes later would otherwise fail with "database is locked" instead of waiting its turn.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from catalogue.settings import load_settings

SQLITE_BUSY_TIMEOUT_S = 30
# Execution option that marks a connection as read-only: SQLite then begins a plain (deferred)
# transaction, which runs alongside a writer instead of queueing behind it.
READ_ONLY_OPTION = "atlas_read_only"


def make_engine(url: str | None = None, **engine_options: Any) -> Engine:
    """An engine for ``url`` (default: ``DATABASE_URL``); creates the folder of a SQLite file.

    ``engine_options`` go to ``create_engine`` (e.g. ``pool_size`` for many threads at once).
    """
    url = url or load_settings().database_url
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **engine_options)
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, **engine_options)
    _setup_sqlite(engine)
    return engine


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite; "begin" below emits BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY_OPTION):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(engine: Engine) -> Any:
    """Alembic configuration without an ini file; migrations live in ``storage/migrations``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    config.set_main_option("path_separator", "os")
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent; safe when several processes start)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "heads")


def open_database(url: str | None = None, **engine_options: Any) -> Engine:
    """The engine the app and the CLI use: connected and migrated."""
    engine = make_engine(url, **engine_options)
    upgrade(engine)
    return engine


@contextmanager
def session_scope(engine: Engine, *, read_only: bool = False) -> Iterator[Session]:
    """One transaction: commit when the block succeeds, roll back when it raises.

    ``read_only=True`` never commits and, on SQLite, does not wait for the write lock.
    """
    bind = engine.execution_options(**{READ_ONLY_OPTION: True}) if read_only else engine
    session = Session(bind=bind, expire_on_commit=False)
    try:
        yield session
        if read_only:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def read_all_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key – to compare a database before and after."""
    from storage.schema import Base

    dump: dict[str, list[tuple[Any, ...]]] = {}
    names = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name not in names:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            dump[table.name] = [tuple(row) for row in conn.execute(select(table).order_by(*order))]
        if "alembic_version" in names:
            dump["alembic_version"] = [
                tuple(row) for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")
            ]
    return dump


def backup_database(engine: Engine, out: Path) -> Path:
    """A consistent copy of a SQLite database, safe while the app writes (SQLite's backup API).

    Copying the file is no backup in WAL mode (recent writes sit in ``-wal``); the backup API
    copies a snapshot that includes them. PostgreSQL is backed up with ``pg_dump``.
    """
    from catalogue.errors import InvalidInput

    if engine.dialect.name != "sqlite":
        raise InvalidInput(
            "Back up PostgreSQL with pg_dump (e.g. pg_dump -Fc DBNAME > atlas.dump); "
            "this command copies SQLite databases only.",
            "PostgreSQL sichern Sie mit pg_dump (z. B. pg_dump -Fc DBNAME > atlas.dump); "
            "dieser Befehl kopiert nur SQLite-Datenbanken.",
        )
    out = Path(out)
    if out.exists():
        raise InvalidInput(
            f"{out} exists already; choose a new file name so no backup is overwritten.",
            f"{out} gibt es schon; wählen Sie einen neuen Dateinamen, damit keine Sicherung überschrieben wird.",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(target)  # type: ignore[union-attr]
            ok = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
    finally:
        raw.close()
    if ok != "ok":
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"backup failed its integrity check: {ok}")
    partial.replace(out)  # the backup appears complete or not at all
    return out
