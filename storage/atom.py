"""Atom feeds (RFC 4287) of archived articles, written entry by entry in constant memory.

A feed is a site's or a province's articles, newest first. Each entry is the article: its URL
as id and alternate link, title, lead as summary, body as text content, authors (the paper's
name when none is credited), its section and its paper as categories. XML is written through a
SAX generator, so every text is escaped; characters XML 1.0 forbids (stray control codes) are
dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from io import TextIOBase
from typing import IO, Any, cast
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from storage.export import Progress

ATOM = "http://www.w3.org/2005/Atom"
SITE_SCHEME = "tag:tinbao,2026:site"  # the category naming the paper an entry comes from
_WEB = re.compile(r"https?://[^\s/]", re.IGNORECASE)
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Feed:
    """What a feed says about itself: `id` an IRI (e.g. tag:tinbao,2026:site/baocantho)."""

    id: str
    title: str
    updated: datetime
    subtitle: str = ""
    author: str = "tinbao"
    self_link: str = ""  # the feed's own URL (RFC 4287 4.2.7.2: a feed SHOULD give it)
    page_link: str = ""  # the web page showing the same list


def write_atom(
    feed: Feed,
    rows: Iterable[dict[str, Any]],
    out: IO[str],
    papers: Mapping[str, str],
    progress: Progress | None = None,
) -> int:
    """Write the feed and one entry per row; `papers` names each site. Rows written."""
    xml = _Writer(out)
    xml.generator.startDocument()
    xml.start("feed", {"xmlns": ATOM, "xml:lang": "vi"})
    xml.leaf("id", feed.id)
    xml.leaf("title", feed.title)
    if feed.subtitle:
        xml.leaf("subtitle", feed.subtitle)
    xml.leaf("updated", _time(feed.updated))
    for rel, href, kind in (("self", feed.self_link, "application/atom+xml"),
                            ("alternate", feed.page_link, "text/html")):  # fmt: skip
        if href:
            xml.start("link", {"rel": rel, "type": kind, "href": href})
            xml.end("link")
    xml.start("author")
    xml.leaf("name", feed.author)
    xml.end("author")
    xml.leaf("generator", "tinbao")
    count = 0
    for count, row in enumerate(rows, 1):
        _entry(xml, row, papers.get(row["site"], row["site"]))
        if progress is not None and count % 1000 == 0:
            progress(count)
    xml.end("feed")
    xml.generator.endDocument()
    out.write("\n")
    return count


def _entry(xml: _Writer, row: dict[str, Any], paper: str) -> None:
    xml.start("entry")
    xml.leaf("id", row["url"])
    xml.leaf("title", row["title"])
    xml.leaf("updated", _time(row["updated_at"] or row["published_at"] or row["first_seen_at"]))
    if row["published_at"] is not None:
        xml.leaf("published", _time(row["published_at"]))
    if _WEB.match(row["url"]):  # a crawled javascript: or data: URL is never a link
        xml.start("link", {"rel": "alternate", "type": "text/html", "href": row["url"]})
        xml.end("link")
    for name in (row["authors"] or "").split(", ") if row["authors"] else [paper]:
        xml.start("author")
        xml.leaf("name", name)
        xml.end("author")
    if row["section"]:
        xml.start("category", {"term": row["section"]})
        xml.end("category")
    if row["lead"]:
        xml.leaf("summary", row["lead"], {"type": "text"})
    xml.leaf("content", row["body"], {"type": "text"})
    xml.start("category", {"scheme": SITE_SCHEME, "term": row["site"], "label": paper})
    xml.end("category")
    xml.end("entry")


def _time(moment: datetime) -> str:
    """RFC 3339 in UTC, as Atom wants it: 2026-01-08T11:21:00Z (a naive time is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Writer:
    def __init__(self, out: IO[str]) -> None:
        # any text stream works; typeshed only names TextIOBase
        stream = cast("TextIOBase", out)
        self.generator = XMLGenerator(stream, encoding="utf-8", short_empty_elements=True)

    def start(self, name: str, attributes: Mapping[str, str] | None = None) -> None:
        clean = {k: _FORBIDDEN.sub("", v) for k, v in (attributes or {}).items()}
        self.generator.startElement(name, AttributesImpl(clean))

    def end(self, name: str) -> None:
        self.generator.endElement(name)

    def leaf(self, name: str, value: str, attributes: Mapping[str, str] | None = None) -> None:
        self.start(name, attributes)
        self.generator.characters(_FORBIDDEN.sub("", value))
        self.end(name)
