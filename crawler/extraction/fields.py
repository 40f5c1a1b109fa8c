"""The short fields of an article: title, section, tags, lead image, canonical URL, language.

Each prefers what the reader sees (the h1, the breadcrumb, the tag row) and falls back on what
the page declares (og:title, JSON-LD, meta keywords), because declared values are often the
site's defaults: a whole breadcrumb trail as `articleSection`, keywords padded with section
names, a footer "trending" link with a tag class.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extraction.layout_records import Block, Layout
from crawler.extraction.metadata import PageMeta, ld_image
from crawler.extraction.text import clean, same_text, strip_site_suffix, unique

_HOME_CRUMBS = {"trang chủ", "home", "trang chu", "trang nhất", "tin tức"}
_VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")


def title(tree: HtmlElement, meta: PageMeta, layout: Layout) -> tuple[str, int]:
    """The headline as shown and its position: the h1 that agrees with what the page declares
    (JSON-LD headline, og:title, <title>), else the first declaration."""
    site = meta.meta("og:site_name")
    page_title = strip_site_suffix(clean(tree.findtext(".//title")), site)
    declared = [
        meta.ld_text("headline") or meta.ld_text("name"),
        strip_site_suffix(meta.meta("og:title", "twitter:title"), site),
        page_title,
    ]
    for headline in layout.headlines:
        if any(same_text(headline.text, d) for d in declared if d):
            return strip_site_suffix(headline.text, site), headline.position
    for headline in layout.headlines:  # a kicker before the headline: "PHÓNG SỰ | <title>"
        kicked = next((d for d in declared if d and _after_kicker(headline.text, d)), "")
        if kicked:
            return kicked, headline.position
    first = layout.headlines[0] if layout.headlines else Block("", -1)
    for candidate in (*declared[:2], first.text, page_title):
        if candidate:
            return candidate, first.position if candidate == first.text else -1
    return "", -1


def _after_kicker(shown: str, declared: str) -> bool:
    """The shown headline is a short label (at most six words) followed by the declared one."""
    words, tail = shown.split(), declared.split()
    if len(tail) < 3 or not 0 < len(words) - len(tail) <= 6:
        return False
    return same_text(" ".join(words[len(words) - len(tail) :]), declared)


def section(meta: PageMeta, layout: Layout, title_text: str) -> str:
    """The last step of the breadcrumb, from the page, else JSON-LD, else the declared section
    (the last part of a trail such as 'Kinh doanh, Tài chính')."""
    for trail in (*layout.breadcrumbs, meta.ld_breadcrumb, *layout.link_headings):
        names = [n for n in trail if n.casefold() not in _HOME_CRUMBS]
        names = [n for n in names if not same_text(n, title_text)]
        if names:
            return names[-1]
    ld_section = meta.ld.get("articleSection")
    if isinstance(ld_section, list):
        ld_section = next((s for s in ld_section if isinstance(s, str)), "")
    declared = meta.meta("article:section", "articlesection") or (
        clean(ld_section) if isinstance(ld_section, str) else ""
    )
    return clean(declared.split(",")[-1]) if declared else ""


def tags(meta: PageMeta, layout: Layout, after: int) -> tuple[str, ...]:
    """The tag row that agrees with the declared keywords; the declared keywords when no row
    does (a footer link with a tag class is no tag of the article); else the first row."""
    rows = [(p, items) for p, items in layout.tag_rows if items]
    if layout.tag_links:
        rows.append((layout.tag_links[0][0], [t for _, t in layout.tag_links]))
    rows.sort(key=lambda row: (row[0] < after, row[0]))
    declared = _declared_tags(meta)
    if declared:
        wanted = {t.casefold() for t in declared}
        for _, items in rows:
            if any(i.casefold() in wanted for i in items):
                return unique(items)
        return declared
    return unique(rows[0][1]) if rows else ()


def _declared_tags(meta: PageMeta) -> tuple[str, ...]:
    ld_keywords = meta.ld.get("keywords")
    if isinstance(ld_keywords, list):
        ld_keywords = ",".join(k for k in ld_keywords if isinstance(k, str))
    for source in (
        meta.meta_all("article:tag"),
        meta.meta_all("keywords")[:1],
        meta.meta_all("news_keywords")[:1],
        [ld_keywords] if isinstance(ld_keywords, str) else [],
    ):
        found = unique(part for item in source for part in item.split(","))
        if found:
            return found
    return ()


def image(meta: PageMeta, url: str, first_photo: str = "") -> str:
    found = meta.meta("og:image", "og:image:url") or ld_image(meta.ld.get("image"))
    found = found or meta.meta("twitter:image", "twitter:image:src") or first_photo
    return urljoin(url, found) if found else ""


def canonical(meta: PageMeta, url: str) -> str:
    """The page's own canonical URL when it names one on its own site (an off-site canonical
    marks a syndicated copy, which keeps the URL it was fetched from)."""
    for candidate in (meta.canonical, meta.meta("og:url")):
        if not candidate:
            continue
        absolute = urljoin(url, candidate)
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and _bare_host(absolute) == _bare_host(url):
            return absolute
    return url


def _bare_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "m.", "amp."):
        host = host.removeprefix(prefix)
    return host


def language(meta: PageMeta, text: str) -> str:
    declared = meta.lang or meta.meta("content-language", "og:locale", "language", "inlanguage")
    if declared:
        code = re.split(r"[-_]", declared.strip().lower())[0]
        return "vi" if code == "vietnamese" else code
    return "vi" if len(_VIETNAMESE_LETTERS.findall(text.lower())) >= 3 else ""
