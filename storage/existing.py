"""Opening an archive that must already exist: what commands that read it start from.

`open_archive` creates a new archive where none is, which is right for a crawl and wrong for
`tinbao search` run in the wrong folder: it would leave an empty ./data/tinbao.db behind and
answer "no article matches". `open_existing` creates nothing, neither a file nor its folder nor
a table: a missing path, an empty file or a database without tinbao's tables is NoArchive,
whose message names the place and what to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from storage.engine import make_engine, parse_database_url
from storage.schema import ArchiveBehind, current_revision, head_revision


class NoArchive(RuntimeError):
    """There is no tinbao archive where the URL points."""


def check_exists(url: str | None = None) -> str:
    """The archive's name as messages show it (an SQLite file's path; a URL, password hidden);
    NoArchive when the SQLite file it names is missing, a folder or empty. A server database
    is only known to exist once connected (`open_existing`)."""
    resolved = parse_database_url(url)
    if resolved.get_backend_name() != "sqlite" or resolved.database in (None, "", ":memory:"):
        return resolved.render_as_string(hide_password=True)
    path = Path(resolved.database or "").expanduser()
    if not path.exists():
        raise NoArchive(f"no archive at {path}: crawl first (scrapy crawl <site>), or give "
                        "--database-url / TINBAO_DATABASE_URL")  # fmt: skip
    if not path.is_file():
        raise NoArchive(f"{path} is not an archive file (a folder?)")
    if path.stat().st_size == 0:
        raise NoArchive(f"{path} is an empty file, not an archive")
    return str(path)


def open_existing(url: str | None = None) -> Engine:
    """An engine on the archive at `url` (see `database_url`), at the code's revision; raises
    NoArchive when there is none there, ArchiveBehind when it is older than the code."""
    shown = check_exists(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
        if revision is None:
            raise NoArchive(f"{shown} holds no tinbao archive (no articles table)")
        if revision != head_revision():
            raise ArchiveBehind(
                f"the archive {shown} is at schema revision {revision}, this tinbao needs "
                f"{head_revision()}: run `tinbao db upgrade` (back the archive up first)"
            )
    except BaseException:
        engine.dispose()
        raise
    return engine


def open_read_only(url: str | None = None) -> Engine:
    """`open_existing`, and every connection of the engine refuses to write: SQLite with
    `PRAGMA query_only`, PostgreSQL with read-only transactions. For the web reader, which
    must never change the archive whatever a request holds."""
    engine = open_existing(url)
    event.listen(engine, "connect", _read_only)
    engine.dispose()  # the connection opened to check the revision could write: drop it
    return engine


def _read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        if "sqlite" in type(dbapi_connection).__module__:
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()
    finally:
        cursor.close()
