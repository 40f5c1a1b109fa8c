"""`tinbao backfill SITE [--restart] [--wayback]`: collect a site's whole history, resumably;
from the site itself, or with --wayback from the Wayback Machine (scheduler/commands/wayback.py)."""

from __future__ import annotations

import argparse

from scheduler.commands.crawl import add_site_and_settings, crawl
from scheduler.commands.wayback import run_wayback


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "backfill",
        help="collect a site's whole history (every section page, every sitemap); resumable",
    )
    add_site_and_settings(parser)
    parser.add_argument("--restart", action="store_true",
                        help="forget an interrupted backfill, walk the history again")  # fmt: skip
    parser.add_argument("--wayback", action="store_true",
                        help="from the Wayback Machine: the archived article pages the archive "
                             "lacks (see docs/import.md)")  # fmt: skip
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    if options.wayback:
        return run_wayback(options)
    return crawl(options, {"backfill": "restart" if options.restart else "1"})
