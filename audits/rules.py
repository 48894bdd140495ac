"""Rules that turn the facts about a place into a verdict per group, with the reasons.

``RULES`` holds one table per group; :func:`evaluate` is the only engine. A rule is a list of
criteria that must all hold; a criterion is one or more checks of which the best counts
("tactile guidance *or* staff assistance"). Each check says what a fact value means for the
group: ``open``, ``limited`` or ``not_open``.

Unknown is not no. A fact that is not recorded could still turn out any way its check allows,
so the engine works with the best and the worst case:

* the verdict is definite only when best and worst case agree – ``limited`` therefore needs a
  known fact that limits, and nothing unknown that could make it worse;
* otherwise the verdict is ``unknown`` and ``missing`` lists the facts that would decide it;
* ``not_open`` always comes from a known fact; missing facts never produce it.

``not_open`` is kept for hard barriers (steps for wheelchairs, an entry fee or a purchase
obligation for people on a low income, many steps for rollators). Missing comfort (no hearing
loop, no large print) makes a place ``limited``, not closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audits.hours import derived_hour_facts
from audits.vocabulary import (
    FACT_BY_ID,
    GROUP_IDS,
    LIMITED,
    NO,
    NOT_APPLICABLE,
    NOT_OPEN,
    OPEN,
    UNKNOWN,
    YES,
    FactValue,
    format_value,
)
from base.i18n import N_, Message, t

RANK: dict[str, int] = {NOT_OPEN: 0, LIMITED: 1, OPEN: 2}


@dataclass(frozen=True)
class Check:
    """What one fact's value means for a group.

    Status facts are looked up in ``outcomes`` (status id → verdict). Number facts compare
    with ``at_least`` / ``at_most`` and give ``otherwise`` when outside; their ``unknown`` and
    ``not_applicable`` go through ``outcomes`` too. Language facts are open when a language
    other than ``usual`` is spoken.
    """

    fact_id: str
    outcomes: Mapping[str, str] = field(default_factory=dict)
    at_least: float | None = None
    at_most: float | None = None
    usual: tuple[str, ...] = ()
    otherwise: str = LIMITED
    note: str = ""  # message id: why a value limits, shown with the reason

    def outcome(self, value: Any) -> str | None:
        """The verdict this value gives, or ``None`` when the value says nothing (unknown)."""
        if value is None or value == UNKNOWN:
            return None
        if isinstance(value, str):
            return self.outcomes.get(value)
        if isinstance(value, tuple | list):
            if not value:
                return None
            return OPEN if any(code not in self.usual for code in value) else self.otherwise
        if self.at_least is not None and value < self.at_least:
            return self.otherwise
        if self.at_most is not None and value > self.at_most:
            return self.otherwise
        return OPEN

    def possible(self) -> tuple[str, ...]:
        """Every verdict a value of this fact could give."""
        found = set(self.outcomes.values())
        if self.at_least is not None or self.at_most is not None or self.usual:
            found |= {OPEN, self.otherwise}
        return tuple(sorted(found, key=RANK.__getitem__))


@dataclass(frozen=True)
class Criterion:
    """Checks of which the best counts; ``when`` limits it to places where a fact has a value.

    ``optional``: an unknown value is no reason for doubt (a ramp's slope matters only where
    there is a ramp) – a known one still counts.
    """

    checks: tuple[Check, ...]
    when: tuple[str, str] | None = None
    optional: bool = False


@dataclass(frozen=True)
class Reason:
    fact_id: str
    value: Any
    note: str = ""  # message id of the check's note, or ""
    effect: str = ""  # open, limited or not_open: what this fact alone means for the group
    source: str = ""  # where the value comes from: audit, osm, suggestion or presumption
    presumption: str | None = None  # the presumption's id when the value is presumed

    @property
    def presumed(self) -> bool:
        return self.source == "presumption"

    def text(self, lang: str) -> str:
        fact = FACT_BY_ID[self.fact_id]
        shown = format_value(fact.id, self.value, lang)
        if self.note:
            text = t(N_("{fact}: {value} ({note})."), lang, fact=fact.label(lang), value=shown, note=Message(self.note))
        else:
            text = t(N_("{fact}: {value}."), lang, fact=fact.label(lang), value=shown)
        if self.presumed:
            return t(N_("{text} (presumed: {presumption})"), lang, text=text, presumption=presumed_label(self.presumption, lang))
        return text

    @property
    def text_de(self) -> str:
        return self.text("de")

    @property
    def text_en(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Verdict:
    group: str
    status: str
    reasons: list[Reason]
    missing: list[str]

    @property
    def presumed(self) -> bool:
        """An open or partly open verdict that rests on at least one presumed fact."""
        return self.status in (OPEN, LIMITED) and any(r.presumed for r in self.reasons)

    @property
    def basis(self) -> str | None:
        """The weakest source among the deciding facts of a definite verdict (``None`` when unknown):
        ``presumption`` < ``osm`` < ``suggestion`` < ``audit``."""
        if self.status == UNKNOWN or not self.reasons:
            return None
        return min((r.source or "audit" for r in self.reasons), key=BASIS_ORDER.index)


# From the weakest to the strongest source of a fact.
BASIS_ORDER: tuple[str, ...] = ("presumption", "osm", "suggestion", "audit")


def presumed_label(presumption_id: str | None, lang: str) -> str:
    """What a presumption is about ("Spielplatz"), for "angenommen: Spielplatz"."""
    from audits.presumptions import presumption_by_id

    row = presumption_by_id(presumption_id)
    return row.label(lang) if row is not None else (presumption_id or "?")


# --- building blocks for the tables -----------------------------------------------------------


def status(
    fact_id: str,
    *,
    yes: str = OPEN,
    limited: str = LIMITED,
    no: str = LIMITED,
    na: str = OPEN,
    note: str = "",
) -> Check:
    """A yes/limited/no fact; by default "no" limits and "not applicable" is fine."""
    return Check(fact_id, {YES: yes, LIMITED: limited, NO: no, NOT_APPLICABLE: na}, note=note)


def number(
    fact_id: str,
    *,
    at_least: float | None = None,
    at_most: float | None = None,
    otherwise: str = LIMITED,
    na: str = OPEN,
    note: str = "",
) -> Check:
    return Check(fact_id, {NOT_APPLICABLE: na}, at_least=at_least, at_most=at_most, otherwise=otherwise, note=note)


def all_of(
    *checks: Check, when: tuple[str, str] | None = None, optional: bool = False
) -> tuple[Criterion, ...]:
    """Each check is a criterion of its own."""
    return tuple(Criterion((c,), when, optional) for c in checks)


def any_of(*checks: Check, when: tuple[str, str] | None = None) -> tuple[Criterion, ...]:
    """One criterion met by the best of the checks."""
    return (Criterion(checks, when),)


# Why a value limits (shown with the reason); the standards are cited in docs/vocabulary.md.
_DIN_DOOR = N_("DIN 18040-1: at least 90 cm")
_DIN_RAMP = N_("DIN 18040-1: at most 6 %")
_STEPS = N_("more than 3 steps cannot be managed with a rollator")
_NO_TOILET = N_("no toilet counts as no wheelchair toilet")

# --- the rules, one table per group -----------------------------------------------------------

RULES: dict[str, tuple[Criterion, ...]] = {
    # Fixed by the issue: steps shut wheelchair users out; a narrow door or a missing (or no)
    # wheelchair toilet limits. Step-free but door or toilet not recorded stays unknown.
    "wheelchair": all_of(
        status("entrance_step_free", no=NOT_OPEN),
        number("door_width_cm", at_least=90, note=_DIN_DOOR),
        status("toilet_wheelchair", na=LIMITED, note=_NO_TOILET),
    )
    + all_of(number("ramp_slope_percent", at_most=6, note=_DIN_RAMP), optional=True),
    # Up to three steps with handrails are manageable with a stick; more stop a rollator.
    "walking": all_of(status("entrance_step_free", no=OPEN))
    + all_of(
        number("step_count", at_most=3, otherwise=NOT_OPEN, note=_STEPS),
        status("handrails"),
        when=("entrance_step_free", NO),
    )
    + all_of(status("seating"), status("lift")),
    "blind": any_of(status("tactile_guidance"), status("staff_assistance"))
    + all_of(status("braille_audio_info")),
    "low_vision": all_of(status("contrast_markings"), status("lighting"), status("large_print")),
    "deaf": any_of(status("sign_language"), status("visual_information")),
    "hard_of_hearing": all_of(status("hearing_loop"), status("quiet_room")),
    "cognitive": any_of(status("plain_language"), status("pictograms")) + all_of(status("quiet_room")),
    "prams": all_of(
        status("entrance_step_free"), status("changing_table", na=LIMITED), status("space_for_prams")
    ),
    "seniors": all_of(status("seating"), status("toilets", na=LIMITED), status("senior_offer")),
    "children": all_of(status("children_offer"), status("safe_access"), status("open_afternoons")),
    "youth": all_of(status("youth_offer"), status("open_evenings"), status("open_weekends")),
    "newcomers": any_of(
        Check(
            "staff_languages",
            usual=("de",),
            note=N_("languages besides German count"),
        ),
        status("multilingual_info"),
    )
    + all_of(status("registration_required", yes=LIMITED, no=OPEN)),
    "women": all_of(status("women_only_times"), status("lighting")),
    # Fixed by the issue: an entry fee or a purchase obligation shuts people on a low income out.
    "low_income": all_of(
        status("free_entry", no=NOT_OPEN),
        status("consumption_required", yes=NOT_OPEN, no=OPEN),
    ),
}

# Facts that follow from others when they were not recorded themselves.
IMPLIED: tuple[tuple[str, str, str, str], ...] = (  # if fact = value, then fact = value
    ("toilets", NO, "toilet_wheelchair", NOT_APPLICABLE),
)


def rule_fact_ids(group_id: str) -> list[str]:
    """Every fact the group's rule looks at, in rule order."""
    ids: list[str] = []
    for criterion in RULES[group_id]:
        for fact_id in [c.fact_id for c in criterion.checks] + (
            [criterion.when[0]] if criterion.when else []
        ):
            if fact_id not in ids:
                ids.append(fact_id)
    return ids


