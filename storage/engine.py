"""Engines and sessions for the archive. Nothing is created at import time.

`TINBAO_DATABASE_URL` takes any SQLAlchemy URL. The default is an SQLite file under ./data/,
created on first use and switched to WAL so that readers (SQL users, Datasette) never block the
crawl that writes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Base
from storage.schema import ensure_current, stamp_head

DATABASE_ENV = "TINBAO_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///data/tinbao.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def database_url(explicit: str | None = None) -> str:
    """The archive URL: the explicit one, else $TINBAO_DATABASE_URL, else ./data/tinbao.db."""
    return explicit or os.environ.get(DATABASE_ENV) or DEFAULT_DATABASE_URL


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for `url` (see `database_url`); an SQLite file's folder is created if missing."""
    resolved = make_url(database_url(url))
    if resolved.get_backend_name() == "sqlite":
        if resolved.database and resolved.database != ":memory:":
            Path(resolved.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(resolved, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(resolved, pool_pre_ping=True, **kwargs)


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
