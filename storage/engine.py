"""Engines and sessions for the archive. Nothing is created at import time.

`TINBAO_DATABASE_URL` takes any SQLAlchemy URL; `postgres://` and `postgresql://` (the forms
hosting providers and libpq use) mean PostgreSQL through psycopg 3, tinbao's driver. A URL that
names no usable database is a BadArchiveUrl, one line naming it (password hidden). The default
is an SQLite file under ./data/, created on first use and switched to WAL so that readers (SQL
users, Datasette) never block the crawl that writes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Base
from storage.schema import ensure_current, stamp_head

DATABASE_ENV = "TINBAO_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///data/tinbao.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_DRIVER = "postgresql+psycopg"
_PASSWORD = re.compile(r"(?<=:)[^:@/]*(?=@)")


class BadArchiveUrl(ValueError):
    """An archive URL that names no usable database: not a URL, an unknown kind, no driver."""


def database_url(explicit: str | None = None) -> str:
    """The archive URL: the explicit one, else $TINBAO_DATABASE_URL, else ./data/tinbao.db."""
    return explicit or os.environ.get(DATABASE_ENV) or DEFAULT_DATABASE_URL


def parse_database_url(url: str | None = None) -> URL:
    """The SQLAlchemy URL of the archive (see `database_url`); BadArchiveUrl when it is none."""
    text = database_url(url)
    example = "e.g. sqlite:///data/tinbao.db or postgresql://user@host/tinbao"
    try:
        resolved = make_url(text)
    except ArgumentError:
        shown = _PASSWORD.sub("***", text)
        raise BadArchiveUrl(f"{shown!r} is not a database URL ({example})") from None
    if resolved.drivername in ("postgres", "postgresql"):
        resolved = resolved.set(drivername=POSTGRES_DRIVER)
    try:
        resolved.get_dialect()
    except NoSuchModuleError:
        raise BadArchiveUrl(f"{resolved.render_as_string(hide_password=True)!r}: unknown kind of "
                            f"database {resolved.drivername!r} ({example})") from None  # fmt: skip
    return resolved


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for `url` (see `database_url`); an SQLite file's folder is created if missing."""
    resolved = parse_database_url(url)
    try:
        return _engine(resolved, **kwargs)
    except ImportError as exc:  # the database's driver is not installed
        extra = (
            " (pip install -e '.[postgres]')" if resolved.get_backend_name() == "postgresql" else ""
        )
        raise BadArchiveUrl(f"{resolved.render_as_string(hide_password=True)!r} needs the Python "
                            f"driver {exc.name or exc}{extra}") from None  # fmt: skip


def _engine(resolved: URL, **kwargs: Any) -> Engine:
    if resolved.get_backend_name() == "sqlite":
        if resolved.database and resolved.database != ":memory:":
            Path(resolved.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(resolved, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(resolved, pool_pre_ping=True, **kwargs)


def make_batch_engine(url: str | None = None) -> Engine:
    """An engine for long write transactions with a SAVEPOINT per row (the crawl's archive
    writer). On SQLite each transaction starts with BEGIN IMMEDIATE: the write lock is waited
    for (busy_timeout) when the batch starts, never refused half-way when a read must become a
    write; and tinbao, not pysqlite, issues BEGIN, as SAVEPOINTs need (pysqlite's implicit
    transactions would commit at the first RELEASE)."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _no_implicit_transactions)
        event.listen(engine, "begin", _begin_immediate)
    return engine


def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def create_schema(engine: Engine) -> None:
    """Create the tables straight from the models on an empty database and mark it as at the
    newest revision (fast, for tests and tools; archives are opened with `open_archive`)."""
    Base.metadata.create_all(engine)
    stamp_head(engine)


def open_archive(url: str | None = None) -> Engine:
    """An engine on an archive at the code's schema revision: a new archive is created, an old
    one raises ArchiveBehind naming `tinbao db upgrade`. What the crawler and the CLI start from."""
    engine = make_engine(url)
    try:
        ensure_current(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
