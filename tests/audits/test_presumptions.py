"""Presumed facts: the table, their precedence (audit > OSM > presumption), that they never close a
place to a group, a deployment's file, and what they change on a real gap map."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.auth import CONSOLE
from audits.presumptions import (
    NOT_PUBLIC,
    PRESUMPTIONS,
    _check_row,
    load_presumptions,
    merge_presumption_file,
    presumed_facts,
)
from audits.rules import evaluate, evaluate_all
from audits.store import compute_effective_facts, load_area_audits, save_audit
from audits.vocabulary import (
    FACT_BY_ID,
    FACT_IDS,
    GROUP_IDS,
    LIMITED,
    NO,
    NOT_APPLICABLE,
    NOT_OPEN,
    OPEN,
    STATUS,
    UNKNOWN,
    YES,
    FactValue,
)
from base.errors import InvalidInput
from catalogue.categories import CATEGORY_IDS
from catalogue.importer import import_file
from catalogue.store import get_area, load_places
from gaps.graph import build_graph
from gaps.service import GapRequest, load_gap_inputs, report_to_json, run_gap_analysis
from storage.db import open_database, session_scope

PLAYGROUND = {"leisure": "playground"}


def test_every_row_names_real_facts_and_categories():
    assert len({row.id for row in PRESUMPTIONS}) == len(PRESUMPTIONS)
    for row in PRESUMPTIONS:
        assert _check_row(row, "built-in") == row  # values already normalised
        assert row.category is None or row.category in CATEGORY_IDS
        assert row.label("de") and row.why("de") and row.label("de") != row.label("en")


def test_precedence_audit_over_osm_over_presumption():
    presumed = compute_effective_facts(PLAYGROUND, {}, "playground")
    assert presumed["free_entry"] == FactValue(YES, source="presumption", presumption="playground")
    assert presumed["children_offer"].source == "presumption"

    osm = compute_effective_facts({**PLAYGROUND, "fee": "yes"}, {}, "playground")
    assert (osm["free_entry"].value, osm["free_entry"].source) == (NO, "osm")

    audited = compute_effective_facts(
        {**PLAYGROUND, "fee": "yes"}, {"free_entry": FactValue(YES, checked_on=date(2026, 5, 1))}, "playground"
    )
    assert (audited["free_entry"].value, audited["free_entry"].source) == (YES, "audit")

    # An audit that left a fact unknown does not hide the presumption: unknown means "not checked".
    unchecked = compute_effective_facts(PLAYGROUND, {"free_entry": FactValue(UNKNOWN)}, "playground")
    assert unchecked["free_entry"].source == "presumption"

    # OSM opening hours decide the hour facts before a presumption does.
    hours = compute_effective_facts({**PLAYGROUND, "opening_hours": "Mo-Fr 08:00-12:00"}, {}, "playground")
    assert (hours["open_afternoons"].value, hours["open_afternoons"].source) == (NO, "osm")


def test_a_private_playground_is_not_presumed_public():
    assert presumed_facts("playground", {**PLAYGROUND, "access": " Private"}) == {}
    assert presumed_facts("park_garden", {"leisure": "garden", "garden:type": "community"}) == {}


def test_presumptions_open_playgrounds_for_children_and_people_on_a_low_income():
    verdicts = evaluate_all(compute_effective_facts(PLAYGROUND, {}, "playground"))
    assert verdicts["children"].status == OPEN and verdicts["children"].presumed
    assert verdicts["low_income"].status == OPEN and verdicts["low_income"].basis == "presumption"
    assert verdicts["wheelchair"].status == UNKNOWN  # nothing is presumed about steps

    reason = next(r for r in verdicts["children"].reasons if r.fact_id == "children_offer")
    assert "angenommen: öffentlicher Spielplatz" in reason.text("de")
    assert "presumed: public playground" in reason.text("en")


def test_an_audit_that_contradicts_a_presumption_wins():
    facts = compute_effective_facts(
        PLAYGROUND, {"free_entry": FactValue(NO, checked_on=date(2026, 5, 1))}, "playground"
    )
    verdict = evaluate("low_income", facts)
    assert verdict.status == NOT_OPEN and not verdict.presumed and verdict.basis == "audit"


def test_a_cafe_presumed_to_need_a_purchase_is_unknown_not_closed():
    facts = compute_effective_facts({"amenity": "cafe"}, {}, "cafe")
    assert facts["consumption_required"].source == "presumption"
    assert evaluate("low_income", facts).status == UNKNOWN
    recorded = {**facts, "consumption_required": FactValue(YES), "free_entry": FactValue(YES)}
    assert evaluate("low_income", recorded).status == NOT_OPEN  # once checked, it counts


_VALUES = {
    fact.id: (st.sampled_from([YES, LIMITED, NO, UNKNOWN, NOT_APPLICABLE]) if fact.kind == STATUS else st.none())
    for fact in (FACT_BY_ID[f] for f in FACT_IDS)
}


@settings(max_examples=300, deadline=None)
@given(
    recorded=st.fixed_dictionaries({}, optional=_VALUES),
    presumed=st.fixed_dictionaries({}, optional=_VALUES),
)
def test_a_presumption_never_yields_not_open(recorded, presumed):
    """Whatever is recorded and whatever a table presumes: "not open" only where the recorded facts
    alone already say so."""
    facts = {k: FactValue(v, source="osm") for k, v in recorded.items() if v is not None}
    with_presumed = dict(facts)
    for k, v in presumed.items():
        if v is not None and (k not in facts or not facts[k].is_known):
            with_presumed[k] = FactValue(v, source="presumption", presumption="test")
    for group in GROUP_IDS:
        if evaluate(group, with_presumed).status == NOT_OPEN:
            assert evaluate(group, facts).status == NOT_OPEN, group


def test_a_deployment_file_changes_extends_and_removes_rows(tmp_path: Path):
    path = tmp_path / "presumptions.toml"
    path.write_text(
        """
