"""``compute_view_for_bbox``: the audit map's framing does not depend on the map's size in the browser."""

from __future__ import annotations

import math

import pytest

from webui.webmap import compute_view_for_bbox

BORSIGWALDE = (13.29483, 52.5764, 13.32727, 52.59377)


def tiles_spanned(bbox, zoom: int) -> tuple[float, float]:
    west, south, east, north = bbox

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)

    return (east - west) / 360 * 2**zoom, (y(north) - y(south)) * 2**zoom


def test_a_quarter_fits_the_audit_map_at_the_zoom_leaflet_chooses() -> None:
    view = compute_view_for_bbox(BORSIGWALDE, height_px=420)
    assert view.zoom == 14  # what fitBounds shows in a visible 900 x 420 map (tests/browser/test_browser_usability.py)
    assert view.center == pytest.approx((52.585085, 13.31105))


@pytest.mark.parametrize("bbox", [BORSIGWALDE, (6.67, 51.18, 6.71, 51.21), (11.55, 48.12, 11.60, 48.15), (-0.2, 51.4, 0.1, 51.6)])
@pytest.mark.parametrize(("width", "height"), [(600, 420), (400, 300), (1200, 800)])
def test_the_area_fits_and_one_more_zoom_step_would_not(bbox, width: int, height: int) -> None:
    view = compute_view_for_bbox(bbox, width_px=width, height_px=height)
    wide, high = tiles_spanned(bbox, view.zoom)
    assert wide * 256 <= width and high * 256 <= height
    wide, high = tiles_spanned(bbox, view.zoom + 1)
    assert wide * 256 > width or high * 256 > height


def test_a_degenerate_box_gets_a_street_level_zoom_not_an_error() -> None:
    assert compute_view_for_bbox((13.3, 52.5, 13.3, 52.5)).zoom == 18
