"""The gap map page under AppTest, as a signed-in planner, on the imported Berlin extract."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from accounts.auth import CONSOLE, create_user
from catalogue.importer import import_file
from catalogue.store import list_areas, load_places, set_place_status
from storage.db import open_database, session_scope
from tests.staff_support import sign_in
from webui import caches

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGE = "app_pages/gaps.py"
TIMEOUT = 60


def make_planner(url: str) -> int:
    engine = open_database(url)
    try:
        with session_scope(engine) as session:
            user = create_user(
                session, actor=CONSOLE, name="pia", role="planner", password="ein langes passwort"
            )
            return user.id
    finally:
        engine.dispose()


@pytest.fixture
def planner_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    return sqlite_url, make_planner(sqlite_url)


@pytest.fixture
def berlin_db(planner_db: tuple[str, int], extract_path) -> tuple[str, int]:
    url, _ = planner_db
    engine = open_database(url)
    import_file(engine, path=extract_path("berlin"), area_name="Borsigwalde", actor=CONSOLE)
    engine.dispose()
    return planner_db


def open_gap_page(user_id: int) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, user_id)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def counts(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def anchor_count(url: str) -> int:
    engine = open_database(url)
    try:
        with session_scope(engine, read_only=True) as session:
            places = load_places(session, area_id=list_areas(session)[0].id)
    finally:
        engine.dispose()
    return sum(1 for p in places if p.category in ("school", "kita") and p.status == "active")


def test_without_an_area_the_page_says_to_import_one(planner_db: tuple[str, int]) -> None:
    at = open_gap_page(planner_db[1])
    assert "Noch kein Gebiet importiert" in at.info[0].value
    assert not at.metric


def test_an_area_without_schools_and_kitas_says_so(berlin_db: tuple[str, int]) -> None:
    url, user_id = berlin_db
    engine = open_database(url)
    with session_scope(engine) as session:
        for place in load_places(session, area_id=list_areas(session)[0].id):
            if place.category in ("school", "kita"):
                set_place_status(session, place_id=place.id, closed=True, actor=CONSOLE)
    engine.dispose()
    at = open_gap_page(user_id)
    assert "hat keine Schulen und keine Kitas" in at.info[0].value
    assert not at.metric and not at.dataframe


def test_the_map_page_shows_counts_and_one_table_row_per_school_and_kita(berlin_db: tuple[str, int]) -> None:
    url, user_id = berlin_db
    at = open_gap_page(user_id)
    assert at.title[0].value == "Versorgungslücken um Schulen und Kitas"
    shown = counts(at)
    assert shown["Hexagone"] == shown["versorgt"] + shown["unterversorgt"] + shown["zu wenig Daten"] > 100
    assert shown["versorgt"] > 0 and shown["zu wenig Daten"] == 0  # "alle Orte": nothing is unknown
    table = at.dataframe[0].value
    assert len(table) == anchor_count(url) > 0
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert any("ms" in c.value for c in at.caption)  # the computation time, small
    # Residents, estimated from the buildings of the extract, and their source.
    assert shown["Einwohner:innen in den Einzugsgebieten"] > 1000
    assert shown["Einwohner:innen unterversorgt"] <= shown["Einwohner:innen in den Einzugsgebieten"]
    assert table["residents_underserved"].notna().all()
    assert any(c.value.startswith("Bevölkerung: geschätzt aus OSM-Gebäuden (47 m²/Person") for c in at.caption)



def test_fairness_across_social_need_shows_below_the_table_only_when_measured(
    berlin_db: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import gaps.service
    from gaps.equity import compute_equity

    _, user_id = berlin_db
    at = open_gap_page(user_id)  # Berlin has no school indicators: no fairness section
    assert "Gerechtigkeit nach sozialem Bedarf" not in [h.value for h in at.subheader]
    fake = [SimpleNamespace(place_id=i, social_index=i + 1, underserved_share=h) for i, h in enumerate((0, 0, 0, 0, 1.0))]
    monkeypatch.setattr(gaps.service, "compute_equity", lambda rows: compute_equity(fake))
    at = open_gap_page(user_id)
    assert "Gerechtigkeit nach sozialem Bedarf" in [h.value for h in at.subheader]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Konzentrationsindex"] == "0,80" and metrics["Fünftel höchster / niedrigster Bedarf"] == "–"
    assert metrics["Schulen mit Sozialindex"] == "5"
    assert any("höherem sozialen Bedarf" in c.value for c in at.caption)

def test_wheelchair_without_audits_turns_served_into_not_enough_data(berlin_db: tuple[str, int]) -> None:
    at = open_gap_page(berlin_db[1])
    before = counts(at)
    assert at.number_input(key="gaps_speed").value == 4.5
    at.sidebar.selectbox(key="gaps_group").set_value("wheelchair").run()
    assert not at.exception
    after = counts(at)
    assert after["Hexagone"] == before["Hexagone"]
    assert after["versorgt"] == 0 < before["versorgt"]
    assert after["zu wenig Daten"] > 0
    # The group's walking speed follows the group, as long as the planner has not typed one.
    assert at.number_input(key="gaps_speed").value == 3.6
    assert set(at.dataframe[0].value["nearest"]) == {"nicht erreichbar innerhalb 1.000 m"}


def test_a_typed_speed_survives_a_group_change(berlin_db: tuple[str, int]) -> None:
    at = open_gap_page(berlin_db[1])
    at.number_input(key="gaps_speed").set_value(5.0).run()
    at.sidebar.selectbox(key="gaps_group").set_value("seniors").run()
    assert at.number_input(key="gaps_speed").value == 5.0


def test_the_time_window_takes_places_away_and_is_named_in_the_parameters(berlin_db: tuple[str, int]) -> None:
    at = open_gap_page(berlin_db[1])
    at.sidebar.selectbox(key="gaps_group").set_value("children").run()
    window = at.sidebar.selectbox(key="gaps_time_window")
    assert window.value == "any"
    assert "die übliche Zeit der Gruppe: werktags nachmittags (Mo–Fr 14–18 Uhr)" in window.options
    any_time = counts(at)
    window.set_value("group").run()
    assert not at.exception
    in_window = counts(at)
    assert in_window["Hexagone"] == any_time["Hexagone"]
    assert in_window["versorgt"] <= any_time["versorgt"]
    assert "Zeitfenster: werktags nachmittags (Mo–Fr 14–18 Uhr)" in at.caption[1].value.replace("\\", "")


def test_changing_the_time_limit_recomputes_without_reloading_the_data(berlin_db: tuple[str, int]) -> None:
    at = open_gap_page(berlin_db[1])
    loads = dict(caches.LOADS)
    ten = counts(at)
    at.sidebar.slider(key="gaps_minutes").set_value(3).run()
    assert not at.exception
    three = counts(at)
    assert three["unterversorgt"] > ten["unterversorgt"]
    at.sidebar.selectbox(key="gaps_group").set_value("prams").run()
    assert dict(caches.LOADS) == loads  # the area's data came from the cache every time
    assert "Zeitlimit: 3 min" in at.caption[1].value.replace("\\", "")


def test_the_csv_download_is_built_on_click_with_bom_and_header(
    berlin_db: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    deferred: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        deferred[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    at = open_gap_page(berlin_db[1])
    at.sidebar.slider(key="gaps_minutes").set_value(7).run()
    names = sorted(deferred)
    assert {Path(n).suffix for n in names} == {".gpkg", ".geojson", ".csv", ".xlsx", ".pdf", ".png"}
    csv_name = next(n for n in names if n.endswith("all_7min.csv"))
    data = deferred[csv_name]()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].decode("utf-8").splitlines()[0]
    assert header.startswith("rank,name,label,kind,school_form")
    assert len(data.decode("utf-8-sig").splitlines()) == 1 + len(at.dataframe[0].value)
    xlsx = deferred[csv_name.removesuffix(".csv") + ".xlsx"]()
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert [c.value for c in sheet[1]][:5] == ["rank", "name", "label", "kind", "school_form"]
    assert sheet.max_row == 1 + len(at.dataframe[0].value)
