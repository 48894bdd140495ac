"""Vorschlag verfolgen: a resident enters the reference code and reads the status in plain words."""

from __future__ import annotations

import streamlit as st

from base.errors import InvalidInput
from catalogue.store import get_place
from storage.db import session_scope
from suggestions.store import SuggestionNotFound, SuggestionStatus, suggestion_status
from webui import ui


def show_status(status: SuggestionStatus, place_name: str | None) -> None:
    st.subheader(
        ui.md(ui.t("status.suggestion", name=status.name, date=status.created_at.strftime("%d.%m.%Y")))
    )
    if status.status == "pending":
        st.info(ui.t("status.pending"))
    elif status.status == "approved":
        st.success(ui.t("status.approved"))
    elif status.status == "merged":
        st.success(ui.md(ui.t("status.merged", place=place_name or ui.t("public.unnamed"))))
    else:
        st.warning(ui.t("status.rejected"))
        if status.reason:
            # The moderator's reason is text, never Markdown.
            st.write(ui.md(ui.t("status.reason", reason=status.reason)))
    if status.decided_at is not None:
        st.caption(ui.t("status.decided", date=status.decided_at.strftime("%d.%m.%Y")))


ui.resident_language_picker()
st.title(ui.t("status.title"))
st.write(ui.t("status.intro"))
if ui.LAST_CODE_KEY in st.session_state and "status_code" not in st.session_state:
    st.session_state["status_code"] = st.session_state[ui.LAST_CODE_KEY]
with st.form("status_form"):
    code = st.text_input(ui.t("status.code"), key="status_code", max_chars=20)
    submitted = st.form_submit_button(ui.t("status.submit"), type="primary")

if submitted or code:
    try:
        with session_scope(ui.get_engine(), read_only=True) as session:
            found = suggestion_status(session, ref_code=code)
            place_name = (
                get_place(session, place_id=found.place_id).name
                if found.status == "merged" and found.place_id
                else None
            )
    except InvalidInput:
        st.error(ui.t("status.bad_code"))
    except SuggestionNotFound:
        st.error(ui.t("status.not_found"))
    else:
        show_status(found, place_name)
