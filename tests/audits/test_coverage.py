"""Audit coverage: definite verdicts and their basis per group and category, audits due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.auth import CONSOLE
from audits.coverage import BASIS_ORDER, compute_coverage, load_coverage, place_basis, verdict_basis
from audits.rules import evaluate_all
from audits.store import AuditStatus, PlaceAudits, load_area_audits, save_audit
from audits.vocabulary import GROUP_IDS, FactValue
from catalogue.importer import import_file
from catalogue.store import PlaceInfo, find_place_by_ref, get_area
from storage.db import open_database, session_scope

NOW = datetime(2026, 11, 25, tzinfo=UTC)
TODAY = NOW.date()


def info(pid: int, category: str, status: str = "active") -> PlaceInfo:
    return PlaceInfo(
        id=pid, area_id=1, osm_type="node", osm_id=pid, name=f"Ort {pid}", category=category,
        lon=6.69, lat=51.19, geometry_wkt=None, tags={}, origin="osm", status=status,
        missing_since=None, last_seen_at=NOW, updated_at=NOW, version=1,
    )  # fmt: skip


def audits_for(pid: int, facts: dict[str, tuple[object, str]], last_checked: date | None = None) -> PlaceAudits:
    values = {f: FactValue(v, source=s) for f, (v, s) in facts.items()}
    due = last_checked is not None and last_checked < TODAY - timedelta(days=2 * 365 + 1)
    return PlaceAudits(pid, values, evaluate_all(values), AuditStatus(last_checked, 1 if last_checked else 0, due))


WHEELCHAIR_OPEN = {"entrance_step_free": "yes", "door_width_cm": 95, "toilet_wheelchair": "yes"}


def test_basis_is_the_weakest_source_of_the_reasons():
    audited = audits_for(1, {f: (v, "audit") for f, v in WHEELCHAIR_OPEN.items()})
    mixed = audits_for(2, {"entrance_step_free": ("yes", "audit"), "door_width_cm": (95, "osm"),
                           "toilet_wheelchair": ("yes", "presumption")})  # fmt: skip
    # Steps (OSM) shut wheelchair users out; the audited door is no reason of that verdict.
    steps = audits_for(3, {"entrance_step_free": ("no", "osm"), "door_width_cm": (95, "audit")})
    suggested = audits_for(4, {f: (v, "suggestion") for f, v in WHEELCHAIR_OPEN.items()} | {"door_width_cm": (95, "audit")})
    nothing = audits_for(5, {})
    assert [place_basis(a, "wheelchair") for a in (audited, mixed, steps, suggested, nothing)] == [
        "audit", "presumption", "osm", "suggestion", "unknown",
    ]  # fmt: skip
    assert steps.verdicts["wheelchair"].status == "not_open"
    assert verdict_basis(nothing.verdicts["wheelchair"]) is None
    assert place_basis(None, "wheelchair") == "unknown"
    assert BASIS_ORDER == ("presumption", "osm", "suggestion", "audit")


def test_counts_per_group_and_category():
    places = [info(1, "cafe"), info(2, "cafe"), info(3, "library_culture"), info(4, "library_culture"),
              info(5, "playground"), info(6, "cafe", status="closed")]  # fmt: skip
    audits = {
        1: audits_for(1, {f: (v, "audit") for f, v in WHEELCHAIR_OPEN.items()}, TODAY - timedelta(days=30)),
        2: audits_for(2, {"entrance_step_free": ("no", "osm")}),
        3: audits_for(3, {"free_entry": ("yes", "audit"), "consumption_required": ("no", "audit")},
                      TODAY - timedelta(days=3 * 365)),  # fmt: skip
        4: audits_for(4, {}),
        # 5 has no entry at all: never audited, every verdict unknown
        6: audits_for(6, {f: (v, "audit") for f, v in WHEELCHAIR_OPEN.items()}, TODAY),
    }
    cov = compute_coverage(places, audits, area="Testviertel")
    assert (cov.places, cov.audited, cov.never_audited, cov.reaudit_due) == (5, 2, 3, 1)
    wheel = cov.groups["wheelchair"]
    assert (wheel.places, wheel.definite, wheel.unknown) == (5, 2, 3)
    assert wheel.by_source == {"presumption": 0, "osm": 1, "suggestion": 0, "audit": 1}
    assert wheel.definite_share == pytest.approx(0.4)
    low_income = cov.groups["low_income"]
    assert (low_income.definite, low_income.by_source["audit"]) == (1, 1)
    assert list(cov.categories) == ["library_culture", "playground", "cafe"]  # table order
    cafe = cov.categories["cafe"]
    assert (cafe.places, cafe.audited, cafe.reaudit_due) == (2, 1, 0)
    assert cafe.groups["wheelchair"].definite == 2
    assert cov.categories["library_culture"].reaudit_due == 1

    data = cov.to_json_dict()
    assert set(data) == {"area", "places", "audited", "never_audited", "reaudit_due", "groups", "categories"}
    assert set(data["groups"]) == set(GROUP_IDS)
    assert data["groups"]["wheelchair"] == {
        "places": 5, "definite": 2, "definite_share": 0.4, "unknown": 3,
        "by_source": {"presumption": 0, "osm": 1, "suggestion": 0, "audit": 1},
    }  # fmt: skip
    assert set(data["categories"]["cafe"]) == {"places", "audited", "reaudit_due", "groups"}


def test_empty_area():
    cov = compute_coverage([], {}, area="leer")
    assert cov.places == 0 and cov.categories == {}
    assert cov.groups["wheelchair"].definite_share is None
    assert cov.to_json_dict()["groups"]["wheelchair"]["definite_share"] is None


CAFE = "node/1046521003"  # Café am Bahnhof: wheelchair=yes in OSM
KITA = "node/1159080998"  # Kita "Die Wühlmäuse"


def test_coverage_of_a_real_area_shows_audits_and_what_is_due(db_url, extract_path):
    engine = open_database(db_url)
    try:
        import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
        with session_scope(engine, read_only=True) as session:
            area_id = get_area(session, name="Neuss").id
            cafe = find_place_by_ref(session, area_id=area_id, ref=CAFE).id
            kita = find_place_by_ref(session, area_id=area_id, ref=KITA).id
            before = load_coverage(session, area_id=area_id, today=TODAY)
        assert before.audited == 0 and before.never_audited == before.places > 50
        assert before.groups["wheelchair"].by_source["audit"] == 0
        for place_id, visit in ((cafe, TODAY), (kita, TODAY - timedelta(days=3 * 365))):
            with session_scope(engine) as session:
                save_audit(
                    session, actor=CONSOLE, place_id=place_id, expected_version=0,
                    facts=WHEELCHAIR_OPEN, auditor="Ayşe Yılmaz", visit_date=visit, method="on_site", today=TODAY,
                )  # fmt: skip
        with session_scope(engine, read_only=True) as session:
            after = load_coverage(session, area_id=area_id, today=TODAY)
            audits = load_area_audits(session, area_id=area_id, today=TODAY)
    finally:
        engine.dispose()
    assert place_basis(audits[cafe], "wheelchair") == "audit"
    assert (after.audited, after.never_audited, after.reaudit_due) == (2, before.places - 2, 1)
    wheel = after.groups["wheelchair"]
    assert wheel.by_source["audit"] == before.groups["wheelchair"].by_source["audit"] + 2
    assert after.categories["kita"].reaudit_due == 1 and after.categories["cafe"].reaudit_due == 0
    assert after.area == "Neuss"
