"""Engine setup (SQLite for one machine, PostgreSQL for a shared deployment), migrations, sessions.

SQLite is set up for several app users at once: WAL (readers never block the writer),
``synchronous=FULL`` (a committed import survives a power cut), a 30 s busy timeout, and write
transactions that take the write lock at ``BEGIN IMMEDIATE`` – a transaction that reads first and
writes later would otherwise fail with "database is locked" instead of waiting its turn.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sqlite3
import sys
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, literal, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from base.i18n import N_
from base.settings import load_settings

SQLITE_BUSY_TIMEOUT_S = 30
# Execution option that marks a connection as read-only: SQLite then begins a plain (deferred)
# transaction, which runs alongside a writer instead of queueing behind it.
READ_ONLY_OPTION = "atlas_read_only"
# Next to a SQLite file ``x.db``: ``x.db.atlas-lock`` (every process that opens the database holds
# a shared lock on it; ``restore`` needs it exclusively) and ``x.db.atlas-had-data`` (written once
# the database holds data, so a later empty database at the same path is reported, not accepted).
LOCK_SUFFIX = ".atlas-lock"
HAD_DATA_SUFFIX = ".atlas-had-data"
LOCK_WAIT_S = 30
_INFO = "_atlas_info"  # per-engine state: file watch, marker written, start-up warnings
log = logging.getLogger(__name__)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None (PostgreSQL, in-memory, ``file:`` URIs)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().absolute()


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _database_gone(path: Path, *, replaced: bool) -> Exception:
    from base.errors import database_gone

    log.error(
        "database file %s was %s while in use; writes stopped", path, "replaced" if replaced else "deleted"
    )
    return database_gone()


@dataclass
class _FileWatch:
    """The identity (device, inode) of the SQLite file this engine opened first."""

    path: Path
    identity: tuple[int, int] | None = None

    def current(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_dev, st.st_ino)

    def check(self) -> None:
        """Raise DatabaseFileGone when the file was deleted or replaced since the engine opened it."""
        if self.identity is None:
            return
        now = self.current()
        if now != self.identity:
            raise _database_gone(self.path, replaced=now is not None)


def make_engine(url: str | None = None, **engine_options: Any) -> Engine:
    """An engine for ``url`` (default: ``DATABASE_URL``); creates the folder of a SQLite file.

    ``engine_options`` go to ``create_engine`` (e.g. ``pool_size`` for many threads at once).
    """
    url = url or load_settings().database_url
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **engine_options)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, **engine_options)
    watch = _FileWatch(path) if path is not None else None
    if path is not None:
        _hold_shared_lock(engine, path)
        assert watch is not None
        watch.identity = watch.current()
    setattr(engine, _INFO, {"file_watch": watch})
    _setup_sqlite(engine, watch)
    return engine


class _SharedLock:
    """A shared lock on ``x.db.atlas-lock`` while the engine may hold connections: taken at
    creation and again at a connect after ``dispose()``, released by ``dispose()`` and by the OS
    when the process dies (a crash leaves no stale lock). ``restore`` takes it exclusively."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> None:
        if self.fd is not None:
            return
        fd = os.open(_sidecar(self.path, LOCK_SUFFIX), os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:  # a restore is running (it takes seconds)
                    os.close(fd)
                    from base.errors import DatabaseInUse

                    raise DatabaseInUse(
                        N_("{path} is being restored; start again when the restore has finished."), path=self.path,
                    ) from None
                time.sleep(0.1)
        self.fd = fd

    def release(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            os.close(fd)


def _hold_shared_lock(engine: Engine, path: Path) -> _SharedLock:
    lock = _SharedLock(path)
    lock.acquire()
    weakref.finalize(engine, lock.release)

    @event.listens_for(engine, "engine_disposed")
    def on_dispose(_engine: Any) -> None:
        lock.release()

    @event.listens_for(engine, "do_connect")
    def on_do_connect(*_args: Any) -> None:
        lock.acquire()

    return lock


def file_watch(engine: Engine) -> _FileWatch | None:
    info = getattr(engine, _INFO, None)
    return info.get("file_watch") if isinstance(info, dict) else None


def _setup_sqlite(engine: Engine, watch: _FileWatch | None) -> None:
    if watch is not None:

        @event.listens_for(engine, "do_connect")
        def before_connect(*_args: Any) -> None:
            # A new pooled connection must not create an empty file where the database was.
            watch.check()

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
        if watch is not None and watch.identity is None:
            watch.identity = watch.current()  # a new database: the file exists from now on

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY_OPTION):
            conn.exec_driver_sql("BEGIN")
        else:
            if watch is not None:
                # One os.stat per write transaction: a deleted or replaced file stops all writes
                # (an open connection would go on writing into the deleted inode, lost at exit).
                watch.check()
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


def _count_rows_sql(table_name: str) -> str:
    """``SELECT count(*)`` of one table, the name quoted by SQLAlchemy's SQLite dialect."""
    from sqlalchemy import func
    from sqlalchemy.dialects import sqlite

    return str(select(func.count()).select_from(table(table_name)).compile(dialect=sqlite.dialect()))


def open_database(url: str | None = None, **engine_options: Any) -> Engine:
    """The engine the app and the CLI use: connected and migrated.

    On SQLite it also checks the "had data" marker: an empty database where the marker says data
    was is logged as a warning and kept in ``startup_warnings(engine)`` for the staff pages.
    """
    url = url or load_settings().database_url
    engine = make_engine(url, **engine_options)
    upgrade(engine)
    _check_had_data(engine)
    return engine


def startup_warnings(engine: Engine) -> list[Any]:
    """Warnings found when the database was opened (AtlasError objects, shown to staff)."""
    info = getattr(engine, _INFO, None)
    return list(info.get("warnings", ())) if isinstance(info, dict) else []


def database_problems(engine: Engine) -> list[Any]:
    """What staff must see: the start-up warnings, and the error if the file is gone now."""
    problems = startup_warnings(engine)
    watch = file_watch(engine)
    if watch is not None and watch.identity is not None and watch.current() != watch.identity:
        from base.errors import DatabaseFileGone

        problems.append(
            DatabaseFileGone(
                N_("The database file {path} was deleted or replaced while the app runs; nothing is saved any more. Stop the app, restore the newest backup (python -m catalogue restore --from BACKUP), then start the app again."), path=watch.path,
            )
        )
    return problems


def database_has_data(engine: Engine) -> bool:
    """True when any table apart from Alembic's bookkeeping has a row."""
    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as conn:
        for name in names:
            if conn.execute(select(literal(1)).select_from(table(name)).limit(1)).first() is not None:
                return True
    return False


def remember_has_data(engine: Engine) -> None:
    """Write the "had data" marker next to a SQLite file (once per engine; cheap afterwards)."""
    watch = file_watch(engine)
    info = getattr(engine, _INFO, None)
    if watch is None or not isinstance(info, dict) or info.get("marked"):
        return
    marker = _sidecar(watch.path, HAD_DATA_SUFFIX)
    if not marker.exists():
        doc = {"database": str(watch.path), "since": datetime.now(UTC).isoformat(timespec="seconds")}
        tmp = marker.with_name(marker.name + ".part")
        tmp.write_text(json.dumps(doc) + "\n", encoding="utf-8")
        tmp.replace(marker)
    info["marked"] = True


def _check_had_data(engine: Engine) -> None:
    watch = file_watch(engine)
    if watch is None:
        return
    if database_has_data(engine):
        remember_has_data(engine)
        return
    marker = _sidecar(watch.path, HAD_DATA_SUFFIX)
    if not marker.exists():
        return
    try:
        since = json.loads(marker.read_text(encoding="utf-8")).get("since", "?")
    except (OSError, ValueError, AttributeError):
        since = "?"
    from base.errors import DatabaseFileGone

    warning = DatabaseFileGone(
        N_("The database {path} is empty, but it held data (first seen {since}). Was the file deleted or DATABASE_URL changed? Stop the app and restore a backup (python -m catalogue restore --from BACKUP); delete {name} only if the empty start is intended."), path=watch.path, since=since, name=marker.name,
    )
    log.warning("%s", warning.en)
    print(f"warning: {warning.en}", file=sys.stderr)
    getattr(engine, _INFO)["warnings"] = [*startup_warnings(engine), warning]


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
            remember_has_data(engine)
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
    from base.errors import InvalidInput

    if engine.dialect.name != "sqlite":
        raise InvalidInput(
            N_("Back up PostgreSQL with pg_dump (e.g. pg_dump -Fc DBNAME > atlas.dump); this command copies SQLite databases only."),
        )
    out = Path(out)
    if out.exists():
        raise InvalidInput(
            N_("{out} exists already; choose a new file name so no backup is overwritten."), out=out,
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


@dataclass(frozen=True)
class RestoreResult:
    target: Path
    kept: list[Path]  # the replaced database (and its -wal) renamed with a timestamp
    tables: int
    rows: int


def _integrity(conn: sqlite3.Connection) -> str:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(r[0]) for r in rows[:5])


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def restore_database(*, url: str, backup: Path, now: datetime | None = None) -> RestoreResult:
    """Replace the SQLite database of ``url`` by ``backup``, safely.

    1. Refuses while any process holds the database (the app, an import: their shared lock on
       ``x.db.atlas-lock``); holds the lock exclusively until done, so nothing opens it meanwhile.
    2. Checks the backup (``PRAGMA integrity_check``) before touching anything.
    3. Copies it with SQLite's backup API into ``x.db.restoring`` next to the target (rollback
       journal, no WAL) and checks that copy.
    4. Renames the replaced database and its ``-wal``/``-journal`` to ``x.db.replaced-<UTC time>``
       (+ ``-wal``): kept complete, and no stale WAL can be read into the restored file; ``-shm``
       is deleted (SQLite rebuilds it).
    5. Renames the copy into place and checks ``integrity_check`` once more.
    """
    from base.errors import AtlasError, DatabaseInUse, InvalidInput

    target = sqlite_path(url)
    if target is None:
        raise InvalidInput(
            N_("restore works on a SQLite database file; restore PostgreSQL with pg_restore."),
        )
    backup = Path(backup).expanduser().absolute()
    if not backup.is_file():
        raise InvalidInput(N_("No backup file {backup}."), backup=backup)
    if backup == target:
        raise InvalidInput(
            N_("The backup is the database itself; give the backup file."),
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_sidecar(target, LOCK_SUFFIX), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseInUse(
                N_("{target} is open in another process (the app or an import). Stop the app first, then run restore again."), target=target,
            ) from None
        return _restore_locked(target=target, backup=backup, now=now or datetime.now(UTC))
    except sqlite3.DatabaseError as exc:
        raise AtlasError(
            N_("Restore from {backup} failed: {exc}. The database was not changed."), backup=backup, exc=exc,
        ) from exc
    finally:
        os.close(fd)  # releases the lock


def _restore_locked(*, target: Path, backup: Path, now: datetime) -> RestoreResult:
    from base.errors import AtlasError, InvalidInput

    try:
        src = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
        try:
            verdict = _integrity(src)
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(
            N_("{backup} is not a readable SQLite database ({exc}); nothing was changed."), backup=backup, exc=exc,
        ) from exc
    if verdict != "ok":
        raise InvalidInput(
            N_("The backup {backup} is damaged (integrity_check: {verdict}); nothing was changed."), backup=backup, verdict=verdict,
        )
    staging = _sidecar(target, ".restoring")
    for leftover in (
        staging,
        _sidecar(staging, "-journal"),
        _sidecar(staging, "-wal"),
        _sidecar(staging, "-shm"),
    ):
        leftover.unlink(missing_ok=True)
    src = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(staging)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
            verdict = _integrity(dst)
            tables = [r[0] for r in dst.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            # Table names come from the backup file: SQLAlchemy quotes them as identifiers.
            rows = sum(dst.execute(_count_rows_sql(t)).fetchone()[0] for t in tables)
        finally:
            dst.close()
    finally:
        src.close()
    if verdict != "ok":
        staging.unlink(missing_ok=True)
        raise AtlasError(
            N_("The copy of {backup} failed its integrity check ({verdict}); nothing was changed."), backup=backup, verdict=verdict,
        )
    with staging.open("rb+") as fh:
        os.fsync(fh.fileno())
    kept: list[Path] = []
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    old = _sidecar(target, f".replaced-{stamp}")
    if target.exists():
        target.replace(old)
        kept.append(old)
    for suffix in ("-wal", "-journal"):
        stale = _sidecar(target, suffix)
        if stale.exists():
            # Kept with the replaced file (it belongs to it); never left next to the restored one.
            stale.replace(_sidecar(old, suffix))
            kept.append(_sidecar(old, suffix))
    _sidecar(target, "-shm").unlink(missing_ok=True)
    staging.replace(target)
    _fsync_dir(target.parent)
    conn = sqlite3.connect(target)
    try:
        verdict = _integrity(conn)
    finally:
        conn.close()
    if verdict != "ok":
        raise AtlasError(
            N_("The restored {target} failed its integrity check ({verdict}); the replaced file is {old}."), target=target, verdict=verdict, old=old,
        )
    return RestoreResult(target=target, kept=kept, tables=len(tables), rows=rows)
