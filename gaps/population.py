"""Residents per demand unit: from an official 100 m census grid, else estimated from OSM buildings.

One source per area (table ``populations``):

* ``census``: the Zensus 2022 grid (CSV, ``GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner``, cell
  centres in EPSG:3035, ``–`` for cells whose count is kept secret). ``parse_census_text`` keeps
  the cells within 500 m of the area's box; ``save_census_population`` replaces what the area had.
  A suppressed cell counts 0 residents and is reported.
* ``buildings`` (also when an area has no row): the residential floor area of each building
  (``BaseMap.homes``, worked out at the OSM import by ``catalogue.build.compute_homes``) divided
  by ``ATLAS_FLOOR_AREA_PER_RESIDENT``, scaled to a known total when one was given
  (``save_building_estimate``). Computed when a gap map asks for it, never stored.

At gap time every point's residents go to the H3 cell it lies in (:func:`compute_unit_residents`).
A census cell (100 m × 100 m) touches two or three hexagons of resolution 10 (about 0.015 km²),
so its residents are spread over the centres of its four quarters first, a quarter each.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import h3
import numpy as np
from pyproj import Transformer
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.auth import Actor, require_role
from base.errors import InvalidInput
from base.geo import METRES_PER_DEGREE
from base.i18n import N_, format_date, t
from base.settings import Settings
from catalogue.store import CURATORS, load_homes
from storage.models_gaps import AreaPopulation

CENSUS_COLUMNS: tuple[str, ...] = ("GITTER_ID_100m", "x_mp_100m", "y_mp_100m", "Einwohner")
SUPPRESSED_MARKS = frozenset({"–", "-", "—"})  # the official files use the en dash
CENSUS_MARGIN_M = 500.0  # cells this far outside the area's box are kept (catchments reach out)
CENSUS_CELL_M = 100.0
CENSUS = "census"
BUILDINGS = "buildings"
# Which share setting turns residents into the people of a group (``Settings`` attribute, per mille).
GROUP_SHARES: dict[str, str] = {
    "children": "share_children",
    "youth": "share_youth",
    "seniors": "share_seniors",
}

_TO_LAEA = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
_FROM_LAEA = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)


@dataclass(frozen=True)
class PopulationPoints:
    """Residents at points: census cell centres or building centroids (WGS84)."""

    ids: np.ndarray  # str: grid cell id; empty strings for buildings
    lon: np.ndarray  # float64
    lat: np.ndarray  # float64
    residents: np.ndarray  # float64

    @property
    def count(self) -> int:
        return int(self.lon.shape[0])

    @property
    def total(self) -> float:
        return float(self.residents.sum())

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez_compressed(
            buf, ids=self.ids.astype(str), lon=self.lon, lat=self.lat, residents=self.residents
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> PopulationPoints:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return cls(ids=npz["ids"], lon=npz["lon"], lat=npz["lat"], residents=npz["residents"])


@dataclass(frozen=True)
class CensusGrid:
    """The cells of a census file that lie at the area, and what was read."""

    points: PopulationPoints
    rows: int  # data rows in the file
    suppressed: int  # of the kept cells, how many the file left blank


@dataclass(frozen=True)
class Population:
    """An area's residents as used by a gap map, and where they come from.

    ``source``: ``census`` or ``buildings``; ``source_name``: the census file's name; ``date``: when
    the grid was imported (census) or the area was imported from OSM (buildings).
    ``floor_area_m2``: the floor area per resident of an estimate; ``scaled_to``: the known total
    an estimate was scaled to, else ``None``.
    """

    source: str
    points: PopulationPoints
    source_name: str | None = None
    date: datetime | None = None
    floor_area_m2: float | None = None
    scaled_to: float | None = None
    suppressed: int = 0

    @property
    def total(self) -> float:
        return self.points.total

    @property
    def cell_m(self) -> float | None:
        """The side of a grid cell a point stands for (census), ``None`` for buildings."""
        return CENSUS_CELL_M if self.source == CENSUS else None

    def to_json_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "source_name": self.source_name,
            "date": self.date.date().isoformat() if self.date is not None else None,
            "residents": round(self.total),
            "points": self.points.count,
            "suppressed": self.suppressed,
            "floor_area_per_resident": self.floor_area_m2,
            "scaled_to": self.scaled_to,
        }


def describe_population(population: Population, lang: str) -> str:
    """Where the residents come from, for the page and the printed map's footer."""
    date = format_date(population.date, lang) if population.date is not None else "–"
    if population.source == CENSUS:
        return t(
            N_("Population: Zensus 2022 ({file}, imported on {date})"), lang, file=population.source_name or "–", date=date
        )
    if population.scaled_to is not None:
        return t(
            N_("Population: estimated from OSM buildings ({m2} m² per person), scaled to {total:,} residents"),
            lang, m2=round(population.floor_area_m2 or 0), total=round(population.scaled_to),
        )  # fmt: skip
    return t(
        N_("Population: estimated from OSM buildings ({m2} m² per person, OSM data of {date})"),
        lang, m2=round(population.floor_area_m2 or 0), date=date,
    )  # fmt: skip


