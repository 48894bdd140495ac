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
        ui.md(ui.t("Suggestion “{name}”, sent on {date}", name=status.name, date=ui.date_text(status.created_at)))
    )
    if status.status == "pending":
        st.info(ui.t("Still being checked. Please look again later."))
    elif status.status == "approved":
        st.success(ui.t("Accepted: the place is now in the atlas. Thank you!"))
    elif status.status == "merged":
        st.success(ui.md(ui.t("The place was already in the atlas, as “{place}”. Your suggestion was added to it. Thank you!", place=place_name or ui.t("(no name)"))))
    else:
        st.warning(ui.t("Not accepted."))
        if status.reason:
            # The moderator's reason is text, never Markdown.
            st.write(ui.md(ui.t("Reason: {reason}", reason=status.reason)))
    if status.decided_at is not None:
        st.caption(ui.t("Decided on {date}", date=ui.date_text(status.decided_at)))


ui.resident_language_picker()
st.title(ui.t("Track a suggestion"))
st.write(ui.t("Enter the code you got after sending."))
if ui.LAST_CODE_KEY in st.session_state and "status_code" not in st.session_state:
    st.session_state["status_code"] = st.session_state[ui.LAST_CODE_KEY]
with st.form("status_form"):
    code = st.text_input(ui.t("Code (e.g. K7M2-Q9XP)"), key="status_code", max_chars=20)
    submitted = st.form_submit_button(ui.t("Show status"), type="primary")

if submitted or code:
    try:
        with session_scope(ui.get_engine(), read_only=True) as session:
            found = suggestion_status(session, ref_code=code)
            place_name = (
                get_place(session, place_id=found.place_id).label(ui.get_lang())
                if found.status == "merged" and found.place_id
                else None
            )
    except InvalidInput:
        st.error(ui.t("This is not a valid code. It has 8 characters, e.g. K7M2-Q9XP."))
    except SuggestionNotFound:
        st.error(ui.t("There is no suggestion with this code. Please check the code."))
    else:
        show_status(found, place_name)
