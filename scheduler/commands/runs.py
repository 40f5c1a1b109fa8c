"""`tinbao runs`: the latest crawls and what they found, and which URLs each gave up on (the
retry ledger's give-ups, storage/retry_ledger.py: after the table, one line each)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from scheduler.commands.common import check_sites, json_line, positive_int, reading, say, table
from scheduler.commands.selection import local
from storage import CrawlRun, make_sessionmaker, recent_runs
from storage.retry_ledger import Retry, given_up_between

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
            gave_up = {
                r.id: given_up_between(session, r.site, r.started_at, r.finished_at)
                for r in runs
                if given_up_count(r)
            }
    finally:
        engine.dispose()
    if not runs:
        say("no crawls recorded yet" + (f" of {options.site}" if options.site else ""))
        return 0
    if options.json:
        for crawl in runs:
            record = {c: getattr(crawl, c) for c in COLUMNS}
            record["given_up"] = given_up_count(crawl)
            print(json_line(record))
        return 0
    rows = [
        [str(r.id), r.site, local(r.started_at, "%Y-%m-%d %H:%M:%S"),
         _took(r.started_at, r.finished_at), r.status, str(r.pages_fetched), str(r.articles_new),
         str(r.articles_updated), str(r.duplicates), str(r.errors)]
        for r in runs
    ]  # fmt: skip
    print(table(HEADERS, rows))
    for crawl in runs:
        for retry in gave_up.get(crawl.id, []):
            print(gave_up_line(crawl, retry))
    return 0


def given_up_count(crawl: CrawlRun) -> int:
    """How many URLs the crawl gave up on (its `tinbao/retries/given_up` stat)."""
    stats = json.loads(crawl.stats) if crawl.stats else {}
    return int(stats.get("tinbao/retries/given_up", 0))


def gave_up_line(crawl: CrawlRun, retry: Retry) -> str:
    return (f"run {crawl.id} ({crawl.site}) gave up on {retry.url} after {retry.failures} failed "
            f"crawls ({retry.last_error})")  # fmt: skip


def _took(start: datetime, end: datetime | None) -> str:
    if end is None:
        return "-"
    seconds = int((end - start).total_seconds())
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
