"""Every page under Streamlit's AppTest: empty database, an imported area, forms, language."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from accounts.auth import CONSOLE, create_user
from catalogue.importer import import_file
from catalogue.store import list_areas, load_places
from storage.db import open_database, session_scope
from tests.staff_support import sign_in

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = ["app_pages/catalogue.py", "app_pages/import_data.py", "app_pages/tasks.py"]
TIMEOUT = 60


@pytest.fixture
def empty_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    # These pages are the manager's: the tests run signed in as one (login itself: test_app_auth.py).
    engine = open_database(sqlite_url)
    with session_scope(engine) as session:
        create_user(session, actor=CONSOLE, name="manager", role="manager", password="ein langes passwort")
    engine.dispose()
    return sqlite_url


@pytest.fixture
def berlin_db(empty_db: str, extract_path) -> str:
    engine = open_database(empty_db)
    import_file(engine, path=extract_path("berlin"), area_name="Borsigwalde", actor=CONSOLE)
    engine.dispose()
    return empty_db


def run_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, 1)  # the manager made by ``empty_db``
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def data_rows(engine) -> dict:
    """Every row of every table, except the staff sign-in itself (not the page's write)."""
    from storage.db import read_all_rows

    rows = read_all_rows(engine)
    rows.pop("staff_sessions", None)
    return rows


def berlin_places(url: str) -> list:
    engine = open_database(url)
    try:
        with session_scope(engine, read_only=True) as session:
            area = list_areas(session)[0]
            return load_places(session, area_id=area.id)
    finally:
        engine.dispose()


def literal(markdown: str) -> str:
    """What the user reads: the page escapes Markdown in texts that quote names."""
    return markdown.replace("\\", "")


def table_rows(at: AppTest) -> int:
    # The places table is the last dataframe on the catalogue page (the tags table comes first).
    return len(at.dataframe[-1].value)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_empty_database(empty_db: str, page: str) -> None:
    run_app(page)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_an_imported_area(berlin_db: str, page: str) -> None:
    run_app(page)


def test_empty_database_tells_what_to_do(empty_db: str) -> None:
    at = run_app()
    text = " ".join(e.value for e in at.info)
    assert "Die Datenbank ist leer" in text
    links = [link.proto.label for link in at.get("page_link")]
    assert any("OSM-Datei" in label for label in links)
    assert any("live von OpenStreetMap" in label for label in links)
    assert at.button(key="onboarding_sample").label == "Beispieldaten laden (Helsinki, ohne Internet)"


def test_sample_button_imports_helsinki_and_shows_the_catalogue(empty_db: str) -> None:
    at = run_app()
    at.button(key="onboarding_sample").click().run()
    assert not at.exception
    assert any("Helsinki (Beispieldaten)" in literal(s.value) for s in at.success)
    assert table_rows(at) > 0
    assert not at.info or "Die Datenbank ist leer" not in " ".join(e.value for e in at.info)


def test_catalogue_lists_the_imported_places(berlin_db: str) -> None:
    at = run_app()
    assert table_rows(at) == len(berlin_places(berlin_db)) == 115
    assert "115 von 115 Orten angezeigt" in [c.value for c in at.caption]


def test_category_filter_and_search_change_the_table(berlin_db: str) -> None:
    at = run_app()
    area_id = berlin_places(berlin_db)[0].area_id
    at.multiselect(key=f"category_filter_{area_id}").set_value(["school"]).run()
    assert table_rows(at) == 7
    at.multiselect(key=f"category_filter_{area_id}").set_value(["school", "kita"]).run()
    assert table_rows(at) == 17
    at.text_input(key="name_search").input("zzz-kein-solcher-name").run()
    assert "Kein Ort passt zu Filter und Suche." in [e.value for e in at.info]


def fill_new_place(at: AppTest, *, name: str, lat: float | None, lon: float | None) -> AppTest:
    at.text_input(key="new_name").input(name)
    at.selectbox(key="new_category").set_value("community_centre")
    if lat is not None:
        at.number_input(key="new_lat").set_value(lat)
    if lon is not None:
        at.number_input(key="new_lon").set_value(lon)
    return at.button(key="FormSubmitter:add_place-Ort hinzufügen").click().run()


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (95.0, 13.31, "keine WGS84-Grad"),
        (13.31, 52.585, "vertauscht"),
        (48.14, 11.57, "außerhalb des Gebiets"),
        (None, None, "Bitte Breite und Länge eingeben"),
    ],
)
def test_add_place_with_bad_coordinates_shows_error_and_stores_nothing(
    berlin_db: str, lat: float | None, lon: float | None, message: str
) -> None:
    at = fill_new_place(run_app(), name="Nachbarschaftstreff", lat=lat, lon=lon)
    assert not at.exception
    assert any(message in literal(e.value) for e in at.error), [e.value for e in at.error]
    assert len(berlin_places(berlin_db)) == 115


