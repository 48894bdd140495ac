"""The command line and the import service with the real extracts, on SQLite and PostgreSQL.

The CLI runs as a subprocess, as a user would run it; databases are compared row for row
before and after a failed import.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from accounts.auth import CONSOLE
from catalogue.categories import CATEGORY_IDS
from catalogue.importer import import_file
from catalogue.osm_file import read_osm_file
from catalogue.store import get_area, load_places
from storage.db import open_database, read_all_rows, session_scope

ROOT = Path(__file__).resolve().parents[2]
BAD_FILE_RC = 1


def run_cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "catalogue", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def dump(db_url: str):
    engine = open_database(db_url)
    try:
        return read_all_rows(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", ["berlin", "muenchen", "neuss"])
def test_cli_imports_each_extract_and_prints_one_json_object(db_url, extract_path, name):
    path = extract_path(name)
    result = run_cli(db_url, "import", path, "--area", f"Quartier {name}", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # exactly one JSON object and nothing else on stdout
    assert set(data) == {"area", "places", "by_category", "schools", "kitas", "seconds", "osm_notes"}
    assert data["osm_notes"] == {"cut_ways": 0, "cut_relations": 0, "cut_skipped": 0, "duplicates_dropped": 0}
    expected = read_osm_file(path)
    counts = Counter(p.category for p in expected.places)
    assert data["area"] == f"Quartier {name}"
    assert data["places"] == len(expected.places)
    assert data["by_category"] == {cid: counts.get(cid, 0) for cid in CATEGORY_IDS}
    assert data["schools"] == counts["school"] and data["kitas"] == counts["kita"]
    # sanity against the counts in the extracts' SOURCE.txt
    # (a school node inside its campus polygon is merged, so a count may be a little lower)
    source_schools, source_kitas = {"berlin": (9, 10), "muenchen": (21, 11), "neuss": (5, 4)}[name]
    assert source_schools - 2 <= data["schools"] <= source_schools
    assert source_kitas - 2 <= data["kitas"] <= source_kitas
    assert 0 < data["seconds"] < 60
    rows = dump(db_url)
    assert len(rows["places"]) == data["places"]
    assert rows["networks"][0][1] == expected.network.node_count > 1000


def test_cli_reimport_keeps_ids_and_flags_what_vanished(db_url, extract_path, tmp_path):
    path = extract_path("neuss")
    assert run_cli(db_url, "import", path, "--area", "Neuss").returncode == 0
    engine = open_database(db_url)
    with session_scope(engine) as session:
        area_id = get_area(session, name="Neuss").id
        first = {p.ref: (p.id, p.version) for p in load_places(session, area_id=area_id)}
    result = run_cli(db_url, "import", path, "--area", "Neuss")
    assert result.returncode == 0, result.stderr
    assert "Imported 86 places" in result.stdout and "new 0, changed 0" in result.stdout
    with session_scope(engine, read_only=True) as session:
        again = {p.ref: (p.id, p.version) for p in load_places(session, area_id=area_id)}
    assert again == first
    engine.dispose()


def test_import_file_then_a_smaller_extract_flags_missing_and_keeps_manual(db_url, extract_path, tmp_path):
    from catalogue.store import add_manual_place, save_extract

    engine = open_database(db_url)
    summary = import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    extract = read_osm_file(extract_path("neuss"))
    with session_scope(engine) as session:
        area_id = get_area(session, name="Neuss").id
        manual = add_manual_place(
            session, area_id=area_id, name="Çay Ocağı", category="cafe", lon=6.685, lat=51.2, actor=CONSOLE
        )
    gone = extract.places[:3]
    extract.places = extract.places[3:]
    with session_scope(engine) as session:
        second = save_extract(session, area_name="Neuss", extract=extract, actor=CONSOLE)
    assert (second.places, second.missing, second.new) == (summary.places - 3, 3, 0)
    with session_scope(engine, read_only=True) as session:
        places = {p.ref: p for p in load_places(session, area_id=area_id)}
    assert len(places) == summary.places + 1
    assert all(places[p.ref].missing_since is not None for p in gone)
    assert sum(p.missing_since is not None for p in places.values()) == 3
    assert places[None].id == manual.id and places[None].version == 1
    engine.dispose()


def _bad_files(tmp_path: Path, good: Path) -> dict[str, Path]:
    data = good.read_bytes()
    files = {
        "truncated": data[: len(data) // 2],
        "empty": b"",
        "not-osm": b"Name;Strasse\nKita Sonnenschein;Parkstr. 3\n",
        "html": b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>",
        "impossible-coordinates": (
            b"<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>\n"
            b" <node id='1' lat='200.5' lon='6.68'><tag k='amenity' v='cafe'/><tag k='name' v='X'/></node>\n"
            b" <node id='2' lat='51.2' lon='-500'><tag k='amenity' v='school'/></node>\n</osm>\n"
        ),
    }
    out = {}
    for kind, content in files.items():
        path = tmp_path / f"{kind}.osm.pbf" if kind != "impossible-coordinates" else tmp_path / f"{kind}.osm"
        path.write_bytes(content)
        out[kind] = path
    gz = tmp_path / "truncated-gzip.osm.gz"
    gz.write_bytes(
        gzip.compress(b"<?xml version='1.0'?>\n<osm version='0.6'>\n" + b" <node id='1'" * 50)[:200]
    )
    out["truncated-gzip"] = gz
    return out


def test_cli_refuses_bad_files_and_leaves_the_database_as_it_was(db_url, extract_path, tmp_path):
    assert run_cli(db_url, "import", extract_path("neuss"), "--area", "Neuss").returncode == 0
    before = dump(db_url)
    for kind, path in _bad_files(tmp_path, extract_path("berlin")).items():
        for area in ("Neuss", "Neu"):
            result = run_cli(db_url, "import", path, "--area", area, "--json")
            assert result.returncode == BAD_FILE_RC, (kind, result.stderr)
            assert path.name in result.stderr, (kind, result.stderr)
            assert "Traceback" not in result.stderr and result.stdout == ""
    assert dump(db_url) == before


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["import", "missing.osm.pbf", "--area", "X"], "missing.osm.pbf"),
        (["import", "--area", "X"], "exactly one"),
        (["import", "--bbox", "6.7,51.2", "--area", "X"], "four numbers"),
        (["import", "tests/conftest.py", "--area", " "], "name"),
        (["export", "--area", "Nirgendwo", "--format", "csv", "--out", "x.csv"], "Nirgendwo"),
        (["export", "--area", "X", "--format", "xls", "--out", "x.xls"], "xls"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_cli_bad_input_exits_2_with_a_message(sqlite_url, args, needle):
    result = run_cli(sqlite_url, *args)
    assert result.returncode == 2, result.stderr
    assert needle in result.stderr and "Traceback" not in result.stderr


def test_cli_export_and_areas(db_url, extract_path, tmp_path):
    assert run_cli(db_url, "import", extract_path("neuss"), "--area", "Neuss Innenstadt-Süd").returncode == 0
    listed = run_cli(db_url, "areas", "--json")
    assert listed.returncode == 0
    [area] = json.loads(listed.stdout)
    assert area["name"] == "Neuss Innenstadt-Süd" and area["places"] == 86
    out = tmp_path / "neuss.geojson"
    result = run_cli(db_url, "export", "--area", "Neuss Innenstadt-Süd", "--format", "geojson", "--out", out)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == 86


def test_cli_reports_an_unreachable_database_without_traceback(tmp_path):
    result = run_cli("postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "areas")
    assert result.returncode == 1
    assert (
        "127.0.0.1:1" in result.stderr and "secret" not in result.stderr and "Traceback" not in result.stderr
    )


_KILLED_IMPORT = """
import sys
import numpy as np
from accounts.auth import CONSOLE
from catalogue.model import Extract, PlaceRecord, WalkNetwork
from catalogue.osm_file import read_osm_file
from catalogue.store import save_extract
from storage.db import open_database, session_scope

