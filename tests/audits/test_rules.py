"""Verdicts per group: the fixed rules, every group's table, and "unknown is not no"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audits.rules import RULES, evaluate, evaluate_all, rule_fact_ids
from audits.vocabulary import FACT_BY_ID, GROUP_IDS, FactValue, facts_for_group


def facts(**values) -> dict[str, FactValue]:
    return {k: FactValue(v) for k, v in values.items()}


def test_every_group_has_a_rule_on_its_own_facts():
    assert set(RULES) == set(GROUP_IDS)
    for group_id in GROUP_IDS:
        used = rule_fact_ids(group_id)
        assert used and set(used) <= set(FACT_BY_ID)
        assert set(used) <= {f.id for f in facts_for_group(group_id)}, group_id


STEP_FREE_OK = {"entrance_step_free": "yes", "door_width_cm": 92.5, "toilet_wheelchair": "yes"}

WHEELCHAIR = [
    ({"entrance_step_free": "no"}, "not_open", ["entrance_step_free"], []),
    ({**STEP_FREE_OK, "entrance_step_free": "no"}, "not_open", ["entrance_step_free"], []),
    (STEP_FREE_OK, "open", ["entrance_step_free", "door_width_cm", "toilet_wheelchair"], []),
    (
        {**STEP_FREE_OK, "door_width_cm": 90},
        "open",
        ["entrance_step_free", "door_width_cm", "toilet_wheelchair"],
        [],
    ),
    ({**STEP_FREE_OK, "door_width_cm": 80}, "limited", ["door_width_cm"], []),
    ({**STEP_FREE_OK, "toilet_wheelchair": "no"}, "limited", ["toilet_wheelchair"], []),
    # No toilets at all is not unknown: no wheelchair toilet either.
    ({**STEP_FREE_OK, "toilet_wheelchair": "not_applicable"}, "limited", ["toilet_wheelchair"], []),
    (
        {"entrance_step_free": "yes", "door_width_cm": 92.5, "toilets": "no"},
        "limited",
        ["toilet_wheelchair"],
        [],
    ),
    ({"entrance_step_free": "limited"}, "limited", ["entrance_step_free"], []),
    # A known limit decides even while the door is not measured: it can only limit further.
    ({"entrance_step_free": "yes", "toilet_wheelchair": "no"}, "limited", ["toilet_wheelchair"], []),
    # Step-free but door or toilet not recorded: could still be open, so unknown.
    (
        {"entrance_step_free": "yes", "door_width_cm": 92.5},
        "unknown",
        ["entrance_step_free"],
        ["toilet_wheelchair"],
    ),
    (
        {"entrance_step_free": "yes", "toilet_wheelchair": "yes"},
        "unknown",
        ["entrance_step_free"],
        ["door_width_cm"],
    ),
    ({}, "unknown", [], ["entrance_step_free", "door_width_cm", "toilet_wheelchair"]),
    (
        {"door_width_cm": 92.5, "toilet_wheelchair": "yes"},
        "unknown",
        ["door_width_cm"],
        ["entrance_step_free"],
    ),
    ({"door_width_cm": 80, "toilet_wheelchair": "yes"}, "unknown", ["door_width_cm"], ["entrance_step_free"]),
    # A ramp's slope only counts where it was measured.
    ({**STEP_FREE_OK, "ramp_slope_percent": 6}, "open", ["ramp_slope_percent"], []),
    ({**STEP_FREE_OK, "ramp_slope_percent": 10}, "limited", ["ramp_slope_percent"], []),
    ({**STEP_FREE_OK, "door_width_cm": "not_applicable"}, "open", ["door_width_cm"], []),
]


@pytest.mark.parametrize(("given_facts", "status", "reasons", "missing"), WHEELCHAIR)
def test_wheelchair_rule(given_facts, status, reasons, missing):
    verdict = evaluate("wheelchair", facts(**given_facts))
    assert verdict.status == status
    assert set(reasons) <= {r.fact_id for r in verdict.reasons}
    assert verdict.missing == missing


LOW_INCOME = [
    ({"free_entry": "no"}, "not_open", ["free_entry"]),
    ({"consumption_required": "yes"}, "not_open", ["consumption_required"]),
    ({"free_entry": "yes", "consumption_required": "yes"}, "not_open", ["consumption_required"]),
    ({"free_entry": "yes", "consumption_required": "no"}, "open", ["free_entry", "consumption_required"]),
    ({"free_entry": "limited", "consumption_required": "no"}, "limited", ["free_entry"]),
    ({"free_entry": "yes", "consumption_required": "limited"}, "limited", ["consumption_required"]),
    ({"free_entry": "yes"}, "unknown", ["free_entry"]),
    ({"consumption_required": "no"}, "unknown", ["consumption_required"]),
    ({}, "unknown", []),
]


@pytest.mark.parametrize(("given_facts", "status", "reasons"), LOW_INCOME)
def test_low_income_rule(given_facts, status, reasons):
    verdict = evaluate("low_income", facts(**given_facts))
    assert verdict.status == status
    assert [r.fact_id for r in verdict.reasons] == reasons
    if status == "unknown":
        assert verdict.missing == [f for f in ("free_entry", "consumption_required") if f not in given_facts]


# One row per case: group, facts, expected status, a fact that must be among the reasons.
GROUP_CASES = [
    ("walking", dict(entrance_step_free="yes", seating="yes", lift="not_applicable"), "open", "seating"),
    ("walking", dict(entrance_step_free="no", step_count=2, handrails="yes", seating="yes", lift="yes"), "open", "step_count"),
    ("walking", dict(entrance_step_free="no", step_count=2, handrails="no", seating="yes", lift="yes"), "limited", "handrails"),
    ("walking", dict(entrance_step_free="no", step_count=5), "not_open", "step_count"),
    ("walking", dict(entrance_step_free="yes", seating="no", lift="yes"), "limited", "seating"),
    ("walking", dict(entrance_step_free="yes", seating="yes", lift="no"), "limited", "lift"),
    ("walking", dict(entrance_step_free="no", seating="yes", lift="yes"), "unknown", None),
    ("blind", dict(tactile_guidance="no", staff_assistance="yes", braille_audio_info="yes"), "open", "staff_assistance"),
    ("blind", dict(tactile_guidance="yes", braille_audio_info="no"), "limited", "braille_audio_info"),
    ("blind", dict(tactile_guidance="no", staff_assistance="no", braille_audio_info="yes"), "limited", "tactile_guidance"),
    ("blind", dict(tactile_guidance="no", braille_audio_info="yes"), "unknown", None),
    ("low_vision", dict(contrast_markings="yes", lighting="yes", large_print="not_applicable"), "open", "lighting"),
    ("low_vision", dict(contrast_markings="no"), "limited", "contrast_markings"),
    ("deaf", dict(sign_language="no", visual_information="yes"), "open", "visual_information"),
    ("deaf", dict(sign_language="no", visual_information="no"), "limited", "sign_language"),
    ("deaf", dict(sign_language="no"), "unknown", None),
    ("hard_of_hearing", dict(hearing_loop="yes", quiet_room="yes"), "open", "hearing_loop"),
    ("hard_of_hearing", dict(hearing_loop="no"), "limited", "hearing_loop"),
    ("cognitive", dict(plain_language="no", pictograms="yes", quiet_room="yes"), "open", "pictograms"),
    ("cognitive", dict(plain_language="yes", quiet_room="no"), "limited", "quiet_room"),
    ("prams", dict(entrance_step_free="yes", changing_table="yes", space_for_prams="yes"), "open", "changing_table"),
    ("prams", dict(entrance_step_free="no"), "limited", "entrance_step_free"),
    ("prams", dict(entrance_step_free="yes", changing_table="yes"), "unknown", None),
    ("seniors", dict(seating="yes", toilets="yes", senior_offer="yes"), "open", "toilets"),
    ("seniors", dict(toilets="no"), "limited", "toilets"),
    ("children", dict(children_offer="yes", safe_access="yes", open_afternoons="yes"), "open", "children_offer"),
    ("children", dict(children_offer="yes", safe_access="yes", opening_hours="Mo-Fr 08:00-13:00"), "limited", "open_afternoons"),
    ("youth", dict(youth_offer="yes", opening_hours="Mo-Fr 10:00-20:00; Sa 10:00-14:00"), "open", "open_evenings"),
    ("youth", dict(youth_offer="yes", opening_hours="Mo-Fr 08:00-16:00"), "limited", "open_weekends"),
    ("youth", dict(youth_offer="yes", opening_hours="nach Vereinbarung"), "unknown", None),
    ("newcomers", dict(staff_languages=("de", "ar"), registration_required="no"), "open", "staff_languages"),
    ("newcomers", dict(staff_languages=("de",), multilingual_info="yes", registration_required="no"), "open", "multilingual_info"),
    ("newcomers", dict(staff_languages=("de",), multilingual_info="no", registration_required="no"), "limited", "staff_languages"),
    ("newcomers", dict(multilingual_info="yes", registration_required="yes"), "limited", "registration_required"),
    ("women", dict(women_only_times="yes", lighting="yes"), "open", "women_only_times"),
    ("women", dict(women_only_times="no"), "limited", "women_only_times"),
    ("women", dict(lighting="yes"), "unknown", None),
]  # fmt: skip


@pytest.mark.parametrize(("group", "given_facts", "status", "reason"), GROUP_CASES)
def test_group_rules(group, given_facts, status, reason):
    verdict = evaluate(group, facts(**given_facts))
    assert verdict.status == status
    if reason:
        assert reason in [r.fact_id for r in verdict.reasons]
    assert bool(verdict.missing) == (status == "unknown")


def test_reasons_say_what_decided_in_both_languages():
    verdict = evaluate("wheelchair", facts(**{**STEP_FREE_OK, "door_width_cm": 80}))
    [reason] = verdict.reasons
    assert reason.effect == "limited" and reason.value == 80
    assert reason.text_de == "Türbreite: 80 cm (DIN 18040-1: mindestens 90 cm)."
    assert reason.text_en == "Door width: 80 cm (DIN 18040-1: at least 90 cm)."


def test_an_audited_hour_fact_beats_the_one_read_from_opening_hours():
    given_facts = facts(youth_offer="yes", opening_hours="24/7", open_evenings="no")
    verdict = evaluate("youth", given_facts)
    assert verdict.status == "limited"
    assert [r.fact_id for r in verdict.reasons] == ["open_evenings"]


def test_evaluate_all_covers_every_group_and_nothing_is_known_without_facts():
    verdicts = evaluate_all({})
    assert list(verdicts) == list(GROUP_IDS)
    for group_id, verdict in verdicts.items():
        assert verdict.status == "unknown" and verdict.group == group_id
        assert verdict.missing and not verdict.reasons


def test_unknown_group_is_an_error():
    with pytest.raises(KeyError):
        evaluate("cyclists", {})


# --- properties: unknown is not no --------------------------------------------------------

RULE_FACTS = sorted({f for g in GROUP_IDS for f in rule_fact_ids(g)})


def _values(fact_id: str):
    kind = FACT_BY_ID[fact_id].kind
    if kind == "number":
        return st.one_of(st.sampled_from([0, 1, 3, 4, 6, 7, 89, 90, 120]), st.just("not_applicable"))
    if kind == "languages":
        return st.sampled_from([("de",), ("de", "tr"), ("ar",)])
    return st.sampled_from(["yes", "limited", "no", "not_applicable", "unknown"])


fact_sets = st.dictionaries(st.sampled_from(RULE_FACTS), st.just(None), max_size=len(RULE_FACTS)).flatmap(
    lambda d: st.fixed_dictionaries({k: _values(k) for k in d})
)


def _consistent(known: dict, extra: dict) -> dict:
    """Extra facts for a place, without contradicting what "toilets=no" already implies."""
    if known.get("toilets") == "no":
        extra = {k: v for k, v in extra.items() if k != "toilet_wheelchair"}
    return {k: v for k, v in extra.items() if k not in known}


@settings(max_examples=150, deadline=None)
@given(known=fact_sets, extra=fact_sets)
def test_a_definite_verdict_never_changes_when_more_is_learnt(known, extra):
    more = {**known, **_consistent(known, extra)}
    for group_id in GROUP_IDS:
        before = evaluate(group_id, facts(**known))
        if before.status != "unknown":
            assert evaluate(group_id, facts(**more)).status == before.status, group_id


@settings(max_examples=150, deadline=None)
@given(known=fact_sets, forget=st.sets(st.sampled_from(RULE_FACTS)))
def test_forgetting_facts_never_closes_a_place(known, forget):
    fewer = {k: v for k, v in known.items() if k not in forget}
    for group_id in GROUP_IDS:
        verdict = evaluate(group_id, facts(**fewer))
        if verdict.status == "not_open":
            assert evaluate(group_id, facts(**known)).status == "not_open"
            assert any(r.effect == "not_open" for r in verdict.reasons)
        if verdict.status == "unknown":
            assert verdict.missing and set(verdict.missing) <= set(rule_fact_ids(group_id))
            assert not set(verdict.missing) & {k for k, v in fewer.items() if v != "unknown"}
