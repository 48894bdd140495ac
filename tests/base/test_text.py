"""One check for misleading text (base.text) at every door text comes in through."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from accounts.auth import CONSOLE
from audits.csv_io import import_audit_csv
from audits.errors import AuditCsvError
from audits.store import validate_notes, validate_person
from audits.vocabulary import validate_fact_value
from base.errors import InvalidInput
from base.i18n import LANGUAGES
from base.text import clean_text
from catalogue.importer import import_file
from catalogue.store import (
    add_manual_place,
    get_area,
    load_places,
    validate_area_name,
    validate_place_name,
)
from gaps.schools import parse_school_list_text
from storage.db import open_database, read_all_rows, session_scope
from suggestions.store import validate_reason, validate_suggestion

BBOX = (6.6, 51.1, 6.8, 51.3)
RLO = "Bib \u202egnp.exe"  # shows as "Bib exe.png"
HOSTILE = [
    RLO,
    "\u200b\u200b",
    "\ufeffTreff",
    "Treff\u2066x\u2069",
    "a\u200eb",
    "Caf\u00e9\u0000",
    "Zeile\u2028zwei",
    "x\U000e0041",  # tag character (hidden "ASCII smuggling")
    "\u3164",  # Hangul filler: looks like nothing
]
LEGIT = [
    "Grün & Co",
    "Çay Ocağı",
    "مقهى الحي",
    "می\u200cخواهم",  # Persian: ZWNJ inside a word is correct spelling
    "क्\u200dष",  # Devanagari with ZWJ
    "👩\u200d👩\u200d👧 Familientreff",  # emoji ZWJ sequence
    "Stadtteilbüro {{ 7*7 }}",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_misleading_text_is_refused_in_every_resident_language(text):
    with pytest.raises(InvalidInput) as caught:
        clean_text(text)
    assert caught.value.msgid.startswith(("The text contains control characters", "The text consists only of invisible"))
    assert all(caught.value.message(lang) for lang in LANGUAGES)


@pytest.mark.parametrize("text", LEGIT)
def test_legitimate_names_pass_unchanged(text):
    assert clean_text(text) == text
    assert clean_text(text, neutralise=True) == text


def test_neutralising_removes_hidden_characters_and_keeps_the_visible_text():
    assert clean_text(RLO, neutralise=True) == "Bib gnp.exe"
    assert clean_text("\u200b\u200b", neutralise=True) == ""
    assert clean_text("Kita\tSonne\r\nschein", neutralise=True) == "Kita Sonne schein"
    assert clean_text("\u200cam Anfang", neutralise=True) == "am Anfang"
    assert clean_text("zwei\r\nZeilen\u202e", keep_newlines=True, neutralise=True) == "zwei\nZeilen"
    assert clean_text("zwei\r\nZeilen", keep_newlines=True) == "zwei\nZeilen"
    with pytest.raises(InvalidInput):
        clean_text("tab\tin notes", keep_newlines=True)


@pytest.mark.parametrize("text", [RLO, "\u200b\u200b", "\u3164\u3164"])
def test_resident_suggestions_refuse_misleading_names_and_descriptions(text):
    with pytest.raises(InvalidInput):
        validate_suggestion(name=text, category="cafe", lon=6.7, lat=51.2, bbox=BBOX)
    with pytest.raises(InvalidInput):
        validate_suggestion(name="Treff", category="cafe", lon=6.7, lat=51.2, bbox=BBOX, description=text)
    with pytest.raises(InvalidInput):
        validate_reason(text)
    ok = validate_suggestion(name="می\u200cخواهم", category="cafe", lon=6.7, lat=51.2, bbox=BBOX,
                             description="Zwei\nZeilen")  # fmt: skip
    assert (ok.name, ok.description) == ("می\u200cخواهم", "Zwei\nZeilen")


def test_staff_names_area_names_and_audit_texts_refuse_misleading_text(db_url):
    for validate in (validate_place_name, validate_area_name, validate_person, validate_notes):
        with pytest.raises(InvalidInput):
            validate(RLO)
        with pytest.raises(InvalidInput):
            validate("\u200b\u200b")
    with pytest.raises(InvalidInput):
        validate_fact_value("opening_hours", "Mo-Fr\u202e 08:00-18:00")
    engine = open_database(db_url)
    from storage.models_catalogue import Area

    with session_scope(engine) as session:
        session.add(Area(name="Q", west=BBOX[0], south=BBOX[1], east=BBOX[2], north=BBOX[3], source="t"))
    with pytest.raises(InvalidInput), session_scope(engine) as session:
        area = get_area(session, name="Q")
        add_manual_place(session, actor=CONSOLE, area_id=area.id, name=RLO, category="cafe", lon=6.7, lat=51.2)
    with session_scope(engine, read_only=True) as session:
        assert load_places(session, area_id=get_area(session, name="Q").id) == []
    engine.dispose()


OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <bounds minlat="51.1990" minlon="6.6790" maxlat="51.2030" maxlon="6.6900"/>
  <node id="1" lat="51.2000" lon="6.6800"/>
  <node id="2" lat="51.2000" lon="6.6820"/>
  <node id="3" lat="51.2010" lon="6.6820"/>
  <node id="10" lat="51.2005" lon="6.6810">
    <tag k="amenity" v="library"/>
    <tag k="name" v="Bib &#x202E;gnp.exe"/>
    <tag k="addr:street" v="Haupt&#x200B;straße&#9;"/>
    <tag k="opening_hours" v="Mo-Fr 08:00-18:00&#x2066;"/>
  </node>
  <node id="11" lat="51.2002" lon="6.6805">
    <tag k="amenity" v="community_centre"/>
    <tag k="name" v="&#x200B;&#x200B;"/>
  </node>
  <node id="12" lat="51.2003" lon="6.6806">
    <tag k="amenity" v="cafe"/>
    <tag k="name" v="Çay Ocağı"/>
  </node>
  <way id="100">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="residential"/>
  </way>
</osm>
"""


