"""Gap-map service: the planner's choices → places with a status → gap map → ranked anchor table.

``GapRequest`` checks the choices; ``classify_places_for_gaps`` (pure) decides which places serve
the group; ``run_gap_analysis`` (pure, given a graph) runs :func:`gaps.engine.compute_gaps` and
enriches the anchors with school indicators; ``load_gap_inputs`` is the one database read.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from audits.presumptions import presumptions_version
from audits.rules import Verdict
from audits.time_windows import ANY_TIME, WINDOW_BY_ID, WINDOW_IDS, window_for_group, window_state
from audits.vocabulary import DEFAULT_SPEED_KMH, GROUP_BY_ID, GROUP_IDS, LIMITED, OPEN, FactValue
from base.errors import InvalidInput
from base.i18n import N_, Message, t
from base.settings import Settings, load_settings
from catalogue.categories import ANCHOR_IDS, CATEGORY_BY_ID, CATEGORY_IDS
from catalogue.labels import compute_label
from catalogue.model import WalkNetwork
from catalogue.store import PlaceInfo, load_network, load_places
from gaps.engine import GapParams, GapPlace, GapResult, RouteNote, Status, compute_gaps
from gaps.equity import Equity, compute_equity
from gaps.graph import WalkGraph
from gaps.population import Population, compute_unit_residents, load_population, load_population_version
from gaps.profiles import PROFILE_LABELS, check_profile, profile_for_group
from gaps.schools import SchoolIndicator, load_school_indicators

ALL_GROUPS = "all"
DEFAULT_CATEGORIES: tuple[str, ...] = tuple(c for c in CATEGORY_IDS if c not in ANCHOR_IDS)
VERDICT_CHOICES: dict[str, tuple[str, ...]] = {"open": (OPEN,), "open_limited": (OPEN, LIMITED)}
VERDICT_LABELS: dict[str, str] = {  # id -> message
    "open": N_("open only"),
    "open_limited": N_("open or partly open"),
}
ALL_GROUPS_LABEL = N_("all places (not audited)")
GROUP_TIME = "group"  # the time window of the chosen group (``audits.time_windows.GROUP_WINDOWS``)
TIME_WINDOW_CHOICES: tuple[str, ...] = (ANY_TIME, GROUP_TIME, *WINDOW_IDS)
ANY_TIME_LABEL = N_("any time (hours not checked)")
# ISCED levels as German school stages, for schools without ``school:de``.
_ISCED_DE = {"0": "Elementarbereich", "1": "Primarstufe", "2": "Sekundarstufe I", "3": "Sekundarstufe II"}


def group_label(group: str, lang: str = "de") -> str:
    if group == ALL_GROUPS:
        return t(ALL_GROUPS_LABEL, lang)
    return GROUP_BY_ID[group].label(lang)


def time_window_label(window: str, lang: str = "de") -> str:
    """``any``, a window id (or ``group``: the group's own time) as people read it."""
    if window == ANY_TIME:
        return t(ANY_TIME_LABEL, lang)
    if window == GROUP_TIME:
        return t(N_("the group's usual time"), lang)
    return WINDOW_BY_ID[window].label(lang)


def _parse_categories(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"park_garden,sport"`` or a list of ids → a tuple without duplicates; InvalidInput otherwise."""
    if value is None:
        return DEFAULT_CATEGORIES
    raw = value.split(",") if isinstance(value, str) else list(value)
    items = [str(p).strip() for p in raw]
    items = [p for p in items if p]
    unknown = [p for p in items if p not in CATEGORY_IDS]
    if unknown or not items:
        raise InvalidInput(
            N_("Unknown or no categories {unknown}; choose from: {known}."),
            unknown=", ".join(unknown) or Message(N_("(none)")),
            known=", ".join(CATEGORY_IDS),
        )
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class GapRequest:
    """What the planner chooses for a gap map. Invalid choices raise :class:`InvalidInput`.

    ``group``: a group id or ``all`` (every active place of the categories serves, whatever its
    verdict). ``verdicts``: ``open`` or ``open_limited`` (which verdicts serve). ``speed_kmh``:
    ``None`` = the group's walking speed from the group table (4.5 km/h for ``all``).
    ``time_window``: ``any`` (hours not checked), ``group`` (the group's usual window) or a
    window id of :data:`audits.time_windows.TIME_WINDOWS`.
    ``profile``: a walking profile of :mod:`gaps.profiles` (``None`` = the group's own,
    ``default`` for ``all``); ``strict``: edges whose relevant tags are unknown are impassable.
    """

    group: str = ALL_GROUPS
    verdicts: str = "open"
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    minutes: float = 10.0
    speed_kmh: float | None = None
    catchment_m: float = 1000.0
    h3_resolution: int = 10
    time_window: str = ANY_TIME
    profile: str | None = None
    strict: bool = False

    def __post_init__(self) -> None:
        if self.group != ALL_GROUPS and self.group not in GROUP_IDS:
            raise InvalidInput(
                N_("Unknown group {group!r}; choose 'all' or one of: {choices}."), group=self.group, choices=', '.join(GROUP_IDS),
            )
        if self.verdicts not in VERDICT_CHOICES:
            raise InvalidInput(
                N_("Unknown verdict choice {verdicts!r}; use 'open' or 'open_limited'."), verdicts=self.verdicts,
            )
        if self.time_window not in TIME_WINDOW_CHOICES:
            raise InvalidInput(
                N_("Unknown time window {window!r}; choose one of: {choices}."),
                window=self.time_window, choices=", ".join(TIME_WINDOW_CHOICES),
            )
        object.__setattr__(self, "categories", _parse_categories(self.categories))
        for name in ("minutes", "catchment_m") + (("speed_kmh",) if self.speed_kmh is not None else ()):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidInput(N_("{name} must be a number."), name=name)
        if self.minutes > 120:
            raise InvalidInput(
                N_("The time limit must be at most 120 minutes."),
            )
        if self.catchment_m > 10_000:
            raise InvalidInput(
                N_("The catchment must be at most 10,000 m."),
            )
        if self.profile is not None:
            check_profile(self.profile)
        _ = self.params  # GapParams checks the ranges (time > 0, 0 < speed <= 20, …)

    @property
    def effective_speed_kmh(self) -> float:
        if self.speed_kmh is not None:
            return float(self.speed_kmh)
        return DEFAULT_SPEED_KMH if self.group == ALL_GROUPS else GROUP_BY_ID[self.group].speed_kmh

    @property
    def window_id(self) -> str:
        """The window the hours are checked against: a window id, or ``any``."""
        if self.time_window == GROUP_TIME:
            return ANY_TIME if self.group == ALL_GROUPS else window_for_group(self.group)
        return self.time_window

    @property
    def effective_profile(self) -> str:
        """The chosen walking profile, else the group's own."""
        return self.profile if self.profile is not None else profile_for_group(self.group)

    @property
    def params(self) -> GapParams:
        return GapParams(
            minutes=float(self.minutes),
            speed_kmh=self.effective_speed_kmh,
            catchment_m=float(self.catchment_m),
            h3_resolution=int(self.h3_resolution),
        )

    def describe(self, lang: str = "de") -> dict[str, str]:
        """The parameters as label → text, for the printed map and the page."""
        cats = ", ".join(CATEGORY_BY_ID[c].label(lang) for c in self.categories)
        return {
            t(N_("Group"), lang): group_label(self.group, lang),
            t(N_("Serving verdicts"), lang): t(VERDICT_LABELS[self.verdicts], lang),
            t(N_("Categories"), lang): cats,
            t(N_("Time window"), lang): time_window_label(self.window_id, lang),
            t(N_("Walking speed"), lang): t(N_("{speed} km/h"), lang, speed=self.effective_speed_kmh),
            t(N_("Walking profile"), lang): t(PROFILE_LABELS[self.effective_profile], lang)
            + (" – " + t(N_("unknown ways impassable"), lang) if self.strict else ""),
            t(N_("Time limit"), lang): t(N_("{minutes} min"), lang, minutes=self.minutes),
            t(N_("Catchment"), lang): t(N_("{metres} m"), lang, metres=self.catchment_m),
            t(N_("Hexagons"), lang): f"H3 {self.h3_resolution}",
        }


# ---------------------------------------------------------------- classification (pure)


def _gap_place(place: PlaceInfo, status: Status, presumed: bool = False) -> GapPlace:
    return GapPlace(
        id=place.id,
        name=place.name,
        ref=place.ref,
        category=place.category,
        lon=place.lon,
        lat=place.lat,
        geometry_wkt=place.geometry_wkt,
        status=status,
        presumed=presumed,
        locator=place.locator,
    )


def _in_window(
    status: Status, presumed: bool, hours: FactValue | None, window_id: str
) -> tuple[Status, bool]:
    """A serving place checked against the time window by its opening hours in force."""
    if status != "serving" or window_id == ANY_TIME:
        return status, presumed
    raw = str(hours.value) if hours is not None and hours.is_known else None
    state = window_state(raw, WINDOW_BY_ID[window_id])
    if state is None:
        return "unknown", False
    if hours is not None and hours.source == "presumption":
        # Presumed hours may make a place count (shown as presumed), never shut it out.
        return ("serving", True) if state else ("unknown", False)
    return ("serving", presumed) if state else ("not", False)


def classify_places_for_gaps(
    places: Sequence[PlaceInfo],
    verdicts_by_place: Mapping[int, Mapping[str, Verdict]],
    request: GapRequest,
    hours_by_place: Mapping[int, FactValue] | None = None,
) -> list[GapPlace]:
    """The places of the chosen categories with their status for the gap map.

    ``serving``: the verdict for the group is one the request counts (or group ``all``), marked
    ``presumed`` when that verdict rests on presumed facts;
    ``unknown``: no verdict or verdict unknown – shown apart, never counted as serving;
    ``not``: any other verdict, and every closed place.

    With a time window (``request.window_id`` other than ``any``) a serving place must also be
    open for most of the window by its opening hours in force (``hours_by_place``: audited, else
    OSM, else presumed): hours that say otherwise make it ``not`` (presumed hours: ``unknown``),
    missing or unparseable hours ``unknown``; presumed hours that say open mark it ``presumed``.
    """
    serving_verdicts = VERDICT_CHOICES[request.verdicts]
    wanted = set(request.categories)
    out: list[GapPlace] = []
    for place in places:
        if place.category not in wanted:
            continue
        status: Status
        presumed = False
        if place.status != "active":
            status = "not"
        elif request.group == ALL_GROUPS:
            status = "serving"
        else:
            verdict = verdicts_by_place.get(place.id, {}).get(request.group)
            value = verdict.status if verdict is not None else "unknown"
            if value in serving_verdicts:
                status = "serving"
                presumed = verdict is not None and verdict.presumed
            elif value == "unknown":
                status = "unknown"
            else:
                status = "not"
        hours = (hours_by_place or {}).get(place.id)
        status, presumed = _in_window(status, presumed, hours, request.window_id)
        out.append(_gap_place(place, status, presumed))
    return out


def select_anchors(places: Sequence[PlaceInfo]) -> list[GapPlace]:
    """Active schools and Kitas: the anchors whose catchments the gap map looks at."""
    return [
        _gap_place(p, "serving") for p in places if p.category in ANCHOR_IDS and p.status == "active"
    ]


def school_form_from_tags(tags: Mapping[str, str]) -> str | None:
    """``school:de`` as mapped, else the ISCED levels as German stages (``1;2`` → Primarstufe, Sekundarstufe I)."""
    form = (tags.get("school:de") or "").strip()
    if form:
        return form
    levels = [lv.strip() for lv in (tags.get("isced:level") or "").replace(",", ";").split(";")]
    stages = [_ISCED_DE[lv] for lv in levels if lv in _ISCED_DE]
    return ", ".join(stages) or None


# ---------------------------------------------------------------- the analysis


@dataclass(frozen=True)
class AnchorRow:
    """One school or Kita in the gap report. Distances are ``None`` when no serving place is reachable."""

    place_id: int
    name: str | None
    kind: str  # school | kita
    osm_ref: str | None
    lon: float
    lat: float
    school_form: str | None
    social_index: int | None
    startchancen: bool
    official_name: str | None
    nearest_place_id: int | None
    nearest_place: str | None
    nearest_ref: str | None
    nearest_m: float | None
    nearest_minutes: float | None
    unit_count: int
    underserved_share: float | None
    unknown_share: float | None
    presumed_share: float | None = None
    # What the labels are made of (``catalogue.labels``): the anchor's locator, the nearest place's.
    locator: str | None = None
    nearest_category: str | None = None
    nearest_locator: str | None = None
    # The walking profile's view (gaps.engine.AnchorResult): share of the walk over edges with
    # unknown relevant tags, and the obstacles it avoids or that stop it.
    unknown_route_share: float | None = None
    route_note: RouteNote | None = None

    def route_text(self, lang: str) -> str | None:
        """"avoids steps" / "only reachable over steps" in ``lang``; ``None`` without a note."""
        return self.route_note.text(lang) if self.route_note is not None else None
    # Residents of the catchment's underserved hexagons (``None``: the area has no population).
    residents_underserved: float | None = None

    def label(self, lang: str) -> str:
        """The anchor's name, else "Kita, Goethestraße"."""
        return compute_label(
            name=self.name, category=self.kind, locator=self.locator, ref=self.osm_ref, place_id=self.place_id,
            lang=lang,
        )

    def nearest_label(self, lang: str) -> str | None:
        """The nearest place that counts, as people read it; ``None`` when none is reachable."""
        if self.nearest_place_id is None or self.nearest_m is None:
            return None
        return compute_label(
            name=self.nearest_place,
            category=self.nearest_category or "",
            locator=self.nearest_locator,
            ref=self.nearest_ref,
            place_id=self.nearest_place_id,
            lang=lang,
        )

    def nearest_text(self, catchment_m: float, lang: str) -> str:
        """The nearest serving place as people read it, and in words when there is none."""
        found = self.nearest_label(lang)
        if found is None:
            return t(N_("not reachable within {metres:,} m"), lang, metres=catchment_m)
        return found


@dataclass
class GapReport:
    """A gap map with everything exports and the page need: request, units, ranked anchors, places."""

    request: GapRequest
    result: GapResult
    anchors: list[AnchorRow]
    places: list[GapPlace]
    anchor_places: list[GapPlace]
    seconds: float
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    network: WalkNetwork | None = None  # the streets of the printed map
    # Fairness across social need (``gaps.equity``); None without enough schools with an index.
    equity: Equity | None = None
    # Residents: where they come from, how many per unit (``None``: the area has no population),
    # and the share of the chosen group among them (``None``: no share applies to the group).
    population: Population | None = None
    unit_residents: np.ndarray | None = None
    group_share: float | None = None

    @property
    def cells(self) -> int:
        return len(self.result.cells)

    def residents(self, state: str | None = None) -> float | None:
        """Residents of the units (in ``state``: served, underserved, unknown; ``None``: all
        units); ``None`` when the area has no population – never a 0 that pretends to be data."""
        if self.unit_residents is None:
            return None
        if state is None:
            return float(self.unit_residents.sum())
        return float(self.unit_residents[self.result.unit_state == state].sum())

    def group_people(self, state: str | None = None) -> float | None:
        """People of the chosen group among :meth:`residents` (``None`` when no share applies)."""
        residents = self.residents(state)
        if residents is None or self.group_share is None:
            return None
        return residents * self.group_share

    def count(self, state: str) -> int:
        """Units in ``state`` (served, underserved, unknown; ``presumed``: served only on presumptions)."""
        return int(self.result.counts.get(state, 0))


def rank_by_need(rows: Sequence[AnchorRow]) -> list[AnchorRow]:
    """Highest social index first (schools without one after those with one), then the largest
    underserved share, then the name."""

    def key(row: AnchorRow) -> tuple[Any, ...]:
        return (
            row.social_index is None,
            -(row.social_index or 0),
            row.underserved_share is None,
            -(row.underserved_share or 0.0),
            (row.name or "").casefold(),
            row.place_id,
        )

    return sorted(rows, key=key)


def run_gap_analysis(
    graph: WalkGraph,
    *,
    places: Sequence[PlaceInfo],
    verdicts_by_place: Mapping[int, Mapping[str, Verdict]],
    indicators: Mapping[int, SchoolIndicator],
    request: GapRequest,
    hours_by_place: Mapping[int, FactValue] | None = None,
    population: Population | None = None,
    group_share: float | None = None,
) -> GapReport:
    """Compute the gap map for ``request`` and the anchor table ranked by need.

    ``hours_by_place``: the opening hours in force, for a time window. With a ``population``
    every unit gets its residents and every anchor the residents of its catchment's underserved
    units (a unit in several catchments counts for each of them); ``group_share`` turns residents
    into the people of the request's group.
    """
    started = time.perf_counter()
    if graph.node_count == 0:
        raise InvalidInput(
            N_("This area has no walking network, so walking times cannot be computed. Re-import it from an OSM file."),
        )
    gap_places = classify_places_for_gaps(places, verdicts_by_place, request, hours_by_place)
    anchors = select_anchors(places)
    result = compute_gaps(
        graph, anchors=anchors, places=gap_places, params=request.params,
        profile=request.effective_profile, strict=request.strict,
    )  # fmt: skip
    by_id = {p.id: p for p in places}
    unit_residents: np.ndarray | None = None
    anchor_underserved: list[float | None] = [None] * len(result.anchors)
    if population is not None:
        unit_residents = compute_unit_residents(
            population.points, result.cells, request.h3_resolution, cell_m=population.cell_m
        )
        catchments = result.catchments
        if catchments is not None:
            under = np.where(result.unit_state == "underserved", unit_residents, 0.0)
            anchor_underserved = np.bincount(
                catchments.pair_anchor, weights=under[catchments.pair_unit], minlength=len(result.anchors)
            ).tolist()
    rows: list[AnchorRow] = []
    for res, res_under in zip(result.anchors, anchor_underserved, strict=True):
        place = by_id[int(res.id)]
        nearest = by_id.get(int(res.nearest_id)) if res.nearest_id is not None else None
        ind = indicators.get(place.id)
        rows.append(
            AnchorRow(
                place_id=place.id,
                name=place.name,
                kind=place.category,
                osm_ref=place.ref,
                lon=place.lon,
                lat=place.lat,
                school_form=(ind.school_form if ind and ind.school_form else None)
                or (school_form_from_tags(place.tags) if place.category == "school" else None),
                social_index=ind.social_index if ind else None,
                startchancen=bool(ind.startchancen) if ind else False,
                official_name=ind.official_name if ind else None,
                nearest_place_id=int(res.nearest_id) if res.nearest_id is not None else None,
                nearest_place=res.nearest_name,
                nearest_ref=res.nearest_ref,
                nearest_m=res.distance_m,
                nearest_minutes=res.minutes,
                unit_count=res.unit_count,
                underserved_share=res.underserved_share,
                unknown_share=res.unknown_share,
                presumed_share=res.presumed_share,
                locator=place.locator,
                nearest_category=nearest.category if nearest is not None else None,
                nearest_locator=nearest.locator if nearest is not None else None,
                unknown_route_share=res.unknown_route_share,
                route_note=res.route_note,
                residents_underserved=res_under,
            )
        )
    ranked = rank_by_need(rows)
    return GapReport(
        request=request,
        result=result,
        anchors=ranked,
        places=gap_places,
        anchor_places=anchors,
        seconds=time.perf_counter() - started,
        network=graph.network,
        equity=compute_equity(ranked),
        population=population,
        unit_residents=unit_residents,
        group_share=group_share if population is not None else None,
    )


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _people(value: float | None) -> int | None:
    return None if value is None else round(value)


def report_to_json(report: GapReport, area_name: str, lang: str = "en") -> dict[str, Any]:
    """The CLI's ``--json`` object: exactly these keys, anchors ranked by need.

    ``name`` is the OSM name (``null`` when there is none), ``label`` what people read (the name,
    else "Kita, Goethestraße", in ``lang``); ``nearest_place`` is the nearest serving place's
    label and ``nearest_ref`` its OSM reference. ``osm_ref`` is ``node/123``; ``nearest_m``
    (metres, 1 decimal), ``nearest_minutes`` and ``nearest_place`` are ``null`` when no serving
    place is reachable; the shares are 0 … 1 (3 decimals). ``unknown_cells``: not enough data;
    ``presumed_cells``: served, but only by places whose verdict rests on presumed facts (the
    same per anchor as ``unknown_share`` / ``presumed_share``). ``time_window``: the window the
    opening hours were checked against (a window id, or ``any``). ``equity`` is :func:`equity_to_json`.
    ``profile`` is the walking profile used and ``strict`` whether unknown ways counted as
    impassable; per anchor
    ``unknown_route_share`` is the share of the walk to the nearest serving place over ways whose
    relevant tags are unknown (``null`` for the default profile and when none is reachable), and
    ``route_note`` what the profile avoids or why nothing is reachable ("only reachable over
    steps"; ``null`` when the profile changes nothing).

    Residents (rounded to whole people; ``null`` when the area has no population):
    ``residents`` of all units, ``residents_underserved``, ``residents_unknown``; per anchor
    ``residents_underserved`` of its catchment (a unit in several catchments counts for each
    anchor, but once in the totals). ``residents_group``: the people of the group (``share`` 0…1,
    ``people``, ``underserved``, ``unknown``), ``null`` when no share applies to the group.
    ``population``: its ``source`` (``census`` | ``buildings``), ``source_name``, ``date``, …
    """
    return {
        "area": area_name,
        "group": report.request.group,
        "minutes": report.request.minutes,
        "time_window": report.request.window_id,
        "profile": report.request.effective_profile,
        "strict": report.request.strict,
        "cells": report.cells,
        "underserved_cells": report.count("underserved"),
        "unknown_cells": report.count("unknown"),
        "presumed_cells": report.count("presumed"),
        "residents": _people(report.residents()),
        "residents_underserved": _people(report.residents("underserved")),
        "residents_unknown": _people(report.residents("unknown")),
        "residents_group": None
        if report.group_share is None
        else {
            "share": report.group_share,
            "people": _people(report.group_people()),
            "underserved": _people(report.group_people("underserved")),
            "unknown": _people(report.group_people("unknown")),
        },
        "population": report.population.to_json_dict() if report.population is not None else None,
        "seconds": round(report.seconds, 3),
        "anchors": [
            {
                "name": a.name,
                "label": a.label(lang),
                "kind": a.kind,
                "osm_ref": a.osm_ref,
                "nearest_place": a.nearest_label(lang),
                "nearest_ref": a.nearest_ref if a.nearest_m is not None else None,
                "nearest_m": _round(a.nearest_m, 1),
                "nearest_minutes": _round(a.nearest_minutes, 1),
                "underserved_share": _round(a.underserved_share, 3),
                "unknown_share": _round(a.unknown_share, 3),
                "presumed_share": _round(a.presumed_share, 3),
                "unknown_route_share": _round(a.unknown_route_share, 3),
                "route_note": a.route_text(lang),
                "residents_underserved": _people(a.residents_underserved),
            }
            for a in report.anchors
        ],
        "equity": equity_to_json(report.equity, lang),
    }


def equity_to_json(equity: Equity | None, lang: str = "en") -> dict[str, Any] | None:
    """``null`` without enough schools with a social index (``gaps.equity.MIN_ANCHORS``), else
    ``{"concentration_index", "ratio_most_least_deprived", "most_deprived_share",
    "least_deprived_share", "anchors", "interpretation"}``: the index (4 decimals; > 0 = underserved
    catchments concentrate at the schools with higher need), the ratio of the most to the least
    deprived fifth's mean underserved share (3 decimals; ``null`` when the least deprived fifth has
    none), both means (0 … 1), the number of schools counted and the sentence in ``lang``.
    """
    if equity is None:
        return None
    return {
        "concentration_index": round(equity.concentration_index, 4),
        "ratio_most_least_deprived": _round(equity.ratio_most_least_deprived, 3),
        "most_deprived_share": round(equity.most_deprived_share, 3),
        "least_deprived_share": round(equity.least_deprived_share, 3),
        "anchors": equity.anchors,
        "interpretation": equity.interpretation.localized(lang),
    }


# ---------------------------------------------------------------- loading


@dataclass(frozen=True)
class GapInputs:
    places: list[PlaceInfo]
    verdicts_by_place: dict[int, dict[str, Verdict]]
    indicators: dict[int, SchoolIndicator]
    network: WalkNetwork
    # The opening hours in force per place (audit > OSM > presumption), for the time windows.
    hours_by_place: dict[int, FactValue] = field(default_factory=dict)
    population: Population | None = None


def load_gap_inputs(session: Session, *, area_id: int, settings: Settings | None = None) -> GapInputs:
    """Places, verdicts per place and group, opening hours, school indicators, the walking
    network and the residents of an area (``settings``: the floor area per resident of an
    estimate; default: the environment's)."""
    from audits.store import load_area_audits

    audits = load_area_audits(session, area_id=area_id)
    hours = {pid: pa.facts.get("opening_hours") for pid, pa in audits.items()}
    return GapInputs(
        places=load_places(session, area_id=area_id),
        verdicts_by_place={pid: pa.verdicts for pid, pa in audits.items()},
        indicators=load_school_indicators(session, area_id=area_id),
        network=load_network(session, area_id=area_id),
        hours_by_place={pid: fv for pid, fv in hours.items() if fv is not None and fv.is_known},
        population=load_population(session, area_id=area_id, settings=settings or load_settings()),
    )


def load_gap_inputs_version(session: Session, *, area_id: int) -> tuple[str, ...]:
    """A cheap fingerprint of what :func:`load_gap_inputs` reads (three aggregate queries).

    It changes whenever a place, an audit, a review or the school indicators of the area change,
    so a page can keep the loaded inputs until then instead of reading them on every rerun.
    """
    from sqlalchemy import func, select

    from storage.models_audits import Audit
    from storage.models_catalogue import Area, Place
    from storage.models_gaps import SchoolIndicator as SchoolIndicatorRow

    in_area = Place.area_id == area_id
    places = session.execute(
        select(
            func.count(Place.id),
            func.max(Place.updated_at),
            func.sum(Place.version),
            func.sum(Place.audit_version),
        ).where(in_area)
    ).one()
    audits = session.execute(
        select(func.count(Audit.id), func.max(Audit.reviewed_at))
        .join(Place, Place.id == Audit.place_id)
        .where(in_area)
    ).one()
    schools = session.execute(
        select(func.count(SchoolIndicatorRow.place_id), func.max(SchoolIndicatorRow.imported_at))
        .join(Place, Place.id == SchoolIndicatorRow.place_id)
        .where(in_area)
    ).one()
    imported = session.scalar(select(Area.imported_at).where(Area.id == area_id))
    population = load_population_version(session, area_id=area_id)
    # Verdicts also follow the presumptions table: editing ATLAS_PRESUMPTIONS's file shows at once.
    return tuple(str(v) for v in (*places, *audits, *schools, imported, population, presumptions_version()))
