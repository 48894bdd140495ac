"""What every printed A4 page of the atlas shares: the matplotlib settings, the base map drawn
from the OSM data itself (water, buildings, streets), scale bar, north arrow and attribution.

Used by the printed gap map (:mod:`exports.gaps`) and the field sheets (:mod:`exports.field_sheet`).
Coordinates are metres east and north of a local origin (``base.geo.local_projection``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

import numpy as np
import shapely

from catalogue.model import BaseMap, WalkNetwork

ATTRIBUTION = "© OpenStreetMap contributors"
A4_INCHES = (210 / 25.4, 297 / 25.4)
BUILDING, WATER, STREET = "#595959", "#9ecae1", "#616161"

Projection = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
CoordsProjection = Callable[[np.ndarray], np.ndarray]
Extent = tuple[float, float, float, float]  # x0, x1, y0, y1 in metres


def print_rc() -> AbstractContextManager[Any]:
    """matplotlib settings for every printed page (use as ``with print_rc(): …``)."""
    import matplotlib

    # ``text.parse_math`` off: names and parameters are data, and ``$…$`` in a place's name must
    # print as dollars, not run matplotlib's mathtext parser (which fails on unknown commands).
    return matplotlib.rc_context(
        {
            "font.family": "DejaVu Sans",
            "pdf.fonttype": 42,
            "hatch.linewidth": 0.6,
            "svg.fonttype": "none",
            "text.parse_math": False,
            "text.usetex": False,
        }
    )


def set_map_axes(ax: Any, extent: Extent) -> None:
    """A map frame showing ``extent`` at equal scale: no ticks, a thin outline, white paper."""
    x0, x1, y0, y1 = extent
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
    ax.set_facecolor("white")


def polygon_path(geoms: Sequence[Any]) -> Any:
    """One compound matplotlib path for polygons and multipolygons, holes included (outer rings
    counter-clockwise, holes clockwise, so the non-zero fill rule leaves the holes open)."""
    from matplotlib.path import Path as MplPath

    paths = []
    for geom in shapely.orient_polygons(np.asarray(geoms, dtype=object), exterior_cw=False):
        polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
        for poly in polys:
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            rings = [poly.exterior, *poly.interiors]
            verts = np.concatenate([np.asarray(r.coords)[:, :2] for r in rings])
            codes = np.concatenate(
                [
                    [MplPath.MOVETO] + [MplPath.LINETO] * (len(r.coords) - 2) + [MplPath.CLOSEPOLY]
                    for r in rings
                ]
            )
            paths.append(MplPath(verts, codes))
    return MplPath.make_compound_path(*paths) if paths else None


def draw_basemap(
    ax: Any,
    basemap: BaseMap,
    *,
    box: Any,
    project_coords: CoordsProjection,
    building_alpha: float = 0.28,
    building_zorder: float = 5.5,
) -> None:
    """Water, buildings and waterways of ``basemap`` that meet ``box`` (a shapely box in WGS84)."""
    from matplotlib.collections import LineCollection
    from matplotlib.patches import PathPatch

    for layer, face, alpha, z in (
        ("water", WATER, 1.0, 1.0),
        ("buildings", BUILDING, building_alpha, building_zorder),
    ):
        geoms = shapely.from_wkb(basemap.layer(layer)) if basemap.layer(layer) else np.array([])
        geoms = geoms[shapely.intersects(geoms, box)] if len(geoms) else geoms
        path = polygon_path([shapely.transform(g, project_coords) for g in geoms]) if len(geoms) else None
        if path is not None:
            ax.add_patch(PathPatch(path, facecolor=face, edgecolor="none", alpha=alpha, zorder=z))
    lines = shapely.from_wkb(basemap.waterways) if basemap.waterways else np.array([])
    lines = lines[shapely.intersects(lines, box)] if len(lines) else lines
    if len(lines):
        segs = [np.asarray(shapely.transform(g, project_coords).coords) for g in lines]
        ax.add_collection(LineCollection(segs, colors=WATER, linewidths=1.2, zorder=1.5))


def draw_streets(
    ax: Any,
    network: WalkNetwork | None,
    *,
    project: Projection,
    extent: Extent,
    linewidth: float = 0.3,
    alpha: float = 0.55,
    zorder: float = 6.0,
) -> None:
    """The walking network's edges that reach into ``extent``."""
    from matplotlib.collections import LineCollection

    if network is None or not network.edge_count:
        return
    x0, x1, y0, y1 = extent
    nx_, ny_ = project(network.lon, network.lat)
    ux, uy, vx, vy = nx_[network.u], ny_[network.u], nx_[network.v], ny_[network.v]
    inside = ((np.minimum(ux, vx) <= x1) & (np.maximum(ux, vx) >= x0)
              & (np.minimum(uy, vy) <= y1) & (np.maximum(uy, vy) >= y0))  # fmt: skip
    segs = np.stack([np.column_stack([ux, uy]), np.column_stack([vx, vy])], axis=1)[inside]
    ax.add_collection(LineCollection(segs, colors=STREET, linewidths=linewidth, alpha=alpha, zorder=zorder))


def _nice_length(max_m: float) -> float:
    for step in (2000, 1000, 500, 250, 200, 100, 50, 25, 10):
        if step <= max_m:
            return float(step)
    return 10.0


def draw_scale_bar(ax: Any, extent: Extent) -> None:
    from matplotlib.patches import Rectangle

    x0, x1, y0, y1 = extent
    length = _nice_length((x1 - x0) / 4)
    left, base = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.03
    h = (y1 - y0) * 0.008
    ax.add_patch(Rectangle((left - (x1 - x0) * 0.01, base - h * 2), length + (x1 - x0) * 0.02, h * 7.5,
                           facecolor="white", edgecolor="none", alpha=0.85, zorder=20))  # fmt: skip
    half = length / 2
    ax.add_patch(Rectangle((left, base), half, h, facecolor="black", edgecolor="black", lw=0.6, zorder=21))
    ax.add_patch(
        Rectangle((left + half, base), half, h, facecolor="white", edgecolor="black", lw=0.6, zorder=21)
    )
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(left, base + h * 1.6, "0", fontsize=6, ha="center", va="bottom", zorder=22)
    ax.text(left + length, base + h * 1.6, label, fontsize=6, ha="center", va="bottom", zorder=22)


def draw_north_arrow(ax: Any) -> None:
    ax.annotate(
        "N", xy=(0.96, 0.965), xytext=(0.96, 0.895), xycoords="axes fraction", textcoords="axes fraction",
        ha="center", va="center", fontsize=9, fontweight="bold", zorder=22,
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2},
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
    )  # fmt: skip


def fit_extent(xs: np.ndarray, ys: np.ndarray, aspect: float, *, min_m: float = 200.0) -> Extent:
    """A box around the points with a margin, at least ``min_m`` wide and high, widened to the
    axes' height/width ``aspect``."""
    if xs.size == 0:
        return (-500.0, 500.0, -500.0 * aspect, 500.0 * aspect)
    x0, x1, y0, y1 = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
    w, h = max(x1 - x0, min_m) * 1.06, max(y1 - y0, min_m) * 1.06
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if h / w > aspect:
        w = h / aspect
    else:
        h = w * aspect
    return (cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2)


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (long words are split)."""
    return "\n".join(textwrap.wrap(text, width)) or text