# ---------------------------------------------------------------- census grid (pure)


def _laea_box(bbox: tuple[float, float, float, float], margin_m: float) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = _TO_LAEA.transform_bounds(*bbox, densify_pts=21)
    return x0 - margin_m, y0 - margin_m, x1 + margin_m, y1 + margin_m


def _bad_row(source: str, line: int, column: str, value: str) -> InvalidInput:
    return InvalidInput(
        N_("{source}, line {line}: {column} is {value!r}, not a whole number of at least 0. Use the census file as published (a blank cell is written as '–')."),
        source=source, line=line, column=column, value=value[:40],
    )  # fmt: skip


def parse_census_text(
    text: str, *, source: str, bbox: tuple[float, float, float, float], margin_m: float = CENSUS_MARGIN_M
) -> CensusGrid:
    """The cells of a Zensus 2022 100 m grid CSV within ``margin_m`` of ``bbox`` (west, south, east, north).

    Raises :class:`InvalidInput` for a file that is not such a grid (header, values) and for a
    grid with no cell at the area.
    """
    text = text.removeprefix("\ufeff")
    if "\x00" in text[:4096]:
        raise _not_census(source)
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = [h.strip() for h in next(reader, [])]
    folded = [h.casefold() for h in header]
    missing = [c for c in CENSUS_COLUMNS if c.casefold() not in folded]
    if missing:
        raise InvalidInput(
            N_("{source} is not a census grid in the Zensus 2022 format: the columns {missing} are missing. Use the 100 m grid CSV with the columns GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner."),
            source=source, missing=", ".join(missing),
        )  # fmt: skip
    col = [folded.index(c.casefold()) for c in CENSUS_COLUMNS]
    width = max(col) + 1
    x0, y0, x1, y1 = _laea_box(bbox, margin_m)
    ids: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    counts: list[int] = []
    suppressed = rows = 0
    for line, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        rows += 1
        if len(row) < width:
            raise InvalidInput(
                N_("{source}, line {line}: {found} columns instead of {expected}. Use the census file as published."),
                source=source, line=line, found=len(row), expected=len(header),
            )  # fmt: skip
        raw_x, raw_y = row[col[1]].strip(), row[col[2]].strip()
        try:
            x, y = float(raw_x.replace(",", ".")), float(raw_y.replace(",", "."))
        except ValueError:
            bad = CENSUS_COLUMNS[1] if not _is_number(raw_x) else CENSUS_COLUMNS[2]
            raise _bad_row(source, line, bad, raw_x if bad == CENSUS_COLUMNS[1] else raw_y) from None
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        raw = row[col[3]].strip()
        if raw in SUPPRESSED_MARKS:
            value = 0
            suppressed += 1
        elif raw.isdigit():
            value = int(raw)
        else:
            raise _bad_row(source, line, CENSUS_COLUMNS[3], raw)
        ids.append(row[col[0]].strip())
        xs.append(x)
        ys.append(y)
        counts.append(value)
    if not ids:
        raise InvalidInput(
            N_("{source} has no grid cell at this area ({rows} cells read, none within {margin:,} m of the area). Use the grid of the region the area lies in."),
            source=source, rows=rows, margin=round(margin_m),
        )  # fmt: skip
    lon, lat = _FROM_LAEA.transform(np.array(xs), np.array(ys))
    points = PopulationPoints(
        ids=np.array(ids, dtype=str),
        lon=np.asarray(lon, np.float64),
        lat=np.asarray(lat, np.float64),
        residents=np.array(counts, np.float64),
    )
    return CensusGrid(points=points, rows=rows, suppressed=suppressed)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _not_census(source: str) -> InvalidInput:
    return InvalidInput(
        N_("{source} is not a text CSV file. Use the census grid CSV (Zensus 2022, 100 m, separated by ';')."),
        source=source,
    )


