"""What the archive already holds for one site, read once when a crawl starts: the URLs not to
fetch again (articles under all their URLs, and pages remembered as holding no article), and
when the site was last crawled to the end (to skip older sitemap entries).

A site with a million stored articles has more than a million such URLs. A set of their keys
took 350 MB (with the set of URLs read to make it), and `url_key()` costs about 19 µs a URL:
21 s of CPU before the first request for 1,110,000 URLs. So `KnownUrls` keeps the 64-bit
hash() of each key in a sorted numpy array (8 bytes a URL), the URLs are read through the
driver's cursor in batches (storage/known.py), and a stored URL of the usual form
(`https://host[:port]/path`, no query or fragment) is keyed by `fast_url_key`, which gives
`url_key`'s result in a tenth of its time (a test compares the two): 2.4-3.4 s of CPU and
15 MB for the same site. Two different keys share a hash with a chance of about n / 2**64 per lookup
(1e-13 for a million URLs): a new article would then be taken as known.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn

import numpy as np
import numpy.typing as npt

from crawler.urls import _AMP_PATH, _HOST_PREFIXES, url_key
from storage import ignored_urls, last_successful_run, make_sessionmaker, open_archive
from storage.known import stream_known_urls

# scheme://host[:port]/path with nothing that clean_url() or urlsplit() would change or drop:
# no userinfo, query, fragment, white space or control characters, no non-ASCII.
_SIMPLE = re.compile(
    r"(https?)://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(/[\x21\x22\x24-\x3e\x40-\x7e]*)?"
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def fast_url_key(url: str) -> str:
    """`url_key(url)`, without parsing the URL when it has the usual simple form."""
    simple = _SIMPLE.fullmatch(url)
    if simple is None:
        return url_key(url)
    scheme, host, port, path = simple.groups()
    host = host.lower()
    if host.startswith(_HOST_PREFIXES):
        for prefix in _HOST_PREFIXES:
            host = host.removeprefix(prefix)
    if port is not None:
        number = int(port)
        if number > 65535:
            return url_key(url)  # its error
        if number != _DEFAULT_PORTS[scheme]:
            host = f"{host}:{number}"
    if path is None:
        return host + "/"
    if "amp" in path.lower():
        path = _AMP_PATH.sub("", path)
    return host + (path.rstrip("/") or "/")


class KnownUrls:
    """A set of URL keys held as their hashes: a sorted array for those of the archive, a set
    for the few a crawl adds. The hashes are Python's hash() of the key, which differs from one
    process to the next: the set cannot be pickled to another one."""

    def __init__(self, urls: Iterable[str] = ()) -> None:
        hashes = np.fromiter((hash(fast_url_key(url)) for url in urls), dtype=np.int64)
        hashes.sort()
        distinct = np.ones(len(hashes), dtype=bool)
        np.not_equal(hashes[1:], hashes[:-1], out=distinct[1:])
        self._stored: npt.NDArray[np.int64] = hashes[distinct]  # np.unique: ten times slower
        self._added: set[int] = set()

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and self._has(hash(fast_url_key(url)))

    def _has(self, value: int) -> bool:
        if value in self._added:
            return True
        at = int(self._stored.searchsorted(value))
        return at < len(self._stored) and int(self._stored[at]) == value

    def add(self, url: str) -> None:
        value = hash(fast_url_key(url))
        if not self._has(value):
            self._added.add(value)

    def __len__(self) -> int:
        return len(self._stored) + len(self._added)

    def __reduce__(self) -> NoReturn:
        raise TypeError("KnownUrls holds this process's hash() values: load it in each process")


@dataclass
class ArchiveState:
    known: KnownUrls = field(default_factory=KnownUrls)  # every known URL, by its url_key()
    last_success: datetime | None = None

    @classmethod
    def load(cls, database_url: str, site: str) -> ArchiveState:
        engine = open_archive(database_url)
        try:
            with make_sessionmaker(engine)() as session:
                run = last_successful_run(session, site)
                stored = stream_known_urls(session, site)
                known = KnownUrls(itertools.chain(ignored_urls(session, site), stored))
                return cls(known, run.started_at if run else None)
        finally:
            engine.dispose()

    def is_known(self, url: str) -> bool:
        """Known under this spelling or another one of the same page (www., AMP, tracking...)."""
        return url in self.known

    def add(self, url: str) -> None:
        self.known.add(url)
