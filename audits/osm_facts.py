"""Pre-fill facts from a place's OSM tags (source ``osm``); an on-site audit always wins.

OSM values are messy. Every value is trimmed and case-folded; German words count ("ja",
"nein", "eingeschränkt"); ``designated`` (made for wheelchairs) counts as ``yes``. A value we
cannot read is not recorded: the fact stays unknown and the raw value goes to ``flags``.

``wheelchair`` → ``entrance_step_free``: on a place, OSM's ``wheelchair=yes`` means it can be
entered and used without steps, ``limited`` that some part needs help or has a step, ``no``
that it cannot be entered in a wheelchair. The tag says nothing measurable about doors or
toilets, so only the entrance is pre-filled.

Several values (``no;limited``) describe different parts (two entrances, two floors). When they
disagree the fact becomes ``limited``: some part works, some does not. We never take the more
restrictive value: a mapper's ``yes`` or ``limited`` says a way in exists, and ``no`` would
close the place to the group on a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from audits.hours import analyse_opening_hours
from audits.vocabulary import LIMITED, NO, NOT_APPLICABLE, YES, FactValue, validate_fact_value
from base.errors import InvalidInput

STATUS, WIDTH, COUNT, HOURS = "status", "width", "count", "hours"

# OSM value (trimmed, case-folded) → status.
OSM_STATUS: dict[str, str] = {
    **dict.fromkeys(("yes", "designated", "ja", "true"), YES),
    **dict.fromkeys(("limited", "eingeschränkt", "eingeschraenkt", "partial", "partially"), LIMITED),
    **dict.fromkeys(("no", "nein", "false"), NO),
}
_INVERSE = {YES: NO, NO: YES, LIMITED: LIMITED}


@dataclass(frozen=True)
class TagRule:
    """How one OSM key fills one fact.

    ``values`` maps a status read from the tag to the fact's value (``fee=no`` → free entry
    ``yes``); ``words`` maps raw values of this key straight to the fact's value. ``needs`` names tags of which one must be
    present (``width`` is a door width only on an entrance or a door).
    """

    key: str
    fact_id: str
    kind: str = STATUS
    values: Mapping[str, str] = field(default_factory=lambda: {YES: YES, LIMITED: LIMITED, NO: NO})
    words: Mapping[str, str] = field(default_factory=dict)
    needs: tuple[str, ...] = ()


TAG_RULES: tuple[TagRule, ...] = (
    TagRule("wheelchair", "entrance_step_free"),
    TagRule("toilets:wheelchair", "toilet_wheelchair"),
    TagRule("toilets", "toilets"),
    TagRule("changing_table", "changing_table"),
    TagRule("hearing_loop", "hearing_loop"),
    TagRule("ramp:wheelchair", "ramp"),
    TagRule("lit", "lighting", words={"automatic": YES, "24/7": YES, "sunset-sunrise": YES}),
    # "donation" asks for a voluntary gift: entry is still free.
    TagRule("fee", "free_entry", values=_INVERSE, words={"donation": YES}),
    # access=yes/permissive: anyone may come; members/private: only after signing up.
    TagRule(
        "access",
        "registration_required",
        values={},
        words={"yes": NO, "permissive": NO, "public": NO, "members": YES, "private": YES},
    ),
    TagRule("access", "consumption_required", values={}, words={"customers": YES}),
    TagRule("step_count", "step_count", kind=COUNT),
    TagRule("door:width", "door_width_cm", kind=WIDTH),
    TagRule("width", "door_width_cm", kind=WIDTH, needs=("entrance", "door")),
    TagRule("opening_hours", "opening_hours", kind=HOURS),
)

NOTE_KEYS: tuple[str, ...] = ("wheelchair:description", "wheelchair:description:de", "description:wheelchair")


@dataclass(frozen=True)
class OsmFlag:
    """An OSM value that could not be used; shown to the auditor next to the fact."""

    key: str
    raw: str
    fact_id: str | None
    text_de: str
    text_en: str


@dataclass
class OsmReading:
    facts: dict[str, FactValue]
    flags: list[OsmFlag]
    notes: dict[str, str]  # free-text tags worth showing, e.g. wheelchair:description


_WIDTH = re.compile(r"(\d+(?:[.,]\d+)?)\s*(m|cm|mm)?")


def _status(rule: TagRule, raw: str) -> str | None:
    parts = [p.strip().casefold() for p in raw.split(";") if p.strip()]
    mapped = set()
    for part in parts:
        if part in rule.words:
            mapped.add(rule.words[part])
        elif part in OSM_STATUS and OSM_STATUS[part] in rule.values:
            mapped.add(rule.values[OSM_STATUS[part]])
        else:
            return None
    if len(mapped) == 1:
        return mapped.pop()
    return LIMITED if mapped else None


def _width_cm(raw: str) -> float | None:
    match = _WIDTH.fullmatch(raw.strip().casefold())
    if not match:
        return None
    number = float(match.group(1).replace(",", "."))
    factor = {"cm": 1, "mm": 0.1}.get(match.group(2) or "m", 100)  # OSM's default unit is metres
    return round(number * factor, 1)


def _read(rule: TagRule, raw: str) -> object | None:
    if rule.kind == STATUS:
        return _status(rule, raw)
    try:
        if rule.kind == COUNT:
            return validate_fact_value(rule.fact_id, raw)
        if rule.kind == WIDTH:
            cm = _width_cm(raw)
            return None if cm is None else validate_fact_value(rule.fact_id, cm)
    except InvalidInput:
        return None
    return validate_fact_value(rule.fact_id, raw)  # opening hours: kept raw even unparsed


def read_osm_tags(tags: Mapping[str, str]) -> OsmReading:
    """Facts, flags and notes from one OSM feature's tags."""
    reading = OsmReading({}, [], {})
    understood: set[str] = set()
    for rule in TAG_RULES:
        raw = tags.get(rule.key)
        if raw is None or not raw.strip() or rule.fact_id in reading.facts:
            continue
        if rule.needs and not any(k in tags for k in rule.needs):
            continue
        value = _read(rule, raw)
        if value is None or value == NOT_APPLICABLE:
            continue
        understood.add(rule.key)
        reading.facts[rule.fact_id] = FactValue(value, source="osm", raw=raw)
        if rule.kind == HOURS and not analyse_opening_hours(raw).parses:
            reading.flags.append(
                OsmFlag(
                    rule.key,
                    raw,
                    rule.fact_id,
                    "Öffnungszeiten sind nicht im OSM-Format; bitte vor Ort prüfen.",
                    "Opening hours are not in OSM syntax; please check on site.",
                )
            )
    for rule in TAG_RULES:
        raw = tags.get(rule.key)
        if raw is None or rule.key in understood or (rule.needs and not any(k in tags for k in rule.needs)):
            continue
        if any(f.key == rule.key for f in reading.flags):
            continue
        reading.flags.append(
            OsmFlag(
                rule.key,
                raw,
                rule.fact_id,
                f"OSM-Wert {rule.key}={raw!r} nicht verstanden; nicht übernommen.",
                f"OSM value {rule.key}={raw!r} not understood; not used.",
            )
        )
    for key in NOTE_KEYS:
        if tags.get(key, "").strip():
            reading.notes[key] = tags[key].strip()
    if "toilets" in reading.facts and reading.facts["toilets"].value == NO:
        # No toilets at all is known, not unknown: there is no wheelchair toilet either.
        reading.facts.setdefault(
            "toilet_wheelchair", FactValue(NOT_APPLICABLE, source="osm", raw=tags["toilets"])
        )
    step_free = reading.facts.get("entrance_step_free")
    if step_free is not None and reading.notes:
        reading.facts["entrance_step_free"] = FactValue(
            step_free.value, source="osm", raw=step_free.raw, note=next(iter(reading.notes.values()))
        )
    return reading


def facts_from_osm_tags(tags: Mapping[str, str]) -> dict[str, FactValue]:
    """The facts OSM tags pre-fill (see :func:`read_osm_tags` for the flags and notes)."""
    return read_osm_tags(tags).facts


def merge_facts(osm: Mapping[str, FactValue], audit: Mapping[str, FactValue]) -> dict[str, FactValue]:
    """OSM facts overlaid with audited ones: a known audit value always wins.

    An audit that left a fact ``unknown`` does not erase what OSM says: unknown means "not
    checked", and the OSM value stays visible with its source.
    """
    merged = dict(osm)
    for fact_id, fv in audit.items():
        if fv.is_known or fact_id not in merged:
            merged[fact_id] = fv
    return merged
