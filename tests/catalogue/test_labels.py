"""Every place gets a label a person can read: its name, else its category and where it is."""

from __future__ import annotations

import re

import pytest

from accounts.auth import CONSOLE
from catalogue.labels import compute_label
from catalogue.model import parse_osm_ref
from catalogue.osm_file import read_osm_file
from catalogue.store import add_manual_place, load_places, save_extract
from storage.db import open_database, session_scope
from tests.conftest import FIXTURES

TINY = FIXTURES / "labels_tiny.osm"
HOSTILE = "<img src=x onerror=alert(1)> {{7*7}} ${7*7}"
BAD_LABELS = {"", "?", "None", "none", "(ohne Namen)", "(no name)"}


@pytest.fixture
def engine(sqlite_url):
    engine = open_database(sqlite_url)
    yield engine
    engine.dispose()


def _import(engine, path, area="Gebiet"):
    with session_scope(engine) as session:
        save_extract(session, area_name=area, extract=read_osm_file(path), actor=CONSOLE)
    with session_scope(engine) as session:
        return load_places(session, area_id=1)


def _by_ref(places):
    return {p.ref: p for p in places}


def assert_readable(label: str) -> None:
    assert label.strip() not in BAD_LABELS, label
    assert parse_osm_ref(label) is None, f"bare OSM ref as label: {label!r}"
    assert "None" not in label and "(ohne Namen)" not in label, label


def test_unnamed_playground_is_named_after_the_nearest_street(engine):
    places = _by_ref(_import(engine, TINY))
    playground = places["node/100"]
    assert playground.name is None
    assert playground.locator == "Goethestraße"
    assert playground.label("de") == "Spielplatz, Goethestraße"
    assert playground.label("en") == "Playground, Goethestraße"


def test_an_address_wins_over_the_nearest_street(engine):
    places = _by_ref(_import(engine, TINY))
    assert places["node/101"].locator == "Schillerstraße 5"
    assert places["node/101"].label("de") == "Spielplatz, Schillerstraße 5"


def test_named_streets_the_walk_rule_drops_still_locate(engine):
    # A cycleway is not in the walking network, but people know it by its name.
    places = _by_ref(_import(engine, TINY))
    assert places["node/103"].locator == "Radweg am Kanal"


def test_far_from_any_street_the_label_is_category_and_ref(engine):
    places = _by_ref(_import(engine, TINY))
    lonely = places["node/104"]
    assert lonely.locator is None
    assert lonely.label("de") == "Spielplatz (node/104)"
    assert lonely.label("en") == "Playground (node/104)"


def test_a_name_is_the_label(engine):
    places = _by_ref(_import(engine, TINY))
    assert places["node/105"].label("de") == "Spielplatz am Goethehaus"


def test_a_hostile_street_name_stays_text(engine):
    places = _by_ref(_import(engine, TINY))
    assert places["node/102"].locator == HOSTILE
    assert places["node/102"].label("de") == f"Spielplatz, {HOSTILE}"


def test_the_locator_is_stored_and_survives_a_reimport(engine):
    before = _by_ref(_import(engine, TINY))
    after = _by_ref(_import(engine, TINY))
    assert after["node/100"].locator == "Goethestraße"
    assert {r: p.locator for r, p in after.items()} == {r: p.locator for r, p in before.items()}
    # Derived data: a re-import does not count as an edit of the place.
    assert {r: p.version for r, p in after.items()} == {r: p.version for r, p in before.items()}


def test_places_not_from_osm_get_category_and_id_without_a_name():
    assert compute_label(name=None, category="playground", locator=None, ref=None, place_id=17, lang="de") == (
        "Spielplatz Nr. 17"
    )
    assert compute_label(name="  ", category="cafe", locator=" ", ref="way/9", place_id=3, lang="en") == "Café (way/9)"


def test_manual_places_keep_their_name_as_label(engine):
    _import(engine, TINY)
    with session_scope(engine) as session:
        added = add_manual_place(
            session, actor=CONSOLE, area_id=1, name="Nachbarschaftstreff", category="community_centre",
            lon=6.6815, lat=51.2001,
        )
    assert added.label("de") == "Nachbarschaftstreff"


@pytest.mark.parametrize("extract", ["neuss", "berlin"])
def test_every_place_of_a_real_extract_has_a_readable_label(engine, extract_path, extract):
    places = _import(engine, extract_path(extract))
    unnamed = [p for p in places if not p.name]
    assert unnamed, "the extract should have unnamed places"
    for place in places:
        for lang in ("de", "en"):
            assert_readable(place.label(lang))
    located = [p for p in unnamed if p.locator]
    assert len(located) >= 0.9 * len(unnamed), (len(located), len(unnamed))
    for place in located:
        assert re.fullmatch(r".+, .+", place.label("de")), place.label("de")


def test_gap_json_names_the_nearest_place_by_its_label_never_a_bare_ref(engine, extract_path):
    from gaps.graph import build_graph
    from gaps.service import GapRequest, load_gap_inputs, report_to_json, run_gap_analysis

    places = _import(engine, extract_path("berlin"))
    with session_scope(engine, read_only=True) as session:
        inputs = load_gap_inputs(session, area_id=1)
    graph = build_graph(inputs.network)
    # Playgrounds only: most have no name, so the nearest place is usually an unnamed one.
    request = GapRequest(group="all", minutes=10, categories=("playground",))
    report = run_gap_analysis(
        graph, places=inputs.places, verdicts_by_place={}, indicators={}, request=request
    )
    data = report_to_json(report, "Borsigwalde", lang="de")
    by_ref = _by_ref(places)
    reached = [a for a in data["anchors"] if a["nearest_m"] is not None]
    assert reached
    unnamed = [a for a in reached if not by_ref[a["nearest_ref"]].name]
    assert unnamed, "some anchor should have an unnamed playground nearest"
    for anchor in reached:
        assert_readable(anchor["nearest_place"])
        assert anchor["nearest_place"] == by_ref[anchor["nearest_ref"]].label("de")
        assert anchor["label"] and anchor["name"] == by_ref[anchor["osm_ref"]].name
    assert any(a["nearest_place"].startswith("Spielplatz, ") for a in unnamed)
