"""Restore from a backup is safe after a crash: a stale -wal never mixes into the restored file."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from accounts.auth import CONSOLE
from storage.db import backup_database, open_database, read_all_rows, session_scope

ROOT = Path(__file__).resolve().parents[2]

# Writes in WAL mode through the app's engine, keeps every write in the -wal (no checkpoint),
# says "ready" and waits to be killed.
WRITER = textwrap.dedent(
    """
    import sys, time
    from sqlalchemy import event
    from storage.db import open_database, session_scope
    from accounts.auth import CONSOLE
    from catalogue.store import add_manual_place, get_area
    engine = open_database(sys.argv[1])
    @event.listens_for(engine, "connect")
    def no_checkpoint(dbapi, _rec):
        dbapi.execute("PRAGMA wal_autocheckpoint = 0")
    engine.dispose()
    for i in range(50):
        with session_scope(engine) as session:
            area = get_area(session, name="Q")
            add_manual_place(session, actor=CONSOLE, area_id=area.id, name=f"nach der Sicherung {i}",
                             category="cafe", lon=6.7, lat=51.2)
    print("ready", flush=True)
    time.sleep(600)
    """
)


def _seed(url: str) -> None:
    from catalogue.store import add_manual_place
    from storage.models_catalogue import Area

    engine = open_database(url)
    with session_scope(engine) as session:
        area = Area(name="Q", west=6.6, south=51.1, east=6.8, north=51.3, source="test")
        session.add(area)
        session.flush()
        for i in range(5):
            add_manual_place(session, actor=CONSOLE, area_id=area.id, name=f"vorher {i}", category="cafe", lon=6.7, lat=51.2)
    engine.dispose()


def _crash_writer(url: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, url], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def _cli(args: list[str], url: str, **kw) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "catalogue", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, **kw)  # fmt: skip


def _rows(path: Path) -> dict:
    engine = open_database(f"sqlite:///{path}")
    try:
        return read_all_rows(engine)
    finally:
        engine.dispose()


def _setup_crashed(tmp_path: Path) -> tuple[Path, str, Path]:
    db = tmp_path / "data" / "atlas.db"
    url = f"sqlite:///{db}"
    _seed(url)
    engine = open_database(url)
    backup = backup_database(engine, tmp_path / "backup.db")
    engine.dispose()
    _crash_writer(url)
    wal = db.with_name(db.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the crash left the newest writes in the WAL
    return db, url, backup


def test_copying_a_backup_over_a_crashed_database_is_wrong(tmp_path):
    """Why the README's old advice had to go: the stale -wal is replayed into the copied file."""
    db, _url, backup = _setup_crashed(tmp_path)
    shutil.copyfile(backup, db)
    conn = sqlite3.connect(db)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        try:
            names = {n for (n,) in conn.execute("SELECT name FROM places")}
        except sqlite3.DatabaseError:
            names = None
    finally:
        conn.close()
    expected = {f"vorher {i}" for i in range(5)}
    assert check != "ok" or names != expected


def test_restore_after_sigkill_gives_exactly_the_backup(tmp_path):
    db, url, backup = _setup_crashed(tmp_path)
    expected = _rows(backup)
    result = _cli(["restore", "--from", str(backup), "--yes"], url)
    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout
    assert not db.with_name(db.name + "-wal").exists()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert _rows(db) == expected
    # the replaced database is kept together with its WAL: the crashed writes are not lost
    kept = sorted(tmp_path.glob("data/atlas.db.replaced-*"))
    assert [p.name.endswith("-wal") for p in kept] == [False, True]
    conn = sqlite3.connect(kept[0])
    names = {n for (n,) in conn.execute("SELECT name FROM places")}
    conn.close()
    assert "nach der Sicherung 49" in names and "vorher 0" in names
    # the app starts on the restored database
    engine = open_database(url)
    with session_scope(engine, read_only=True) as session:
        from catalogue.store import get_area, load_places

        area = get_area(session, name="Q")
        assert sorted(p.name for p in load_places(session, area_id=area.id)) == [
            f"vorher {i}" for i in range(5)
        ]
    engine.dispose()


def test_restore_refuses_while_the_app_holds_the_database(tmp_path):
    db = tmp_path / "atlas.db"
    url = f"sqlite:///{db}"
    _seed(url)
    running = open_database(url)  # the app
    backup = backup_database(running, tmp_path / "backup.db")
    before = db.read_bytes()
    result = _cli(["restore", "--from", str(backup), "--yes"], url)
    assert result.returncode == 1
    assert "open in another process" in result.stderr and "Stop the app" in result.stderr
    assert db.read_bytes() == before and not list(tmp_path.glob("atlas.db.replaced-*"))
    running.dispose()
    del running


def test_restore_refuses_a_damaged_backup_and_asks_for_yes(tmp_path):
    db = tmp_path / "atlas.db"
    url = f"sqlite:///{db}"
    _seed(url)
    before = _rows(db)
    engine = open_database(url)
    good = backup_database(engine, tmp_path / "good.db")
    engine.dispose()
    del engine
    damaged = tmp_path / "damaged.db"
    data = bytearray(good.read_bytes())
    page = 4096
    data[2 * page : 3 * page] = b"\xff" * page  # a b-tree page overwritten
    damaged.write_bytes(bytes(data))
    result = _cli(["restore", "--from", str(damaged), "--yes"], url)
    assert result.returncode == 2, result.stderr
    assert "nothing was changed" in result.stderr
    not_db = tmp_path / "notes.txt"
    not_db.write_text("hello " * 1000)
    result = _cli(["restore", "--from", str(not_db), "--yes"], url)
    assert result.returncode == 2 and "not a readable SQLite database" in result.stderr
    result = _cli(["restore", "--from", str(good)], url, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and "--yes" in result.stderr
    assert _rows(db) == before and not list(tmp_path.glob("atlas.db.replaced-*"))
