"""When a group can come: time windows per group, and whether a place is open for most of one.

A place serves a group only in the hours its people can come: children after school, young
people in the evening and on Saturdays, older people in the daytime, families at weekends.
``TIME_WINDOWS`` is the table of such windows; ``GROUP_WINDOWS`` names each group's usual one
(groups without one use ``any``: the hours are not checked).

:func:`window_state` reads an ``opening_hours`` string over the same fixed reference weeks as
:mod:`audits.hours` (never "this week") and says whether the place is open for most of the
window (``MOST_OF_WINDOW``); a string that does not parse, or whose "unknown" parts decide,
gives ``None``: unknown, never "served".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import opening_hours

from audits.hours import REFERENCE_WEEKS
from base.i18n import N_, t

ANY_TIME = "any"  # no window: opening hours are not checked
# "Open for most of the window": at least half of its minutes. A place open 14–16 on school
# days still gives children two afternoon hours; one open 14–15:59 does not count.
MOST_OF_WINDOW = 0.5

WEEKDAYS = (0, 1, 2, 3, 4)  # Monday … Friday
_DAY_NAMES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


@dataclass(frozen=True)
class Span:
    """A time of day on some weekdays (0 = Monday); ``end`` after ``start`` on the same day."""

    weekdays: tuple[int, ...]
    start: time
    end: time

    @property
    def minutes_per_week(self) -> int:
        day = (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)
        return day * len(self.weekdays)

    def text(self) -> str:
        days = _DAY_NAMES[self.weekdays[0]]
        if len(self.weekdays) > 1:
            days += "-" + _DAY_NAMES[self.weekdays[-1]]
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class TimeWindow:
    """One row: ``label`` is a message id (translated in ``locale/``); ``reason`` (English, for
    the docs) says why these hours."""

    id: str
    label_msg: str
    spans: tuple[Span, ...]
    reason: str

    def label(self, lang: str) -> str:
        return t(self.label_msg, lang)

    def text(self) -> str:
        """The spans in opening_hours syntax, e.g. ``Mo-Fr 16:00-21:00; Sa 12:00-20:00``."""
        return "; ".join(s.text() for s in self.spans)


TIME_WINDOWS: tuple[TimeWindow, ...] = (
    TimeWindow(
        "weekday_afternoon", N_("weekday afternoons (Mon–Fri 14–18)"),
        (Span(WEEKDAYS, time(14), time(18)),),
        "After school (and the open all-day school, which ends about 15–16 h) children come on "
        "school days between 14 and 18; the same hours as the fact `open_afternoons`.",
    ),
    TimeWindow(
        "weekday_evening_saturday", N_("weekday evenings and Saturdays (Mon–Fri 16–21, Sat 12–20)"),
        (Span(WEEKDAYS, time(16), time(21)), Span((5,), time(12), time(20))),
        "Young people come after school, training and jobs, in the late afternoon and evening and "
        "on Saturdays: the usual hours of open youth work (Offene Kinder- und Jugendarbeit).",
    ),
    TimeWindow(
        "weekday_daytime", N_("weekday daytime (Mon–Fri 9–17)"),
        (Span(WEEKDAYS, time(9), time(17)),),
        "Older people go out mostly in the daytime and avoid the dark; meeting places for older "
        "people (Begegnungsstätten) open on weekdays in the daytime.",
    ),
    TimeWindow(
        "weekend", N_("weekends (Sat–Sun 10–18)"),
        (Span((5, 6), time(10), time(18)),),
        "Parents who work on weekdays come with their children at weekends, in the daytime.",
    ),
)
WINDOW_BY_ID: dict[str, TimeWindow] = {w.id: w for w in TIME_WINDOWS}
WINDOW_IDS: tuple[str, ...] = tuple(WINDOW_BY_ID)

# Each group's usual window; a group not listed has none (``any``).
GROUP_WINDOWS: dict[str, str] = {
    "children": "weekday_afternoon",
    "youth": "weekday_evening_saturday",
    "seniors": "weekday_daytime",
    "prams": "weekend",
}

# The type stubs of opening-hours-py 2.1.4 omit the exception it raises for bad syntax.
_ParserError: type[Exception] = opening_hours.ParserError  # type: ignore[attr-defined]


def window_for_group(group: str) -> str:
    """The group's usual window id, ``any`` when it has none."""
    return GROUP_WINDOWS.get(group, ANY_TIME)


def _spans(window: TimeWindow) -> list[tuple[datetime, datetime]]:
    out = []
    for monday in REFERENCE_WEEKS:
        for span in window.spans:
            for day in span.weekdays:
                date = monday.date() + timedelta(days=day)
                out.append((datetime.combine(date, span.start), datetime.combine(date, span.end)))
    return out


def window_shares(raw: str | None, window: TimeWindow) -> tuple[float, float] | None:
    """Shares (0 … 1) of the window's minutes in which ``raw`` says "open" and "unknown";
    ``None`` when the string is blank or does not parse."""
    text = (raw or "").strip()
    if not text:  # the parser would read a blank string as "24/7"
        return None
    try:
        oh = opening_hours.OpeningHours(text)
    except _ParserError:
        return None
    spans = _spans(window)
    total = open_s = unknown_s = 0.0
    for w_start, w_end in spans:
        total += (w_end - w_start).total_seconds()
        for start, end, state, _comment in oh.intervals(w_start, w_end):
            # The parser clips to the range asked for; clip again, in case it does not.
            seconds = (min(end or w_end, w_end) - max(start, w_start)).total_seconds()
            if seconds <= 0:
                continue
            if state == opening_hours.State.OPEN:
                open_s += seconds
            elif state == opening_hours.State.UNKNOWN:
                unknown_s += seconds
    return open_s / total, unknown_s / total


def open_share(raw: str | None, window: TimeWindow) -> float | None:
    """Share (0 … 1) of the window's minutes in which the place is open; ``None`` when the
    string is blank or does not parse."""
    shares = window_shares(raw, window)
    return None if shares is None else shares[0]


def window_state(raw: str | None, window: TimeWindow) -> bool | None:
    """``True``: open for most of the window; ``False``: not; ``None``: the hours do not say
    (missing, not parseable, or "unknown" in enough of the window to decide)."""
    shares = window_shares(raw, window)
    if shares is None:
        return None
    opened, unknown = shares
    if opened >= MOST_OF_WINDOW:
        return True
    return None if opened + unknown >= MOST_OF_WINDOW else False
