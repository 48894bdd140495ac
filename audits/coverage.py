"""Audit coverage: how much of an area is known well enough to judge, per group and category.

For every group: how many active places have a definite verdict (open, partly open, not open)
and how many stay unknown, and on what the definite ones rest – their *basis*, the weakest
source among the facts the verdict's reasons name (presumption < OSM < suggestion < audit): a
verdict is only as firm as the least checked fact it rests on. Besides: how many places were
audited, never audited, or are due for a re-audit (newest audit older than 24 months).

:func:`compute_coverage` is pure (places and :func:`audits.store.load_area_audits` output in,
plain data out); :func:`load_coverage` is the one database read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from audits.rules import BASIS_ORDER, Verdict
from audits.store import PlaceAudits, load_area_audits
from audits.vocabulary import GROUP_IDS, SOURCES, UNKNOWN
from catalogue.categories import CATEGORY_IDS
from catalogue.store import PlaceInfo, get_area_by_id, load_places

assert set(BASIS_ORDER) == set(SOURCES), "every fact source needs a place in BASIS_ORDER"


def verdict_basis(verdict: Verdict | None) -> str | None:
    """The weakest source among the facts a definite verdict rests on (``None`` when unknown);
    see :attr:`audits.rules.Verdict.basis`."""
    return None if verdict is None else verdict.basis


def place_basis(audits: PlaceAudits | None, group: str) -> str:
    """``unknown`` or the basis (:data:`BASIS_ORDER`) of a place's verdict for ``group``."""
    if audits is None:
        return UNKNOWN
    return verdict_basis(audits.verdicts.get(group)) or UNKNOWN


@dataclass(frozen=True)
class GroupCoverage:
    """One group's verdicts over a set of active places."""

    places: int = 0
    definite: int = 0
    by_source: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BASIS_ORDER, 0))

    @property
    def unknown(self) -> int:
        return self.places - self.definite

    @property
    def definite_share(self) -> float | None:
        """0 … 1; ``None`` when there are no places."""
        return self.definite / self.places if self.places else None

    def to_json_dict(self) -> dict[str, Any]:
        share = self.definite_share
        return {
            "places": self.places,
            "definite": self.definite,
            "definite_share": None if share is None else round(share, 3),
            "unknown": self.unknown,
            "by_source": dict(self.by_source),
        }


@dataclass(frozen=True)
class CategoryCoverage:
    """The places of one category: audits and each group's coverage."""

    places: int
    audited: int
    never_audited: int
    reaudit_due: int
    groups: dict[str, GroupCoverage]

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "places": self.places,
            "audited": self.audited,
            "reaudit_due": self.reaudit_due,
            "groups": {g: c.to_json_dict() for g, c in self.groups.items()},
        }


@dataclass(frozen=True)
class Coverage:
    """An area's audit coverage: totals, per group, per category (categories in table order,
    only those with active places)."""

    area: str
    places: int
    audited: int  # at least one audit that was not rejected
    never_audited: int
    reaudit_due: int  # newest audit older than 24 months
    groups: dict[str, GroupCoverage]
    categories: dict[str, CategoryCoverage]

    def to_json_dict(self) -> dict[str, Any]:
        """The ``python -m audits coverage --json`` object."""
        return {
            "area": self.area,
            "places": self.places,
            "audited": self.audited,
            "never_audited": self.never_audited,
            "reaudit_due": self.reaudit_due,
            "groups": {g: c.to_json_dict() for g, c in self.groups.items()},
            "categories": {c: cc.to_json_dict() for c, cc in self.categories.items()},
        }


def _groups(entries: Sequence[Mapping[str, str | None]], groups: Sequence[str]) -> dict[str, GroupCoverage]:
    """Per group from each place's ``group -> basis`` (``None`` = unknown)."""
    result: dict[str, GroupCoverage] = {}
    for g in groups:
        by_source = dict.fromkeys(BASIS_ORDER, 0)
        for entry in entries:
            basis = entry[g]
            if basis is not None:
                by_source[basis] += 1
        result[g] = GroupCoverage(places=len(entries), definite=sum(by_source.values()), by_source=by_source)
    return result


def compute_coverage(
    places: Sequence[PlaceInfo],
    audits: Mapping[int, PlaceAudits],
    *,
    area: str,
    groups: Sequence[str] = GROUP_IDS,
) -> Coverage:
    """Coverage of the active places (``status == "active"``) of an area.

    ``audits`` is :func:`audits.store.load_area_audits` output; a place missing there counts as
    never audited with every verdict unknown.
    """
    active = [p for p in places if p.status == "active"]
    bases: dict[int, dict[str, str | None]] = {}
    for p in active:
        pa = audits.get(p.id)
        bases[p.id] = {
            g: verdict_basis(pa.verdicts.get(g)) if pa is not None else None for g in groups
        }

    def state(p: PlaceInfo) -> tuple[bool, bool]:
        pa = audits.get(p.id)
        audited = pa is not None and pa.status.last_checked is not None
        return audited, audited and pa is not None and pa.status.reaudit_due

    def totals(subset: list[PlaceInfo]) -> tuple[int, int, int]:
        states = [state(p) for p in subset]
        audited = sum(a for a, _ in states)
        return audited, len(subset) - audited, sum(d for _, d in states)

    audited, never, due = totals(active)
    categories: dict[str, CategoryCoverage] = {}
    for category in CATEGORY_IDS + tuple(sorted({p.category for p in active} - set(CATEGORY_IDS))):
        subset = [p for p in active if p.category == category]
        if not subset:
            continue
        c_audited, c_never, c_due = totals(subset)
        categories[category] = CategoryCoverage(
            places=len(subset),
            audited=c_audited,
            never_audited=c_never,
            reaudit_due=c_due,
            groups=_groups([bases[p.id] for p in subset], groups),
        )
    return Coverage(
        area=area,
        places=len(active),
        audited=audited,
        never_audited=never,
        reaudit_due=due,
        groups=_groups([bases[p.id] for p in active], groups),
        categories=categories,
    )


def load_coverage(session: Session, *, area_id: int, today: date | None = None) -> Coverage:
    """The coverage of an area (AreaNotFound when there is none); ``today`` decides what is due."""
    area = get_area_by_id(session, area_id=area_id)
    places = load_places(session, area_id=area_id, include_closed=False)
    return compute_coverage(places, load_area_audits(session, area_id=area_id, today=today), area=area.name)
