"""The site registry: one record per newspaper, read from TOML data, never from code.

The built-in registry is `crawler/sites.toml`. A user adds or overrides sites with a TOML file of
the same `[sites.<key>]` tables named by the environment variable `TINBAO_SITES`; its fields are
merged over the built-in entry of the same key. Every entry is checked when the registry loads,
and a bad one fails with a message naming the site and the field.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.extraction.hints import NO_HINTS, HintError, Hints, parse_hints
from crawler.intervals import Interval, parse_interval

SITES_ENV = "TINBAO_SITES"
STATUSES = ("active", "frozen")
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_REQUIRED = ("name", "home", "article_url", "province", "status")
_LISTS = ("feeds", "sitemaps", "sections")
_OPTIONAL_TEXT = ("interval", "notes", "province_before")
KNOWN_FIELDS = frozenset(
    (*_REQUIRED, *_LISTS, *_OPTIONAL_TEXT, "status_since", "unverified", "hints")
)
# the fields an entry may declare unconfirmed: facts about the site, not our own settings
CHECKABLE_FIELDS = (*_REQUIRED, *_LISTS, "province_before", "status_since")
DEFAULT_INTERVAL = "1h"


class RegistryError(ValueError):
    """A registry file or entry that cannot be used; the message names the site and the field."""


@dataclass(frozen=True)
class Site:
    """One newspaper: where to find its articles and how often to look."""

    key: str
    name: str
    home: str
    article_url: re.Pattern[str]
    province: str
    status: str
    interval: Interval
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    status_since: date | None = None
    notes: str = ""
    domains: tuple[str, ...] = field(default=())
    province_before: str = ""
    unverified: tuple[str, ...] = ()
    hints: Hints = NO_HINTS  # CSS selectors for extraction where generic rules need help

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def verified(self) -> bool:
        """True when no field of the entry is marked unconfirmed (`unverified = [...]`)."""
        return not self.unverified

    @property
    def moved_to(self) -> str | None:
        """The key of the successor site when this one has `status = "moved:<key>"`."""
        return self.status.removeprefix("moved:") if self.status.startswith("moved:") else None

    def is_article_url(self, url: str) -> bool:
        return self.article_url.search(url) is not None

    def is_on_site(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)

    @cached_property
    def start_urls(self) -> tuple[str, ...]:
        return (*self.feeds, *self.sitemaps, *self.sections, self.home)

    @property
    def entry_points(self) -> list[tuple[str, str]]:
        """(url, kind) of every page a crawl starts from: feeds, sitemaps, sections, home."""
        return [
            *((url, "feed") for url in self.feeds),
            *((url, "sitemap") for url in self.sitemaps),
            *((url, "section") for url in self.sections),
            (self.home, "home"),
        ]


def load_registry(path: str | os.PathLike[str] | None = None) -> dict[str, Site]:
    """Load the built-in registry, merge the user's file over it, and validate every entry.

    `path` overrides the environment variable; pass an explicit path in tests.
    """
    tables = _read_tables(_builtin_text(), "built-in registry crawler/sites.toml")
    user_path = path if path is not None else os.environ.get(SITES_ENV)
    if user_path:
        user_file = Path(user_path)
        if not user_file.is_file():
            raise RegistryError(f"{SITES_ENV} names {str(user_file)!r}, which is not a file")
        for key, table in _read_tables(user_file.read_text("utf-8"), str(user_file)).items():
            tables[key] = {**tables.get(key, {}), **table}
    sites = {key: _build_site(key, table) for key, table in sorted(tables.items())}
    for site in sites.values():
        if site.moved_to is not None and site.moved_to not in sites:
            raise RegistryError(
                f"site {site.key!r}: field 'status': moved to unknown site {site.moved_to!r}"
            )
    return sites


def _builtin_text() -> str:
    return resources.files("crawler").joinpath("sites.toml").read_text("utf-8")


def _read_tables(text: str, origin: str) -> dict[str, dict[str, Any]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{origin}: not valid TOML: {exc}") from None
    unknown = set(data) - {"sites"}
    if unknown:
        raise RegistryError(
            f"{origin}: unknown top-level tables {sorted(unknown)}; use [sites.<key>]"
        )
    sites = data.get("sites", {})
    for key, table in sites.items():
        if not isinstance(table, dict):
            raise RegistryError(f"{origin}: site {key!r} must be a table [sites.{key}]")
    return dict(sites)


def _build_site(key: str, table: dict[str, Any]) -> Site:
    def fail(field_name: str, reason: str) -> RegistryError:
        return RegistryError(f"site {key!r}: field {field_name!r}: {reason}")

    if not _KEY.fullmatch(key):
        raise fail("key", "use lower-case letters, digits and '_', starting with a letter")
    for name in sorted(set(table) - KNOWN_FIELDS):
        raise fail(name, f"unknown field; known fields are {sorted(KNOWN_FIELDS)}")
    for name in _REQUIRED:
        if name not in table:
            raise fail(name, "missing")
    for name in (*_REQUIRED, *_OPTIONAL_TEXT):
        if name in table and (not isinstance(table[name], str) or not table[name].strip()):
            raise fail(name, "must be a non-empty string")
    lists: dict[str, tuple[str, ...]] = {}
    for name in _LISTS:
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(name, "must be a list of URLs")
        for url in value:
            _check_url(url, fail(name, f"{url!r} is not an absolute http(s) URL"))
        lists[name] = tuple(value)
    home = table["home"]
    _check_url(home, fail("home", f"{home!r} is not an absolute http(s) URL"))
    try:
        article_url = re.compile(table["article_url"])
    except re.error as exc:
        raise fail("article_url", f"invalid regular expression: {exc}") from None
    status = table["status"]
    moved = status.removeprefix("moved:") if status.startswith("moved:") else None
    if status not in STATUSES and not (moved and _KEY.fullmatch(moved)):
        raise fail("status", f"{status!r} is not 'active', 'frozen' or 'moved:<key>'")
    try:
        interval = parse_interval(table.get("interval", DEFAULT_INTERVAL))
    except ValueError as exc:
        raise fail("interval", str(exc)) from None
    since = table.get("status_since")
    if since is not None and not isinstance(since, date):
        raise fail("status_since", "must be a TOML date such as 2025-07-01")
    unverified = _unverified(table, fail)
    hints = _hints(table, fail)
    domains = _site_domains(home)
    for name in _LISTS:
        for url in lists[name]:
            if not any(_host(url) == d or _host(url).endswith("." + d) for d in domains):
                raise fail(name, f"{url!r} is not on the site's domain {domains[0]!r}")
    return Site(
        key=key,
        name=table["name"].strip(),
        home=home,
        article_url=article_url,
        province=table["province"].strip(),
        status=status,
        interval=interval,
        status_since=since,
        notes=table.get("notes", ""),
        domains=domains,
        province_before=table.get("province_before", "").strip(),
        unverified=unverified,
        hints=hints,
        **lists,
    )


def _unverified(
    table: dict[str, Any], fail: Callable[[str, str], RegistryError]
) -> tuple[str, ...]:
    """The entry's list of unconfirmed fields: each one a field the entry has."""
    value = table.get("unverified", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail("unverified", "must be a list of field names")
    for name in value:
        if name not in CHECKABLE_FIELDS:
            raise fail("unverified", f"{name!r} is not one of {list(CHECKABLE_FIELDS)}")
        if name not in table:
            raise fail("unverified", f"{name!r} is not a field of this entry")
    return tuple(dict.fromkeys(value))


def _hints(table: dict[str, Any], fail: Callable[[str, str], RegistryError]) -> Hints:
    """The entry's `[sites.<key>.hints]` table, every selector compiled once to check it."""
    value = table.get("hints", {})
    if not isinstance(value, dict):
        raise fail("hints", "must be a table [sites.<key>.hints] of CSS selectors")
    try:
        return parse_hints(value)
    except HintError as exc:
        raise fail(f"hints.{exc.field}", exc.reason) from None


def _check_url(url: str, error: RegistryError) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise error


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _site_domains(home: str) -> tuple[str, ...]:
    """The home host without `www.`/`m.`: subdomains such as a sitemap API host stay on site."""
    host = _host(home)
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    return (host,)
