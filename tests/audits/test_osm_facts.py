"""OSM tags pre-fill facts; messy values are normalised or flagged, never guessed."""

from __future__ import annotations

import pytest

from audits.osm_facts import TAG_RULES, facts_from_osm_tags, merge_facts, read_osm_tags
from audits.rules import evaluate
from audits.vocabulary import FACTS, FactValue

NORMALISED = [
    ({"wheelchair": "yes"}, "entrance_step_free", "yes"),
    ({"wheelchair": "yes "}, "entrance_step_free", "yes"),
    ({"wheelchair": "Yes"}, "entrance_step_free", "yes"),
    ({"wheelchair": "designated"}, "entrance_step_free", "yes"),
    ({"wheelchair": "ja"}, "entrance_step_free", "yes"),
    ({"wheelchair": "limited"}, "entrance_step_free", "limited"),
    ({"wheelchair": "Eingeschränkt"}, "entrance_step_free", "limited"),
    ({"wheelchair": "no"}, "entrance_step_free", "no"),
    ({"wheelchair": "nein"}, "entrance_step_free", "no"),
    # Parts that disagree: some way in exists, but not everywhere.
    ({"wheelchair": "no;limited"}, "entrance_step_free", "limited"),
    ({"wheelchair": "yes;no"}, "entrance_step_free", "limited"),
    ({"wheelchair": "no;no"}, "entrance_step_free", "no"),
    ({"toilets:wheelchair": "yes"}, "toilet_wheelchair", "yes"),
    ({"toilets": "no"}, "toilet_wheelchair", "not_applicable"),
    ({"toilets": "no", "toilets:wheelchair": "yes"}, "toilet_wheelchair", "yes"),
    ({"changing_table": "no"}, "changing_table", "no"),
    ({"hearing_loop": "yes"}, "hearing_loop", "yes"),
    ({"ramp:wheelchair": "yes"}, "ramp", "yes"),
    ({"lit": "automatic"}, "lighting", "yes"),
    ({"fee": "no"}, "free_entry", "yes"),
    ({"fee": "yes"}, "free_entry", "no"),
    ({"fee": "donation"}, "free_entry", "yes"),
    ({"access": "yes"}, "registration_required", "no"),
    ({"access": "members"}, "registration_required", "yes"),
    ({"access": "customers"}, "consumption_required", "yes"),
    ({"step_count": "3"}, "step_count", 3),
    ({"door:width": "0.9"}, "door_width_cm", 90.0),
    ({"door:width": "0,85"}, "door_width_cm", 85.0),
    ({"door:width": "90 cm"}, "door_width_cm", 90.0),
    ({"width": "1.2", "entrance": "main"}, "door_width_cm", 120.0),
    ({"opening_hours": "Mo-Fr 10:00-18:00"}, "opening_hours", "Mo-Fr 10:00-18:00"),
    ({"opening_hours": "nach Vereinbarung"}, "opening_hours", "nach Vereinbarung"),
]


@pytest.mark.parametrize(("tags", "fact_id", "value"), NORMALISED)
def test_osm_values_are_normalised_and_the_raw_value_kept(tags, fact_id, value):
    fv = facts_from_osm_tags(tags)[fact_id]
    assert fv.value == value
    assert fv.source == "osm"
    assert fv.raw in tags.values()


UNREADABLE = [
    ({"wheelchair": "maybe"}, "wheelchair"),
    ({"wheelchair": "yes;kaputt"}, "wheelchair"),
    ({"fee": "2 EUR"}, "fee"),
    ({"access": "no"}, "access"),
    ({"step_count": "viele"}, "step_count"),
    # OSM widths are metres: "90" would be 90 m, so it is not taken as a door width.
    ({"door:width": "90"}, "door:width"),
    ({"door:width": "3'"}, "door:width"),
]


@pytest.mark.parametrize(("tags", "key"), UNREADABLE)
def test_unreadable_values_stay_unknown_and_are_flagged(tags, key):
    reading = read_osm_tags(tags)
    assert reading.facts == {}
    [flag] = reading.flags
    assert flag.key == key and flag.raw == tags[key]
    assert flag.text_de and flag.text_en


def test_width_of_something_that_is_no_door_is_ignored():
    assert read_osm_tags({"leisure": "park", "width": "30"}).facts == {}
    assert read_osm_tags({"leisure": "park", "width": "30"}).flags == []


def test_unparseable_opening_hours_are_kept_and_flagged():
    reading = read_osm_tags({"opening_hours": "nach Vereinbarung"})
    assert reading.facts["opening_hours"].value == "nach Vereinbarung"
    assert [f.key for f in reading.flags] == ["opening_hours"]


def test_wheelchair_description_is_kept_as_a_note():
    reading = read_osm_tags({"wheelchair": "limited", "wheelchair:description": "Rampe am Hintereingang"})
    assert reading.notes == {"wheelchair:description": "Rampe am Hintereingang"}
    assert reading.facts["entrance_step_free"].note == "Rampe am Hintereingang"


def test_tag_rules_and_the_facts_osm_keys_agree():
    read = {(rule.key, rule.fact_id) for rule in TAG_RULES}
    declared = {(key, fact.id) for fact in FACTS for key in fact.osm_keys}
    assert read == declared


def test_no_toilets_is_known_and_limits_wheelchair_users():
    osm = facts_from_osm_tags({"wheelchair": "yes", "toilets": "no", "door:width": "1.0"})
    assert evaluate("wheelchair", osm).status == "limited"


MERGES = [
    # (osm value, audit value, winner)
    ("yes", "no", "no"),
    ("no", "yes", "yes"),
    ("yes", "limited", "limited"),
    # Not checked on site: the OSM value stays.
    ("yes", "unknown", "yes"),
    ("yes", None, "yes"),
]


@pytest.mark.parametrize(("osm_value", "audit_value", "winner"), MERGES)
def test_an_audit_wins_over_osm(osm_value, audit_value, winner):
    osm = {"entrance_step_free": FactValue(osm_value, source="osm", raw=osm_value)}
    audit = {"entrance_step_free": FactValue(audit_value, source="audit", auditor="QM")}
    merged = merge_facts(osm, audit)
    assert merged["entrance_step_free"].value == winner


def test_merge_keeps_facts_only_one_side_has():
    osm = {"hearing_loop": FactValue("yes", source="osm")}
    audit = {"seating": FactValue("no"), "lift": FactValue("unknown")}
    merged = merge_facts(osm, audit)
    assert set(merged) == {"hearing_loop", "seating", "lift"}
    assert merged["hearing_loop"].source == "osm" and merged["seating"].source == "audit"
