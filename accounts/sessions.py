"""Staff sign-ins that survive a reload or a new tab (embedded password login; no Streamlit here).

Signing in creates a random token (``secrets.token_urlsafe(32)``, 256 bits). The browser keeps
it in a cookie; the database keeps only its sha256 with the account, the role at sign-in, the
time of the last use and the absolute end. Every page run looks the token up again
(``actor_for_session_token``): it is refused once it has not been used for the idle timeout,
after the absolute lifetime, when the account is deactivated or its role differs from the role
at sign-in. Signing out deletes the row; a role change, a deactivation and a new password delete
all rows of the account (``accounts.auth``). The threat model is in ``docs/architecture.md``.

A plain sha256 is enough here (no salt, no slow hash): the token is 256 random bits, not a
password someone chose, so there is nothing to guess from the hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from accounts.auth import Actor
from base.errors import InvalidInput
from base.i18n import N_
from storage.models_accounts import StaffSession, User

TOKEN_BYTES = 32
# What a token looks like (urlsafe base64 of 32 bytes): anything else in the cookie is ignored
# before it reaches the database.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
# ``last_seen_at`` is written at most this often, so an active user does not write on every click.
TOUCH_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a sign-in lasts: ``idle`` without use, ``lifetime`` at most after signing in."""

    idle: timedelta
    lifetime: timedelta

    @classmethod
    def from_settings(cls, *, idle_minutes: int, max_hours: int) -> SessionPolicy:
        return cls(idle=timedelta(minutes=idle_minutes), lifetime=timedelta(hours=max_hours))


@dataclass(frozen=True)
class SignedIn:
    """A valid token: who it signs in, when it was last used and when it ends at the latest."""

    actor: Actor
    last_seen_at: datetime
    expires_at: datetime
    idle: timedelta

    @property
    def ends_at(self) -> datetime:
        """The idle end if nothing happens before it, or the absolute end, whichever is first."""
        return min(self.last_seen_at + self.idle, self.expires_at)

    def needs_touch(self, now: datetime) -> bool:
        return now - self.last_seen_at >= TOUCH_AFTER

    def cookie_max_age_s(self, now: datetime | None = None) -> int:
        """The cookie's ``Max-Age`` when it is (re)written at ``now`` (default: the last use),
        the use at ``now`` counted: the idle timeout, or less when the lifetime ends sooner."""
        at = now or self.last_seen_at
        return max(1, int((min(at + self.idle, self.expires_at) - at).total_seconds()))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The only form of a token the database ever sees."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _well_formed(token: object) -> bool:
    return isinstance(token, str) and TOKEN_RE.fullmatch(token) is not None


def start_staff_session(session: Session, *, user_id: int, now: datetime, policy: SessionPolicy) -> str:
    """A new token for an active account (after a correct password); returns the token.

    Expired rows of every account are pruned on the way, so the table stays small.
    """
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise InvalidInput(
            N_("No active account with id {user_id}."), user_id=user_id
        )
    prune_staff_sessions(session, now=now, policy=policy)
    token = new_token()
    session.add(
        StaffSession(
            token_hash=hash_token(token),
            user_id=user.id,
            role=user.role,
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.lifetime,
        )
    )
    session.flush()
    return token


def actor_for_session_token(
    session: Session, *, token: object, now: datetime, policy: SessionPolicy
) -> SignedIn | None:
    """Who a token signs in, or None when it is malformed, unknown, idle too long, past its
    lifetime, or its account is deactivated or has another role now. Reads only; the caller
    writes ``touch_staff_session`` when ``needs_touch``."""
    if not _well_formed(token):
        return None
    assert isinstance(token, str)
    row = session.execute(
        select(StaffSession, User)
        .join(User, User.id == StaffSession.user_id)
        .where(StaffSession.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    staff_session, user = row
    if now >= staff_session.expires_at or now - staff_session.last_seen_at >= policy.idle:
        return None
    if not user.active or user.role != staff_session.role:
        return None
    return SignedIn(
        actor=Actor(user.id, user.name, user.role),
        last_seen_at=staff_session.last_seen_at,
        expires_at=staff_session.expires_at,
        idle=policy.idle,
    )


def touch_staff_session(session: Session, *, token: str, now: datetime) -> None:
    """Record a use of the token now (the idle timeout starts again); never moves time back."""
    if not _well_formed(token):
        return
    session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == hash_token(token), StaffSession.last_seen_at < now)
        .values(last_seen_at=now)
    )


def end_staff_session(session: Session, *, token: object) -> bool:
    """Sign-out: the token no longer works anywhere (other tabs, a copied cookie). True if it existed."""
    if not _well_formed(token):
        return False
    assert isinstance(token, str)
    result = session.execute(delete(StaffSession).where(StaffSession.token_hash == hash_token(token)))
    return bool(getattr(result, "rowcount", 0))


def end_all_staff_sessions(session: Session, *, user_id: int) -> int:
    """Sign an account out in every browser; returns how many sign-ins ended."""
    result = session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def prune_staff_sessions(session: Session, *, now: datetime, policy: SessionPolicy) -> int:
    """Delete sign-ins past their lifetime or idle for longer than the timeout; returns how many."""
    result = session.execute(
        delete(StaffSession).where(
            or_(StaffSession.expires_at <= now, StaffSession.last_seen_at <= now - policy.idle)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
