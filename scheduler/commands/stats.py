"""`tinbao stats`: the archive's health at a glance, per site: articles, the newest one, gone
articles, and the last crawl (when, how it ended, new articles, errors)."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from scheduler.commands.common import json_line, reading, say, table
from scheduler.commands.selection import local
from storage import make_sessionmaker
from storage.stats import site_stats

HEADERS = ["site", "articles", "newest (UTC+7)", "gone", "crawls", "last crawl (UTC+7)",
           "status", "new", "errors"]  # fmt: skip


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "stats", help="the archive at a glance: articles per site, last crawl, errors"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per site")
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    engine = reading(options)
    try:
        with make_sessionmaker(engine)() as session:
            sites = site_stats(session)
    finally:
        engine.dispose()
    if not sites:
        say("the archive is empty: no articles, no crawls")
        return 0
    if options.json:
        for site in sites:
            print(json_line(asdict(site)))
        return 0
    rows = [
        [s.site, f"{s.articles:,}", local(s.newest), f"{s.gone:,}", f"{s.crawls:,}",
         local(s.last_crawl), s.last_status or "-", _number(s.last_new), _number(s.last_errors)]
        for s in sites
    ]  # fmt: skip
    total = sum(s.articles for s in sites)
    failing = [
        s.site for s in sites if s.last_status not in (None, "finished", "running") or s.last_errors
    ]
    rows.append(["total", f"{total:,}", "", f"{sum(s.gone for s in sites):,}",
                 f"{sum(s.crawls for s in sites):,}", "", "", "", ""])  # fmt: skip
    print(table(HEADERS, rows))
    if failing:
        print(f"\nlast crawl failed or had errors: {', '.join(failing)}")
    return 0


def _number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"
