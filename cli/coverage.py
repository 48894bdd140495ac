"""``python -m audits coverage --area NAME`` and ``python -m audits worklist --area NAME --group G``.

``coverage`` prints how many places have a definite verdict per group, on what basis (audit,
OSM, suggestion, presumption), and how many audits are missing or due, per category too.
``worklist`` lists the places whose audit would decide the most hexagons of the gap maps of the
chosen groups (score: see :mod:`gaps.worklist`), best first.
"""

from __future__ import annotations

import argparse
import json

from sqlalchemy import Engine

from audits.vocabulary import GROUP_IDS
from cli.common import EXIT_OK, Command
from gaps.worklist import DEFAULT_LIMIT

# ---------------------------------------------------------------- coverage


def _coverage_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--area", required=True, help="name of the area")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f} %"


def _cmd_coverage(args: argparse.Namespace, engine: Engine) -> int:
    from audits.coverage import BASIS_ORDER, load_coverage
    from catalogue.store import get_area
    from storage.db import session_scope

    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name=args.area)
        cov = load_coverage(session, area_id=area.id)
    if args.json:
        print(json.dumps(cov.to_json_dict(), ensure_ascii=False))
        return EXIT_OK
    print(
        f"Audit coverage of {cov.area!r}: {cov.places} active places, {cov.audited} audited, "
        f"{cov.never_audited} never audited, {cov.reaudit_due} due for a re-audit (older than 24 months)."
    )
    print(f"{'group':<16} {'definite':>9} {'share':>6} {'unknown':>8}  " + " ".join(f"{s:>11}" for s in BASIS_ORDER))
    for gid, g in cov.groups.items():
        print(
            f"{gid:<16} {g.definite:>9} {_share(g.definite_share):>6} {g.unknown:>8}  "
            + " ".join(f"{g.by_source[s]:>11}" for s in BASIS_ORDER)
        )
    print()
    print(f"{'category':<18} {'places':>7} {'audited':>8} {'due':>5}  definite share per group (lowest first)")
    for cid, c in cov.categories.items():
        lowest = sorted(c.groups.items(), key=lambda kv: (kv[1].definite_share or 0.0, kv[0]))[:3]
        shares = ", ".join(f"{gid} {_share(g.definite_share)}" for gid, g in lowest)
        print(f"{cid:<18} {c.places:>7} {c.audited:>8} {c.reaudit_due:>5}  {shares}")
    return EXIT_OK


# ---------------------------------------------------------------- worklist


def _worklist_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--area", required=True, help="name of the area")
    p.add_argument("--group", required=True, action="append",
                   help=f"group id (repeat or comma-separate for several): {', '.join(GROUP_IDS)}")  # fmt: skip
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help=f"how many places (default {DEFAULT_LIMIT})")
    p.add_argument("--minutes", type=float, default=10.0, help="time limit of the gap map in minutes (default 10)")
    p.add_argument("--json", action="store_true", help="print one JSON list, best first")


def _cmd_worklist(args: argparse.Namespace, engine: Engine) -> int:
    from catalogue.store import get_area
    from gaps.graph import build_graph
    from gaps.service import GapRequest, load_gap_inputs
    from gaps.worklist import check_groups, compute_worklist, worklist_to_json
    from storage.db import session_scope

    groups = check_groups(args.group)  # before the work: a typo fails at once
    request = GapRequest(minutes=args.minutes)
    with session_scope(engine, read_only=True) as session:
        area = get_area(session, name=args.area)
        inputs = load_gap_inputs(session, area_id=area.id)
    items = compute_worklist(
        build_graph(inputs.network),
        places=inputs.places,
        verdicts_by_place=inputs.verdicts_by_place,
        indicators=inputs.indicators,
        groups=groups,
        request=request,
        limit=args.limit,
    )
    rows = worklist_to_json(items, "en")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    print(
        f"Audit worklist for {area.name!r}, groups {', '.join(groups)}, {request.minutes:g} min: "
        f"{len(rows)} places whose audit would decide hexagons of the gap map."
    )
    for rank, row in enumerate(rows, start=1):
        print(f"{rank:3}. {row['place']} [{row['category']}] {row['osm_ref'] or ''} score {row['score']:g}: {row['reason']}")
    return EXIT_OK


COVERAGE = Command("coverage", "how much of an area is audited: definite verdicts per group and their basis", _coverage_args, _cmd_coverage)
WORKLIST = Command("worklist", "places whose audit would decide the most of the gap map for the chosen groups", _worklist_args, _cmd_worklist)