[[presumption]]
id = "playground"
category = "playground"
facts = { free_entry = "ja" }
texts = { de = { name = "Spielplatz der Stadt", reason = "Satzung" }, en = { name = "city playground" } }

[[presumption]]
id = "cafe"
disabled = true

[[presumption]]
id = "youth_club"
category = "community_centre"
tags = { "community_centre" = "youth_centre" }
facts = { youth_offer = "yes" }
""",
        encoding="utf-8",
    )
    table = load_presumptions(path)
    ids = [row.id for row in table]
    assert "cafe" not in ids and "youth_club" in ids and ids.count("playground") == 1
    playground = next(row for row in table if row.id == "playground")
    assert playground.facts == {"free_entry": YES} and playground.label("de") == "Spielplatz der Stadt"
    assert presumed_facts("community_centre", {"community_centre": "youth_centre"}, table)["youth_offer"].value == YES
    assert presumed_facts("cafe", {"amenity": "cafe"}, table) == {}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[presumption]]\nid = "x"\nfacts = { flying = "yes" }\n', "flying"),
        ('[[presumption]]\nid = "x"\ncategory = "pub"\nfacts = { free_entry = "yes" }\n', "pub"),
        ('[[presumption]]\nid = "x"\nfacts = { free_entry = "perhaps" }\n', "perhaps"),
        ('[[presumption]]\nfacts = { free_entry = "yes" }\n', "id"),
        ("[[presumption]\n", "cannot be read"),
    ],
)
def test_a_bad_deployment_file_is_refused_with_a_clear_message(tmp_path: Path, text: str, problem: str):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        merge_presumption_file(PRESUMPTIONS, path)
    assert problem in err.value.en


# ---------------------------------------------------------------- on a real extract


@pytest.fixture(scope="module", params=["neuss", "berlin", "muenchen"])
def neuss(request, tmp_path_factory, shared_data):
    """Each shared extract, imported and nothing else: no audit, no school list."""
    from tests.conftest import EXTRACTS

    url = f"sqlite:///{tmp_path_factory.mktemp('presumed') / 'atlas.db'}"
    engine = open_database(url)
    import_file(engine, path=EXTRACTS[request.param], area_name="Neuss", actor=CONSOLE)
    with session_scope(engine, read_only=True) as session:
        inputs = load_gap_inputs(session, area_id=get_area(session, name="Neuss").id)
    yield engine, inputs, build_graph(inputs.network)
    engine.dispose()


def _report(neuss, group: str, verdicts_by_place=None):
    _, inputs, graph = neuss
    return run_gap_analysis(
        graph,
        places=inputs.places,
        verdicts_by_place=inputs.verdicts_by_place if verdicts_by_place is None else verdicts_by_place,
        indicators=inputs.indicators,
        request=GapRequest(group=group),
    )


def _without_presumptions(neuss):
    _, inputs, _ = neuss
    return {
        p.id: evaluate_all(compute_effective_facts(p.tags, {}, p.category, presumptions=()))
        for p in inputs.places
    }


def _public(place, key: str, value: str) -> bool:
    return place.tags.get(key) == value and (place.tags.get("access") or "").strip().casefold() not in NOT_PUBLIC


def test_after_the_import_alone_children_and_low_income_have_places(neuss):
    _, inputs, _ = neuss
    serving = {
        group: {p.id for p in _report(neuss, group).places if p.status == "serving"}
        for group in ("children", "low_income")
    }
    active = [p for p in inputs.places if p.status == "active"]
    playgrounds = {p.id for p in active if _public(p, "leisure", "playground")}
    parks = {p.id for p in active if _public(p, "leisure", "park") and p.category == "park_garden"}
    libraries = {p.id for p in active if _public(p, "amenity", "library")}
    assert playgrounds and parks
    assert playgrounds | parks <= serving["children"]
    assert playgrounds | parks | libraries <= serving["low_income"]
    report = _report(neuss, "children")
    assert all(p.presumed for p in report.places if p.status == "serving")  # nobody audited anything


@pytest.mark.parametrize("group", ["children", "low_income"])
def test_unknown_cells_fall_well_below_the_share_without_presumptions(neuss, group):
    before = _report(neuss, group, _without_presumptions(neuss))
    after = _report(neuss, group)
    assert before.cells == after.cells > 0
    assert before.count("presumed") == 0 and before.count("served") == 0
    assert after.count("unknown") <= before.count("unknown") / 2
    # Everything served here is served only through presumptions: nobody audited anything.
    assert after.count("served") == after.count("presumed") > 0


def test_gap_json_counts_unknown_and_presumed_cells(neuss):
    report = _report(neuss, "children")
    data = report_to_json(report, "Neuss")
    assert data["unknown_cells"] == report.count("unknown")
    assert data["presumed_cells"] == report.count("presumed") > 0
    for anchor in data["anchors"]:
        assert {"unknown_share", "presumed_share"} <= set(anchor)
        assert 0 <= anchor["presumed_share"] + anchor["unknown_share"] + anchor["underserved_share"] <= 1.0015  # each rounded to 3 decimals
    json.dumps(data)


def test_an_audit_turns_presumed_cells_into_firmly_served_ones(tmp_path, extract_path):
    engine = open_database(f"sqlite:///{tmp_path / 'atlas.db'}")
    try:
        import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
        with session_scope(engine, read_only=True) as session:
            area = get_area(session, name="Neuss")
            inputs = load_gap_inputs(session, area_id=area.id)
        graph = build_graph(inputs.network)

        def run(inp):
            return run_gap_analysis(
                graph, places=inp.places, verdicts_by_place=inp.verdicts_by_place,
                indicators=inp.indicators, request=GapRequest(group="low_income"),
            )  # fmt: skip

        before = run(inputs)
        # Audit every serving place as free and without purchase: nothing rests on presumptions then.
        serving = [p.id for p in before.places if p.status == "serving"]
        with session_scope(engine) as session:
            for place_id in serving:
                save_audit(
                    session, actor=CONSOLE, place_id=place_id, expected_version=0, auditor="Test",
                    visit_date=date(2026, 11, 2), method="on_site",
                    facts={"free_entry": "yes", "consumption_required": "no"},
                )  # fmt: skip
        with session_scope(engine, read_only=True) as session:
            after = run(load_gap_inputs(session, area_id=area.id))
            audits = load_area_audits(session, area_id=area.id)
            places = {p.id: p for p in load_places(session, area_id=area.id)}
        assert before.count("presumed") > 0 and after.count("presumed") == 0
        assert after.count("served") == before.count("served")
        assert all(audits[pid].verdicts["low_income"].basis == "audit" for pid in serving)
        assert all(places[pid].status == "active" for pid in serving)
    finally:
        engine.dispose()


def test_the_cache_key_of_verdicts_changes_with_the_presumptions_file(tmp_path: Path, monkeypatch):
    import os

    from audits.presumptions import presumptions_version

    monkeypatch.delenv("ATLAS_PRESUMPTIONS", raising=False)
    assert presumptions_version() == "built-in"
    path = tmp_path / "p.toml"
    path.write_text('[[presumption]]\nid = "cafe"\ndisabled = true\n', encoding="utf-8")
    monkeypatch.setenv("ATLAS_PRESUMPTIONS", str(path))
    first = presumptions_version()
    os.utime(path, ns=(1, path.stat().st_mtime_ns + 10**9))
    assert presumptions_version() != first != "built-in"
