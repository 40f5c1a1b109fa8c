"""`tinbao status`: is every scheduled site still being archived, and still extracted as well
as before (storage/extraction_health.py)? Exit status 1 when not."""

from __future__ import annotations

import argparse
from datetime import datetime

from crawler.registry import load_registry
from scheduler.commands.common import json_line, positive_float, reading, table
from scheduler.commands.schedule import daemon_line
from scheduler.commands.selection import local
from scheduler.daemon import utc_now
from scheduler.health import SiteFacts, Thresholds, gather, problems, recent_error_rates
from scheduler.plan import wanted
from storage import make_sessionmaker
from storage.claims import settle_lost_runs
from storage.daemon import lock_state
from storage.extraction_health import SiteHealth, site_health

HEADERS = ["site", "last success (UTC+7)", "error rate", "last new article (UTC+7)", "health"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("status", help="health: stale sites, rising errors, no news")
    parser.add_argument("--quiet-days", type=positive_float, default=Thresholds.quiet_days,
                        metavar="N",
                        help="flag a site with no new article for N days (default 3)")  # fmt: skip
    parser.add_argument("--stale-intervals", type=positive_float,
                        default=Thresholds.stale_intervals, metavar="N",
                        help="flag a site whose last successful crawl is older than N intervals "
                        "(default 3)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    thresholds = Thresholds(quiet_days=options.quiet_days,
                            stale_intervals=options.stale_intervals)  # fmt: skip
    sites = wanted(load_registry())
    now = utc_now()
    engine = reading(options)
    try:
        with make_sessionmaker(engine).begin() as session:
            settle_lost_runs(session, now=now)  # a crawl whose process is gone: crashed: lost
            facts = gather(session, sites, now, thresholds)
            health = site_health(session, sites, now)
            lock = lock_state(session)
    finally:
        engine.dispose()
    found = {f.key: problems(f, now, thresholds) + list(map(str, health[f.key].drops()))
             for f in facts}  # fmt: skip
    daemon = daemon_line(lock, now)
    if options.json:
        for f in facts:
            print(json_line(record(f, found[f.key], thresholds, health[f.key])))
    else:
        rows = [[f.key, _when(f.last_success), _rate(f, thresholds), _when(f.last_new_article),
                 "; ".join(found[f.key]) or "ok"] for f in facts]  # fmt: skip
        print(table(HEADERS, rows))
        print(daemon)
    daemon_down = lock is None or not lock.is_live(now)
    return 1 if daemon_down or any(found.values()) else 0


def record(
    facts: SiteFacts, found: list[str], thresholds: Thresholds, health: SiteHealth
) -> dict[str, object]:
    rates = recent_error_rates(facts, thresholds)
    return {
        "site": facts.key,
        "last_success": facts.last_success,
        "last_new_article": facts.last_new_article,
        "error_rate": rates[0] if rates else None,
        "fill_rates": {
            "recent": {"articles": health.recent.articles, **health.recent.rates()},
            "before": {"articles": health.history.articles, **health.history.rates()},
        },
        "retrying": facts.retrying,
        "given_up": facts.given_up,
        "problems": found,
    }


def _rate(facts: SiteFacts, thresholds: Thresholds) -> str:
    rates = recent_error_rates(facts, thresholds)
    return f"{rates[0]:.0%}" if rates else "-"


def _when(value: object) -> str:
    return local(value) if isinstance(value, datetime) else "-"
