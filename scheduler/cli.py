"""`tinbao`: the command line of the archive. Each subcommand lives in scheduler/commands/.

tinbao sites [--status S] [--province P] [--json]   the registry
tinbao crawl SITE [-a NAME=VALUE] [-s NAME=VALUE]   crawl one site now (also: tinbao run)
tinbao runs [--site KEY] [--limit N] [--json]       the latest crawls and what they found
tinbao daemon [--sites KEY ...] [--max-concurrent N] crawl every active site on its schedule
tinbao schedule [--json]                            each site's interval, next and last run
tinbao status [--quiet-days N] [--json]             health; exit status 1 when a site is not
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import version

from sqlalchemy.exc import DatabaseError, IntegrityError, ProgrammingError

from crawler.registry import RegistryError
from scheduler.commands import COMMANDS
from scheduler.commands.common import UsageError
from storage import ArchiveBehind


def main(argv: Sequence[str] | None = None) -> int:
    options = parser().parse_args(argv)
    try:
        status: int = options.handler(options)
    except RegistryError as exc:
        for line in exc.lines():
            print(f"tinbao: bad site registry: {line}", file=sys.stderr)
        return 2
    except (UsageError, ArchiveBehind) as exc:
        print(f"tinbao: {exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:  # unreachable, locked, not a database: no traceback for these
        if isinstance(exc, IntegrityError | ProgrammingError):
            raise  # tinbao's own mistake: keep the traceback
        print(f"tinbao: the archive could not be used: {exc.orig}", file=sys.stderr)
        return 1
    return status


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="tinbao", description="Archive of Vietnam's provincial newspapers."
    )
    root.add_argument("--version", action="version", version=f"tinbao {version('tinbao')}")
    root.add_argument(
        "--database-url",
        help="SQLAlchemy URL of the archive (default: $TINBAO_DATABASE_URL or ./data/tinbao.db)",
    )
    commands = root.add_subparsers(title="commands", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return root


if __name__ == "__main__":
    sys.exit(main())
