"""Audit CSV import and exports on SQLite and PostgreSQL: all rows or nothing, line numbers,
merged OSM refs, spreadsheet quirks, formula neutralising, and the CLI as a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from accounts.auth import CONSOLE
from audits.csv_io import import_audit_csv, parse_audit_csv
from audits.errors import AuditCsvError
from audits.store import current_audit_version, current_facts, save_audit
from audits.vocabulary import GROUP_IDS, YES
from base.errors import InvalidInput
from catalogue.importer import import_file
from catalogue.store import add_manual_place, find_place_by_ref, get_area
from exports.audits import export_audits
from storage.db import open_database, read_all_rows, session_scope

ROOT = Path(__file__).resolve().parents[2]
MERGE_FIXTURE = ROOT / "tests" / "fixtures" / "merge_park_cut.osm"
CAFE = "node/1046521003"
GARDEN = "way/16816127"  # Alter Stadtgarten
TODAY = date.today()


@pytest.fixture
def db(db_url, extract_path):
    engine = open_database(db_url)
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    # A school node merged into the school's polygon (way/100 holds node/10).
    import_file(engine, path=MERGE_FIXTURE, area_name="Cut", actor=CONSOLE)
    with session_scope(engine) as session:
        neuss = get_area(session, name="Neuss")
        manual = add_manual_place(
            session, area_id=neuss.id, name="=cmd()", category="cafe", lon=6.69, lat=51.19, actor=CONSOLE
        )
        turkish = add_manual_place(
            session, area_id=neuss.id, name="Çay Ocağı", category="cafe", lon=6.691, lat=51.191, actor=CONSOLE
        )
        ids = {
            "cafe": find_place_by_ref(session, area_id=neuss.id, ref=CAFE).id,
            "garden": find_place_by_ref(session, area_id=neuss.id, ref=GARDEN).id,
            "school": find_place_by_ref(session, area_id=None, ref="way/100").id,
            "manual": manual.id,
            "turkish": turkish.id,
            "neuss": neuss.id,
        }
    yield engine, ids
    engine.dispose()


def _write(tmp_path: Path, text: str, name: str = "audits.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_good_file_imports_one_version_per_row_with_every_kind_of_reference(db, tmp_path):
    engine, ids = db
    text = (
        "place,date,auditor,method,entrance_step_free,door_width_cm,staff_languages,opening_hours,notes\n"
        f'{CAFE},2025-03-01,Ayşe Yılmaz,on_site,ja,92.5,"de, tr",,\n'
        f'{GARDEN},01.04.2025,Bernd,phone,,,,Mo-Su 08:00-22:00,"Tor\nhinten"\n'
        "node/10,2025-05-02,Clara,desk,yes,,,,\n"  # merged into way/100
        f"{ids['manual']},2025-05-03,Clara,vor Ort,no,,,,\n"
        f"{CAFE},2025-06-01,Bernd,on site,,95,,,\n"
    )
    report = import_audit_csv(engine, _write(tmp_path, text), actor=CONSOLE)
    assert (report.rows, len(report.audits), report.places) == (5, 5, 4)
    with session_scope(engine, read_only=True) as session:
        cafe = current_facts(session, place_id=ids["cafe"])
        garden = current_facts(session, place_id=ids["garden"])
        school = current_facts(session, place_id=ids["school"])
        assert current_audit_version(session, place_id=ids["cafe"]) == 2
        assert current_audit_version(session, place_id=ids["manual"]) == 1
    assert cafe["door_width_cm"].value == 95 and cafe["door_width_cm"].auditor == "Bernd"
    assert cafe["staff_languages"].value == ("de", "tr")
    assert garden["opening_hours"].checked_on == date(2025, 4, 1)
    assert garden["open_evenings"].value == YES  # derived from the audited hours
    assert (school["entrance_step_free"].value, school["entrance_step_free"].source) == (YES, "audit")


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(db, tmp_path):
    engine, _ = db
    text = (
        "place,date,auditor,method,door_width_cm,seating,notes,colour\n"  # line 1: unknown column
        f'{CAFE},2025-03-01,Ayşe,on_site,92,ja,"zwei\nZeilen",\n'  # lines 2-3: fine
        "node/999999999,2025-03-01,Ayşe,on_site,92,,,\n"  # line 4: unknown place
        f"{CAFE},31.02.2025,Ayşe,on_site,,ja,,\n"  # line 5: no such date
        f"{GARDEN},2025-03-01,Ayşe,on_site,abc,,,\n"  # line 6: bad value
        f"{GARDEN},2025-03-01,Ayşe,beamed,90,,,\n"  # line 7: bad method
    )
    before = read_all_rows(engine)
    with pytest.raises(AuditCsvError) as caught:
        import_audit_csv(engine, _write(tmp_path, text), actor=CONSOLE)
    assert read_all_rows(engine) == before
    problems = caught.value.problems
    assert [(p.line, p.column) for p in problems] == [
        (1, "colour"),
        (4, "place"),
        (5, "date"),
        (6, "door_width_cm"),
        (7, "method"),
    ]
    assert "node/999999999" in problems[1].en
    message = caught.value.en
    assert "line 6, door_width_cm: Door width: 'abc' is not valid" in message
    assert "nothing was imported" in message
    assert "Zeile 5" in caught.value.de


def test_header_without_required_columns_and_empty_files_are_refused(db, tmp_path):
    engine, _ = db
    for text, expected in (("", "empty"), ("place;seating\nnode/1;ja\n", "missing")):
        with pytest.raises(AuditCsvError) as caught:
            import_audit_csv(engine, _write(tmp_path, text), actor=CONSOLE)
        assert expected in caught.value.en
    with pytest.raises(InvalidInput, match="not UTF-8"):
        import_audit_csv(engine, _write(tmp_path, "place;date\nCafé;1\n", encoding="cp1252"), actor=CONSOLE)
    with pytest.raises(InvalidInput, match="does not exist"):
        import_audit_csv(engine, tmp_path / "missing.csv", actor=CONSOLE)


def test_excel_style_file_with_bom_semicolons_and_crlf_imports(db, tmp_path):
    engine, ids = db
    text = (
        "\ufeffPlace;Date;Auditor;Method;Door_Width_cm;Seating\r\n"
        f"{CAFE};01.03.2025;Ayşe;vor Ort;92,5;Ja\r\n"
        "\r\n"
        f"{ids['turkish']};02.03.2025;مريم;telefon;;nein\r\n"
    )
    report = import_audit_csv(engine, _write(tmp_path, text), actor=CONSOLE)
    assert len(report.audits) == 2
    with session_scope(engine, read_only=True) as session:
        assert current_facts(session, place_id=ids["cafe"])["door_width_cm"].value == 92.5
        assert current_facts(session, place_id=ids["turkish"])["seating"].auditor == "مريم"


def test_line_numbers_count_lines_inside_quoted_cells():
    rows, problems = parse_audit_csv('place,date,auditor,method,notes\nn/1,d,a,m,"a\nb\nc"\nn/2,d,a,m,x\n')
    assert problems == []
    assert [r.line for r in rows] == [2, 5]


def test_a_reference_in_several_areas_needs_an_area(db, tmp_path):
    engine, ids = db
    import_file(engine, path=MERGE_FIXTURE, area_name="Cut 2", actor=CONSOLE)
    path = _write(tmp_path, "place,date,auditor,method,seating\nnode/10,2025-01-02,Ayşe,desk,yes\n")
    with pytest.raises(AuditCsvError, match="several areas"):
        import_audit_csv(engine, path, actor=CONSOLE)
    with session_scope(engine, read_only=True) as session:
        cut = get_area(session, name="Cut").id
    report = import_audit_csv(engine, path, area_id=cut, actor=CONSOLE)
    assert report.audits[0].place_id == ids["school"]


def test_export_neutralises_formulas_keeps_names_and_round_trips_the_facts(db, tmp_path):
    engine, ids = db
    with session_scope(engine) as session:
        save_audit(
            session,
            place_id=ids["cafe"],
            expected_version=0,
            facts={
                "door_width_cm": 92.5,
                "staff_languages": "tr, ar",
                "opening_hours": "-nach Absprache",
                "step_count": 2,
            },
            auditor="@Ayşe",
            visit_date=date(2025, 3, 1),
            method="on_site",
            actor=CONSOLE,
        )
        save_audit(
            session,
            place_id=ids["manual"],
            expected_version=0,
            facts={"free_entry": "yes", "consumption_required": "no"},
            auditor="Bernd",
            visit_date=date(2025, 3, 2),
            method="desk",
            actor=CONSOLE,
        )
        data = export_audits(session, area_id=ids["neuss"], fmt="csv")
        doc = json.loads(export_audits(session, area_id=ids["neuss"], fmt="json"))
        before = {pid: current_facts(session, place_id=pid) for pid in (ids["cafe"], ids["manual"])}

    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    by_place = {r["place"]: r for r in rows}
    assert len(rows) == len(doc["places"]) and len(rows) > 80
    assert by_place[str(ids["manual"])]["name"] == "'=cmd()"
    assert by_place[str(ids["turkish"])]["name"] == "Çay Ocağı"
    cafe = by_place[CAFE]
    assert cafe["opening_hours"] == "'-nach Absprache"
    assert (cafe["door_width_cm"], cafe["staff_languages"], cafe["step_count"]) == ("92.5", "tr, ar", "2")
    assert by_place[str(ids["manual"])]["verdict_low_income"] == "open"
    assert set(GROUP_IDS) == {c.removeprefix("verdict_") for c in rows[0] if c.startswith("verdict_")}
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())

    manual = next(p for p in doc["places"] if p["id"] == ids["manual"])
    assert manual["name"] == "=cmd()" and manual["place"] == str(ids["manual"])
    assert manual["verdicts"]["low_income"]["status"] == "open"
    assert {r["fact"] for r in manual["verdicts"]["low_income"]["reasons"]} == {
        "free_entry",
        "consumption_required",
    }
    assert manual["verdicts"]["wheelchair"]["missing"]
    assert manual["facts"]["free_entry"] == {
        "value": "yes",
        "source": "audit",
        "checked_on": "2025-03-02",
        "auditor": "Bernd",
    }
    assert any(p["name"] == "Çay Ocağı" for p in doc["places"])

    # Fill in a new visit for the two audited rows and import the file as it is.
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        if row["place"] in (CAFE, str(ids["manual"])):
            row.update(date=TODAY.isoformat(), auditor="Clara", method="on_site")
        writer.writerow(row)
    report = import_audit_csv(engine, _write(tmp_path, "\ufeff" + out.getvalue(), name="export.csv"), actor=CONSOLE)
    assert sorted(a.place_id for a in report.audits) == sorted((ids["cafe"], ids["manual"]))
    with session_scope(engine, read_only=True) as session:
        after = {pid: current_facts(session, place_id=pid) for pid in (ids["cafe"], ids["manual"])}
    for pid, facts in before.items():
        assert {k: v.value for k, v in after[pid].items()} == {k: v.value for k, v in facts.items()}
        assert after[pid]["free_entry" if pid == ids["manual"] else "door_width_cm"].auditor == "Clara"


# ---------------------------------------------------------------- the command line


def run_cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "audits", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_imports_refuses_bad_files_and_exports(db, db_url, tmp_path):
    engine, _ = db
    good = _write(
        tmp_path, f"place,date,auditor,method,seating\n{CAFE},2025-01-02,Ayşe,on_site,yes\n", "good.csv"
    )
    bad = _write(
        tmp_path, f"place,date,auditor,method,seating\n{CAFE},2025-01-02,Ayşe,on_site,perhaps\n", "bad.csv"
    )
    before = read_all_rows(engine)
    result = run_cli(db_url, "import-csv", bad)
    assert result.returncode == 2
    assert "line 2, seating" in result.stderr and "Traceback" not in result.stderr
    assert read_all_rows(engine) == before

    result = run_cli(db_url, "import-csv", good, "--area", "Neuss", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["audits"] == 1

    result = run_cli(db_url, "import-csv", good, "--area", "Nowhere")
    assert result.returncode == 2 and "Nowhere" in result.stderr

    for fmt in ("csv", "xlsx", "json"):
        out = tmp_path / f"audits.{fmt}"
        result = run_cli(db_url, "export", "--area", "Neuss", "--format", fmt, "--out", out)
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 1000
    assert json.loads((tmp_path / "audits.json").read_text("utf-8"))["area"] == "Neuss"
    result = run_cli(db_url, "export", "--area", "Neuss", "--format", "xls", "--out", tmp_path / "x")
    assert result.returncode == 2


def test_rows_without_a_visit_are_skipped_only_when_they_change_nothing(db, tmp_path):
    engine, _ = db
    header = "place,name,date,auditor,method,entrance_step_free,seating\n"
    untouched = _write(tmp_path, header + f"{CAFE},Café am Bahnhof,,,,yes,\n{GARDEN},x,,,,,\n", "same.csv")
    with pytest.raises(AuditCsvError, match="no row with a visit"):
        import_audit_csv(engine, untouched, actor=CONSOLE)
    edited = _write(
        tmp_path,
        header + f"{CAFE},Café am Bahnhof,,,,no,\n{GARDEN},x,2025-02-03,Ayşe,desk,,yes\n",
        "edited.csv",
    )
    before = read_all_rows(engine)
    with pytest.raises(AuditCsvError) as caught:
        import_audit_csv(engine, edited, actor=CONSOLE)
    assert {(p.line, p.column) for p in caught.value.problems} == {(2, "date"), (2, "auditor"), (2, "method")}
    assert read_all_rows(engine) == before
