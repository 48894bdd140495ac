"""Benchmark the audit worklist's reach computation against the obvious ways to get the same numbers.

    python bench/bench_worklist.py [--tiles 4]

For every place with an unknown verdict the worklist needs the hexagons that place alone would
decide. Ours: ``gaps.engine.compute_place_reach`` (bounded multi-row searches on the contracted
place graph). The obvious alternatives, timed on a sample of candidates and scaled to all of them:

* ``regap``: recompute the whole gap map once per candidate with that place switched to serving
  (``compute_gaps``, warm caches) and count the units that turned served;
* ``networkx``: one bounded ``single_source_dijkstra_path_length`` per candidate.

Runs on the three shared extracts and on a synthetic city (``--tiles`` × ``--tiles`` stitched
copies of the Berlin extract, as in ``bench_gaps.py``). The counts of all three agree on the sample.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_gaps import gap_places, nx_graph, tile, with_place_nodes  # noqa: E402

from catalogue.osm_file import read_osm_file  # noqa: E402
from gaps.engine import GapParams, GapPlace, compute_gaps, compute_place_reach  # noqa: E402
from gaps.graph import build_graph  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
EXTRACTS = ("berlin-reinickendorf-borsigwalde", "muenchen-altstadt-isarvorstadt", "neuss-innenstadt-sued")
SAMPLE = 12


def run(name: str, net, places_in, rng: np.random.Generator, with_nx: bool = True) -> None:
    params = GapParams()
    graph = build_graph(net)
    anchors, places = gap_places(places_in, rng)
    candidates = np.flatnonzero([p.status == "unknown" for p in places])
    base = compute_gaps(graph, anchors=anchors, places=places, params=params)  # warms every cache
    start = time.perf_counter()
    reach = compute_place_reach(graph, anchors=anchors, places=places, sources=candidates, params=params)
    unknown = base.unit_state == "unknown"
    ours_counts = np.asarray(reach[:, unknown].sum(axis=1)).ravel()
    t_ours = time.perf_counter() - start

    sample = rng.choice(candidates.size, size=min(SAMPLE, candidates.size), replace=False)
    start = time.perf_counter()
    regap_counts = []
    for k in sample:
        i = int(candidates[k])
        switched = places[:i] + [GapPlace(**{**places[i].__dict__, "status": "serving"})] + places[i + 1 :]
        after = compute_gaps(graph, anchors=anchors, places=switched, params=params)
        regap_counts.append(int(np.count_nonzero(unknown & (after.unit_state == "served"))))
    t_regap = (time.perf_counter() - start) / len(sample) * candidates.size
    assert regap_counts == ours_counts[sample].tolist(), (regap_counts, ours_counts[sample].tolist())

    line = (
        f"{name:<34} {net.node_count:>9,} nodes {len(anchors):>5} anchors {candidates.size:>5} candidates "
        f"{len(base.cells):>7} units | ours {t_ours:7.3f} s | "
        f"regap {t_regap:8.2f} s ({t_regap / t_ours:6.0f}×)"
    )
    if with_nx:
        g = with_place_nodes(nx_graph(net), graph, places)
        start = time.perf_counter()
        for k in sample:
            nx.single_source_dijkstra_path_length(g, ("place", int(candidates[k])), cutoff=params.limit_m)
        t_nx = (time.perf_counter() - start) / len(sample) * candidates.size
        line += f" | networkx {t_nx:8.2f} s ({t_nx / t_ours:6.0f}×)"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, default=4, help="copies per side for the synthetic city")
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    print(f"worklist reach for every unknown place; alternatives timed on {SAMPLE} candidates and scaled")
    berlin = None
    for name in EXTRACTS:
        extract = read_osm_file(SHARED / f"{name}.osm.pbf")
        run(name, extract.network, extract.places, rng)
        if name.startswith("berlin"):
            berlin = extract
    assert berlin is not None
    net, places = tile(berlin.network, berlin.places, args.tiles)
    run(f"synthetic city ({args.tiles}×{args.tiles} Berlin)", net, places, rng, with_nx=False)


if __name__ == "__main__":
    main()
