"""`tinbao daemon` (also `python -m scheduler`): crawl every active site on its schedule."""

from __future__ import annotations

import argparse
from pathlib import Path

from scheduler.commands.common import UsageError, check_sites, pairs
from scheduler.daemon import Daemon
from scheduler.logs import configure_logging
from scheduler.nodes import DEFAULT_MAX_PROC, parse_nodes
from scheduler.settings import DaemonSettings, parse_duration
from storage import database_url

DEFAULTS = DaemonSettings(database_url="")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "daemon", help="crawl every active site on its schedule, until SIGTERM",
        description="Crawl each active registry site at its interval, for ever. SIGTERM or "
        "SIGINT: stop (running crawls get --stop-grace to finish); SIGHUP: reload the registry.",
    )  # fmt: skip
    add = parser.add_argument
    add("--sites", nargs="+", default=[], metavar="KEY", help="only these sites (default: all)")
    add(
        "--max-concurrent",
        type=int,
        default=None,
        metavar="N",
        help=f"crawls running at once, all sites together (default {DEFAULTS.max_concurrent}; "
        "with --scrapyd: the nodes' slots)",
    )
    add(
        "--scrapyd",
        action="append",
        default=[],
        metavar="URL",
        help="send crawls to this Scrapyd node (repeatable), e.g. http://node1:6800, or "
        "http://node1:6800#8 for a node with max_proc 8 (docs/scaling.md)",
    )
    add(
        "--scrapyd-max-proc",
        type=int,
        default=DEFAULT_MAX_PROC,
        metavar="N",
        help="slots of a --scrapyd node given without #N: its max_proc (default %(default)s)",
    )
    add(
        "--scrapyd-poll",
        type=_duration,
        default=DEFAULTS.scrapyd_poll,
        metavar="DURATION",
        help="how often a node's jobs are polled (default 2s)",
    )
    add(
        "--scrapyd-lost-after",
        type=_duration,
        default=DEFAULTS.scrapyd_lost_after,
        metavar="DURATION",
        help="a node silent this long has lost its crawls, dispatched again (default 30s)",
    )
    add(
        "--timeout",
        type=_duration,
        default=DEFAULTS.timeout,
        metavar="DURATION",
        help="kill a crawl (and its children) running longer than this (default 6h)",
    )
    add(
        "--stop-grace",
        type=_duration,
        default=DEFAULTS.stop_grace,
        metavar="DURATION",
        help="on SIGTERM, how long running crawls may take to finish (default 60s)",
    )
    add(
        "--kill-grace",
        type=_duration,
        default=DEFAULTS.kill_grace,
        metavar="DURATION",
        help="between SIGTERM and SIGKILL to a crawl that must stop (default 30s)",
    )
    add(
        "--jitter",
        type=_duration,
        default=DEFAULTS.jitter,
        metavar="DURATION",
        help="random delay added to each run, at most a tenth of the site's interval (default 2m)",
    )
    add(
        "--misfire-grace",
        type=_duration,
        default=None,
        metavar="DURATION",
        help="how late a run may still start (default: one interval of the site)",
    )
    add(
        "--lease",
        type=_duration,
        default=DEFAULTS.lease,
        metavar="DURATION",
        help="the scheduling lock's lease: a standby daemon takes over this long after the "
        "active one died (default 60s)",
    )
    add(
        "--crawl-setting",
        dest="crawl_settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Scrapy setting for every crawl, e.g. LOG_LEVEL=WARNING",
    )
    add(
        "--crawl-logs",
        default="data/logs",
        metavar="DIR",
        help="each crawl's full output goes to DIR/<site>/<time>-<id>.log, its path on its "
        "crawl_runs row (default data/logs; '-': the daemon's stderr)",
    )
    add("--log-file", type=Path, help="also log to this file, rotated by size")
    add(
        "--log-max-bytes",
        type=int,
        default=10 * 1024 * 1024,
        metavar="N",
        help="rotate the log file at this size (default 10 MiB)",
    )
    add(
        "--log-backups",
        type=int,
        default=5,
        metavar="N",
        help="rotated log files kept (default %(default)s)",
    )
    add("--log-level", default="INFO", help="DEBUG, INFO, WARNING, ... (default INFO)")
    # Also accepted after the subcommand, for `python -m scheduler --database-url ...`.
    add("--database-url", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def _duration(text: str) -> object:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def settings_from(options: argparse.Namespace) -> DaemonSettings:
    check_sites(options.sites)
    if options.scrapyd_max_proc < 1:
        raise UsageError("--scrapyd-max-proc must be at least 1")
    try:
        nodes = parse_nodes(options.scrapyd, options.scrapyd_max_proc)
    except ValueError as exc:
        raise UsageError(f"--scrapyd: {exc}") from None
    max_concurrent = options.max_concurrent
    if max_concurrent is None:
        max_concurrent = sum(n.max_proc for n in nodes) if nodes else DEFAULTS.max_concurrent
    if max_concurrent < 1:
        raise UsageError("--max-concurrent must be at least 1")
    return DaemonSettings(
        database_url=database_url(options.database_url),
        sites=tuple(options.sites),
        max_concurrent=max_concurrent,
        scrapyd_nodes=tuple(nodes),
        scrapyd_poll=options.scrapyd_poll,
        scrapyd_lost_after=options.scrapyd_lost_after,
        timeout=options.timeout,
        kill_grace=options.kill_grace,
        stop_grace=options.stop_grace,
        jitter=options.jitter,
        misfire_grace=options.misfire_grace,
        lease=options.lease,
        crawl_settings=pairs(options.crawl_settings, "--crawl-setting"),
        crawl_log_dir=None if options.crawl_logs == "-" else Path(options.crawl_logs),
    )


def run(options: argparse.Namespace) -> int:
    settings = settings_from(options)
    configure_logging(level=options.log_level, log_file=options.log_file,
                      max_bytes=options.log_max_bytes, backups=options.log_backups)  # fmt: skip
    return Daemon(settings).serve()
