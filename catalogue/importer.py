"""Import service: read an OSM source, then save it in one transaction – all or nothing.

Reading happens before the transaction starts, so a slow download or a bad file never holds
the database's write lock, and a bad source raises before anything is written. The acting
user's role is checked first, before any work is done.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from accounts.auth import Actor, require_role
from base.errors import ImportCancelled, InvalidInput
from base.i18n import N_
from base.settings import Settings
from catalogue.model import Extract
from catalogue.store import CURATORS, ImportSummary, save_extract, validate_area_name
from storage.db import session_scope

# ``progress(phase, objects_read)``: called by the reader from the importing thread.
Progress = Callable[[str, int], None]


def _save(
    engine: Engine,
    *,
    actor: Actor,
    area_name: str,
    extract: Extract,
    started: float,
    before_commit: Callable[[], None] | None = None,
    published: bool = True,
) -> ImportSummary:
    read_seconds = time.perf_counter() - started
    with session_scope(engine) as session:
        summary = save_extract(
            session,
            actor=actor,
            area_name=area_name,
            extract=extract,
            read_seconds=read_seconds,
            published=published,
        )
        if before_commit is not None:
            # The last chance to stop (a cancelled job): raising here rolls everything back.
            before_commit()
    # The reported time is the whole import as the user waited for it, commit included.
    return dataclasses.replace(summary, seconds=time.perf_counter() - started)


def import_file(
    engine: Engine,
    *,
    actor: Actor,
    path: str | os.PathLike[str],
    area_name: str,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    before_commit: Callable[[], None] | None = None,
    published: bool = True,
) -> ImportSummary:
    """Import an OSM extract file (.osm.pbf, .osm, …) into the area ``area_name``.

    ``progress(phase, objects)`` hears how far reading got and ``cancel`` stops it;
    ``before_commit`` runs inside the transaction and may raise to undo it. A new area is
    ``published`` (shown to residents) unless told otherwise.
    """
    from catalogue.osm_file import read_osm_file

    require_role(actor, *CURATORS)  # before reading: a refused import costs no work
    started = time.perf_counter()
    area_name = validate_area_name(area_name)
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(
            N_("OSM file {path!r} does not exist or is not a file. Check the path."), path=str(path),
        )
    extract = read_osm_file(path, progress=progress, cancel=cancel)
    if cancel is not None and cancel.is_set():
        raise ImportCancelled()
    if progress is not None:
        progress("saving", len(extract.places))
    return _save(
        engine,
        actor=actor,
        area_name=area_name,
        extract=extract,
        started=started,
        before_commit=before_commit,
        published=published,
    )


def import_sample(engine: Engine, *, actor: Actor, area_name: str) -> ImportSummary:
    """Import the bundled Helsinki sample; a new sample area is not published (residents do not
    see it, and staff pages do not open on it) until a manager publishes it."""
    from catalogue.osm_file import sample_extract_path

    return import_file(engine, actor=actor, path=sample_extract_path(), area_name=area_name, published=False)


def import_overpass(
    engine: Engine,
    *,
    actor: Actor,
    area_name: str,
    place: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    settings: Settings | None = None,
    before_commit: Callable[[], None] | None = None,
) -> ImportSummary:
    """Import a quarter live from the Overpass API, by place name or by bounding box."""
    from base.settings import load_settings
    from catalogue.overpass import fetch_overpass

    require_role(actor, *CURATORS)
    started = time.perf_counter()
    area_name = validate_area_name(area_name)
    if (place is None) == (bbox is None):
        raise InvalidInput(
            N_("Give either a place name or a bounding box (west,south,east,north), not both or neither."),
        )
    extract = fetch_overpass(place=place, bbox=bbox, settings=settings or load_settings())
    return _save(
        engine, actor=actor, area_name=area_name, extract=extract, started=started, before_commit=before_commit
    )
