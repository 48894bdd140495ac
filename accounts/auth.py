"""Accounts, roles and login (no Streamlit here: the app calls these and keeps only the user id).

Roles are read from the database on every rerun (``actor_for_user_id``), so a role change or a
deactivation takes effect at once. Every function that writes takes the ``Actor`` and checks
the role itself (``require_role``); the navigation only hides what a role cannot use.

Passwords are hashed with argon2id. Failed logins are counted per typed name and client (the
browser's random client key, see ``client_hash``): after ``THROTTLE_AFTER`` failures within
``THROTTLE_WINDOW`` each further attempt from that client has to wait, twice as long each time
(``LoginThrottled.retry_after_s``), so someone guessing elsewhere does not lock the owner out. A
name that fails ``THROTTLE_NAME_AFTER`` times from all clients together is slowed down for
everybody (a guesser who throws away the cookie each time); ``unlock_user`` lets an admin clear
that. Counting and recording an attempt happen under one row lock (``storage.locks``), before
the password is checked. The answer never tells whether a name exists.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from base.errors import AtlasError, InvalidInput, PermissionDenied
from base.i18n import N_, Duration, Joined, Message, t
from storage.locks import hold_lock
from storage.models import ThrottleLock
from storage.models_accounts import LoginAttempt, StaffSession, User

PUBLIC_ROLE = "public"


@dataclass(frozen=True)
class Role:
    id: str
    name: str  # message id (English)
    rights: str  # message id: what the role may do

    def label(self, lang: str) -> str:
        return t(self.name, lang)

    def may(self, lang: str) -> str:
        return t(self.rights, lang)


ROLES: tuple[Role, ...] = (
    Role(
        PUBLIC_ROLE,
        N_("Public (no login)"),
        N_("See the map and list of approved places, suggest places, look up a suggestion's status."),
    ),
    Role(
        "manager",
        N_("Neighbourhood manager"),
        N_("Import areas, curate the catalogue, audit places, moderate suggestions."),
    ),
    Role(
        "planner",
        N_("Planner"),
        N_("View and download gap maps and exports; changes nothing."),
    ),
    Role(
        "admin",
        N_("Administrator"),
        N_("Everything a manager may do, plus user accounts and roles."),
    ),
)
ROLE_BY_ID: dict[str, Role] = {r.id: r for r in ROLES}
ACCOUNT_ROLES: tuple[str, ...] = tuple(r.id for r in ROLES if r.id != PUBLIC_ROLE)

PASSWORD_MIN = 12
PASSWORD_MAX = 1024  # argon2 takes any length; this only stops absurd inputs
LOGIN_NAME_RE = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
EMAIL_MAX = 254
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")

THROTTLE_AFTER = 5
# Failures of one name from all clients together before everyone has to wait for that name.
THROTTLE_NAME_AFTER = 20
LOGIN_LOCK_SCOPE = "login"
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_BASE_S = 30
THROTTLE_MAX_S = 15 * 60

# argon2id with the library's defaults (RFC 9106 "low memory" profile). When these change,
# a successful login re-hashes the password with the new parameters.
_HASHER = PasswordHasher()
_dummy_hash: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in account, or the public (``user_id`` None)."""

    user_id: int | None
    name: str
    role: str

    @property
    def is_public(self) -> bool:
        return self.role == PUBLIC_ROLE


PUBLIC = Actor(None, "", PUBLIC_ROLE)
# Whoever runs ``python -m audits users …`` on the server already holds the database.
CONSOLE = Actor(None, "console", "admin")


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    email: str | None
    role: str
    active: bool
    has_password: bool
    created_at: datetime
    updated_at: datetime


class LoginFailed(AtlasError):
    """Wrong name or password (deliberately not saying which)."""

    def __init__(self) -> None:
        super().__init__(N_("The name or the password is wrong."))


