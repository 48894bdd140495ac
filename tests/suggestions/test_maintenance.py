"""Housekeeping: old reply e-mails and login attempts are deleted at app start and by
``python -m audits maintenance`` (for cron), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from storage.db import open_database, session_scope
from storage.models_accounts import LoginAttempt
from storage.models_catalogue import Area
from storage.models_suggestions import SuggestionContact
from suggestions.maintenance import run_maintenance
from suggestions.store import submit_suggestion

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def seed(url: str, now: datetime) -> None:
    """Two reply e-mails (100 days and 1 day old) and two login attempts (1 hour and 1 minute old)."""
    engine = open_database(url)
    try:
        with session_scope(engine) as session:
            area = Area(name="Quartier", west=6.6, south=51.1, east=6.8, north=51.3, source="test")
            session.add(area)
            session.flush()
            for key, age in (("form-old-one", timedelta(days=100)), ("form-new-one", timedelta(days=1))):
                submit_suggestion(
                    session, area_id=area.id, idempotency_key=key, client_key="tab", name=f"Treff {key}",
                    category="cafe", lon=6.7, lat=51.2, email=f"{key}@example.org", now=now - age,
                )  # fmt: skip
            session.add(LoginAttempt(name="anna", at=now - timedelta(hours=1), success=False))
            session.add(LoginAttempt(name="anna", at=now - timedelta(minutes=1), success=False))
    finally:
        engine.dispose()


def remaining(url: str) -> tuple[list[str], int]:
    engine = open_database(url)
    try:
        with session_scope(engine, read_only=True) as session:
            emails = sorted(session.scalars(select(SuggestionContact.email)))
            attempts = len(list(session.scalars(select(LoginAttempt.id))))
            return emails, attempts
    finally:
        engine.dispose()


def test_run_maintenance_deletes_only_what_is_stale(db_url: str) -> None:
    seed(db_url, NOW)
    engine = open_database(db_url)
    try:
        with session_scope(engine) as session:
            report = run_maintenance(session, now=NOW, contact_days=90)
        assert (report.contacts_purged, report.login_attempts_pruned) == (1, 1)
        assert remaining(db_url) == (["form-new-one@example.org"], 1)
        with session_scope(engine) as session:
            again = run_maintenance(session, now=NOW, contact_days=90)
        assert (again.contacts_purged, again.login_attempts_pruned) == (0, 0)
    finally:
        engine.dispose()


def test_the_cli_command_runs_it_for_cron(sqlite_url: str) -> None:
    seed(sqlite_url, datetime.now(UTC))
    env = {**os.environ, "DATABASE_URL": sqlite_url, "PYTHONPATH": str(ROOT), "ATLAS_CONTACT_DAYS": "30"}
    result = subprocess.run(
        [sys.executable, "-m", "audits", "maintenance", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"contacts_purged": 1, "login_attempts_pruned": 1}
    assert remaining(sqlite_url) == (["form-new-one@example.org"], 1)


def test_the_app_runs_it_once_at_start(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(sqlite_url, datetime.now(UTC))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert remaining(sqlite_url) == (["form-new-one@example.org"], 1)
    # Once per process: rows that become stale later wait for the next start (or cron).
    seed_more = open_database(sqlite_url)
    with session_scope(seed_more) as session:
        session.add(LoginAttempt(name="bob", at=datetime.now(UTC) - timedelta(hours=2), success=False))
    seed_more.dispose()
    at.run()
    assert remaining(sqlite_url)[1] == 2
