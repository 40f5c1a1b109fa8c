"""The archive's schema version, with Alembic: create a new archive, upgrade an old one, and
refuse to work on one that is behind the code (with the command that fixes it).

An archive made before migrations existed (tinbao 0.1's create_all) has the tables of revision
0001 and no version table; it is recognised and stamped 0001.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

FOUNDATION = "0001"


class ArchiveBehind(RuntimeError):
    """The archive's schema is older than the code's; `tinbao db upgrade` brings it up."""


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("storage") / "migrations"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(resources.files("storage") / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The archive's revision; FOUNDATION for an unversioned 0.1 archive; None when empty."""
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None and inspect(connection).has_table("articles"):
        return FOUNDATION
    return revision


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the archive to `revision` (the newest by default): (revision before, after)."""
    with engine.begin() as connection:
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
    """Create a new (empty) archive at the newest revision; raise ArchiveBehind for an old one."""
    with engine.connect() as connection:
        revision = current_revision(connection)
    head = head_revision()
    if revision is None:
        upgrade(engine)
    elif revision != head:
        raise ArchiveBehind(
            f"the archive {engine.url.render_as_string(hide_password=True)} is at schema "
            f"revision {revision}, this tinbao needs {head}: run `tinbao db upgrade` "
            "(back the archive up first)"
        )


def stamp_head(engine: Engine) -> None:
    """Mark an archive whose tables were created from the models as being at the newest revision."""
    with engine.begin() as connection:
        command.stamp(alembic_config(connection), "head")
