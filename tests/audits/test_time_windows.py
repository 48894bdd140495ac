"""Time windows: hand-written opening hours around the edges of a window; unknown stays unknown."""

from __future__ import annotations

import pytest

from audits.presumptions import PRESUMPTIONS
from audits.store import compute_effective_facts, current_opening_hours
from audits.time_windows import (
    ANY_TIME,
    GROUP_WINDOWS,
    MOST_OF_WINDOW,
    TIME_WINDOWS,
    WINDOW_BY_ID,
    open_share,
    window_for_group,
    window_state,
)
from audits.vocabulary import GROUP_IDS, FactValue

AFTERNOON = WINDOW_BY_ID["weekday_afternoon"]  # Mo-Fr 14-18
EVENING = WINDOW_BY_ID["weekday_evening_saturday"]  # Mo-Fr 16-21, Sa 12-20
PLAYGROUND = {"leisure": "playground"}


@pytest.mark.parametrize(
    ("raw", "share", "state"),
    [
        ("Mo-Fr 14:00-16:00", 0.5, True),  # exactly half: most of the window
        ("Mo-Fr 14:00-15:59", 119 / 240, False),  # one minute short
        ("Mo-Fr 15:00-20:00", 0.75, True),
        ("Mo-Fr 16:00-18:00", 0.5, True),  # the later half
        ("Mo-Fr 10:00-14:00", 0.0, False),  # closes when the window opens
        ("Mo-Fr 18:00-22:00", 0.0, False),  # opens when it ends
        ("Mo-Th 14:00-18:00", 0.8, True),
        ("Mo,We 14:00-18:00", 0.4, False),
        ("Sa-Su 00:00-24:00", 0.0, False),
        ("24/7", 1.0, True),
        ("off", 0.0, False),
        ("Jul-Aug 14:00-18:00", 0.25, False),  # one reference week of four is a summer week
    ],
)
def test_share_of_the_afternoon_window(raw, share, state):
    assert open_share(raw, AFTERNOON) == pytest.approx(share)
    assert window_state(raw, AFTERNOON) is state


@pytest.mark.parametrize("raw", [None, "", "   ", "nach Vereinbarung", "Mo-Fr 14-18 Uhr", "Mo-Fr 25:00-26:00"])
def test_missing_or_unreadable_hours_are_unknown_never_served(raw):
    assert open_share(raw, AFTERNOON) is None
    assert window_state(raw, AFTERNOON) is None


def test_unknown_hours_decide_nothing():
    # "unknown" for the whole window: the place may be open or not.
    assert window_state("Mo-Fr 14:00-18:00 unknown", AFTERNOON) is None
    # Open for half of it: that is enough, whatever the rest says.
    assert window_state("Mo-Fr 14:00-16:00, Mo-Fr 16:00-18:00 unknown", AFTERNOON) is True
    # Open for a quarter, unknown for another: too little known to say "not".
    assert window_state("Mo-Fr 14:00-15:00, Mo-Fr 15:00-16:00 unknown", AFTERNOON) is None
    # Open a quarter, unknown a sixteenth: even if open then, not most of the window.
    assert window_state("Mo-Fr 14:00-15:00, Mo-Fr 15:00-15:15 unknown", AFTERNOON) is False


def test_a_window_of_several_spans_counts_all_their_minutes():
    # Mo-Fr 16-21 is 25 h a week, Sa 12-20 is 8 h: 33 h in all.
    assert open_share("Mo-Fr 16:00-21:00", EVENING) == pytest.approx(25 / 33)
    assert open_share("Sa 12:00-20:00", EVENING) == pytest.approx(8 / 33)
    assert window_state("Sa 12:00-20:00", EVENING) is False
    # A youth centre closing at 16:00 on weekdays is not open in the evening window.
    assert window_state("Mo-Fr 10:00-16:00", EVENING) is False
    assert window_state("Mo-Fr 14:00-20:00; Sa 14:00-18:00", EVENING) is True  # (20 + 4) / 33


def test_the_threshold_is_half_and_every_group_window_exists():
    assert MOST_OF_WINDOW == 0.5
    assert set(GROUP_WINDOWS) <= set(GROUP_IDS)
    assert set(GROUP_WINDOWS.values()) <= set(WINDOW_BY_ID)
    assert window_for_group("children") == "weekday_afternoon"
    assert window_for_group("youth") == "weekday_evening_saturday"
    assert window_for_group("seniors") == "weekday_daytime"
    assert window_for_group("prams") == "weekend"
    assert window_for_group("wheelchair") == ANY_TIME
    for w in TIME_WINDOWS:
        assert w.label("de") != w.label("en")  # translated
        assert all(s.minutes_per_week > 0 for s in w.spans)


def test_hours_in_force_are_audit_then_osm_then_presumption():
    osm = compute_effective_facts({**PLAYGROUND, "opening_hours": "24/7"}, {}, "playground", PRESUMPTIONS)
    assert osm["opening_hours"].source == "osm" and window_state(str(osm["opening_hours"].value), AFTERNOON)

    audited = {"opening_hours": FactValue("Mo-Fr 09:00-12:00", source="audit")}
    facts = compute_effective_facts({**PLAYGROUND, "opening_hours": "24/7"}, audited, "playground", PRESUMPTIONS)
    assert facts["opening_hours"].value == "Mo-Fr 09:00-12:00"
    assert window_state(str(facts["opening_hours"].value), AFTERNOON) is False

    presumed = compute_effective_facts(PLAYGROUND, {}, "playground", PRESUMPTIONS)
    assert presumed["opening_hours"].source == "presumption"
    assert presumed["opening_hours"].presumption == "playground"
    assert window_state(str(presumed["opening_hours"].value), AFTERNOON) is True
    # Presumed hours are no record: they neither derive hour facts nor show as the hours in force.
    assert "open_evenings" not in presumed
    assert current_opening_hours(presumed) is None
    assert current_opening_hours(osm) is not None

    # Places without a presumption keep unknown hours.
    assert "opening_hours" not in compute_effective_facts({"amenity": "community_centre"}, {}, "community_centre", PRESUMPTIONS)
