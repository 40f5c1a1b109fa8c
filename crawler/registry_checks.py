"""Checking registry entries: every problem of every entry is noted, none stops the others, so
that one run shows all a file gets wrong, each naming the site and the field.

A check may meet anything TOML can hold, so none of them lets an exception other than a noted
problem out: a value no rule foresaw is reported as a problem of its field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from crawler.backtracking import check_backtracking
from crawler.extraction.hints import NO_HINTS, HintError, Hints, parse_hints
from crawler.intervals import Interval, parse_interval
from crawler.provinces import CURRENT, FORMER, SUCCESSOR, fold
from crawler.registry import STATUSES, Site

KEY = re.compile(r"[a-z][a-z0-9_]*")
REQUIRED = ("name", "home", "article_url", "province", "status")
LISTS = ("feeds", "sitemaps", "sections")
OPTIONAL_TEXT = ("interval", "notes", "province_before")
KNOWN_FIELDS = frozenset((*REQUIRED, *LISTS, *OPTIONAL_TEXT, "status_since", "unverified", "hints"))
# the fields an entry may declare unconfirmed: facts about the site, not our own settings
CHECKABLE_FIELDS = (*REQUIRED, *LISTS, "province_before", "status_since")
DEFAULT_INTERVAL = "1h"
_T = TypeVar("_T")


class Entry:
    """One `[sites.<key>]` table under check; `problems` collects what is wrong with it."""

    def __init__(self, key: str, table: dict[str, Any]) -> None:
        self.key = key
        self.table = table
        self.problems: list[str] = []

    def fail(self, name: str, reason: str) -> None:
        self.problems.append(f"site {self.key!r}: field {name!r}: {reason}")

    def guarded(self, name: str, check: Callable[[], _T], default: _T) -> _T:
        """`check()`, or `default` with the problem noted when it raises anything at all."""
        try:
            return check()
        except RecursionError:
            self.fail(name, "nested too deeply")
        except Exception as exc:  # a value no rule foresaw: still a problem of this field
            self.fail(name, str(exc) or type(exc).__name__)
        return default

    def text(self, name: str, default: str = "") -> str:
        value = self.table.get(name, default)
        if not isinstance(value, str) or not value.strip():
            self.fail(name, "must be a non-empty string")
            return default
        return value


def build_sites(tables: dict[str, dict[str, Any]]) -> tuple[dict[str, Site], list[str]]:
    """The sites of the merged tables and every problem found (the sites are only usable when
    there is none)."""
    sites: dict[str, Site] = {}
    problems: list[str] = []
    for key, table in sorted(tables.items()):
        entry = Entry(key, table)
        site = entry.guarded("(entry)", partial(build_site, entry), None)
        problems += entry.problems
        if site is not None and not entry.problems:
            sites[key] = site
    for site in sites.values():
        if site.moved_to is not None and site.moved_to not in tables:
            problems.append(f"site {site.key!r}: field 'status': moved to unknown site "
                            f"{site.moved_to!r}")  # fmt: skip
    return sites, problems


def build_site(entry: Entry) -> Site | None:
    key, table = entry.key, entry.table
    if not KEY.fullmatch(key):
        entry.fail("key", "use lower-case letters, digits and '_', starting with a letter")
    for name in sorted(set(table) - KNOWN_FIELDS):
        entry.fail(name, f"unknown field; known fields are {sorted(KNOWN_FIELDS)}")
    for name in REQUIRED:
        if name not in table:
            entry.fail(name, "missing")
    text = {name: entry.text(name) for name in (*REQUIRED, *OPTIONAL_TEXT) if name in table}
    home = text.get("home", "")
    if home and not _is_url(home):
        entry.fail("home", f"{home!r} is not an absolute http(s) URL")
        home = ""
    domains = _site_domains(home) if home else ()
    lists = {name: _urls(entry, name, domains) for name in LISTS}
    article_url = entry.guarded("article_url", lambda: _pattern(text.get("article_url")), None)
    status = text.get("status", "")
    moved = status.removeprefix("moved:") if status.startswith("moved:") else None
    if status and status not in STATUSES and not (moved and KEY.fullmatch(moved)):
        entry.fail("status", f"{status!r} is not 'active', 'frozen' or 'moved:<key>'")
    interval = entry.guarded(
        "interval", lambda: parse_interval(text.get("interval", DEFAULT_INTERVAL)), None
    )
    since = table.get("status_since")
    if since is not None and (not isinstance(since, date) or isinstance(since, datetime)):
        entry.fail("status_since", "must be a TOML date such as 2025-07-01")
        since = None
    province = _province(entry, text.get("province", ""), text.get("province_before", ""))
    unverified = entry.guarded("unverified", partial(_unverified, entry), tuple[str, ...]())
    hints = entry.guarded("hints", lambda: _hints(entry), NO_HINTS)
    if entry.problems or article_url is None or interval is None:
        return None
    return Site(
        key=key,
        name=text["name"].strip(),
        home=home,
        article_url=article_url,
        province=province,
        status=status,
        interval=interval,
        status_since=since,
        notes=text.get("notes", ""),
        domains=domains,
        province_before=text.get("province_before", "").strip(),
        unverified=unverified,
        hints=hints,
        **lists,
    )


def _pattern(text: str | None) -> re.Pattern[str] | None:
    if text is None:
        return None
    try:
        compiled = re.compile(text)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None
    except (OverflowError, RecursionError):
        raise ValueError("invalid regular expression: too large or nested too deeply") from None
    check_backtracking(text)  # a crawl searches it in every link: it must not hang on one
    return compiled


def _urls(entry: Entry, name: str, domains: tuple[str, ...]) -> tuple[str, ...]:
    value = entry.table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        entry.fail(name, "must be a list of URLs")
        return ()
    for url in value:
        if not _is_url(url):
            entry.fail(name, f"{url!r} is not an absolute http(s) URL")
        elif domains and not any(_host(url) == d or _host(url).endswith("." + d) for d in domains):
            entry.fail(name, f"{url!r} is not on the site's domain {domains[0]!r}")
    return tuple(value)


def _province(entry: Entry, now: str, before: str) -> str:
    """The unit since the merger, checked against the 34; the one before against the 63, and
    the two against each other."""
    now, before = now.strip(), before.strip()
    if now and now not in CURRENT:
        entry.fail("province", f"{now!r} is not one of the 34 provinces and cities since "
                   f"2025-07-01 (crawler/provinces.py){_nearest(now, CURRENT)}")  # fmt: skip
    if before and before not in FORMER:
        hint = _nearest(before, FORMER)
        entry.fail("province_before", f"{before!r} is not one of the 63 provinces and cities"
                   f" before 2025-07-01 (crawler/provinces.py){hint}")  # fmt: skip
    elif before and now in CURRENT and SUCCESSOR[before] != now:
        entry.fail("province", f"{before!r} (province_before) became part of "
                   f"{SUCCESSOR[before]!r}, not {now!r}")  # fmt: skip
    return now


def _nearest(name: str, names: tuple[str, ...]) -> str:
    """A hint for a misspelt or outdated province name."""
    same = [n for n in names if fold(n) == fold(name)]
    if same:
        return f"; did you mean {same[0]!r}?"
    if name in SUCCESSOR and names is CURRENT:
        return (f"; it was merged into {SUCCESSOR[name]!r}: write province = "
                f"{SUCCESSOR[name]!r}, province_before = {name!r}")  # fmt: skip
    return ""


def _unverified(entry: Entry) -> tuple[str, ...]:
    """The entry's list of unconfirmed fields: each one a field the entry has."""
    value = entry.table.get("unverified", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        entry.fail("unverified", "must be a list of field names")
        return ()
    for name in value:
        if name not in CHECKABLE_FIELDS:
            entry.fail("unverified", f"{name!r} is not one of {list(CHECKABLE_FIELDS)}")
        elif name not in entry.table:
            entry.fail("unverified", f"{name!r} is not a field of this entry")
    return tuple(dict.fromkeys(value))


def _hints(entry: Entry) -> Hints:
    """The entry's `[sites.<key>.hints]` table, every selector compiled once to check it."""
    value = entry.table.get("hints", {})
    if not isinstance(value, dict):
        entry.fail("hints", "must be a table [sites.<key>.hints] of CSS selectors")
        return NO_HINTS
    try:
        return parse_hints(value)
    except HintError as exc:
        entry.fail(f"hints.{exc.field}", exc.reason)
        return NO_HINTS


def _is_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _site_domains(home: str) -> tuple[str, ...]:
    """The home host without `www.`/`m.`: subdomains such as a sitemap API host stay on site."""
    host = _host(home)
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    return (host,)


__all__ = ["CHECKABLE_FIELDS", "KNOWN_FIELDS", "Interval", "build_sites"]
