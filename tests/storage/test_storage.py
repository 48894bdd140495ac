"""The storage layer on real SQLite and PostgreSQL: migrations, SQLite setup, transactions."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from storage.db import alembic_config, make_engine, open_database, read_all_rows, session_scope
from storage.models_catalogue import Area, ImportRun
from storage.schema import Base


@pytest.fixture
def engine(db_url):
    engine = open_database(db_url)
    yield engine
    engine.dispose()


def _area(name: str = "Testquartier") -> Area:
    return Area(name=name, west=13.29, south=52.57, east=13.33, north=52.59, source="test")


def test_migrations_create_exactly_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_migrations_form_one_line_with_one_head(sqlite_url):
    # Work on parallel branches adds revisions beside each other; merged, they must be chained.
    script = ScriptDirectory.from_config(alembic_config(sqlite_url))
    assert len(script.get_heads()) == 1, script.get_heads()
    assert all(not isinstance(rev.down_revision, tuple) for rev in script.walk_revisions())


def test_upgrade_is_idempotent_and_keeps_data(db_url):
    first = open_database(db_url)
    with session_scope(first) as session:
        session.add(_area())
    before = read_all_rows(first)
    first.dispose()
    second = open_database(db_url)
    assert read_all_rows(second) == before
    heads = ScriptDirectory.from_config(alembic_config(second)).get_heads()
    assert sorted(v for (v,) in before["alembic_version"]) == sorted(heads)
    second.dispose()


def test_sqlite_is_set_up_for_several_users(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    engine.dispose()


def test_make_engine_creates_the_folder_of_a_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'atlas.db'}"
    engine = open_database(url)
    assert (tmp_path / "new" / "folder" / "atlas.db").is_file()
    engine.dispose()


def test_session_scope_commits_or_rolls_back(engine):
    with session_scope(engine) as session:
        session.add(_area("kept"))
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.add(_area("dropped"))
        session.flush()
        raise RuntimeError("boom")
    with session_scope(engine, read_only=True) as session:
        assert session.scalars(select(Area.name)).all() == ["kept"]


def test_constraints_hold_on_both_backends(engine):
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add_all([_area("same"), _area("same")])
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        # a run for an area that does not exist: foreign keys are enforced on SQLite too
        session.add(ImportRun(area_id=999, source="x", started_at=datetime.now(UTC), seconds=0.0, counts={}))
    assert read_all_rows(engine)["areas"] == []


def test_timestamps_come_back_timezone_aware_in_utc(engine):
    berlin_noon = datetime(2025, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    with session_scope(engine) as session:
        area = _area()
        area.imported_at = berlin_noon
        session.add(area)
    with session_scope(engine, read_only=True) as session:
        got = session.scalar(select(Area.imported_at))
    assert got == berlin_noon
    assert got.utcoffset() == timedelta(0)


def test_eight_threads_read_then_write_at_once_on_sqlite(sqlite_url):
    """The app's pattern (read, then write in one transaction) must queue, not fail with 'locked'."""
    engine = open_database(sqlite_url)
    with session_scope(engine) as session:
        session.add(_area("counter"))
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            barrier.wait()
            for round_ in range(5):
                with session_scope(engine) as session:
                    n = session.scalar(select(func.count()).select_from(Area))
                    session.add(_area(f"t{i}-{round_}-{n}"))
                    session.flush()
                    session.execute(
                        text("UPDATE areas SET source = :s WHERE name = 'counter'"), {"s": str(n)}
                    )
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(engine, read_only=True) as session:
        assert session.scalar(select(func.count()).select_from(Area)) == 1 + 8 * 5
        # every transaction saw a distinct count: they ran one after the other, none lost
        counts = sorted(
            int(name.rsplit("-", 1)[1]) for name in session.scalars(select(Area.name)) if name != "counter"
        )
    assert counts == list(range(1, 41))
    engine.dispose()


def test_readers_do_not_wait_for_a_writer_on_sqlite(sqlite_url):
    engine = open_database(sqlite_url)
    with session_scope(engine) as writer:
        writer.add(_area("being written"))
        writer.flush()
        with session_scope(engine, read_only=True) as reader:
            # sees the last committed state, immediately
            assert reader.scalar(select(func.count()).select_from(Area)) == 0
    engine.dispose()
