"""INSERT ... ON CONFLICT DO NOTHING on every backend: the one way rows that must stay unique
(articles by URL and text, article URLs, frontier entries) are written, race-free across
processes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def insert_ignoring_conflicts(session: Session, table: Table, row: dict[str, Any]) -> bool:
    """INSERT that does nothing on a unique-constraint conflict; True when the row went in."""
    dialect = session.get_bind().dialect.name
    key = list(table.primary_key.columns)
    if dialect in ("sqlite", "postgresql"):
        module = sqlite if dialect == "sqlite" else postgresql
        statement = module.insert(table).values(row).on_conflict_do_nothing().returning(*key)
        # RETURNING, not rowcount: psycopg reports -1 for ON CONFLICT DO NOTHING either way
        return session.execute(statement).first() is not None
    try:
        with session.begin_nested():
            session.execute(insert(table).values(row))
    except IntegrityError:
        return False
    return True
