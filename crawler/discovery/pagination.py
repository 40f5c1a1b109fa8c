"""Recognising the next pages of a listing: "?p=2", "?page=2", "/trang-2", "/page/2", "-p2"...

A link is a later page of a listing when, with its page marker taken out, it is the listing's own
URL and its page number is higher. No site needs to declare its pager.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

_PAGE_PARAMS = {"p", "page", "trang", "pg", "paged", "pageindex", "page_no", "pagenum"}
_PATH_MARKER = re.compile(
    r"(?:/(?:page|trang|p)/(?P<a>\d+)|/trang-(?P<b>\d+)|-(?:page|trang)-?(?P<c>\d+)|-p(?P<d>\d+))"
    r"(?P<ext>\.html?|\.aspx|\.chn)?/?$",
    re.IGNORECASE,
)


def page_number(url: str) -> tuple[str, int]:
    """(the listing's URL without its page marker, the page number; 1 when there is none)."""
    parts = urlsplit(url)
    number = 1
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() in _PAGE_PARAMS and value.isdigit():
            number = int(value)
        else:
            query.append((key, value))
    path = parts.path
    match = _PATH_MARKER.search(path)
    if match:
        digits = match["a"] or match["b"] or match["c"] or match["d"]
        number = int(digits)
        path = path[: match.start()] + (match["ext"] or "")
    base_path = path.rstrip("/") or "/"
    host = (parts.hostname or "").lower()
    base = f"{host}{base_path}?{urlencode(sorted(query))}" if query else f"{host}{base_path}"
    return base, number


def is_next_page(listing_url: str, link: str) -> bool:
    """True when `link` is a later page of the listing at `listing_url`."""
    base, number = page_number(listing_url)
    link_base, link_number = page_number(link)
    return link_base == base and link_number > number
