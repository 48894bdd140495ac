"""Tables for spreadsheets: the one CSV-cell guard, CSV and XLSX writers, atomic file writes.

Every table export (places, audits, gap anchors) goes through here.

CSV injection (OWASP "CSV Injection"): a spreadsheet runs a cell as a formula when it starts with
``= + - @``, tab, CR or LF – and Excel and LibreOffice also take the full-width forms ``＝ ＋ － ＠``,
and skip leading spaces or a ``;``/``,`` that a German Excel reads as a separator before one of
them. :func:`neutralise_csv_cell` prefixes ``'`` to such a cell (shown, not kept, by the
spreadsheet), and also puts ``'`` after an inner ``;``, tab or line break that is followed by a
formula start, because a spreadsheet splitting on ``;`` would begin a new cell there. Numbers are
written as numbers and never touched.

XLSX (for German Excel, which opens a comma-separated file in one column): every text is written
as a string cell (``write_string``), so nothing is ever a formula, and text stays verbatim.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

# Characters that start a formula, ASCII and full-width.
FORMULA_START = "=+-@\t\r\n\uff1d\uff0b\uff0d\uff20"
# What a spreadsheet may skip before the formula start: white space (any, including no-break and
# ideographic spaces), separators and quotes.
_SKIPPABLE = r"[\s,;|'\"\u00a0\u3000]"
_LEADING = re.compile(rf"{_SKIPPABLE}*[{re.escape(FORMULA_START)}]")
# An inner separator a spreadsheet might split on, then optional spaces, then a formula start.
# (Quotes already there get one more, so that reading back is exact.)
_INNER = re.compile(rf"([;\t\r\n][ \u00a0\u3000]*)(?='*[{re.escape(FORMULA_START)}])")
_INNER_UNDO = re.compile(rf"([;\t\r\n][ \u00a0\u3000]*)'(?='*[{re.escape(FORMULA_START)}])")

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise_csv_cell(value: str) -> str:
    """``value`` as a cell no spreadsheet runs as a formula (see the module's docstring)."""
    guarded = _INNER.sub(r"\1'", value)
    return "'" + guarded if _LEADING.match(value) else guarded


def unneutralise_csv_cell(value: str) -> str:
    """The inverse of :func:`neutralise_csv_cell`, for reading our own exports back in."""
    if value.startswith("'") and _LEADING.match(value[1:]):
        value = value[1:]
    return _INNER_UNDO.sub(r"\1", value)


def csv_cell(value: Any) -> Any:
    """A value as written to CSV: None → empty, text neutralised, numbers unchanged."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_csv_cell(value)
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with byte order mark (Excel reads umlauts and Arabic), CRLF, every cell guarded."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "data") -> bytes:
    """One worksheet: a bold, frozen header row; text as strings (never formulas), numbers as numbers."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            # No guessing: a text that looks like a number, URL or formula stays a string.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        ws = book.add_worksheet(sheet[:31])
        bold = book.add_format({"bold": True})
        widths = [len(h) for h in header]
        for c, name in enumerate(header):
            ws.write_string(0, c, name, bold)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, int | float) and math.isfinite(value):
                    ws.write_number(r, c, value)
                else:
                    text = str(value)
                    ws.write_string(r, c, text)
                    if c < len(widths):
                        widths[c] = max(widths[c], min(len(text), 60))
        ws.freeze_panes(1, 0)
        for c, width in enumerate(widths):
            ws.set_column(c, c, width + 2)
    finally:
        book.close()
    return buffer.getvalue()


def write_atomic(out: Path, data: bytes | Callable[[Path], Any]) -> Path:
    """Write ``out`` completely or not at all: into a temporary file next to it, then rename.

    ``data`` is the content, or a function that writes a given path (for GeoPackage writers).
    A reader never sees half a file, and a failed export leaves an older file untouched.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Hidden, next to ``out`` (same file system: the rename is atomic), with the same suffix
    # (GDAL checks a GeoPackage's extension).
    fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=f".part{out.suffix}", dir=out.parent)
    tmp = Path(name)
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            os.close(fd)
            tmp.unlink()  # writers such as GDAL want to create the file themselves
            data(tmp)
        os.chmod(tmp, 0o644)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
