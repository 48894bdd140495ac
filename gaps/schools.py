"""Official school lists (the NRW school list with the Schulsozialindex) matched to OSM schools.

``parse_school_list`` and ``match_schools`` are pure; ``save_``/``load_school_indicators`` talk to
the database. A school is matched by distance *and* name: official coordinates are geocoded
addresses and often sit in the next street, and two schools may share one building, so distance
alone would pair the wrong ones.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import shapely
from shapely import wkt as shapely_wkt
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from accounts.auth import Actor, require_role
from base.errors import InvalidInput
from base.geo import degrees_for_metres, local_coords_projection
from base.i18n import N_
from base.text import clean_text
from catalogue.store import CURATORS, PlaceInfo
from storage.models_catalogue import Place
from storage.models_gaps import SchoolIndicator as SchoolIndicatorRow

MAX_MATCH_M = 150.0
# Without a name hint a pair is only taken when it is the one candidate this close on both sides.
SOLE_CANDIDATE_M = 60.0
MIN_NAME_SCORE = 0.5

# The NRW list (IT.NRW, Schulsozialindex by MSB NRW): column → what it holds.
COLUMNS = {
    "number": "Schulnummer",
    "form": "Schulform",
    "name1": "Amtliche Bezeichnung 1",
    "name2": "Amtliche Bezeichnung 2",
    "name3": "Amtliche Bezeichnung 3",
    "street": "Straße und Hausnummer",
    "postcode": "Postleitzahl",
    "city": "Ort",
    "pupils": "Anzahl",
    "social_index": "Sozialindex",
    "lat": "latitude",
    "lon": "longitude",
    "startchancen": "Startchancen-Schule",
}
_REQUIRED = ("number", "name1", "lat", "lon")

# Words that say what kind of school it is or who runs it, not which school: they give no hint.
_GENERIC = frozenset(
    """
    schule schulen grundschule gemeinschaftsgrundschule gemeinschaftsschule hauptschule realschule
    gymnasium gesamtschule sekundarschule förderschule foerderschule berufskolleg kolleg
    weiterbildungskolleg primusschule volksschule waldorfschule freie städt stadt städtische staedt
    staedtische stadtische kath katholische ev evangelische evang gem ggs kgs egs
    primarstufe sekundarstufe sekundarstufen sek und der die das des dem den für fuer von vom
    zu zum zur am an im in mit auf bei für abteilung standort teilstandort dependance
    staatl staatlich genehmigte genehmigtes ersatzschule private privat öffentliche
    förderschwerpunkt fsp lernen jungen mädchen maedchen
    """.split()
)
_SCHOOL_SUFFIXES = ("grundschule", "gesamtschule", "realschule", "hauptschule", "gymnasium", "schule")


@dataclass(frozen=True)
class OfficialSchool:
    """One row of an official school list."""

    school_number: str
    name: str  # the first name line, e.g. "Kartause-Hain-Schule" or "Städt. Quirinus-Gymnasium"
    official_name: str  # all name lines joined
    school_form: str | None
    social_index: int | None  # NRW: 1 (fewest) to 9 (most social challenges); None = no index
    startchancen: bool
    pupils: int | None
    lon: float
    lat: float
    address: str = ""
    city: str = ""


@dataclass(frozen=True)
class SchoolMatch:
    place_id: int
    school: OfficialSchool
    distance_m: float
    name_score: float


@dataclass
class MatchReport:
    """``matched``: one-to-one pairs, best first. The rest is listed so a user can check it."""

    matched: list[SchoolMatch] = field(default_factory=list)
    unmatched_official_in_area: list[OfficialSchool] = field(default_factory=list)
    unmatched_osm: list[PlaceInfo] = field(default_factory=list)
    skipped_rows: int = 0  # rows without usable coordinates


@dataclass(frozen=True)
class SchoolIndicator:
    """What the gap map needs of a matched official school."""

    place_id: int
    school_number: str
    official_name: str
    school_form: str | None
    social_index: int | None
    startchancen: bool
    pupils: int | None
    source: str
    distance_m: float
    imported_at: datetime


# ---------------------------------------------------------------- parsing (pure)


def _number(text: str) -> float | None:
    """``"5.0"``, ``"5"``, ``"5,0"`` → 5.0; empty or not a number → None."""
    text = (text or "").strip()
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # German decimal comma from a spreadsheet
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _int(text: str) -> int | None:
    value = _number(text)
    return None if value is None else int(round(value))


def parse_school_list_text(text: str, *, source: str = "school list") -> tuple[list[OfficialSchool], int]:
    """The schools of a CSV text and how many rows were skipped for lack of coordinates."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [COLUMNS[key] for key in _REQUIRED if COLUMNS[key] not in header]
    if missing:
        raise InvalidInput(
            N_("{source}: the columns {join} are missing. Use the NRW school list (Schulnummer, Amtliche Bezeichnung 1, latitude, longitude, Sozialindex, …)."), source=source, join=', '.join(missing),
        )
    schools: list[OfficialSchool] = []
    skipped = 0
    for row in reader:

        def get(key: str, row: dict[str, str | None] = row) -> str:
            # An official file is neutralised, not refused: controls and invisible characters go.
            return clean_text(row.get(COLUMNS[key]) or "", neutralise=True)

        lat, lon = _number(get("lat")), _number(get("lon"))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == lon == 0):
            skipped += 1
            continue
        number = get("number")
        if number.endswith(".0"):
            number = number[:-2]
        names = [get("name1"), get("name2"), get("name3")]
        street, postcode, city = get("street"), get("postcode"), get("city")
        schools.append(
            OfficialSchool(
                school_number=number,
                name=names[0],
                official_name=" ".join(n for n in names if n),
                school_form=get("form") or None,
                social_index=_int(get("social_index")),
                startchancen=_int(get("startchancen")) == 1,
                pupils=_int(get("pupils")),
                lon=lon,
                lat=lat,
                address=", ".join(p for p in (street, f"{postcode} {city}".strip()) if p),
                city=city,
            )
        )
    return schools, skipped


