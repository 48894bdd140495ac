"""Sign an AppTest in as an existing account, the way the login page does (a staff session token)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from accounts.sessions import SessionPolicy, start_staff_session
from storage.db import open_database, session_scope
from webui.staff_session import TOKEN_KEY

POLICY = SessionPolicy(idle=timedelta(hours=1), lifetime=timedelta(hours=12))


def sign_in(at, user_id: int, url: str | None = None) -> None:
    """Put a fresh token for ``user_id`` into the AppTest's session (database: ``DATABASE_URL``)."""
    engine = open_database(url or os.environ["DATABASE_URL"])
    try:
        with session_scope(engine) as session:
            token = start_staff_session(session, user_id=user_id, now=datetime.now(UTC), policy=POLICY)
    finally:
        engine.dispose()
    at.session_state[TOKEN_KEY] = token