engine = open_database(sys.argv[1])
# The area's own walking network: an empty one would be refused before anything is written.
network = read_osm_file(sys.argv[2]).network
places = [
    PlaceRecord("node", i, "playground", f"Spielplatz {i}", 6.68 + i * 1e-7, 51.2, {"leisure": "playground"})
    for i in range(1, 40_001)
]
extract = Extract("big.osm.pbf", places, network, (6.67, 51.18, 6.70, 51.22))
with session_scope(engine) as session:
    save_extract(session, actor=CONSOLE, area_name="Neuss", extract=extract)
print("finished")
"""


def _write_lock_held(db_file: Path) -> bool:
    conn = sqlite3.connect(db_file, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        conn.close()


@pytest.mark.slow
def test_an_import_killed_while_writing_leaves_the_previous_data_intact(tmp_path, extract_path):
    db_file = tmp_path / "atlas.db"
    url = f"sqlite:///{db_file}"
    engine = open_database(url)
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    before = read_all_rows(engine)
    engine.dispose()

    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_IMPORT, url, str(extract_path("neuss"))],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not _write_lock_held(db_file):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.005)
        # let it write for a while (the WAL grows), then pull the plug
        wal = Path(f"{db_file}-wal")
        start_size, started = wal.stat().st_size, time.monotonic()
        while wal.stat().st_size < start_size + 200_000 and time.monotonic() < started + 1.0:
            assert proc.poll() is None, "the import finished before it could be killed"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    conn = sqlite3.connect(db_file)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    engine = open_database(url)
    assert read_all_rows(engine) == before
    engine.dispose()
