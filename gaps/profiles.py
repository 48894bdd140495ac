"""Walking profiles: which OSM conditions each group cannot pass, passes slowly, or passes freely.

One declarative table, :data:`WALKING_PROFILES`: a row per OSM condition (a code of
:mod:`catalogue.walk_tags` on an edge or a node) with its effect per profile – ``impassable``,
a ``penalty`` (the edge counts ``factor`` times its length, plus ``extra_m`` metres for a point
obstacle), ``unknown`` (the tag that decides is missing: passable, or impassable in strict
mode) or fine (the profile is not listed) – a reason (a message id, German in the catalog) and
the standard it follows. ``docs/vocabulary.md`` renders the table (``tests/test_docs.py``).

A profile turns into edge weights and an edge mask with :func:`profile_weights` (vectorised:
one look-up per attribute) and into a searchable graph with :func:`profile_graph` (cached per
area, profile and strictness on the default graph). Factors are ≥ 1 and extra metres ≥ 0, so
no profile ever makes a walk shorter than the default profile does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from base.errors import InvalidInput
from base.i18n import N_
from catalogue import walk_tags as wt
from catalogue.model import WalkNetwork
from gaps.graph import WalkGraph

PROFILE_IDS: tuple[str, ...] = ("wheelchair", "walking", "prams", "seniors", "children", "default")
DEFAULT_PROFILE = "default"
PROFILE_LABELS: dict[str, str] = {
    "wheelchair": N_("wheelchair"),
    "walking": N_("walking aid (Rollator)"),
    "prams": N_("pram"),
    "seniors": N_("older people"),
    "children": N_("children"),
    "default": N_("default (every walkable way)"),
}
# The profile a group walks with unless another is chosen; every other group walks "default".
GROUP_PROFILE: dict[str, str] = {p: p for p in PROFILE_IDS if p != DEFAULT_PROFILE}

Kind = Literal["impassable", "penalty", "unknown"]


@dataclass(frozen=True)
class Effect:
    """What a condition does to one profile (a profile not listed in a rule passes freely)."""

    kind: Kind
    factor: float = 1.0  # the edge counts this many times its length (edge rules only)
    extra_m: float = 0.0  # metres added for passing the obstacle once

    def text(self) -> str:
        """For the docs table: "impassable", "×1.5", "+30 m", "unknown"."""
        if self.kind != "penalty":
            return self.kind
        parts = ([f"×{self.factor:g}"] if self.factor != 1 else []) + ([f"+{self.extra_m:g} m"] if self.extra_m else [])
        return " ".join(parts)


NO = Effect("impassable")
UNKNOWN = Effect("unknown")


def slower(factor: float) -> Effect:
    return Effect("penalty", factor=factor)


def extra(metres: float) -> Effect:
    return Effect("penalty", extra_m=metres)


@dataclass(frozen=True)
class Rule:
    """One OSM condition: ``attr`` (of ``walk_tags.EDGE_ATTRS`` or ``NODE_ATTRS``) has a code in
    ``codes``; ``both``: on a way (a crossing way's kerb) and at a node alike."""

    on: Literal["edge", "node", "both"]
    attr: str
    codes: tuple[int, ...]
    condition: str  # the OSM tags, as mappers write them
    obstacle: str  # message id: a noun phrase for route notes ("steps", "a stile")
    effects: Mapping[str, Effect] = field(default_factory=dict)
    source: str = ""


DIN_1 = "DIN 18040-1"
DIN_3 = "DIN 18040-3"
RFA = "Reisen für Alle"
NOT_TAGGED = "(not tagged)"

# fmt: off
WALKING_PROFILES: tuple[Rule, ...] = (
    Rule("edge", "steps", (wt.STEPS,), "highway=steps (no ramp tagged)", N_("steps"),
         {"wheelchair": NO, "prams": NO, "walking": slower(4), "seniors": slower(3), "children": slower(1.5)},
         f"{DIN_3} (stairs); {RFA}"),
    Rule("edge", "steps", (wt.STEPS_RAMP_WHEELCHAIR,), "highway=steps + ramp:wheelchair=yes or wheelchair=yes",
         N_("steps"),
         {"wheelchair": slower(1.2), "prams": NO, "walking": slower(4), "seniors": slower(3), "children": slower(1.5)},
         f"{DIN_3} (ramps)"),
    Rule("edge", "steps", (wt.STEPS_RAMP_STROLLER,), "highway=steps + ramp:stroller=yes", N_("steps"),
         {"wheelchair": NO, "prams": slower(1.5), "walking": slower(4), "seniors": slower(3), "children": slower(1.5)},
         f"{DIN_3}; {RFA}"),
    Rule("edge", "steps", (wt.STEPS_RAMP_BOTH,), "highway=steps + both ramps", N_("steps"),
         {"wheelchair": slower(1.2), "prams": slower(1.5), "walking": slower(4), "seniors": slower(3),
          "children": slower(1.5)},
         f"{DIN_3}"),
    Rule("edge", "steps", (wt.UNKNOWN,), "no tag codes (network imported before, or from Overpass)",
         N_("ways of unknown kind"),
         {"wheelchair": UNKNOWN, "prams": UNKNOWN, "walking": UNKNOWN, "seniors": UNKNOWN, "children": UNKNOWN},
         ""),
    Rule("edge", "incline", (wt.INCLINE_MODERATE,), "incline 6–8 % (or up/down)", N_("steep stretches"),
         {"wheelchair": slower(2), "prams": slower(1.3), "walking": slower(1.5), "seniors": slower(1.3)},
         f"{DIN_3} (ramps ≤ 6 %)"),
    Rule("edge", "incline", (wt.INCLINE_STEEP,), "incline > 8 %", N_("steep stretches"),
         {"wheelchair": NO, "prams": slower(1.6), "walking": slower(2), "seniors": slower(1.6)},
         f"{DIN_3} (ramps ≤ 6 %)"),
    Rule("edge", "incline", (wt.UNKNOWN,), f"incline {NOT_TAGGED}: counted as level, not as unknown",
         N_("stretches of unknown incline"), {},
         "almost never tagged in towns; counting it would make every route unknown"),
    Rule("edge", "surface", (wt.SURFACE_ROUGH,),
         "surface=sett|cobblestone|gravel|compacted|… or smoothness=bad", N_("rough surfaces"),
         {"wheelchair": slower(1.5), "prams": slower(1.3), "walking": slower(1.3)},
         f"{DIN_3} (firm, even surfaces)"),
    Rule("edge", "surface", (wt.SURFACE_VERY_ROUGH,),
         "surface=sand|grass|dirt|mud|… or smoothness=very_bad or worse", N_("very rough or soft ground"),
         {"wheelchair": NO, "prams": slower(2), "walking": slower(2)},
         f"{DIN_3}; {RFA}"),
    Rule("edge", "surface", (wt.UNKNOWN,), f"surface and smoothness {NOT_TAGGED}",
         N_("ways of unknown surface"),
         {"wheelchair": UNKNOWN, "prams": UNKNOWN, "walking": UNKNOWN},
         ""),
    Rule("edge", "width", (wt.WIDTH_NARROW,), "width 0.9–1.5 m", N_("narrow paths"),
         {"wheelchair": slower(1.1)},
         f"{DIN_3} (≥ 1.5 m, ≥ 0.9 m at short narrow points)"),
    Rule("edge", "width", (wt.WIDTH_TOO_NARROW,), "width < 0.9 m", N_("paths narrower than 90 cm"),
         {"wheelchair": NO, "prams": NO, "walking": slower(1.5)},
         f"{DIN_3}"),
    Rule("edge", "width", (wt.UNKNOWN,), f"width {NOT_TAGGED}: counted as wide enough, not as unknown",
         N_("paths of unknown width"), {},
         "almost never tagged on sidewalks"),
    Rule("edge", "wheelchair", (wt.WHEELCHAIR_LIMITED,), "wheelchair=limited (on the way)",
         N_("ways marked partly wheelchair accessible"), {"wheelchair": slower(1.5)}, RFA),
    Rule("edge", "wheelchair", (wt.WHEELCHAIR_NO,), "wheelchair=no (on the way)",
         N_("ways marked not wheelchair accessible"), {"wheelchair": NO}, RFA),
    Rule("both", "kerb", (wt.KERB_ROLLED,), "kerb=rolled", N_("rolled kerbs"),
         {"wheelchair": extra(30), "prams": extra(10), "walking": extra(10)}, f"{DIN_3} (kerbs ≤ 3 cm)"),
    Rule("both", "kerb", (wt.KERB_RAISED,), "kerb=raised or kerb:height > 3 cm", N_("raised kerbs"),
         {"wheelchair": NO, "prams": extra(30), "walking": extra(30)}, f"{DIN_3} (kerbs ≤ 3 cm)"),
    Rule("both", "kerb", (wt.KERB_UNKNOWN_HEIGHT,), "barrier=kerb or kerb=* of unknown height",
         N_("kerbs of unknown height"),
         {"wheelchair": UNKNOWN, "prams": UNKNOWN, "walking": UNKNOWN}, f"{DIN_3}"),
    Rule("both", "crossing", (wt.CROSSING_UNMARKED,), "crossing=unmarked", N_("unmarked crossings"),
         {"children": extra(60), "seniors": extra(30)}, "RASt 06 / EFA 2002 (crossing aids)"),
    Rule("both", "crossing", (wt.CROSSING_NO,), "crossing=no", N_("places where crossing is not allowed"),
         {"wheelchair": NO, "prams": NO, "walking": NO, "seniors": NO, "children": NO}, "StVO § 25"),
    Rule("node", "barrier", (wt.BARRIER_KISSING_GATE,), "barrier=kissing_gate", N_("kissing gates"),
         {"wheelchair": NO, "prams": NO, "walking": extra(30), "seniors": extra(15)}, f"{RFA}; {DIN_3}"),
    Rule("node", "barrier", (wt.BARRIER_STILE,), "barrier=stile", N_("stiles"),
         {"wheelchair": NO, "prams": NO, "walking": NO, "seniors": NO, "children": extra(15)}, RFA),
    Rule("node", "barrier", (wt.BARRIER_TURNSTILE,), "barrier=turnstile", N_("turnstiles"),
         {"wheelchair": NO, "prams": NO, "walking": extra(15), "seniors": extra(10)}, f"{RFA}; {DIN_1}"),
    Rule("node", "barrier", (wt.BARRIER_FULL_TURNSTILE,), "barrier=full-height_turnstile", N_("turnstiles"),
         {"wheelchair": NO, "prams": NO, "walking": extra(20), "seniors": extra(15)}, f"{RFA}; {DIN_1}"),
    Rule("node", "barrier", (wt.BARRIER_CYCLE,), "barrier=cycle_barrier", N_("cycle barriers"),
         {"wheelchair": NO, "prams": NO, "walking": extra(20), "seniors": extra(10)}, f"{DIN_3} (≥ 0.9 m passage)"),
)
# fmt: on


def profile_for_group(group: str) -> str:
    """The group's own profile (``default`` for groups without one and for ``all``)."""
    return GROUP_PROFILE.get(group, DEFAULT_PROFILE)


def check_profile(profile: str) -> str:
    if profile not in PROFILE_IDS:
        raise InvalidInput(
            N_("Unknown walking profile {profile!r}; choose one of: {choices}."),
            profile=profile,
            choices=", ".join(PROFILE_IDS),
        )
    return profile


@dataclass(frozen=True)
class ProfileWeights:
    """A profile applied to a network: per edge its weight (metres, never below its length),
    whether it is usable, whether a relevant tag is unknown, and the rule that weighs most on it
    (index into :data:`WALKING_PROFILES`, -1 = none)."""

    weight_m: np.ndarray  # float64
    keep: np.ndarray  # bool
    unknown: np.ndarray  # bool
    rule: np.ndarray  # int16
    blocking: np.ndarray  # bool: the edge is impassable by a rule (not by strict mode)


_MAX_CODE = 256


def _tables(profile: str, on: str, attrs: tuple[str, ...]):
    """Per attribute: look-up arrays code → factor, extra, impassable, unknown, rule index."""
    factor = np.ones((len(attrs), _MAX_CODE))
    extra_m = np.zeros((len(attrs), _MAX_CODE))
    blocked = np.zeros((len(attrs), _MAX_CODE), bool)
    unknown = np.zeros((len(attrs), _MAX_CODE), bool)
    rank = np.zeros((len(attrs), _MAX_CODE))  # how much a rule weighs, to name the worst one
    rule = np.full((len(attrs), _MAX_CODE), -1, np.int16)
    for i, r in enumerate(WALKING_PROFILES):
        effect = r.effects.get(profile)
        if r.on not in (on, "both") or effect is None:
            continue
        a = attrs.index(r.attr)
        for code in r.codes:
            factor[a, code] = effect.factor
            extra_m[a, code] = effect.extra_m
            blocked[a, code] = effect.kind == "impassable"
            unknown[a, code] = effect.kind == "unknown"
            rank[a, code] = 1e9 if effect.kind == "impassable" else (effect.factor - 1) * 100 + effect.extra_m
            rule[a, code] = i
    return factor, extra_m, blocked, unknown, rank, rule


def _apply(codes: np.ndarray, tables) -> tuple[np.ndarray, ...]:
    factor_t, extra_t, blocked_t, unknown_t, rank_t, rule_t = tables
    count = codes.shape[0]
    factor, extra_m = np.ones(count), np.zeros(count)
    blocked, unknown = np.zeros(count, bool), np.zeros(count, bool)
    best_rank, rule = np.full(count, -1.0), np.full(count, -1, np.int16)
    for a in range(codes.shape[1]):
        c = codes[:, a]
        factor *= factor_t[a][c]
        extra_m += extra_t[a][c]
        blocked |= blocked_t[a][c]
        unknown |= unknown_t[a][c]
        r = np.where(rule_t[a][c] >= 0, rank_t[a][c], -1.0)
        better = r > best_rank
        best_rank = np.where(better, r, best_rank)
        rule = np.where(better, rule_t[a][c], rule)
    return factor, extra_m, blocked, unknown, best_rank, rule


def profile_weights(network: WalkNetwork, profile: str, *, strict: bool = False) -> ProfileWeights:
    """Edge weights and mask of ``profile`` (pure, vectorised).

    An edge weighs ``length × product of its factors + its extra metres``, plus half the extra
    metres of a point obstacle at each of its ends (a walk through a node uses two of its
    edges). An impassable edge or end node removes the edge; in ``strict`` mode so does an
    unknown one.
    """
    check_profile(profile)
    length = np.asarray(network.length_m, np.float64)
    e = _apply(network.edge_codes(), _tables(profile, "edge", wt.EDGE_ATTRS))
    n = _apply(network.node_codes(), _tables(profile, "node", wt.NODE_ATTRS))
    factor, extra_m, blocked, unknown, rank, rule = e
    _, n_extra, n_blocked, n_unknown, n_rank, n_rule = n
    u, v = np.asarray(network.u, np.int64), np.asarray(network.v, np.int64)
    extra_m = extra_m + 0.5 * (n_extra[u] + n_extra[v])
    blocked = blocked | n_blocked[u] | n_blocked[v]
    unknown = unknown | n_unknown[u] | n_unknown[v]
    for end in (u, v):
        better = n_rank[end] > rank
        rank = np.where(better, n_rank[end], rank)
        rule = np.where(better, n_rule[end], rule)
    weight = length * factor + extra_m
    keep = ~blocked & ~(unknown if strict else False)
    return ProfileWeights(weight, keep, unknown, rule.astype(np.int16), blocked)


@dataclass(frozen=True)
class ProfileGraph:
    """A profile on an area's graph: the searchable graph (the default graph itself for the
    default profile) and the weights behind it."""

    profile: str
    strict: bool
    graph: WalkGraph
    weights: ProfileWeights
    base: WalkGraph = field(repr=False)

    @property
    def is_default(self) -> bool:
        return self.graph is self.base


def profile_graph(graph: WalkGraph, profile: str, *, strict: bool = False) -> ProfileGraph:
    """``profile`` on ``graph``, built once per area, profile and strictness and shared (read-only)."""
    check_profile(profile)

    def build() -> ProfileGraph:
        weights = profile_weights(graph.network, profile, strict=strict)
        for arr in (weights.weight_m, weights.keep, weights.unknown, weights.rule, weights.blocking):
            arr.flags.writeable = False
        if profile == DEFAULT_PROFILE:
            routed = graph  # the default profile has no rules: the area's own graph
        else:
            routed = graph.reweighted((profile, strict), weights.weight_m, weights.keep)
        return ProfileGraph(profile, strict, routed, weights, graph)

    return graph.cache.get_or_build(("profile", profile, strict), build)[0]