class LoginThrottled(AtlasError):
    """Too many failed logins for this name: wait ``retry_after_s`` seconds."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(N_("Too many failed logins. Try again in {wait}."), wait=Duration(retry_after_s))


class SsoConfigError(AtlasError):
    """Single sign-on is configured in secrets.toml, but not safely."""


# ---------------------------------------------------------------- roles (pure)


def require_role(actor: Actor, *roles: str) -> None:
    """Raise PermissionDenied unless ``actor`` has one of ``roles`` (``admin`` always may)."""
    if actor.role in roles or (actor.role == "admin" and not actor.is_public):
        return
    names = [Message(ROLE_BY_ID[r].name) for r in roles if r in ROLE_BY_ID] or [Message(ROLE_BY_ID["admin"].name)]
    allowed = Joined(names, sep=", ")
    if actor.is_public:
        raise PermissionDenied(N_("Please sign in: this needs the role {allowed}."), allowed=allowed)
    raise PermissionDenied(
        N_("Your role ({role}) may not do this; it needs {allowed}. Ask an administrator if you need it."),
        role=Message(ROLE_BY_ID[actor.role].name),
        allowed=allowed,
    )


def validate_role(role: object) -> str:
    if role not in ACCOUNT_ROLES:
        raise InvalidInput(
            N_("Unknown role {role!r}; choose one of: {choices}."), role=role, choices=', '.join(ACCOUNT_ROLES),
        )
    return str(role)


def normalise_login_name(name: str) -> str:
    """The form in which names are stored and compared: stripped, NFKC, lower-case."""
    return unicodedata.normalize("NFKC", name).strip().lower()


def validate_login_name(name: object) -> str:
    """A login name: 2–64 characters a–z, 0–9, ``. _ - @``; case does not matter."""
    clean = normalise_login_name(name) if isinstance(name, str) else ""
    if not LOGIN_NAME_RE.fullmatch(clean):
        raise InvalidInput(
            N_("A login name has 2–64 characters: letters a–z, digits and . _ - @ (no spaces), starting with a letter or digit."),
        )
    return clean


def validate_email(email: object) -> str:
    """A plausible e-mail address (stripped, lower-case), or InvalidInput."""
    clean = email.strip().lower() if isinstance(email, str) else ""
    if len(clean) > EMAIL_MAX or not EMAIL_RE.fullmatch(clean):
        raise InvalidInput(N_("{email} does not look like an e-mail address (name@example.org, at most {max} characters)."), email=repr(str(email)[:80]), max=EMAIL_MAX)
    return clean


def validate_password(password: object) -> str:
    """A password of at least 12 characters; returned unchanged (spaces count)."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise InvalidInput(
            N_("The password is too short: use at least {PASSWORD_MIN} characters (a few words in a row are easy to remember)."), PASSWORD_MIN=PASSWORD_MIN,
        )
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(
            N_("The password is too long: use at most {PASSWORD_MAX} characters."), PASSWORD_MAX=PASSWORD_MAX,
        )
    if not password.strip():
        raise InvalidInput(
            N_("The password cannot be only spaces.")
        )
    return password


