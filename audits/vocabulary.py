"""The audit vocabulary: groups, facts about places, and how a fact value is written down.

Describe objects, not people: an audit records facts about the place; the verdict per group is
computed from them in :mod:`audits.rules`. Form, CSV import, exports and docs read ``GROUPS``
and ``FACTS``; to add a fact or group, add a row here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from base.errors import InvalidInput
from base.i18n import N_, Message, format_number, t
from base.text import clean_text

# --- status values --------------------------------------------------------------------------

YES, LIMITED, NO, UNKNOWN, NOT_APPLICABLE = "yes", "limited", "no", "unknown", "not_applicable"
STATUS_VALUES: tuple[str, ...] = (YES, LIMITED, NO, UNKNOWN, NOT_APPLICABLE)

STATUS_LABELS: dict[str, str] = {  # id -> message
    YES: N_("yes"),
    LIMITED: N_("limited"),
    NO: N_("no"),
    UNKNOWN: N_("unknown"),
    NOT_APPLICABLE: N_("not applicable"),
}

# Words people type in the form or a spreadsheet, German and English, lower-cased.
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(("yes", "y", "ja", "j", "true", "x", "vorhanden"), YES),
    **dict.fromkeys(
        ("limited", "eingeschränkt", "eingeschraenkt", "teilweise", "teils", "partly", "partial", "bedingt"),
        LIMITED,
    ),
    **dict.fromkeys(("no", "n", "nein", "false", "keine", "kein", "none"), NO),
    **dict.fromkeys(("unknown", "unbekannt", "?", "weiß nicht", "weiss nicht", "k.a.", "k. a."), UNKNOWN),
    **dict.fromkeys(
        (
            "not_applicable",
            "not applicable",
            "n/a",
            "na",
            "n.a.",
            "entfällt",
            "entfaellt",
            "nicht zutreffend",
            "trifft nicht zu",
            "-",
        ),
        NOT_APPLICABLE,
    ),
}

# --- verdicts ---------------------------------------------------------------------------------

OPEN, NOT_OPEN = "open", "not_open"  # LIMITED and UNKNOWN are shared with the status values


@dataclass(frozen=True)
class VerdictStatus:
    id: str
    name: str  # message id (English)
    rank: int  # worse is lower; unknown has no rank (it is not a degree of openness)

    def label(self, lang: str) -> str:
        return t(self.name, lang)


VERDICT_STATUSES: tuple[VerdictStatus, ...] = (
    VerdictStatus(OPEN, N_("open"), 2),
    VerdictStatus(LIMITED, N_("partly open"), 1),
    VerdictStatus(NOT_OPEN, N_("not open"), 0),
    VerdictStatus(UNKNOWN, N_("unknown"), -1),
)
VERDICT_BY_ID: dict[str, VerdictStatus] = {v.id: v for v in VERDICT_STATUSES}

SOURCES: tuple[str, ...] = ("osm", "audit", "suggestion", "presumption")

# --- groups -----------------------------------------------------------------------------------

# Walking speeds for the gap maps. 4.5 km/h (1.25 m/s) sits between the mean free walking speed
# of adults measured by Weidmann (1993: 1.34 m/s) and the 1.2 m/s design speed of German
# signal timing (RiLSA 2015 / HBS 2015). RiLSA lowers the design speed to 1.0 m/s (3.6 km/h)
# where many older or mobility-impaired people cross; we use that for groups who walk slower.
# 3.0 km/h (0.83 m/s) for walking aids and rollators follows the lower range such users reach
# in pedestrian studies. These are planning assumptions: the gap map lets the planner change them.
DEFAULT_SPEED_KMH = 4.5
REDUCED_SPEED_KMH = 3.6
_SRC_DEFAULT = "Weidmann 1993; RiLSA 2015 (1,2 m/s)"
_SRC_REDUCED = "RiLSA 2015 / HBS 2015 (1,0 m/s)"


@dataclass(frozen=True)
class Group:
    id: str
    name: str  # message id (English)
    summary: str  # message id: what the group needs of a place
    speed_kmh: float = DEFAULT_SPEED_KMH
    speed_source: str = _SRC_DEFAULT

    def label(self, lang: str) -> str:
        return t(self.name, lang)

    def description(self, lang: str) -> str:
        return t(self.summary, lang)


GROUPS: tuple[Group, ...] = (
    # The first seven follow the groups of the German certification "Reisen für Alle".
    Group(
        "wheelchair",
        N_("Wheelchair users"),
        N_("Step-free entrance, doors at least 90 cm, wheelchair-accessible toilet."),
        REDUCED_SPEED_KMH,
        _SRC_REDUCED,
    ),
    Group(
        "walking",
        N_("People with walking impairments, rollator users"),
        N_("Few steps with handrails, seating, a lift."),
        3.0,
        "Rollator-Nutzende in Fußverkehrsstudien (0,8 m/s)",
    ),
    Group(
        "blind",
        N_("Blind people"),
        N_("Tactile guidance or staff assistance, braille or audio information."),
        REDUCED_SPEED_KMH,
        _SRC_REDUCED,
    ),
    Group(
        "low_vision",
        N_("People with low vision"),
        N_("Contrast markings, good lighting, large print."),
    ),
    Group(
        "deaf",
        N_("Deaf people"),
        N_("Sign language offers or visual information."),
    ),
    Group(
        "hard_of_hearing",
        N_("Hard-of-hearing people"),
        N_("Hearing loop, a quiet room."),
    ),
    Group(
        "cognitive",
        N_("People with cognitive impairments"),
        N_("Plain language or pictograms, a quiet area."),
    ),
    Group(
        "prams",
        N_("Families with prams"),
        N_("Step-free entrance, changing table, room for prams."),
        4.0,
        "zwischen Regel- und reduzierter Geschwindigkeit (RiLSA 2015)",
    ),
    Group(
        "seniors",
        N_("Older people"),
        N_("Seating, toilets, offers for older people."),
        REDUCED_SPEED_KMH,
        _SRC_REDUCED,
    ),
    Group(
        "children",
        N_("Children"),
        N_("Offers for children, safe access, open in the afternoon."),
        REDUCED_SPEED_KMH,
        _SRC_REDUCED,
    ),
    Group(
        "youth",
        N_("Young people"),
        N_("Offers for young people, open evenings and weekends."),
    ),
    Group(
        "newcomers",
        N_("Newcomers and refugees"),
        N_("Staff speak languages besides German or information in several languages, no registration."),
    ),
    Group(
        "women",
        N_("Women and girls"),
        N_("Women-only times or rooms, good lighting."),
    ),
    Group(
        "low_income",
        N_("People on a low income"),
        N_("Free entry, no obligation to buy anything."),
    ),
)
GROUP_BY_ID: dict[str, Group] = {g.id: g for g in GROUPS}
GROUP_IDS: tuple[str, ...] = tuple(g.id for g in GROUPS)

# --- facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    id: str
    name: str  # message id (English)

    def label(self, lang: str) -> str:
        return t(self.name, lang)


# The order here is the order of the audit form.
SECTIONS: tuple[Section, ...] = (
    Section("entrance", N_("Entrance and paths")),
    Section("facilities", N_("Facilities")),
    Section("orientation", N_("Seeing and finding the way")),
    Section("communication", N_("Hearing and communication")),
    Section("openness", N_("Access and cost")),
    Section("hours", N_("Opening hours")),
    Section("offers", N_("Offers")),
)
SECTION_IDS: tuple[str, ...] = tuple(s.id for s in SECTIONS)

STATUS, NUMBER, LANGUAGES, OPENING_HOURS = "status", "number", "languages", "opening_hours"
VALUE_KINDS: tuple[str, ...] = (STATUS, NUMBER, LANGUAGES, OPENING_HOURS)


@dataclass(frozen=True)
class Fact:
    """One thing an auditor can record about a place.

    ``osm_keys`` are the OSM tags that pre-fill it (read in :mod:`audits.osm_facts`). Number
    facts take ``unit``, ``minimum`` and ``maximum`` (inclusive); they also accept ``unknown``
    and ``not_applicable`` (a park has no door).
    """

    id: str
    section: str
    name: str  # message id (English)
    ask: str  # message id: the question on the audit form
    kind: str = STATUS
    groups: tuple[str, ...] = ()
    osm_keys: tuple[str, ...] = ()
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    def label(self, lang: str) -> str:
        return t(self.name, lang)

    def question(self, lang: str) -> str:
        return t(self.ask, lang)


def _f(id: str, section: str, name: str, ask: str, groups: str, **kw: Any) -> Fact:
    return Fact(id, section, name, ask, groups=tuple(groups.split()), **kw)


FACTS: tuple[Fact, ...] = (
    # Entrance and paths
    _f(
        "entrance_step_free", "entrance", N_("Step-free entrance"),
        N_("Can the entrance be reached without a step (level, by ramp or lift)?"),
        "wheelchair walking prams", osm_keys=("wheelchair",),
    ),
    _f(
        "step_count", "entrance", N_("Steps at the entrance"),
        N_("How many steps does the entrance have?"),
        "walking prams", kind=NUMBER, unit="", minimum=0, maximum=200, integer=True,
        osm_keys=("step_count",),
    ),
    _f(
        "handrails", "entrance", N_("Handrails on steps"),
        N_("Do the steps have handrails on both sides?"),
        "walking",
    ),
    _f(
        "ramp", "entrance", N_("Ramp"),
        N_("Is there a wheelchair ramp?"),
        "wheelchair prams", osm_keys=("ramp:wheelchair",),
    ),
    _f(
        "ramp_slope_percent", "entrance", N_("Ramp slope"),
        N_("How steep is the ramp (in percent; DIN 18040-1: at most 6 %)?"),
        "wheelchair", kind=NUMBER, unit="%", minimum=0, maximum=100,
    ),
    _f(
        "door_width_cm", "entrance", N_("Door width"),
        N_("How wide is the narrowest door on the way in (clear width in cm)?"),
        "wheelchair", kind=NUMBER, unit="cm", minimum=30, maximum=600,
        osm_keys=("door:width", "width"),
    ),
    _f(
        "lift", "entrance", N_("Lift"),
        N_("Can all floors in use be reached by lift? (not applicable: one level only)"),
        "wheelchair walking prams",
    ),
    # Facilities
    _f(
        "seating", "facilities", N_("Seating"),
        N_("Is there seating to rest?"),
        "walking seniors",
    ),
    _f(
        "toilets", "facilities", N_("Toilets"),
        N_("Are there toilets for visitors?"),
        "seniors children", osm_keys=("toilets",),
    ),
    _f(
        "toilet_wheelchair", "facilities", N_("Wheelchair-accessible toilet"),
        N_("Is there a wheelchair-accessible toilet? (not applicable: no toilets at all)"),
        "wheelchair", osm_keys=("toilets:wheelchair",),
    ),
    _f(
        "changing_table", "facilities", N_("Changing table"),
        N_("Is there a baby changing table?"),
        "prams", osm_keys=("changing_table",),
    ),
    _f(
        "space_for_prams", "facilities", N_("Room for prams"),
        N_("Is there room inside to bring or park prams?"),
        "prams",
    ),
    _f(
        "quiet_room", "facilities", N_("Quiet room"),
        N_("Is there a quiet room or area to withdraw to?"),
        "hard_of_hearing cognitive",
    ),
    # Seeing and finding the way
    _f(
        "tactile_guidance", "orientation", N_("Tactile guidance"),
        N_("Is there tactile guidance (tactile paving, tactile maps)?"),
        "blind",
    ),
    _f(
        "staff_assistance", "orientation", N_("Staff assistance"),
        N_("Do staff guide or assist on request?"),
        "blind cognitive",
    ),
    _f(
        "braille_audio_info", "orientation", N_("Braille or audio information"),
        N_("Is information available in braille or audio?"),
        "blind",
    ),
    _f(
        "contrast_markings", "orientation", N_("Contrast markings"),
        N_("Are steps, glass doors and obstacles marked in high contrast?"),
        "low_vision",
    ),
    _f(
        "lighting", "orientation", N_("Good lighting"),
        N_("Are rooms and paths well lit without glare (also in the evening)?"),
        "low_vision women", osm_keys=("lit",),
    ),
    _f(
        "large_print", "orientation", N_("Large print"),
        N_("Is information available in large print? (not applicable: no written information)"),
        "low_vision",
    ),
    # Hearing and communication
    _f(
        "hearing_loop", "communication", N_("Hearing loop"),
        N_("Is there a hearing loop (induction loop)?"),
        "hard_of_hearing", osm_keys=("hearing_loop",),
    ),
    _f(
        "sign_language", "communication", N_("Sign language"),
        N_("Are there offers or staff in German Sign Language?"),
        "deaf",
    ),
    _f(
        "visual_information", "communication", N_("Visual information"),
        N_("Are announcements and notices also given visually (displays, notices)?"),
        "deaf hard_of_hearing",
    ),
    _f(
        "plain_language", "communication", N_("Plain language"),
        N_("Is information available in plain language?"),
        "cognitive newcomers",
    ),
    _f(
        "pictograms", "communication", N_("Pictograms"),
        N_("Do pictograms or pictures help finding the way?"),
        "cognitive newcomers",
    ),
    _f(
        "staff_languages", "communication", N_("Languages spoken by staff"),
        N_("Which languages do staff speak (e.g. de, tr, ar)?"),
        "newcomers", kind=LANGUAGES,
    ),
    _f(
        "multilingual_info", "communication", N_("Information in several languages"),
        N_("Is information available in several languages?"),
        "newcomers",
    ),
    # Access and cost
    _f(
        "registration_required", "openness", N_("Registration required"),
        N_("Is registration, membership or an ID needed?"),
        "newcomers", osm_keys=("access",),
    ),
    _f(
        "free_entry", "openness", N_("Free entry"),
        N_("Is entry free of charge?"),
        "low_income", osm_keys=("fee",),
    ),
    _f(
        "consumption_required", "openness", N_("Purchase required"),
        N_("Do visitors have to buy or consume something to stay?"),
        "low_income", osm_keys=("access",),
    ),
    # Opening hours
    _f(
        "opening_hours", "hours", N_("Opening hours"),
        N_("Opening hours in OSM format (e.g. Mo-Fr 10:00-18:00)"),
        "children youth", kind=OPENING_HOURS, osm_keys=("opening_hours",),
    ),
    _f(
        "open_afternoons", "hours", N_("Open in the afternoon"),
        N_("Is it open on weekday afternoons (14:00–18:00)?"),
        "children",
    ),
    _f(
        "open_evenings", "hours", N_("Open in the evening"),
        N_("Is it open after 18:00?"),
        "youth",
    ),
    _f(
        "open_weekends", "hours", N_("Open at weekends"),
        N_("Is it open on Saturday or Sunday?"),
        "youth",
    ),
    # Offers ("not applicable": the place itself is the offer, e.g. a park or a square)
    _f(
        "children_offer", "offers", N_("Offers for children"),
        N_("Are there offers for children?"),
        "children",
    ),
    _f(
        "safe_access", "offers", N_("Safe access for children"),
        N_("Can children reach and use the place safely (e.g. no busy road right at the entrance)?"),
        "children",
    ),
    _f(
        "youth_offer", "offers", N_("Offers for young people"),
        N_("Are there offers for young people?"),
        "youth",
    ),
    _f(
        "senior_offer", "offers", N_("Offers for older people"),
        N_("Are there offers for older people?"),
        "seniors",
    ),
    _f(
        "women_only_times", "offers", N_("Women-only times or rooms"),
        N_("Are there times or rooms for women and girls only?"),
        "women",
    ),
)  # fmt: skip
FACT_BY_ID: dict[str, Fact] = {f.id: f for f in FACTS}
FACT_IDS: tuple[str, ...] = tuple(f.id for f in FACTS)


def facts_in_form_order() -> list[Fact]:
    """Facts sorted by section, then by their row in ``FACTS``."""
    return sorted(FACTS, key=lambda f: SECTION_IDS.index(f.section))


def facts_for_group(group_id: str) -> tuple[Fact, ...]:
    """The facts that matter for a group, in table order."""
    return tuple(f for f in FACTS if group_id in f.groups)


# --- languages --------------------------------------------------------------------------------

# Languages often spoken in German quarters, so that names typed in the form map to codes.
# Codes are ISO 639-1 where one exists; German Sign Language has only the 639-3 code ``gsg``.
LANGUAGE_NAMES: tuple[tuple[str, str, str], ...] = (  # code, de, en
    ("de", "Deutsch", "German"),
    ("en", "Englisch", "English"),
    ("tr", "Türkisch", "Turkish"),
    ("ar", "Arabisch", "Arabic"),
    ("ru", "Russisch", "Russian"),
    ("uk", "Ukrainisch", "Ukrainian"),
    ("pl", "Polnisch", "Polish"),
    ("fa", "Persisch", "Persian"),
    ("ku", "Kurdisch", "Kurdish"),
    ("ro", "Rumänisch", "Romanian"),
    ("bg", "Bulgarisch", "Bulgarian"),
    ("sq", "Albanisch", "Albanian"),
    ("sr", "Serbisch", "Serbian"),
    ("hr", "Kroatisch", "Croatian"),
    ("bs", "Bosnisch", "Bosnian"),
    ("it", "Italienisch", "Italian"),
    ("es", "Spanisch", "Spanish"),
    ("fr", "Französisch", "French"),
    ("el", "Griechisch", "Greek"),
    ("pt", "Portugiesisch", "Portuguese"),
    ("ps", "Paschtu", "Pashto"),
    ("ti", "Tigrinya", "Tigrinya"),
    ("so", "Somali", "Somali"),
    ("vi", "Vietnamesisch", "Vietnamese"),
    ("zh", "Chinesisch", "Chinese"),
    ("gsg", "Deutsche Gebärdensprache", N_("German Sign Language")),  # not in CLDR: a message
)
_LANGUAGE_WORDS: dict[str, str] = {
    word.casefold(): code for code, de, en in LANGUAGE_NAMES for word in (code, de, en)
}
_LANGUAGE_WORDS["dgs"] = "gsg"
_LANG_CODE = re.compile(r"[a-z]{2}")
_LANG_SPLIT = re.compile(r"[,;/+]")

# --- recorded values --------------------------------------------------------------------------


@dataclass(frozen=True)
class FactValue:
    """A recorded fact: the normalised value and where it came from.

    ``value`` is a status id, a number, a tuple of language codes or an opening_hours string;
    ``None`` and ``"unknown"`` both mean unknown. ``raw`` keeps the OSM string it was read from;
    ``note`` keeps free text that belongs to it (OSM ``wheelchair:description``).
    """

    value: Any
    source: str = "audit"
    checked_on: date | None = None
    auditor: str | None = None
    raw: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {self.source!r}")

    @property
    def is_known(self) -> bool:
        return self.value is not None and self.value != UNKNOWN


def _invalid(fact: Fact, value: object, hint: str, /, **params: object) -> InvalidInput:
    return InvalidInput(
        N_("{label}: {value!r} is not valid. {hint}"),
        label=Message(fact.name),
        value=value,
        hint=Message(hint, **params),
    )


def _parse_status(fact: Fact, value: object) -> str:
    text = str(value).strip().casefold()
    if text in STATUS_WORDS:
        return STATUS_WORDS[text]
    raise _invalid(
        fact,
        value,
        N_("Use yes, limited, no, unknown or n/a."),
    )


_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _parse_number(fact: Fact, value: object) -> float | int | str:
    if isinstance(value, bool):
        raise _invalid(fact, value, N_("Enter a number."))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if text.casefold() in STATUS_WORDS and STATUS_WORDS[text.casefold()] in (UNKNOWN, NOT_APPLICABLE):
            return STATUS_WORDS[text.casefold()]
        if fact.unit and text.casefold().endswith(fact.unit.casefold()):
            text = text[: -len(fact.unit)].strip()
        if not _NUMBER.fullmatch(text):
            raise _invalid(
                fact,
                value,
                N_("Enter a number{unit}, e.g. 92,5 or 92.5."), unit=f' in {fact.unit}' if fact.unit else '',
            )
        number = float(text.replace(",", "."))
    if not math.isfinite(number):
        raise _invalid(fact, value, N_("Enter a finite number."))
    low = fact.minimum if fact.minimum is not None else -math.inf
    high = fact.maximum if fact.maximum is not None else math.inf
    if not low <= number <= high:
        unit = f" {fact.unit}" if fact.unit else ""
        raise _invalid(
            fact,
            value,
            N_("It must lie between {low:g} and {high:g}{unit}; check the unit."), low=low, high=high, unit=unit,
        )
    if fact.integer:
        if not number.is_integer():
            raise _invalid(fact, value, N_("Enter a whole number."))
        return int(number)
    return number


def _parse_languages(fact: Fact, value: object) -> tuple[str, ...]:
    parts = list(value) if isinstance(value, list | tuple) else _LANG_SPLIT.split(str(value))
    codes: list[str] = []
    for part in parts:
        word = str(part).strip().casefold()
        if not word:
            continue
        code = _LANGUAGE_WORDS.get(word) or (word if _LANG_CODE.fullmatch(word) else None)
        if code is None:
            raise _invalid(
                fact,
                part,
                N_("Enter language codes separated by commas, e.g. de, tr, ar."),
            )
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def validate_fact_value(fact_id: str, value: object) -> Any:
    """Return the normalised value for a fact, or raise :class:`InvalidInput` (en + de).

    Status: ``"Ja"`` → ``"yes"``, ``"eingeschränkt"`` → ``"limited"``, ``"n/a"`` →
    ``"not_applicable"``. Number: ``"92,5"`` → ``92.5``, range-checked. Languages: ``"de, tr
    ,ar"`` → ``("de", "tr", "ar")``. Opening hours: the stripped string, kept even when it does
    not parse (the audit shows it flagged, see :mod:`audits.hours`). A blank or ``None`` means
    nothing was recorded and gives ``None``.
    """
    fact = FACT_BY_ID.get(fact_id)
    if fact is None:
        raise InvalidInput(N_("Unknown fact {fact_id!r}."), fact_id=fact_id)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if fact.kind == STATUS:
        return _parse_status(fact, value)
    if fact.kind == NUMBER:
        return _parse_number(fact, value)
    if fact.kind == LANGUAGES:
        return _parse_languages(fact, value) or None
    text = clean_text(str(value).strip())
    if len(text) > 255:  # the OSM limit for a tag value
        raise _invalid(fact, text[:20] + "…", N_("At most 255 characters."))
    return text


def format_value(fact_id: str, value: Any, lang: str) -> str:
    """A recorded value as a reader sees it: ``"92,5 cm"``, ``"eingeschränkt"``, ``"de, tr"``."""
    fact = FACT_BY_ID[fact_id]
    if value is None or value in STATUS_LABELS:
        return t(STATUS_LABELS[value or UNKNOWN], lang)
    if fact.kind == NUMBER:
        return f"{format_number(value, lang)} {fact.unit}".strip()
    if fact.kind == LANGUAGES:
        return ", ".join(value)
    return str(value)
