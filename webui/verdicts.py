"""Verdicts per group, audit status and history of one place: shared by the catalogue and the audit page."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from audits.errors import FactChange
from audits.rules import Verdict
from audits.store import METHOD_LABELS, REVIEW_LABELS, AuditStatus, AuditVersion, PlaceAudits
from audits.vocabulary import FACT_BY_ID, GROUP_BY_ID, GROUPS, VERDICT_BY_ID, format_value
from base.i18n import t
from webui import ui
from webui.webmap import VERDICT_LOOK

# What the verdict filter of the catalogue lets through, in menu order.
VERDICT_FILTERS: dict[str, tuple[str, ...]] = {
    "all": ("open", "limited", "not_open", "unknown"),
    "open": ("open",),
    "open_limited": ("open", "limited"),
    "limited": ("limited",),
    "not_open": ("not_open",),
    "unknown": ("unknown",),
}


def label_of(labels: Mapping[str, str], key: str, lang: str) -> str:
    """The label of ``key`` in a vocabulary table of message ids (the key itself when unknown)."""
    return t(labels[key], lang) if key in labels else key


def verdict_text(status: str, lang: str) -> str:
    """Symbol and words, never colour alone: ``"● offen"``, ``"? unbekannt"``."""
    verdict = VERDICT_BY_ID.get(status)
    return f"{VERDICT_LOOK.get(status, ('?',))[0]} {verdict.label(lang) if verdict else status}"


def status_line(status: AuditStatus, lang: str) -> str:
    if status.last_checked is None:
        return ui.t("Not audited yet.")
    text = ui.t("Last checked on {date}", date=ui.date_text(status.last_checked))
    if status.reaudit_due:
        text += " · " + ui.t("Re-audit due (older than 24 months)")
    return text


def fact_label(fact_id: str, lang: str) -> str:
    fact = FACT_BY_ID.get(fact_id)
    return fact.label(lang) if fact else fact_id


def change_text(change: FactChange, lang: str) -> str:
    old = "–" if change.old is None else format_value(change.fact_id, change.old, lang)
    return f"{fact_label(change.fact_id, lang)}: {old} → {format_value(change.fact_id, change.new, lang)}"


def verdict_rows(verdicts: Mapping[str, Verdict], lang: str) -> list[dict[str, str]]:
    """One table row per group: group, verdict (symbol + text), reasons, missing facts."""
    return [
        {
            ui.t("Group"): group.label(lang),
            ui.t("Verdict"): verdict_text(verdicts[group.id].status, lang),
            ui.t("Reasons"): "; ".join(r.text(lang) for r in verdicts[group.id].reasons),
            ui.t("Missing"): ", ".join(fact_label(f, lang) for f in verdicts[group.id].missing),
        }
        for group in GROUPS
        if group.id in verdicts
    ]


def show_verdict(verdict: Verdict, lang: str) -> None:
    """The verdict of one group with its reasons (and what is missing when unknown)."""
    group = GROUP_BY_ID[verdict.group]
    st.markdown(f"**{ui.md(group.label(lang))}: {ui.md(verdict_text(verdict.status, lang))}**")
    for reason in verdict.reasons:
        st.markdown(f"- {ui.md(reason.text(lang))}")
    if verdict.missing:
        missing = ", ".join(fact_label(f, lang) for f in verdict.missing)
        st.caption(ui.md(ui.t("Missing: {facts}", facts=missing)))


def show_place_audits(
    place_audits: PlaceAudits | None, history: list[AuditVersion], *, group: str | None
) -> None:
    """Audit status, the verdict for ``group`` (or all groups), a table of all verdicts and the history."""
    lang = ui.get_lang()
    st.markdown("**" + ui.t("Open to whom?") + "**")
    if place_audits is None:
        st.caption(ui.t("Not audited yet."))
        return
    status = place_audits.status
    line = status_line(status, lang)
    if status.reaudit_due:
        st.warning(line)
    else:
        st.caption(line)
    if group is not None and group in place_audits.verdicts:
        show_verdict(place_audits.verdicts[group], lang)
    with st.expander(ui.t("Verdicts for all groups"), expanded=group is None):
        st.dataframe(verdict_rows(place_audits.verdicts, lang), hide_index=True, width="stretch")
    show_history(history)


def history_rows(history: list[AuditVersion], lang: str) -> list[dict[str, object]]:
    return [
        {
            ui.t("Version"): v.audit.version,
            ui.t("Who"): v.audit.auditor,
            ui.t("Visit"): ui.date_text(v.audit.visit_date),
            ui.t("Saved (UTC)"): ui.datetime_text(v.audit.created_at),
            ui.t("Method"): label_of(METHOD_LABELS, v.audit.method, lang),
            ui.t("Review"): label_of(REVIEW_LABELS, v.audit.review_state, lang),
            ui.t("Facts changed"): "; ".join(change_text(c, lang) for c in v.changed)
            or ui.t("no change"),
        }
        for v in history
    ]


def show_history(history: list[AuditVersion]) -> None:
    """Every audit version, newest first: who, when, how, review state, which facts changed."""
    lang = ui.get_lang()
    with st.expander(ui.t("History ({count} versions)", count=len(history))):
        if not history:
            st.caption(ui.t("No audit saved yet."))
            return
        st.dataframe(history_rows(history, lang), hide_index=True, width="stretch")
