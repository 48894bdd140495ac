"""Housekeeping that must run without anyone clicking: old reply addresses and login attempts.

``run_maintenance`` runs once per app process at start (``app.py``) and from the command line
(``python -m audits maintenance``, for cron). It is idempotent: running it twice deletes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from accounts.auth import Actor, prune_login_attempts
from suggestions.store import purge_contacts

# Maintenance acts for nobody in particular; it needs the rights purge_contacts checks.
MAINTENANCE = Actor(None, "maintenance", "admin")
DEFAULT_CONTACT_DAYS = 90


@dataclass(frozen=True)
class MaintenanceReport:
    contacts_purged: int
    login_attempts_pruned: int

    def to_json_dict(self) -> dict[str, int]:
        return {"contacts_purged": self.contacts_purged, "login_attempts_pruned": self.login_attempts_pruned}


def run_maintenance(
    session: Session, *, now: datetime | None = None, contact_days: int = DEFAULT_CONTACT_DAYS
) -> MaintenanceReport:
    """Delete reply e-mails older than ``contact_days`` (decided ones are gone already) and
    login attempts older than the throttling window."""
    now = now or datetime.now(UTC)
    purged = purge_contacts(session, actor=MAINTENANCE, older_than_days=contact_days, now=now)
    pruned = prune_login_attempts(session, now=now)
    session.flush()
    return MaintenanceReport(contacts_purged=purged, login_attempts_pruned=pruned)
