"""``python -m audits coverage`` and ``python -m audits worklist`` on the Neuss extract, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from accounts.auth import CONSOLE
from audits.store import save_audit
from catalogue.importer import import_file
from catalogue.store import find_place_by_ref, get_area
from storage.db import open_database, session_scope

ROOT = Path(__file__).resolve().parents[2]
CAFE = "node/1046521003"  # Café am Bahnhof
ITEM_KEYS = {"place", "osm_ref", "category", "score", "units", "reason"}


def run_audits(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "audits", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.fixture(scope="module")
def neuss_url(tmp_path_factory, extract_path) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('coverage') / 'atlas.db'}"
    engine = open_database(url)
    try:
        import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
        with session_scope(engine) as session:
            area_id = get_area(session, name="Neuss").id
            cafe = find_place_by_ref(session, area_id=area_id, ref=CAFE).id
            save_audit(
                session, actor=CONSOLE, place_id=cafe, expected_version=0,
                facts={"entrance_step_free": "yes", "door_width_cm": 95, "toilet_wheelchair": "yes"},
                auditor="Ayşe Yılmaz", visit_date=date(2022, 5, 2), method="on_site",
            )  # fmt: skip
    finally:
        engine.dispose()
    return url


def test_coverage_json(neuss_url):
    done = run_audits(neuss_url, "coverage", "--area", "Neuss", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"area", "places", "audited", "never_audited", "reaudit_due", "groups", "categories"}
    assert data["area"] == "Neuss" and data["audited"] == 1 and data["reaudit_due"] == 1
    assert data["never_audited"] == data["places"] - 1
    wheel = data["groups"]["wheelchair"]
    assert set(wheel) == {"places", "definite", "definite_share", "unknown", "by_source"}
    assert set(wheel["by_source"]) == {"audit", "osm", "presumption", "suggestion"}
    assert wheel["by_source"]["audit"] == 1 and wheel["definite"] + wheel["unknown"] == wheel["places"]
    assert data["categories"]["cafe"]["reaudit_due"] == 1
    assert set(data["categories"]["cafe"]) == {"places", "audited", "reaudit_due", "groups"}

    text = run_audits(neuss_url, "coverage", "--area", "Neuss")
    assert text.returncode == 0 and "wheelchair" in text.stdout and "1 due for a re-audit" in text.stdout


def test_worklist_json(neuss_url):
    done = run_audits(neuss_url, "worklist", "--area", "Neuss", "--group", "wheelchair", "--limit", "5", "--json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    assert 0 < len(items) <= 5
    assert all(set(item) == ITEM_KEYS for item in items)
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    assert all(i["score"] > 0 and i["reason"].startswith(f"would decide {i['units']} hexagon") for i in items)
    assert CAFE not in {i["osm_ref"] for i in items}  # audited: its wheelchair verdict is known

    several = run_audits(neuss_url, "worklist", "--area", "Neuss", "--group", "wheelchair", "--group", "prams,children", "--json")
    assert several.returncode == 0, several.stderr
    assert len(json.loads(several.stdout)) == 20  # the default limit
    text = run_audits(neuss_url, "worklist", "--area", "Neuss", "--group", "prams", "--limit", "3")
    assert text.returncode == 0 and "  1. " in text.stdout and "would decide" in text.stdout


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("worklist", "--area", "Nowhere", "--group", "wheelchair"), "No area"),
        (("worklist", "--area", "Neuss", "--group", "martians"), "martians"),
        (("worklist", "--area", "Neuss"), "--group"),
        (("worklist", "--area", "Neuss", "--group", "prams", "--limit", "0"), "at least 1"),
        (("worklist", "--area", "Neuss", "--group", "prams", "--minutes", "0"), "time limit"),
        (("coverage", "--area", "Nowhere"), "No area"),
    ],
)
def test_bad_input_exits_2_with_a_message(neuss_url, args, text):
    done = run_audits(neuss_url, *args)
    assert done.returncode == 2, done.stderr
    assert text in done.stderr and "Traceback" not in done.stderr
