"""base.geo: the one set of distance, box and projection helpers."""

from __future__ import annotations

import numpy as np
import pytest

from base.geo import (
    box_around,
    distance_m,
    equirect_m,
    grow_bbox,
    haversine_m,
    in_bbox,
    local_coords_projection,
    local_projection,
    local_unproject_bbox,
    utm_crs,
)

NEUSS = (6.69, 51.20)


def test_great_circle_and_equirectangular_agree_within_a_town():
    # One degree of latitude is ~111.2 km on the mean sphere.
    assert distance_m(6.69, 51.0, 6.69, 52.0) == pytest.approx(111_195, rel=1e-4)
    lon2, lat2 = 6.70, 51.205
    assert equirect_m(*NEUSS, lon2, lat2) == pytest.approx(distance_m(*NEUSS, lon2, lat2), rel=0.005)
    many = haversine_m(np.array([6.69, 6.69]), np.array([51.0, 51.0]), np.array([6.69, 7.69]), np.array([52.0, 51.0]))
    assert many.shape == (2,) and many[0] == pytest.approx(111_195, rel=1e-4)


def test_boxes_reach_the_radius_and_no_farther():
    west, south, east, north = box_around(*NEUSS, 100.0)
    assert distance_m(*NEUSS, NEUSS[0], north) == pytest.approx(100, rel=0.01)
    assert distance_m(*NEUSS, east, NEUSS[1]) == pytest.approx(100, rel=0.01)
    grown = grow_bbox((6.68, 51.19, 6.70, 51.21), 2000.0)
    assert in_bbox(6.70, 51.21 + 0.017, grown) and not in_bbox(6.70, 51.21 + 0.019, grown)


def test_local_projection_round_trips_and_coordinate_form_matches():
    lon0, lat0 = NEUSS
    project = local_projection(lon0, lat0)
    x, y = project(np.array([6.70]), np.array([51.21]))
    assert float(np.hypot(x, y)[0]) == pytest.approx(equirect_m(lon0, lat0, 6.70, 51.21, at_lat=lat0), rel=1e-9)
    coords = local_coords_projection(lon0, lat0)(np.array([[6.70, 51.21]]))
    assert coords.tolist() == [[float(x[0]), float(y[0])]]
    assert local_unproject_bbox((0.0, float(x[0]), 0.0, float(y[0])), lon0, lat0) == pytest.approx(
        (lon0, lat0, 6.70, 51.21)
    )


def test_utm_zone_from_the_points():
    assert utm_crs(np.array([6.69]), np.array([51.2])).to_epsg() == 32632
    assert utm_crs(np.array([13.3]), np.array([52.5])).to_epsg() == 32633
    assert utm_crs(np.array([151.2]), np.array([-33.9])).to_epsg() == 32756
    assert utm_crs(np.zeros(0), np.zeros(0)).to_epsg() == 32632
