"""`tinbao schedule`: each site with its interval, next run, last run and how that went."""

from __future__ import annotations

import argparse
from datetime import datetime

from crawler.registry import Site, load_registry
from scheduler.commands.common import json_line, reading, table
from scheduler.commands.selection import local
from scheduler.daemon import utc_now
from scheduler.plan import wanted
from scheduler.store import stored_jobs
from storage import make_sessionmaker
from storage.daemon import LockState, latest_runs, lock_state
from storage.models import CrawlRun

HEADERS = ["site", "status", "interval", "next run (UTC+7)", "last run (UTC+7)", "last status"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("schedule", help="each site's interval, next and last run")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    registry = load_registry()
    engine = reading(options)
    try:
        jobs = stored_jobs(engine)
        with make_sessionmaker(engine)() as session:
            latest = latest_runs(session)
            lock = lock_state(session)
    finally:
        engine.dispose()
    records = [record(site, registry, jobs, latest.get(key)) for key, site in registry.items()]
    if options.json:
        for item in records:
            print(json_line(item))
        return 0
    rows = [[str(r["site"]), str(r["status"]), str(r["interval"]), _next(r), _when(r["last_run"]),
             str(r["last_status"] or "-")] for r in records]  # fmt: skip
    print(table(HEADERS, rows))
    print(daemon_line(lock, utc_now()))
    return 0


def record(
    site: Site,
    registry: dict[str, Site],
    jobs: dict[str, datetime | None],
    last: CrawlRun | None,
) -> dict[str, object]:
    """What the schedule says of one registry site. `scheduled_as` names the site actually
    crawled on its behalf (its successor when it moved), or is None (frozen)."""
    chosen = wanted(registry, [site.key])
    return {
        "site": site.key,
        "status": site.status,
        "interval": site.interval.text,
        "scheduled_as": next(iter(chosen), None),
        "next_run": jobs.get(site.key),
        "last_run": last.started_at if last is not None else None,
        "last_status": last.status if last is not None else None,
    }


def daemon_line(lock: LockState | None, now: datetime) -> str:
    if lock is None or not lock.is_live(now):
        return "daemon: none is scheduling (no live scheduling lock)"
    return f"daemon: {lock.holder}, scheduling since {_when(lock.acquired_at)} (UTC+7)"


def _next(item: dict[str, object]) -> str:
    if item["scheduled_as"] is None:
        return "not scheduled"
    if item["scheduled_as"] != item["site"]:
        return f"as {item['scheduled_as']}"
    return _when(item["next_run"]) if item["next_run"] is not None else "not in the job store"


def _when(value: object) -> str:
    return local(value, "%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else "-"
