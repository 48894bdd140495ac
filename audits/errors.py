"""Errors of the audit back-end; each carries English and German text like every ``AtlasError``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from base.errors import AtlasError, InvalidInput
from base.i18n import N_, Joined, Message, t


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

    def __init__(self, message: str, /, *, place_id: int, expected: int, current: int,
                 changes: list[ChangeSummary], **params: object) -> None:  # fmt: skip
        super().__init__(message, **params)
        self.place_id = place_id
        self.expected = expected
        self.current = current
        self.changes = changes


class CsvProblem:
    """One reason a row (or the header, line 1) of an audit CSV cannot be imported."""

    def __init__(self, line: int, column: str | None, message: str, /, **params: object) -> None:
        self.line, self.column = line, column
        self.text = Message(message, **params)

    def localized(self, lang: str) -> str:
        if self.column:
            return t(N_("line {line}, {column}: {text}"), lang, line=self.line, column=self.column, text=self.text)
        return t(N_("line {line}: {text}"), lang, line=self.line, text=self.text)

    def message(self, lang: str) -> str:
        return self.localized(lang)

    @property
    def en(self) -> str:
        return self.text.localized("en")

    @property
    def de(self) -> str:
        return self.text.localized("de")


class AuditCsvError(InvalidInput):
    """The audit CSV has invalid rows: ``problems`` names each with its line; nothing was imported."""

    def __init__(self, problems: list[CsvProblem], *, source: str = "") -> None:
        self.problems = problems
        lines = sorted({p.line for p in problems})
        super().__init__(
            N_(
                "{prefix}{n} problem(s) on line(s) {lines}; nothing was imported. "
                "Fix them and import the whole file again.\n{problems}"
            ),
            prefix=f"{source}: " if source else "",
            n=len(problems),
            lines=", ".join(map(str, lines)),
            problems=Joined(list(problems), sep="\n"),
        )


class TaskNotFound(AtlasError):
    """No audit task with that number (deleted with its place, or mistyped)."""
