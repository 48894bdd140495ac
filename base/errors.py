"""Specific errors whose messages tell the user what went wrong and what to do next.

An error carries a message id (English, marked with ``N_`` so ``pybabel extract`` finds it) and
its parameters; it is translated where it is shown: the page in the user's language
(``err.message(lang)``), the command line in English (``err.en``), a printed map in the map's
language. So no module below the UI depends on the catalogs' contents, and a resident meets an
error in the language of the page. Pages catch ``AtlasError`` (and only that).
"""

from __future__ import annotations

from base.i18n import N_, t


class AtlasError(Exception):
    """Base class: a problem the user can act on.

    ``message`` is an English message id with ``str.format`` placeholders; ``params`` fill them
    (values are data: they are never formatted again).
    """

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(message)
        self.msgid = message
        self.params: dict[str, object] = params

    def message(self, lang: str) -> str:
        return t(self.msgid, lang, **self.params)

    @property
    def en(self) -> str:
        return self.message("en")

    @property
    def de(self) -> str:
        return self.message("de")

    def __str__(self) -> str:
        return self.en


class OsmSourceError(AtlasError):
    """An OSM file or live source cannot be imported (truncated, empty, not OSM, bad coordinates)."""


class OverpassError(OsmSourceError):
    """The Overpass API or the geocoder could not be reached or answered with an error."""


class ImportConflict(AtlasError):
    """Another import of the same area is writing at the same time."""


class ImportCancelled(AtlasError):
    """The user cancelled an import; nothing was written."""

    def __init__(self, message: str = N_("The import was cancelled; nothing was written."), /,
                 **params: object) -> None:  # fmt: skip
        super().__init__(message, **params)


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
    return DatabaseFileGone(N_("Nothing was saved: the database is not available right now. Please try again later; the team has been told."))


class ImportLimitExceeded(OsmSourceError):
    """An OSM source is larger than a configured limit (objects, decompressed size, time, memory)."""
