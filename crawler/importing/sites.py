"""Which registry site a captured URL belongs to, decided on the URL alone and fast: records of
other hosts are by far the most of a Common Crawl file and must be skipped for almost nothing.

A host is looked up label by label in a dict of the sites' domains (`www.baocantho.com.vn`,
then `baocantho.com.vn`, then `com.vn`), as `Site.is_on_site` decides; only then is the site's
`article_url` pattern tried.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from crawler.registry import Site


class SiteMatcher:
    def __init__(self, sites: Iterable[Site]):
        self.by_domain: dict[str, Site] = {}
        for site in sites:
            for domain in site.domains:
                self.by_domain.setdefault(domain, site)

    @classmethod
    def of(cls, registry: Mapping[str, Site], keys: Iterable[str] = ()) -> SiteMatcher:
        """The matcher for the sites `keys` (every site of the registry when none)."""
        chosen = list(keys)
        return cls(registry[key] for key in chosen) if chosen else cls(registry.values())

    def site_of_host(self, url: str) -> Site | None:
        """The site whose domain the URL's host is on, whatever its path."""
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            return None
        while host:
            site = self.by_domain.get(host)
            if site is not None:
                return site
            _, _, host = host.partition(".")
        return None

    def on_any_site(self, url: str) -> bool:
        return self.site_of_host(url) is not None

    def article_site(self, url: str) -> Site | None:
        """The site of an article URL: on its domain and matching its `article_url`."""
        site = self.site_of_host(url)
        return site if site is not None and site.is_article_url(url) else None
