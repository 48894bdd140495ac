"""The audit page and the verdicts in the catalogue under AppTest, on the Neuss extract (SQLite)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from accounts.auth import CONSOLE, Actor
from audits.store import list_audits
from catalogue.importer import import_file
from catalogue.store import list_areas, load_places
from storage.db import open_database, session_scope

ROOT = Path(__file__).resolve().parents[2]
AUDIT_PAGE = str(ROOT / "app_pages" / "audit.py")
CATALOGUE_PAGE = str(ROOT / "app_pages" / "catalogue.py")
TIMEOUT = 60
# A signed-in manager whose name the page does not know: the form asks who audited.
UNNAMED_MANAGER = Actor(None, "", "manager")
WHEELCHAIR_OPEN = {"entrance_step_free": "yes", "door_width_cm": 95, "toilet_wheelchair": "yes"}


@pytest.fixture
def neuss_db(sqlite_url: str, extract_path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    engine = open_database(sqlite_url)
    import_file(engine, path=extract_path("neuss"), area_name="Neuss Innenstadt-Süd", actor=CONSOLE)
    engine.dispose()
    return sqlite_url


def first_place(url: str):
    """A named café without wheelchair tags: every verdict starts unknown."""
    engine = open_database(url)
    try:
        with session_scope(engine, read_only=True) as session:
            places = load_places(session, area_id=list_areas(session)[0].id)
    finally:
        engine.dispose()
    return next(p for p in places if p.name and not any(k.startswith("wheelchair") for k in p.tags))


def stored_audits(url: str, place_id: int) -> list:
    engine = open_database(url)
    try:
        with session_scope(engine, read_only=True) as session:
            return list_audits(session, place_id=place_id)
    finally:
        engine.dispose()


def literal(markdown: str) -> str:
    return markdown.replace("\\", "").replace("**", "")


def texts(elements) -> list[str]:
    return [literal(e.value) for e in elements]


def open_audit(place_id: int, *, actor: Actor | None = None) -> AppTest:
    at = AppTest.from_file(AUDIT_PAGE, default_timeout=TIMEOUT)
    # The page writes with the session's actor, and saving checks its role.
    at.session_state["actor"] = actor or UNNAMED_MANAGER
    at.run()
    at.selectbox(key="audit_place").set_value(place_id).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill(at: AppTest, place_id: int, facts: dict[str, object], *, auditor: str | None = None) -> AppTest:
    for fact_id, value in facts.items():
        key = f"audit_{place_id}_{fact_id}"
        if isinstance(value, str):
            at.radio(key=key).set_value(value)
        else:
            at.number_input(key=key).set_value(value)
    if auditor is not None:
        at.text_input(key="audit_auditor").input(auditor)
    return at


def save(at: AppTest, place_id: int) -> AppTest:
    at.button(key=f"audit_save_{place_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_saved_audit_is_version_1_and_the_verdict_shows_open_with_reasons(neuss_db: str) -> None:
    place = first_place(neuss_db)
    at = open_audit(place.id)
    assert "Rollstuhlnutzende: ? unbekannt" in texts(at.markdown)
    # Pre-filled with the current value and its source.
    assert "Bisher: nicht erfasst" in texts(at.caption)
    save(fill(at, place.id, WHEELCHAIR_OPEN, auditor="Anna Prüferin"), place.id)
    assert any("Version 1 gespeichert" in s for s in texts(at.success))

    audits = stored_audits(neuss_db, place.id)
    assert [(a.version, a.auditor, a.method, a.review_state) for a in audits] == [
        (1, "Anna Prüferin", "on_site", "submitted")
    ]
    assert {k: fv.value for k, fv in audits[0].facts.items()} == WHEELCHAIR_OPEN
    shown = texts(at.markdown)
    assert "Rollstuhlnutzende: ● offen" in shown
    assert "- Türbreite: 95 cm." in shown
    # The form reopens at the new version with the saved values and their source.
    assert any("Prüfungsversion 1" in c for c in texts(at.caption))
    assert at.number_input(key=f"audit_{place.id}_door_width_cm").value == 95
    assert any(c.startswith("Bisher: 95 cm · Prüfung") and "Anna Prüferin" in c for c in texts(at.caption))

    # The catalogue's place details show the same verdict, the reasons and the last check.
    cat = AppTest.from_file(CATALOGUE_PAGE, default_timeout=TIMEOUT).run()
    cat.selectbox(key="verdict_group").set_value("wheelchair").run()
    cat.selectbox(key="place_pick").set_value(place.id).run()
    assert not cat.exception, [e.value for e in cat.exception]
    details = texts(cat.markdown)
    assert "Rollstuhlnutzende: ● offen" in details
    assert "- Stufenloser Eingang: ja." in details
    assert f"Zuletzt geprüft am {date.today():%d.%m.%Y}" in texts(cat.caption)


def test_the_second_of_two_managers_gets_a_conflict_naming_the_first_and_nothing_is_overwritten(
    neuss_db: str,
) -> None:
    place = first_place(neuss_db)
    first = open_audit(place.id)
    second = open_audit(place.id)
    assert all(any("Prüfungsversion 0" in c for c in texts(at.caption)) for at in (first, second))

    save(fill(first, place.id, WHEELCHAIR_OPEN, auditor="Anna"), place.id)
    save(fill(second, place.id, {"entrance_step_free": "no"}, auditor="Bernd"), place.id)

    message = " ".join(texts(second.error))
    assert "Nicht gespeichert" in message
    assert "geöffnet mit Version 0, jetzt Version 1" in message
    assert "Version 1 von Anna" in message
    assert "Stufenloser Eingang: – → ja" in message and "Türbreite: – → 95 cm" in message
    audits = stored_audits(neuss_db, place.id)
    assert [(a.version, a.auditor) for a in audits] == [(1, "Anna")]
    # Bernd's entry is still in the form; saving again without reloading is refused again.
    assert second.radio(key=f"audit_{place.id}_entrance_step_free").value == "no"
    save(second, place.id)
    assert len(stored_audits(neuss_db, place.id)) == 1

    # "Reload current values" opens the form at version 1 with Anna's values; then Bernd can save.
    second.button(key=f"audit_reload_{place.id}").click().run()
    assert not second.error
    assert any("Prüfungsversion 1" in c for c in texts(second.caption))
    assert second.radio(key=f"audit_{place.id}_entrance_step_free").value == "yes"
    save(fill(second, place.id, {"entrance_step_free": "no"}), place.id)
    assert [(a.version, a.auditor) for a in stored_audits(neuss_db, place.id)] == [(1, "Anna"), (2, "Bernd")]
    assert "Rollstuhlnutzende: ✕ nicht offen" in texts(second.markdown)


def test_an_impossible_door_width_is_refused_and_nothing_is_stored(neuss_db: str) -> None:
    place = first_place(neuss_db)
    at = save(fill(open_audit(place.id), place.id, {"door_width_cm": 5000}, auditor="Anna"), place.id)
    message = " ".join(texts(at.error))
    assert "Türbreite" in message and "zwischen 30 und 600 cm" in message
    assert stored_audits(neuss_db, place.id) == []
    # The entry stays for correcting.
    assert at.number_input(key=f"audit_{place.id}_door_width_cm").value == 5000


def test_without_an_auditor_name_nothing_is_stored(neuss_db: str) -> None:
    place = first_place(neuss_db)
    at = save(fill(open_audit(place.id), place.id, WHEELCHAIR_OPEN), place.id)
    assert any("Prüferin" in e for e in texts(at.error))
    assert stored_audits(neuss_db, place.id) == []


def test_the_signed_in_actor_is_the_auditor(neuss_db: str) -> None:
    place = first_place(neuss_db)
    at = open_audit(place.id, actor=Actor(7, "Maria Quartier", "manager"))
    assert not [w for w in at.text_input if w.key == "audit_auditor"]
    save(fill(at, place.id, WHEELCHAIR_OPEN), place.id)
    assert stored_audits(neuss_db, place.id)[0].auditor == "Maria Quartier"


def test_values_survive_switching_the_group(neuss_db: str) -> None:
    place = first_place(neuss_db)
    at = fill(open_audit(place.id), place.id, {"door_width_cm": 92.5}, auditor="Anna")
    at.selectbox(key="audit_group").set_value("low_income").run()
    assert not [n for n in at.number_input if n.key == f"audit_{place.id}_door_width_cm"]
    at.radio(key=f"audit_{place.id}_free_entry").set_value("yes")
    at.selectbox(key="audit_group").set_value("wheelchair").run()
    assert at.number_input(key=f"audit_{place.id}_door_width_cm").value == 92.5
    at.selectbox(key="audit_group").set_value("children").run()
    save(at, place.id)
    facts = {k: fv.value for k, fv in stored_audits(neuss_db, place.id)[0].facts.items()}
    # Changed in other groups' views: recorded; untouched unknown facts: not recorded.
    assert facts == {"door_width_cm": 92.5, "free_entry": "yes"}


def test_review_approve_changes_the_state_and_the_history_shows_changed_facts(neuss_db: str) -> None:
    place = first_place(neuss_db)
    at = save(fill(open_audit(place.id), place.id, WHEELCHAIR_OPEN, auditor="Anna"), place.id)
    at.date_input(key="audit_visit_date").set_value(date(2021, 3, 1))
    save(fill(at, place.id, {"door_width_cm": 80}), place.id)
    audits = stored_audits(neuss_db, place.id)
    assert [a.version for a in audits] == [1, 2]

    history = at.dataframe[-1].value
    assert list(history["Version"]) == [2, 1]
    assert list(history["Wer"]) == ["Anna", "Anna"]
    assert history["Geänderte Merkmale"][0] == "Türbreite: 95 cm → 80 cm"
    assert "Stufenloser Eingang: – → ja" in history["Geänderte Merkmale"][1]
    assert list(history["Freigabe"]) == ["eingereicht", "eingereicht"]
    # The newest visit (version 1, today) counts for "last checked"; no re-audit due yet.
    assert not any("Nachprüfung fällig" in w for w in texts(at.warning))

    at.text_input(key="audit_reviewer").input("Chris Leitung")
    at.text_input(key=f"review_note_{audits[0].id}").input("Fotos passen")
    at.button(key=f"review_{audits[0].id}_approved").click().run()
    assert not at.exception
    assert "Version 1 ist jetzt: freigegeben." in texts(at.success)
    after = stored_audits(neuss_db, place.id)
    assert (after[0].review_state, after[0].reviewed_by) == ("approved", "Chris Leitung")
    assert after[1].review_state == "submitted"
    # Approved is final: no more buttons for it.
    assert not [b for b in at.button if (b.key or "").startswith(f"review_{audits[0].id}_")]
    at.button(key=f"review_{audits[1].id}_rejected").click().run()
    assert stored_audits(neuss_db, place.id)[1].review_state == "rejected"


def test_an_old_audit_is_flagged_for_re_audit(neuss_db: str) -> None:
    place = first_place(neuss_db)
    at = fill(open_audit(place.id), place.id, WHEELCHAIR_OPEN, auditor="Anna")
    at.date_input(key="audit_visit_date").set_value(date(2020, 5, 4))
    save(at, place.id)
    assert any("Nachprüfung fällig" in w for w in texts(at.warning))
    assert any("Zuletzt geprüft am 04.05.2020" in w for w in texts(at.warning))


def test_the_catalogue_colours_and_filters_by_the_verdict_for_a_group(neuss_db: str) -> None:
    place = first_place(neuss_db)
    save(fill(open_audit(place.id), place.id, WHEELCHAIR_OPEN, auditor="Anna"), place.id)

    at = AppTest.from_file(CATALOGUE_PAGE, default_timeout=TIMEOUT).run()
    total = len(at.dataframe[-1].value)
    assert "Urteil: Rollstuhlnutzende" not in at.dataframe[-1].value.columns
    at.selectbox(key="verdict_group").set_value("wheelchair").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[-1].value
    column = table["Urteil: Rollstuhlnutzende"]
    assert len(table) == total
    assert (column == "● offen").sum() == 1
    assert (column == "? unbekannt").sum() > (column == "✕ nicht offen").sum() > 0
    options = at.selectbox(key="verdict_filter").options
    assert options[0] == f"alle ({total})" and "offen (1)" in options

    at.selectbox(key="verdict_filter").set_value("open").run()
    assert len(at.dataframe[-1].value) == 1
    assert f"1 von {total} Orten angezeigt" in texts(at.caption)
    at.selectbox(key="verdict_filter").set_value("not_open").run()
    assert list(at.dataframe[-1].value["Urteil: Rollstuhlnutzende"].unique()) == ["✕ nicht offen"]
    at.selectbox(key="verdict_filter").set_value("unknown").run()
    assert set(at.dataframe[-1].value["Urteil: Rollstuhlnutzende"]) == {"? unbekannt"}


def test_all_facts_view_takes_languages_and_flags_opening_hours_that_do_not_parse(neuss_db: str) -> None:
    place = first_place(neuss_db)
    at = fill(open_audit(place.id), place.id, {}, auditor="Anna")
    at.selectbox(key="audit_group").set_value("all").run()
    assert not at.exception, [e.value for e in at.exception]
    at.multiselect(key=f"audit_{place.id}_staff_languages").set_value(["tr", "ar"])
    at.text_input(key=f"audit_{place.id}_opening_hours").input("Mo-Fr nach Absprache")
    at.checkbox(key=f"audit_{place.id}_step_count_na").check()
    save(at, place.id)
    assert any("keine gültige OSM-Öffnungszeit" in w for w in texts(at.warning))
    facts = {k: fv.value for k, fv in stored_audits(neuss_db, place.id)[0].facts.items()}
    assert facts["staff_languages"] == ("tr", "ar")
    assert facts["opening_hours"] == "Mo-Fr nach Absprache"
    assert facts["step_count"] == "not_applicable"


def test_the_audit_page_speaks_english(neuss_db: str) -> None:
    place = first_place(neuss_db)
    at = AppTest.from_file(AUDIT_PAGE, default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.run()
    at.selectbox(key="audit_place").set_value(place.id).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Audit a place"
    assert "Wheelchair users: ? unknown" in texts(at.markdown)
    ramp = at.radio(key=f"audit_{place.id}_ramp")
    assert ramp.options == ["yes", "limited", "no", "unknown", "not applicable"]


def test_field_sheet_download_offers_the_group_shown(neuss_db: str) -> None:
    place = first_place(neuss_db)
    at = open_audit(place.id)
    groups = at.multiselect(key=f"sheet_groups_{place.id}")
    assert groups.value == ["wheelchair"]  # the group the page shows
    buttons = [e for e in at.get("download_button") if e.proto.label == "Feldbogen (PDF)"]
    assert len(buttons) == 1 and not buttons[0].proto.disabled
    groups.set_value([]).run()
    assert not at.exception
    assert [e.proto.disabled for e in at.get("download_button") if e.proto.label == "Feldbogen (PDF)"] == [True]
