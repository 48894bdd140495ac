"""Published areas: the sample is not shown to residents (nor opened by default for staff) until a
manager publishes it. Domain on SQLite and PostgreSQL, the migration, the CLI and the pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from streamlit.testing.v1 import AppTest

from accounts.auth import CONSOLE, PUBLIC, Actor, create_user
from base.errors import InvalidInput, PermissionDenied
from catalogue.importer import import_file, import_sample
from catalogue.store import get_area, list_areas, preferred_area, set_area_published
from storage.db import alembic_config, make_engine, open_database, session_scope
from storage.models_catalogue import Area
from suggestions.store import public_places, submit_suggestion
from tests.staff_support import sign_in

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SAMPLE = "Helsinki (Beispieldaten)"
# Sorts after the sample, so "the first area" would be the sample.
OWN = "Reinickendorf"
MANAGER = Actor(1, "anna", "manager")
PLANNER = Actor(2, "paul", "planner")


@pytest.fixture
def both_db(db_url: str, extract_path) -> str:
    """The sample (unpublished) and a real quarter (published)."""
    engine = open_database(db_url)
    import_sample(engine, actor=CONSOLE, area_name=SAMPLE)
    import_file(engine, actor=CONSOLE, path=extract_path("berlin"), area_name=OWN)
    engine.dispose()
    return db_url


def areas_of(url: str, **kwargs) -> list:
    engine = open_database(url)
    try:
        with session_scope(engine, read_only=True) as session:
            return list_areas(session, **kwargs)
    finally:
        engine.dispose()


def test_the_sample_starts_unpublished_and_other_imports_published(both_db: str) -> None:
    published = {a.name: a.published for a in areas_of(both_db)}
    assert published == {SAMPLE: False, OWN: True}
    assert [a.name for a in areas_of(both_db, published_only=True)] == [OWN]
    # Nobody chose an area yet: pages open on the published one, not on the first by name.
    assert preferred_area(areas_of(both_db)).name == OWN


def test_a_reimport_keeps_the_flag(both_db: str) -> None:
    engine = open_database(both_db)
    try:
        with session_scope(engine) as session:
            set_area_published(
                session, actor=MANAGER, area_id=get_area(session, name=SAMPLE).id, published=True
            )
        import_sample(engine, actor=CONSOLE, area_name=SAMPLE)
        with session_scope(engine, read_only=True) as session:
            assert get_area(session, name=SAMPLE).published is True
    finally:
        engine.dispose()


@pytest.mark.parametrize("actor", [MANAGER, CONSOLE])
def test_a_manager_or_admin_publishes_and_unpublishes(both_db: str, actor: Actor) -> None:
    engine = open_database(both_db)
    try:
        with session_scope(engine) as session:
            area_id = get_area(session, name=SAMPLE).id
            assert set_area_published(session, actor=actor, area_id=area_id, published=True).published
        assert [a.name for a in areas_of(both_db, published_only=True)] == [SAMPLE, OWN]
        with session_scope(engine) as session:
            assert not set_area_published(session, actor=actor, area_id=area_id, published=False).published
        assert [a.name for a in areas_of(both_db, published_only=True)] == [OWN]
    finally:
        engine.dispose()


@pytest.mark.parametrize("actor", [PLANNER, PUBLIC])
def test_planners_and_the_public_cannot_publish(both_db: str, actor: Actor) -> None:
    engine = open_database(both_db)
    try:
        with pytest.raises(PermissionDenied), session_scope(engine) as session:
            area_id = get_area(session, name=SAMPLE).id
            set_area_published(session, actor=actor, area_id=area_id, published=True)
    finally:
        engine.dispose()
    assert {a.name: a.published for a in areas_of(both_db)}[SAMPLE] is False


def test_resident_functions_refuse_an_unpublished_area(both_db: str) -> None:
    engine = open_database(both_db)
    try:
        with session_scope(engine) as session:
            sample = get_area(session, name=SAMPLE)
            west, south, east, north = sample.bbox
            with pytest.raises(InvalidInput) as err:
                submit_suggestion(
                    session, area_id=sample.id, idempotency_key="form-unpublished", client_key="tab",
                    name="Treff", category="cafe", lon=(west + east) / 2, lat=(south + north) / 2,
                )  # fmt: skip
            assert err.value.msgid == 'This area is not published. Choose another area.'
            with pytest.raises(InvalidInput):
                public_places(session, area_id=sample.id, groups=["wheelchair"], verdicts_by_place={})
    finally:
        engine.dispose()


def test_the_migration_publishes_existing_areas_except_the_sample(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0004")
        with engine.begin() as conn:
            for name, source in [
                (OWN, "berlin.osm.pbf"),
                ("Beispiel", "Helsinki.osm.pbf"),
                (SAMPLE, "x.osm"),
            ]:
                conn.execute(
                    text(
                        "INSERT INTO areas (name, west, south, east, north, source, created_at) "
                        "VALUES (:n, 1, 1, 2, 2, :s, CURRENT_TIMESTAMP)"
                    ),
                    {"n": name, "s": source},
                )
        command.upgrade(alembic_config(engine), "heads")
        with session_scope(engine, read_only=True) as session:
            flags = {n: p for n, p in session.execute(select(Area.name, Area.published))}
        assert flags == {OWN: True, "Beispiel": False, SAMPLE: False}
    finally:
        engine.dispose()


def run_cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "catalogue", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_publishes_and_unpublishes_and_lists_as_before(sqlite_url: str, extract_path) -> None:
    # The domain function runs on both databases above; the CLI around it once, on SQLite.
    engine = open_database(sqlite_url)
    import_sample(engine, actor=CONSOLE, area_name=SAMPLE)
    import_file(engine, actor=CONSOLE, path=extract_path("berlin"), area_name=OWN)
    engine.dispose()
    both_db = sqlite_url
    listing = run_cli(both_db, "areas")
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == [SAMPLE, OWN]
    assert all("publish" not in line for line in lines)  # the listing reads as before
    result = run_cli(both_db, "areas", "--publish", SAMPLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Area {SAMPLE!r} is published: residents see it."
    assert {a["name"]: a["published"] for a in json.loads(run_cli(both_db, "areas", "--json").stdout)} == {
        SAMPLE: True,
        OWN: True,
    }
    assert run_cli(both_db, "areas", "--unpublish", SAMPLE).returncode == 0
    assert [a.name for a in areas_of(both_db, published_only=True)] == [OWN]
    unknown = run_cli(both_db, "areas", "--publish", "Nirgendwo")
    assert unknown.returncode == 2 and "Nirgendwo" in unknown.stderr


# ---------------------------------------------------------------- pages (AppTest, SQLite)


@pytest.fixture
def app_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, extract_path) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    engine = open_database(sqlite_url)
    import_sample(engine, actor=CONSOLE, area_name=SAMPLE)
    import_file(engine, actor=CONSOLE, path=extract_path("berlin"), area_name=OWN)
    with session_scope(engine) as session:
        create_user(session, actor=CONSOLE, name="manager", role="manager", password="ein langes passwort")
    engine.dispose()
    return sqlite_url


def area_choices(at: AppTest, key: str) -> list[str]:
    boxes = [b for b in at.selectbox if b.key == key]
    return list(boxes[0].options) if boxes else []


@pytest.mark.parametrize("page", ["app_pages/public_map.py", "app_pages/suggest.py"])
def test_resident_pages_do_not_offer_the_unpublished_sample(app_db: str, page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    # One published area: no picker at all, and nothing on the page names the sample.
    assert area_choices(at, "public_area" if "public" in page else "suggest_area") == []
    texts = [e.value for e in [*at.markdown, *at.caption, *at.info, *at.title]]
    assert not any("Helsinki" in t for t in texts)
    assert at.session_state["area_name"] == OWN


def test_staff_default_to_the_published_area_and_a_manager_publishes_the_sample(app_db: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    sign_in(at, 1, app_db)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    picker = at.selectbox(key="area_pick")
    assert picker.value == OWN
    assert any("nicht veröffentlicht" in o for o in picker.options)  # the sample, marked
    picker.set_value(SAMPLE).run()
    assert "Nicht veröffentlicht: Bewohner*innen sehen dieses Gebiet nicht." in [c.value for c in at.caption]
    sample_id = next(a.id for a in areas_of(app_db) if a.name == SAMPLE)
    at.button(key=f"publish_{sample_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert {a.name: a.published for a in areas_of(app_db)}[SAMPLE] is True
    # Now residents may choose it.
    at.switch_page("app_pages/public_map.py").run()
    assert area_choices(at, "public_area") == [SAMPLE, OWN]
