"""A re-import must not wreck an area: far-away or swapped data, an empty network, two imports at once.

Real SQLite and PostgreSQL (``db_url``), real OSM extracts and files derived from them.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import osmium
import pytest
from sqlalchemy import text

from accounts.auth import CONSOLE
from base.errors import ImportConflict, OsmSourceError
from catalogue.importer import import_file
from catalogue.model import Extract, PlaceRecord, WalkNetwork
from catalogue.store import data_extent, get_area, load_network, save_extract
from storage.db import open_database, read_all_rows, session_scope

BBOX = (6.67, 51.18, 6.70, 51.22)


@pytest.fixture
def engine(db_url):
    engine = open_database(db_url)
    yield engine
    engine.dispose()


def _network(dx: float = 0.0, dy: float = 0.0) -> WalkNetwork:
    return WalkNetwork(
        node_ids=np.array([1, 2, 3], np.int64),
        lon=np.array([6.68, 6.681, 6.682]) + dx,
        lat=np.array([51.20, 51.201, 51.202]) + dy,
        u=np.array([0, 1], np.int32),
        v=np.array([1, 2], np.int32),
        length_m=np.array([130.5, 131.0], np.float32),
    )


def _extract(dx: float = 0.0, dy: float = 0.0, network: WalkNetwork | None = None) -> Extract:
    places = [
        PlaceRecord(
            "node", 1, "kita", "Kita Sonnenschein", 6.68 + dx, 51.20 + dy, {"amenity": "kindergarten"}
        ),
        PlaceRecord("node", 3, "cafe", "Çay Ocağı", 6.69 + dx, 51.21 + dy, {"amenity": "cafe"}),
    ]
    box = (BBOX[0] + dx, BBOX[1] + dy, BBOX[2] + dx, BBOX[3] + dy)
    return Extract(source="hand-built.osm.pbf", places=places, network=network or _network(dx, dy), bbox=box)


def _save(engine, extract: Extract, area: str = "Neuss Süd"):
    with session_scope(engine) as session:
        return save_extract(session, actor=CONSOLE, area_name=area, extract=extract)


def _write_swapped(src: Path, out: Path, *, swap_header: bool = True) -> None:
    """``src`` with every node's latitude and longitude swapped.

    With ``swap_header`` the header's bounds are swapped too (a file consistent in itself, which
    only the comparison with the existing area catches); without, the header keeps the true bounds
    (which the reader itself catches).
    """
    west, south, east, north = 180.0, 90.0, -180.0, -90.0
    for node in osmium.FileProcessor(str(src), osmium.osm.NODE):
        west, east = min(west, node.location.lon), max(east, node.location.lon)
        south, north = min(south, node.location.lat), max(north, node.location.lat)
    header = osmium.io.Header()
    if swap_header:
        west, south, east, north = south, west, north, east
    header.add_box(osmium.osm.Box(osmium.osm.Location(west, south), osmium.osm.Location(east, north)))
    with osmium.SimpleWriter(str(out), header=header) as writer:
        for obj in osmium.FileProcessor(str(src)):
            if obj.is_node():
                loc = obj.location
                writer.add_node(obj.replace(location=osmium.osm.Location(loc.lat, loc.lon)))
            elif obj.is_way():
                writer.add_way(obj)
            elif obj.is_relation():
                writer.add_relation(obj)


def test_a_file_with_swapped_coordinates_is_refused_for_the_existing_area(engine, extract_path, tmp_path):
    summary = import_file(engine, actor=CONSOLE, path=extract_path("neuss"), area_name="Neuss")
    assert summary.places > 50 and summary.network_nodes > 1000
    swapped = tmp_path / "neuss-swapped.osm.pbf"
    _write_swapped(extract_path("neuss"), swapped)
    before = read_all_rows(engine)
    with pytest.raises(OsmSourceError, match="swapped") as err:
        import_file(engine, actor=CONSOLE, path=swapped, area_name="Neuss")
    assert "Neuss" in err.value.en and "km" in err.value.en and "vertauscht" in err.value.de
    assert read_all_rows(engine) == before


def test_a_swapped_file_whose_header_has_the_true_bounds_is_refused_by_the_reader(engine, extract_path, tmp_path):
    import_file(engine, actor=CONSOLE, path=extract_path("neuss"), area_name="Neuss")
    swapped = tmp_path / "neuss-swapped.osm.pbf"
    _write_swapped(extract_path("neuss"), swapped, swap_header=False)
    before = read_all_rows(engine)
    with pytest.raises(OsmSourceError, match="latitude and longitude exchanged"):
        import_file(engine, actor=CONSOLE, path=swapped, area_name="Neuss")
    assert read_all_rows(engine) == before


def test_the_cli_refuses_the_swapped_file_with_exit_1_and_one_message(db_url, extract_path, tmp_path):
    from tests.cli.test_import_cli import run_cli

    assert run_cli(db_url, "import", extract_path("neuss"), "--area", "Neuss").returncode == 0
    swapped = tmp_path / "neuss-swapped.osm.pbf"
    _write_swapped(extract_path("neuss"), swapped)
    engine = open_database(db_url)
    before = read_all_rows(engine)
    result = run_cli(db_url, "import", swapped, "--area", "Neuss")
    assert result.returncode == 1
    assert result.stderr.startswith("error: neuss-swapped.osm.pbf: the data lies about")
    assert "swapped" in result.stderr and "Traceback" not in result.stderr
    assert read_all_rows(engine) == before
    engine.dispose()


def test_data_from_another_town_is_refused_and_a_nearby_extent_accepted(engine):
    _save(engine, _extract())
    before = read_all_rows(engine)
    with pytest.raises(OsmSourceError, match=r"about [\d,]+ km away from the area 'Neuss Süd'") as err:
        _save(engine, _extract(dx=0.7))  # ~50 km east: Köln, not Neuss
    assert "swapped" not in err.value.en
    assert read_all_rows(engine) == before
    # The header's bounds do not hide where the data is: the check uses the places and nodes.
    far = _extract(dx=0.7)
    far.bbox = BBOX
    with pytest.raises(OsmSourceError, match="km away"):
        _save(engine, far)
    assert read_all_rows(engine) == before
    # Growing or shifting the area by a few kilometres is an ordinary re-import.
    summary = _save(engine, _extract(dx=0.05))
    assert summary.missing == 0
    # A new area far away is fine too.
    assert _save(engine, _extract(dx=0.7), area="Köln").new == 2


def test_an_empty_network_never_replaces_a_walking_network(engine):
    _save(engine, _extract())
    before = read_all_rows(engine)
    with pytest.raises(OsmSourceError, match="no walkable streets.*3 nodes") as err:
        _save(engine, _extract(network=WalkNetwork.empty()))
    assert "Fußwegenetz" in err.value.de
    assert read_all_rows(engine) == before
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name="Neuss Süd")
        assert load_network(session, area_id=area.id).node_count == 3


def test_data_extent_ignores_impossible_values():
    extract = _extract()
    extract.places.append(PlaceRecord("node", 9, "cafe", "x", float("nan"), 51.0, {}))
    assert data_extent(extract) == pytest.approx((6.68, 51.20, 6.69, 51.21))
    empty = Extract(source="e", places=[], network=WalkNetwork.empty(), bbox=BBOX)
    assert data_extent(empty) is None


def _wait_for_lock_wait(engine, deadline_s: float = 30) -> None:
    """Until some PostgreSQL backend waits on a lock (the second import's INSERT)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the second import never waited for the first")


def test_two_imports_of_the_same_new_area_at_once(engine):
    """The second import either applies after the first (SQLite queues writers) or says that
    another import of the area is running (PostgreSQL) – never a raw duplicate-key error."""
    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            outcome["summary"] = _save(engine, _extract(), area="Neu")
        except Exception as exc:  # noqa: BLE001 - the test inspects whatever the thread raised
            outcome["error"] = exc

    thread = threading.Thread(target=second)
    with session_scope(engine) as session:
        save_extract(session, actor=CONSOLE, area_name="Neu", extract=_extract())
        thread.start()
        if engine.dialect.name == "postgresql":
            _wait_for_lock_wait(engine)
    thread.join(60)
    assert not thread.is_alive()
    rows = read_all_rows(engine)
    assert [r[1] for r in rows["areas"]] == ["Neu"]
    if engine.dialect.name == "postgresql":
        err = outcome.get("error")
        assert isinstance(err, ImportConflict), outcome
        assert "Another import of the area 'Neu' is running" in err.en
        assert "anderer Import des Gebiets 'Neu'" in err.de
        assert "duplicate key" not in err.en
        assert len(rows["import_runs"]) == 1
    else:
        assert "error" not in outcome, outcome
        assert len(rows["import_runs"]) == 2
