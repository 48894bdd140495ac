"""Benchmark: our pyosmium reader against the osmnx XML path, on real extracts.

    python bench/bench_import.py [--extract PATH ...] [--no-osmnx]

For each extract: convert it to .osm XML once (outside the timing), time ``read_osm_file`` on
the .pbf and on the XML (best of 3), and osmnx ``features_from_xml`` + ``graph_from_xml`` on the
XML (once, it is slow). Without ``--extract`` the three extracts in ../shared/data are used.
If the import service is there, the full import into a temporary SQLite database is timed too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import osmium  # noqa: E402

from catalogue.categories import overpass_tags  # noqa: E402
from catalogue.osm_file import read_osm_file  # noqa: E402

DEFAULT_EXTRACTS = sorted((ROOT.parent / "shared" / "data").glob("*.osm.pbf"))


def to_xml(src: Path, out: Path) -> None:
    with osmium.SimpleWriter(str(out)) as writer:
        for obj in osmium.FileProcessor(str(src)):
            writer.add(obj)


def merge_extracts(srcs: list[Path], out: Path) -> None:
    """One file with all given extracts: a town-sized test case (> 5,000 highway ways)."""
    reader = osmium.MergeInputReader()
    for src in srcs:
        reader.add_file(str(src))
    with osmium.SimpleWriter(str(out)) as writer:
        reader.apply(writer)


def count_highway_ways(src: Path) -> int:
    proc = osmium.FileProcessor(str(src), osmium.osm.WAY).with_filter(osmium.filter.KeyFilter("highway"))
    return sum(1 for _ in proc)


def best_of(n: int, fn) -> float:
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def time_osmnx(xml: Path) -> float:
    import osmnx as ox

    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # osmnx/pandas chatter is not what we measure
        ox.features_from_xml(xml, tags=overpass_tags())
        ox.graph_from_xml(xml, simplify=False, retain_all=True)
    return time.perf_counter() - t


def time_import(src: Path, tmp: Path) -> float | None:
    try:
        from accounts.auth import CONSOLE
        from catalogue.importer import import_file
        from storage.db import open_database
    except ImportError:
        return None
    engine = open_database(f"sqlite:///{tmp / (src.stem + '.db')}")
    try:
        t = time.perf_counter()
        import_file(engine, path=src, area_name=src.name.split(".")[0][:40], actor=CONSOLE)
        return time.perf_counter() - t
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--extract", action="append", type=Path, help="an .osm.pbf (repeatable)")
    parser.add_argument("--no-osmnx", action="store_true", help="skip the slow osmnx comparison")
    args = parser.parse_args(argv)
    extracts = args.extract or DEFAULT_EXTRACTS
    if not extracts:
        parser.error("no extracts found; pass --extract PATH")
    header = f"{'file':42} {'hw ways':>7} {'places':>6} {'ours pbf':>8} {'ours xml':>8} {'osmnx xml':>9} {'x xml':>6} {'import':>7} {'x import':>8}"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        if len(extracts) > 1:
            merged = tmp / "all-extracts-merged.osm.pbf"
            merge_extracts(extracts, merged)
            extracts = [*extracts, merged]
        for src in extracts:
            xml = tmp / (src.name.removesuffix(".pbf"))
            to_xml(src, xml)
            places = len(read_osm_file(src).places)
            ours_pbf = best_of(3, lambda src=src: read_osm_file(src))
            ours_xml = best_of(3, lambda xml=xml: read_osm_file(xml))
            osmnx_s = None if args.no_osmnx else time_osmnx(xml)
            imp = time_import(src, tmp)
            ratio = f"{osmnx_s / ours_xml:6.1f}" if osmnx_s else "     -"
            osmnx_txt = f"{osmnx_s:9.2f}" if osmnx_s else "        -"
            imp_txt = f"{imp:7.2f}" if imp is not None else "      -"
            x_import = f"{osmnx_s / imp:8.1f}" if osmnx_s and imp else "       -"
            print(
                f"{src.name:42} {count_highway_ways(src):7d} {places:6d} {ours_pbf:8.3f} {ours_xml:8.3f} "
                f"{osmnx_txt} {ratio} {imp_txt} {x_import}"
            )
    print(
        "seconds. x xml = osmnx on the .osm XML / our reader on the same XML (like for like);\n"
        "import = our whole import of the .pbf (read places + walking network + base map, save into a\n"
        "new SQLite database); x import = osmnx on the XML (features_from_xml + graph_from_xml, no\n"
        "saving) / that import – the goal is >= 10x and < 2 s for ~5,000 highway ways."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
