"""`tinbao runs`: the latest crawls and what they found."""

from __future__ import annotations

import argparse
from datetime import datetime

from scheduler.commands.common import check_sites, json_line, positive_int, reading, say, table
from scheduler.commands.selection import local
from storage import make_sessionmaker, recent_runs

COLUMNS = ("id", "site", "started_at", "finished_at", "status", "pages_fetched",
           "articles_new", "articles_updated", "duplicates", "errors")  # fmt: skip
HEADERS = ["id", "site", "started (UTC+7)", "took", "status", "pages", "new", "updated", "dupes",
           "errors"]  # fmt: skip


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("runs", help="the latest crawls and what they found")
    parser.add_argument("--site", help="only crawls of this site")
    parser.add_argument("--limit", type=positive_int, default=20, help="how many (default 20)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    engine = reading(options)
    try:
        if options.site:
            check_sites([options.site], engine)
        with make_sessionmaker(engine)() as session:
            runs = recent_runs(session, site=options.site, limit=options.limit)
    finally:
        engine.dispose()
    if not runs:
        say("no crawls recorded yet" + (f" of {options.site}" if options.site else ""))
        return 0
    if options.json:
        for crawl in runs:
            print(json_line({c: getattr(crawl, c) for c in COLUMNS}))
        return 0
    rows = [
        [str(r.id), r.site, local(r.started_at, "%Y-%m-%d %H:%M:%S"),
         _took(r.started_at, r.finished_at), r.status, str(r.pages_fetched), str(r.articles_new),
         str(r.articles_updated), str(r.duplicates), str(r.errors)]
        for r in runs
    ]  # fmt: skip
    print(table(HEADERS, rows))
    return 0


def _took(start: datetime, end: datetime | None) -> str:
    if end is None:
        return "-"
    seconds = int((end - start).total_seconds())
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
