"""Article links from RSS 2.0, RSS 1.0 (RDF) and Atom feeds."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from crawler.discovery.xml import local_name, parse_xml_checked


@dataclass(frozen=True)
class Feed:
    links: tuple[str, ...]
    well_formed: bool


def feed_links(body: bytes, base_url: str) -> list[str]:
    """The item links of a feed in document order, absolute; [] for anything that is no feed."""
    return list(read_feed(body, base_url).links)


def read_feed(body: bytes, base_url: str) -> Feed:
    """The feed's item links, and whether the document was well-formed XML (a truncated feed
    still gives the links before the break)."""
    root, well_formed = parse_xml_checked(body)
    if root is None:
        return Feed((), False)
    return Feed(tuple(_links(root, base_url)), well_formed)


def _links(root: etree._Element, base_url: str) -> list[str]:
    links: list[str] = []
    for element in root.iter():
        name = local_name(element)
        if name in ("item", "entry"):
            link = _item_link(element)
            if link:
                absolute = urljoin(base_url, link.strip())
                if absolute not in links:
                    links.append(absolute)
    return links


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
