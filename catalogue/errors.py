"""Specific errors whose messages tell the user what went wrong and what to do next.

Each carries an English and a German text; the CLI prints English, the app shows the user's
language. Pages catch ``AtlasError`` (and only that) and show ``err.message(lang)``.
"""

from __future__ import annotations


class AtlasError(Exception):
    """Base class: a problem the user can act on."""

    def __init__(self, en: str, de: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.de = de or en

    def message(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


class OsmSourceError(AtlasError):
    """An OSM file or live source cannot be imported (truncated, empty, not OSM, bad coordinates)."""


class OverpassError(OsmSourceError):
    """The Overpass API or the geocoder could not be reached or answered with an error."""


class AreaNotFound(AtlasError):
    """No area (quarter) of that name is in the database."""


class InvalidInput(AtlasError):
    """A value entered by a user (or given on the command line) is not acceptable."""


class PlaceNotFound(AtlasError):
    """No place with that id or OSM reference."""


class PermissionDenied(AtlasError):
    """The signed-in role may not do this; checked inside every function that writes."""
