"""What `tinbao search` and `tinbao export` share: which articles (--site, --province, --since,
--until), as plain data for storage, and how times are shown.

Provinces are looked up in the registry here, in the command layer, so that storage never
imports the crawler: storage gets the list of site keys. Dates typed by a user are Vietnam days
(UTC+7), as the papers date their articles.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from sqlalchemy import Engine

from crawler.provinces import fold
from crawler.registry import load_registry
from scheduler.commands.common import UsageError, check_sites

VIETNAM = timezone(timedelta(hours=7), "UTC+7")


@dataclass(frozen=True)
class Selection:
    sites: tuple[str, ...] | None
    since: datetime | None
    until: datetime | None


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site", action="append", metavar="KEY", help="only this site (repeatable)"
    )
    parser.add_argument(
        "--province",
        help="only the papers of this province, now or before the 2025 merger "
        '(tone marks ignored: "da nang" is Đà Nẵng)',
    )
    parser.add_argument(
        "--since", help="published on or after this day or time (YYYY-MM-DD[THH:MM], UTC+7)"
    )
    parser.add_argument(
        "--until", help="published on or before this day, or before this time (UTC+7)"
    )


def selection(options: argparse.Namespace) -> Selection:
    """The sites and times the options ask for; UsageError for what cannot be understood."""
    sites: tuple[str, ...] | None = tuple(options.site) if options.site else None
    if options.province:
        wanted = province_key(options.province)
        papers = tuple(
            site.key
            for site in load_registry().values()
            if wanted in (province_key(site.province), province_key(site.province_before))
        )
        if not papers:
            raise UsageError(f"no paper in the registry is of the province {options.province!r}")
        sites = papers if sites is None else tuple(s for s in sites if s in papers)
    since = parse_time(options.since, "--since") if options.since else None
    until = parse_time(options.until, "--until", end=True) if options.until else None
    if since is not None and until is not None and since >= until:
        raise UsageError(f"--since {options.since} is not before --until {options.until}")
    return Selection(sites, since, until)


def check_selection(options: argparse.Namespace, engine: Engine) -> None:
    """UsageError for a --site key neither the registry nor the archive knows: a typo must
    not answer "nothing"."""
    check_sites(options.site or (), engine)


def province_key(name: str) -> str:
    """A province's name as users may type it: "ho chi minh", "TP Hồ Chí Minh", "Đà Nẵng"."""
    folded = fold(name)
    for prefix in ("thanh pho ", "tp ", "tinh "):
        folded = folded.removeprefix(prefix)
    return folded


def parse_time(value: str, flag: str, *, end: bool = False) -> datetime:
    """A day or an ISO 8601 time, Vietnam time unless it names its offset; a day given as an
    end means the end of that day."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day + timedelta(days=1 if end else 0), time(), VIETNAM)
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        example = "a day (2026-01-31) or a time (2026-01-31T08:00)"
        raise UsageError(f"{flag} takes {example}, not {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(UTC)


def local(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time shown in Vietnam time, as every command shows times (its column
    says "UTC+7"; `--json` gives ISO 8601 with the offset); "-" for none."""
    if moment is None:
        return "-"
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM).strftime(pattern)
