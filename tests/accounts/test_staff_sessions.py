"""Staff sign-ins that survive reloads, on real SQLite and PostgreSQL: tokens work, expire, are
revoked by sign-out, deactivation, role and password changes, and only their hash is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from accounts import auth
from accounts.auth import CONSOLE, create_user, set_active, set_password, set_role
from accounts.sessions import (
    TOUCH_AFTER,
    SessionPolicy,
    actor_for_session_token,
    end_all_staff_sessions,
    end_staff_session,
    hash_token,
    prune_staff_sessions,
    start_staff_session,
    touch_staff_session,
)
from base.errors import InvalidInput
from storage.db import open_database, read_all_rows, session_scope
from storage.models_accounts import StaffSession

PASSWORD = "correct horse battery staple"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
POLICY = SessionPolicy(idle=timedelta(minutes=60), lifetime=timedelta(hours=12))


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    monkeypatch.setattr(auth, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def engine(db_url):
    engine = open_database(db_url)
    with session_scope(engine) as session:
        create_user(session, actor=CONSOLE, name="maria", role="manager", password=PASSWORD)
        create_user(session, actor=CONSOLE, name="admin", role="admin", password=PASSWORD)
    yield engine
    engine.dispose()


def user_id(engine, name: str = "maria") -> int:
    with session_scope(engine, read_only=True) as session:
        return auth.get_user(session, name=name).id


def start(engine, *, now: datetime = T0, name: str = "maria") -> str:
    uid = user_id(engine, name)
    with session_scope(engine) as session:
        return start_staff_session(session, user_id=uid, now=now, policy=POLICY)


def check(engine, token: object, *, now: datetime = T0, policy: SessionPolicy = POLICY):
    with session_scope(engine, read_only=True) as session:
        return actor_for_session_token(session, token=token, now=now, policy=policy)


def touch(engine, token: str, now: datetime) -> None:
    with session_scope(engine) as session:
        touch_staff_session(session, token=token, now=now)


def test_a_token_signs_in_its_account_with_its_role(engine) -> None:
    token = start(engine)
    signed_in = check(engine, token, now=T0 + timedelta(minutes=5))
    assert signed_in is not None
    assert (signed_in.actor.name, signed_in.actor.role) == ("maria", "manager")
    assert signed_in.actor.user_id == user_id(engine)
    assert signed_in.cookie_max_age_s() == 60 * 60


def test_tokens_are_unguessable_and_only_their_hash_is_stored(engine) -> None:
    tokens = {start(engine) for _ in range(5)}
    assert len(tokens) == 5 and all(len(t) == 43 for t in tokens)
    dump = repr(read_all_rows(engine)["staff_sessions"])
    for token in tokens:
        assert token not in dump
        assert hash_token(token) in dump
    with session_scope(engine, read_only=True) as session:
        stored = set(session.scalars(select(StaffSession.token_hash)))
    assert stored == {hash_token(t) for t in tokens}


@pytest.mark.parametrize(
    "token",
    ["", "x", "A" * 43, "A" * 42 + "!", "' OR 1=1 --" + "a" * 32, None, 42, "{{ 7*7 }}" * 5],
)
def test_unknown_or_malformed_tokens_sign_nobody_in(engine, token: object) -> None:
    start(engine)
    assert check(engine, token) is None


def test_an_idle_token_is_refused_and_use_keeps_it_alive(engine) -> None:
    token = start(engine)
    assert check(engine, token, now=T0 + timedelta(minutes=59)) is not None
    assert check(engine, token, now=T0 + timedelta(minutes=60)) is None
    # Used after 50 minutes: the next hour counts from then.
    signed_in = check(engine, token, now=T0 + timedelta(minutes=50))
    assert signed_in is not None and signed_in.needs_touch(T0 + timedelta(minutes=50))
    touch(engine, token, T0 + timedelta(minutes=50))
    later = check(engine, token, now=T0 + timedelta(minutes=100))
    assert later is not None
    assert later.last_seen_at == T0 + timedelta(minutes=50)
    assert not later.needs_touch(T0 + timedelta(minutes=50) + TOUCH_AFTER / 2)
    # A touch never moves the time back (two tabs, clocks racing).
    touch(engine, token, T0 + timedelta(minutes=10))
    assert check(engine, token, now=T0 + timedelta(minutes=100)).last_seen_at == T0 + timedelta(minutes=50)


def test_a_shorter_idle_setting_applies_to_tokens_already_issued(engine) -> None:
    token = start(engine)
    short = SessionPolicy(idle=timedelta(minutes=5), lifetime=POLICY.lifetime)
    assert check(engine, token, now=T0 + timedelta(minutes=6), policy=short) is None


def test_a_token_ends_after_its_lifetime_however_active(engine) -> None:
    token = start(engine)
    now = T0
    while now < T0 + timedelta(hours=12) - timedelta(minutes=30):
        now += timedelta(minutes=30)
        assert check(engine, token, now=now) is not None, now
        touch(engine, token, now)
    last = check(engine, token, now=now)
    assert last is not None and last.ends_at == T0 + timedelta(hours=12)
    assert last.cookie_max_age_s() == 30 * 60  # the cookie never outlives the lifetime either
    assert check(engine, token, now=T0 + timedelta(hours=12)) is None


def test_sign_out_revokes_only_that_token(engine) -> None:
    first, second = start(engine), start(engine)
    with session_scope(engine) as session:
        assert end_staff_session(session, token=first)
    assert check(engine, first) is None
    assert check(engine, second) is not None
    with session_scope(engine) as session:
        assert not end_staff_session(session, token=first)  # signing out twice is harmless
        assert not end_staff_session(session, token="nonsense")


def test_deactivation_revokes_every_token_of_the_account(engine) -> None:
    mine, theirs = start(engine), start(engine, name="admin")
    with session_scope(engine) as session:
        set_active(session, actor=CONSOLE, user_id=user_id(engine), active=False)
    assert check(engine, mine) is None
    assert check(engine, theirs) is not None
    with session_scope(engine) as session:
        set_active(session, actor=CONSOLE, user_id=user_id(engine), active=True)
    # Reactivating does not bring an old sign-in back.
    assert check(engine, mine) is None


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_a_role_change_revokes_the_tokens_issued_for_the_old_role(engine, role: str) -> None:
    token = start(engine)
    with session_scope(engine) as session:
        set_role(session, actor=CONSOLE, user_id=user_id(engine), role=role)
    assert check(engine, token) is None
    fresh = check(engine, start(engine))
    assert fresh is not None and fresh.actor.role == role


def test_a_role_changed_and_changed_back_does_not_revive_the_old_token(engine) -> None:
    token = start(engine)
    for role in ("planner", "manager"):
        with session_scope(engine) as session:
            set_role(session, actor=CONSOLE, user_id=user_id(engine), role=role)
    assert check(engine, token) is None
    assert read_all_rows(engine)["staff_sessions"] == []


def test_a_role_changed_behind_the_apps_back_still_refuses_the_token(engine) -> None:
    # Defence in depth: even without the revocation in set_role, the stored role must match.
    token = start(engine)
    with session_scope(engine) as session:
        session.get(auth.User, user_id(engine)).role = "admin"
    assert check(engine, token) is None


def test_a_new_password_revokes_the_tokens(engine) -> None:
    token = start(engine)
    with session_scope(engine) as session:
        set_password(session, actor=CONSOLE, user_id=user_id(engine), password="ein ganz neues passwort")
    assert check(engine, token) is None


def test_a_deactivated_account_gets_no_token(engine) -> None:
    with session_scope(engine) as session:
        set_active(session, actor=CONSOLE, user_id=user_id(engine), active=False)
    with pytest.raises(InvalidInput), session_scope(engine) as session:
        start_staff_session(session, user_id=user_id(engine), now=T0, policy=POLICY)


def test_expired_rows_are_pruned_and_signing_in_prunes_too(engine) -> None:
    old = start(engine)
    idle = start(engine, now=T0 + timedelta(minutes=30))
    assert len(read_all_rows(engine)["staff_sessions"]) == 2  # nothing was due at T0 + 30 min
    with session_scope(engine) as session:
        # At T0 + 90 min: "old" is idle since T0, "idle" since T0 + 30 min (exactly the timeout).
        assert prune_staff_sessions(session, now=T0 + timedelta(minutes=90), policy=POLICY) == 2
    assert read_all_rows(engine)["staff_sessions"] == []
    start(engine)
    start(engine, now=T0 + timedelta(hours=13))  # the first one is past its lifetime by now
    assert len(read_all_rows(engine)["staff_sessions"]) == 1
    assert check(engine, old) is None and check(engine, idle) is None


def test_deleting_an_account_deletes_its_sign_ins(engine) -> None:
    token = start(engine)
    with session_scope(engine) as session:
        assert end_all_staff_sessions(session, user_id=user_id(engine)) == 1
    assert check(engine, token) is None
    start(engine)
    with session_scope(engine) as session:
        session.delete(session.get(auth.User, user_id(engine)))
    assert read_all_rows(engine)["staff_sessions"] == []


def test_the_session_settings_are_read_and_checked(monkeypatch) -> None:
    from base.settings import load_settings

    monkeypatch.delenv("ATLAS_SESSION_IDLE_MINUTES", raising=False)
    monkeypatch.delenv("ATLAS_SESSION_MAX_HOURS", raising=False)
    settings = load_settings()
    assert (settings.session_idle_minutes, settings.session_max_hours) == (60, 12)
    monkeypatch.setenv("ATLAS_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("ATLAS_SESSION_MAX_HOURS", "8")
    settings = load_settings()
    policy = SessionPolicy.from_settings(
        idle_minutes=settings.session_idle_minutes, max_hours=settings.session_max_hours
    )
    assert policy == SessionPolicy(idle=timedelta(minutes=15), lifetime=timedelta(hours=8))
    for bad in ("0", "-5", "eine Stunde"):
        monkeypatch.setenv("ATLAS_SESSION_IDLE_MINUTES", bad)
        with pytest.raises(InvalidInput, match="ATLAS_SESSION_IDLE_MINUTES"):
            load_settings()
