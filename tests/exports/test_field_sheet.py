"""Field sheets: the PDF renders page by page, prints every column id of the chosen groups, and
what is printed goes back through the audit CSV import without any mapping."""

from __future__ import annotations

import csv
import dataclasses
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from accounts.auth import CONSOLE
from audits.csv_io import import_audit_csv
from audits.rules import rule_fact_ids
from audits.store import METHOD_LABELS, current_facts, validate_method
from audits.vocabulary import (
    FACT_BY_ID,
    LANGUAGES,
    NUMBER,
    OPENING_HOURS,
    STATUS_LABELS,
    STATUS_VALUES,
    facts_for_group,
    validate_fact_value,
)
from base.errors import InvalidInput
from base.i18n import t
from catalogue.categories import category_label
from catalogue.importer import import_file
from catalogue.store import get_area, load_basemap, load_network, load_places
from exports.field_sheet import SHEET_LANGUAGES, SHEET_METHODS, build_field_sheet_pdf, sheet_columns
from storage.db import open_database, session_scope
from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]
GROUPS = ("wheelchair", "children")
PAGES_PER_PLACE = 2  # wheelchair + children in German: the checklist runs onto a second page


def _tool(name: str) -> str:
    path = shutil.which(name)
    need(path is not None, f"{name} not found (apt-get install poppler-utils)")
    assert path is not None
    return path


def _pdftotext(pdf: Path) -> list[str]:
    """The text of every page, in reading order."""
    out = subprocess.run([_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


@pytest.fixture(scope="module")
def neuss(tmp_path_factory, extract_path):
    """Neuss imported once; the sheets of a named and an unnamed place written by the CLI."""
    tmp = tmp_path_factory.mktemp("sheet")
    url = f"sqlite:///{tmp / 'atlas.db'}"
    engine = open_database(url)
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name="Neuss")
        places = load_places(session, area_id=area.id)
    named = next(p for p in places if p.name and p.address and p.ref)
    unnamed = next(p for p in places if not p.name and p.ref)
    pdf = tmp / "sheets.pdf"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "audits", "field-sheet", "--area", "Neuss", "--place", named.ref,
         "--place", str(unnamed.id), "--group", "wheelchair,children", "--out", str(pdf)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    yield engine, area, named, unnamed, pdf
    engine.dispose()


def _expected_ids(groups: tuple[str, ...]) -> set[str]:
    ids: set[str] = set()
    for group in groups:
        ids.update(rule_fact_ids(group))
        ids.update(f.id for f in facts_for_group(group))
    return ids


def _printed_header(pages: list[str]) -> list[str]:
    """The CSV header of the transfer block, joined again where the sheet wrapped it."""
    lines = "\n".join(pages).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("place,date,auditor,method,"))
    text = lines[start]
    while text.endswith(","):
        start += 1
        text += lines[start]
    return text.split(",")


def test_pdf_has_a4_pages_that_pdftoppm_renders(neuss, tmp_path):
    *_, pdf = neuss
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 2 * PAGES_PER_PLACE
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box is not None
    assert float(box.group(1)) == pytest.approx(595.3, abs=1) and float(box.group(2)) == pytest.approx(841.9, abs=1)
    done = subprocess.run(
        [_tool("pdftoppm"), "-r", "50", "-png", str(pdf), str(tmp_path / "page")], capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == 2 * PAGES_PER_PLACE
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 5000 for p in pngs)


def test_sheet_prints_place_every_column_id_and_the_csv_header(neuss):
    _, _, named, unnamed, pdf = neuss
    pages = _pdftotext(pdf)
    first, second = pages[:PAGES_PER_PLACE], pages[PAGES_PER_PLACE:]
    text = "\n".join(first)
    assert named.name in text and named.address in text and named.ref in text
    assert unnamed.label("de") in "\n".join(second) and unnamed.label("de").startswith(category_label(unnamed.category, "de") + ", ")
    ids = _expected_ids(GROUPS)
    for sheet in (first, second):
        lines = {line.strip() for line in "\n".join(sheet).splitlines()}
        assert ids <= lines  # every fact's column id on a line of its own, below its question
        assert _printed_header(sheet) == list(sheet_columns(GROUPS))
    assert set(sheet_columns(GROUPS)) == {"place", "date", "auditor", "method", "notes", *ids}
    # The words to tick are the words the import takes.
    for word in ("ja", "eingeschränkt", "nein", "unbekannt", "entfällt", "vor Ort", "telefonisch"):
        assert word in text