def _known(facts: Mapping[str, FactValue], fact_id: str) -> FactValue | None:
    fv = facts.get(fact_id)
    return fv if fv is not None and fv.is_known else None


def complete_facts(facts: Mapping[str, FactValue]) -> dict[str, FactValue]:
    """Add what follows from recorded facts (hour facts from ``opening_hours``; ``IMPLIED``).

    A recorded value always stays; a derived one only fills a gap and keeps the source of the
    fact it came from.
    """
    done = dict(facts)
    hours = _known(facts, "opening_hours")
    if hours is not None:
        for fact_id, fv in derived_hour_facts(hours.value, source=hours.source).items():
            if _known(done, fact_id) is None:
                done[fact_id] = fv
    for if_fact, if_value, then_fact, then_value in IMPLIED:
        given = _known(done, if_fact)
        if given is not None and given.value == if_value and _known(done, then_fact) is None:
            done[then_fact] = FactValue(then_value, source=given.source, checked_on=given.checked_on)
    return done


def _reason(check: Check, value: Any, effect: str, fv: FactValue | None) -> Reason:
    # The note explains a limit; an open value needs none.
    return Reason(
        check.fact_id,
        value,
        check.note if effect != OPEN else "",
        effect,
        fv.source if fv is not None else "",
        fv.presumption if fv is not None else None,
    )


