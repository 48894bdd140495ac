"""Import service: read an OSM source, then save it in one transaction – all or nothing.

Reading happens before the transaction starts, so a slow download or a bad file never holds
the database's write lock, and a bad source raises before anything is written.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

from sqlalchemy import Engine

from catalogue.errors import InvalidInput
from catalogue.model import Extract
from catalogue.settings import Settings
from catalogue.store import ImportSummary, save_extract, validate_area_name
from storage.db import session_scope


def _save(
    engine: Engine, *, area_name: str, extract: Extract, started: float, published: bool = True
) -> ImportSummary:
    read_seconds = time.perf_counter() - started
    with session_scope(engine) as session:
        summary = save_extract(
            session, area_name=area_name, extract=extract, read_seconds=read_seconds, published=published
        )
    # The reported time is the whole import as the user waited for it, commit included.
    return dataclasses.replace(summary, seconds=time.perf_counter() - started)


def import_file(
    engine: Engine, *, path: str | os.PathLike[str], area_name: str, published: bool = True
) -> ImportSummary:
    """Import an OSM extract file (.osm.pbf, .osm, …) into the area ``area_name``.

    A new area is ``published`` (shown to residents) unless told otherwise.
    """
    from catalogue.osm_file import read_osm_file

    started = time.perf_counter()
    area_name = validate_area_name(area_name)
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(
            f"OSM file {str(path)!r} does not exist or is not a file. Check the path.",
            f"OSM-Datei {str(path)!r} existiert nicht oder ist keine Datei. Bitte den Pfad prüfen.",
        )
    extract = read_osm_file(path)
    return _save(engine, area_name=area_name, extract=extract, started=started, published=published)


def import_sample(engine: Engine, *, area_name: str) -> ImportSummary:
    """Import the bundled Helsinki sample; a new sample area is not published (residents do not
    see it, and staff pages do not open on it) until a manager publishes it."""
    from catalogue.osm_file import sample_extract_path

    return import_file(engine, path=sample_extract_path(), area_name=area_name, published=False)


def import_overpass(
    engine: Engine,
    *,
    area_name: str,
    place: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    settings: Settings | None = None,
) -> ImportSummary:
    """Import a quarter live from the Overpass API, by place name or by bounding box."""
    from catalogue.overpass import fetch_overpass
    from catalogue.settings import load_settings

    started = time.perf_counter()
    area_name = validate_area_name(area_name)
    if (place is None) == (bbox is None):
        raise InvalidInput(
            "Give either a place name or a bounding box (west,south,east,north), not both or neither.",
            "Bitte entweder einen Ortsnamen oder ein Rechteck (West,Süd,Ost,Nord) angeben, nicht beides.",
        )
    extract = fetch_overpass(place=place, bbox=bbox, settings=settings or load_settings())
    return _save(engine, area_name=area_name, extract=extract, started=started)
