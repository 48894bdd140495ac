"""``python -m audits gaps …`` and ``python -m audits import-schools FILE``.

``gaps`` computes a gap map for one area and group, prints a summary (or ``--json``) and writes
``--out FILE`` (.gpkg, .geojson, .csv, .xlsx, .pdf or .png). ``import-schools`` matches an official
school list (the NRW list with the Schulsozialindex) to the OSM schools of an area (or every
area) and stores the indicators that rank anchors by need.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from audits.vocabulary import GROUP_IDS
from base.errors import InvalidInput
from base.i18n import N_
from cli.common import EXIT_OK, Command
from gaps.profiles import PROFILE_IDS
from gaps.service import ALL_GROUPS, TIME_WINDOW_CHOICES, VERDICT_CHOICES, GapRequest

# ---------------------------------------------------------------- gaps


def _gaps_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--area", required=True, help="name of the area")
    p.add_argument("--group", required=True, choices=[ALL_GROUPS, *GROUP_IDS],
                   help="group whose verdicts count, or 'all' (every place of the categories counts)")  # fmt: skip
    p.add_argument("--verdicts", default="open", choices=list(VERDICT_CHOICES),
                   help="which verdicts serve: open (default) or open_limited")  # fmt: skip
    p.add_argument(
        "--categories", help="comma-separated categories that count (default: all but school and kita)"
    )
    p.add_argument("--time-window", default="any", choices=list(TIME_WINDOW_CHOICES), metavar="NAME|group|any",
                   help="count a place only if its opening hours say it is open for most of this window: "
                        f"{', '.join(TIME_WINDOW_CHOICES[2:])}; 'group' = the group's usual time; "
                        "'any' (default) = hours not checked")  # fmt: skip
    p.add_argument("--minutes", type=float, default=10.0, help="time limit in minutes (default 10)")
    p.add_argument("--speed-kmh", type=float, default=None, help="walking speed (default: the group's)")
    p.add_argument(
        "--catchment-m", type=float, default=1000.0, help="catchment along streets in metres (default 1000)"
    )
    p.add_argument(
        "--resolution", type=int, default=10, help="H3 hexagon resolution (default 10, ~0.015 km²)"
    )
    p.add_argument("--profile", choices=list(PROFILE_IDS),
                   help="walking profile (default: the group's own; 'default' for --group all)")  # fmt: skip
    p.add_argument("--strict", action="store_true",
                   help="count ways whose relevant tags are unknown as impassable (default: passable, reported)")  # fmt: skip
    p.add_argument("--out", type=Path, help="write FILE: .gpkg, .geojson, .csv, .xlsx, .pdf or .png")
    p.add_argument("--crs", default="EPSG:4326", choices=["EPSG:4326", "EPSG:25832"],
                   help="coordinate system of the GeoPackage (default EPSG:4326)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print one JSON object with the anchor table")


def _cmd_gaps(args: argparse.Namespace, engine: Engine) -> int:
    from base.settings import load_settings
    from catalogue.store import get_area, load_basemap
    from exports.gaps import export_gaps, format_for_path
    from gaps.equity import equity_line
    from gaps.graph import build_graph
    from gaps.population import group_share
    from gaps.service import load_gap_inputs, report_to_json, run_gap_analysis
    from storage.db import session_scope

    request = GapRequest(
        group=args.group,
        verdicts=args.verdicts,
        categories=args.categories if args.categories is not None else GapRequest().categories,
        minutes=args.minutes,
        speed_kmh=args.speed_kmh,
        catchment_m=args.catchment_m,
        h3_resolution=args.resolution,
        time_window=args.time_window,
        profile=args.profile,
        strict=args.strict,
    )
    fmt = format_for_path(args.out) if args.out is not None else None  # check before the work
    settings = load_settings()
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name=args.area)
        inputs = load_gap_inputs(session, area_id=area.id, settings=settings)
        basemap = load_basemap(session, area_id=area.id) if fmt in ("pdf", "png") else None
    report = run_gap_analysis(
        build_graph(inputs.network),
        places=inputs.places,
        verdicts_by_place=inputs.verdicts_by_place,
        indicators=inputs.indicators,
        request=request,
        hours_by_place=inputs.hours_by_place,
        population=inputs.population,
        group_share=group_share(request.group, settings),
    )
    if args.out is not None:
        out = export_gaps(report, out=args.out, fmt=fmt, crs=args.crs, basemap=basemap, area_name=area.name)
        print(f"Wrote {out}", file=sys.stderr)
    if args.json:
        print(json.dumps(report_to_json(report, area.name), ensure_ascii=False))
        return EXIT_OK
    print(
        f"Gap map for {area.name!r}, group {request.group}, time window {request.window_id}, {request.minutes:g} min at "
        f"{request.effective_speed_kmh:g} km/h, profile {request.effective_profile}"
        f"{' (strict)' if request.strict else ''}: {report.cells} hexagons, {report.count('served')} served, "
        f"({report.count('presumed')} only on presumptions), "
        f"{report.count('underserved')} underserved, {report.count('unknown')} not enough data "
        f"({report.seconds:.2f} s)."
    )
    residents, under = report.residents(), report.residents("underserved")
    if residents is not None and under is not None and report.population is not None:
        print(
            f"Residents ({report.population.source}): {residents:,.0f} in the catchments, "
            f"{under:,.0f} underserved, {report.residents('unknown') or 0:,.0f} not enough data."
        )
    for rank, a in enumerate(report.anchors, start=1):
        nearest = (
            f"{a.nearest_label('en')} ({a.nearest_ref or '-'}) {a.nearest_m:.0f} m / {a.nearest_minutes:.1f} min"
            if a.nearest_m is not None and a.nearest_minutes is not None
            else a.nearest_text(request.catchment_m, "en")
        )
        share = "-" if a.underserved_share is None else f"{a.underserved_share * 100:.0f} %"
        social = f" SI {a.social_index}" if a.social_index is not None else ""
        route = ""
        if a.unknown_route_share is not None:
            route = f"; route {a.unknown_route_share * 100:.0f} % unknown"
        if a.route_note is not None:
            route += f"; {a.route_text('en')}"
        print(f"{rank:3}. [{a.kind}] {a.label('en')}{social}: nearest {nearest}; underserved {share}{route}")
    if report.equity is not None:
        print(equity_line(report.equity, "en"))
    return EXIT_OK


# ---------------------------------------------------------------- import-schools


def _schools_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="official school list (CSV), e.g. the NRW list with Sozialindex")
    p.add_argument("--area", help="only this area (default: every area)")
    p.add_argument(
        "--max-m", type=float, default=150.0, help="largest distance of a match in metres (default 150)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object per area")


def _school_json(s: Any) -> dict[str, Any]:
    return {"school_number": s.school_number, "name": s.official_name, "school_form": s.school_form,
            "social_index": s.social_index, "startchancen": s.startchancen}  # fmt: skip


def _cmd_import_schools(args: argparse.Namespace, engine: Engine) -> int:
    from accounts.auth import CONSOLE
    from catalogue.store import get_area, list_areas, load_places
    from gaps.schools import match_schools, parse_school_list, save_school_indicators
    from storage.db import session_scope

    if not 0 < args.max_m <= 1000:
        raise InvalidInput(
            N_("--max-m must be between 0 and 1000 m.")
        )
    official = parse_school_list(args.file)
    results = []
    with session_scope(engine) as session:
        areas = [get_area(session, name=args.area)] if args.area else list_areas(session)
        for area in areas:
            places = load_places(session, area_id=area.id, include_closed=False)
            schools = [p for p in places if p.category == "school"]
            report = match_schools(official, schools, max_m=args.max_m, area_bbox=area.bbox)
            save_school_indicators(
                session, actor=CONSOLE, area_id=area.id, report=report, source=args.file.name
            )
            by_id = {p.id: p for p in schools}
            results.append((area, report, by_id))
    if args.json:
        for area, report, by_id in results:
            print(json.dumps({
                "area": area.name,
                "source": args.file.name,
                "official_schools": len(official),
                "matched": [
                    {"osm_ref": by_id[m.place_id].ref, "osm_name": by_id[m.place_id].name,
                     "label": by_id[m.place_id].label("en"), "distance_m": m.distance_m, "name_score": m.name_score, **_school_json(m.school)}
                    for m in report.matched
                ],
                "unmatched_official_in_area": [_school_json(s) for s in report.unmatched_official_in_area],
                "unmatched_osm": [
                    {"osm_ref": p.ref, "name": p.name, "label": p.label("en")} for p in report.unmatched_osm
                ],
            }, ensure_ascii=False))  # fmt: skip
        return EXIT_OK
    for area, report, by_id in results:
        print(
            f"Area {area.name!r}: matched {len(report.matched)} of {len(by_id)} OSM schools with "
            f"{args.file.name} ({len(official)} schools)."
        )
        for m in report.matched:
            place = by_id[m.place_id]
            si = "-" if m.school.social_index is None else m.school.social_index
            print(f"  matched   {place.ref} {place.label('en')} = {m.school.school_number} "
                  f"{m.school.official_name} ({m.distance_m:.0f} m, Sozialindex {si})")  # fmt: skip
        for p in report.unmatched_osm:
            print(f"  OSM only  {p.ref} {p.label('en')}")
        for s in report.unmatched_official_in_area:
            print(f"  list only {s.school_number} {s.official_name} ({s.address})")
    return EXIT_OK


GAPS = Command("gaps", "compute a gap map around schools and Kitas for one group", _gaps_args, _cmd_gaps)
IMPORT_SCHOOLS = Command(
    "import-schools",
    "match an official school list to the OSM schools and store its indicators",
    _schools_args,
    _cmd_import_schools,
)
