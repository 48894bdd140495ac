"""Printable field sheets: an A4 form per place to take on an on-site audit.

Each sheet shows the place (name, category, address, OSM reference, a small map drawn from the
stored OSM data), fields for the visit (date, auditor, method) and the checklist of the facts that
matter for the chosen groups: the facts their rules look at and the facts listed for them, in the
order of the audit form. Every field carries the column id that ``python -m audits import-csv``
takes, and the last block prints the CSV header and the place's ``place`` cell, so results typed
in later need no mapping. Only German and English: the value words printed to tick (``ja``,
``eingeschränkt``, ``vor Ort`` …) are the words the import reads back.

Names and addresses from OSM are data: they are drawn as plain text (``text.parse_math`` off),
never used as a format string.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Engine

from audits.csv_io import REQUIRED_COLUMNS
from audits.rules import presumed_label, rule_fact_ids
from audits.store import METHOD_LABELS, load_area_audits
from audits.vocabulary import (
    GROUP_BY_ID,
    LANGUAGES,
    NOT_APPLICABLE,
    NUMBER,
    OPENING_HOURS,
    SECTIONS,
    SOURCE_LABELS,
    STATUS_LABELS,
    STATUS_VALUES,
    UNKNOWN,
    Fact,
    FactValue,
    facts_for_group,
    facts_in_form_order,
    format_value,
)
from base.errors import InvalidInput
from base.geo import local_coords_projection, local_projection, local_unproject_bbox
from base.i18n import N_, Day, format_date, t
from catalogue.categories import category_label
from catalogue.model import BaseMap, WalkNetwork
from catalogue.store import PlaceInfo, get_area_by_id, get_place, load_basemap, load_network
from exports.printed_map import (
    A4_INCHES,
    ATTRIBUTION,
    draw_basemap,
    draw_north_arrow,
    draw_scale_bar,
    draw_streets,
    fit_extent,
    polygon_path,
    print_rc,
    set_map_axes,
)
from exports.tabular import save_export
from storage.db import session_scope

# The value words on the sheet must be words the CSV import reads back (tests check this).
SHEET_LANGUAGES: tuple[str, ...] = ("de", "en")
SHEET_METHODS: tuple[str, ...] = ("on_site", "phone", "desk")
NOTES_COLUMN = "notes"
_DATE, _AUDITOR, _METHOD = REQUIRED_COLUMNS[1:]
MAX_SHEETS = 500
MEDIA_TYPE = "application/pdf"

# Page geometry in millimetres, y from the top of the page.
_PAGE_W, _PAGE_H = 210.0, 297.0
_LEFT, _RIGHT = 15.0, 195.0
_ANSWER_X = 110.0  # where tick boxes and fields start
_TOP, _BOTTOM = 12.0, 282.0
_MAP_X, _MAP_Y, _MAP_SIZE = 125.0, 17.0, 70.0
_CHECKLIST_Y = 118.0
_NOTES_H = 32.0  # the notes block: label and a box to write in
_MAP_MIN_M = 330.0  # the map shows at least this much around the place (about 1:5000)
_PT = 25.4 / 72  # millimetres per point
_GREY, _LIGHT = "#444444", "#8a8a8a"
_MARK = "#c51b7d"
_MONO = "DejaVu Sans Mono"


# ---------------------------------------------------------------- what goes on the sheet (pure)


def _check_groups(groups: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(g.strip() for g in groups if g.strip()))
    if not chosen:
        raise InvalidInput(N_("Choose at least one group for the field sheet."))
    unknown = [g for g in chosen if g not in GROUP_BY_ID]
    if unknown:
        raise InvalidInput(
            N_("Unknown group(s) {unknown}; use group ids such as {examples}."),
            unknown=", ".join(map(repr, unknown)),
            examples=", ".join(list(GROUP_BY_ID)[:3]),
        )
    return chosen


def _check_lang(lang: str) -> str:
    if lang not in SHEET_LANGUAGES:
        raise InvalidInput(
            N_("Field sheets are printed in German or English; choose one of: {choices}."),
            choices=", ".join(SHEET_LANGUAGES),
        )
    return lang


def sheet_facts(groups: Sequence[str]) -> list[Fact]:
    """The facts that matter for ``groups`` (what their rules look at and what is listed for
    them), in the order of the audit form."""
    wanted: set[str] = set()
    for group in _check_groups(groups):
        wanted.update(rule_fact_ids(group))
        wanted.update(f.id for f in facts_for_group(group))
    return [f for f in facts_in_form_order() if f.id in wanted]


def sheet_columns(groups: Sequence[str]) -> tuple[str, ...]:
    """The CSV header the sheet prints: exactly the columns ``import-csv`` reads."""
    return (*REQUIRED_COLUMNS, *(f.id for f in sheet_facts(groups)), NOTES_COLUMN)


def place_cell(place: PlaceInfo) -> str:
    """The ``place`` cell of the import for this place: its OSM reference, else its catalogue id."""
    return place.ref or str(place.id)


# ---------------------------------------------------------------- text measuring and wrapping


@lru_cache(maxsize=4096)
def _width_mm(text: str, size: float, mono: bool = False, bold: bool = False) -> float:
    """Printed width of ``text`` in millimetres (DejaVu Sans or Sans Mono, never mathtext)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family=_MONO if mono else "DejaVu Sans", weight="bold" if bold else "normal", size=size)
    width, _height, _descent = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    return float(width) * _PT


