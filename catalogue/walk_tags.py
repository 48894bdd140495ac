"""The OSM tags that decide whether a walking-network edge or node is passable, as small codes.

The readers keep, per edge of the :class:`~catalogue.model.WalkNetwork`, one ``uint8`` per
attribute in :data:`EDGE_ATTRS` (from the way's tags) and, per node, one per attribute in
:data:`NODE_ATTRS` (from the node's tags). Code ``0`` always means *unknown / not tagged*, so a
network stored before these arrays existed reads as "everything unknown", and unknown is never
confused with "tagged and fine". What the codes mean for a group is decided in
``gaps.profiles`` (one table); this module only sorts tag values into classes.

Pure functions; the pyosmium pass calls :func:`classify_way` once per walkable way and
:func:`classify_node` once per tagged node, so both stay a few dictionary look-ups.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

UNKNOWN = 0

# Edge attributes (columns of WalkNetwork.edge_tags) and their codes.
EDGE_ATTRS: tuple[str, ...] = ("steps", "step_count", "incline", "surface", "width", "wheelchair", "kerb", "crossing")
NODE_ATTRS: tuple[str, ...] = ("barrier", "kerb", "crossing")

# steps: is the way a flight of steps, and does it have a ramp (ramp:wheelchair, ramp:stroller;
# wheelchair=yes on steps counts as a wheelchair ramp)?
STEPS_NO, STEPS, STEPS_RAMP_WHEELCHAIR, STEPS_RAMP_STROLLER, STEPS_RAMP_BOTH = 1, 2, 3, 4, 5
# step_count: the count, at most 255 (0 = not tagged).
# incline: ≤ 6 %, 6–8 % (or only ``up``/``down``), > 8 %.
INCLINE_FLAT, INCLINE_MODERATE, INCLINE_STEEP = 1, 2, 3
# surface (with smoothness: the worse of the two known ones): smooth, rough (sett, cobblestone,
# gravel; smoothness=bad), very rough or soft (sand, grass, mud; smoothness=very_bad or worse).
SURFACE_SMOOTH, SURFACE_ROUGH, SURFACE_VERY_ROUGH = 1, 2, 3
# width: ≥ 1.5 m, 0.9–1.5 m, < 0.9 m.
WIDTH_WIDE, WIDTH_NARROW, WIDTH_TOO_NARROW = 1, 2, 3
# wheelchair on the way: yes/designated, limited, no.
WHEELCHAIR_YES, WHEELCHAIR_LIMITED, WHEELCHAIR_NO = 1, 2, 3
# kerb (on a crossing way, or a node): flush/lowered/≤ 3 cm, rolled, raised/> 3 cm, a kerb of unknown height.
KERB_FLUSH, KERB_ROLLED, KERB_RAISED, KERB_UNKNOWN_HEIGHT = 1, 2, 3, 4
# crossing (highway=crossing node or a crossing way): marked or with signals, unmarked, no crossing allowed.
CROSSING_MARKED, CROSSING_UNMARKED, CROSSING_NO = 1, 2, 3
# barrier on a node: one a person passes freely (bollard, gate, …), kissing gate, stile,
# turnstile, full-height turnstile, cycle barrier.
BARRIER_OPEN, BARRIER_KISSING_GATE, BARRIER_STILE, BARRIER_TURNSTILE, BARRIER_FULL_TURNSTILE, BARRIER_CYCLE = (
    1, 2, 3, 4, 5, 6,
)  # fmt: skip

_SURFACE_CLASS = {
    **dict.fromkeys(
        ("asphalt", "paved", "concrete", "concrete:plates", "paving_stones", "paving_stones:lanes",
         "chipseal", "metal", "wood", "rubber", "tartan", "acrylic", "concrete:lanes"),
        SURFACE_SMOOTH,
    ),
    **dict.fromkeys(
        ("sett", "cobblestone", "unhewn_cobblestone", "cobblestone:flattened", "gravel", "fine_gravel",
         "compacted", "pebblestone", "grass_paver", "stepping_stones", "unpaved", "bricks"),
        SURFACE_ROUGH,
    ),
    **dict.fromkeys(
        ("sand", "grass", "dirt", "ground", "earth", "mud", "woodchips", "rock", "stone", "snow", "ice"),
        SURFACE_VERY_ROUGH,
    ),
}  # fmt: skip
_SMOOTHNESS_CLASS = {
    **dict.fromkeys(("excellent", "good", "intermediate"), SURFACE_SMOOTH),
    "bad": SURFACE_ROUGH,
    **dict.fromkeys(("very_bad", "horrible", "very_horrible", "impassable"), SURFACE_VERY_ROUGH),
}
_BARRIER_CLASS = {
    "kissing_gate": BARRIER_KISSING_GATE,
    "stile": BARRIER_STILE,
    "turnstile": BARRIER_TURNSTILE,
    "full-height_turnstile": BARRIER_FULL_TURNSTILE,
    "cycle_barrier": BARRIER_CYCLE,
}
_CROSSING_CLASS = {
    **dict.fromkeys(("traffic_signals", "marked", "zebra", "uncontrolled", "pelican", "toucan"), CROSSING_MARKED),
    "unmarked": CROSSING_UNMARKED,
    "no": CROSSING_NO,
}
_NUMBER = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(%|°|cm|m)?\s*$")


def _number(value: str | None) -> tuple[float, str] | None:
    if not value:
        return None
    m = _NUMBER.match(value)
    if m is None:
        return None
    return float(m.group(1).replace(",", ".")), m.group(2) or ""


def classify_incline(value: str | None) -> int:
    """``incline`` → class: ``8%``, ``-5 %``, ``4°``, ``up``/``down`` (an incline of unknown amount)."""
    if not value:
        return UNKNOWN
    if value in ("up", "down"):
        return INCLINE_MODERATE
    parsed = _number(value)
    if parsed is None:
        return UNKNOWN
    amount, unit = parsed
    # A bare number is read as percent, as routers do; tan(1°) ≈ 1.75 %.
    percent = abs(amount) * 1.7455 if unit == "°" else abs(amount)
    if percent <= 6:
        return INCLINE_FLAT
    return INCLINE_MODERATE if percent <= 8 else INCLINE_STEEP


def classify_width(value: str | None) -> int:
    """``width`` in metres (``1.2``, ``1,2 m``, ``120 cm``) → class."""
    parsed = _number(value)
    if parsed is None:
        return UNKNOWN
    metres = parsed[0] / 100 if parsed[1] == "cm" else parsed[0]
    if metres <= 0:
        return UNKNOWN
    if metres < 0.9:
        return WIDTH_TOO_NARROW
    return WIDTH_NARROW if metres < 1.5 else WIDTH_WIDE


def classify_kerb(kerb: str | None, height: str | None) -> int:
    """``kerb`` and ``kerb:height`` (metres, or ``cm``) → class; a height over 3 cm wins over the kind."""
    parsed = _number(height)
    if parsed is not None:
        metres = parsed[0] / 100 if parsed[1] == "cm" else parsed[0]
        if parsed[1] == "" and metres > 1:
            metres /= 100  # "5" is certainly centimetres
        return KERB_RAISED if metres > 0.03 else KERB_FLUSH
    if kerb in ("flush", "lowered", "no"):
        return KERB_FLUSH
    if kerb == "rolled":
        return KERB_ROLLED
    if kerb == "raised":
        return KERB_RAISED
    return KERB_UNKNOWN_HEIGHT if kerb else UNKNOWN


def classify_way(tags: Mapping[str, str]) -> tuple[int, ...]:
    """One code per :data:`EDGE_ATTRS` for a walkable way (``tags`` may be a pyosmium TagList)."""
    get = tags.get
    if get("highway") == "steps":
        wc = get("ramp:wheelchair") == "yes" or get("wheelchair") in ("yes", "designated")
        st = get("ramp:stroller") == "yes"
        steps = STEPS_RAMP_BOTH if wc and st else STEPS_RAMP_WHEELCHAIR if wc else STEPS_RAMP_STROLLER if st else STEPS
        count = _number(get("step_count"))
        step_count = min(255, max(0, int(count[0]))) if count is not None else UNKNOWN
    else:
        steps, step_count = STEPS_NO, UNKNOWN
    surface = max(_SURFACE_CLASS.get(get("surface") or "", 0), _SMOOTHNESS_CLASS.get(get("smoothness") or "", 0))
    wheelchair = get("wheelchair")
    return (
        steps,
        step_count,
        classify_incline(get("incline")),
        surface,
        classify_width(get("width") or get("est_width")),
        WHEELCHAIR_YES if wheelchair in ("yes", "designated") else
        WHEELCHAIR_LIMITED if wheelchair == "limited" else WHEELCHAIR_NO if wheelchair == "no" else UNKNOWN,
        classify_kerb(get("kerb"), get("kerb:height")),
        _CROSSING_CLASS.get(get("crossing") or "", UNKNOWN),
    )  # fmt: skip


def classify_node(tags: Mapping[str, str]) -> tuple[int, ...] | None:
    """One code per :data:`NODE_ATTRS`, or ``None`` for a node without any of these tags."""
    get = tags.get
    barrier = get("barrier")
    kerb = get("kerb")
    height = get("kerb:height")
    crossing = get("crossing") if get("highway") == "crossing" or "crossing" in tags else None
    if barrier is None and kerb is None and height is None and crossing is None:
        return None
    kerb_class = classify_kerb(kerb, height)
    if barrier == "kerb" and kerb_class == UNKNOWN:
        kerb_class = KERB_UNKNOWN_HEIGHT
    barrier_class = UNKNOWN
    if barrier is not None and barrier != "kerb":
        barrier_class = _BARRIER_CLASS.get(barrier, BARRIER_OPEN)
    return (barrier_class, kerb_class, _CROSSING_CLASS.get(crossing or "", UNKNOWN))
