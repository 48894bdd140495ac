"""Anmelden: staff sign in with name and password, or with single sign-on when it is configured.

A password sign-in keeps only a random token (session and cookie, ``webui.staff_session``);
app.py reads the account and its role from the database on every run.
Failed attempts are slowed down per name and browser (``ui.client_key``), see ``accounts.auth``.
"""

from __future__ import annotations

import streamlit as st

from accounts.auth import authenticate
from base.errors import AtlasError
from storage.db import session_scope
from webui import staff_session, ui

# At first view, so the browser has its client key (cookie) before the first attempt.
client = ui.client_key()
st.title(ui.t("Sign in"))
st.write(ui.t("For the team: neighbourhood management, planning and administration. Nobody needs an account to suggest a place."))

if st.secrets.load_if_toml_exists() and st.secrets.get("auth"):
    # app.py has checked the [auth] section (cookie secret) before any page runs.
    if st.button(ui.t("Sign in with single sign-on"), type="primary", key="login_sso"):
        st.login()
    st.caption(ui.t("Or with name and password:"))

with st.form("login_form"):
    name = st.text_input(ui.t("Login name"), key="login_name", autocomplete="username")
    password = st.text_input(
        ui.t("Password"), type="password", key="login_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button(ui.t("Sign in"), type="primary")

if submitted:
    if not name.strip() or not password:
        st.warning(ui.t("Please enter name and password."))
    else:
        try:
            # A write scope: failed attempts are recorded for the slow-down.
            with session_scope(ui.get_engine()) as session:
                actor = authenticate(session, name=name, password=password, source=client)
                assert actor.user_id is not None
                token = staff_session.start(session, user_id=actor.user_id)
        except AtlasError as err:
            # LoginFailed never says whether the name exists; LoginThrottled says how long to wait.
            ui.show_error(err)
        else:
            staff_session.remember(token)
            st.session_state[ui.HOME_KEY] = True
            st.session_state.pop("login_password", None)
            # The next run builds the pages of the role; the staff start page opens.
            st.rerun()
