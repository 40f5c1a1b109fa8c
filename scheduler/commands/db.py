"""`tinbao db upgrade|status`: the archive's schema revision (Alembic migrations)."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import Engine, func, select, text

from storage import database_url, head_revision, make_engine, make_sessionmaker, upgrade
from storage.existing import NoArchive, check_exists
from storage.models import Article
from storage.schema import current_revision
from storage.stories import assign_unassigned


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("db", help="the archive's schema: status, upgrade")
    actions = parser.add_subparsers(title="actions", required=True, metavar="ACTION")
    actions.add_parser("upgrade", help="migrate the archive to this tinbao's schema").set_defaults(
        handler=run_upgrade
    )
    actions.add_parser("status", help="the archive's schema revision").set_defaults(
        handler=run_status
    )


def run_upgrade(options: argparse.Namespace) -> int:
    engine = make_engine(database_url(options.database_url))
    try:
        before, after = upgrade(engine)
        if before == after:
            print(f"the archive is up to date (schema revision {after})")
        else:
            print(f"the archive was upgraded from schema revision {before or 'none'} to {after}")
        if _assign_stories(engine) or before != after:
            _analyze(engine)
    finally:
        engine.dispose()
    return 0


def _assign_stories(engine: Engine) -> int:
    """Articles stored before schema revision 0006 have no story yet: find them theirs."""
    with make_sessionmaker(engine)() as session:
        missing = session.scalar(select(func.count()).where(Article.story_id.is_(None))) or 0
        if not missing:
            return 0
        print(f"finding the stories of {missing} articles stored before stories existed")

        def report(done: int) -> None:
            if done % 10_000 < 200 or done >= missing:  # a line every 10,000 articles
                print(f"  {done:,}/{missing:,}", file=sys.stderr)

        assign_unassigned(session, batch=200, progress=report)  # short write locks: crawls go on
        print(f"{missing} articles indexed into stories")
    return missing


def _analyze(engine: Engine) -> None:
    """PostgreSQL's planner needs statistics of new tables and columns (autovacuum may be off)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


def run_status(options: argparse.Namespace) -> int:
    """The archive's revision; exit status 1 when it is behind (or there is no archive)."""
    url = database_url(options.database_url)
    shown = check_exists(url)  # a missing or empty file: NoArchive, nothing created
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
    finally:
        engine.dispose()
    if revision is None:
        raise NoArchive(f"{shown} holds no tinbao archive (no articles table)")
    head = head_revision()
    state = "up to date" if revision == head else "behind: run `tinbao db upgrade`"
    print(f"schema revision {revision} (this tinbao: {head}): {state}")
    return 0 if revision == head else 1
