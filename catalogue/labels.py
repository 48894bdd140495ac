"""What a person reads for a place: its name, or for an unnamed one its category and where it is.

Many places in OSM have no ``name`` (most playgrounds, many pitches and parks). Lists, maps and
exports never show them as "?", "None" or a bare ``way/123``: they read "Spielplatz,
Goethestraße" (category and locator, see ``catalogue.build.compute_locators``), else
"Spielplatz (way/123)", else "Spielplatz #17" for a place not from OSM.
"""

from __future__ import annotations

from typing import Protocol

from base.i18n import N_, t
from catalogue.categories import category_label


class Labelled(Protocol):
    """What :func:`place_label` needs of a place (``store.PlaceInfo`` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str | None: ...
    @property
    def category(self) -> str: ...
    @property
    def locator(self) -> str | None: ...
    @property
    def ref(self) -> str | None: ...


def compute_label(
    *, name: str | None, category: str, locator: str | None, ref: str | None, place_id: int | None, lang: str
) -> str:
    """The name if there is one; else "<category>, <locator>"; else "<category> (<OSM ref>)";
    else "<category> #<id>". Names and locators are values, never part of the pattern."""
    if name and name.strip():
        return name
    what = category_label(category, lang)
    if locator and locator.strip():
        return t(N_("{category}, {locator}"), lang, category=what, locator=locator)
    if ref:
        return t(N_("{category} ({ref})"), lang, category=what, ref=ref)
    if place_id is not None:
        return t(N_("{category} #{id}"), lang, category=what, id=place_id)
    return what


def place_label(place: Labelled, lang: str) -> str:
    """The label of a stored place in ``lang`` (see :func:`compute_label`)."""
    return compute_label(
        name=place.name, category=place.category, locator=place.locator, ref=place.ref, place_id=place.id, lang=lang
    )
