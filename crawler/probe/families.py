"""The shapes of article URLs on Vietnamese news CMSs, and choosing a site's shape from its links.

A family is a regular expression searched in a URL's path (the same way the registry's
`article_url` is searched), with an example. Inferring a site's article pattern means sorting the
home page's own links into families and keeping the one that covers the most of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Family:
    name: str
    pattern: str
    example: str

    def matches(self, url: str) -> bool:
        return re.search(self.pattern, url) is not None


# Most specific first: on a tie, the earlier family wins.
FAMILIES: tuple[Family, ...] = (
    Family("a-id", r"-a\d+\.html$", "/nganh-giao-duc-trien-khai-a190048.html"),
    Family("post-id", r"-post\d+\.html$", "/hai-hoa-loi-ich-post890650.html"),
    Family("postid-bbg", r"-postid\d+\.bbg$", "/quang-ba-du-lich-postid413098.bbg"),
    Family("ar-id", r"-ar\d+\.html$", "/tin-tuc-moi-ar123456.html"),
    Family(
        "month-folder", r"/\d{6}/[^/]+-[0-9a-f]{6,8}/?$", "/xa-hoi/202506/cung-ban-doc-2227406/"
    ),
    Family("id-html", r"-\d{5,}\.html$", "/khai-mac-hoi-nghi-538828.html"),
    Family("id-htm", r"-\d{5,}\.htm$", "/o-dau-cung-la-que-huong-54385.htm"),
    Family("id-folders", r"/\d+/\d{4,}/[^/]+$", "/tin-tuc/206/140540/van-tai-phuong-vy"),
    Family("chn", r"-\d{6,}\.chn$", "/tin-moi-188240101.chn"),
    Family("tpo", r"-(?:post)?\d+\.tpo$", "/tin-moi-post1234567.tpo"),
    Family("ldo", r"-\d+\.ldo$", "/tin-moi-1549946.ldo"),
)

# The article pattern of a registry entry whose article URLs were never seen: any known family.
ANY_FAMILY = "|".join(f.pattern for f in FAMILIES)

MIN_LINKS = 3  # fewer same-site links of one shape than this is no evidence of a pattern


@dataclass(frozen=True)
class Inference:
    """The chosen family and the links it covers, in page order."""

    family: Family
    links: tuple[str, ...]


def infer_family(urls: Iterable[str], *, minimum: int = MIN_LINKS) -> Inference | None:
    """The family covering the most distinct URLs (at least `minimum`), or None.

    Only the path is tested, so a query string or fragment does not hide an article link.
    """
    covered: dict[str, list[str]] = {f.name: [] for f in FAMILIES}
    for url in dict.fromkeys(urls):
        path = urlsplit(url).path
        for family in FAMILIES:
            if family.matches(path):
                covered[family.name].append(url)
                break
    best = max(FAMILIES, key=lambda f: len(covered[f.name]))  # max keeps the first on a tie
    if len(covered[best.name]) < minimum:
        return None
    return Inference(best, tuple(covered[best.name]))
