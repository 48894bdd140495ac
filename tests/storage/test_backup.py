"""A backup taken while the app writes restores completely (SQLite backup API, not a file copy)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from accounts.auth import CONSOLE
from catalogue.importer import import_file
from catalogue.store import add_manual_place, get_area, load_places
from storage.db import backup_database, open_database, session_scope

ROOT = Path(__file__).resolve().parents[2]


def test_backup_while_writing_is_complete_and_consistent(tmp_path, extract_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = open_database(url)
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name="Neuss")
        before = len(load_places(session, area_id=area.id))
    west, south, east, north = area.bbox
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        i = 0
        while not stop.is_set() and i < 400:
            with session_scope(engine) as session:
                add_manual_place(session, area_id=area.id, name=f"Treff {i}", category="cafe",
                                 lon=(west + east) / 2, lat=(south + north) / 2, actor=CONSOLE)  # fmt: skip
            written.append(i)
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:  # the writer is busy before the backup starts
            stop.wait(0.01)
        backup = backup_database(engine, tmp_path / "backup.db")
    finally:
        stop.set()
        thread.join()
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = {n for (n,) in conn.execute("SELECT name FROM places WHERE origin = 'manual'")}
    # a snapshot: manual places 0..k-1 for some k, none missing in between, none half-written
    k = len(names)
    assert 20 <= k <= len(written)
    assert names == {f"Treff {i}" for i in range(k)}

    restored = open_database(f"sqlite:///{backup}")  # restore = open the copy
    with session_scope(restored, read_only=True) as session:
        area_r = get_area(session, name="Neuss")
        assert len(load_places(session, area_id=area_r.id)) == before + k
    restored.dispose()
    engine.dispose()


def test_backup_refuses_to_overwrite_and_postgres(tmp_path, sqlite_url):
    engine = open_database(sqlite_url)
    out = tmp_path / "b.db"
    backup_database(engine, out)
    env = {**os.environ, "DATABASE_URL": sqlite_url, "PYTHONPATH": str(ROOT)}
    again = subprocess.run([sys.executable, "-m", "catalogue", "backup", "--out", str(out)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert again.returncode == 2 and "exists already" in again.stderr
    fresh = subprocess.run([sys.executable, "-m", "catalogue", "backup", "--out", str(tmp_path / "c.db")],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert fresh.returncode == 0, fresh.stderr
    assert (tmp_path / "c.db").is_file() and not (tmp_path / "c.db.partial").exists()
    engine.dispose()
