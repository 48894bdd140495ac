"""The add-place form of the catalogue: a place is added once – the form is empty after an add or
another action, and the domain refuses the same name at the same spot (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from accounts.auth import CONSOLE, create_user
from base.errors import InvalidInput
from catalogue.importer import import_file
from catalogue.store import add_manual_place, get_area, load_places, set_place_status
from storage.db import open_database, session_scope
from tests.webui.test_app_pages import berlin_places, literal, run_app

LAT, LON = 52.585, 13.31
# About 11 m north and 200 m north of it.
NEAR_LAT, FAR_LAT = LAT + 0.0001, LAT + 0.0018


@pytest.fixture
def engine(db_url, extract_path):
    engine = open_database(db_url)
    import_file(engine, actor=CONSOLE, path=extract_path("berlin"), area_name="Borsigwalde")
    yield engine
    engine.dispose()


def add(engine, name: str, lat: float = LAT, lon: float = LON):
    with session_scope(engine) as session:
        area_id = get_area(session, name="Borsigwalde").id
        return add_manual_place(session, actor=CONSOLE, area_id=area_id, name=name, category="community_centre", lon=lon, lat=lat)


def test_the_same_name_at_the_same_spot_is_refused_also_when_closed(engine) -> None:
    first = add(engine, "Treff am Park")
    with pytest.raises(InvalidInput, match="already exists 0 m from here"):
        add(engine, "Treff am Park")
    with session_scope(engine) as session:
        set_place_status(session, actor=CONSOLE, place_id=first.id, closed=True)
    with pytest.raises(InvalidInput) as err:
        add(engine, "  treff   AM park ", lat=NEAR_LAT)  # case and spaces do not make it another place
    assert "reopen it instead" in err.value.en and "wieder öffnen" in err.value.de
    assert "11 m" in err.value.en


def test_another_name_or_another_spot_is_a_new_place(engine) -> None:
    add(engine, "Treff am Park")
    add(engine, "Treff am Teich")
    add(engine, "Treff am Park", lat=FAR_LAT)
    with session_scope(engine, read_only=True) as session:
        area_id = get_area(session, name="Borsigwalde").id
        assert sum(p.origin == "manual" for p in load_places(session, area_id=area_id)) == 3


# ---------------------------------------------------------------- the page (AppTest)


def add_form_inputs(at) -> dict[str, object]:
    """The add form's current fields, by field name (their keys change after each add)."""
    values = {}
    for widget in [*at.text_input, *at.number_input]:
        if widget.form_id == "add_place":
            values[widget.key.split("_")[0] + "_" + widget.key.split("_")[1]] = widget.value
    return values


def fill_and_add(at, *, name: str, lat: float, lon: float):
    keys = {w.key.split("_")[1]: w.key for w in [*at.text_input, *at.number_input] if w.form_id == "add_place"}
    at.text_input(key=keys["name"]).input(name)
    at.number_input(key=keys["lat"]).set_value(lat)
    at.number_input(key=keys["lon"]).set_value(lon)
    return at.button(key="FormSubmitter:add_place-Ort hinzufügen").click().run()


@pytest.fixture
def berlin_page_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, extract_path) -> str:
    """As ``test_app_pages.berlin_db``: Borsigwalde imported, the manager (user 1) exists."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    engine = open_database(sqlite_url)
    with session_scope(engine) as session:
        create_user(session, actor=CONSOLE, name="manager", role="manager", password="ein langes passwort")
    import_file(engine, actor=CONSOLE, path=extract_path("berlin"), area_name="Borsigwalde")
    engine.dispose()
    return sqlite_url


def test_add_then_close_then_add_again_stores_one_place(berlin_page_db: str) -> None:
    berlin_db = berlin_page_db
    at = fill_and_add(run_app(), name="Treff am Park", lat=LAT, lon=LON)
    manual = [p for p in berlin_places(berlin_db) if p.origin == "manual"]
    assert len(manual) == 1
    # A fresh, empty form under new widget keys: the browser's old values cannot come back.
    assert add_form_inputs(at) == {"new_name": "", "new_lat": None, "new_lon": None}
    assert "new_name" not in [w.key for w in at.text_input]

    at.button(key=f"status_{manual[0].id}").click().run()  # "Als geschlossen markieren"
    assert not at.exception
    assert add_form_inputs(at) == {"new_name": "", "new_lat": None, "new_lon": None}

    # Typed in again by hand: the domain says it exists (closed) and adds nothing.
    at = fill_and_add(at, name="Treff am Park", lat=LAT, lon=LON)
    assert not at.exception
    assert any("gibt es schon" in literal(e.value) for e in at.error), [e.value for e in at.error]
    assert len([p for p in berlin_places(berlin_db) if p.origin == "manual"]) == 1
