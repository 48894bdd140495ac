"""Errors of the audit back-end; each carries English and German text like every ``AtlasError``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from base.errors import AtlasError, InvalidInput


@dataclass(frozen=True)
class FactChange:
    """One fact of one audit: the effective value before and the value the audit recorded."""

    fact_id: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ChangeSummary:
    """An audit version saved by someone else while a form was open."""

    version: int
    auditor: str
    visit_date: date
    created_at: datetime
    changed: list[FactChange] = field(default_factory=list)


class AuditConflict(AtlasError):
    """Someone saved an audit of the same place after the form was opened; nothing was written.

    ``changes`` lists the versions saved meanwhile: who, when and which facts changed.
    """

    def __init__(self, en: str, de: str, *, place_id: int, expected: int, current: int,
                 changes: list[ChangeSummary]) -> None:  # fmt: skip
        super().__init__(en, de)
        self.place_id = place_id
        self.expected = expected
        self.current = current
        self.changes = changes


@dataclass(frozen=True)
class CsvProblem:
    """One reason a row (or the header, line 1) of an audit CSV cannot be imported."""

    line: int
    column: str | None
    en: str
    de: str

    def message(self, lang: str) -> str:
        text = self.de if lang == "de" else self.en
        where = f"Zeile {self.line}" if lang == "de" else f"line {self.line}"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {text}"


class AuditCsvError(InvalidInput):
    """The audit CSV has invalid rows: ``problems`` names each with its line; nothing was imported."""

    def __init__(self, problems: list[CsvProblem], *, source: str = "") -> None:
        self.problems = problems
        lines = sorted({p.line for p in problems})
        prefix = f"{source}: " if source else ""
        en = (
            f"{prefix}{len(problems)} problem(s) on line(s) {', '.join(map(str, lines))}; "
            "nothing was imported. Fix them and import the whole file again.\n"
            + "\n".join(p.message("en") for p in problems)
        )
        de = (
            f"{prefix}{len(problems)} Problem(e) in Zeile(n) {', '.join(map(str, lines))}; "
            "es wurde nichts importiert. Bitte korrigieren und die ganze Datei erneut importieren.\n"
            + "\n".join(p.message("de") for p in problems)
        )
        super().__init__(en, de)
