"""Robustness by mutation: pages changed the way CMSs tinbao has never seen change them.

Every real page of `$TINBAO_CORPUS/vn` (never copied here; skipped when absent) and every page
of tests/extraction_pages.py is changed in ways a browser tolerates or a reader would not
notice: stray end tags, a nested document, a headline split over spans, a credit line with
roles, copyright notices appended, CMS-account authors, naive or month-first meta dates,
missing canonical and og tags. The Article must stay what the unchanged page gives, so that
extraction holds on pages nobody here has.

Content-aware mutations (a credit after the last paragraph) work on the parsed tree and are
compared with the same tree serialised unchanged, so the serialisation itself is no change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import pytest
from lxml.html import HtmlElement, fragment_fromstring, tostring

from bench.gold import corpus_dir, gold_records
from crawler.extraction import Article, Hints, extract, parse_hints
from crawler.extraction.body import parse_html
from crawler.extraction.dates import VIETNAM
from crawler.extraction.text import clean
from tests.extraction_pages import FIXTURES


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    html: str
    hints: Hints


def _pages() -> list[Page]:
    pages = [Page(f.name, f.url, f.html, parse_hints({})) for f in FIXTURES]
    corpus = corpus_dir()
    if (corpus / "vn").is_dir():
        for record in gold_records():
            path = corpus / record["page"]
            if path.is_file():
                html = path.read_bytes().decode("utf-8", "replace")
                hints = parse_hints(record.get("hints", {}))
                pages.append(Page(path.parent.name, record["url"], html, hints))
    return pages


PAGES = _pages()
FIELDS = ("title", "lead", "body", "authors", "published_at", "section", "tags", "source", "url")


def view(article: Article, fields: tuple[str, ...] = FIELDS) -> dict[str, Any]:
    return {name: getattr(article, name) for name in fields}


@cache
def original(name: str) -> Article:
    page = _page(name)
    return extract(page.html, page.url, page.hints)


@cache
def reserialised(name: str) -> tuple[str, Article]:
    page = _page(name)
    tree = _tree(page.html)
    html = tostring(tree, encoding="unicode")
    return html, extract(html, page.url, page.hints)


def _page(name: str) -> Page:
    return next(p for p in PAGES if p.name == name)


def _tree(html: str) -> HtmlElement:
    tree = parse_html(html)
    assert tree is not None
    return tree


# structural mutations of the source: what a browser reads the same ---------------------------

_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_BODY_CLOSE = re.compile(r"</body\s*>", re.IGNORECASE)
_MAIN_OPEN = re.compile(r"<main\b[^>]*>", re.IGNORECASE)
_MAIN_CLOSE = re.compile(r"</main\s*>", re.IGNORECASE)


def stray_end_of_document(html: str) -> str:
    """`</body></html>` right after `<body>`: everything after it is the page, for a browser."""
    match = _BODY_OPEN.search(html)
    assert match is not None
    return html[: match.end()] + "</body></html>" + html[match.end() :]


def stray_end_before_head(html: str) -> str:
    return "</html>" + html


def nested_document(html: str) -> str:
    """A second `<html><body>` inside the page's `<main>` (else its body), closed where that
    element closes."""
    opening = _MAIN_OPEN.search(html) or _BODY_OPEN.search(html)
    assert opening is not None
    closing = _MAIN_CLOSE if opening.group(0)[1:5].lower() == "main" else _BODY_CLOSE
    html = html[: opening.end()] + "<html><body>" + html[opening.end() :]
    closes = list(closing.finditer(html, opening.end()))
    if not closes:
        return html + "</body></html>"
    last = closes[-1]
    return html[: last.start()] + "</body></html>" + html[last.start() :]


STRUCTURAL: dict[str, Callable[[str], str]] = {
    "stray-end-of-document": stray_end_of_document,
    "stray-end-before-head": stray_end_before_head,
    "nested-document": nested_document,
}


@pytest.mark.parametrize("mutation", STRUCTURAL, ids=list(STRUCTURAL))
def test_structural_mutations_change_nothing(name: str, mutation: str) -> None:
    page = _page(name)
    mutated = extract(STRUCTURAL[mutation](page.html), page.url, page.hints)
    assert view(mutated) == view(original(name))


# the declared data: metas and JSON-LD -----------------------------------------------------------

_CANONICAL = re.compile(r"<link\b[^>]*\bcanonical\b[^>]*>", re.IGNORECASE)
_OG = re.compile(r"<meta\b[^>]*\bproperty\s*=\s*[\"']og:(?:url|title|type)[\"'][^>]*>", re.I)
_OFFSET = re.compile(r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)\s*\+07:?00")
_PUBLISHED_META = re.compile(
    r"(<meta\b[^>]*\bproperty\s*=\s*[\"']article:published_time[\"'][^>]*\bcontent\s*=\s*[\"'])"
    r"[^\"']*([\"'])",
    re.IGNORECASE,
)


def test_missing_canonical_and_og_tags_keep_the_article(name: str) -> None:
    page = _page(name)
    bare = _OG.sub("", _CANONICAL.sub("", page.html))
    want = original(name)
    got = extract(bare, want.url, page.hints)  # fetched at its canonical URL
    assert view(got) == view(want)


def test_naive_structured_dates_are_vietnam_time(name: str) -> None:
    page = _page(name)
    naive = _OFFSET.sub(r"\1", page.html)
    got = extract(naive, page.url, page.hints)
    assert got.published_at == original(name).published_at


def _us_stamp(value: datetime, swapped: bool = False) -> str:
    """'11/5/2026 8:30:00 PM' for 5 November 20:30; swapped: the day written first."""
    local = value.astimezone(VIETNAM)
    first, second = (local.day, local.month) if swapped else (local.month, local.day)
    hour = local.hour % 12 or 12
    marker = "AM" if local.hour < 12 else "PM"
    return f"{first}/{second}/{local.year} {hour}:{local.minute:02d}:{local.second:02d} {marker}"


@pytest.mark.parametrize("swapped", [False, True], ids=["month-first", "day-first-misread"])
def test_month_first_meta_stamps_never_move_the_date(name: str, swapped: bool) -> None:
    page = _page(name)
    want = original(name).published_at
    assert want is not None
    stamp = _us_stamp(want, swapped)
    meta = f'<meta property="article:published_time" content="{stamp}">'
    html, count = _PUBLISHED_META.subn(rf"\g<1>{stamp}\g<2>", page.html)
    if not count:
        html = html.replace("</head>", meta + "</head>", 1)
    got = extract(html, page.url, page.hints).published_at
    assert got is not None
    assert got.date() == want.astimezone(VIETNAM).date()
    if got != want:  # only a page whose one timed stamp was replaced may lose its time of day
        assert not _OFFSET.search(html) and got.replace(hour=0, minute=0, second=0) == got


@pytest.mark.parametrize("account", ["admin", "thanhnt", "Ban biên tập", "Đang cập nhật"])
def test_cms_account_authors_are_ignored(name: str, account: str) -> None:
    page = _page(name)
    extra = (
        f'<meta name="author" content="{account}"><meta property="article:author" '
        f'content="{account}">'
    )
    html = page.html.replace("</head>", extra + "</head>", 1)
    assert extract(html, page.url, page.hints).authors == original(name).authors


# the visible page: headline, credits, notices ------------------------------------------------


def _headline(tree: HtmlElement, title: str) -> HtmlElement | None:
    return next((h for h in tree.iter("h1") if clean(h.text_content()) == title), None)


def _last_paragraph(tree: HtmlElement, line: str) -> HtmlElement | None:
    found = [e for e in tree.iter("p", "div") if clean(e.text_content()) == line]
    return found[-1] if found else None


def test_a_headline_split_over_spans_reads_the_same(name: str) -> None:
    page = _page(name)
    html, want = reserialised(name)
    tree = _tree(html)
    h1 = _headline(tree, want.title)
    if h1 is None:
        pytest.skip("the headline is not one h1's text")
    words = want.title.split()
    half = len(words) // 2
    for child in list(h1):
        h1.remove(child)
    h1.text = None
    for part in (" ".join(words[:half]), " ".join(words[half:])):
        span = fragment_fromstring("<span></span>")
        span.text = part  # no space between the spans: a reader still sees two words
        h1.append(span)
    got = extract(tostring(tree, encoding="unicode"), page.url, page.hints)
    assert view(got) == view(want)


CREDITS = (
    ("Bài: Hoàng Lan - Ảnh: Quốc Tuấn", ("Hoàng Lan", "Quốc Tuấn")),
    ("Bài và ảnh: PHẠM MINH", ("PHẠM MINH",)),
    ("Clip: Ngọc Hà", ("Ngọc Hà",)),
)


@pytest.mark.parametrize(("credit", "people"), CREDITS, ids=["text-photo", "both", "clip"])
def test_a_credit_line_with_roles_goes_to_authors(
    name: str, credit: str, people: tuple[str, ...]
) -> None:
    page = _page(name)
    html, want = reserialised(name)
    tree = _tree(html)
    last = _last_paragraph(tree, want.body.split("\n")[-1])
    if last is None:
        pytest.skip("the last paragraph is not one element's text")
    last.addnext(fragment_fromstring(f"<p><strong>{credit}</strong></p>"))
    got = extract(tostring(tree, encoding="unicode"), page.url, page.hints)
    assert got.body == want.body
    assert got.authors, "the credited people are lost"
    assert set(got.authors) <= set(want.authors) | set(people)
    assert all(":" not in author for author in got.authors)


NOTICES = (
    "® Ghi rõ nguồn Báo điện tử khi phát hành lại thông tin từ website này.",
    "Bản quyền thuộc về tòa soạn. Nghiêm cấm sao chép dưới mọi hình thức.",
    "© 2026. All rights reserved.",
)


def test_notices_appended_to_the_article_are_not_body(name: str) -> None:
    page = _page(name)
    html, want = reserialised(name)
    tree = _tree(html)
    last = _last_paragraph(tree, want.body.split("\n")[-1])
    if last is None:
        pytest.skip("the last paragraph is not one element's text")
    for notice in reversed(NOTICES):
        last.addnext(fragment_fromstring(f"<p>{notice}</p>"))
    got = extract(tostring(tree, encoding="unicode"), page.url, page.hints)
    assert view(got) == view(want)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`name` is every page: the fixtures and the corpus's article pages."""
    if "name" in metafunc.fixturenames:
        metafunc.parametrize("name", [p.name for p in PAGES])
