"""Shared fixtures: real databases (SQLite and PostgreSQL) and the real OSM extracts.

``db_url`` runs a test once per backend. PostgreSQL comes from ``ATLAS_TEST_PG_URL`` (default:
the local server at 127.0.0.1:5432, user ``postgres``); each test run gets its own database.
Without a server the PostgreSQL cases are skipped locally, but fail under ``CI=true``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = (ROOT.parent / "shared" / "data").resolve()
EXTRACTS = {
    "berlin": SHARED_DATA / "berlin-reinickendorf-borsigwalde.osm.pbf",
    "muenchen": SHARED_DATA / "muenchen-altstadt-isarvorstadt.osm.pbf",
    "neuss": SHARED_DATA / "neuss-innenstadt-sued.osm.pbf",
}
SCHOOL_LIST = SHARED_DATA / "nrw-schulen-sozialindex-2024-25.csv"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get("ATLAS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def need(condition: bool, reason: str) -> None:
    """Skip locally when a tool or service is missing; in CI that is a failure, never a skip."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it: see .ci/run)")
    pytest.skip(reason)


def load_neuss_with_schools(url: str):
    """Import the Neuss extract into the database at ``url``, match the NRW school list to its
    schools and return the gap inputs and the base map (``(GapInputs, BaseMap)``)."""
    from accounts.auth import CONSOLE
    from catalogue.importer import import_file
    from catalogue.store import get_area, load_basemap, load_places
    from gaps.schools import match_schools, parse_school_list, save_school_indicators
    from gaps.service import load_gap_inputs
    from storage.db import open_database, session_scope

    engine = open_database(url)
    try:
        import_file(engine, path=EXTRACTS["neuss"], area_name="Neuss", actor=CONSOLE)
        with session_scope(engine) as session:
            area = get_area(session, name="Neuss")
            schools = [p for p in load_places(session, area_id=area.id) if p.category == "school"]
            report = match_schools(parse_school_list(SCHOOL_LIST), schools, area_bbox=area.bbox)
            save_school_indicators(session, area_id=area.id, report=report, source=SCHOOL_LIST.name, actor=CONSOLE)
        with session_scope(engine, read_only=True) as session:
            return load_gap_inputs(session, area_id=area.id), load_basemap(session, area_id=area.id)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    need(SHARED_DATA.is_dir(), f"shared OSM extracts not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def extract_path(shared_data: Path):
    def get(name: str) -> Path:
        path = EXTRACTS[name]
        need(path.is_file(), f"missing extract {path}")
        return path

    return get


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        admin.dispose()
        need(False, f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}")
    name = f"atlas_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:
    """An empty database URL, once for SQLite (a file in tmp_path) and once for PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'atlas.db'}"
    url = request.getfixturevalue("pg_database_url")
    _reset_pg(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'atlas.db'}"


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (never a downloaded browser)."""
    from tests.browser_support import CHROMIUM, chromium

    need(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with chromium() as instance:
        yield instance
