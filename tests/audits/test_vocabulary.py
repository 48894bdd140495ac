"""The audit vocabulary: groups, facts and how typed values are normalised."""

from __future__ import annotations

import pytest

from audits.vocabulary import (
    FACT_BY_ID,
    FACTS,
    GROUP_IDS,
    GROUPS,
    SECTION_IDS,
    SOURCES,
    STATUS_VALUES,
    VALUE_KINDS,
    FactValue,
    facts_for_group,
    facts_in_form_order,
    format_value,
    validate_fact_value,
)
from base.errors import InvalidInput

REQUIRED_FACTS = """entrance_step_free door_width_cm ramp_slope_percent toilet_wheelchair changing_table
seating tactile_guidance hearing_loop sign_language plain_language staff_languages registration_required
free_entry consumption_required opening_hours open_evenings open_weekends children_offer youth_offer
senior_offer women_only_times step_count handrails lift contrast_markings lighting large_print
braille_audio_info staff_assistance visual_information quiet_room pictograms multilingual_info
space_for_prams toilets""".split()


def test_the_fourteen_groups_in_order():
    assert GROUP_IDS == (
        "wheelchair", "walking", "blind", "low_vision", "deaf", "hard_of_hearing", "cognitive",
        "prams", "seniors", "children", "youth", "newcomers", "women", "low_income",
    )  # fmt: skip


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.id)
def test_every_group_is_labelled_in_both_languages_with_a_sourced_speed(group):
    assert group.label("de") and group.name and group.description("de") and group.summary
    assert 2.0 <= group.speed_kmh <= 6.0
    assert group.speed_source
    assert facts_for_group(group.id), "a group without facts could never be judged"


def test_slower_groups_walk_slower_than_the_default():
    speed = {g.id: g.speed_kmh for g in GROUPS}
    assert speed["walking"] < speed["wheelchair"] < speed["youth"]
    assert speed["seniors"] < speed["newcomers"]


def test_all_required_facts_exist_once():
    ids = [f.id for f in FACTS]
    assert len(ids) == len(set(ids))
    assert set(REQUIRED_FACTS) <= set(ids)


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.id)
def test_every_fact_is_well_formed(fact):
    assert fact.label("de") and fact.name and fact.question("de") and fact.ask
    assert fact.section in SECTION_IDS
    assert fact.kind in VALUE_KINDS
    assert set(fact.groups) <= set(GROUP_IDS)
    if fact.kind == "number":
        assert fact.minimum is not None and fact.maximum is not None and fact.minimum < fact.maximum


def test_form_order_follows_the_sections():
    sections = [f.section for f in facts_in_form_order()]
    assert sections == sorted(sections, key=SECTION_IDS.index)
    assert len(sections) == len(FACTS)


@pytest.mark.parametrize(
    ("fact_id", "typed", "stored"),
    [
        ("entrance_step_free", "yes", "yes"),
        ("entrance_step_free", "Ja", "yes"),
        ("entrance_step_free", " no ", "no"),
        ("entrance_step_free", "NEIN", "no"),
        ("entrance_step_free", "limited", "limited"),
        ("entrance_step_free", "eingeschränkt", "limited"),
        ("entrance_step_free", "unbekannt", "unknown"),
        ("toilet_wheelchair", "n/a", "not_applicable"),
        ("toilet_wheelchair", "entfällt", "not_applicable"),
        ("entrance_step_free", "", None),
        ("entrance_step_free", None, None),
        ("door_width_cm", "92,5", 92.5),
        ("door_width_cm", "92.5", 92.5),
        ("door_width_cm", "90 cm", 90.0),
        ("door_width_cm", 95, 95.0),
        ("door_width_cm", "n/a", "not_applicable"),
        ("ramp_slope_percent", "6 %", 6.0),
        ("step_count", "3", 3),
        ("step_count", "0", 0),
        ("staff_languages", "de, tr ,ar", ("de", "tr", "ar")),
        ("staff_languages", "Deutsch; Türkisch; DE", ("de", "tr")),
        ("staff_languages", ["AR", "fa"], ("ar", "fa")),
        ("opening_hours", " Mo-Fr 10:00-18:00 ", "Mo-Fr 10:00-18:00"),
        # Unparseable hours are kept; the audit shows them flagged.
        ("opening_hours", "nach Vereinbarung", "nach Vereinbarung"),
    ],
)
def test_typed_values_are_normalised(fact_id, typed, stored):
    assert validate_fact_value(fact_id, typed) == stored


@pytest.mark.parametrize(
    ("fact_id", "typed"),
    [
        ("entrance_step_free", "vielleicht"),
        ("entrance_step_free", "92"),
        ("door_width_cm", "5000"),
        ("door_width_cm", "-90"),
        ("door_width_cm", "breit"),
        ("door_width_cm", "1.000,5"),
        ("door_width_cm", True),
        ("door_width_cm", float("nan")),
        ("ramp_slope_percent", "150"),
        ("step_count", "2,5"),
        ("staff_languages", "Deutsch und Englisch"),
        ("opening_hours", "x" * 300),
        ("no_such_fact", "yes"),
    ],
)
def test_bad_values_are_rejected_in_both_languages(fact_id, typed):
    with pytest.raises(InvalidInput) as err:
        validate_fact_value(fact_id, typed)
    assert err.value.message("en") != err.value.message("de")


def test_out_of_range_message_names_the_range():
    with pytest.raises(InvalidInput) as err:
        validate_fact_value("door_width_cm", "5000")
    assert "600" in err.value.message("en") and "Einheit" in err.value.message("de")


@pytest.mark.parametrize(
    ("fact_id", "value", "de", "en"),
    [
        ("door_width_cm", 92.5, "92,5 cm", "92.5 cm"),
        ("entrance_step_free", "limited", "eingeschränkt", "limited"),
        ("toilet_wheelchair", "not_applicable", "entfällt", "not applicable"),
        ("staff_languages", ("de", "tr"), "de, tr", "de, tr"),
        ("step_count", None, "unbekannt", "unknown"),
    ],
)
def test_values_read_naturally(fact_id, value, de, en):
    assert format_value(fact_id, value, "de") == de
    assert format_value(fact_id, value, "en") == en


def test_fact_value_knows_its_sources():
    assert SOURCES == ("osm", "audit", "suggestion", "presumption")
    assert FactValue("yes", source="osm", raw="Yes ").is_known
    assert not FactValue("unknown").is_known and not FactValue(None).is_known
    with pytest.raises(ValueError):
        FactValue("yes", source="gossip")


def test_every_status_value_has_a_label_and_a_word():
    for value in STATUS_VALUES:
        assert validate_fact_value("entrance_step_free", value) == value
    assert FACT_BY_ID["staff_languages"].kind == "languages"
