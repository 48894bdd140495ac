"""Alembic environment, driven from ``storage.db.upgrade`` (no alembic.ini).

The engine comes in through ``config.attributes["engine"]``. On PostgreSQL an advisory lock
makes concurrent starts (several app workers, CLI and app) migrate one after the other; on
SQLite the ``BEGIN IMMEDIATE`` of the engine does the same.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from storage.schema import Base

# Any constant; it only has to be the same for every process that migrates this database.
PG_MIGRATION_LOCK = 4_242_001


def run_migrations_online() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            # SQLite DDL is transactional too: a failed migration leaves the old schema intact.
            transactional_ddl=True,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run storage.db.upgrade(engine)")
run_migrations_online()
