"""The site registry: one record per newspaper, read from TOML data, never from code.

The built-in registry is `crawler/sites.toml`. A user adds or overrides sites with a TOML file of
the same `[sites.<key>]` tables named by the environment variable `TINBAO_SITES`; its fields are
merged over the built-in entry of the same key. Every entry is checked when the registry loads.

Loading either returns a whole registry or raises RegistryError, whatever the file holds (bytes
that are not UTF-8, nesting too deep for the parser, an interval that overflows, a regular
expression that cannot compile...): the daemon relies on it to keep its old registry, and the
commands print it without a traceback. The error lists every problem of the file at once, each
naming the site and the field (crawler/registry_checks.py).
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.extraction.hints import NO_HINTS, Hints
from crawler.intervals import Interval

SITES_ENV = "TINBAO_SITES"
STATUSES = ("active", "frozen")
MAX_FILE_BYTES = 16 * 1024 * 1024  # far above any real registry; refuse to parse more


class RegistryError(ValueError):
    """A registry file or entries that cannot be used. `problems` holds one message per
    problem, each naming the site and the field; `origin` the file they come from."""

    def __init__(self, *problems: str, origin: str = "") -> None:
        super().__init__((f"{origin}: " if origin else "") + "; ".join(problems))
        self.problems: tuple[str, ...] = problems
        self.origin = origin

    def lines(self) -> list[str]:
        """One line per problem, each saying where it is, for a command's stderr."""
        where = f"{self.origin}: " if self.origin else ""
        return [f"{where}{problem}" for problem in self.problems]


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

    `path` overrides the environment variable (an empty string: the built-in registry alone);
    pass an explicit path in tests. Raises RegistryError, and nothing else, for any bad input.
    """
    from crawler.registry_checks import build_sites  # the checks need Site, defined above

    origin = "built-in registry crawler/sites.toml"
    tables = _read_tables(_builtin_text(), origin)
    user_path = path if path is not None else os.environ.get(SITES_ENV)
    if user_path:
        origin = str(user_path)
        for key, table in _read_tables(_user_text(Path(user_path)), origin).items():
            tables[key] = {**tables.get(key, {}), **table}
    try:
        sites, problems = build_sites(tables)
    except RecursionError:
        raise RegistryError("a value is nested too deeply", origin=origin) from None
    if problems:
        raise RegistryError(*problems, origin=origin)
    return sites


def unknown_site(key: str, known: Iterable[str], listing: str = "tinbao sites") -> str:
    """The message for a site key the registry lacks, with the nearest keys it has."""
    close = difflib.get_close_matches(key, list(known), n=3, cutoff=0.75)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return f"unknown site {key!r}{hint} (`{listing}` lists the registry)"


def _builtin_text() -> str:
    return resources.files("crawler").joinpath("sites.toml").read_text("utf-8")


def _user_text(path: Path) -> str:
    """The user file's text; RegistryError for a file that is missing, unreadable, huge or not
    UTF-8 (naming the byte offset, so the culprit can be found)."""
    origin = str(path)
    if not path.is_file():
        raise RegistryError(f"{SITES_ENV} names {origin!r}, which is not a file")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise RegistryError(f"larger than {MAX_FILE_BYTES // 2**20} MiB", origin=origin)
        data = path.read_bytes()
    except OSError as exc:
        raise RegistryError(f"cannot be read: {exc.strerror or exc}", origin=origin) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RegistryError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
            origin=origin,
        ) from None


def _read_tables(text: str, origin: str) -> dict[str, dict[str, Any]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"not valid TOML: {exc}", origin=origin) from None
    except RecursionError:
        raise RegistryError("not valid TOML: nested too deeply", origin=origin) from None
    problems = []
    unknown = set(data) - {"sites"}
    if unknown:
        problems.append(f"unknown top-level tables {sorted(unknown)}; use [sites.<key>]")
    sites = data.get("sites", {})
    if not isinstance(sites, dict):
        problems.append("'sites' must hold tables [sites.<key>]")
        sites = {}
    for key, table in sites.items():
        if not isinstance(table, dict):
            problems.append(f"site {key!r} must be a table [sites.{key}]")
    if problems:
        raise RegistryError(*problems, origin=origin)
    return dict(sites)
