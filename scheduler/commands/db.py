"""`tinbao db upgrade|status`: the archive's schema revision (Alembic migrations)."""

from __future__ import annotations

import argparse

from storage import database_url, head_revision, make_engine, upgrade
from storage.schema import current_revision


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
    finally:
        engine.dispose()
    if before == after:
        print(f"the archive is up to date (schema revision {after})")
    else:
        print(f"the archive was upgraded from schema revision {before or 'none'} to {after}")
    return 0


def run_status(options: argparse.Namespace) -> int:
    engine = make_engine(database_url(options.database_url))
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
    finally:
        engine.dispose()
    head = head_revision()
    state = "up to date" if revision == head else "new" if revision is None else "behind"
    print(f"schema revision {revision or 'none'} (this tinbao: {head}): {state}")
    return 0 if revision in (head, None) else 1