def test_add_place_with_good_input_stores_one_place(berlin_db: str) -> None:
    at = fill_new_place(run_app(), name="Çay Ocağı & Treff", lat=52.585, lon=13.31)
    assert not at.exception
    places = berlin_places(berlin_db)
    manual = [p for p in places if p.origin == "manual"]
    assert len(places) == 116 and len(manual) == 1
    assert (manual[0].name, manual[0].category) == ("Çay Ocağı & Treff", "community_centre")
    assert table_rows(at) == 116
    # The new place is selected and its details are shown.
    assert at.selectbox(key="place_pick").value == manual[0].id


def test_close_and_reopen_a_place(berlin_db: str) -> None:
    at = run_app()
    school = next(p for p in berlin_places(berlin_db) if p.category == "school")
    at.selectbox(key="place_pick").set_value(school.id).run()
    at.button(key=f"status_{school.id}").click().run()
    assert not at.exception
    after = {p.id: p for p in berlin_places(berlin_db)}[school.id]
    assert after.status == "closed"
    assert any("geschlossen" in s.value for s in at.success)
    at.button(key=f"status_{school.id}").click().run()
    assert {p.id: p for p in berlin_places(berlin_db)}[school.id].status == "active"


def test_place_details_show_tags_and_osm_link(berlin_db: str) -> None:
    at = run_app()
    place = next(p for p in berlin_places(berlin_db) if p.ref and p.tags.get("name"))
    at.selectbox(key="place_pick").set_value(place.id).run()
    tags = at.dataframe[0].value
    assert dict(zip(tags.iloc[:, 0], tags.iloc[:, 1], strict=True)) == place.tags
    links = [b.proto.url for b in at.get("link_button")]
    assert links == [f"https://www.openstreetmap.org/{place.ref}"]


def test_switching_to_english_changes_labels(berlin_db: str) -> None:
    at = run_app()
    assert at.title[0].value == "Katalog der Orte der Begegnung"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Catalogue of places of encounter"
    assert "115 of 115 places shown" in [c.value for c in at.caption]
    # The language holds on the other page too: it is chosen once, in app.py.
    at.switch_page("app_pages/import_data.py").run()
    assert at.title[0].value == "Import data"


def test_import_page_imports_the_sample_and_shows_the_summary(empty_db: str) -> None:
    at = run_app("app_pages/import_data.py")
    at.text_input(key="import_area").input("Beispiel").run()
    at.button(key="import_sample_go").click().run()
    assert not at.exception
    finish_import(at)
    assert any("„Beispiel“" in literal(s.value) for s in at.success)
    per_category = at.dataframe[0].value
    assert "Nachbarschafts- und Stadtteilzentrum" in list(per_category.iloc[:, 0])
    assert any(m.value.startswith("Schulen:") for m in at.markdown)


def finish_import(at: AppTest) -> None:
    """Wait for the import job the page started, then rerun as the page's poll would."""
    job = at.session_state["import_job"]
    assert job.wait(TIMEOUT).finished
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_import_page_shows_progress_and_a_cancel_writes_nothing(empty_db: str) -> None:
    from catalogue import import_jobs

    engine = open_database(empty_db)
    at = run_app("app_pages/import_data.py")
    before = data_rows(engine)
    at.text_input(key="import_area").input("Beispiel").run()
    # Another import holds the server's import slot: this one waits, showing its phase.
    with import_jobs._SLOT:
        at.button(key="import_sample_go").click().run()
        assert not at.exception
        bars = at.get("progress")
        assert len(bars) == 1 and "Wartet auf einen anderen Import" in bars[0].proto.text
        assert "0 Objekte gelesen" in bars[0].proto.text
        # A second start while one runs is refused.
        at.button(key="import_sample_go").click().run()
        assert "Ein Import läuft schon" in " ".join(w.value for w in at.warning)
        at.button(key="import_cancel").click().run()
        job = at.session_state["import_job"]
        status = job.wait(TIMEOUT)
    assert status.state == "cancelled"
    at.run()
    assert not at.exception
    assert "Import abgebrochen; es wurde nichts gespeichert." in [i.value for i in at.info]
    assert not at.get("progress")
    assert data_rows(engine) == before
    engine.dispose()