def parse_school_list(path: str | os.PathLike[str]) -> list[OfficialSchool]:
    """Read an official school list CSV (the NRW list; UTF-8 with or without BOM, ``,`` or ``;``)."""
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(
            N_("School list {p!r} does not exist or is not a file. Check the path."), p=str(p),
        )
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # Excel's "CSV" on German Windows
    return parse_school_list_text(text, source=p.name)[0]


# ---------------------------------------------------------------- matching (pure)


def _fold(text: str) -> str:
    text = text.lower().replace("ß", "ss")
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(a, b)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_GENERIC_FOLDED = frozenset(_fold(w) for w in _GENERIC)


def name_tokens(name: str | None) -> set[str]:
    """The distinctive words of a school name: folded, without school kinds, owners and fillers.

    A compound such as ``Leoschule`` also yields its stem ``leo``, so it meets ``Leo-Schule``.
    """
    tokens: set[str] = set()
    for word in re.split(r"[^0-9a-z]+", _fold(name or "")):
        if len(word) < 3 or word.isdigit() or word in _GENERIC_FOLDED:
            continue
        tokens.add(word)
        for suffix in _SCHOOL_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                tokens.add(word[: -len(suffix)])
                break
    return tokens


def compute_name_score(osm_name: str | None, official_name: str, *, city: str = "") -> float:
    """Share of the shorter name's distinctive words found in the other name (0 … 1).

    Words of the city name ("Neuss") are no hint: many schools of a town carry it.
    """
    ignore = name_tokens(city)
    a, b = name_tokens(osm_name) - ignore, name_tokens(official_name) - ignore
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _osm_geometry(place: PlaceInfo):
    if place.geometry_wkt:
        try:
            geom = shapely_wkt.loads(place.geometry_wkt)
            if not geom.is_empty:
                return geom
        except shapely.errors.GEOSException:
            pass
    return shapely.Point(place.lon, place.lat)


