"""Audit exports: one row per place with its facts and a verdict per group (CSV for Excel, XLSX,
JSON with reasons). The CSV is the format ``python -m audits import-csv`` reads back.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from audits.rules import presumed_label
from audits.store import load_area_audits, presumed_only
from audits.vocabulary import FACT_BY_ID, FACT_IDS, GROUP_IDS, NUMBER, FactValue, format_value
from base.errors import InvalidInput
from base.i18n import N_, t
from catalogue.categories import category_label
from catalogue.store import get_area_by_id, load_places
from exports.tabular import csv_bytes, xlsx_bytes

ExportFormat = Literal["csv", "json", "xlsx"]


def format_csv_value(fact_id: str, value: Any) -> str:
    """A value written so that the import reads it back unchanged (``92.5``, ``de, tr``, ``yes``)."""
    if value is None:
        return ""
    fact = FACT_BY_ID[fact_id]
    if isinstance(value, tuple | list):
        return ", ".join(value)
    if fact.kind == NUMBER and isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, int) or value.is_integer() else repr(float(value))
    return str(value)


def _json_fact(fv: FactValue) -> dict[str, Any]:
    value = list(fv.value) if isinstance(fv.value, tuple) else fv.value
    return {
        "value": value,
        "source": fv.source,
        "checked_on": fv.checked_on.isoformat() if fv.checked_on else None,
        "auditor": fv.auditor,
        **({"raw": fv.raw} if fv.raw is not None else {}),
        **({"note": fv.note} if fv.note else {}),
        **({"presumption": fv.presumption} if fv.presumption else {}),
    }


def presumed_cell(facts: dict[str, FactValue], lang: str = "de") -> str:
    """``Freier Eintritt = ja (angenommen: öffentlicher Spielplatz); …`` – presumed facts stay out of
    the fact columns, so filling in and importing the file again never records them as audited."""
    return "; ".join(
        t(
            N_("{fact} = {value} (presumed: {presumption})"),
            lang,
            fact=FACT_BY_ID[fid].label(lang),
            value=format_value(fid, fv.value, lang),
            presumption=presumed_label(fv.presumption, lang),
        )
        for fid, fv in presumed_only(facts).items()
    )


def export_audits(session: Session, *, area_id: int, fmt: ExportFormat, today: date | None = None) -> bytes:
    """One row per place: ``place`` as the import takes it, name, category, facts, a verdict per group.

    CSV: UTF-8 with BOM (Excel), every cell neutralised against formulas; XLSX: the same table,
    text always as string cells (``exports.tabular``). JSON: also the
    reasons (de and en) and the missing facts per group, and each fact's source.
    """
    if fmt not in ("csv", "json", "xlsx"):
        raise InvalidInput(
            N_("Unknown format {fmt!r}; use csv, xlsx or json."), fmt=fmt,
        )
    area = get_area_by_id(session, area_id=area_id)
    places = load_places(session, area_id=area_id)
    audits = load_area_audits(session, area_id=area_id, today=today)
    if fmt == "json":
        out = []
        for p in places:
            pa = audits[p.id]
            last = pa.last_audit
            out.append(
                {
                    "place": p.ref or str(p.id),
                    "id": p.id,
                    "name": p.name,
                    "label": p.label("de"),
                    "category": p.category,
                    "category_de": category_label(p.category, "de"),
                    "category_en": category_label(p.category, "en"),
                    "status": p.status,
                    "audit_version": pa.status.version,
                    "last_checked": pa.status.last_checked.isoformat() if pa.status.last_checked else None,
                    "audit_state": pa.status.state,
                    "last_auditor": last.auditor if last else None,
                    "last_method": last.method if last else None,
                    "facts": {fid: _json_fact(pa.facts[fid]) for fid in FACT_IDS if fid in pa.facts},
                    "verdicts": {
                        gid: {
                            "status": v.status,
                            "presumed": v.presumed,
                            "reasons": [
                                {
                                    "fact": r.fact_id,
                                    "effect": r.effect,
                                    "source": r.source,
                                    "de": r.text_de,
                                    "en": r.text_en,
                                }
                                for r in v.reasons
                            ],
                            "missing": list(v.missing),
                        }
                        for gid, v in pa.verdicts.items()
                    },
                }
            )
        doc = {
            "area": area.name,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "places": out,
        }
        return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
    header = [
        "place", "name", "label", "category", "last_checked", "date", "auditor", "method",
        *FACT_IDS, "presumed", *(f"verdict_{g}" for g in GROUP_IDS),
    ]  # fmt: skip
    rows = []
    for p in places:
        pa = audits[p.id]
        cells = [
            p.ref or str(p.id),
            p.name or "",
            p.label("de"),
            p.category,
            pa.status.last_checked.isoformat() if pa.status.last_checked else "",
            # Left empty: whoever fills in this file for a new visit writes date, auditor, method.
            "",
            "",
            "",
            *(
                format_csv_value(fid, pa.facts[fid].value)
                if fid in pa.facts and pa.facts[fid].source != "presumption"
                else ""
                for fid in FACT_IDS
            ),
            presumed_cell(pa.facts),
            # "open (presumed)" where the verdict rests on presumed facts: never read as audited.
            *(pa.verdicts[g].status + (" (presumed)" if pa.verdicts[g].presumed else "") for g in GROUP_IDS),
        ]
        rows.append(cells)
    if fmt == "xlsx":
        return xlsx_bytes(header, rows, sheet="audits")
    return csv_bytes(header, rows)
