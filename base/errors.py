"""Specific errors whose messages tell the user what went wrong and what to do next.

Each carries an English and a German text; the CLI prints English, the app shows the user's
language. Pages catch ``AtlasError`` (and only that) and show ``err.message(lang)``.
"""

from __future__ import annotations

from typing import Self


class AtlasError(Exception):
    """Base class: a problem the user can act on.

    Errors residents can meet carry an i18n ``key`` (built with :meth:`from_key`): their text
    then comes from ``base.i18n.STRINGS`` in every language of the resident pages.
    """

    def __init__(self, en: str, de: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.de = de or en
        self.key: str | None = None
        self.params: dict[str, object] = {}

    @classmethod
    def from_key(cls, key: str, **params: object) -> Self:
        from base.i18n import t

        err = cls(t(key, "en", **params), t(key, "de", **params))
        err.key, err.params = key, params
        return err

    def message(self, lang: str) -> str:
        if self.key is not None:
            from base.i18n import t

            return t(self.key, lang, **self.params)
        return self.de if lang == "de" else self.en


class OsmSourceError(AtlasError):
    """An OSM file or live source cannot be imported (truncated, empty, not OSM, bad coordinates)."""


class OverpassError(OsmSourceError):
    """The Overpass API or the geocoder could not be reached or answered with an error."""


class ImportConflict(AtlasError):
    """Another import of the same area is writing at the same time."""


class ImportCancelled(AtlasError):
    """The user cancelled an import; nothing was written."""

    def __init__(self, en: str | None = None, de: str | None = None) -> None:
        super().__init__(
            en or "The import was cancelled; nothing was written.",
            de or "Der Import wurde abgebrochen; es wurde nichts gespeichert.",
        )


class AreaNotFound(AtlasError):
    """No area (quarter) of that name is in the database."""


class InvalidInput(AtlasError):
    """A value entered by a user (or given on the command line) is not acceptable."""


class PlaceNotFound(AtlasError):
    """No place with that id or OSM reference."""


class PermissionDenied(AtlasError):
    """The signed-in role may not do this; checked inside every function that writes."""


class DatabaseFileGone(AtlasError):
    """The SQLite file was deleted or replaced while the app ran (writes stop), or a database is
    empty where one with data was (a start-up warning)."""


class DatabaseInUse(AtlasError):
    """The database is open in another process (the app, an import), so it cannot be restored."""


def database_gone() -> DatabaseFileGone:
    """The error a write meets when the database file vanished (residents can meet it)."""
    return DatabaseFileGone.from_key("public.error.database_gone")


class ImportLimitExceeded(OsmSourceError):
    """An OSM source is larger than a configured limit (objects, decompressed size, time, memory)."""
