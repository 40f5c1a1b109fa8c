"""`tinbao`: the command line of the archive. Each subcommand lives in scheduler/commands/.

tinbao sites [--status S] [--province P] [--json]   the registry
tinbao crawl SITE [-a NAME=VALUE] [-s NAME=VALUE]   crawl one site now (also: tinbao run)
tinbao runs [--site KEY] [--limit N] [--json]       the latest crawls and what they found
tinbao daemon [--sites KEY ...] [--max-concurrent N] crawl every active site on its schedule
tinbao schedule [--json]                            each site's interval, next and last run
tinbao status [--quiet-days N] [--json]             health; exit status 1 when a site is not
tinbao extract FILE|URL [--site KEY] [--json]       one page as a crawl reads it, hints shown

Exit statuses: 0 done; 1 failed (a crawl that failed, no archive, an archive that cannot be
used, nothing found by `show`); 2 a usage or configuration error. Every error is one line on
stderr, never a traceback; output cut short by its reader (`| head`) ends quietly, as with any
command-line tool (status 141, 128 + SIGPIPE).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from importlib.metadata import version
from typing import NoReturn

from sqlalchemy.exc import DatabaseError, IntegrityError, ProgrammingError

from crawler.outcome import FAILED, USAGE, startup_failure
from crawler.registry import RegistryError
from scheduler.commands import COMMANDS
from scheduler.commands.common import UsageError
from storage import ArchiveBehind, BadArchiveUrl, database_url
from storage.existing import NoArchive

BROKEN_PIPE = 128 + signal.SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    try:
        options = parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else USAGE
    try:
        status: int = options.handler(options)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
    except BrokenPipeError:  # `tinbao search x | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    except KeyboardInterrupt:
        print("tinbao: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except RegistryError as exc:
        for line in exc.lines():
            print(f"tinbao: bad site registry: {line}", file=sys.stderr)
        return USAGE
    except (UsageError, ArchiveBehind, BadArchiveUrl) as exc:
        return _error(str(exc), USAGE)
    except NoArchive as exc:
        return _error(str(exc), FAILED)
    except DatabaseError as exc:  # unreachable, locked, not a database: no traceback for these
        if isinstance(exc, IntegrityError | ProgrammingError):
            raise  # tinbao's own mistake: keep the traceback
        shown = _shown_url(options)
        detail = str(exc.orig or exc).strip().splitlines()[0]
        return _error(f"the archive {shown} could not be used: {detail}", FAILED)
    except OSError as exc:
        known = startup_failure(exc)
        if known is None:
            raise
        return _error(known[1], known[0])
    return status


def _error(message: str, status: int) -> int:
    print(f"tinbao: {message}", file=sys.stderr)
    return status


def _shown_url(options: argparse.Namespace) -> str:
    from storage.engine import parse_database_url

    try:
        url = parse_database_url(getattr(options, "database_url", None))
    except BadArchiveUrl:
        return repr(database_url(getattr(options, "database_url", None)))
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


class OneLineParser(argparse.ArgumentParser):
    """argparse, with its errors in one line like every other error of tinbao's (argparse
    prints the usage first); subcommands' parsers are of the same class."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"tinbao: {message} (see `{self.prog} --help`)\n")


def parser() -> argparse.ArgumentParser:
    root = OneLineParser(prog="tinbao", description="Archive of Vietnam's provincial newspapers.")
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
