"""Article links from RSS 2.0, RSS 1.0 (RDF) and Atom feeds.

A feed is read in time linear in its size (each link is checked against the ones already found
in a set), and at most `max_links` different links are taken from it: a feed of 100,000 items
costs the crawl the first 5,000 (MAX_FEED_LINKS), not 100,000 requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from crawler.discovery.xml import local_name, parse_xml_checked

MAX_FEED_LINKS = 5000  # the default of TINBAO_FEED_MAX_LINKS; a real feed holds 10 to 200


@dataclass(frozen=True)
class Feed:
    """`cut`: the feed held more different links than the `max_links` it was read with."""

    links: tuple[str, ...]
    well_formed: bool
    cut: bool = False


def feed_links(body: bytes, base_url: str) -> list[str]:
    """The item links of a feed in document order, absolute; [] for anything that is no feed."""
    return list(read_feed(body, base_url).links)


def read_feed(body: bytes, base_url: str, *, max_links: int = 0) -> Feed:
    """The feed's item links (the first `max_links` different ones; 0: all), and whether the
    document was well-formed XML (a truncated feed still gives the links before the break)."""
    root, well_formed = parse_xml_checked(body)
    if root is None:
        return Feed((), False)
    links, cut = _links(root, base_url, max_links)
    return Feed(tuple(links), well_formed, cut)


def _links(root: etree._Element, base_url: str, max_links: int) -> tuple[list[str], bool]:
    links: dict[str, None] = {}  # ordered, and a lookup in constant time
    for element in root.iter():
        name = local_name(element)
        if name in ("item", "entry"):
            link = _item_link(element)
            if link:
                absolute = urljoin(base_url, link.strip())
                if absolute in links:
                    continue
                if max_links and len(links) == max_links:
                    return list(links), True
                links[absolute] = None
    return list(links), False


def _item_link(item: etree._Element) -> str:
    guid = ""
    for child in item:
        name = local_name(child)
        if name == "link":
            href = child.get("href")
            if href is not None:  # Atom: <link rel="alternate" href="..."/>
                if child.get("rel", "alternate") == "alternate":
                    return str(href)
            elif child.text and child.text.strip():
                return str(child.text)
        elif name == "guid" and child.get("isPermaLink", "true") != "false":
            guid = child.text or ""
        elif name == "id" and (child.text or "").startswith("http"):
            guid = guid or child.text or ""
    return guid if guid.startswith("http") else ""
