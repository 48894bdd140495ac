"""Import jobs (worker thread, progress, cancel) and upload files on disk, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from accounts.auth import CONSOLE
from base.errors import InvalidInput
from catalogue import import_jobs, osm_file
from catalogue.import_jobs import start_file_import, start_import
from catalogue.importer import import_file
from catalogue.uploads import STALE_AFTER_S, check_upload_size, clean_stale_uploads, new_upload_folder
from storage.db import open_database, read_all_rows

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120


@pytest.fixture
def engine(db_url):
    engine = open_database(db_url)
    yield engine
    engine.dispose()


def test_a_job_imports_a_file_and_reports_its_phases(engine, extract_path, tmp_path):
    folder = new_upload_folder(tmp_path / "uploads")
    target = folder / "neuss.osm.pbf"
    target.write_bytes(extract_path("neuss").read_bytes())
    phases: list[str] = []
    job = start_file_import(engine, actor=CONSOLE, path=target, area_name="Neuss", cleanup=folder)
    while not (status := job.status()).finished:
        phases.append(status.phase)
        time.sleep(0.02)
    assert status.state == "done", status.error
    assert status.summary is not None and status.summary.area == "Neuss" and status.summary.places > 50
    assert status.error is None and status.seconds > 0
    reader_phases = {"decompress", "relations", "read", "duplicates", "build"}
    assert set(phases) <= {"queued", "reading", "saving"} | reader_phases and "read" in phases
    assert not folder.exists()  # the job removes its upload folder
    assert len(read_all_rows(engine)["areas"]) == 1


def test_the_job_passes_progress_and_cancel_to_a_reader_that_takes_them(engine, extract_path, monkeypatch):
    seen: dict[str, object] = {}
    original = osm_file.read_osm_file

    def reader(path, *, progress=None, cancel=None):
        seen["cancel"] = cancel
        progress("ways", 1234)
        seen["status"] = job_holder[0].status()
        return original(path)

    monkeypatch.setattr(osm_file, "read_osm_file", reader)
    job_holder: list = []
    with import_jobs._SLOT:  # hold the job in "queued" until it is known to the reader
        job_holder.append(start_file_import(engine, actor=CONSOLE, path=extract_path("neuss"), area_name="Neuss"))
    status = job_holder[0].wait(TIMEOUT)
    assert status.state == "done"
    assert isinstance(seen["cancel"], threading.Event)
    assert (seen["status"].phase, seen["status"].objects) == ("ways", 1234)


def test_cancel_while_queued_or_before_saving_writes_nothing(engine, extract_path):
    import_file(engine, actor=CONSOLE, path=extract_path("berlin"), area_name="Borsigwalde")
    before = read_all_rows(engine)

    with import_jobs._SLOT:
        queued = start_file_import(engine, actor=CONSOLE, path=extract_path("berlin"), area_name="Borsigwalde")
        assert queued.status().phase == "queued"
        queued.cancel()
        status = queued.wait(TIMEOUT)
    assert status.state == "cancelled" and "nothing was written" in status.error.en
    assert read_all_rows(engine) == before

    # Cancelled once the file is read, just before the save: the transaction is rolled back.
    holder: list = []

    def work(progress, cancel, before_commit):
        def cancel_when_saving(phase: str, objects: int) -> None:
            progress(phase, objects)
            if phase == "saving":
                holder[0].cancel()

        return import_file(
            engine,
            actor=CONSOLE, path=extract_path("neuss"),
            area_name="Borsigwalde",
            progress=cancel_when_saving,
            cancel=cancel,
            before_commit=before_commit,
        )

    with import_jobs._SLOT:
        holder.append(start_import(area_name="Borsigwalde", source="neuss", work=work))
    status = holder[0].wait(TIMEOUT)
    assert status.state == "cancelled", status.error
    assert read_all_rows(engine) == before


def test_a_failed_job_reports_the_error_and_removes_its_upload(engine, tmp_path):
    folder = new_upload_folder(tmp_path)
    bad = folder / "x.osm"
    bad.write_text("not osm at all")
    status = start_file_import(engine, actor=CONSOLE, path=bad, area_name="X", cleanup=folder).wait(TIMEOUT)
    assert status.state == "failed" and "x.osm" in status.error.en
    assert not folder.exists()
    assert read_all_rows(engine).get("areas") == []


def test_the_upload_size_is_checked_before_anything_is_written():
    check_upload_size(size_bytes=2 * 1024 * 1024, max_mb=2, name="ok.osm.pbf")
    with pytest.raises(InvalidInput, match=r"big\.osm\.pbf: the file has 2\.5 MB; .* 2 MB"):
        check_upload_size(size_bytes=int(2.5 * 1024 * 1024), max_mb=2, name="big.osm.pbf")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftover_uploads_are_removed_and_those_in_use_kept(tmp_path):
    uploads = tmp_path / "uploads"
    mine = new_upload_folder(uploads)
    (mine / "in-use.osm.pbf").write_bytes(b"x")
    crashed = uploads / f"{_dead_pid()}-abc123"
    crashed.mkdir()
    (crashed / "left.osm.pbf").write_bytes(b"x" * 1000)
    old_layout = uploads / "tmpab12cd"
    old_layout.mkdir()
    stray = uploads / "stray.osm"
    stray.write_bytes(b"x")
    ancient = uploads / f"{os.getpid()}-old"
    ancient.mkdir()
    os.utime(ancient, (time.time() - STALE_AFTER_S - 60,) * 2)
    # Our own pid, but from before this process started: an earlier process had the same pid.
    reused = uploads / f"{os.getpid()}-reused"
    reused.mkdir()
    os.utime(reused, (time.time() - 3600 * 2,) * 2)
    removed = clean_stale_uploads(uploads)
    assert sorted(removed) == sorted([crashed.name, old_layout.name, stray.name, ancient.name, reused.name])
    assert [p.name for p in uploads.iterdir()] == [mine.name]
    assert clean_stale_uploads(tmp_path / "missing") == []


def test_the_cli_cleans_leftover_uploads_at_start(tmp_path, sqlite_url):
    uploads = tmp_path / "uploads"
    crashed = uploads / f"{_dead_pid()}-zz"
    crashed.mkdir(parents=True)
    (crashed / "left.osm.pbf").write_bytes(b"x")
    env = {**os.environ, "DATABASE_URL": sqlite_url, "ATLAS_UPLOAD_DIR": str(uploads)}
    result = subprocess.run(
        [sys.executable, "-m", "catalogue", "areas"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert not crashed.exists() and uploads.is_dir()


def test_a_reader_stopped_by_the_cancel_event_ends_cancelled_and_a_crash_ends_failed(
    engine, extract_path, monkeypatch
):
    started = threading.Event()

    def reader(path, *, progress=None, cancel=None):
        progress("nodes", 10)
        started.set()
        assert cancel.wait(TIMEOUT)
        raise RuntimeError("stopped by cancel")

    monkeypatch.setattr(osm_file, "read_osm_file", reader)
    job = start_file_import(engine, actor=CONSOLE, path=extract_path("neuss"), area_name="Neuss")
    assert started.wait(TIMEOUT)
    assert job.status().phase == "nodes" and job.status().objects == 10
    job.cancel()
    assert job.wait(TIMEOUT).state == "cancelled"

    def broken(path, *, progress=None, cancel=None):
        raise RuntimeError("a bug")

    monkeypatch.setattr(osm_file, "read_osm_file", broken)
    status = start_file_import(engine, actor=CONSOLE, path=extract_path("neuss"), area_name="Neuss").wait(TIMEOUT)
    assert status.state == "failed" and "unexpectedly (RuntimeError)" in status.error.en
    assert read_all_rows(engine).get("areas") == []
