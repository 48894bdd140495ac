"""Read OSM ``opening_hours`` strings into the facts the rules use: afternoons, evenings, weekends.

The string is evaluated over fixed reference weeks, never "this week": the answer must not
change with today's date. No country is passed to the parser, so ``PH`` (public holiday) rules
never apply; the reference weeks also avoid German holidays and Easter. One week per season,
so that a summer-only ``Jul-Aug 10:00-22:00`` still counts as open in the evening.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import opening_hours

from audits.vocabulary import NO, YES, FactValue

# Mondays of the reference weeks (2025; none holds a German public holiday).
REFERENCE_WEEKS: tuple[datetime, ...] = (
    datetime(2025, 3, 10),
    datetime(2025, 7, 14),
    datetime(2025, 9, 15),
    datetime(2025, 11, 24),
)

# The type stubs of opening-hours-py 2.1.4 omit the exception it raises for bad syntax.
_ParserError: type[Exception] = opening_hours.ParserError  # type: ignore[attr-defined]
_POSITION = re.compile(r"--> \d+:(\d+)")


@dataclass(frozen=True)
class Window:
    """A time of day on some weekdays (0 = Monday) that counts for one derived fact."""

    fact_id: str
    weekdays: tuple[int, ...]
    start: time
    end: time | None  # None: until midnight


WINDOWS: tuple[Window, ...] = (
    # After school: children come between 14 and 18 on school days.
    Window("open_afternoons", (0, 1, 2, 3, 4), time(14), time(18)),
    # "After 18:00" on any day; a place that closes at 18:00 sharp is not open in the evening.
    Window("open_evenings", (0, 1, 2, 3, 4, 5, 6), time(18), None),
    # From 06:00, so that a Friday night running past midnight is not a weekend opening.
    Window("open_weekends", (5, 6), time(6), None),
)


@dataclass(frozen=True)
class HoursInfo:
    """What an opening_hours string says; ``None`` where it does not say (``unknown`` rules)."""

    raw: str
    parses: bool
    open_afternoons: bool | None = None
    open_evenings: bool | None = None
    open_weekends: bool | None = None
    error: str | None = None


def _window_spans(window: Window) -> list[tuple[datetime, datetime]]:
    spans = []
    for monday in REFERENCE_WEEKS:
        for day in window.weekdays:
            start = datetime.combine(monday.date() + timedelta(days=day), window.start)
            if window.end is None:
                end = datetime.combine(start.date() + timedelta(days=1), time())
            else:
                end = datetime.combine(start.date(), window.end)
            spans.append((start, end))
    return spans


def _state_in(intervals: list[tuple[datetime, datetime, str]], window: Window) -> bool | None:
    """True if open at some moment of the window; None if only "unknown" there; else False."""
    seen_unknown = False
    for w_start, w_end in _window_spans(window):
        for start, end, state in intervals:
            if start < w_end and end > w_start:
                if state == "open":
                    return True
                if state == "unknown":
                    seen_unknown = True
    return None if seen_unknown else False


def analyse_opening_hours(raw: str) -> HoursInfo:
    """Parse an OSM opening_hours string; unparseable strings are kept with ``parses=False``."""
    text = (raw or "").strip()
    if not text:
        # The parser reads a blank string as "24/7"; blank means nothing is known.
        return HoursInfo(raw=raw, parses=False, error="empty")
    try:
        oh = opening_hours.OpeningHours(text)
    except _ParserError as exc:
        where = _POSITION.search(str(exc))
        at = f" at character {where.group(1)}" if where else ""
        return HoursInfo(raw=raw, parses=False, error=f"not valid opening_hours syntax{at}")
    states = {opening_hours.State.OPEN: "open", opening_hours.State.UNKNOWN: "unknown"}
    intervals = [
        (start, end, states.get(state, "closed"))
        for monday in REFERENCE_WEEKS
        for start, end, state, _comment in oh.intervals(monday, monday + timedelta(days=8))
    ]
    found = {w.fact_id: _state_in(intervals, w) for w in WINDOWS}
    return HoursInfo(
        raw=raw,
        parses=True,
        open_afternoons=found["open_afternoons"],
        open_evenings=found["open_evenings"],
        open_weekends=found["open_weekends"],
    )


def derived_hour_facts(raw: str, source: str = "osm") -> dict[str, FactValue]:
    """``open_afternoons``/``open_evenings``/``open_weekends`` implied by an opening_hours string.

    Empty when the string does not parse; a window the string leaves "unknown" is left out.
    Merging keeps an audited value over these (see :func:`audits.osm_facts.merge_facts`).
    """
    info = analyse_opening_hours(raw)
    if not info.parses:
        return {}
    derived = {}
    for window in WINDOWS:
        flag = getattr(info, window.fact_id)
        if flag is not None:
            derived[window.fact_id] = FactValue(YES if flag else NO, source=source, raw=raw)
    return derived
