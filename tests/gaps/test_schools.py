"""Official school list (NRW, Schulsozialindex): parsing, matching to OSM schools, storage, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from accounts.auth import CONSOLE
from base.errors import InvalidInput
from catalogue.importer import import_file
from catalogue.store import PlaceInfo, get_area, load_places
from gaps.schools import (
    OfficialSchool,
    compute_name_score,
    load_school_indicators,
    match_schools,
    parse_school_list,
    save_school_indicators,
)
from storage.db import open_database, session_scope
from storage.models_gaps import SchoolIndicator
from tests.conftest import SCHOOL_LIST

ROOT = Path(__file__).resolve().parents[2]
HEADER = (
    "Schuljahr,Schulform,Amtlicher Gemeindeschlüssel,Verwaltungsbezirk,Schulnummer,Amtliche Bezeichnung 1,"
    "Amtliche Bezeichnung 2,Amtliche Bezeichnung 3,Straße und Hausnummer,Postleitzahl,Ort,Rechtsstatus,"
    "Telefonnummer Vorwahl,Telefonnummer Durchwahl,Faxnummer Vorwahl,Faxnummer Durchwahl,"
    "Offizielle E-Mail-Adresse,Anzahl,Sozialindex,latitude,longitude,found_address,Startchancen-Schule"
)
# The four Neuss schools checked by hand on the map: OSM school ↔ official school number.
NEUSS_MATCHES = {
    "way/18530948": "165130",  # Quirinus-Gymnasium Neuss ↔ Städt. Quirinus-Gymnasium (Sozialindex 4)
    "way/26504167": "104190",  # Friedrich-von-Bodelschwingh-Schule (Sozialindex 5)
    "way/122574788": "189868",  # Janusz-Korczak-Gesamtschule (Abteilung 1), official point 73 m off
    "way/478140077": "194360",  # Joseph-Beuys-Schule, Förderschule (no Sozialindex)
}


def place(pid: int, name: str | None, lon: float, lat: float, wkt: str | None = None) -> PlaceInfo:
    return PlaceInfo(
        id=pid, area_id=1, osm_type="way", osm_id=pid, name=name, category="school", lon=lon, lat=lat,
        geometry_wkt=wkt, tags={}, origin="osm", status="active", missing_since=None, last_seen_at=None,
        updated_at=datetime.now(UTC), version=1,
    )  # fmt: skip


def official(number: str, name: str, lon: float, lat: float, social: int | None = 5) -> OfficialSchool:
    return OfficialSchool(number, name, name, "Grundschule", social, False, 200, lon, lat, city="Neuss")


def test_the_nrw_list_parses_with_its_quirks(shared_data):
    schools = parse_school_list(SCHOOL_LIST)
    assert len(schools) > 5000
    by_number = {s.school_number: s for s in schools}
    kartause = by_number["100020"]
    assert kartause.name == "Städt. Kath. Grundschule"
    assert "Kartause-Hain-Schule" in kartause.official_name
    assert (kartause.social_index, kartause.startchancen, kartause.pupils) == (5, False, 220)  # "5.0"
    assert kartause.school_form == "Grundschule"
    assert by_number["194360"].social_index is None  # empty Sozialindex
    assert by_number["104115"].startchancen is True


def test_bom_semicolons_decimal_commas_and_missing_coordinates(tmp_path):
    rows = [
        '2024/25,Grundschule,1,x,1001.0,Grünschule,,,Weg 1,41460,Neuss,Öffentlich,,,,,,"210,0","7,0",51.2,6.69,,1',
        "2024/25,Grundschule,1,x,1002,Ohne Ort,,,Weg 2,41460,Neuss,Öffentlich,,,,,,100,,,,,0",
    ]
    path = tmp_path / "list.csv"
    path.write_text("\ufeff" + "\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    schools = parse_school_list(path)
    assert [(s.school_number, s.social_index, s.pupils, s.startchancen) for s in schools] == [
        ("1001", 7, 210, True)
    ]
    semi = tmp_path / "semi.csv"
    semi.write_text(
        "Schulnummer;Amtliche Bezeichnung 1;latitude;longitude\n5;Schule A;51,2;6,7\n", encoding="utf-8"
    )
    assert parse_school_list(semi)[0].lat == pytest.approx(51.2)


def test_a_file_without_the_columns_is_refused_with_their_names(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Name,Ort\nA,B\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="Schulnummer.*latitude"):
        parse_school_list(path)
    with pytest.raises(InvalidInput, match="does not exist"):
        parse_school_list(tmp_path / "missing.csv")


def test_names_match_on_their_distinctive_words():
    official_name = "Städt. Kath. Grundschule Kartause-Hain-Schule - Primarstufe -"
    assert compute_name_score("Kartause-Hain-Schule", official_name) == 1.0
    assert compute_name_score("Leo-Schule", "Leoschule Städt. Kath. Grundschule") == 1.0
    assert compute_name_score("Quirinus-Gymnasium Neuss", "Städt. Quirinus-Gymnasium", city="Neuss") == 1.0
    assert (
        compute_name_score("Gesamtschule Neuss", "Erzbischöfliches Berufskolleg Neuss", city="Neuss") == 0.0
    )
    assert compute_name_score(None, official_name) == 0.0


def test_matching_needs_a_name_hint_or_a_sole_close_candidate():
    lon, lat = 6.68, 51.20
    dlat = 1 / 111_320  # one metre north
    osm = [
        place(1, "Kartause-Hain-Schule", lon, lat),
        place(2, None, lon + 0.01, lat),  # unnamed, two official schools 80 m away in one building
        place(3, None, lon + 0.02, lat),  # unnamed, one official school 40 m away
        place(4, "Leo-Schule", lon + 0.03, lat),
    ]
    schools = [
        official("1", "Städt. Kath. Grundschule Kartause-Hain-Schule", lon, lat + 120 * dlat),
        official("2", "Martin-Luther-Schule", lon + 0.01, lat + 80 * dlat),
        official("3", "Kreuzschule", lon + 0.01, lat + 80 * dlat),
        official("4", "Görresschule", lon + 0.02, lat + 40 * dlat),
        official("5", "Andere Schule", lon + 0.03, lat + 140 * dlat),  # near, wrong name
        official("6", "Fernschule", lon + 0.05, lat),  # no OSM school near
    ]
    report = match_schools(schools, osm, area_bbox=(lon - 0.01, lat - 0.01, lon + 0.06, lat + 0.01))
    pairs = {m.place_id: m.school.school_number for m in report.matched}
    assert pairs == {1: "1", 3: "4"}
    assert [p.id for p in report.unmatched_osm] == [2, 4]
    assert sorted(s.school_number for s in report.unmatched_official_in_area) == ["2", "3", "5", "6"]
    # One to one: a second OSM school with the same name does not take the same official school.
    twin = match_schools(schools[:1], [osm[0], place(9, "Kartause-Hain-Schule", lon, lat + 30 * dlat)])
    assert len(twin.matched) == 1 and twin.matched[0].place_id == 9  # the closer one


def test_neuss_import_matches_the_schools_checked_by_hand_and_is_idempotent(
    db_url, extract_path, shared_data
):
    engine = open_database(db_url)
    try:
        import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
        schools = parse_school_list(SCHOOL_LIST)
        for _ in range(2):
            with session_scope(engine) as session:
                area = get_area(session, name="Neuss")
                osm = [p for p in load_places(session, area_id=area.id) if p.category == "school"]
                report = match_schools(schools, osm, area_bbox=area.bbox)
                save_school_indicators(session, area_id=area.id, report=report, source=SCHOOL_LIST.name, actor=CONSOLE)
        by_id = {p.id: p for p in osm}
        assert {by_id[m.place_id].ref: m.school.school_number for m in report.matched} == NEUSS_MATCHES
        assert [p.ref for p in report.unmatched_osm] == ["way/18532413"]  # unnamed; two schools 80 m away
        unmatched = {s.school_number for s in report.unmatched_official_in_area}
        assert {"104206", "104231", "104115"} <= unmatched  # Martin-Luther, Kreuzschule, Münsterschule
        with session_scope(engine, read_only=True) as session:
            assert session.scalar(select(func.count()).select_from(SchoolIndicator)) == len(NEUSS_MATCHES)
            indicators = load_school_indicators(session, area_id=area.id)
        by_ref = {by_id[pid].ref: ind for pid, ind in indicators.items()}
        assert by_ref["way/18530948"].social_index == 4
        assert by_ref["way/26504167"].social_index == 5
        assert by_ref["way/478140077"].social_index is None
        assert by_ref["way/122574788"].distance_m == pytest.approx(73, abs=5)
        assert by_ref["way/18530948"].school_form == "Gymnasium"
    finally:
        engine.dispose()


def test_import_schools_cli_reports_matches_and_what_did_not_match(tmp_path, extract_path, shared_data):
    url = f"sqlite:///{tmp_path / 'atlas.db'}"
    engine = open_database(url)
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "audits", "import-schools", str(SCHOOL_LIST), "--area", "Neuss"]
    done = subprocess.run([*cmd, "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {m["osm_ref"]: m["school_number"] for m in data["matched"]} == NEUSS_MATCHES
    # An unnamed school is labelled by the street it lies on; its raw name stays empty.
    assert data["unmatched_osm"] == [{"osm_ref": "way/18532413", "name": None, "label": "School, Sternstraße"}]
    text = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert text.returncode == 0, text.stderr
    assert "matched 4 of 5" in text.stdout and "Martin-Luther-Schule" in text.stdout
    bad = subprocess.run([*cmd[:4], str(tmp_path / "nope.csv")], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert bad.returncode == 2 and "does not exist" in bad.stderr and "Traceback" not in bad.stderr
