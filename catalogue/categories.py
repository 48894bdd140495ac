"""Places of encounter: the one table that maps OpenStreetMap tags to categories.

Everything that needs to know the categories (reader, Overpass query, map colours, legend,
exports, docs) reads ``CATEGORIES``. To add a category, add a row here; nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from base.i18n import N_, t


@dataclass(frozen=True)
class TagMatch:
    """One OSM tag condition: ``key=value`` plus optional extra tags that must also be set.

    ``require`` holds ``(key, value)`` pairs; ``value`` ``None`` means "any value".
    """

    key: str
    value: str
    require: tuple[tuple[str, str | None], ...] = ()

    def matches(self, tags: Mapping[str, str]) -> bool:
        if tags.get(self.key, "").strip() != self.value:
            return False
        for key, value in self.require:
            have = tags.get(key)
            if have is None or (value is not None and have.strip() != value):
                return False
        return True


@dataclass(frozen=True)
class Category:
    id: str
    name: str  # message id (English); ``label(lang)`` translates it
    color: str  # map colour (hex); the legend shows it next to the label, never colour alone
    matches: tuple[TagMatch, ...]
    anchor: bool = False  # schools and Kitas anchor the gap maps
    note: str = ""  # message id: what else the category holds

    def label(self, lang: str) -> str:
        return t(self.name, lang)

    def note_text(self, lang: str) -> str:
        return t(self.note, lang) if self.note else ""


def _m(key: str, *values: str, require: tuple[tuple[str, str | None], ...] = ()) -> tuple[TagMatch, ...]:
    return tuple(TagMatch(key, v, require) for v in values)


CATEGORIES: tuple[Category, ...] = (
    Category(
        "community_centre",
        N_("Community centre"),
        "#e6194b",
        _m("amenity", "community_centre", "social_centre"),
        note=N_("also youth, family and senior centres"),
    ),
    Category(
        "social_facility",
        N_("Social facility"),
        "#f58231",
        _m("amenity", "social_facility"),
    ),
    Category(
        "library_culture",
        N_("Library and culture"),
        "#911eb4",
        _m("amenity", "library", "arts_centre", "public_bookcase"),
    ),
    Category(
        "place_of_worship",
        N_("Place of worship"),
        "#808000",
        _m("amenity", "place_of_worship"),
    ),
    Category(
        "playground",
        N_("Playground"),
        "#3cb44b",
        _m("leisure", "playground"),
    ),
    Category(
        "park_garden",
        N_("Park and community garden"),
        "#1b7837",
        _m("leisure", "park") + _m("leisure", "garden", require=(("garden:type", "community"),)),
    ),
    Category(
        "sport",
        N_("Sport"),
        "#4363d8",
        _m("leisure", "sports_centre", "pitch", "fitness_station"),
    ),
    Category(
        "square_market",
        N_("Square and market"),
        "#9a6324",
        _m("place", "square")
        + _m("amenity", "marketplace")
        + _m("highway", "pedestrian", require=(("area", "yes"), ("name", None))),
    ),
    Category(
        "cafe",
        N_("Café"),
        "#a9a9a9",
        _m("amenity", "cafe"),
        note=N_("usually needs consumption"),
    ),
    Category(
        "school",
        N_("School"),
        "#000075",
        _m("amenity", "school"),
        anchor=True,
    ),
    Category(
        "kita",
        N_("Kita (daycare)"),
        "#f032e6",
        _m("amenity", "kindergarten", "childcare"),
        anchor=True,
    ),
)

CATEGORY_BY_ID: dict[str, Category] = {c.id: c for c in CATEGORIES}


def category_label(category_id: str, lang: str) -> str:
    """The category's label in ``lang``; an id the table does not know is shown as it is."""
    category = CATEGORY_BY_ID.get(category_id)
    return category.label(lang) if category else category_id
CATEGORY_IDS: tuple[str, ...] = tuple(c.id for c in CATEGORIES)
ANCHOR_IDS: tuple[str, ...] = tuple(c.id for c in CATEGORIES if c.anchor)

# Which key decides first when a feature carries several matching tags: an amenity (what a
# place is used for) beats leisure, which beats place/highway (what it looks like).
KEY_PRECEDENCE: tuple[str, ...] = ("amenity", "leisure", "place", "highway")

# Every OSM key the categories look at, for fast pre-filtering in the readers.
MATCH_KEYS: frozenset[str] = frozenset(m.key for c in CATEGORIES for m in c.matches)


def classify_tags(tags: Mapping[str, str]) -> str | None:
    """Return the category id for an OSM feature's tags, or ``None`` if it is no place of encounter."""
    for key in KEY_PRECEDENCE:
        if key not in tags:
            continue
        for category in CATEGORIES:
            for match in category.matches:
                if match.key == key and match.matches(tags):
                    return category.id
    return None


def overpass_tags() -> dict[str, list[str]]:
    """The tags to ask Overpass (via osmnx) for: ``{key: [values]}``; extra conditions are checked after."""
    wanted: dict[str, list[str]] = {}
    for category in CATEGORIES:
        for match in category.matches:
            values = wanted.setdefault(match.key, [])
            if match.value not in values:
                values.append(match.value)
    return wanted
