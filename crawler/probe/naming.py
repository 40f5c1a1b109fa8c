"""What a probed site calls itself, and which province that name points to."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extraction.text import clean
from crawler.provinces import CURRENT, MERGERS, SUCCESSOR, find_province, fold

_TITLE_PARTS = re.compile(r"\s+[-|–—:]\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def site_name(tree: HtmlElement, home: str) -> str:
    """`og:site_name`, else the part of the home page's `<title>` that names a "Báo ...", else
    the title's first part, else the host."""
    declared = tree.xpath("string(//meta[@property='og:site_name']/@content)")
    if clean(declared):
        return _tidy(declared)
    parts = [p for p in _TITLE_PARTS.split(clean(tree.findtext(".//title") or "")) if p]
    for part in parts:
        if fold(part).startswith("bao "):
            return _tidy(part)
    return _tidy(parts[0]) if parts else home.split("/")[2]


def provinces_named(name: str) -> tuple[str, str] | None:
    """(province now, province before 2025) for a paper whose name names a province:
    "Báo Sóc Trăng" -> ("Cần Thơ", "Sóc Trăng"), "Báo Huế" -> ("Huế", "Thừa Thiên Huế")."""
    found = find_province(name)
    if found is None:
        return None
    if found in SUCCESSOR:
        return SUCCESSOR[found], found
    if found in CURRENT:
        return found, MERGERS[found][0]
    return None


def _tidy(text: str) -> str:
    return _CONTROL.sub("", clean(text))
