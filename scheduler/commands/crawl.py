"""`tinbao crawl SITE` (also `tinbao run`): one crawl now, as a `scrapy crawl` subprocess."""

from __future__ import annotations

import argparse

from crawler.registry import load_registry, unknown_site
from scheduler import runner
from scheduler.commands.common import UsageError, pairs


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("crawl", aliases=["run"], help="crawl one site now")
    add_site_and_settings(parser)
    parser.add_argument("-a", dest="arguments", action="append", default=[], metavar="NAME=VALUE",
                        help="spider argument, e.g. -a listing_pages=20")  # fmt: skip
    parser.set_defaults(handler=run)


def add_site_and_settings(parser: argparse.ArgumentParser) -> None:
    """The arguments every crawl-starting command takes: the site, and Scrapy settings."""
    parser.add_argument("site", help="registry key, as `tinbao sites` shows it")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="Scrapy setting, e.g. -s LOG_LEVEL=WARNING")  # fmt: skip


def crawl(options: argparse.Namespace, arguments: dict[str, str]) -> int:
    """Crawl `options.site` now with the given spider arguments; the crawl's exit status (0
    completed, 1 failed, 2 usage error: crawler/outcome.py)."""
    registry = load_registry()
    if options.site not in registry:
        raise UsageError(unknown_site(options.site, registry))
    settings = pairs(options.settings, "-s")
    if options.database_url:
        settings["TINBAO_DATABASE_URL"] = options.database_url
    return runner.run_crawl(options.site, arguments=arguments, settings=settings)


def run(options: argparse.Namespace) -> int:
    return crawl(options, pairs(options.arguments, "-a"))
