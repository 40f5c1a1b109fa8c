"""The article record that extraction returns and the archive stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Image:
    """A photo of the article with its caption as published ("" when it has none)."""

    url: str
    caption: str = ""


@dataclass(frozen=True)
class Article:
    """A clean article. Text is NFC; a missing field is "" (or None for times), never made up.

    `url` is the canonical URL when the page names one on its own site, else the fetched URL.
    `lead` is the sapo, with its dateline ("(CTO) -") as published.
    `body` holds the article's paragraphs and sub-headings separated by newlines, without lead,
    byline, source line, captions or widgets. `images` are the article's photos in page order,
    each with its caption; `image_url` is the page's lead image (og:image), else the first photo.
    `source` names the paper or agency the article is credited to ("TTXVN"), not the site.
    The crawler sets `site`, `fetched_url` (the URL the page came from, after redirects),
    `redirected_from` (the URLs that redirected to it, first asked first) and where the raw
    page is kept. `problems` names what extraction had to leave unread on a hostile page
    ("json_ld_too_deep"), for the crawl's error counts; it is not stored.
    """

    url: str
    title: str = ""
    lead: str = ""
    body: str = ""
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    updated_at: datetime | None = None
    section: str = ""
    tags: tuple[str, ...] = ()
    image_url: str = ""
    language: str = ""
    source: str = ""
    site: str = ""
    fetched_url: str = ""
    redirected_from: tuple[str, ...] = ()
    warc_file: str = ""  # where the page it came from is kept raw (crawler/warc.py)
    warc_offset: int = -1
    images: tuple[Image, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def is_article(self) -> bool:
        """True when there is something worth archiving: a title and a body."""
        return bool(self.title and self.body)
