"""`tinbao sites`: the registry, filtered by status, province or verification."""

from __future__ import annotations

import argparse

from crawler.provinces import fold
from crawler.registry import Site, load_registry
from scheduler.commands.common import UsageError, json_line, table

STATUSES = ("active", "frozen", "moved")
HEADERS = ["key", "name", "province", "before", "status", "interval", "verified", "home"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("sites", help="list the newspapers in the registry")
    parser.add_argument("--status", help="only sites with this status (active, frozen, moved)")
    parser.add_argument(
        "--province",
        help="only sites of this province, now or before the 2025 merger "
        '(case and tone marks ignored: "can tho" finds Cần Thơ, Sóc Trăng and Hậu Giang papers)',
    )
    parser.add_argument(
        "--unverified", action="store_true", help="only sites with fields marked unverified"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    if options.status is not None and options.status not in STATUSES:
        raise UsageError(f"--status takes one of {', '.join(STATUSES)}, not {options.status!r}")
    registry = load_registry()
    sites = [site for site in registry.values() if _wanted(site, options)]
    if options.province is not None and not any(
        _of_province(s, options) for s in registry.values()
    ):
        raise UsageError(
            f"no paper in the registry is of the province {options.province!r}; provinces are "
            "named as in `tinbao sites`, tone marks optional"
        )
    if options.json:
        for site in sites:
            print(json_line(record(site)))
        return 0
    rows = [
        [s.key, s.name, s.province, s.province_before or "-", s.status, s.interval.text,
         "yes" if s.verified else "no", s.home]
        for s in sites
    ]  # fmt: skip
    print(table(HEADERS, rows))
    return 0


def _wanted(site: Site, options: argparse.Namespace) -> bool:
    if options.status is not None and site.status.split(":")[0] != options.status:
        return False
    if options.unverified and site.verified:
        return False
    return options.province is None or _of_province(site, options)


def _of_province(site: Site, options: argparse.Namespace) -> bool:
    wanted = fold(options.province)
    return wanted in (fold(site.province), fold(site.province_before))


def record(site: Site) -> dict[str, object]:
    return {
        "key": site.key,
        "name": site.name,
        "province": site.province,
        "province_before": site.province_before or None,
        "status": site.status,
        "status_since": site.status_since.isoformat() if site.status_since else None,
        "interval": site.interval.text,
        "home": site.home,
        "feeds": list(site.feeds),
        "sitemaps": list(site.sitemaps),
        "sections": list(site.sections),
        "article_url": site.article_url.pattern,
        "verified": site.verified,
        "unverified": list(site.unverified),
        "notes": site.notes,
    }
