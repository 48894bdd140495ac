"""Accounts, roles and login on real SQLite and PostgreSQL; the ``users`` command line."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from accounts import auth
from accounts.auth import (
    CONSOLE,
    PUBLIC,
    THROTTLE_AFTER,
    THROTTLE_NAME_AFTER,
    Actor,
    LoginFailed,
    LoginThrottled,
    SsoConfigError,
    actor_for_email,
    actor_for_user_id,
    authenticate,
    check_sso_secrets,
    create_user,
    hash_password,
    list_users,
    password_needs_rehash,
    prune_login_attempts,
    require_role,
    set_active,
    set_password,
    set_role,
    unlock_user,
    validate_password,
    verify_password,
)
from base.errors import InvalidInput, PermissionDenied
from storage.db import open_database, read_all_rows, session_scope
from storage.models import ThrottleLock
from storage.models_accounts import LoginAttempt, User

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
T0 = datetime(2025, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def real_hasher():
    """Keep the production argon2id parameters for this test."""


@pytest.fixture(autouse=True)
def fast_hasher(request, monkeypatch):
    # Still argon2id, with small parameters: the default's 64 MiB x 3 passes per hash would
    # dominate the run time on a shared machine.
    if "real_hasher" not in request.fixturenames:
        monkeypatch.setattr(auth, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        monkeypatch.setattr(auth, "_dummy_hash", None)


@pytest.fixture
def engine(db_url):
    engine = open_database(db_url)
    yield engine
    engine.dispose()


def _add(engine, name: str = "anna", role: str = "manager", **kw) -> int:
    with session_scope(engine) as session:
        return create_user(
            session, actor=CONSOLE, name=name, role=role, password=kw.pop("password", PASSWORD), **kw
        ).id


def _login(engine, name: str, password: str, now: datetime, source: str = "") -> Actor:
    with session_scope(engine) as session:
        return authenticate(session, name=name, password=password, now=now, source=source)


# ---------------------------------------------------------------- passwords (pure)


def test_passwords_are_hashed_with_argon2id(real_hasher):
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in hashed
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + "!")
    assert not verify_password("not a hash", PASSWORD)
    assert not password_needs_rehash(hashed)


def test_a_hash_with_old_parameters_is_renewed_at_login(engine, real_hasher):
    user_id = _add(engine)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with session_scope(engine) as session:
        session.get(User, user_id).password_hash = weak
    _login(engine, "anna", PASSWORD, T0)
    with session_scope(engine, read_only=True) as session:
        renewed = session.get(User, user_id).password_hash
    assert renewed != weak and not password_needs_rehash(renewed)


@pytest.mark.parametrize("password", ["", "short", "elevenchars", " " * 20])
def test_short_or_blank_passwords_are_refused(password):
    with pytest.raises(InvalidInput) as err:
        validate_password(password)
    assert "12" in err.value.en or "spaces" in err.value.en


# ---------------------------------------------------------------- login


def test_login_with_the_right_password_gives_the_actor(engine):
    user_id = _add(engine, name="Anna.Schmidt")
    actor = _login(engine, "  anna.SCHMIDT ", PASSWORD, T0)  # names are not case-sensitive
    assert actor == Actor(user_id, "anna.schmidt", "manager")


def test_unknown_user_and_wrong_password_look_the_same(engine):
    _add(engine)
    with pytest.raises(LoginFailed) as wrong:
        _login(engine, "anna", "wrong password here", T0)
    with pytest.raises(LoginFailed) as unknown:
        _login(engine, "nobody", "wrong password here", T0)
    assert (wrong.value.en, wrong.value.de) == (unknown.value.en, unknown.value.de)
    assert "anna" not in wrong.value.en and "nobody" not in unknown.value.en


def test_deactivated_and_sso_only_accounts_cannot_log_in_with_a_password(engine):
    user_id = _add(engine)
    _add(engine, name="sso", password=None, email="sso@example.org")
    with session_scope(engine) as session:
        set_active(session, actor=CONSOLE, user_id=user_id, active=False)
    for name in ("anna", "sso"):
        with pytest.raises(LoginFailed):
            _login(engine, name, PASSWORD, T0)


def test_throttling_after_five_failures_with_growing_delay(engine):
    _add(engine)
    for i in range(THROTTLE_AFTER):
        with pytest.raises(LoginFailed):
            _login(engine, "anna", f"wrong password {i}", T0 + timedelta(seconds=i))
    last = T0 + timedelta(seconds=THROTTLE_AFTER - 1)
    # Even the right password waits now: the answer must not depend on it.
    with pytest.raises(LoginThrottled) as err:
        _login(engine, "anna", PASSWORD, last + timedelta(seconds=1))
    first_wait = err.value.retry_after_s
    assert first_wait > 0
    assert "Try again in" in err.value.en and "erneut versuchen" in err.value.de

    # After waiting, one more failure doubles the delay.
    later = last + timedelta(seconds=first_wait + 1)
    with pytest.raises(LoginFailed):
        _login(engine, "anna", "still wrong password", later)
    with pytest.raises(LoginThrottled) as err2:
        _login(engine, "anna", PASSWORD, later + timedelta(seconds=1))
    assert err2.value.retry_after_s > first_wait

    # Waiting long enough lets the right password in, and a success resets the count.
    done = later + timedelta(seconds=err2.value.retry_after_s + 1)
    assert _login(engine, "anna", PASSWORD, done).name == "anna"
    with pytest.raises(LoginFailed):
        _login(engine, "anna", "wrong once more", done + timedelta(seconds=1))


def test_unknown_names_are_throttled_too(engine):
    for i in range(THROTTLE_AFTER):
        with pytest.raises(LoginFailed):
            _login(engine, "ghost", "wrong password", T0 + timedelta(seconds=i))
    with pytest.raises(LoginThrottled):
        _login(engine, "ghost", "wrong password", T0 + timedelta(seconds=THROTTLE_AFTER))


def test_failures_older_than_the_window_do_not_count(engine):
    _add(engine)
    for i in range(THROTTLE_AFTER):
        with pytest.raises(LoginFailed):
            _login(engine, "anna", "wrong password", T0 + timedelta(seconds=i))
    assert _login(engine, "anna", PASSWORD, T0 + timedelta(minutes=16)).name == "anna"


def test_a_guesser_elsewhere_does_not_lock_the_owner_out(engine):
    _add(engine)
    for i in range(THROTTLE_AFTER):
        with pytest.raises(LoginFailed):
            _login(engine, "anna", f"guess {i}", T0 + timedelta(seconds=i), source="guesser-browser")
    with pytest.raises(LoginThrottled):
        _login(engine, "anna", PASSWORD, T0 + timedelta(seconds=10), source="guesser-browser")
    # Anna's own browser is another client: she signs in at once.
    assert _login(engine, "anna", PASSWORD, T0 + timedelta(seconds=11), source="annas-browser").name == "anna"
    # Her success does not reset the guesser's count.
    with pytest.raises(LoginThrottled):
        _login(engine, "anna", "guess again", T0 + timedelta(seconds=12), source="guesser-browser")
    with session_scope(engine, read_only=True) as session:
        sources = set(session.scalars(select(LoginAttempt.source)))
    assert "guesser-browser" not in sources and "annas-browser" not in sources  # only hashes
    assert all(len(s) == 64 for s in sources)


def test_a_guesser_changing_clients_is_slowed_down_and_the_admin_can_unlock(engine, sqlite_url):
    _add(engine)
    for i in range(THROTTLE_NAME_AFTER):
        with pytest.raises(LoginFailed):
            _login(engine, "anna", f"guess {i}", T0 + timedelta(seconds=i), source=f"fresh-cookie-{i}")
    later = T0 + timedelta(seconds=THROTTLE_NAME_AFTER + 1)
    with pytest.raises(LoginThrottled):
        _login(engine, "anna", PASSWORD, later, source="annas-browser")
    # Other names are not affected.
    _add(engine, name="bert")
    assert _login(engine, "bert", PASSWORD, later, source="fresh-cookie-1").name == "bert"

    for actor in (PUBLIC, Actor(1, "m", "manager")):
        with pytest.raises(PermissionDenied), session_scope(engine) as session:
            unlock_user(session, actor=actor, name="anna")
    with pytest.raises(InvalidInput, match="No account"), session_scope(engine) as session:
        unlock_user(session, actor=CONSOLE, name="nobody")
    with session_scope(engine) as session:
        assert unlock_user(session, actor=CONSOLE, name="Anna") == THROTTLE_NAME_AFTER
    assert _login(engine, "anna", PASSWORD, later, source="annas-browser").name == "anna"


def test_cli_unlock_clears_the_failed_logins(sqlite_url):
    engine = open_database(sqlite_url)
    _add(engine)
    for i in range(THROTTLE_AFTER):
        with pytest.raises(LoginFailed):
            _login(engine, "anna", "wrong password", datetime.now(UTC) + timedelta(milliseconds=i))
    with pytest.raises(LoginThrottled):
        _login(engine, "anna", PASSWORD, datetime.now(UTC))
    done = _cli(["unlock", "ANNA"], sqlite_url, "")
    assert done.returncode == 0, done.stderr
    assert "anna" in done.stdout and str(THROTTLE_AFTER) in done.stdout
    assert _login(engine, "anna", PASSWORD, datetime.now(UTC)).name == "anna"
    missing = _cli(["unlock", "nobody"], sqlite_url, "")
    assert missing.returncode == 2 and "No account" in missing.stderr
    engine.dispose()


def test_pruning_keeps_recent_attempts_and_drops_unused_lock_rows(engine):
    for i, name in enumerate(("ghost", "spook")):
        with pytest.raises(LoginFailed):
            _login(engine, name, "wrong password", T0 + timedelta(minutes=20 * i))
    with session_scope(engine) as session:
        assert prune_login_attempts(session, now=T0 + timedelta(minutes=30)) == 1
    with session_scope(engine, read_only=True) as session:
        assert list(session.scalars(select(ThrottleLock.key))) == ["spook"]
    # A pruned name locks (and counts) as before.
    for _ in range(THROTTLE_AFTER):
        with pytest.raises(LoginFailed):
            _login(engine, "ghost", "wrong password", T0 + timedelta(minutes=31))
    with pytest.raises(LoginThrottled):
        _login(engine, "ghost", "wrong password", T0 + timedelta(minutes=31))


# ---------------------------------------------------------------- roles take effect at once


def test_role_change_and_deactivation_take_effect_on_the_next_rerun(engine):
    admin_id = _add(engine, name="root", role="admin")
    user_id = _add(engine, email="Anna@Example.org")
    admin = Actor(admin_id, "root", "admin")
    with session_scope(engine, read_only=True) as session:
        assert actor_for_user_id(session, user_id) == Actor(user_id, "anna", "manager")
        assert actor_for_email(session, "  anna@example.ORG") == Actor(user_id, "anna", "manager")
        assert actor_for_email(session, "someone@else.org") is None
    with session_scope(engine) as session:
        set_role(session, actor=admin, user_id=user_id, role="planner")
    with session_scope(engine, read_only=True) as session:
        assert actor_for_user_id(session, user_id).role == "planner"
    with session_scope(engine) as session:
        set_active(session, actor=admin, user_id=user_id, active=False)
    with session_scope(engine, read_only=True) as session:
        assert actor_for_user_id(session, user_id) is None
        assert actor_for_email(session, "anna@example.org") is None
        assert actor_for_user_id(session, 9999) is None


def test_the_last_admin_cannot_be_demoted_or_deactivated(engine):
    admin_id = _add(engine, name="root", role="admin")
    with pytest.raises(InvalidInput), session_scope(engine) as session:
        set_role(session, actor=CONSOLE, user_id=admin_id, role="manager")
    with pytest.raises(InvalidInput), session_scope(engine) as session:
        set_active(session, actor=CONSOLE, user_id=admin_id, active=False)


def test_names_and_emails_are_unique_regardless_of_case(engine):
    _add(engine, email="anna@example.org")
    with pytest.raises(InvalidInput, match="already exists"):
        _add(engine, name="ANNA")
    with pytest.raises(InvalidInput, match="e-mail"):
        _add(engine, name="anna2", email="ANNA@example.org")
    with pytest.raises(InvalidInput):
        _add(engine, name="has space")


# ---------------------------------------------------------------- every write checks the role


def _create(session, actor, ids):
    create_user(session, actor=actor, name="newbie", role="planner", password=PASSWORD)


def _set_role(session, actor, ids):
    set_role(session, actor=actor, user_id=ids["other"], role="planner")


def _deactivate(session, actor, ids):
    set_active(session, actor=actor, user_id=ids["other"], active=False)


def _password_of_other(session, actor, ids):
    set_password(session, actor=actor, user_id=ids["other"], password=PASSWORD + "2")


def _list(session, actor, ids):
    list_users(session, actor=actor)


ACCOUNT_WRITES = {
    "create_user": _create,
    "set_role": _set_role,
    "set_active": _deactivate,
    "set_password(other)": _password_of_other,
    "list_users": _list,
}
ALLOWED = {"public": False, "planner": False, "manager": False, "admin": True}


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("what", list(ACCOUNT_WRITES))
def test_account_functions_check_the_role_themselves(sqlite_url, what, role):
    engine = open_database(sqlite_url)
    ids = {"admin": _add(engine, name="root", role="admin"), "other": _add(engine, name="other")}
    actor = PUBLIC if role == "public" else Actor(ids["other"] + 100, "someone", role)
    before = read_all_rows(engine)
    if ALLOWED[role]:
        with session_scope(engine) as session:
            ACCOUNT_WRITES[what](session, actor, ids)
    else:
        with pytest.raises(PermissionDenied) as err, session_scope(engine) as session:
            ACCOUNT_WRITES[what](session, actor, ids)
        assert err.value.de != err.value.en
        assert read_all_rows(engine) == before
    engine.dispose()


def test_everyone_may_change_their_own_password(engine):
    user_id = _add(engine, role="planner")
    with session_scope(engine) as session:
        set_password(
            session, actor=Actor(user_id, "anna", "planner"), user_id=user_id, password="a new passphrase"
        )
    assert _login(engine, "anna", "a new passphrase", T0).user_id == user_id


def test_require_role():
    require_role(Actor(1, "m", "manager"), "manager")
    require_role(Actor(1, "a", "admin"), "manager")  # admins may do everything
    with pytest.raises(PermissionDenied, match="sign in"):
        require_role(PUBLIC, "manager")
    with pytest.raises(PermissionDenied, match="Planner"):
        require_role(Actor(2, "p", "planner"), "manager")


# ---------------------------------------------------------------- single sign-on secrets


def test_sso_secrets_are_checked_at_start():
    check_sso_secrets({})  # embedded login: nothing to check
    check_sso_secrets({"auth": {"cookie_secret": "k3J9-vQ2x_Lm8ZpR4tW7yB1nC6dF0hGs"}, "other": 1})
    with pytest.raises(SsoConfigError, match="missing"):
        check_sso_secrets({"auth": {"redirect_uri": "https://atlas.example.org/oauth2callback"}})
    with pytest.raises(SsoConfigError, match="too short"):
        check_sso_secrets({"auth": {"cookie_secret": "short-secret"}})
    with pytest.raises(SsoConfigError, match="too short or too simple"):
        check_sso_secrets({"auth": {"cookie_secret": "x" * 40}})


# ---------------------------------------------------------------- command line


def _cli(args: list[str], url: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "audits", "users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_cli_reads_the_password_from_stdin_never_from_an_argument(sqlite_url):
    added = _cli(
        ["add", "Anna", "--role", "manager", "--email", "anna@example.org"], sqlite_url, PASSWORD + "\n"
    )
    assert added.returncode == 0, added.stderr
    assert PASSWORD not in added.stdout + added.stderr

    refused = _cli(["add", "bob", "--role", "manager", "--password", PASSWORD], sqlite_url, "")
    assert refused.returncode == 2 and "unrecognized arguments" in refused.stderr
    short = _cli(["add", "carl", "--role", "manager"], sqlite_url, "short\n")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    assert "Traceback" not in refused.stderr + short.stderr

    listed = _cli(["list"], sqlite_url, "")
    assert listed.returncode == 0
    assert listed.stdout.split() == ["anna", "manager", "anna@example.org", "active", "password"]
    assert _cli(["set-role", "ANNA", "planner"], sqlite_url, "").returncode == 0

    engine = open_database(sqlite_url)
    assert _login(engine, "anna", PASSWORD, T0).role == "planner"
    assert _cli(["deactivate", "anna"], sqlite_url, "").returncode == 0
    with pytest.raises(LoginFailed):
        _login(engine, "anna", PASSWORD, T0 + timedelta(seconds=1))
    engine.dispose()


# ---------------------------------------------------------------- many attempts at once (issue 8)


def test_fifty_wrong_passwords_at_once_check_at_most_five(db_url, monkeypatch):
    engine = open_database(db_url, pool_size=55, max_overflow=5)
    _add(engine)
    calls: list[str] = []
    lock = threading.Lock()
    real_verify = auth.verify_password

    def counting_verify(password_hash: str, password: str) -> bool:
        with lock:
            calls.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", counting_verify)
    n = 50
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def attempt(i: int) -> None:
        barrier.wait()
        try:
            with session_scope(engine) as session:
                authenticate(session, name="anna", password=f"wrong password {i}", source="client-1")
        except LoginFailed:
            outcome = "failed"
        except LoginThrottled:
            outcome = "throttled"
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            outcome = repr(exc)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    engine.dispose()
    assert len(calls) <= THROTTLE_AFTER
    assert sorted(set(outcomes)) == ["failed", "throttled"], outcomes
    assert outcomes.count("failed") == len(calls)
    assert outcomes.count("throttled") == n - len(calls)
