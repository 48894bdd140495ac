"""Audit storage on real SQLite and PostgreSQL with the Neuss extract: versions, conflicts,
OSM pre-fill, re-imports, history, re-audit dates and review states."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from accounts.auth import CONSOLE
from audits.errors import AuditConflict
from audits.store import (
    CURRENT,
    NOT_AUDITED,
    REAUDIT_DUE,
    audit_history,
    audit_status,
    current_audit_version,
    current_facts,
    list_audits,
    opening_hours_flag,
    place_verdicts,
    review_log,
    save_audit,
    set_review_state,
    verdicts_for_area,
)
from audits.vocabulary import NO, NOT_OPEN, OPEN, YES
from base.errors import InvalidInput
from catalogue.importer import import_file
from catalogue.store import find_place_by_ref, get_area
from storage.db import open_database, read_all_rows, session_scope

CAFE = "node/1046521003"  # Café am Bahnhof: wheelchair=yes
KITA = "node/1159080998"  # Kita "Die Wühlmäuse": wheelchair=no
WOMEN = "node/1363703995"  # Frauen pflegen Frauen: opening_hours=Mo-Fr 11:00-16:00, wheelchair=no
TODAY = date(2026, 11, 25)


@pytest.fixture
def neuss(db_url, extract_path):
    engine = open_database(db_url)
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    with session_scope(engine, read_only=True) as session:
        area_id = get_area(session, name="Neuss").id
        ids = {ref: find_place_by_ref(session, area_id=area_id, ref=ref).id for ref in (CAFE, KITA, WOMEN)}
    yield engine, area_id, ids
    engine.dispose()


def _save(engine, place_id, expected, facts, auditor="Ayşe Yılmaz", visit=TODAY, **kw):
    with session_scope(engine) as session:
        return save_audit(
            session,
            place_id=place_id,
            expected_version=expected,
            facts=facts,
            auditor=auditor,
            visit_date=visit,
            method=kw.pop("method", "on_site"),
            today=TODAY,
            **kw,
            actor=CONSOLE,
        )


def test_each_save_is_a_new_version_and_the_history_lists_changed_facts(neuss):
    engine, _, ids = neuss
    cafe = ids[CAFE]
    first = _save(
        engine,
        cafe,
        0,
        {"entrance_step_free": "ja", "door_width_cm": "85", "staff_languages": "de, tr"},
        group_participation=["wheelchair", "seniors"],
        notes="Begehung mit dem Seniorenbeirat",
    )
    assert (first.version, first.based_on_version, first.review_state) == (1, 0, "submitted")
    assert first.group_participation == ("wheelchair", "seniors")
    second = _save(
        engine, cafe, 1, {"door_width_cm": "95,5"}, auditor="Bernd Schulz", visit=TODAY, method="phone"
    )
    assert second.version == 2

    with session_scope(engine, read_only=True) as session:
        history = audit_history(session, place_id=cafe)
        facts = current_facts(session, place_id=cafe)
        assert current_audit_version(session, place_id=cafe) == 2
    assert [h.version for h in history] == [2, 1]  # newest first
    assert history[0].audit.auditor == "Bernd Schulz" and history[0].audit.method == "phone"
    assert [(c.fact_id, c.old, c.new) for c in history[0].changed] == [("door_width_cm", 85, 95.5)]
    # OSM already said wheelchair=yes: the audit confirmed it, it did not change it.
    changed_first = {c.fact_id: (c.old, c.new) for c in history[1].changed}
    assert changed_first == {"door_width_cm": (None, 85), "staff_languages": (None, ("de", "tr"))}
    assert "entrance_step_free" in history[1].recorded
    assert history[1].audit.notes == "Begehung mit dem Seniorenbeirat"
    assert facts["door_width_cm"].value == 95.5
    assert facts["door_width_cm"].auditor == "Bernd Schulz"
    assert facts["staff_languages"].value == ("de", "tr")
    assert facts["entrance_step_free"].source == "audit"


def test_a_stale_save_is_refused_with_what_changed_and_nothing_is_written(neuss):
    engine, _, ids = neuss
    cafe = ids[CAFE]
    _save(engine, cafe, 0, {"door_width_cm": 85}, auditor="Ayşe Yılmaz")
    # Both managers open the form at version 1; Bernd saves first.
    _save(engine, cafe, 1, {"door_width_cm": 95, "toilet_wheelchair": "yes"}, auditor="Bernd Schulz")
    before = read_all_rows(engine)
    with pytest.raises(AuditConflict) as caught:
        _save(engine, cafe, 1, {"door_width_cm": 80}, auditor="Clara Weiß")
    err = caught.value
    assert read_all_rows(engine) == before
    assert (err.expected, err.current) == (1, 2)
    assert [c.auditor for c in err.changes] == ["Bernd Schulz"]
    assert {(c.fact_id, c.old, c.new) for c in err.changes[0].changed} == {
        ("door_width_cm", 85, 95),
        ("toilet_wheelchair", None, YES),
    }
    for text in (err.en, err.message("de")):
        assert "Bernd Schulz" in text and "95" in text and "Café am Bahnhof" in text
    assert "Door width 85 cm → 95 cm" in err.en
    assert "Türbreite 85 cm → 95 cm" in err.de and "nichts gespeichert" in err.de
    # Reloaded at version 2, the same findings go in.
    assert _save(engine, cafe, 2, {"door_width_cm": 80}, auditor="Clara Weiß").version == 3


def test_two_saves_at_the_same_moment_exactly_one_wins(neuss):
    engine, _, ids = neuss
    kita = ids[KITA]
    barrier = threading.Barrier(2)
    results: list[object] = []

    def worker(name: str, width: int) -> None:
        barrier.wait()
        try:
            results.append(_save(engine, kita, 0, {"door_width_cm": width}, auditor=name))
        except AuditConflict as err:
            results.append(err)

    threads = [threading.Thread(target=worker, args=(n, w)) for n, w in (("A", 90), ("B", 100))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    conflicts = [r for r in results if isinstance(r, AuditConflict)]
    assert len(results) == 2 and len(conflicts) == 1
    with session_scope(engine, read_only=True) as session:
        audits = list_audits(session, place_id=kita)
        assert current_audit_version(session, place_id=kita) == 1
    assert len(audits) == 1
    assert conflicts[0].changes[0].auditor == audits[0].auditor


def test_osm_prefills_with_source_osm_and_an_audit_always_wins(neuss):
    engine, _, ids = neuss
    kita = ids[KITA]
    with session_scope(engine, read_only=True) as session:
        facts = current_facts(session, place_id=kita)
        verdicts = place_verdicts(session, place_id=kita)
    assert (facts["entrance_step_free"].value, facts["entrance_step_free"].source) == (NO, "osm")
    assert verdicts["wheelchair"].status == NOT_OPEN
    _save(
        engine,
        kita,
        0,
        {"entrance_step_free": "yes", "door_width_cm": 100, "toilet_wheelchair": "yes", "ramp": "unknown"},
    )
    with session_scope(engine, read_only=True) as session:
        facts = current_facts(session, place_id=kita)
        verdicts = place_verdicts(session, place_id=kita)
    assert (facts["entrance_step_free"].value, facts["entrance_step_free"].source) == (YES, "audit")
    assert facts["entrance_step_free"].checked_on == TODAY
    assert verdicts["wheelchair"].status == OPEN
    assert {r.fact_id for r in verdicts["wheelchair"].reasons} >= {"entrance_step_free", "door_width_cm"}


def test_a_reimport_never_touches_audited_facts_or_verdicts(neuss, extract_path):
    engine, area_id, ids = neuss
    _save(
        engine, ids[KITA], 0, {"entrance_step_free": "yes", "door_width_cm": 100, "toilet_wheelchair": "yes"}
    )
    with session_scope(engine, read_only=True) as session:
        facts = {pid: current_facts(session, place_id=pid) for pid in ids.values()}
        verdicts = verdicts_for_area(session, area_id=area_id)
        history = audit_history(session, place_id=ids[KITA])
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    with session_scope(engine, read_only=True) as session:
        assert {pid: current_facts(session, place_id=pid) for pid in ids.values()} == facts
        assert verdicts_for_area(session, area_id=area_id) == verdicts
        assert audit_history(session, place_id=ids[KITA]) == history
        assert current_audit_version(session, place_id=ids[KITA]) == 1


def test_area_verdicts_equal_the_single_place_verdicts(neuss):
    engine, area_id, ids = neuss
    _save(engine, ids[CAFE], 0, {"free_entry": "no", "consumption_required": "yes"})
    with session_scope(engine, read_only=True) as session:
        area = verdicts_for_area(session, area_id=area_id)
        assert len(area) > 50
        for pid in list(area)[:10] + list(ids.values()):
            assert area[pid] == place_verdicts(session, place_id=pid)
    assert area[ids[CAFE]]["low_income"].status == NOT_OPEN


def test_opening_hours_decide_evenings_and_weekends_unless_audited(neuss):
    engine, _, ids = neuss
    women = ids[WOMEN]
    with session_scope(engine, read_only=True) as session:
        facts = current_facts(session, place_id=women)
    assert facts["opening_hours"].value == "Mo-Fr 11:00-16:00"
    assert (facts["open_evenings"].value, facts["open_evenings"].source) == (NO, "osm")
    assert facts["open_weekends"].value == NO
    assert opening_hours_flag(facts) is None

    _save(engine, women, 0, {"open_evenings": "ja"})
    with session_scope(engine, read_only=True) as session:
        facts = current_facts(session, place_id=women)
    assert (facts["open_evenings"].value, facts["open_evenings"].source) == (YES, "audit")
    assert facts["open_weekends"].value == NO  # still from the parsed OSM hours

    _save(engine, women, 1, {"opening_hours": "nach Vereinbarung"})
    with session_scope(engine, read_only=True) as session:
        facts = current_facts(session, place_id=women)
    assert facts["opening_hours"].value == "nach Vereinbarung"  # kept as written
    flag = opening_hours_flag(facts)
    assert flag is not None and not flag.parses
    assert "open_weekends" not in facts  # unparsed hours decide nothing
    assert facts["open_evenings"].value == YES


def test_reaudit_is_due_when_the_newest_audit_is_older_than_24_months(neuss):
    engine, _, ids = neuss
    cafe, kita = ids[CAFE], ids[KITA]
    with session_scope(engine, read_only=True) as session:
        never = audit_status(session, place_id=cafe, today=TODAY)
    assert (never.last_checked, never.version, never.reaudit_due, never.state) == (
        None,
        0,
        False,
        NOT_AUDITED,
    )

    old = date(2024, 10, 24)  # 25 months before TODAY
    _save(engine, cafe, 0, {"seating": "yes"}, visit=old)
    _save(engine, kita, 0, {"seating": "yes"}, visit=date(2024, 12, 25))  # 23 months
    with session_scope(engine, read_only=True) as session:
        due = audit_status(session, place_id=cafe, today=TODAY)
        fresh = audit_status(session, place_id=kita, today=TODAY)
    assert (due.last_checked, due.reaudit_due, due.state) == (old, True, REAUDIT_DUE)
    assert (fresh.reaudit_due, fresh.state) == (False, CURRENT)

    _save(engine, cafe, 1, {"seating": "yes"}, visit=TODAY - timedelta(days=3))
    with session_scope(engine, read_only=True) as session:
        assert audit_status(session, place_id=cafe, today=TODAY).state == CURRENT


def test_review_states_follow_the_allowed_transitions_and_rejected_audits_do_not_count(neuss):
    engine, _, ids = neuss
    cafe = ids[CAFE]
    first = _save(engine, cafe, 0, {"door_width_cm": 95})
    second = _save(engine, cafe, 1, {"door_width_cm": 60}, auditor="Bernd Schulz")
    with session_scope(engine) as session:
        marked = set_review_state(
            session, audit_id=first.id, state="has_issues", reviewer="Leitung", note="Foto?", actor=CONSOLE
        )
        assert (marked.review_state, marked.reviewed_by) == ("has_issues", "Leitung")
        assert set_review_state(
            session, audit_id=first.id, state="approved", reviewer="Leitung", actor=CONSOLE
        ).review_state == ("approved")
        set_review_state(
            session, audit_id=second.id, state="rejected", reviewer="Leitung", note="falsch gemessen", actor=CONSOLE
        )
    before = read_all_rows(engine)
    for audit_id, state in ((first.id, "rejected"), (second.id, "approved"), (first.id, "submitted")):
        with pytest.raises(InvalidInput), session_scope(engine) as session:
            set_review_state(session, audit_id=audit_id, state=state, reviewer="Leitung", actor=CONSOLE)
    assert read_all_rows(engine) == before
    with session_scope(engine, read_only=True) as session:
        facts = current_facts(session, place_id=cafe)
        log = review_log(session, audit_id=first.id)
        history = audit_history(session, place_id=cafe)
    assert facts["door_width_cm"].value == 95  # the rejected 60 does not count
    assert [(e.state, e.note) for e in log] == [("has_issues", "Foto?"), ("approved", "")]
    assert [h.audit.review_state for h in history] == ["rejected", "approved"]


def test_invalid_audits_name_every_bad_value_and_write_nothing(neuss):
    engine, _, ids = neuss
    before = read_all_rows(engine)
    with pytest.raises(InvalidInput) as caught:
        _save(
            engine,
            ids[CAFE],
            0,
            {"door_width_cm": "abc", "entrance_step_free": "vielleicht", "seating": "ja"},
        )
    assert "Door width" in caught.value.en and "Step-free entrance" in caught.value.en
    assert "Türbreite" in caught.value.de
    bad_meta = [
        {"visit": TODAY + timedelta(days=1)},
        {"visit": date(1999, 12, 31)},
        {"auditor": "  "},
        {"auditor": "Ayşe\nYılmaz"},
        {"method": "telepathy"},
        {"group_participation": ["aliens"]},
    ]
    for kw in bad_meta:
        with pytest.raises(InvalidInput):
            _save(engine, ids[CAFE], 0, {"seating": "yes"}, **kw)
    with pytest.raises(InvalidInput):
        _save(engine, ids[CAFE], 0, {"seating": ""})  # nothing recorded
    assert read_all_rows(engine) == before
