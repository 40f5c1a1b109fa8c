"""The archive's schema version, with Alembic: create a new archive, upgrade an old one, and
refuse to work on one that is behind the code (with the command that fixes it).

An archive made before migrations existed (tinbao 0.1's create_all) has the tables of revision
0001 and no version table; it is recognised and stamped 0001.

Creating and upgrading are serialised across processes: twenty crawls started together on a
new archive must not all try to create its tables. The migration runs in one transaction that
first takes the archive's schema lock (SQLite: `BEGIN IMMEDIATE`, the database's write lock, so
the whole migration is also atomic; PostgreSQL: a transaction-scoped advisory lock keyed on the
schema), and looks at the revision again once it holds it: the processes that waited find the
archive created and do nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from storage.packaged import migrations_folder

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where it is used, not with the package: it brings Mako and Pygments
# (0.15 s of CPU), which a process that only reads and writes rows (a crawl's extraction
# workers computing story signatures, crawler/pipelines/archive.py) never needs.

FOUNDATION = "0001"
# PostgreSQL advisory locks are two int4 keys: this class, and a hash of the archive's schema.
_LOCK_CLASS = 0x7469  # "ti"


class ArchiveBehind(RuntimeError):
    """The archive's schema is older than the code's; `tinbao db upgrade` brings it up."""


def alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_folder()))
    config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest revision of the migrations shipped with this code (read once per process:
    every archive opened asks)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_folder()))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The archive's revision; FOUNDATION for an unversioned 0.1 archive; None when empty."""
    from alembic.runtime.migration import MigrationContext

    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None and inspect(connection).has_table("articles"):
        return FOUNDATION
    return revision


@contextmanager
def schema_lock(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction holding the archive's schema lock, committed at the end
    (rolled back on an error). Other processes wanting it wait (SQLite: up to its busy
    timeout)."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # pysqlite opens no transaction before DDL; BEGIN IMMEDIATE takes the write lock now
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:cls, hashtext(current_schema()))"),
                {"cls": _LOCK_CLASS},
            )
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the archive to `revision` (the newest by default): (revision before, after)."""
    with schema_lock(engine) as connection:
        return _upgrade(connection, revision)


def _upgrade(connection: Connection, revision: str) -> tuple[str | None, str]:
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    before = current_revision(connection)
    config = alembic_config(connection)
    if (
        before == FOUNDATION
        and MigrationContext.configure(connection).get_current_revision() is None
    ):
        command.stamp(config, FOUNDATION)
    command.upgrade(config, revision)
    after = MigrationContext.configure(connection).get_current_revision()
    assert after is not None
    return before, after


def ensure_current(engine: Engine) -> None:
    """Create a new (empty) archive at the newest revision; raise ArchiveBehind for an old one.

    The common case (an archive already current) takes no lock. Anything else is decided under
    the schema lock: a new archive is created by whichever process gets it first."""
    head = head_revision()
    with engine.connect() as connection:
        revision = current_revision(connection)
    if revision != head:
        # The unlocked read is two statements, each its own snapshot on SQLite: read while
        # another process commits the new archive, it sees the tables but not yet the version
        # row (an apparent 0.1 archive). Only a read under the lock is believed.
        with schema_lock(engine) as connection:
            revision = current_revision(connection)
            if revision is None:
                revision = _upgrade(connection, "head")[1]
    if revision != head:
        raise ArchiveBehind(
            f"the archive {engine.url.render_as_string(hide_password=True)} is at schema "
            f"revision {revision}, this tinbao needs {head}: run `tinbao db upgrade` "
            "(back the archive up first)"
        )


def stamp_head(engine: Engine) -> None:
    """Mark an archive whose tables were created from the models as being at the newest revision."""
    from alembic import command

    with engine.begin() as connection:
        command.stamp(alembic_config(connection), "head")
