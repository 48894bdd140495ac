"""Live import through osmnx against a local Overpass/Nominatim stand-in serving real Neuss data."""

from __future__ import annotations

import dataclasses
import socket
import time
from pathlib import Path

import numpy as np
import pytest

from base.errors import InvalidInput, OverpassError
from base.settings import load_settings
from catalogue.osm_file import read_osm_file
from catalogue.overpass import fetch_overpass, validate_bbox
from tests.overpass_standin import OsmData, StandIn

CUT = (6.678, 51.195, 6.688, 51.204)  # Neuss: three schools, three Kitas, ~1 km²


@pytest.fixture(scope="module")
def neuss_cut(extract_path, tmp_path_factory):
    """The cut as stand-in data and as an .osm file with the very same content."""
    data = OsmData(extract_path("neuss"), CUT)
    path = tmp_path_factory.mktemp("cut") / "neuss-cut.osm"
    data.write_osm(path)
    west, south, east, north = data.node_extent
    cover = (west - 0.001, south - 0.001, east + 0.001, north + 0.001)  # every node of the cut
    return data, path, cover


@pytest.fixture
def standin(neuss_cut):
    data, _, cover = neuss_cut
    with StandIn(data, {"neuss innenstadt-süd": cover}) as server:
        yield server


def _settings(overpass_url: str, nominatim_url: str):
    return dataclasses.replace(
        load_settings(), overpass_url=overpass_url, nominatim_url=nominatim_url, http_timeout=5
    )


def _same_extract(live, from_file) -> None:
    assert {p.ref: p.category for p in live.places} == {p.ref: p.category for p in from_file.places}
    assert {p.ref: p.merged_refs for p in live.places} == {p.ref: p.merged_refs for p in from_file.places}
    assert {p.ref: p.tags for p in live.places} == {p.ref: p.tags for p in from_file.places}
    assert np.array_equal(live.network.node_ids, from_file.network.node_ids)
    assert np.array_equal(live.network.u, from_file.network.u)
    assert np.array_equal(live.network.v, from_file.network.v)
    assert np.allclose(live.network.length_m, from_file.network.length_m, rtol=1e-5)


def test_fetch_by_bbox_equals_reading_the_same_data(neuss_cut, standin, tmp_path):
    _, path, cover = neuss_cut
    live = fetch_overpass(
        bbox=cover, settings=_settings(standin.overpass_url, standin.nominatim_url), cache_dir=tmp_path
    )
    from_file = read_osm_file(path)
    assert sum(p.category == "school" for p in live.places) == 3
    assert sum(p.category == "kita" for p in live.places) == 3
    assert live.network.edge_count > 900
    _same_extract(live, from_file)
    # Unnamed places are located by the street names osmnx keeps on the walking graph's edges.
    unnamed = [p for p in live.places if not p.name]
    assert unnamed and sum(bool(p.locator) for p in unnamed) >= 0.8 * len(unnamed)
    assert live.source.startswith("overpass:")
    assert live.bbox == pytest.approx(cover)
    # the box asked for is the declared extent; the data's own extent lies inside it
    assert live.declared_bbox == pytest.approx(cover)
    w, s, e, n = live.data_bbox
    assert cover[0] - 1e-6 <= w <= e <= cover[2] + 1e-6 and cover[1] - 1e-6 <= s <= n <= cover[3] + 1e-6
    assert "/api/interpreter" in standin.requests


def test_fetch_by_place_name(neuss_cut, standin, tmp_path):
    _, path, _ = neuss_cut
    live = fetch_overpass(
        place="Neuss Innenstadt-Süd",
        settings=_settings(standin.overpass_url, standin.nominatim_url),
        cache_dir=tmp_path,
    )
    assert "/nominatim/search" in standin.requests
    _same_extract(live, read_osm_file(path))
    assert live.source == "overpass:Neuss Innenstadt-Süd"


def test_unknown_place(standin, tmp_path):
    with pytest.raises(OverpassError, match="not found") as err:
        fetch_overpass(
            place="Atlantis",
            settings=_settings(standin.overpass_url, standin.nominatim_url),
            cache_dir=tmp_path,
        )
    assert "Atlantis" in err.value.en and "Atlantis" in err.value.de


def test_empty_answer(standin, tmp_path):
    with pytest.raises(OverpassError, match="found no places"):
        fetch_overpass(
            bbox=(0.1, 0.1, 0.2, 0.2),
            settings=_settings(standin.overpass_url, standin.nominatim_url),
            cache_dir=tmp_path,
        )


def test_unreachable_server_fails_fast(tmp_path):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}/api"
    started = time.perf_counter()
    with pytest.raises(OverpassError, match="no connection") as err:
        fetch_overpass(bbox=CUT, settings=_settings(url, url), cache_dir=tmp_path)
    assert time.perf_counter() - started < 10
    assert url in err.value.en and url in err.value.de


@pytest.mark.parametrize(("mode", "shown"), [("500", "500"), ("garbage", "Bad gateway")])
def test_server_errors(mode, shown, standin, tmp_path):
    standin.mode = mode
    with pytest.raises(OverpassError) as err:
        fetch_overpass(
            bbox=CUT, settings=_settings(standin.overpass_url, standin.nominatim_url), cache_dir=tmp_path
        )
    assert standin.overpass_url in err.value.en and shown in err.value.en


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ((51.195, 100.0, 51.204, 100.1), "swapped"),
        ((6.688, 51.195, 6.678, 51.204), "empty or reversed"),
        ((6.0, 51.0, 7.0, 51.2), "larger than"),
        ((6.0, 51.0, float("nan"), 51.2), "non-number"),
        ((6.0, 51.0, 7.0), "four numbers"),
    ],
)
def test_bbox_validation(bbox, message):
    with pytest.raises(InvalidInput, match=message):
        validate_bbox(bbox)


def test_exactly_one_of_place_and_bbox():
    settings = load_settings()
    with pytest.raises(InvalidInput):
        fetch_overpass(settings=settings)
    with pytest.raises(InvalidInput):
        fetch_overpass(place="Neuss", bbox=CUT, settings=settings)


def test_standin_file_is_a_real_cut(neuss_cut):
    """Guard for the tests above: the cut holds real data and its ways are complete."""
    data, path, _ = neuss_cut
    assert path.stat().st_size > 100_000
    assert isinstance(path, Path)
    kinds = [k for k, _ in data.elements]
    assert kinds.count("way") > 500 and kinds.count("node") > 5000
