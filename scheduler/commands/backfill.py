"""`tinbao backfill SITE [--restart] [--wayback] [--frontier URL]`: collect a site's whole
history, resumably; from the site itself, or with --wayback from the Wayback Machine
(scheduler/commands/wayback.py). With --frontier, the backfill's queue is a shared frontier in
Redis: run the same command on several machines and they split the history between them
(docs/frontier.md)."""

from __future__ import annotations

import argparse

from crawler.outcome import FAILED
from scheduler.commands.common import UsageError, say
from scheduler.commands.crawl import add_site_and_settings, crawl
from scheduler.commands.frontier import add_frontier_option, reach, status_module
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
    add_frontier_option(parser, "share the backfill's queue with every process given the same "
                                "Redis URL (redis://host:6379/0): docs/frontier.md")  # fmt: skip
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    if options.wayback:
        if options.frontier:
            raise UsageError("--frontier is for a backfill from the site, not --wayback")
        return run_wayback(options)
    if options.frontier:
        if options.restart:
            raise UsageError("--restart with --frontier: clear the shared frontier first "
                             f"(tinbao frontier {options.site} --clear)")  # fmt: skip
        try:
            reach(options.frontier)
        except status_module().FrontierUnusable as exc:
            say(f"tinbao: {exc}")
            return FAILED
        options.settings = [*options.settings, f"TINBAO_FRONTIER={options.frontier}"]
    return crawl(options, {"backfill": "restart" if options.restart else "1"})
