"""What a fetched page must be before it is read as an article, and what its reading must give:
one set of checks for the spider (a page just fetched) and `tinbao reextract` (a page kept raw),
so that the two never disagree about what is an article."""

from __future__ import annotations

from scrapy.http import Response, TextResponse

from crawler.extraction import Article
from crawler.soft404 import is_soft_404

# why a response holds no page to read, by the error kind counted in crawl stats
UNUSABLE = {
    "not_html": "the page is not HTML",
    "empty_body": "the page is empty",
    "binary_body": "the page is binary",
}
# why a page read gives no article, by the reason recorded for it
NO_ARTICLE = {
    "soft_404": "the page reads as a 'not found' page",
    "no_title": "the page reads as no article (no title)",
    "no_body": "the page reads as no article (no body)",
}


def unusable(response: Response) -> str | None:
    """A key of UNUSABLE when `response` cannot hold an article page, else None."""
    if not isinstance(response, TextResponse):
        return "not_html"
    if not response.body.strip():
        return "empty_body"
    if b"\x00" in response.body[:2048]:
        return "binary_body"
    return None


def no_article(record: Article) -> str | None:
    """A key of NO_ARTICLE when the extracted `record` is no article to store, else None."""
    if is_soft_404(record):
        return "soft_404"
    if not record.is_article:
        return "no_title" if not record.title else "no_body"
    return None
