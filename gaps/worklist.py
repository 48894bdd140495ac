"""The audit worklist: which places to audit first so the gap map learns the most.

A place whose verdict for a group is unknown never serves in the gap map; the hexagons only it
(or other unknown places) could serve are "not enough data". Auditing it settles them: found
open, it serves every such hexagon within the walking limit, found not open, those hexagons
move towards "underserved" (unless another unknown place reaches them too).

**Score.** For the chosen groups G and the gap parameters of a :class:`~gaps.service.GapRequest`
(its categories, walking time and speed, catchment, hexagon size), the candidates are the active
places of the categories whose verdict for a group g in G is unknown. For one group g,

    score_g(p) = Σ w(u) over the hexagons u that are "unknown" in the gap map for g and lie
                 within the walking limit of p (network distance + snap ≤ limit, as the engine
                 tests "served")

– exactly the hexagons that turn "served" if p alone is audited as open (an underserved
hexagon has no unknown place within the limit, a served one is settled already), so
``unknown_cells`` falls by their number. ``w(u) = 1 + (SI − 1) / 8``, where SI is the highest
NRW Schulsozialindex (1 … 9) among the anchors whose catchment holds u, and 1 where none is
known: a hexagon around the most deprived school counts twice as much as one where the index is
unknown or 1. score(p) = Σ_g score_g(p) over the groups for which p is unknown (each group's
own walking speed, unless the request fixes one). ``units`` is the number of distinct hexagons
p would decide for at least one group; the reason names the anchor whose catchment holds most
of them. Places that would decide no hexagon are left out. Ties: by name, then id.

:func:`compute_worklist` is pure given the graph; the reach of every candidate comes from
:func:`gaps.engine.compute_place_reach` (bounded searches, many sources per call).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from audits.rules import Verdict
from audits.vocabulary import GROUP_BY_ID, GROUP_IDS
from base.errors import InvalidInput
from base.i18n import N_, Joined, Localized, Message, PerLanguage, nt, t
from catalogue.labels import compute_label
from catalogue.store import PlaceInfo
from gaps.engine import GapPlace, cached_catchments, compute_gaps, compute_place_reach
from gaps.graph import WalkGraph
from gaps.schools import SchoolIndicator
from gaps.service import ALL_GROUPS, GapRequest, classify_places_for_gaps, select_anchors

DEFAULT_LIMIT = 20
# The Schulsozialindex runs from 1 (least) to 9 (most deprived): the weight from 1 to 2.
SOCIAL_INDEX_MIN, SOCIAL_INDEX_MAX = 1, 9


@dataclass(frozen=True)
class WorklistItem:
    """One place to audit, with what auditing it would decide."""

    place_id: int
    name: str | None
    osm_ref: str | None
    category: str
    score: float
    units: int  # distinct hexagons it would decide (for at least one group)
    anchor_name: str | None  # name of the anchor whose catchment holds most of them
    reason: Localized  # "would decide 14 hexagons around Grundschule X"
    units_by_group: dict[str, int] = dataclasses.field(default_factory=dict)
    lon: float = 0.0
    lat: float = 0.0
    locator: str | None = None

    def title(self, lang: str) -> str:
        """The name, else "Spielplatz, Goethestraße" (``catalogue.labels``)."""
        return compute_label(
            name=self.name, category=self.category, locator=self.locator, ref=self.osm_ref,
            place_id=self.place_id, lang=lang,
        )  # fmt: skip

    def reason_text(self, lang: str) -> str:
        return self.reason.localized(lang)


def check_groups(groups: str | Sequence[str]) -> tuple[str, ...]:
    """``"wheelchair,prams"`` or a list of ids → distinct group ids; InvalidInput otherwise."""
    raw = groups.split(",") if isinstance(groups, str) else [p for g in groups for p in str(g).split(",")]
    items = list(dict.fromkeys(p.strip() for p in raw if p.strip()))
    unknown = [g for g in items if g not in GROUP_IDS]
    if unknown or not items:
        raise InvalidInput(
            N_("Unknown or no groups {unknown}; choose one or more of: {choices}."),
            unknown=", ".join(unknown) or Message(N_("(none)")),
            choices=", ".join(GROUP_IDS),
        )
    return tuple(items)


def unit_weights(
    anchors: Sequence[GapPlace],
    pair_anchor: np.ndarray,
    pair_unit: np.ndarray,
    unit_count: int,
    indicators: Mapping[int, SchoolIndicator],
) -> np.ndarray:
    """``1 + (SI − 1) / 8`` per unit, SI the highest social index of the anchors whose catchment
    holds it; 1 where no index is known."""
    si = np.array(
        [
            float(ind.social_index)
            if (ind := indicators.get(int(a.id))) is not None and ind.social_index is not None
            else 0.0
            for a in anchors
        ],
        float,
    ).reshape(-1)
    best = np.zeros(unit_count)
    if pair_unit.size:
        np.maximum.at(best, pair_unit, si[pair_anchor])
    best = np.clip(best, 0, SOCIAL_INDEX_MAX)
    span = SOCIAL_INDEX_MAX - SOCIAL_INDEX_MIN
    return np.where(best >= SOCIAL_INDEX_MIN, 1.0 + (best - SOCIAL_INDEX_MIN) / span, 1.0)


def _reason(units: int, anchor: GapPlace | None, groups: tuple[str, ...]) -> Localized:
    def text(lang: str) -> str:
        where = anchor.label(lang) if anchor is not None else t(N_("the schools and Kitas"), lang)
        if len(groups) == 1:
            return nt(
                "would decide {n} hexagon around {anchor}",
                "would decide {n} hexagons around {anchor}",
                units, lang, anchor=where,
            )  # fmt: skip
        return nt(
            "would decide {n} hexagon around {anchor} (for {groups})",
            "would decide {n} hexagons around {anchor} (for {groups})",
            units, lang, anchor=where, groups=Joined([Message(GROUP_BY_ID[g].name) for g in groups], sep=", "),
        )  # fmt: skip

    return PerLanguage(text)


def compute_worklist(
    graph: WalkGraph,
    *,
    places: Sequence[PlaceInfo],
    verdicts_by_place: Mapping[int, Mapping[str, Verdict]],
    indicators: Mapping[int, SchoolIndicator],
    groups: str | Sequence[str],
    request: GapRequest = GapRequest(),  # noqa: B008 - frozen, so sharing the default is safe
    limit: int | None = DEFAULT_LIMIT,
) -> list[WorklistItem]:
    """Places whose audit would decide the most of the gap maps of ``groups``, best first.

    ``request`` gives the gap parameters (its ``group`` is ignored: each of ``groups`` in turn);
    ``limit`` the number of items (``None``: all). See the module docstring for the score.
    """
    chosen = check_groups(groups)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidInput(N_("The number of places must be a whole number of at least 1."))
    if graph.node_count == 0:
        raise InvalidInput(
            N_("This area has no walking network, so walking times cannot be computed. Re-import it from an OSM file."),
        )
    anchors = select_anchors(places)
    base = dataclasses.replace(request, group=chosen[0])
    catchments = cached_catchments(graph, anchors, base.params)
    weight = unit_weights(
        catchments.anchors, catchments.pair_anchor, catchments.pair_unit, catchments.unit_count, indicators
    )
    # Units × anchors: which catchments hold each unit.
    holds = csr_matrix(
        (np.ones(catchments.pair_unit.size), (catchments.pair_unit, catchments.pair_anchor)),
        shape=(catchments.unit_count, len(catchments.anchors)),
    )

    score: dict[int, float] = {}
    decided: dict[int, csr_matrix] = {}  # place index -> 1 × units, hexagons decided for any group
    by_group: dict[int, dict[str, int]] = {}
    gap_places: list[GapPlace] = []
    for group in chosen:
        req = dataclasses.replace(request, group=group)
        if req.group == ALL_GROUPS:  # pragma: no cover - check_groups refuses it
            continue
        gap_places = classify_places_for_gaps(places, verdicts_by_place, req)
        candidates = np.array([i for i, p in enumerate(gap_places) if p.status == "unknown"], np.int64)
        if candidates.size == 0:
            continue
        result = compute_gaps(graph, anchors=anchors, places=gap_places, params=req.params)
        unknown = (result.unit_state == "unknown").astype(float)
        reach = compute_place_reach(
            graph, anchors=anchors, places=gap_places, sources=candidates, params=req.params
        )
        settles = reach.multiply(unknown[np.newaxis, :]).tocsr()  # rows: candidates, unknown units
        settles.eliminate_zeros()
        group_score = settles @ weight
        group_units = np.diff(settles.indptr)
        for k in np.flatnonzero(group_units):
            i = int(candidates[k])
            score[i] = score.get(i, 0.0) + float(group_score[k])
            by_group.setdefault(i, {})[group] = int(group_units[k])
            row = settles[k]
            decided[i] = row if i not in decided else decided[i].maximum(row)

    items: list[WorklistItem] = []
    for i, row in decided.items():
        place = gap_places[i]
        per_anchor = np.asarray((row.astype(float) @ holds).todense()).reshape(-1)
        anchor = catchments.anchors[int(np.argmax(per_anchor))] if per_anchor.size and per_anchor.max() > 0 else None
        units = int(row.nnz)
        groups_here = tuple(g for g in chosen if g in by_group[i])
        items.append(
            WorklistItem(
                place_id=int(place.id),
                name=place.name,
                osm_ref=place.ref,
                category=place.category,
                score=round(score[i], 6),
                units=units,
                anchor_name=anchor.name if anchor is not None else None,
                reason=_reason(units, anchor, groups_here),
                units_by_group=by_group[i],
                lon=place.lon,
                lat=place.lat,
                locator=place.locator,
            )
        )
    items.sort(key=lambda it: (-it.score, it.name is None, (it.name or "").casefold(), it.place_id))
    return items if limit is None else items[:limit]


def worklist_to_json(items: Sequence[WorklistItem], lang: str = "en") -> list[dict[str, Any]]:
    """The CLI's ``--json`` list: ``{"place", "osm_ref", "category", "score", "units", "reason"}``, best first."""
    return [
        {
            "place": item.title(lang),
            "osm_ref": item.osm_ref,
            "category": item.category,
            "score": round(item.score, 3),
            "units": item.units,
            "reason": item.reason_text(lang),
        }
        for item in items
    ]