def read_census_file(path: str | os.PathLike[str], *, bbox: tuple[float, float, float, float]) -> CensusGrid:
    """Read a census grid CSV (UTF-8 with or without BOM, or Windows-1252) for an area's box."""
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(
            N_("Census file {path!r} does not exist or is not a file. Check the path."), path=str(p),
        )
    raw = p.read_bytes()
    if b"\x00" in raw[:4096]:
        raise _not_census(p.name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return parse_census_text(text, source=p.name, bbox=bbox)


# ---------------------------------------------------------------- building estimate (pure)


def compute_building_residents(
    floor_m2: np.ndarray, *, floor_area_per_resident: float, total: float | None = None
) -> np.ndarray:
    """Residents per building: residential floor area ÷ floor area per resident, scaled so that
    they sum to ``total`` when one is given (and there is any residential floor area)."""
    residents = np.asarray(floor_m2, np.float64) / float(floor_area_per_resident)
    if total is not None:
        current = residents.sum()
        if current > 0:
            residents = residents * (float(total) / current)
    return residents


# ---------------------------------------------------------------- at gap time (pure)


def compute_unit_residents(
    points: PopulationPoints, cells: list[str], resolution: int, *, cell_m: float | None = None
) -> np.ndarray:
    """Residents per hexagon of ``cells`` (H3 ids at ``resolution``): the sum over the points
    that lie in it. A point standing for a square grid cell of side ``cell_m`` is split into its
    four quarters' centres first. Points outside every hexagon are not counted."""
    out = np.zeros(len(cells), np.float64)
    if not cells or points.count == 0:
        return out
    lon, lat, residents = points.lon, points.lat, points.residents
    if cell_m is not None:
        dlat = cell_m / 4 / METRES_PER_DEGREE
        dlon = dlat / np.cos(np.radians(lat))
        lon = np.concatenate([lon - dlon, lon + dlon, lon - dlon, lon + dlon])
        lat = np.concatenate([lat - dlat, lat - dlat, lat + dlat, lat + dlat])
        residents = np.tile(residents / 4, 4)
    index = {c: i for i, c in enumerate(cells)}
    point_cells = [
        index.get(h3.latlng_to_cell(la, lo, resolution), -1) for lo, la in zip(lon.tolist(), lat.tolist(), strict=True)
    ]
    where = np.array(point_cells, np.int64)
    inside = where >= 0
    np.add.at(out, where[inside], residents[inside])
    return out


def group_share(group: str, settings: Settings) -> float | None:
    """The share of the group among residents (0…1), or ``None`` when the group has no share."""
    name = GROUP_SHARES.get(group)
    return None if name is None else getattr(settings, name) / 1000.0


# ---------------------------------------------------------------- storage


def save_census_population(
    session: Session, *, actor: Actor, area_id: int, grid: CensusGrid, source_name: str
) -> None:
    """Make the census grid the area's population (replacing a census grid or an estimate)."""
    require_role(actor, *CURATORS)
    _replace(
        session,
        AreaPopulation(
            area_id=area_id,
            source=CENSUS,
            source_name=source_name[:500],
            residents=grid.points.total,
            points=grid.points.count,
            suppressed=grid.suppressed,
            data=grid.points.to_bytes(),
            imported_at=datetime.now(UTC),
        ),
    )


def save_building_estimate(session: Session, *, actor: Actor, area_id: int, total: int | None) -> None:
    """Make the building estimate the area's population, scaled to ``total`` residents if given."""
    require_role(actor, *CURATORS)
    if total is not None and total <= 0:
        raise InvalidInput(N_("The number of residents must be greater than 0."))
    _replace(
        session,
        AreaPopulation(
            area_id=area_id,
            source=BUILDINGS,
            source_name=None,
            residents=float(total) if total is not None else None,
            points=0,
            suppressed=0,
            data=None,
            imported_at=datetime.now(UTC),
        ),
    )


def _replace(session: Session, row: AreaPopulation) -> None:
    old = session.get(AreaPopulation, row.area_id)
    if old is not None:
        session.delete(old)
        session.flush()
    session.add(row)
    session.flush()


def load_population(session: Session, *, area_id: int, settings: Settings) -> Population | None:
    """The area's residents: its census grid, else the estimate from its buildings; ``None`` when
    it has neither (no grid and no residential building in the base map)."""
    row = session.get(AreaPopulation, area_id)
    if row is not None and row.source == CENSUS and row.data is not None:
        return Population(
            source=CENSUS,
            points=PopulationPoints.from_bytes(row.data),
            source_name=row.source_name,
            date=row.imported_at,
            suppressed=row.suppressed,
        )
    from storage.models_catalogue import Area

    homes = load_homes(session, area_id=area_id)
    if homes.count == 0:
        return None
    total = row.residents if row is not None else None
    residents = compute_building_residents(
        homes.floor_m2, floor_area_per_resident=settings.floor_area_per_resident, total=total
    )
    if residents.sum() <= 0:
        return None
    return Population(
        source=BUILDINGS,
        points=PopulationPoints(
            ids=np.full(homes.count, "", dtype=str), lon=homes.lon, lat=homes.lat, residents=residents
        ),
        date=session.scalar(select(Area.imported_at).where(Area.id == area_id)),
        floor_area_m2=float(settings.floor_area_per_resident),
        scaled_to=total,
    )


def load_population_version(session: Session, *, area_id: int) -> str:
    """Changes whenever the area's population source changes (for caches of pages)."""
    row = session.execute(
        select(AreaPopulation.source, AreaPopulation.imported_at, AreaPopulation.residents).where(
            AreaPopulation.area_id == area_id
        )
    ).one_or_none()
    return "" if row is None else "|".join(str(v) for v in row)
