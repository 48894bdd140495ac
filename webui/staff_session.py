"""The password sign-in of this browser: a token in the session and in a cookie (not a page).

Streamlit forgets ``st.session_state`` on a reload and gives a new tab a new session; the
cookie carries the sign-in over. Streamlit can read cookies (``st.context.cookies``, sent with
the page's WebSocket request) but cannot set them, so a tiny fixed script in the page writes it:
``SameSite=Strict; Path=/``, ``Secure`` when the page came over HTTPS, ``Max-Age`` up to the
idle timeout. JavaScript cannot set ``HttpOnly``; docs/architecture.md ("Staff sessions: threat
model") says what follows from that. The token is checked in the database on every run
(``accounts.sessions``): the cookie alone grants nothing the server has not confirmed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.orm import Session

from accounts.auth import Actor
from accounts.sessions import (
    TOKEN_RE,
    SessionPolicy,
    actor_for_session_token,
    end_staff_session,
    start_staff_session,
    touch_staff_session,
)
from storage.db import session_scope
from webui import ui

COOKIE_NAME = "atlas_staff_session"
# The token of this Streamlit session's sign-in.
TOKEN_KEY = "staff_token"
# A token this session gave up (signed out, refused): the cookie of the first request may
# still hold it, since ``st.context.cookies`` does not change during a session.
DROPPED_KEY = "staff_token_dropped"
# What the cookie script writes: (token, max-age seconds, when, token to clear); an empty token
# clears the cookie, but only while it still holds the token to clear.
COOKIE_KEY = "staff_cookie"

# Our own fixed script; the only inputs are tokens matching TOKEN_RE and integers, and they
# enter as JSON literals, never as script source.
_COOKIE_SCRIPT = """<script>
(function () {{
  var name = {name}, value = {value}, onlyIf = {only_if};
  var current = document.cookie.split("; ").filter(function (c) {{ return c.indexOf(name + "=") === 0; }});
  // Clearing a refused token must not clear a newer sign-in that another tab wrote meanwhile.
  if (onlyIf && (current.length === 0 || current[0] !== name + "=" + onlyIf)) {{ return; }}
  var parts = [name + "=" + value, "Path=/", "SameSite=Strict", "Max-Age=" + {max_age}];
  if (window.location.protocol === "https:") {{ parts.push("Secure"); }}
  document.cookie = parts.join("; ");
}})(); /* written {stamp} */
</script>"""


_CONTAINER_KEY = "atlas_staff_cookie"
_HIDE_CSS = (
    "<style>.st-key-atlas_staff_cookie, "
    '[data-testid="stLayoutWrapper"]:has(> .st-key-atlas_staff_cookie) { display: none; }</style>'
)


def policy() -> SessionPolicy:
    settings = ui.get_settings()
    return SessionPolicy.from_settings(
        idle_minutes=settings.session_idle_minutes, max_hours=settings.session_max_hours
    )


def start(session: Session, *, user_id: int) -> str:
    """A new sign-in in the caller's transaction (right after the password was checked)."""
    return start_staff_session(session, user_id=user_id, now=datetime.now(UTC), policy=policy())


def remember(token: str) -> None:
    """Keep the token in this session and have the browser store it in the cookie."""
    st.session_state[TOKEN_KEY] = token
    st.session_state.pop(DROPPED_KEY, None)
    rules = policy()
    max_age_s = int(min(rules.idle, rules.lifetime).total_seconds())
    st.session_state[COOKIE_KEY] = (token, max_age_s, _stamp(datetime.now(UTC)), "")


def _drop(token: str) -> None:
    st.session_state.pop(TOKEN_KEY, None)
    st.session_state[DROPPED_KEY] = token
    st.session_state[COOKIE_KEY] = ("", 0, _stamp(datetime.now(UTC)), token)


def _stamp(now: datetime) -> int:
    # Part of the script text, so a renewed cookie is a changed element and its script runs.
    return int(now.timestamp() * 1000)


def _current_token() -> str | None:
    token = st.session_state.get(TOKEN_KEY)
    if isinstance(token, str):
        return token
    cookie = st.context.cookies.get(COOKIE_NAME)
    # Anything that is not a token of ours (a stale or forged value) is ignored outright.
    if isinstance(cookie, str) and TOKEN_RE.fullmatch(cookie) and cookie != st.session_state.get(DROPPED_KEY):
        return cookie
    return None


def resolve() -> tuple[Actor | None, bool]:
    """The account this browser is signed in to, and whether a sign-in just ended (to say so).

    A read-only look-up on every run; at most once a minute a short write records the use
    (the idle timeout starts again) and the cookie's ``Max-Age`` is renewed.
    """
    token = _current_token()
    if token is None:
        return None, False
    now = datetime.now(UTC)
    rules = policy()
    engine = ui.get_engine()
    with session_scope(engine, read_only=True) as session:
        signed_in = actor_for_session_token(session, token=token, now=now, policy=rules)
    if signed_in is None:
        _drop(token)
        return None, True
    st.session_state[TOKEN_KEY] = token
    if signed_in.needs_touch(now):
        with session_scope(engine) as session:
            touch_staff_session(session, token=token, now=now)
        st.session_state[COOKIE_KEY] = (token, signed_in.cookie_max_age_s(now), _stamp(now), "")
    return signed_in.actor, False


def sign_out() -> None:
    """End this browser's sign-in everywhere: the token is deleted, the cookie cleared."""
    token = _current_token()
    if token is None:
        return
    with session_scope(ui.get_engine()) as session:
        end_staff_session(session, token=token)
    _drop(token)


def render_cookie() -> None:
    """Write (or clear) the cookie in the browser; once per run, always at the same place.

    Streamlit keeps an unchanged element as it is, so the script runs again only when the
    cookie changes (sign-in, sign-out, a renewal at most once a minute).
    """
    # In the main area: a collapsed sidebar (phones) is not rendered at all, so its scripts do
    # not run. The keyed container is hidden by fixed CSS (hidden elements still run scripts) and
    # drawn on every run, so the page below keeps its place when the script first appears.
    st.html(_HIDE_CSS)
    box = st.container(key=_CONTAINER_KEY)
    state = st.session_state.get(COOKIE_KEY)
    if not state:
        return
    token, max_age, stamp, only_if = state
    if not all(t == "" or TOKEN_RE.fullmatch(t) for t in (token, only_if)):
        return  # never happens: both come from new_token() or a cookie already checked
    script = _COOKIE_SCRIPT.format(
        name=json.dumps(COOKIE_NAME),
        value=json.dumps(token),
        only_if=json.dumps(only_if),
        max_age=json.dumps(int(max_age)),
        stamp=int(stamp),
    )
    box.html(script, unsafe_allow_javascript=True)
