"""A SQLite file deleted or replaced under the running app stops writes with a clear error; an
empty database where one with data was is reported loudly at start."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from base.errors import DatabaseFileGone
from base.i18n import LANGUAGES
from storage.db import (
    HAD_DATA_SUFFIX,
    database_problems,
    open_database,
    session_scope,
    startup_warnings,
)
from storage.models_catalogue import Area


def _add_area(engine, name: str) -> None:
    with session_scope(engine) as session:
        session.add(Area(name=name, west=6.6, south=51.1, east=6.8, north=51.3, source="test"))


def _area_names(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {n for (n,) in conn.execute("SELECT name FROM areas")}
    finally:
        conn.close()


def test_deleted_database_file_stops_writes(tmp_path):
    db = tmp_path / "atlas.db"
    engine = open_database(f"sqlite:///{db}")
    _add_area(engine, "vorher")
    assert database_problems(engine) == []
    for suffix in ("", "-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    with pytest.raises(DatabaseFileGone) as caught:
        _add_area(engine, "verloren")
    assert caught.value.msgid == 'Nothing was saved: the database is not available right now. Please try again later; the team has been told.'
    assert all(caught.value.message(lang) for lang in LANGUAGES)
    # nothing was written anywhere: no new file at the path, and new connections refuse too
    assert not db.exists()
    engine.dispose()
    with pytest.raises(DatabaseFileGone):
        _add_area(engine, "verloren")
    assert not db.exists()
    [problem] = database_problems(engine)
    assert "deleted or replaced" in problem.message("en") and "restore" in problem.message("en")
    engine.dispose()


def test_replaced_database_file_stops_writes(tmp_path):
    db = tmp_path / "atlas.db"
    other = tmp_path / "other.db"
    engine = open_database(f"sqlite:///{db}")
    _add_area(engine, "vorher")
    shutil.copyfile(db, other)
    os.replace(other, db)  # someone copies another file over the database
    with pytest.raises(DatabaseFileGone):
        _add_area(engine, "falsch")
    assert "falsch" not in _area_names(db)
    engine.dispose()


def test_empty_database_where_data_was_is_a_loud_warning(tmp_path, capsys):
    db = tmp_path / "atlas.db"
    url = f"sqlite:///{db}"
    engine = open_database(url)
    assert not db.with_name(db.name + HAD_DATA_SUFFIX).exists()  # an empty start is normal
    _add_area(engine, "Oberbilk")
    assert db.with_name(db.name + HAD_DATA_SUFFIX).exists()
    engine.dispose()
    del engine
    for suffix in ("", "-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    capsys.readouterr()
    fresh = open_database(url)
    [warning] = startup_warnings(fresh)
    assert isinstance(warning, DatabaseFileGone)
    assert "is empty, but it held data" in warning.message("en")
    assert "enthielt aber Daten" in warning.message("de")
    assert "is empty, but it held data" in capsys.readouterr().err
    assert database_problems(fresh) == [warning]  # what the staff pages show
    fresh.dispose()


def test_existing_database_with_data_gets_a_marker_and_no_warning(tmp_path):
    db = tmp_path / "atlas.db"
    engine = open_database(f"sqlite:///{db}")
    _add_area(engine, "Oberbilk")
    engine.dispose()
    db.with_name(db.name + HAD_DATA_SUFFIX).unlink()  # a database from before the marker existed
    again = open_database(f"sqlite:///{db}")
    assert startup_warnings(again) == []
    assert db.with_name(db.name + HAD_DATA_SUFFIX).exists()
    again.dispose()


def test_login_and_staff_pages_show_the_empty_database_warning(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from accounts.auth import CONSOLE, create_user
    from tests.webui.test_app_pages import APP

    db = tmp_path / "atlas.db"
    url = f"sqlite:///{db}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    engine = open_database(url)
    with session_scope(engine) as session:
        create_user(session, actor=CONSOLE, name="anna", role="admin", password="ein langes passwort")
    engine.dispose()
    del engine
    for suffix in ("", "-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/login.py").run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "ist leer, enthielt aber Daten" in errors and "restore" in errors
    at.switch_page("app_pages/public_map.py").run()
    assert not at.exception
    assert "enthielt aber Daten" not in " ".join(e.value for e in at.error).replace("\\", "")
