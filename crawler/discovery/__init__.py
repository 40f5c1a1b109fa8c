"""Finding article URLs: feeds, sitemaps and listing pages with their pagination.

Pure functions on bytes or text and URLs, so each is tested on small literal documents.
"""

from crawler.discovery.feeds import Feed, feed_links, read_feed
from crawler.discovery.listings import page_links
from crawler.discovery.pagination import is_next_page, page_number
from crawler.discovery.sitemaps import SitemapEntry, read_sitemap

__all__ = [
    "Feed",
    "SitemapEntry",
    "feed_links",
    "is_next_page",
    "page_links",
    "page_number",
    "read_feed",
    "read_sitemap",
]