def test_import_page_refuses_an_upload_above_the_limit_before_writing_it(
    empty_db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, extract_path
) -> None:

    monkeypatch.setenv("ATLAS_MAX_UPLOAD_MB", "2")
    monkeypatch.setenv("ATLAS_UPLOAD_DIR", str(tmp_path / "uploads"))
    engine = open_database(empty_db)
    before = data_rows(engine)
    at = run_app("app_pages/import_data.py")
    at.text_input(key="import_area").input("Neuss").run()
    big = extract_path("neuss").read_bytes() * 5  # 2.6 MB
    at.file_uploader(key="import_file").set_value(("neuss.osm.pbf", big, "application/octet-stream")).run()
    at.button(key="import_file_go").click().run()
    assert not at.exception
    assert any("die Datei hat 2,6 MB; erlaubt sind höchstens 2 MB" in literal(e.value) for e in at.error)
    assert "import_job" not in at.session_state
    assert data_rows(engine) == before
    assert not any((tmp_path / "uploads").glob("*/*"))
    # Within the limit the same page imports the file.
    at.file_uploader(key="import_file").set_value(
        ("neuss.osm.pbf", extract_path("neuss").read_bytes(), "application/octet-stream")
    ).run()
    at.button(key="import_file_go").click().run()
    finish_import(at)
    assert any("„Neuss“" in literal(s.value) for s in at.success)
    assert list((tmp_path / "uploads").iterdir()) == []
    engine.dispose()


def test_import_page_without_area_name_or_file_warns(empty_db: str) -> None:
    at = run_app("app_pages/import_data.py")
    at.button(key="import_file_go").click().run()
    assert [w.value for w in at.warning] == ["Bitte zuerst eine Datei wählen."]


def test_a_manual_place_can_be_edited_and_an_osm_place_cannot(berlin_db: str) -> None:
    at = fill_new_place(run_app(), name="Treff am Park", lat=52.585, lon=13.31)
    manual = next(p for p in berlin_places(berlin_db) if p.origin == "manual")
    assert at.selectbox(key="place_pick").value == manual.id
    form_inputs = [w for w in at.text_input if w.form_id == f"edit_{manual.id}"]
    form_inputs[0].input("Treff am Stadtpark")
    at.button(key=f"FormSubmitter:edit_{manual.id}-Änderungen speichern").click().run()
    assert not at.exception
    assert "Gespeichert." in [s.value.replace("\\", "") for s in at.success]
    edited = {p.id: p for p in berlin_places(berlin_db)}[manual.id]
    assert (edited.name, edited.version) == ("Treff am Stadtpark", 2)

    osm_place = next(p for p in berlin_places(berlin_db) if p.origin == "osm")
    at.selectbox(key="place_pick").set_value(osm_place.id).run()
    assert not [w for w in at.text_input if (w.form_id or "").startswith("edit_")]


def test_a_planner_sees_the_catalogue_without_controls_that_change_it(berlin_db: str) -> None:
    engine = open_database(berlin_db)
    with session_scope(engine) as session:
        planner = create_user(session, actor=CONSOLE, name="pia", role="planner", password="ein langes passwort")
    engine.dispose()
    school = next(p for p in berlin_places(berlin_db) if p.category == "school")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, planner.id, berlin_db)
    at.run()
    at.switch_page("app_pages/catalogue.py").run()
    at.selectbox(key="place_pick").set_value(school.id).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.subheader and literal(at.subheader[0].value) == school.name  # the details are shown
    keys = {b.key for b in at.button}
    assert f"status_{school.id}" not in keys
    assert not any(k and k.startswith("FormSubmitter:add_place") for k in keys)
