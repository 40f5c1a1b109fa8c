"""Scrapy's spider loader, extended so that every registry site is a spider name.

`scrapy list` shows the registry (built-in plus $TINBAO_SITES) and `scrapy crawl <key>` crawls
that site with the generic NewsSpider. A hand-written spider in SPIDER_MODULES with the same
name wins, for the rare site whose needs data cannot express.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.spiderloader import SpiderLoader

from crawler.registry import RegistryError, Site, load_registry
from crawler.spiders.news import NewsSpider

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def spider_class(site: Site) -> type[NewsSpider]:
    """A NewsSpider subclass named after the site, bound to its registry entry."""
    class_name = "".join(part.title() for part in site.key.split("_")) + "Spider"
    return type(
        class_name,
        (NewsSpider,),
        {"name": site.key, "site": site, "__module__": NewsSpider.__module__},
    )


class RegistrySpiderLoader(SpiderLoader):
    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        try:
            sites = load_registry(settings.get("TINBAO_SITES") or None)
        except RegistryError as exc:  # one line per problem, no traceback; exit 2 (configuration)
            for line in exc.lines():
                print(f"tinbao: bad site registry: {line}", file=sys.stderr)
            sys.exit(2)
        for key, site in sites.items():
            if key not in self._spiders:
                self._spiders[key] = spider_class(site)
