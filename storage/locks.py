"""Row locks that make "count the recent attempts, then record one" atomic on both databases.

A check that reads a count and then inserts is a race: two requests read the same count and
both go in (on PostgreSQL 50 parallel logins checked 17 passwords instead of 5). ``hold_lock``
takes the lock of one ``throttle_locks`` row until the transaction ends, so every request for
the same key counts after the previous one has committed its row.

- PostgreSQL: ``INSERT … ON CONFLICT DO NOTHING`` creates the row the first time, then
  ``SELECT … FOR UPDATE`` waits for whoever holds it. Under READ COMMITTED the count that follows
  is a new statement and sees the rows the previous holder committed.
- SQLite: write transactions start with ``BEGIN IMMEDIATE`` (``storage.db``), which serialises
  them already; the same statements run (``FOR UPDATE`` is left out by SQLAlchemy).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import ThrottleLock


def hold_lock(session: Session, *, scope: str, key: str) -> None:
    """Lock the row ``(scope, key)`` until the session's transaction ends (created when missing)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # A pruning run may delete the row between the insert and the select: then insert again.
    for _attempt in range(5):
        session.execute(insert(ThrottleLock).values(scope=scope, key=key).on_conflict_do_nothing())
        locked = session.execute(
            select(ThrottleLock.key)
            .where(ThrottleLock.scope == scope, ThrottleLock.key == key)
            .with_for_update()
        ).first()
        if locked is not None:
            return
    raise RuntimeError(f"could not lock throttle row {scope}/{key}")