def hash_password(password: str) -> str:
    """An argon2id hash (``$argon2id$…``) with the current parameters."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; False for a mismatch or a damaged hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def _burn_dummy_verification(password: str) -> None:
    # Same work as a real check, so the time taken does not tell whether the name exists.
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _HASHER.hash("not a real password, only for timing")
    verify_password(_dummy_hash, password)


def check_sso_secrets(secrets: Mapping[str, object]) -> None:
    """Refuse to start when ``[auth]`` is configured without a cookie secret of ≥ 32 characters."""
    auth = secrets.get("auth")
    if not auth:
        return
    cookie_secret = auth.get("cookie_secret") if isinstance(auth, Mapping) else None
    hint = Message(
        N_(
            "Set cookie_secret in the [auth] section of .streamlit/secrets.toml to a random string of at "
            'least 32 characters, e.g. the output of: python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    )
    if not isinstance(cookie_secret, str) or not cookie_secret.strip():
        raise SsoConfigError(N_("Single sign-on is configured, but cookie_secret is missing. {hint}"), hint=hint)
    if len(cookie_secret) < 32 or len(set(cookie_secret)) < 8:
        raise SsoConfigError(
            N_("Single sign-on is configured, but cookie_secret is too short or too simple ({n} characters). {hint}"),
            n=len(cookie_secret),
            hint=hint,
        )


# ---------------------------------------------------------------- accounts


def _user_info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        name=user.name,
        email=user.email,
        role=user.role,
        active=user.active,
        has_password=user.password_hash is not None,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


def _actor(user: User) -> Actor:
    return Actor(user.id, user.name, user.role)


def _user_by_name(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == normalise_login_name(name)))


def _no_such_user(name: str) -> InvalidInput:
    return InvalidInput(
        N_("No account named {name!r}. List them with: python -m audits users list"), name=name,
    )


def get_user(session: Session, *, name: str) -> UserInfo:
    user = _user_by_name(session, name)
    if user is None:
        raise _no_such_user(name)
    return _user_info(user)


def list_users(session: Session, *, actor: Actor) -> list[UserInfo]:
    require_role(actor, "admin")
    return [_user_info(u) for u in session.scalars(select(User).order_by(User.name))]


def create_user(
    session: Session,
    *,
    actor: Actor,
    name: str,
    role: str,
    password: str | None = None,
    email: str | None = None,
) -> UserInfo:
    """A new active account: with a password (embedded login) and/or an e-mail (single sign-on)."""
    require_role(actor, "admin")
    clean_name = validate_login_name(name)
    clean_role = validate_role(role)
    clean_email = validate_email(email) if email is not None and email.strip() else None
    if password is None and clean_email is None:
        raise InvalidInput(
            N_("Give the account a password, or an e-mail address for single sign-on."),
        )
    password_hash = hash_password(validate_password(password)) if password is not None else None
    if _user_by_name(session, clean_name) is not None:
        raise InvalidInput(
            N_("An account named {clean_name!r} already exists (names are not case-sensitive)."), clean_name=clean_name,
        )
    if clean_email is not None and session.scalar(select(User.id).where(User.email == clean_email)):
        raise InvalidInput(
            N_("Another account already uses the e-mail address {clean_email!r}."), clean_email=clean_email,
        )
    now = datetime.now(UTC)
    user = User(
        name=clean_name,
        email=clean_email,
        role=clean_role,
        password_hash=password_hash,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    return _user_info(user)


def _get_user_row(session: Session, user_id: int) -> User:
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise InvalidInput(N_("No account with id {user_id}."), user_id=user_id)
    return user


def _keep_one_admin(session: Session, user: User) -> None:
    others = session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.active, User.id != user.id)
    )
    if user.role == "admin" and user.active and not others:
        raise InvalidInput(
            N_("{name!r} is the last active administrator; make someone else admin first."), name=user.name,
        )


def _end_sessions(session: Session, user_id: int) -> None:
    # Every browser signed in to this account is signed out (``accounts.sessions``).
    session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))


def set_role(session: Session, *, actor: Actor, user_id: int, role: str) -> UserInfo:
    """Change an account's role; its password sign-ins end (sign in again to get the new role)."""
    require_role(actor, "admin")
    clean_role = validate_role(role)
    user = _get_user_row(session, user_id)
    if user.role == clean_role:
        return _user_info(user)
    _keep_one_admin(session, user)
    user.role = clean_role
    user.updated_at = datetime.now(UTC)
    _end_sessions(session, user.id)
    session.flush()
    return _user_info(user)


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> UserInfo:
    """Deactivate (or reactivate) an account; a deactivated user is signed out on the next rerun."""
    require_role(actor, "admin")
    user = _get_user_row(session, user_id)
    if user.active == active:
        return _user_info(user)
    if not active:
        _keep_one_admin(session, user)
    user.active = active
    user.updated_at = datetime.now(UTC)
    if not active:
        _end_sessions(session, user.id)
    session.flush()
    return _user_info(user)


def set_password(session: Session, *, actor: Actor, user_id: int, password: str) -> UserInfo:
    """A new password: admins for anyone, everybody else only for themselves."""
    if actor.is_public or actor.user_id != user_id:
        require_role(actor, "admin")
    password_hash = hash_password(validate_password(password))
    user = _get_user_row(session, user_id)
    user.password_hash = password_hash
    user.updated_at = datetime.now(UTC)
    _end_sessions(session, user.id)
    session.flush()
    return _user_info(user)


def actor_for_user_id(session: Session, user_id: int | None) -> Actor | None:
    """The current role of a signed-in user (read on every rerun); None when gone or deactivated."""
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    return _actor(user)


def actor_for_email(session: Session, email: str | None) -> Actor | None:
    """The account mapped to a single-sign-on e-mail; None when there is none or it is deactivated."""
    if not email or not isinstance(email, str):
        return None
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        return None
    return _actor(user)


# ---------------------------------------------------------------- login


def throttle_delay_s(failures: int) -> int:
    """Seconds to wait after ``failures`` recent failed attempts (0 below the threshold)."""
    if failures < THROTTLE_AFTER:
        return 0
    return min(THROTTLE_BASE_S * 2 ** (failures - THROTTLE_AFTER), THROTTLE_MAX_S)