def _wrap_mm(text: str, width: float, size: float, *, mono: bool = False, bold: bool = False,
             sep: str = " ") -> list[str]:  # fmt: skip
    """Greedy line breaking at ``sep`` to fit ``width`` mm; over-long words are split."""
    lines: list[str] = []
    current = ""
    words = text.split(sep) if sep != "," else [w + "," for w in text.split(",")]
    if sep == ",":
        words[-1] = words[-1][:-1]
    joiner = " " if sep == " " else ""
    for word in words:
        candidate = f"{current}{joiner}{word}" if current else word
        if _width_mm(candidate, size, mono, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while _width_mm(word, size, mono, bold) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and _width_mm(word[:cut], size, mono, bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


def _clip_lines(lines: list[str], most: int, width: float, size: float, bold: bool = False) -> list[str]:
    if len(lines) <= most:
        return lines
    last = lines[most - 1]
    while last and _width_mm(last + " …", size, bold=bold) > width:
        last = last[:-1]
    return [*lines[: most - 1], last.rstrip() + " …"]


def _line_mm(size: float) -> float:
    return size * _PT * 1.3


# ---------------------------------------------------------------- drawing on a page in millimetres


class _Page:
    """One A4 figure with a full-page axes whose units are millimetres from the top left."""

    def __init__(self) -> None:
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=A4_INCHES)
        ax = self.fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_xlim(0, _PAGE_W)
        ax.set_ylim(_PAGE_H, 0)
        ax.set_axis_off()
        self.ax = ax

    def text(self, x: float, y: float, text: str, size: float = 8.0, *, mono: bool = False,
             bold: bool = False, color: str = "black", ha: str = "left") -> None:  # fmt: skip
        self.ax.text(x, y, text, fontsize=size, va="top", ha=ha, color=color,
                     family=_MONO if mono else "DejaVu Sans", fontweight="bold" if bold else "normal")  # fmt: skip

    def lines(self, x: float, y: float, lines: Sequence[str], size: float = 8.0, **kw: Any) -> float:
        """Draw ``lines`` one below the other; returns the y below the last."""
        for line in lines:
            self.text(x, y, line, size, **kw)
            y += _line_mm(size)
        return y

    def box(self, x: float, y: float, w: float, h: float, *, lw: float = 0.7, color: str = "black") -> None:
        from matplotlib.patches import Rectangle

        self.ax.add_patch(Rectangle((x, y), w, h, facecolor="white", edgecolor=color, lw=lw))

    def rule(self, x0: float, x1: float, y: float, *, lw: float = 0.5, color: str = "black") -> None:
        self.ax.plot([x0, x1], [y, y], color=color, lw=lw, solid_capstyle="butt")

    def field(self, x: float, y: float, label: str, column: str) -> float:
        """A field label with its column id in monospace; returns where the writing space starts."""
        self.text(x, y, label, 8.5, bold=True)
        x += _width_mm(label, 8.5, bold=True) + 1.5
        self.text(x, y + 0.4, column, 7.0, mono=True)
        return x + _width_mm(column, 7.0, mono=True) + 2

    def tick_options(self, x: float, y: float, words: Sequence[str], right: float, size: float = 7.0) -> float:
        """Tick boxes with their words, flowing into a new line at ``right``; returns the height."""
        placed = _flow(x, words, right, size)
        for bx, line, word in placed:
            by = y + line * _TICK_LINE
            self.box(bx, by - 0.2, _TICK_BOX, _TICK_BOX)
            self.text(bx + _TICK_BOX + _TICK_GAP, by, word, size)
        return (placed[-1][1] + 1) * _TICK_LINE if placed else 0.0


_TICK_BOX, _TICK_GAP, _TICK_STEP, _TICK_LINE = 3.0, 1.1, 2.6, 4.6


def _flow(x: float, words: Sequence[str], right: float, size: float) -> list[tuple[float, int, str]]:
    """Where each tick box goes: ``(x, line, word)``; a box that would pass ``right`` starts a
    new line at the answer column."""
    placed = []
    line = 0
    for word in words:
        w = _TICK_BOX + _TICK_GAP + _width_mm(word, size)
        if x + w > right and x > _ANSWER_X:
            x, line = _ANSWER_X, line + 1
        placed.append((x, line, word))
        x += w + _TICK_STEP
    return placed


# ---------------------------------------------------------------- the parts of a sheet


@dataclass(frozen=True)
class _Row:
    fact: Fact
    label: list[str]
    question: list[str]
    hint: str
    height: float


def _answer_height(fact: Fact, lang: str) -> float:
    if fact.kind == NUMBER:
        return 6.5
    if fact.kind == OPENING_HOURS:
        return 14.5
    if fact.kind == LANGUAGES:
        return 9.0
    placed = _flow(_ANSWER_X, [t(STATUS_LABELS[s], lang) for s in STATUS_VALUES], _RIGHT, 7.0)
    return (placed[-1][1] + 1) * _TICK_LINE


def _hint(fact: Fact, fv: FactValue | None, lang: str) -> str:
    """"So far: yes · OSM" when a value is known, else ""."""
    if fv is None or not fv.is_known:
        return ""
    source = t(SOURCE_LABELS[fv.source], lang)
    if fv.presumption:
        source += ": " + presumed_label(fv.presumption, lang)
    if fv.checked_on is not None:
        source += " · " + format_date(fv.checked_on, lang)
    return t(N_("So far: {value} · {source}"), lang, value=format_value(fact.id, fv.value, lang), source=source)


def _rows(facts: Sequence[Fact], current: Mapping[str, FactValue], lang: str) -> list[_Row]:
    rows = []
    left_w = _ANSWER_X - _LEFT - 4
    for fact in facts:
        label = _wrap_mm(fact.label(lang), left_w, 8.5, bold=True)
        question = _wrap_mm(fact.question(lang), left_w, 7.0)
        hint = _hint(fact, current.get(fact.id), lang)
        text_h = len(label) * _line_mm(8.5) + len(question) * _line_mm(7.0) + _line_mm(7.0)
        rows.append(_Row(fact, label, question, hint, max(text_h, _answer_height(fact, lang)) + 2.6))
    return rows


def _draw_row(page: _Page, row: _Row, y: float, lang: str) -> None:
    fact = row.fact
    y_text = page.lines(_LEFT, y, row.label, 8.5, bold=True)
    y_text = page.lines(_LEFT, y_text, row.question, 7.0, color=_GREY)
    page.text(_LEFT, y_text, fact.id, 7.0, mono=True)
    if row.hint:
        x_hint = _LEFT + _width_mm(fact.id, 7.0, mono=True) + 4
        hint = _clip_lines(_wrap_mm(row.hint, _ANSWER_X - x_hint - 2, 6.5), 1, _ANSWER_X - x_hint - 2, 6.5)
        page.text(x_hint, y_text + 0.3, hint[0], 6.5, color=_LIGHT)
    na = t(STATUS_LABELS[NOT_APPLICABLE], lang)
    if fact.kind == NUMBER:
        page.box(_ANSWER_X, y - 0.6, 24, 6)
        x = _ANSWER_X + 26
        if fact.unit:
            page.text(x, y + 0.6, fact.unit, 8.5)
            x += _width_mm(fact.unit, 8.5) + 5
        page.tick_options(x, y + 0.8, [na, t(STATUS_LABELS[UNKNOWN], lang)], _RIGHT)
    elif fact.kind == LANGUAGES:
        page.rule(_ANSWER_X, _RIGHT, y + 4.5, lw=0.6)
        page.text(_ANSWER_X, y + 5.3, t(N_("language codes separated by commas, e.g. de, tr, ar"), lang), 6.5,
                  color=_GREY)  # fmt: skip
    elif fact.kind == OPENING_HOURS:
        page.rule(_ANSWER_X, _RIGHT, y + 4.5, lw=0.6)
        page.rule(_ANSWER_X, _RIGHT, y + 10.0, lw=0.6)
        page.text(_ANSWER_X, y + 10.8, t(N_("OSM syntax, e.g. Mo-Fr 10:00-18:00; Sa 10:00-14:00"), lang), 6.5,
                  color=_GREY)  # fmt: skip
    else:
        page.tick_options(_ANSWER_X, y, [t(STATUS_LABELS[s], lang) for s in STATUS_VALUES], _RIGHT)


def _draw_map(page: _Page, place: PlaceInfo, network: WalkNetwork | None, basemap: BaseMap | None) -> None:
    from matplotlib.patches import PathPatch

    ax = page.fig.add_axes(
        (_MAP_X / _PAGE_W, 1 - (_MAP_Y + _MAP_SIZE) / _PAGE_H, _MAP_SIZE / _PAGE_W, _MAP_SIZE / _PAGE_H)
    )
    project, project_coords = local_projection(place.lon, place.lat), local_coords_projection(place.lon, place.lat)
    geom = shapely.from_wkt(place.geometry_wkt) if place.geometry_wkt else None
    shape = shapely.transform(geom, project_coords) if geom is not None and not geom.is_empty else None
    xs, ys = np.array([0.0]), np.array([0.0])
    if shape is not None:
        x0, y0, x1, y1 = shape.bounds
        xs, ys = np.array([x0, x1, 0.0]), np.array([y0, y1, 0.0])
    extent = fit_extent(xs, ys, 1.0, min_m=_MAP_MIN_M)
    set_map_axes(ax, extent)
    if basemap is not None:
        box = shapely.box(*local_unproject_bbox(extent, place.lon, place.lat))
        draw_basemap(ax, basemap, box=box, project_coords=project_coords, building_alpha=0.35, building_zorder=2)
    draw_streets(ax, network, project=project, extent=extent, linewidth=0.6, alpha=0.8, zorder=3)
    if shape is not None and shape.geom_type in ("Polygon", "MultiPolygon"):
        path = polygon_path([shape])
        if path is not None:
            ax.add_patch(PathPatch(path, facecolor=_MARK, alpha=0.18, edgecolor=_MARK, lw=1.2, zorder=4))
    ax.scatter([0.0], [0.0], s=70, marker="o", c=_MARK, edgecolors="white", linewidths=1.2, zorder=8)
    draw_scale_bar(ax, extent)
    draw_north_arrow(ax)
    page.text(_MAP_X + _MAP_SIZE, _MAP_Y + _MAP_SIZE + 1.0, ATTRIBUTION, 6.0, color=_GREY, ha="right")


def _draw_head(page: _Page, place: PlaceInfo, groups: Sequence[str], lang: str, area_name: str,
               printed: str) -> None:  # fmt: skip
    head = t(N_("Field sheet"), lang) + (f" · {area_name}" if area_name else "")
    page.text(_LEFT, _TOP - 3, head, 7.5, color=_GREY)
    page.text(_RIGHT, _TOP - 3, printed, 7.5, color=_GREY, ha="right")
    width = _MAP_X - _LEFT - 6
    title = _clip_lines(_wrap_mm(place.label(lang), width, 15, bold=True), 3, width, 15, bold=True)
    y = page.lines(_LEFT, _MAP_Y + 1, title, 15, bold=True) + 1.5
    facts: list[tuple[str, str, bool]] = [(t(N_("Category"), lang), category_label(place.category, lang), False)]
    if place.address:
        facts.append((t(N_("Address"), lang), place.address, False))
    if place.ref:
        facts.append((t(N_("OSM object"), lang), place.ref, True))
    facts.append((t(N_("Checked for"), lang), ", ".join(GROUP_BY_ID[g].label(lang) for g in groups), False))
    for label, value, mono in facts:
        page.text(_LEFT, y, label, 7.0, color=_GREY)
        y += _line_mm(7.0)
        lines = _clip_lines(_wrap_mm(value, width, 9, mono=mono), 3, width, 9)
        y = page.lines(_LEFT, y, lines, 9, mono=mono) + 1.2

    # The visit: date, auditor, method, each with its column id.
    y = 96.0
    page.text(_LEFT, y - 5, t(N_("About this audit"), lang), 10, bold=True)
    x = page.field(_LEFT, y, t(N_("Visit date"), lang), _DATE)
    page.rule(x, 84, y + 4.2)
    page.text(x + 1, y + 4.6, t(N_("DD.MM.YYYY"), lang), 6.0, color=_LIGHT)
    x = page.field(92, y, t(N_("Auditor"), lang), _AUDITOR)
    page.rule(x, _RIGHT, y + 4.2)
    y += 10
    x = page.field(_LEFT, y, t(N_("Method"), lang), _METHOD)
    page.tick_options(x + 2, y, [t(METHOD_LABELS[m], lang) for m in SHEET_METHODS], _RIGHT, size=8)


def _draw_notes(page: _Page, y: float, lang: str) -> None:
    page.field(_LEFT, y, t(N_("Notes"), lang), NOTES_COLUMN)
    page.box(_LEFT, y + 5, _RIGHT - _LEFT, 24, lw=0.5)


def _transfer_lines(place: PlaceInfo, groups: Sequence[str], lang: str) -> tuple[list[str], list[str], list[str]]:
    width = _RIGHT - _LEFT
    intro = _wrap_mm(
        t(N_("One row per visit in a CSV file (UTF-8), with these columns; read it in with "
             "python -m audits import-csv FILE. Empty cells mean not recorded."), lang),
        width, 7.5,
    )  # fmt: skip
    header = _wrap_mm(",".join(sheet_columns(groups)), width, 7.5, mono=True, sep=",")
    row = _wrap_mm(t(N_("This place's row starts with: {place}"), lang, place=place_cell(place)), width, 7.5)
    return intro, header, row


def _transfer_height(lines: tuple[list[str], list[str], list[str]]) -> float:
    intro, header, row = lines
    return 8 + (len(intro) + len(row)) * _line_mm(7.5) + len(header) * _line_mm(7.5) + 4


def _draw_transfer(page: _Page, y: float, lines: tuple[list[str], list[str], list[str]], lang: str) -> None:
    intro, header, row = lines
    page.rule(_LEFT, _RIGHT, y, lw=0.4, color=_LIGHT)
    page.text(_LEFT, y + 1.5, t(N_("Transfer to the spreadsheet"), lang), 10, bold=True)
    y = page.lines(_LEFT, y + 7, intro, 7.5, color=_GREY) + 1
    y = page.lines(_LEFT, y, header, 7.5, mono=True) + 1
    page.lines(_LEFT, y, row, 7.5)


# ---------------------------------------------------------------- pages of one place


def _layout(rows: Sequence[_Row], start: float) -> list[list[tuple[str, Any, float]]]:
    """Rows and section headings placed on pages: ``[(kind, item, y), …]`` per page."""
    pages: list[list[tuple[str, Any, float]]] = [[]]
    y = start
    section = None
    for row in rows:
        heading = row.fact.section != section
        need = row.height + (7.0 if heading else 0.0)
        if y + need > _BOTTOM:
            pages.append([])
            y = _TOP + 12
            heading = True
        if heading:
            section = row.fact.section
            pages[-1].append(("section", section, y))
            y += 7.0
        pages[-1].append(("row", row, y))
        y += row.height
    return pages


def _place_pages(place: PlaceInfo, groups: Sequence[str], facts: Sequence[Fact], current: Mapping[str, FactValue],
                 *, network: WalkNetwork | None, basemap: BaseMap | None, lang: str, area_name: str,
                 printed: str) -> list[Any]:  # fmt: skip
    rows = _rows(facts, current, lang)
    layout = _layout(rows, _CHECKLIST_Y + 12)
    transfer = _transfer_lines(place, groups, lang)
    # Notes and the transfer block go below the last row, or onto a page of their own.
    last_y = layout[-1][-1][2] + layout[-1][-1][1].height if layout[-1] else _CHECKLIST_Y + 12
    tail_y = last_y + 3
    if tail_y + _NOTES_H + _transfer_height(transfer) > _BOTTOM:
        layout.append([])
        tail_y = _TOP + 12
    sections = {s.id: s for s in SECTIONS}
    title = place.label(lang)
    figures = []
    for number, items in enumerate(layout, start=1):
        page = _Page()
        if number == 1:
            _draw_head(page, place, groups, lang, area_name, printed)
            _draw_map(page, place, network, basemap)
            page.text(_LEFT, _CHECKLIST_Y, t(N_("Checklist"), lang), 10, bold=True)
            page.text(_LEFT, _CHECKLIST_Y + 5.2,
                      t(N_("Tick one box or fill in the field; leave blank what you did not check."), lang),
                      7.0, color=_GREY)  # fmt: skip
        else:
            more = t(N_("{title} (continued)"), lang, title=title)
            head = _clip_lines(_wrap_mm(more, _RIGHT - _LEFT - 40, 10, bold=True), 1, _RIGHT - _LEFT - 40, 10, True)
            page.text(_LEFT, _TOP - 3, head[0], 10, bold=True)
            page.text(_RIGHT, _TOP - 3, place_cell(place), 7.5, mono=True, ha="right")
        for kind, item, y in items:
            if kind == "section":
                page.text(_LEFT, y + 1, sections[item].label(lang), 9.5, bold=True)
                page.rule(_LEFT, _RIGHT, y + 5.6, lw=0.6)
            else:
                _draw_row(page, item, y + 0.8, lang)
                page.rule(_LEFT, _RIGHT, y + item.height - 0.6, lw=0.3, color="#c8c8c8")
        if number == len(layout):
            _draw_notes(page, tail_y, lang)
            _draw_transfer(page, tail_y + _NOTES_H, transfer, lang)
        footer = t(N_("Page {page} of {pages}"), lang, page=number, pages=len(layout))
        page.text(_LEFT, 289, f"{place_cell(place)} · {footer}", 6.5, color=_GREY)
        page.text(_RIGHT, 289, t(N_("Date: {when}   Data: {attribution} (ODbL)"), lang, when=printed,
                                 attribution=ATTRIBUTION), 6.5, color=_GREY, ha="right")  # fmt: skip
        figures.append(page.fig)
    return figures


# ---------------------------------------------------------------- entry points


def build_field_sheet_pdf(
    *,
    places: Sequence[PlaceInfo],
    groups: Sequence[str],
    network: WalkNetwork | None,
    basemap: BaseMap | None,
    lang: str = "de",
    today: datetime | None = None,
    facts: Mapping[int, Mapping[str, FactValue]] | None = None,
    area_name: str = "",
) -> bytes:
    """The field sheets of ``places`` as one A4 portrait PDF (one or more pages per place).

    ``facts`` (place id → current facts) prints the known values lightly as hints ("So far: yes ·
    OSM"); the boxes stay empty either way.
    """
    from matplotlib.backends.backend_pdf import PdfPages

    chosen = _check_groups(groups)
    lang = _check_lang(lang)
    if not places:
        raise InvalidInput(N_("Choose at least one place for the field sheet."))
    if len(places) > MAX_SHEETS:
        raise InvalidInput(
            N_("{n} places are too many for one file; print at most {max} at a time."), n=len(places), max=MAX_SHEETS
        )
    checklist = sheet_facts(chosen)
    printed = Day((today or datetime.now()).date()).localized(lang)
    buf = io.BytesIO()
    with print_rc(), PdfPages(buf, metadata={"Creator": "Begegnungsatlas", "Title": t(N_("Field sheet"), lang)}) as pdf:
        for place in places:
            for fig in _place_pages(place, chosen, checklist, (facts or {}).get(place.id, {}), network=network,
                                    basemap=basemap, lang=lang, area_name=area_name, printed=printed):  # fmt: skip
                pdf.savefig(fig)
    return buf.getvalue()


def unknown_place_ids(engine: Engine, *, area_id: int, groups: Sequence[str]) -> list[int]:
    """The active places of an area whose verdict is unknown for at least one of ``groups``."""
    from catalogue.store import load_places

    chosen = _check_groups(groups)
    with session_scope(engine, read_only=True) as session:
        active = {p.id for p in load_places(session, area_id=area_id, include_closed=False)}
        audits = load_area_audits(session, area_id=area_id)
    return [pid for pid, pa in audits.items() if pid in active and any(pa.verdicts[g].status == UNKNOWN for g in chosen)]


def load_field_sheets_pdf(
    engine: Engine,
    *,
    area_id: int,
    place_ids: Sequence[int],
    groups: Sequence[str],
    lang: str = "de",
    today: datetime | None = None,
) -> bytes:
    """Read the places, the area's streets, base map and current facts (one read-only
    transaction), then build the PDF; for a download button."""
    chosen = _check_groups(groups)
    lang = _check_lang(lang)
    with session_scope(engine, read_only=True) as session:
        area = get_area_by_id(session, area_id=area_id)
        places = [get_place(session, place_id=pid) for pid in dict.fromkeys(place_ids)]
        outside = [p.id for p in places if p.area_id != area_id]
        if outside:
            raise InvalidInput(
                N_("Place {place_id} is not in area {area!r}."), place_id=outside[0], area=area.name
            )
        network = load_network(session, area_id=area_id)
        basemap = load_basemap(session, area_id=area_id)
        current = {pid: pa.facts for pid, pa in load_area_audits(session, area_id=area_id).items()}
    return build_field_sheet_pdf(
        places=places, groups=chosen, network=network, basemap=basemap, lang=lang, today=today,
        facts=current, area_name=area.name,
    )  # fmt: skip


def save_field_sheets(
    engine: Engine,
    *,
    area_id: int,
    place_ids: Sequence[int],
    groups: Sequence[str],
    lang: str = "de",
    out: str | Path,
    today: datetime | None = None,
) -> Path:
    """Write the field sheets of ``place_ids`` to ``out`` (a PDF, complete or not at all)."""
    data = load_field_sheets_pdf(engine, area_id=area_id, place_ids=place_ids, groups=groups, lang=lang, today=today)
    return save_export(out, data)
