"""Opening hours: evenings, weekends and afternoons read over fixed reference weeks."""

from __future__ import annotations

import pytest

from audits.hours import analyse_opening_hours, derived_hour_facts

CASES = [
    # raw, afternoons, evenings, weekends
    ("24/7", True, True, True),
    ("Mo-Fr 08:00-16:00", True, False, False),
    ("Mo-Fr 10:00-20:00; Sa 10:00-14:00", True, True, True),
    ("Mo-Fr 08:00-18:00", True, False, False),  # closing at 18:00 sharp is not the evening
    ("Mo-Fr 08:00-13:00", False, False, False),
    ("Su 10:00-12:00", False, False, True),
    ("Tu 17:00-21:00", True, True, False),
    # Friday night past midnight is no weekend opening; Saturday night is.
    ("Fr 20:00-02:00", False, True, False),
    ("Sa 20:00-02:00", False, True, True),
    # Holidays never count: no country is given, so the rule does not depend on the calendar.
    ("Mo-Fr 10:00-18:00; PH off", True, False, False),
    ("Mo-Fr 10:00-18:00; Sa,Su off", True, False, False),
    # Summer-only hours still count.
    ("Jul-Aug Mo-Fr 10:00-22:00", True, True, False),
    ("off", False, False, False),
    # "unknown" states leave the answer open instead of saying no.
    ("Mo-Fr 10:00-18:00 unknown", None, False, False),
    ('Mo-Fr 10:00-18:00; Sa 10:00-14:00 "nach Vereinbarung"', True, False, True),
]


@pytest.mark.parametrize(("raw", "afternoons", "evenings", "weekends"), CASES)
def test_opening_hours_are_read(raw, afternoons, evenings, weekends):
    info = analyse_opening_hours(raw)
    assert info.parses and info.error is None and info.raw == raw
    assert (info.open_afternoons, info.open_evenings, info.open_weekends) == (afternoons, evenings, weekends)


@pytest.mark.parametrize("raw", ["nach Vereinbarung", "Mo-Fr 25:00-26:00", "mo-fr 10-18", "", "   "])
def test_garbage_is_kept_raw_and_flagged(raw):
    info = analyse_opening_hours(raw)
    assert not info.parses and info.error and info.raw == raw
    assert (info.open_evenings, info.open_weekends) == (None, None)
    assert derived_hour_facts(raw) == {}


def test_derived_facts_carry_source_and_raw():
    derived = derived_hour_facts("Mo-Fr 10:00-20:00")
    assert {k: v.value for k, v in derived.items()} == {
        "open_afternoons": "yes",
        "open_evenings": "yes",
        "open_weekends": "no",
    }
    assert {v.source for v in derived.values()} == {"osm"}
    assert {v.raw for v in derived.values()} == {"Mo-Fr 10:00-20:00"}
    assert derived_hour_facts("Mo-Fr 10:00-20:00", source="audit")["open_evenings"].source == "audit"


def test_unknown_windows_are_not_derived():
    assert "open_afternoons" not in derived_hour_facts("Mo-Fr 10:00-18:00 unknown")
