"""Gap-map exports: GeoPackage and GeoJSON with three layers, CSV for Excel, A4 PDF and PNG."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re

import pyogrio
import pytest

from base.errors import InvalidInput
from exports.gaps import ANCHOR_COLUMNS, LAYERS, export_gaps, export_gaps_bytes
from gaps.graph import build_graph
from gaps.service import GapRequest, run_gap_analysis
from tests.conftest import load_neuss_with_schools


@pytest.fixture(scope="module")
def neuss(tmp_path_factory, shared_data):
    inputs, basemap = load_neuss_with_schools(f"sqlite:///{tmp_path_factory.mktemp('gapx') / 'atlas.db'}")
    graph = build_graph(inputs.network)

    def analyse(population=None, **kw):
        return run_gap_analysis(
            graph,
            places=inputs.places,
            verdicts_by_place=inputs.verdicts_by_place,
            indicators=inputs.indicators,
            request=GapRequest(**kw),
            population=population,
        )

    # 4 minutes: served, underserved, with residents from the buildings; wheelchair: mostly
    # "not enough data", without residents.
    assert inputs.population is not None
    return analyse(inputs.population, group="all", minutes=4), analyse(group="wheelchair"), basemap


def test_gpkg_has_three_layers_that_gdal_reads(neuss, tmp_path):
    report, _, _ = neuss
    out = export_gaps(report, out=tmp_path / "gaps.gpkg", area_name="Neuss")
    layers = {name: kind for name, kind in pyogrio.list_layers(out)}
    assert layers == {"units": "Polygon", "anchors": "Point", "places": "Point"}
    units = pyogrio.read_dataframe(out, layer="units")
    assert len(units) == report.cells
    assert set(units["state"]) == {"served", "underserved"}
    assert {"minutes", "minutes_class", "nearest_name", "h3"} <= set(units.columns)
    assert units.crs.to_epsg() == 4326
    anchors = pyogrio.read_dataframe(out, layer="anchors")
    assert list(anchors["rank"]) == list(range(1, len(report.anchors) + 1))
    assert anchors["social_index"].notna().sum() == 3  # three matched schools carry a Sozialindex
    # Residents: per hexagon, and per anchor those of its underserved hexagons.
    assert units["residents"].sum() == pytest.approx(report.residents(), abs=len(units) * 0.05)
    assert list(anchors["residents_underserved"]) == [round(a.residents_underserved) for a in report.anchors]
    assert anchors["residents_underserved"].sum() >= (report.residents("underserved") or 0) - len(anchors) > 0
    places = pyogrio.read_dataframe(out, layer="places")
    assert len(places) == len(report.places) and set(places["status"]) == {"serving"}


def test_gpkg_in_utm_has_metre_coordinates(neuss, tmp_path):
    report, _, _ = neuss
    out = export_gaps(report, out=tmp_path / "utm.gpkg", crs="EPSG:25832", area_name="Neuss")
    for layer in LAYERS:
        frame = pyogrio.read_dataframe(out, layer=layer)
        assert frame.crs.to_epsg() == 25832
        west, south, east, north = frame.total_bounds
        assert 300_000 < west < east < 400_000 and 5_600_000 < south < north < 5_700_000  # Neuss in UTM 32N


def test_geojson_is_one_rfc7946_collection_with_a_layer_property(neuss, tmp_path):
    report, wheel, _ = neuss
    out = export_gaps(wheel, out=tmp_path / "gaps.geojson", area_name="Neuss")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    by_layer: dict[str, list] = {}
    for feature in data["features"]:
        by_layer.setdefault(feature["properties"]["layer"], []).append(feature)
    assert set(by_layer) == set(LAYERS)
    assert {f["properties"]["state"] for f in by_layer["units"]} >= {"unknown"}
    assert "served" not in {f["properties"]["state"] for f in by_layer["units"]}
    # Without a population the residents are empty, never 0.
    assert {f["properties"]["residents"] for f in by_layer["units"]} == {None}
    assert {f["properties"]["residents_underserved"] for f in by_layer["anchors"]} == {None}
    lon, lat = by_layer["anchors"][0]["geometry"]["coordinates"]
    assert 6.6 < lon < 6.8 and 51.1 < lat < 51.3  # longitude first
    ring = by_layer["units"][0]["geometry"]["coordinates"][0]
    area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
    assert area2 > 0  # outer rings counter-clockwise (RFC 7946 §3.1.6)
    assert len(pyogrio.read_dataframe(out)) == len(data["features"])  # GDAL opens it
    with pytest.raises(InvalidInput, match="WGS84"):
        export_gaps(report, out=tmp_path / "x.geojson", crs="EPSG:25832", area_name="Neuss")


def test_csv_is_the_ranked_anchor_table_for_excel(neuss, tmp_path):
    report, _, _ = neuss
    evil = dataclasses.replace(report.anchors[0], name='=HYPERLINK("http://x")', nearest_place="Çay Ocağı")
    report = dataclasses.replace(report, anchors=[evil, *report.anchors[1:]])
    raw = export_gaps(report, out=tmp_path / "gaps.csv", area_name="Neuss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == ANCHOR_COLUMNS
    assert len(rows) == len(report.anchors) + 1
    assert (
        rows[1][1] == '\'=HYPERLINK("http://x")'
        and rows[1][ANCHOR_COLUMNS.index("nearest_place")] == "Çay Ocağı"
    )
    assert export_gaps_bytes(report, fmt="csv", area_name="Neuss") == raw


def test_pdf_is_one_a4_page(neuss, tmp_path):
    report, _, basemap = neuss
    pdf = export_gaps(report, out=tmp_path / "map.pdf", basemap=basemap, area_name="Neuss").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box is not None
    assert float(box.group(1)) == pytest.approx(595.3, abs=1) and float(box.group(2)) == pytest.approx(
        841.9, abs=1
    )


def test_png_is_a4_portrait(neuss, tmp_path):
    from PIL import Image

    _, wheel, basemap = neuss
    png = export_gaps_bytes(wheel, fmt="png", basemap=basemap, area_name="Neuss")
    assert png.startswith(b"\x89PNG")
    width, height = Image.open(io.BytesIO(png)).size
    assert height / width == pytest.approx(297 / 210, rel=0.01) and width >= 1200


def test_every_format_downloads_as_bytes_and_bad_choices_are_refused(neuss, tmp_path):
    report, _, _ = neuss
    for fmt in ("gpkg", "geojson", "csv", "xlsx"):
        assert len(export_gaps_bytes(report, fmt=fmt, area_name="Neuss")) > 100
    with pytest.raises(InvalidInput):
        export_gaps_bytes(report, fmt="xls", area_name="Neuss")
    with pytest.raises(InvalidInput):
        export_gaps(report, out=tmp_path / "gaps.txt", area_name="Neuss")
    with pytest.raises(InvalidInput):
        export_gaps(report, out=tmp_path / "gaps.gpkg", crs="EPSG:3857", area_name="Neuss")


def test_the_printed_map_states_fairness_across_social_need_and_keeps_its_text_on_the_panel(
    neuss, monkeypatch
):
    from matplotlib.axes import Axes

    from gaps.equity import compute_equity, equity_line
    from gaps.service import AnchorRow

    report, _, basemap = neuss
    assert report.equity is None  # Neuss: 3 schools with a Sozialindex, fewer than the minimum
    rows = [dataclasses.replace(a, social_index=si, underserved_share=h) for a, si, h in
            zip(report.anchors, (1, 3, 5, 7, 9), (0.0, 0.1, 0.2, 0.3, 0.6), strict=False)]  # fmt: skip
    assert all(isinstance(r, AnchorRow) for r in rows) and len(rows) == 5
    fair = dataclasses.replace(report, equity=compute_equity(rows))
    assert fair.equity is not None
    drawn: list[tuple[float, str]] = []
    original = Axes.text

    def spy(self, x, y, s, *args, **kwargs):
        if self.get_position().x0 == pytest.approx(0.5):  # the text panel right of the legend
            drawn.append((y, str(s)))
        return original(self, x, y, s, *args, **kwargs)

    monkeypatch.setattr(Axes, "text", spy)
    for lang in ("de", "en"):
        drawn.clear()
        assert export_gaps_bytes(fair, fmt="pdf", basemap=basemap, area_name="Neuss", lang=lang).startswith(b"%PDF")
        texts = [s.replace("\n", " ") for _, s in drawn]
        assert equity_line(fair.equity, lang) in texts
        assert min(y for y, _ in drawn) >= 0.03  # nothing runs into the footer
        assert any("1." in s for _, s in drawn)  # the list of greatest need keeps rows
    drawn.clear()
    export_gaps_bytes(report, fmt="pdf", basemap=basemap, area_name="Neuss", lang="en")
    assert not any("Fairness" in s for _, s in drawn)
