"""The `tinbao` subcommands, one module each. A module exposes `register(commands)`, which adds
its parser(s) to the argparse subparsers and sets `handler` to a function of the parsed options
returning the exit status. Add a module here and list it in `COMMANDS`."""

from __future__ import annotations

from types import ModuleType

from scheduler.commands import (
    backfill,
    crawl,
    daemon,
    db,
    export,
    extract,
    frontier,
    importing,
    probe,
    reextract,
    runs,
    schedule,
    search,
    serve,
    show,
    sites,
    stats,
    status,
)

COMMANDS: tuple[ModuleType, ...] = (
    sites,
    crawl,
    backfill,
    frontier,
    runs,
    db,
    daemon,
    schedule,
    status,
    probe,
    extract,
    search,
    show,
    serve,
    export,
    reextract,
    importing,
    stats,
)
