"""`python -m catalogue import --bbox/--place` against the local Overpass/Nominatim stand-in.

The live path of the CLI, end to end: osmnx talks HTTP to a server on 127.0.0.1 that answers in
Overpass JSON built from the real Neuss extract; an unreachable server ends with exit code 3, a
message naming the server, and an unchanged database.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from catalogue.osm_file import read_osm_file
from tests.cli.test_import_cli import dump
from tests.overpass_standin import OsmData, StandIn

ROOT = Path(__file__).resolve().parents[2]
CUT = (6.678, 51.195, 6.688, 51.204)  # Neuss: three schools, three Kitas


@pytest.fixture(scope="module")
def neuss_cut(extract_path, tmp_path_factory):
    data = OsmData(extract_path("neuss"), CUT)
    path = tmp_path_factory.mktemp("cut") / "neuss-cut.osm"
    data.write_osm(path)
    west, south, east, north = data.node_extent
    return data, path, (west - 0.001, south - 0.001, east + 0.001, north + 0.001)


def run_live(db_url: str, overpass: str, nominatim: str, cache: Path, *args: str):
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "ATLAS_OVERPASS_URL": overpass,
        "ATLAS_NOMINATIM_URL": nominatim,
        "ATLAS_HTTP_TIMEOUT": "5",
        "ATLAS_CACHE_DIR": str(cache),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "catalogue", "import", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_cli_imports_a_bbox_and_a_place_from_overpass(db_url, neuss_cut, tmp_path):
    data, path, cover = neuss_cut
    expected = read_osm_file(path)
    with StandIn(data, {"neuss innenstadt-süd": cover}) as server:
        bbox = ",".join(f"{v:.6f}" for v in cover)
        by_bbox = run_live(db_url, server.overpass_url, server.nominatim_url, tmp_path, "--bbox", bbox,
                           "--area", "Neuss live", "--json")  # fmt: skip
        assert by_bbox.returncode == 0, by_bbox.stderr
        result = json.loads(by_bbox.stdout)
        assert result["places"] == len(expected.places)
        assert result["schools"] == 3 and result["kitas"] == 3
        by_place = run_live(db_url, server.overpass_url, server.nominatim_url, tmp_path,
                            "--place", "Neuss Innenstadt-Süd", "--area", "Neuss live", "--json")  # fmt: skip
        assert by_place.returncode == 0, by_place.stderr
        assert json.loads(by_place.stdout)["places"] == len(expected.places)
    assert "/api/interpreter" in server.requests


def test_cli_unreachable_overpass_exits_3_and_changes_nothing(db_url, extract_path, tmp_path):
    seed = subprocess.run(
        [sys.executable, "-m", "catalogue", "import", str(extract_path("neuss")), "--area", "Neuss"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": db_url}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert seed.returncode == 0, seed.stderr
    before = dump(db_url)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = f"http://127.0.0.1:{port}/api"
    result = run_live(db_url, dead, f"http://127.0.0.1:{port}/nominatim/", tmp_path,
                      "--bbox", "6.678,51.195,6.688,51.204", "--area", "Neuss")  # fmt: skip
    assert result.returncode == 3
    assert f"127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
    assert dump(db_url) == before
