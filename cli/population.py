"""``python -m audits import-population FILE --area NAME`` and ``estimate-population --area NAME``.

An area's residents come from one source: an imported census grid (Zensus 2022, 100 m), or the
estimate from its OSM buildings, optionally scaled to a known total (``--residents``). Importing
a grid makes it the source; ``estimate-population`` switches back to the estimate.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sqlalchemy import Engine

from cli.common import EXIT_OK, Command


def _import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="Zensus 2022 100 m grid CSV (GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner)")
    p.add_argument("--area", required=True, help="name of the area")
    p.add_argument("--json", action="store_true", help="print one JSON object with what was stored")


def _cmd_import(args: argparse.Namespace, engine: Engine) -> int:
    from accounts.auth import CONSOLE
    from catalogue.store import get_area
    from gaps.population import read_census_file, save_census_population
    from storage.db import session_scope

    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name=args.area)
    grid = read_census_file(args.file, bbox=area.bbox)  # read and check everything before writing
    with session_scope(engine) as session:
        save_census_population(session, actor=CONSOLE, area_id=area.id, grid=grid, source_name=args.file.name)
    if args.json:
        print(json.dumps({
            "area": area.name, "source": "census", "source_name": args.file.name, "rows": grid.rows,
            "cells": grid.points.count, "suppressed": grid.suppressed, "residents": round(grid.points.total),
        }, ensure_ascii=False))  # fmt: skip
    else:
        print(
            f"Area {area.name!r}: {grid.points.count} census cells from {args.file.name} "
            f"({grid.rows} read), {grid.points.total:,.0f} residents, {grid.suppressed} cells suppressed."
        )
    return EXIT_OK


def _estimate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--area", required=True, help="name of the area")
    p.add_argument("--residents", type=int, help="known number of residents the estimate is scaled to")
    p.add_argument("--json", action="store_true", help="print one JSON object with the estimate")


def _cmd_estimate(args: argparse.Namespace, engine: Engine) -> int:
    from accounts.auth import CONSOLE
    from base.errors import InvalidInput
    from base.i18n import N_
    from base.settings import load_settings
    from catalogue.store import get_area
    from gaps.population import load_population, save_building_estimate
    from storage.db import session_scope

    settings = load_settings()
    with session_scope(engine) as session:
        area = get_area(session, name=args.area)
        save_building_estimate(session, actor=CONSOLE, area_id=area.id, total=args.residents)
        population = load_population(session, area_id=area.id, settings=settings)
        if population is None:
            raise InvalidInput(
                N_("Area {area!r} has no residential buildings in its base map, so residents cannot be estimated. Re-import it from an OSM file with buildings, or import a census grid."),
                area=area.name,
            )  # fmt: skip
    if args.json:
        print(json.dumps({"area": area.name, **population.to_json_dict()}, ensure_ascii=False))
    else:
        scaled = f", scaled to {args.residents:,}" if args.residents is not None else ""
        print(
            f"Area {area.name!r}: about {population.total:,.0f} residents estimated from "
            f"{population.points.count} residential buildings ({settings.floor_area_per_resident} m² per person{scaled})."
        )
    return EXIT_OK


IMPORT_POPULATION = Command(
    "import-population", "import a census grid (Zensus 2022, 100 m) as the residents of an area", _import_args, _cmd_import
)
ESTIMATE_POPULATION = Command(
    "estimate-population",
    "estimate the residents of an area from its OSM buildings (optionally scaled to a known total)",
    _estimate_args,
    _cmd_estimate,
)
