"""CSV and XLSX exports opened by a real spreadsheet (LibreOffice headless): no cell runs as a
formula, hostile text survives literally, German/Turkish/Arabic names round-trip."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from accounts.auth import CONSOLE
from audits.store import save_audit
from base.cells import neutralise_csv_cell, unneutralise_csv_cell
from catalogue.store import add_manual_place, get_area, load_places
from exports.audits import export_audits
from exports.gaps import ANCHOR_COLUMNS, export_gaps, export_gaps_bytes, format_for_path
from exports.places import COLUMNS, export_places, export_places_bytes
from exports.tabular import csv_bytes, write_atomic
from gaps.service import AnchorRow, GapReport, GapRequest
from storage.db import open_database, session_scope
from storage.models_catalogue import Area
from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]
BBOX = (6.6, 51.1, 6.8, 51.3)
# Names a resident or OSM mapper could give a place (they pass the text check).
HOSTILE_NAMES = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    '=HYPERLINK("http://example.org/x";"klick")',
    "\uff1d1+1",  # full-width equals sign
    "\uff0b1+1",
    "\uff0d1+1",
    "\uff20SUM(1+1)",
    ";=1+1",
    ",=1+1",
    "x;=1+1",
    "'=1+1",
]
WORLD_NAMES = ["Grün & Co", "Çay Ocağı", "مقهى الحي", "Кав'ярня «Зустріч»"]
# Cells only a raw table can hold (names refuse controls and lose leading spaces).
RAW_CELLS = [" =1+1", "  +1+1", "\t=1+1", "\r=1+1", "\n=1+1", "\u3000=1+1", "\u00a0@SUM(1+1)", "\t", "a\n=1+1"]


@pytest.fixture
def soffice(tmp_path):
    """Convert files with LibreOffice headless, with a private profile for this test."""
    exe = shutil.which("soffice")
    need(exe is not None, "LibreOffice not found (apt-get install libreoffice-calc-nogui)")
    profile = tmp_path / "lo-profile"

    def convert(files: list[Path], to: str, outdir: Path, infilter: str | None = None) -> list[Path]:
        args = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
        if infilter:
            args.append(f"--infilter={infilter}")
        args += ["--convert-to", to, "--outdir", str(outdir), *map(str, files)]
        done = subprocess.run(args, capture_output=True, text=True, timeout=300)
        ext = to.split(":")[0]
        outs = [outdir / (f.stem + "." + ext) for f in files]
        assert done.returncode == 0 and all(o.exists() for o in outs), done.stdout + done.stderr
        return outs

    return convert


# comma, double quote, UTF-8, from line 1, default cell formats, language default, quoted fields
# NOT forced to text, detect special numbers, …, evaluate formulas: a spreadsheet at its most eager.
CSV_COMMA = "CSV:44,34,76,1,,0,false,true,true,false,false,0,true"
CSV_SEMICOLON = "CSV:59,34,76,1,,0,false,true,true,false,false,0,true"  # as a German Excel splits


@pytest.fixture
def atlas(db_url):
    engine = open_database(db_url)
    with session_scope(engine) as session:
        session.add(Area(name="Q", west=BBOX[0], south=BBOX[1], east=BBOX[2], north=BBOX[3], source="t"))
    with session_scope(engine) as session:
        area = get_area(session, name="Q")
        for i, name in enumerate([*HOSTILE_NAMES, *WORLD_NAMES]):
            place = add_manual_place(session, actor=CONSOLE, area_id=area.id, name=name, category="cafe",
                                     lon=6.7 + i / 1000, lat=51.2)  # fmt: skip
            if i == 0:
                save_audit(session, actor=CONSOLE, place_id=place.id, expected_version=0,
                           facts={"opening_hours": "=1+1", "door_width_cm": 90}, auditor="=Ayşe",
                           visit_date=date.today(), method="on_site")  # fmt: skip
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name="Q")
        places = load_places(session, area_id=area.id)
        audits = {fmt: export_audits(session, area_id=area.id, fmt=fmt) for fmt in ("csv", "xlsx")}
    yield places, audits
    engine.dispose()


def _gap_report() -> GapReport:
    rows = [
        AnchorRow(place_id=i, name=name, kind="school", osm_ref=f"node/{i}", lon=6.7, lat=51.2,
                  school_form="=1+1", social_index=7, startchancen=True, official_name=name,
                  nearest_place_id=1, nearest_place="@SUM(1+1)", nearest_ref="node/1", nearest_m=120.5,
                  nearest_minutes=1.5, unit_count=3, underserved_share=0.25, unknown_share=0.0)  # fmt: skip
        for i, name in enumerate([*HOSTILE_NAMES, *WORLD_NAMES], start=1)
    ]
    return GapReport(request=GapRequest(group="all"), result=None, anchors=rows, places=[],  # type: ignore[arg-type]
                     anchor_places=[], seconds=0.0)  # fmt: skip


def _cells(xlsx: Path) -> list[list[openpyxl.cell.cell.Cell]]:
    book = openpyxl.load_workbook(xlsx)  # formulas are kept as formulas (not data_only)
    return [list(row) for ws in book.worksheets for row in ws.iter_rows()]


def _assert_no_formula(xlsx: Path) -> list[str]:
    cells = _cells(xlsx)
    formulas = [c.coordinate for row in cells for c in row if c.data_type == "f"]
    assert formulas == [], f"{xlsx.name}: formulas at {formulas}"
    return [c.value for row in cells for c in row if isinstance(c.value, str)]


def _literal(texts: list[str], expected: str) -> bool:
    """``expected`` is there as text (a leading ' is the spreadsheet's text marker)."""
    return any(t == expected or t == "'" + expected or unneutralise_csv_cell(t) == expected for t in texts)


def test_csv_guard_covers_owasp_and_full_width_and_separators():
    for cell in [*HOSTILE_NAMES, *RAW_CELLS]:
        guarded = neutralise_csv_cell(cell)
        assert guarded != cell and unneutralise_csv_cell(guarded) == cell, cell
    for cell in ["Grün & Co", "a=b", "Mo-Fr 08:00-18:00; Sa 10:00-14:00", "de, tr", "E-Mail", ""]:
        assert neutralise_csv_cell(cell) == cell
    assert neutralise_csv_cell("x;=1+1") == "x;'=1+1"  # a new cell after ; starts as text too


def test_csv_exports_open_as_text_in_libreoffice(atlas, tmp_path, soffice):
    places, audits = atlas
    files = tmp_path / "csv"
    files.mkdir()
    places_csv = export_places(places, fmt="csv", out=files / "places.csv")
    audits_csv = write_atomic(files / "audits.csv", audits["csv"])
    gaps_csv = export_gaps(_gap_report(), out=files / "gaps.csv", area_name="Q")
    raw_csv = write_atomic(files / "raw.csv", csv_bytes(["cell"], [[c] for c in RAW_CELLS]))
    # The harness itself: an unguarded cell IS evaluated by LibreOffice.
    control = files / "control.csv"
    control.write_text("cell\n=1+1\n", encoding="utf-8")
    exports = [places_csv, audits_csv, gaps_csv, raw_csv]
    comma = soffice([*exports, control], "xlsx", tmp_path / "comma", infilter=CSV_COMMA)
    assert any(c.data_type == "f" for row in _cells(comma[-1]) for c in row)
    texts = {path.stem: _assert_no_formula(path) for path in comma[:-1]}
    for name in [*HOSTILE_NAMES, *WORLD_NAMES]:
        assert _literal(texts["places"], name) and _literal(texts["audits"], name), name
        assert _literal(texts["gaps"], name), name
    assert _literal(texts["audits"], "=Ayşe") or _literal(texts["audits"], "=1+1")
    for cell in RAW_CELLS:
        assert _literal(texts["raw"], cell) or _literal(texts["raw"], cell.replace("\r", "\n")), repr(cell)
    # The same files split at ";" (how a German Excel reads them): still no formula anywhere.
    for path in soffice(exports, "xlsx", tmp_path / "semicolon", infilter=CSV_SEMICOLON):
        _assert_no_formula(path)


def test_xlsx_exports_keep_text_as_strings_and_round_trip(atlas, tmp_path, soffice):
    places, audits = atlas
    files = tmp_path / "xlsx"
    files.mkdir()
    places_x = export_places(places, fmt="xlsx", out=files / "places.xlsx")
    assert export_places_bytes(places, fmt="xlsx")[:2] == b"PK"
    audits_x = write_atomic(files / "audits.xlsx", audits["xlsx"])
    assert format_for_path("gaps.xlsx") == "xlsx"
    gaps_x = export_gaps(_gap_report(), out=files / "gaps.xlsx", area_name="Q")
    assert export_gaps_bytes(_gap_report(), fmt="xlsx", area_name="Q")[:2] == b"PK"
    for path, header in ((places_x, COLUMNS), (audits_x, None), (gaps_x, ANCHOR_COLUMNS)):
        rows = _cells(path)
        if header is not None:
            assert tuple(c.value for c in rows[0]) == header
        texts = _assert_no_formula(path)
        for cell in (c for row in rows for c in row if isinstance(c.value, str)):
            assert cell.data_type == "s"
        for name in [*HOSTILE_NAMES, *WORLD_NAMES]:
            assert name in texts, (path.name, name)  # verbatim: no ' needed in a string cell
    place_rows = _cells(places_x)
    lon = place_rows[0].index(next(c for c in place_rows[0] if c.value == "lon"))
    assert all(isinstance(row[lon].value, float) for row in place_rows[1:])  # numbers stay numbers
    # LibreOffice reads the XLSX and writes CSV: what it shows is the literal text, never a result.
    outs = soffice([places_x, audits_x, gaps_x], "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "back")
    for out in outs:
        values = [v for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8"))) for v in row]
        for name in [*HOSTILE_NAMES, *WORLD_NAMES]:
            assert name in values, (out.name, name)


def test_export_clis_write_xlsx(atlas, db_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    for module, extra in (("catalogue", []), ("audits", [])):
        out = tmp_path / f"{module}.xlsx"
        done = subprocess.run([sys.executable, "-m", module, "export", "--area", "Q", "--format", "xlsx",
                               "--out", str(out), *extra], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        texts = _assert_no_formula(out)
        assert "مقهى الحي" in texts and "=1+1" in texts
        assert not list(tmp_path.glob(".*.part*"))


def test_exports_are_written_atomically(tmp_path):
    out = tmp_path / "places.csv"
    out.write_bytes(b"old")

    def fail(path: Path) -> None:
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomic(out, fail)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["places.csv"]
    write_atomic(out, b"new")
    assert out.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["places.csv"]