def test_osm_names_and_tag_values_are_neutralised_not_refused(db_url, tmp_path):
    path = tmp_path / "hostile.osm"
    path.write_text(OSM, encoding="utf-8")
    engine = open_database(db_url)
    import_file(engine, actor=CONSOLE, path=path, area_name="Hostil")
    with session_scope(engine, read_only=True) as session:
        places = {p.ref: p for p in load_places(session, area_id=get_area(session, name="Hostil").id)}
    library, centre, cafe = places["node/10"], places["node/11"], places["node/12"]
    assert library.name == "Bib gnp.exe"
    assert library.tags["name"] == "Bib \u202egnp.exe"  # the raw OSM value stays in the tags
    assert library.address == "Hauptstraße"
    assert library.opening_hours == "Mo-Fr 08:00-18:00"
    assert centre.name is None  # nothing visible: an unnamed place, not an invisible name
    assert cafe.name == "Çay Ocağı"
    engine.dispose()


def test_audit_csv_import_refuses_misleading_cells(db_url, tmp_path):
    engine = open_database(db_url)
    from storage.models_catalogue import Area

    with session_scope(engine) as session:
        session.add(Area(name="Q", west=BBOX[0], south=BBOX[1], east=BBOX[2], north=BBOX[3], source="t"))
    with session_scope(engine) as session:
        area = get_area(session, name="Q")
        place = add_manual_place(session, actor=CONSOLE, area_id=area.id, name="Treff", category="cafe", lon=6.7, lat=51.2)
    before = read_all_rows(engine)
    day = date.today().isoformat()
    path = Path(tmp_path / "audits.csv")
    path.write_text(
        "place,date,auditor,method,door_width_cm,notes\n"
        f"{place.id},{day},{RLO},on_site,90,\n"
        f"{place.id},{day},Ayşe,on_site,90,\u200b\u200b\n",
        encoding="utf-8",
    )
    with pytest.raises(AuditCsvError) as caught:
        import_audit_csv(engine, path, actor=CONSOLE)
    assert {(p.line, p.column) for p in caught.value.problems} >= {(2, "auditor"), (3, "notes")}
    assert read_all_rows(engine) == before
    engine.dispose()


def test_school_list_names_are_neutralised():
    text = (
        "Schulnummer;Amtliche Bezeichnung 1;latitude;longitude\n"
        "5;Schule \u202eA;51,2;6,7\n"
        "6;\u200bGrundschule\tNord;51,2;6,7\n"
    )
    schools, skipped = parse_school_list_text(text)
    assert skipped == 0
    assert [s.name for s in schools] == ["Schule A", "Grundschule Nord"]
