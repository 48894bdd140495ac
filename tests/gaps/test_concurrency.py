"""One walking graph shared by many sessions: concurrent gap maps equal sequential ones.

The page keeps the graph in ``st.cache_resource``, so every browser session computes its gap
maps on the same object and its per-area caches (catchments, place links, the contraction).
Eight threads start together on one fresh graph, each with another group or parameter set, and
must get exactly what one thread gets alone; the catchments of a parameter set are computed once,
not once per session.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from catalogue.store import get_area
from gaps.graph import WalkGraph, build_graph
from gaps.service import GapInputs, GapReport, GapRequest, load_gap_inputs, run_gap_analysis
from storage.db import session_scope

THREADS = 8
ROUNDS = 3  # each on a fresh graph: a race that hides once rarely hides three times
WIDE = {"minutes": 10.0, "catchment_m": 1000.0, "h3_resolution": 10}
NARROW = {"minutes": 5.0, "catchment_m": 700.0, "h3_resolution": 11}
JOBS: tuple[GapRequest, ...] = (
    GapRequest(group="all", **WIDE),
    GapRequest(group="wheelchair", **WIDE),
    GapRequest(group="prams", verdicts="open_limited", **WIDE),
    GapRequest(group="newcomers", categories=("playground", "park_garden"), **WIDE),
    GapRequest(group="all", **NARROW),
    GapRequest(group="wheelchair", verdicts="open_limited", **NARROW),
    GapRequest(group="children", categories=("playground", "park_garden"), **NARROW),
    GapRequest(group="seniors", **NARROW),
)


@pytest.fixture(scope="module")
def inputs(berlin_db) -> GapInputs:
    _, engine = berlin_db
    with session_scope(engine, read_only=True) as session:
        return load_gap_inputs(session, area_id=get_area(session, name="Borsigwalde").id)


@pytest.fixture
def frequent_thread_switches():
    """Switch threads every 10 µs instead of every 5 ms, so interleavings a fast machine would
    skip over actually happen."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


def analyse(graph: WalkGraph, inputs: GapInputs, request: GapRequest) -> GapReport:
    return run_gap_analysis(
        graph,
        places=inputs.places,
        verdicts_by_place=inputs.verdicts_by_place,
        indicators=inputs.indicators,
        request=request,
    )


def figures(report: GapReport) -> dict[str, Any]:
    """What the planner sees: every cell's state, time and nearest place, and the anchor table."""
    result = report.result
    return {
        "cells": list(result.cells),
        "state": result.unit_state.tolist(),
        "distance_m": result.unit_distance_m.tolist(),
        "nearest": result.unit_nearest_index.tolist(),
        "catchments": result.unit_anchor_count.tolist(),
        "counts": dict(result.counts),
        "anchors": list(report.anchors),
        "node_distance_m": result.node_distance_m.tolist(),
    }


def test_jobs_differ():
    """Every thread gets another group or parameter set, and both parameter sets are used."""
    assert len(set(JOBS)) == len(JOBS) == THREADS
    assert len({(r.catchment_m, r.h3_resolution) for r in JOBS}) == 2


def test_eight_sessions_on_one_graph_get_the_sequential_results(inputs, frequent_thread_switches):
    alone = build_graph(inputs.network)
    expected = [figures(analyse(alone, inputs, request)) for request in JOBS]
    assert len({str(e["counts"]) for e in expected}) >= 4  # the jobs really compute different maps
    assert all(e["cells"] and e["anchors"] for e in expected)

    for _ in range(ROUNDS):
        shared = build_graph(inputs.network)
        start = threading.Barrier(THREADS)

        def session(request: GapRequest, graph: WalkGraph = shared, start: threading.Barrier = start):
            start.wait(timeout=60)
            return analyse(graph, inputs, request)

        with ThreadPoolExecutor(THREADS) as pool:
            futures = [pool.submit(session, request) for request in JOBS]
            reports = [f.result(timeout=120) for f in futures]  # re-raises a thread's exception

        # Compared only after every thread finished: a later session must not change an earlier map.
        for request, report, want in zip(JOBS, reports, expected, strict=True):
            assert report.request == request
            assert figures(report) == want, request
        # Sessions wait for the one computing the catchments they need instead of computing them again.
        for key in {(r.catchment_m, r.h3_resolution) for r in JOBS}:
            built = [
                rep.result.catchment_seconds > 0
                for req, rep in zip(JOBS, reports, strict=True)
                if (req.catchment_m, req.h3_resolution) == key
            ]
            assert sum(built) == 1, (key, built)
