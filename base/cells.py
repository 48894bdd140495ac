"""The one rule for spreadsheet cells that would run as formulas, in both directions.

CSV injection (OWASP "CSV Injection"): a spreadsheet runs a cell as a formula when it starts with
``= + - @``, tab, CR or LF – and Excel and LibreOffice also take the full-width forms ``＝ ＋ － ＠``,
and skip leading spaces or a ``;``/``,`` that a German Excel reads as a separator before one of
them. :func:`neutralise_csv_cell` prefixes ``'`` to such a cell (shown, not kept, by the
spreadsheet), and also puts ``'`` after an inner ``;``, tab or line break that is followed by a
formula start, because a spreadsheet splitting on ``;`` would begin a new cell there. Numbers are
written as numbers and never touched.

The exports (``exports.tabular``) write every text cell through :func:`neutralise_csv_cell`; the
audit CSV import (``audits.csv_io``) reads our own exports back with :func:`unneutralise_csv_cell`.
"""

from __future__ import annotations

import re

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


def neutralise_csv_cell(value: str) -> str:
    """``value`` as a cell no spreadsheet runs as a formula (see the module's docstring)."""
    guarded = _INNER.sub(r"\1'", value)
    return "'" + guarded if _LEADING.match(value) else guarded


def unneutralise_csv_cell(value: str) -> str:
    """The inverse of :func:`neutralise_csv_cell`, for reading our own exports back in."""
    if value.startswith("'") and _LEADING.match(value[1:]):
        value = value[1:]
    return _INNER_UNDO.sub(r"\1", value)
