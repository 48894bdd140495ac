"""The cached reads behind the gap map page: a parameter change never reads the database again.

* the walking graph and the base map of the printed map: ``st.cache_resource`` (shared, never
  copied; the graph also keeps the catchments it has computed), keyed by the area's import time;
* places, verdicts and school indicators: ``st.cache_resource`` keyed by a fingerprint that
  changes when a place, an audit or the school list of the area changes (the audit coverage
  page's facts and audit dates too, and the day).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import streamlit as st

from audits.store import PlaceAudits, load_area_audits
from catalogue.model import BaseMap
from catalogue.store import PlaceInfo, load_basemap, load_network, load_places
from gaps.graph import WalkGraph, build_graph
from gaps.service import GapInputs, load_gap_inputs, load_gap_inputs_version
from storage.db import session_scope
from webui import ui

# How often each loader really ran in this process: tests assert that the caches are hit.
LOADS: Counter[str] = Counter()


@dataclass(frozen=True)
class AreaStreets:
    graph: WalkGraph
    basemap: BaseMap


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_streets(database_url: str, area_id: int, imported_at: str) -> AreaStreets:
    LOADS["streets"] += 1
    with session_scope(ui.get_engine(), read_only=True) as session:
        network = load_network(session, area_id=area_id)
        basemap = load_basemap(session, area_id=area_id)
    return AreaStreets(graph=build_graph(network), basemap=basemap)


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_inputs(database_url: str, area_id: int, version: tuple[str, ...]) -> GapInputs:
    LOADS["inputs"] += 1
    with session_scope(ui.get_engine(), read_only=True) as session:
        return load_gap_inputs(session, area_id=area_id, settings=ui.get_settings())


def get_area_data(area_id: int, imported_at: object) -> tuple[AreaStreets, GapInputs]:
    """The area's graph and base map, and its places, verdicts and school indicators (cached)."""
    url = ui.get_settings().database_url
    with session_scope(ui.get_engine(), read_only=True) as session:
        version = load_gap_inputs_version(session, area_id=area_id)
    return _load_streets(url, area_id, str(imported_at)), _load_inputs(url, area_id, version)


@dataclass(frozen=True)
class AreaAudits:
    """The active places of an area with their facts, verdicts and audit status."""

    places: list[PlaceInfo]
    audits: dict[int, PlaceAudits]


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_audits(database_url: str, area_id: int, version: tuple[str, ...], today: str) -> AreaAudits:
    LOADS["audits"] += 1
    with session_scope(ui.get_engine(), read_only=True) as session:
        places = load_places(session, area_id=area_id, include_closed=False)
        audits = load_area_audits(session, area_id=area_id, today=date.fromisoformat(today))
    return AreaAudits(places=places, audits=audits)


def get_area_audits(area_id: int) -> AreaAudits:
    """Active places and ``load_area_audits`` of an area (cached until a place or an audit changes,
    or the day does: what is due for a re-audit depends on it)."""
    url = ui.get_settings().database_url
    with session_scope(ui.get_engine(), read_only=True) as session:
        version = load_gap_inputs_version(session, area_id=area_id)
    return _load_audits(url, area_id, version, date.today().isoformat())