def match_schools(
    official: Sequence[OfficialSchool],
    osm_schools: Sequence[PlaceInfo],
    *,
    max_m: float = MAX_MATCH_M,
    area_bbox: tuple[float, float, float, float] | None = None,
) -> MatchReport:
    """Pair official schools with OSM schools, one to one, best pairs first.

    A pair is a candidate when the official point lies within ``max_m`` of the OSM school (its
    outline, where it has one) and the names share a distinctive word (``Kartause-Hain-Schule``
    in "Städt. Kath. Grundschule Kartause-Hain-Schule"), or when, within 60 m, each is the
    other's only candidate. ``unmatched_official_in_area`` lists official schools inside
    ``area_bbox`` (default: around the OSM schools) that found no partner.
    """
    report = MatchReport()
    if not osm_schools:
        return report
    lon0 = sum(p.lon for p in osm_schools) / len(osm_schools)
    lat0 = sum(p.lat for p in osm_schools) / len(osm_schools)
    project = local_coords_projection(lon0, lat0)
    geoms = [shapely.transform(_osm_geometry(p), project) for p in osm_schools]
    if area_bbox is None:
        xs = [p.lon for p in osm_schools]
        ys = [p.lat for p in osm_schools]
        area_bbox = (min(xs), min(ys), max(xs), max(ys))
    west, south, east, north = area_bbox
    pad_lon, pad = degrees_for_metres(lat0, max_m)
    near = [
        s for s in official
        if west - pad_lon <= s.lon <= east + pad_lon and south - pad <= s.lat <= north + pad
    ]  # fmt: skip
    tree = shapely.STRtree(geoms)
    points = [shapely.transform(shapely.Point(s.lon, s.lat), project) for s in near]
    school_idx, osm_idx = tree.query(points, predicate="dwithin", distance=max_m) if points else ([], [])

    pairs: list[tuple[int, int, float, float]] = []  # official, osm, distance, name score
    for i, j in zip(list(school_idx), list(osm_idx), strict=True):
        d = float(shapely.distance(points[i], geoms[j]))
        score = compute_name_score(osm_schools[j].name, near[i].official_name, city=near[i].city)
        pairs.append((int(i), int(j), d, score))
    close_per_school: dict[int, int] = {}
    close_per_osm: dict[int, int] = {}
    for i, j, d, _ in pairs:
        if d <= SOLE_CANDIDATE_M:
            close_per_school[i] = close_per_school.get(i, 0) + 1
            close_per_osm[j] = close_per_osm.get(j, 0) + 1
    accepted = [
        (i, j, d, s)
        for i, j, d, s in pairs
        if s >= MIN_NAME_SCORE
        or (d <= SOLE_CANDIDATE_M and close_per_school[i] == 1 and close_per_osm[j] == 1)
    ]
    accepted.sort(key=lambda t: (-(t[3] >= MIN_NAME_SCORE), -t[3], t[2], near[t[0]].school_number))
    used_school: set[int] = set()
    used_osm: set[int] = set()
    for i, j, d, s in accepted:
        if i in used_school or j in used_osm:
            continue
        used_school.add(i)
        used_osm.add(j)
        report.matched.append(SchoolMatch(osm_schools[j].id, near[i], round(d, 1), round(s, 3)))
    report.unmatched_official_in_area = [
        s
        for i, s in enumerate(near)
        if i not in used_school and west <= s.lon <= east and south <= s.lat <= north
    ]
    report.unmatched_osm = [p for j, p in enumerate(osm_schools) if j not in used_osm]
    return report


# ---------------------------------------------------------------- storage


def save_school_indicators(
    session: Session, *, actor: Actor, area_id: int, report: MatchReport, source: str
) -> int:
    """Replace the area's school indicators with the matched ones; returns how many were stored."""
    require_role(actor, *CURATORS)
    place_ids = select(Place.id).where(Place.area_id == area_id)
    session.execute(delete(SchoolIndicatorRow).where(SchoolIndicatorRow.place_id.in_(place_ids)))
    now = datetime.now(UTC)
    for m in report.matched:
        s = m.school
        session.add(
            SchoolIndicatorRow(
                place_id=m.place_id,
                school_number=s.school_number[:20],
                official_name=s.official_name[:500],
                school_form=(s.school_form or None) and s.school_form[:100],
                social_index=s.social_index,
                startchancen=s.startchancen,
                pupils=s.pupils,
                source=source[:500],
                distance_m=float(m.distance_m),
                imported_at=now,
            )
        )
    session.flush()
    return len(report.matched)


def load_school_indicators(session: Session, *, area_id: int) -> dict[int, SchoolIndicator]:
    """``{place_id: indicator}`` for the area's matched schools."""
    rows = session.scalars(
        select(SchoolIndicatorRow)
        .join(Place, Place.id == SchoolIndicatorRow.place_id)
        .where(Place.area_id == area_id)
        .order_by(SchoolIndicatorRow.place_id)
    )
    return {
        r.place_id: SchoolIndicator(
            place_id=r.place_id,
            school_number=r.school_number,
            official_name=r.official_name,
            school_form=r.school_form,
            social_index=r.social_index,
            startchancen=r.startchancen,
            pupils=r.pupils,
            source=r.source,
            distance_m=r.distance_m,
            imported_at=r.imported_at,
        )
        for r in rows
    }
