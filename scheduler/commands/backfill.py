"""`tinbao backfill SITE [--restart]`: collect a site's whole history, resumably."""

from __future__ import annotations

import argparse

from scheduler.commands.crawl import add_site_and_settings, crawl


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "backfill",
        help="collect a site's whole history (every section page, every sitemap); resumable",
    )
    add_site_and_settings(parser)
    parser.add_argument("--restart", action="store_true",
                        help="forget an interrupted backfill, walk the history again")  # fmt: skip
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    return crawl(options, {"backfill": "restart" if options.restart else "1"})