def client_hash(client_key: str) -> str:
    """What is stored of a browser's client key: a SHA-256 (the key is random, never an IP)."""
    if not client_key:
        return ""
    return hashlib.sha256(b"begegnungsatlas-client\0" + client_key.encode("utf-8")).hexdigest()


def _failures(session: Session, key: str, *, source: str | None, since: datetime) -> tuple[int, datetime | None]:
    """Failed attempts of ``key`` after ``since`` (from ``source`` only, unless it is None)."""
    query = select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.name == key, LoginAttempt.success.is_(False), LoginAttempt.at > since
    )
    if source is not None:
        query = query.where(LoginAttempt.source == source)
    count, last = session.execute(query).one()
    return int(count), last


def _throttle_wait_s(session: Session, key: str, source: str, now: datetime) -> int:
    """Seconds this client has to wait before it may try ``key`` again (0: it may now)."""
    since = now - THROTTLE_WINDOW
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.name == key,
            LoginAttempt.source == source,
            LoginAttempt.success,
            LoginAttempt.at > since,
        )
    )
    # This client: failures since its last success. All clients: a success does not reset it,
    # or a guesser could wait for the owner to sign in and start again.
    mine = _failures(session, key, source=source, since=max(since, last_success or since))
    everyone = _failures(session, key, source=None, since=since)
    wait = 0.0
    for (failures, last), offset in ((mine, 0), (everyone, THROTTLE_NAME_AFTER - THROTTLE_AFTER)):
        delay = throttle_delay_s(failures - offset)
        if delay and last is not None and now < last + timedelta(seconds=delay):
            wait = max(wait, (last + timedelta(seconds=delay) - now).total_seconds())
    return max(1, math.ceil(wait)) if wait else 0


def authenticate(
    session: Session, *, name: str, password: str, source: str = "", now: datetime | None = None
) -> Actor:
    """The actor for a correct name and password; LoginFailed or LoginThrottled otherwise.

    ``source`` is the browser's client key (only its hash is stored): attempts are throttled per
    name and client, and per name over all clients at a higher count. The attempt is counted and
    recorded as failed under the name's row lock and committed *before* the password is checked,
    so parallel attempts cannot all pass the check (and argon2 does not run under the lock); a
    correct password then marks it successful in the caller's transaction.
    """
    now = now or datetime.now(UTC)
    key = normalise_login_name(name if isinstance(name, str) else "")[:64]
    src = client_hash(source if isinstance(source, str) else "")
    hold_lock(session, scope=LOGIN_LOCK_SCOPE, key=key)
    wait = _throttle_wait_s(session, key, src, now)
    if wait:
        raise LoginThrottled(wait)
    user = session.scalar(select(User).where(User.name == key)) if key else None
    attempt = LoginAttempt(name=key, source=src, at=now, success=False)
    session.add(attempt)
    # Counted from here on, also if the check below never finishes; no transaction stays open
    # while argon2 works (on SQLite that would hold the write lock).
    session.commit()

    password = password if isinstance(password, str) else ""
    if user is None or user.password_hash is None:
        _burn_dummy_verification(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.active
    if not ok:
        raise LoginFailed()
    assert user is not None and user.password_hash is not None
    attempt.success = True
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    # This client's old attempts are no longer needed once it has logged in.
    session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.name == key, LoginAttempt.source == src, LoginAttempt.at < now
        )
    )
    session.flush()
    return _actor(user)


def unlock_user(session: Session, *, actor: Actor, name: str) -> int:
    """Forget an account's failed logins from every client, so its owner can sign in at once.

    For when a guesser has slowed the name down for everybody; returns how many were forgotten.
    """
    require_role(actor, "admin")
    user = _user_by_name(session, name)
    if user is None:
        raise _no_such_user(name)
    hold_lock(session, scope=LOGIN_LOCK_SCOPE, key=user.name)
    result = session.execute(
        delete(LoginAttempt).where(LoginAttempt.name == user.name, LoginAttempt.success.is_(False))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def prune_login_attempts(session: Session, *, now: datetime | None = None) -> int:
    """Delete attempts older than the throttling window (they no longer count); returns how many.

    Lock rows of names without attempts left go too (``hold_lock`` recreates them when needed).
    """
    now = now or datetime.now(UTC)
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - THROTTLE_WINDOW))
    session.execute(
        delete(ThrottleLock).where(
            ThrottleLock.scope == LOGIN_LOCK_SCOPE, ThrottleLock.key.not_in(select(LoginAttempt.name))
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
