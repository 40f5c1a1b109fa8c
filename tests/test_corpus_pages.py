"""`extract` on the recorded real pages of the shared corpus (never copied into this repository).

The corpus lives in `../shared/corpus` next to the repository; set TINBAO_CORPUS to use another
folder. Expected values come from the gold set `tests/gold/vn_articles.json` (one record per
article page, written by reading the page by hand) and from `vn/expected-from-public-tests.json`
(what public test suites assert). Every field of every gold record is one test, judged the way
`bench/gold.py` judges it for the benchmark.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import pytest

from bench.gold import FIELDS, corpus_dir, gold_records, judge, tinbao_view
from crawler.extraction import Article, extract, parse_hints
from crawler.extraction.dates import VIETNAM

CORPUS = corpus_dir()
if not (CORPUS / "vn").is_dir():
    pytest.skip(
        f"recorded corpus not found at {CORPUS} (set TINBAO_CORPUS to its folder)",
        allow_module_level=True,
    )

RECORDS = {record["page"]: record for record in gold_records()}
EXPECTED: dict[str, dict[str, Any]] = {
    key: value
    for key, value in json.loads(
        (CORPUS / "vn" / "expected-from-public-tests.json").read_text(encoding="utf-8")
    ).items()
    if key.endswith("/article.html")
}
PAGES = sorted(
    path.relative_to(CORPUS).as_posix() for path in (CORPUS / "vn").glob("*/article.html")
)


def _id(page: str) -> str:
    return page.split("/")[1]


@cache
def _article(page: str, with_hints: bool = True) -> Article:
    record = RECORDS[page]
    hints = parse_hints(record.get("hints", {}) if with_hints else {})
    return extract((CORPUS / page).read_bytes(), record["url"], hints)


def test_every_article_page_has_a_gold_record() -> None:
    assert PAGES, "no article pages in the corpus"
    missing = [page for page in PAGES if page not in RECORDS]
    assert not missing, f"write a gold record in tests/gold/vn_articles.json for {missing}"
    assert set(EXPECTED) <= set(RECORDS)


@pytest.mark.parametrize(
    ("page", "field"),
    [(page, field) for page in sorted(RECORDS) for field in FIELDS],
    ids=[f"{_id(page)}-{field}" for page in sorted(RECORDS) for field in FIELDS],
)
def test_gold_field(page: str, field: str) -> None:
    verdict = judge(RECORDS[page], tinbao_view(_article(page)))[field]
    assert verdict.ok, verdict.why or f"got {verdict.got!r}, want {verdict.want!r}"


def _expected_time(text: str) -> datetime:
    """'2026-03-07 08:07', '2026-03-07T08:52:11.000 +07:00'...; no offset means +07:00."""
    value = datetime.fromisoformat(re.sub(r"\s+(?=[+-]\d{2}:?\d{2}$)", "", text.strip()))
    return value if value.tzinfo else value.replace(tzinfo=VIETNAM)


@pytest.mark.parametrize("page", sorted(EXPECTED), ids=[_id(p) for p in sorted(EXPECTED)])
def test_what_public_test_suites_assert(page: str) -> None:
    expected = EXPECTED[page]
    article = _article(page)
    if "title" in expected and "non-empty" not in expected["title"]:
        assert article.title == expected["title"]
    if "title_startswith" in expected:
        assert article.title.startswith(expected["title_startswith"])
    # public suites assert on the whole text; tinbao keeps the sapo in `lead`
    assert expected["body_contains"] in f"{article.lead}\n{article.body}"
    assert article.section == expected["category"]
    published = article.published_at
    assert published is not None
    wanted = _expected_time(expected["published_at"])
    if not re.search(r"\d:\d{2}:\d{2}", expected["published_at"]):  # minutes only
        published = published.replace(second=0, microsecond=0)
    assert published == wanted
    assert published.utcoffset() == wanted.utcoffset()


@pytest.mark.parametrize("page", PAGES, ids=[_id(p) for p in PAGES])
def test_record_is_clean(page: str) -> None:
    article = _article(page)
    assert article.is_article
    assert article.language == "vi"
    assert article.lead
    assert article.published_at is not None
    assert article.published_at.utcoffset() == timedelta(hours=7)
    paragraphs = article.body.split("\n")
    assert article.lead not in paragraphs
    assert article.title not in paragraphs
    assert all(name not in paragraphs for name in article.authors)
    assert all(image.caption not in article.body for image in article.images if image.caption)
    texts = (article.title, article.lead, article.body, *article.authors, *article.tags)
    for text in (*texts, *(i.caption for i in article.images)):
        assert unicodedata.is_normalized("NFC", text)
        assert text == text.strip()


def test_the_znews_promotion_box_needs_the_sites_hint() -> None:
    # div.notebox looks like the fact boxes other articles carry: only a site hint drops it
    page = "vn/znews.vn/article.html"
    assert RECORDS[page]["hints"] == {"drop": ["div.notebox"]}
    assert "Tủ sách kiến thức kinh tế" in _article(page, with_hints=False).body
    assert "Tủ sách kiến thức kinh tế" not in _article(page).body
