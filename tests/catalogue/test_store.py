"""Repository functions on real SQLite and PostgreSQL, with small hand-built extracts."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from accounts.auth import CONSOLE
from base.errors import AreaNotFound, InvalidInput, OsmSourceError, PlaceNotFound
from catalogue.categories import CATEGORY_IDS
from catalogue.model import Extract, PlaceRecord, WalkNetwork
from catalogue.store import (
    ImportSummary,
    add_manual_place,
    find_place_by_ref,
    get_area,
    get_area_by_id,
    get_place,
    list_areas,
    load_network,
    load_places,
    save_extract,
    set_place_status,
    update_place,
)
from storage.db import open_database, read_all_rows, session_scope

BBOX = (6.67, 51.18, 6.70, 51.22)  # Neuss Innenstadt-Süd
NAMES = ["Grün & Co", "Çay Ocağı", "مقهى الحي", "<img src=x onerror=alert(1)>", "${7*7} `x` \"q\" 'q'"]


@pytest.fixture
def engine(db_url):
    engine = open_database(db_url)
    yield engine
    engine.dispose()


def _network() -> WalkNetwork:
    return WalkNetwork(
        node_ids=np.array([1, 2, 3], np.int64),
        lon=np.array([6.68, 6.681, 6.682]),
        lat=np.array([51.20, 51.201, 51.202]),
        u=np.array([0, 1], np.int32),
        v=np.array([1, 2], np.int32),
        length_m=np.array([130.5, 131.0], np.float32),
    )


def _places() -> list[PlaceRecord]:
    return [
        PlaceRecord("node", 1, "kita", "Kita Sonnenschein", 6.68, 51.20, {"amenity": "kindergarten"}),
        PlaceRecord(
            "way",
            2,
            "school",
            "Grundschule Am Park",
            6.685,
            51.205,
            {
                "amenity": "school",
                "addr:street": "Parkstraße",
                "addr:housenumber": "3",
                "addr:postcode": "41460",
            },
            geometry_wkt="POLYGON ((6.684 51.204, 6.686 51.204, 6.686 51.206, 6.684 51.206, 6.684 51.204))",
            merged_refs=["node/20"],
        ),
        PlaceRecord(
            "node",
            3,
            "cafe",
            "Çay Ocağı",
            6.69,
            51.21,
            {"amenity": "cafe", "opening_hours": "Mo-Fr 08:00-18:00"},
        ),
        PlaceRecord("relation", 4, "park_garden", "Stadtgarten", 6.675, 51.19, {"leisure": "park"}),
    ]


def _extract(places: list[PlaceRecord] | None = None, network: WalkNetwork | None = None) -> Extract:
    return Extract(
        source="hand-built.osm.pbf",
        places=_places() if places is None else places,
        network=network or _network(),
        bbox=BBOX,
    )


def _save(engine, extract: Extract, area: str = "Neuss Süd") -> ImportSummary:
    with session_scope(engine) as session:
        return save_extract(session, area_name=area, extract=extract, actor=CONSOLE)


def _places_by_ref(engine, area_id: int):
    with session_scope(engine, read_only=True) as session:
        return {p.ref: p for p in load_places(session, area_id=area_id)}


def test_save_extract_stores_places_network_and_summary(engine):
    summary = _save(engine, _extract())
    assert summary.to_json_dict() == {
        "area": "Neuss Süd",
        "places": 4,
        "by_category": {
            cid: {"kita": 1, "school": 1, "cafe": 1, "park_garden": 1}.get(cid, 0) for cid in CATEGORY_IDS
        },
        "schools": 1,
        "kitas": 1,
        "seconds": summary.to_json_dict()["seconds"],
        "osm_notes": {"cut_ways": 0, "cut_relations": 0, "cut_skipped": 0, "duplicates_dropped": 0},
    }
    assert (summary.new, summary.updated, summary.missing) == (4, 0, 0)
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name="Neuss Süd")
        assert area.bbox == BBOX and area.place_count == 4 and area.source == "hand-built.osm.pbf"
        assert [a.name for a in list_areas(session)] == ["Neuss Süd"]
        places = {p.ref: p for p in load_places(session, area_id=area.id)}
        net = load_network(session, area_id=area.id)
    school = places["way/2"]
    assert school.address == "Parkstraße 3, 41460"
    assert school.merged_refs == ["node/20"]
    assert school.geometry_wkt.startswith("POLYGON")
    assert school.osm_url == "https://www.openstreetmap.org/way/2"
    assert places["node/3"].opening_hours == "Mo-Fr 08:00-18:00"
    assert places["node/3"].name == "Çay Ocağı"
    assert all(p.origin == "osm" and p.status == "active" and p.version == 1 for p in places.values())
    assert np.array_equal(net.u, [0, 1]) and np.allclose(net.length_m, [130.5, 131.0])
    assert net.node_count == 3


def test_reimport_is_idempotent(engine):
    _save(engine, _extract())
    with session_scope(engine, read_only=True) as session:
        area_id = get_area(session, name="Neuss Süd").id
    before = _places_by_ref(engine, area_id)
    summary = _save(engine, _extract())
    after = _places_by_ref(engine, area_id)
    assert (summary.new, summary.updated, summary.missing) == (0, 0, 0)
    assert {r: (p.id, p.version, p.name) for r, p in after.items()} == {
        r: (p.id, p.version, p.name) for r, p in before.items()
    }
    rows = read_all_rows(engine)
    assert len(rows["places"]) == 4 and len(rows["areas"]) == 1 and len(rows["networks"]) == 1
    assert len(rows["place_aliases"]) == 5
    assert len(rows["import_runs"]) == 2


def test_reimport_updates_changes_flags_missing_and_leaves_manual_places_alone(engine):
    _save(engine, _extract())
    with session_scope(engine) as session:
        area_id = get_area(session, name="Neuss Süd").id
        manual = add_manual_place(
            session, area_id=area_id, name="Grün & Co", category="cafe", lon=6.681, lat=51.201, actor=CONSOLE
        )
    before = _places_by_ref(engine, area_id)

    changed = _places()
    changed[0].name = "Kita Sonnenschein e. V."  # renamed in OSM
    del changed[2]  # the café vanished from OSM
    summary = _save(engine, _extract(changed))
    after = _places_by_ref(engine, area_id)
    assert (summary.new, summary.updated, summary.missing) == (0, 1, 1)
    assert after["node/1"].name == "Kita Sonnenschein e. V."
    assert after["node/1"].version == before["node/1"].version + 1
    assert after["way/2"].version == before["way/2"].version
    cafe = after["node/3"]
    assert cafe.missing_since == datetime.now(UTC).date() and cafe.id == before["node/3"].id
    assert after[None].id == manual.id and after[None].version == 1 and after[None].name == "Grün & Co"

    again = _save(engine, _extract())  # the café is back
    assert again.missing == 0
    back = _places_by_ref(engine, area_id)["node/3"]
    assert back.missing_since is None and back.id == before["node/3"].id


def test_place_keeps_its_id_when_osm_turns_a_node_into_a_polygon(engine):
    _save(engine, _extract())
    with session_scope(engine, read_only=True) as session:
        area_id = get_area(session, name="Neuss Süd").id
    kita_id = _places_by_ref(engine, area_id)["node/1"].id
    places = _places()
    places[0] = PlaceRecord(
        "way",
        100,
        "kita",
        "Kita Sonnenschein",
        6.68,
        51.20,
        {"amenity": "kindergarten"},
        merged_refs=["node/1"],
    )
    summary = _save(engine, _extract(places))
    assert summary.missing == 0 and summary.new == 0
    with session_scope(engine, read_only=True) as session:
        found = find_place_by_ref(session, area_id=area_id, ref="node/1")
        assert found.id == kita_id and found.ref == "way/100" and found.merged_refs == ["node/1"]
        assert find_place_by_ref(session, area_id=None, ref="node/20").ref == "way/2"
        with pytest.raises(PlaceNotFound):
            find_place_by_ref(session, area_id=area_id, ref="node/999")
        with pytest.raises(InvalidInput):
            find_place_by_ref(session, area_id=area_id, ref="Kita Sonnenschein")


def test_an_unusable_record_aborts_the_save_and_changes_nothing(engine):
    _save(engine, _extract())
    before = read_all_rows(engine)
    places = _places()
    places[0].name = "renamed before the failure"
    places.append(PlaceRecord("node", 5, "cafe", "Broken", math.nan, 51.2, {}))
    with pytest.raises(OsmSourceError, match="node/5"):
        # A different (non-empty) network, which must not be written either.
        other = _network()
        other.length_m[:] = 1.0
        _save(engine, _extract(places, network=other))
    assert read_all_rows(engine) == before


@pytest.mark.parametrize("name", NAMES)
def test_manual_place_names_are_stored_verbatim(engine, name):
    _save(engine, _extract())
    with session_scope(engine) as session:
        area_id = get_area(session, name="Neuss Süd").id
        place_id = add_manual_place(
            session, area_id=area_id, name=f"  {name} ", category="community_centre", lon=6.68, lat=51.2, actor=CONSOLE
        ).id
    with session_scope(engine, read_only=True) as session:
        place = get_place(session, place_id=place_id)
    assert place.name == name and place.origin == "manual" and place.ref is None and place.osm_url is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "at most 200"),
        ({"name": "line\nbreak"}, "control characters"),
        ({"category": "pub"}, "Unknown category"),
        ({"lon": math.nan}, "numbers in degrees"),
        ({"lon": "six"}, "numbers"),
        ({"lon": 345_000.0, "lat": 5_675_000.0}, "projected"),
        ({"lon": 51.2, "lat": 6.68}, "swapped"),
        ({"lon": 13.3, "lat": 52.58}, "outside the area"),
    ],
)
def test_bad_manual_place_is_refused_and_nothing_written(engine, kwargs, message):
    _save(engine, _extract())
    before = read_all_rows(engine)
    args = {"name": "Treff", "category": "cafe", "lon": 6.68, "lat": 51.2, **kwargs}
    with pytest.raises(InvalidInput, match=message) as err, session_scope(engine) as session:
        add_manual_place(session, area_id=get_area(session, name="Neuss Süd").id, **args, actor=CONSOLE)
    assert err.value.de and err.value.de != err.value.en
    assert read_all_rows(engine) == before


def test_a_place_just_outside_the_extract_is_accepted(engine):
    _save(engine, _extract())
    with session_scope(engine) as session:
        area_id = get_area(session, name="Neuss Süd").id
        # 1 km east of the extract's edge: within the 2 km margin
        place = add_manual_place(session, area_id=area_id, name="Treff", category="cafe", lon=6.714, lat=51.2, actor=CONSOLE)
    assert place.lon == 6.714


def test_update_and_close_places(engine):
    _save(engine, _extract())
    with session_scope(engine) as session:
        area_id = get_area(session, name="Neuss Süd").id
        manual = add_manual_place(session, area_id=area_id, name="Treff", category="cafe", lon=6.68, lat=51.2, actor=CONSOLE)
        edited = update_place(
            session,
            place_id=manual.id,
            name="Nachbarschaftstreff",
            category="community_centre",
            lon=6.681,
            lat=51.2,
            actor=CONSOLE,
        )
        assert (edited.name, edited.category, edited.version) == (
            "Nachbarschaftstreff",
            "community_centre",
            2,
        )
        unchanged = update_place(
            session,
            place_id=manual.id,
            name="Nachbarschaftstreff",
            category="community_centre",
            lon=6.681,
            lat=51.2,
            actor=CONSOLE,
        )
        assert unchanged.version == 2
        osm = find_place_by_ref(session, area_id=area_id, ref="node/1")
        with pytest.raises(InvalidInput, match="OpenStreetMap"):
            update_place(
                session, place_id=osm.id, name="Other", category=osm.category, lon=osm.lon, lat=osm.lat, actor=CONSOLE
            )
        closed = set_place_status(session, place_id=osm.id, closed=True, actor=CONSOLE)
        assert closed.status == "closed" and closed.version == osm.version + 1
        with pytest.raises(PlaceNotFound):
            set_place_status(session, place_id=99_999, closed=True, actor=CONSOLE)
    # a re-import does not reopen a place the manager closed
    _save(engine, _extract())
    with session_scope(engine, read_only=True) as session:
        assert get_place(session, place_id=osm.id).status == "closed"
        active = load_places(session, area_id=area_id, include_closed=False)
        assert osm.id not in {p.id for p in active} and len(active) == 4


def test_unknown_area_and_bad_area_names(engine):
    with session_scope(engine, read_only=True) as session:
        with pytest.raises(AreaNotFound, match="Import it first"):
            get_area(session, name="Nirgendwo")
        with pytest.raises(AreaNotFound):
            get_area_by_id(session, area_id=42)
    for bad in ["", "   ", "x" * 101]:
        with pytest.raises(InvalidInput), session_scope(engine) as session:
            save_extract(session, area_name=bad, extract=_extract(), actor=CONSOLE)
    assert read_all_rows(engine)["areas"] == []