@pytest.mark.parametrize("lang", SHEET_LANGUAGES)
def test_printed_value_words_are_read_back_by_the_import(lang):
    for status in STATUS_VALUES:
        assert validate_fact_value("ramp", t(STATUS_LABELS[status], lang)) == status
    for method in SHEET_METHODS:
        assert validate_method(t(METHOD_LABELS[method], lang)) == method


def _value(fact_id: str) -> str:
    special = {"door_width_cm": "92", "ramp_slope_percent": "5", "step_count": "2"}
    fact = FACT_BY_ID[fact_id]
    if fact_id in special:
        return special[fact_id]
    if fact.kind == NUMBER:
        return str(int(fact.minimum or 0) + 1)
    if fact.kind == LANGUAGES:
        return "de, tr"
    if fact.kind == OPENING_HOURS:
        return "Mo-Fr 14:00-18:00"
    return "ja"


def test_printed_columns_round_trip_through_import_csv(neuss, tmp_path):
    engine, area, named, unnamed, pdf = neuss
    pages = _pdftotext(pdf)
    rows = []
    for place, sheet in ((named, pages[:PAGES_PER_PLACE]), (unnamed, pages[PAGES_PER_PLACE:])):
        header = _printed_header(sheet)
        prefix = t("This place's row starts with: {place}", "de", place="")
        starts = re.search(re.escape(prefix) + r"(\S+)", "\n".join(sheet))
        assert starts is not None and starts.group(1) == place.ref
        cells = {"place": starts.group(1), "date": date.today().isoformat(), "auditor": "Anna Prüferin",
                 "method": "vor Ort", "notes": "vom Feldbogen"}  # fmt: skip
        rows.append((place, header, [cells.get(col) or _value(col) for col in header]))
    out = tmp_path / "from_sheets.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(rows[0][1])
        for _, header, values in rows:
            assert header == rows[0][1]
            writer.writerow(values)
    report = import_audit_csv(engine, out, actor=CONSOLE, area_id=area.id)
    assert report.rows == 2
    with session_scope(engine, read_only=True) as session:
        for place, header, values in rows:
            facts = current_facts(session, place_id=place.id)
            for column, cell in zip(header, values, strict=True):
                if column in FACT_BY_ID:
                    assert facts[column].source == "audit", column
                    assert facts[column].value == validate_fact_value(column, cell), column


def test_hostile_name_prints_literally(neuss, tmp_path):
    engine, area, named, _, _ = neuss
    hostile = "{{ 7*7 }} $\\alpha$ <b>x</b> {name} %s"
    place = dataclasses.replace(named, name=hostile, tags={**named.tags, "addr:street": "$x^2$ {0}"})
    with session_scope(engine, read_only=True) as session:
        network = load_network(session, area_id=area.id)
        basemap = load_basemap(session, area_id=area.id)
    data = build_field_sheet_pdf(places=[place], groups=["wheelchair"], network=network, basemap=basemap, lang="en")
    pdf = tmp_path / "hostile.pdf"
    pdf.write_bytes(data)
    text = "\n".join(_pdftotext(pdf))
    assert hostile in text.replace("\n", " ") and "$x^2$ {0}" in text
    assert "Visit date" in text and "Transfer to the spreadsheet" in text


def test_bad_choices_are_refused(neuss):
    _, _, named, _, _ = neuss
    with pytest.raises(InvalidInput):
        build_field_sheet_pdf(places=[named], groups=["wheelchair"], network=None, basemap=None, lang="tr")
    with pytest.raises(InvalidInput):
        build_field_sheet_pdf(places=[named], groups=["nobody"], network=None, basemap=None)
    with pytest.raises(InvalidInput):
        build_field_sheet_pdf(places=[], groups=["wheelchair"], network=None, basemap=None)
