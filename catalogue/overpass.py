"""Live import from the Overpass API through osmnx, into the same :class:`Extract` as a file read.

osmnx does the querying (features by ``categories.overpass_tags()``, the walk network with
``network_type="walk"``); ``catalogue.build`` turns its GeoDataFrame and graph into places and
network exactly as for a file. osmnx retries 429/504 answers after long pauses and asks the
status endpoint before each query; against a private server we switch that off so a dead
server fails within seconds.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any

import numpy as np

from base.errors import InvalidInput, OverpassError
from base.i18n import N_, Message
from base.settings import Settings
from catalogue.build import RawFeature, build_extract, build_walk_network
from catalogue.categories import overpass_tags
from catalogue.model import Extract, NamedStreets

PUBLIC_OVERPASS_HOSTS = ("overpass-api.de", "overpass.kumi.systems", "overpass.private.coffee")
MAX_BBOX_DEG = 0.5  # a quarter, not a city: larger boxes overload Overpass and the app
_BBox = tuple[float, float, float, float]

# osmnx keeps its configuration in module globals; one live import at a time.
_OSMNX_LOCK = threading.Lock()


def validate_bbox(bbox: _BBox) -> _BBox:
    """Check (west, south, east, north) in degrees; the message names the fix (e.g. swapped lat/lon)."""
    try:
        west, south, east, north = (float(x) for x in bbox)
    except (TypeError, ValueError):
        raise InvalidInput(
            N_("The bounding box needs four numbers: west, south, east, north (degrees)."),
        ) from None
    if not all(math.isfinite(x) for x in (west, south, east, north)):
        raise InvalidInput(N_("The bounding box contains a non-number."))
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        hint: Message | str = ""
        if -90 <= west <= 90 and -90 <= east <= 90 and -180 <= south <= 180 and -180 <= north <= 180:
            hint = Message(N_(" It looks like latitude and longitude are swapped: give west, south, east, north."))
        raise InvalidInput(
            N_("The bounding box {bbox} is outside ±180° longitude / ±90° latitude.{hint}"), bbox=bbox, hint=hint
        )
    if west >= east or south >= north:
        raise InvalidInput(
            N_("The bounding box {bbox} is empty or reversed: it must be west < east and south < north."), bbox=bbox,
        )
    if east - west > MAX_BBOX_DEG or north - south > MAX_BBOX_DEG:
        raise InvalidInput(
            N_("The bounding box {bbox} is larger than {MAX_BBOX_DEG}° × {MAX_BBOX_DEG}°. Choose a neighbourhood, not a whole city or region."), bbox=bbox, MAX_BBOX_DEG=MAX_BBOX_DEG,
        )
    return (west, south, east, north)


def _configure_osmnx(ox: Any, settings: Settings, cache_dir: Path) -> None:
    ox.settings.overpass_url = settings.overpass_url
    ox.settings.nominatim_url = settings.nominatim_url
    ox.settings.requests_timeout = settings.http_timeout
    ox.settings.overpass_rate_limit = any(h in settings.overpass_url for h in PUBLIC_OVERPASS_HOSTS)
    ox.settings.use_cache = True
    ox.settings.cache_folder = str(cache_dir)
    ox.settings.log_console = False
    ox.settings.http_user_agent = "Begegnungsatlas (OSMnx)"


def _overpass_error(what: str, url: str, problem: str, /, **params: object) -> OverpassError:
    return OverpassError(
        N_(
            "Live import of {what} from {url} failed: {problem}. Check the server address "
            "(ATLAS_OVERPASS_URL / ATLAS_NOMINATIM_URL) and the network, or import an .osm.pbf file instead."
        ),
        what=what,
        url=url,
        problem=Message(problem, **params),
    )


def fetch_overpass(
    *,
    place: str | None = None,
    bbox: _BBox | None = None,
    settings: Settings,
    cache_dir: Path | None = None,
) -> Extract:
    """Fetch places and the walking network for a place name or a (west, south, east, north) box.

    Exactly one of ``place``/``bbox``. Raises :class:`InvalidInput` for bad arguments and
    :class:`OverpassError` when a server cannot be reached, answers with an error or nothing, or
    the place is not found. HTTP answers are cached under ``cache_dir`` (default ``settings.cache_dir``).
    """
    if (place is None) == (bbox is None):
        raise InvalidInput(
            N_("Give either a place name or a bounding box, not both and not neither."),
        )
    if place is not None and not place.strip():
        raise InvalidInput(N_("The place name is empty."))
    box = validate_bbox(bbox) if bbox is not None else None
    what = f"{place!r}" if place is not None else f"bbox {box}"
    if place is not None:
        source = f"overpass:{place.strip()}"
    else:
        assert box is not None
        source = "overpass:" + ",".join(f"{x:g}" for x in box)
    tags: dict[str, Any] = dict(overpass_tags())

    import osmnx as ox  # slow import (~1 s); only live imports pay it
    import requests

    ox_errors = (ox._errors.InsufficientResponseError, ox._errors.ResponseStatusCodeError)
    with _OSMNX_LOCK:
        _configure_osmnx(ox, settings, cache_dir or settings.cache_dir)
        try:
            if place is not None:
                polygon = _geocode(ox, place.strip(), settings)
                gdf = ox.features_from_polygon(polygon, tags=tags)
                graph = ox.graph_from_polygon(polygon, network_type="walk", simplify=False, retain_all=True)
            else:
                assert box is not None
                gdf = ox.features_from_bbox(box, tags=tags)
                graph = ox.graph_from_bbox(box, network_type="walk", simplify=False, retain_all=True)
        except OverpassError:
            raise
        except requests.exceptions.RequestException as exc:
            raise _overpass_error(
                what,
                settings.overpass_url,
                N_("no connection ({name__})"), name__=exc.__class__.__name__,
            ) from None
        except ox_errors as exc:
            text = str(exc)[:200]
            if any(
                s in text
                for s in ("0 results", "No matching features", "Found no graph nodes", "no data elements")
            ):
                raise _overpass_error(
                    what,
                    settings.overpass_url,
                    N_("the server found no places of encounter or no OSM data there"),
                ) from None
            raise _overpass_error(
                what, settings.overpass_url, N_("bad answer: {text}"), text=text
            ) from None
        except (ValueError, KeyError, TypeError) as exc:
            raise _overpass_error(
                what,
                settings.overpass_url,
                N_("unusable answer ({name__}: {exc})"), name__=exc.__class__.__name__, exc=str(exc)[:120],
            ) from None
    return build_extract_from_osmnx(source=source, gdf=gdf, graph=graph, bbox=box)


def _geocode(ox: Any, place: str, settings: Settings):
    import requests

    try:
        gdf = ox.geocode_to_gdf(place)
    except requests.exceptions.RequestException as exc:
        raise _overpass_error(
            f"{place!r}",
            settings.nominatim_url,
            N_("geocoder not reachable ({name__})"), name__=exc.__class__.__name__,
        ) from None
    except (ox._errors.InsufficientResponseError, TypeError) as exc:
        raise _overpass_error(
            f"{place!r}",
            settings.nominatim_url,
            N_("the place was not found as an area (try a more exact name, e.g. 'Borsigwalde, Berlin', or a bbox)"),
        ) from exc.__cause__
    except ox._errors.ResponseStatusCodeError as exc:
        raise _overpass_error(
            f"{place!r}",
            settings.nominatim_url,
            N_("geocoder error: {exc}"), exc=str(exc)[:200],
        ) from None
    return gdf.geometry.iloc[0]


_NOT_TAGS = {"geometry", "nodes", "ways", "members", "element", "id", "element_type", "osmid"}


def build_extract_from_osmnx(*, source: str, gdf: Any, graph: Any, bbox: _BBox | None = None) -> Extract:
    """Pure: osmnx features GeoDataFrame + unsimplified walk graph → :class:`Extract`."""
    features: list[RawFeature] = []
    if gdf is not None and len(gdf):
        tag_cols = [c for c in gdf.columns if c not in _NOT_TAGS]
        values = gdf[tag_cols].to_numpy(dtype=object)
        for (element, osm_id), geom, row in zip(gdf.index, gdf.geometry, values, strict=True):
            tags = {k: v for k, v in zip(tag_cols, row, strict=True) if isinstance(v, str)}
            features.append(RawFeature(str(element), int(osm_id), tags, geom))
    nodes = list(graph.nodes(data=True))
    node_ids = np.fromiter((n for n, _ in nodes), np.int64, len(nodes))
    lon = np.fromiter((d["x"] for _, d in nodes), np.float64, len(nodes))
    lat = np.fromiter((d["y"] for _, d in nodes), np.float64, len(nodes))
    edges = list(graph.edges(data=True))
    seg_u = np.fromiter((u for u, _, _ in edges), np.int64, len(edges))
    seg_v = np.fromiter((v for _, v, _ in edges), np.int64, len(edges))
    network = build_walk_network(node_ids, lon, lat, seg_u, seg_v)
    streets = named_streets_from_graph(graph, edges)
    return build_extract(source=source, features=features, network=network, bbox=bbox, streets=streets)


def named_streets_from_graph(graph: Any, edges: list[tuple[Any, Any, dict[str, Any]]]) -> NamedStreets:
    """The graph's edges that carry a street ``name`` (osmnx keeps it per edge) as segments."""
    names: dict[str, int] = {}
    rows: list[tuple[float, float, float, float, int]] = []
    for u, v, data in edges:
        raw = data.get("name")
        if isinstance(raw, list):  # osmnx joins the names of merged ways into a list
            raw = raw[0] if raw else None
        name = raw if isinstance(raw, str) and raw.strip() else None
        if name is None:
            continue
        a, b = graph.nodes[u], graph.nodes[v]
        rows.append((a["x"], a["y"], b["x"], b["y"], names.setdefault(name, len(names))))
    if not rows:
        return NamedStreets.empty()
    arr = np.array(rows, dtype=np.float64)
    return NamedStreets(
        lon0=arr[:, 0], lat0=arr[:, 1], lon1=arr[:, 2], lat1=arr[:, 3],
        name_index=arr[:, 4].astype(np.int32), names=list(names),
    )
