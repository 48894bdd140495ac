"""Distances and projections on WGS84 coordinates: the one place for them.

Two kinds of answer, for two kinds of question:

* exact enough for results (walking lengths of the network, how near a suggestion is):
  :func:`haversine_m` (great circle) and :func:`utm_crs` (the UTM zone that metres are computed in);
* rough but cheap, for boxes that pre-filter a query, margins and messages: the equirectangular
  approximation (:data:`METRES_PER_DEGREE` for a degree of latitude, times ``cos(lat)`` for a
  degree of longitude), which is within about 0.5 % over a quarter or a town.

Coordinates are ``(lon, lat)`` in degrees; a box is ``(west, south, east, north)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyproj
from numpy.typing import ArrayLike

# Mean radius, as osmnx uses for great-circle lengths.
EARTH_RADIUS_M = 6_371_009.0
# A degree of latitude (and of longitude at the equator), for the equirectangular approximation.
METRES_PER_DEGREE = 111_320.0
# cos(lat) is never taken below this, so boxes near the poles stay finite.
_MIN_COS = 0.01

BBox = tuple[float, float, float, float]


def haversine_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> np.ndarray:
    """Great-circle distance in metres, vectorised (``float()`` it for a single pair)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlam = np.radians(np.subtract(lon2, lon1))
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two points."""
    return float(haversine_m(lon1, lat1, lon2, lat2))


def metres_per_degree_lon(lat: float) -> float:
    """Metres in a degree of longitude at latitude ``lat`` (equirectangular)."""
    return METRES_PER_DEGREE * max(math.cos(math.radians(lat)), _MIN_COS)


def degrees_for_metres(lat: float, metres: float) -> tuple[float, float]:
    """``(dlon, dlat)``: how many degrees ``metres`` span east–west and north–south at ``lat``."""
    return metres / metres_per_degree_lon(lat), metres / METRES_PER_DEGREE


def box_around(lon: float, lat: float, radius_m: float) -> BBox:
    """The box reaching ``radius_m`` from ``(lon, lat)`` in every direction."""
    dlon, dlat = degrees_for_metres(lat, radius_m)
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def grow_bbox(bbox: BBox, margin_m: float) -> BBox:
    """``bbox`` widened by ``margin_m`` on every side (longitude scaled at its middle latitude)."""
    west, south, east, north = bbox
    mid = max(-89.0, min(89.0, (south + north) / 2))
    dlon, dlat = degrees_for_metres(mid, margin_m)
    return west - dlon, south - dlat, east + dlon, north + dlat


def in_bbox(lon: float, lat: float, bbox: BBox) -> bool:
    west, south, east, north = bbox
    return west <= lon <= east and south <= lat <= north


def bboxes_overlap(a: BBox, b: BBox) -> bool:
    return not (b[2] < a[0] or b[0] > a[2] or b[3] < a[1] or b[1] > a[3])


def bbox_of(lons: object, lats: object) -> BBox | None:
    """The box around the finite coordinates given; None when there are none."""
    x, y = np.asarray(lons, np.float64), np.asarray(lats, np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return None
    x, y = x[ok], y[ok]
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


def equirect_m(lon1: float, lat1: float, lon2: float, lat2: float, *, at_lat: float | None = None) -> float:
    """Rough distance in metres (equirectangular); longitude scaled at ``at_lat`` (default: the
    middle latitude of the two points)."""
    ref = (lat1 + lat2) / 2 if at_lat is None else at_lat
    dx = (lon2 - lon1) * METRES_PER_DEGREE * math.cos(math.radians(ref))
    dy = (lat2 - lat1) * METRES_PER_DEGREE
    return math.hypot(dx, dy)


def local_projection(lon0: float, lat0: float) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Degrees → metres east and north of ``(lon0, lat0)`` (equirectangular, for one town)."""
    kx = METRES_PER_DEGREE * math.cos(math.radians(lat0))

    def project(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray(lon) - lon0) * kx, (np.asarray(lat) - lat0) * METRES_PER_DEGREE

    return project


def local_coords_projection(lon0: float, lat0: float) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`local_projection` for an ``(n, 2)`` coordinate array, as ``shapely.transform`` wants."""
    project = local_projection(lon0, lat0)

    def project_coords(coords: np.ndarray) -> np.ndarray:
        x, y = project(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y]).astype(coords.dtype, copy=False)

    return project_coords


def local_unproject_bbox(extent: tuple[float, float, float, float], lon0: float, lat0: float) -> BBox:
    """The inverse of :func:`local_projection` for an extent ``(x0, x1, y0, y1)`` in metres."""
    kx = METRES_PER_DEGREE * math.cos(math.radians(lat0))
    x0, x1, y0, y1 = extent
    return (lon0 + x0 / kx, lat0 + y0 / METRES_PER_DEGREE, lon0 + x1 / kx, lat0 + y1 / METRES_PER_DEGREE)


def utm_crs(lon: np.ndarray, lat: np.ndarray) -> pyproj.CRS:
    """The WGS84 UTM zone around the median of the points (zone 32N when there are none)."""
    if lon.size == 0:
        return pyproj.CRS.from_epsg(32632)
    lon0, lat0 = float(np.median(lon)), float(np.median(lat))
    zone = int((lon0 + 180) // 6) % 60 + 1
    return pyproj.CRS.from_epsg((32600 if lat0 >= 0 else 32700) + zone)
