"""Tables for spreadsheets: the one CSV-cell guard, CSV and XLSX writers, atomic file writes.

Every table export (places, audits, gap anchors) goes through here.

Text cells are guarded against formulas by :mod:`base.cells` (CSV injection).

XLSX (for German Excel, which opens a comma-separated file in one column): every text is written
as a string cell (``write_string``), so nothing is ever a formula, and text stays verbatim.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from base.cells import neutralise_csv_cell
from base.errors import AtlasError
from base.i18n import N_

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def save_export(out: str | Path, data: bytes | Callable[[Path], Any]) -> Path:
    """:func:`write_atomic`, with a failed write (no such folder, no permission, disk full) as an
    :class:`AtlasError` the user can act on."""
    out = Path(out)
    try:
        return write_atomic(out, data)
    except OSError as exc:
        raise AtlasError(
            N_("Cannot write {out!r}: {strerror}. Choose another path."), out=str(out), strerror=exc.strerror or exc,
        ) from exc
