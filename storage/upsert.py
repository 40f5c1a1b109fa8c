"""INSERT ... ON CONFLICT on every backend: the one way rows that must stay unique (articles by
URL and text, article URLs, frontier entries, HTTP validators, ignored URLs) are written,
race-free across processes. Never "read, then insert": two crawls reading at once both find
nothing, and the second insert fails on the unique key."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import cache
from types import ModuleType
from typing import Any, TypeVar

from sqlalchemy import Executable, Table, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

T = TypeVar("T")


def _dialect(name: str) -> ModuleType:
    """sqlalchemy.dialects.sqlite or .postgresql (their INSERT ... ON CONFLICT), imported when
    first used: a process that never writes to PostgreSQL (a crawl's extraction workers, which
    import storage for story signatures) is spared its 0.1 s import."""
    return importlib.import_module(f"sqlalchemy.dialects.{name}")


def insert_ignoring_conflicts(session: Session, table: Table, row: dict[str, Any]) -> bool:
    """INSERT that does nothing on a unique-constraint conflict; True when the row went in."""
    dialect = session.get_bind().dialect.name
    key = list(table.primary_key.columns)
    if dialect in ("sqlite", "postgresql"):
        module = _dialect(dialect)
        statement = module.insert(table).values(row).on_conflict_do_nothing().returning(*key)
        # RETURNING, not rowcount: psycopg reports -1 for ON CONFLICT DO NOTHING either way
        return session.execute(statement).first() is not None
    try:
        with session.begin_nested():
            session.execute(insert(table).values(row))
    except IntegrityError:
        return False
    return True


@cache
def _ignoring_conflicts(table: Table, dialect: str, returning: bool) -> Executable:
    """INSERT INTO `table` ... ON CONFLICT DO NOTHING (RETURNING its key), made once per table
    and dialect: the row is passed as parameters, so SQLAlchemy keys and compiles the statement
    once, not anew for every row as when its values are part of it."""
    module = _dialect(dialect)
    statement: Executable = module.insert(table).on_conflict_do_nothing()
    if returning:
        statement = module.insert(table).on_conflict_do_nothing().returning(*table.primary_key)
    return statement


def insert_returning_key(session: Session, table: Table, row: dict[str, Any]) -> Any | None:
    """INSERT `row` in one statement; its primary key (a single column's value), or None when it
    conflicts with a unique key (nothing written). Core, no ORM object: the save of a new
    article, the common case, spent most of its CPU in the ORM's own Python."""
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        return session.execute(_ignoring_conflicts(table, dialect, True), row).scalar()
    try:
        with session.begin_nested():
            result = session.connection().execute(insert(table), row)
    except IntegrityError:
        return None
    key = result.inserted_primary_key
    return key[0] if key else None


def insert_new(session: Session, entity: type[T], row: dict[str, Any]) -> T | None:
    """INSERT `row` as an `entity` (an ORM class) in one statement, the new object returned and
    known to the session; None when the row conflicts with a unique key (nothing written)."""
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        module = _dialect(dialect)
        statement = module.insert(entity).values(row).on_conflict_do_nothing().returning(entity)
        return session.scalars(statement).first()
    made = entity(**row)
    try:
        with session.begin_nested():
            session.add(made)
    except IntegrityError:
        return None
    return made


def insert_rows_ignoring_conflicts(
    session: Session, table: Table, rows: Sequence[dict[str, Any]]
) -> None:
    """INSERT every row of `rows` in one executemany; a row conflicting with a unique key is
    left out, the others go in. (Parameters, not a multi-row VALUES: that would be compiled
    anew for every call, as its values are part of the statement.)"""
    dialect = session.get_bind().dialect.name
    if not rows:
        return
    if dialect in ("sqlite", "postgresql"):
        session.execute(_ignoring_conflicts(table, dialect, False), list(rows))
        return
    for row in rows:
        insert_ignoring_conflicts(session, table, row)


def insert_or_update(
    session: Session,
    table: Table,
    row: dict[str, Any],
    *,
    key: Sequence[str],
    update_only: Sequence[str] | None = None,
) -> None:
    """INSERT `row`, or when a row with its `key` (a unique key's columns) exists, set that
    one's other columns (or only those of `update_only`) to `row`'s: a second writer waits for
    the first and replaces its values instead of failing on the key."""
    changed = [n for n in row if n not in key] if update_only is None else list(update_only)
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        module = _dialect(dialect)
        statement = module.insert(table).values(row)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c[name] for name in key],
                set_={name: statement.excluded[name] for name in changed},
            )
        )
        return
    match = [table.c[name] == row[name] for name in key]
    values = {name: row[name] for name in changed}
    if not session.execute(update(table).where(*match).values(values)).rowcount:  # type: ignore[attr-defined]
        session.execute(insert(table).values(row))