@dataclass
class _Judged:
    low: str
    high: str
    known: list[tuple[Check, Any, str]]  # check, value, outcome
    unknown: list[str]
    when: tuple[str, Any] | None = None  # the recorded fact that made a conditional criterion apply


def _judge(criterion: Criterion, facts: Mapping[str, FactValue]) -> _Judged | None:
    """Best and worst case of one criterion; ``None`` when it does not apply to this place."""
    known: list[tuple[Check, Any, str]] = []
    unknown: list[str] = []
    lows, highs = [], []
    for check in criterion.checks:
        fv = facts.get(check.fact_id)
        value = fv.value if fv is not None else None
        outcome = check.outcome(value)
        if outcome == NOT_OPEN and fv is not None and fv.source == "presumption":
            outcome = None  # only a recorded fact may close a place to a group
        if outcome is None:
            if criterion.optional:
                continue
            unknown.append(check.fact_id)
            possible = check.possible()
            lows.append(possible[0])
            highs.append(possible[-1])
        else:
            known.append((check, value, outcome))
            lows.append(outcome)
            highs.append(outcome)
    if not lows:
        return None
    best = max(lows, key=RANK.__getitem__), max(highs, key=RANK.__getitem__)
    judged = _Judged(best[0], best[1], known, unknown)
    if criterion.when is None:
        return judged
    when_fact, when_value = criterion.when
    given = _known(facts, when_fact)
    if given is None:
        # It may or may not apply: at best it does not, at worst it does.
        judged.high = OPEN
        judged.unknown.append(when_fact)
        return judged
    if given.value != when_value:
        return None
    judged.when = (when_fact, given.value)
    return judged


def evaluate(group_id: str, facts: Mapping[str, FactValue]) -> Verdict:
    """The verdict for one group; see the module docstring for how unknown facts count."""
    if group_id not in RULES:
        raise KeyError(f"no rule for group {group_id!r}")
    facts = complete_facts(facts)
    judged = [j for c in RULES[group_id] if (j := _judge(c, facts)) is not None]
    low = min((j.low for j in judged), key=RANK.__getitem__, default=OPEN)
    high = min((j.high for j in judged), key=RANK.__getitem__, default=OPEN)
    reasons: list[Reason] = []
    missing: list[str] = []

    def add_reason(check: Check, value: Any, outcome: str) -> None:
        if all(r.fact_id != check.fact_id for r in reasons):
            reasons.append(_reason(check, value, outcome, facts.get(check.fact_id)))

    if low == high:
        # The deciding facts: those that pull the verdict down to what it is (all, when open).
        for j in judged:
            if j.high == low:
                if j.when is not None and j.known:
                    add_reason(Check(j.when[0]), j.when[1], low)
                for check, value, outcome in j.known:
                    if outcome == low:
                        add_reason(check, value, outcome)
        return Verdict(group_id, low, reasons, missing)
    for j in judged:
        for check, value, outcome in j.known:
            add_reason(check, value, outcome)
        if j.low != j.high:
            missing.extend(f for f in j.unknown if f not in missing)
    return Verdict(group_id, UNKNOWN, reasons, missing)


def evaluate_all(facts: Mapping[str, FactValue]) -> dict[str, Verdict]:
    """Verdicts for every group, in the order of ``GROUPS``."""
    return {group_id: evaluate(group_id, facts) for group_id in GROUP_IDS}
