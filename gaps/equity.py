"""Is access fair across social need? The underserved share of the schools over their social index.

Pure: plain rows in, an :class:`Equity` out. The anchors counted are those with both a social
index (NRW Schulsozialindex: 1 = least, 9 = most deprived) and an underserved share; Kitas and
schools without the index stay out. Below :data:`MIN_ANCHORS` of them the measures say nothing
reliable and :func:`compute_equity` returns ``None``.

**Concentration index** (Wagstaff, Paci & van Doorslaer 1991; O'Donnell et al. 2008, ch. 8; as in
IPEA's ``accessibility`` package)::

    CI = 2 · cov_w(h, r) / μ = 2 · Σ wᵢ (hᵢ − μ)(rᵢ − ½) / (W · μ)

``hᵢ`` the anchor's underserved share, ``wᵢ`` its weight (1 each unless given, e.g. residents),
``W = Σ wᵢ``, ``μ = Σ wᵢ hᵢ / W``, ``rᵢ`` the weighted fractional rank by social index from the
LEAST to the MOST deprived: ``(weight of the anchors with a lower index + half the weight of those
with the same index) / W``, so tied anchors share their mean rank (and the weighted mean rank is ½).
With equal weights this is the "convenient" form ``CI = 2 Σ hᵢ rᵢ / (n μ) − 1``.

**Sign.** ``h`` is bad (ill-fare), ranked from least to most need: ``CI > 0`` means the underserved
catchments concentrate at the schools with higher need (access is unfair to them); ``CI < 0``
means they concentrate at the schools with lower need; 0 means no relation. (For an access
variable ranked the same way the signs would be the other way round, as in the project brief:
"negative = worse access where need is higher".) The index lies in (−1, 1). When no counted
anchor has any underserved catchment (``μ = 0``) there is no inequality to measure: ``CI = 0``.

**Ratio of the fifths** (Palma-type): the weighted mean underserved share of the most deprived
fifth divided by that of the least deprived fifth. A fifth is the anchors whose fractional rank is
≥ 0.8 (most) or ≤ 0.2 (least); where none is, the anchors with the highest (lowest) index, so each
fifth holds at least one anchor. ``None`` when the least deprived fifth has no underserved
catchment (division by zero); both means are kept beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from base.i18n import N_, Message, format_number, t

MIN_ANCHORS = 5  # fewer schools with a social index: one school more or less flips the sign
EQUAL_BAND = 0.05  # |CI| below this reads as "about equal"
FIFTH = 0.2
_EPS = 1e-9  # ranks are sums of floats; a rank of exactly 0.2 belongs to the fifth

EQUAL = N_("Access is about equal across social need.")
NONE_UNDERSERVED = N_("No school with a social index has underserved catchment.")
HIGHER_NEED = N_("Underserved catchments concentrate at schools with higher social need.")
LOWER_NEED = N_("Underserved catchments concentrate at schools with lower social need.")
LINE = N_("Fairness across social need ({anchors} schools): concentration index {ci}, most / least deprived fifth {ratio}. {sentence}")


class RankedAnchor(Protocol):
    """What the measures read from an anchor row (``gaps.service.AnchorRow`` has it)."""

    @property
    def place_id(self) -> int: ...

    @property
    def social_index(self) -> int | None: ...

    @property
    def underserved_share(self) -> float | None: ...


@dataclass(frozen=True)
class Equity:
    """Fairness of access across social need over ``anchors`` schools; see the module docstring."""

    concentration_index: float
    ratio_most_least_deprived: float | None
    most_deprived_share: float
    least_deprived_share: float
    anchors: int
    interpretation: Message


def interpret(ci: float, mean_share: float) -> Message:
    """The one sentence for ``ci``: equal within ±:data:`EQUAL_BAND`, else which end the gaps are at."""
    if mean_share == 0:
        return Message(NONE_UNDERSERVED)
    if abs(ci) < EQUAL_BAND:
        return Message(EQUAL)
    return Message(HIGHER_NEED if ci > 0 else LOWER_NEED)


def compute_equity(
    rows: Sequence[RankedAnchor],
    weights: Mapping[int, float] | None = None,
    *,
    minimum: int = MIN_ANCHORS,
) -> Equity | None:
    """The concentration index and the ratio of the fifths, or ``None`` below ``minimum`` anchors.

    ``weights``: place id → weight (e.g. residents in the catchment); ``None`` = 1 each. An anchor
    whose weight is missing or 0 is left out; a negative or non-finite weight raises ValueError.
    """
    data: list[tuple[int, float, float]] = []  # social index, share, weight
    for row in rows:
        if row.social_index is None or row.underserved_share is None:
            continue
        w = 1.0 if weights is None else float(weights.get(row.place_id, 0.0))
        if not math.isfinite(w) or w < 0:
            raise ValueError(f"weight of anchor {row.place_id} must be finite and >= 0, not {w}")
        if w > 0:
            data.append((int(row.social_index), float(row.underserved_share), w))
    if len(data) < max(minimum, 1):
        return None
    data.sort(key=lambda d: d[0])
    total = sum(w for _, _, w in data)
    mean = sum(h * w for _, h, w in data) / total

    # Fractional ranks, one per social index (ties share the mean rank of their group).
    group_weight: dict[int, float] = {}
    for si, _, w in data:
        group_weight[si] = group_weight.get(si, 0.0) + w
    rank: dict[int, float] = {}
    below = 0.0
    for si in sorted(group_weight):
        rank[si] = (below + group_weight[si] / 2) / total
        below += group_weight[si]

    if mean == 0:
        ci = 0.0
    else:
        ci = 2 * sum(w * (h - mean) * (rank[si] - 0.5) for si, h, w in data) / (total * mean)

    def fifth_mean(members: list[tuple[int, float, float]]) -> float:
        return sum(h * w for _, h, w in members) / sum(w for _, _, w in members)

    lowest, highest = min(rank), max(rank)
    least = [d for d in data if rank[d[0]] <= FIFTH + _EPS] or [d for d in data if d[0] == lowest]
    most = [d for d in data if rank[d[0]] >= 1 - FIFTH - _EPS] or [d for d in data if d[0] == highest]
    least_share, most_share = fifth_mean(least), fifth_mean(most)
    return Equity(
        concentration_index=ci,
        ratio_most_least_deprived=most_share / least_share if least_share > 0 else None,
        most_deprived_share=most_share,
        least_deprived_share=least_share,
        anchors=len(data),
        interpretation=interpret(ci, mean),
    )


def equity_line(equity: Equity, lang: str) -> str:
    """One line for the printed map and the command line: the index, the ratio and the sentence."""
    ratio = equity.ratio_most_least_deprived
    return t(
        LINE,
        lang,
        anchors=equity.anchors,
        ci=format_number(equity.concentration_index, lang, 2),
        ratio="–" if ratio is None else format_number(ratio, lang, 1),
        sentence=equity.interpretation,
    )
