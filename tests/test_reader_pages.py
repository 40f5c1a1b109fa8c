"""The reader's home, article and search pages, driven through Starlette's TestClient over a
small archive (tests/reader_archive.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from storage import make_sessionmaker, search_articles
from tests.reader_archive import NOW, ORIGINAL, app_for, build


@pytest.fixture
def archive(engine: Engine) -> Iterator[tuple[TestClient, dict[str, int], Engine]]:
    ids = build(engine)
    with TestClient(app_for(engine)) as client:  # type: ignore[arg-type]
        yield client, ids, engine


Archive = tuple[TestClient, dict[str, int], Engine]


def text_of(html: str) -> str:
    """The page's text as a reader sees it: tags dropped, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_home_lists_one_card_per_story_with_its_papers(archive: Archive) -> None:
    client, ids, _ = archive
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="vi">' in html
    assert html.count(f'href="/bai/{ids["original"]}"') == 1
    assert f'href="/bai/{ids["copy"]}"' not in html  # the copy is in the original's card
    page = text_of(html)
    assert "3 báo đưa tin: Đà Nẵng, Quảng Nam, Huế ngày nay" in page
    assert "08:00 20/11/2026" in page  # Vietnam time, day first


def test_home_pages_follow_one_another_without_overlap(archive: Archive) -> None:
    client, _, _ = archive
    first = client.get("/").text
    following = re.search(r'href="\?sau=(\d+)"', first)
    assert following is not None
    second = client.get(f"/?sau={following.group(1)}").text
    ids_first = set(re.findall(r'href="/bai/(\d+)"', first))
    ids_second = set(re.findall(r'href="/bai/(\d+)"', second))
    assert len(ids_first) == 20
    assert ids_second and not ids_first & ids_second
    assert 'href="?sau=' not in second  # the last page


def test_article_page_shows_every_field_and_the_source(archive: Archive) -> None:
    client, ids, _ = archive
    html = client.get(f"/bai/{ids['original']}").text
    page = text_of(html)
    assert f"<h1>{ORIGINAL.title}</h1>" in html
    assert ORIGINAL.lead in page
    assert "HOÀNG HIỆP, MINH ANH" in page
    assert "Thời sự" in page and "mưa lũ" in page
    assert "08:00 20/11/2026" in page
    assert f"Nguồn Đà Nẵng: {ORIGINAL.url}" in page
    assert f'<a href="{ORIGINAL.url}" rel="noopener noreferrer nofollow">' in html
    assert 'href="/tin/' in html and "3 báo đưa tin" in page


def test_article_page_shows_sub_headings_and_earlier_revisions(archive: Archive) -> None:
    client, ids, _ = archive
    html = client.get(f"/bai/{ids['edited']}").text
    assert "<h2>Tiểu thương nói gì</h2>" in html
    assert "Các bản trước" in html
    assert "<ins>sau mưa lũ</ins>" in html  # the title's change against the earlier text


def test_missing_article_is_a_vietnamese_404(archive: Archive) -> None:
    client, _, _ = archive
    response = client.get("/bai/999999")
    assert response.status_code == 404
    assert "Không có bài viết này" in response.text


def test_search_folds_diacritics_and_ranks_as_the_command(archive: Archive) -> None:
    client, _, engine = archive
    html = client.get("/tim", params={"q": "da nang"}).text
    found = [int(i) for i in re.findall(r'<h3 class="card-title"><a href="/bai/(\d+)"', html)]
    with make_sessionmaker(engine)() as session:
        expected = [hit.id for hit in search_articles(session, "da nang", now=NOW, limit=20)]
    assert found == expected and found
    assert "Đà Nẵng mưa lớn" in html


def test_search_filters_by_province_paper_and_days(archive: Archive) -> None:
    client, ids, _ = archive

    def found(**query: Any) -> set[int]:
        html = client.get("/tim", params=query).text
        return {int(i) for i in re.findall(r'class="card-title"><a href="/bai/(\d+)"', html)}

    assert found(q="da nang", tinh="da-nang") == {ids["original"], ids["copy"]}
    assert found(q="da nang", tinh="quang-nam") == {ids["original"], ids["copy"]}  # former
    assert found(q="da nang", bao="baoquangnam") == {ids["copy"]}
    assert found(q="da nang", tu="2026-11-21") == set()
    assert found(q="da nang", tu="2026-11-20", den="2026-11-20") == {ids["original"], ids["copy"]}
    assert found(q="can tho", tinh="da-nang") == set()


def test_search_pages_are_the_ranking_cut_in_twenties(archive: Archive) -> None:
    client, _, engine = archive
    pages = []
    for number in (1, 2):
        html = client.get("/tim", params={"q": "can tho", "trang": number}).text
        pages += [int(i) for i in re.findall(r'class="card-title"><a href="/bai/(\d+)"', html)]
    with make_sessionmaker(engine)() as session:
        expected = [hit.id for hit in search_articles(session, "can tho", now=NOW, limit=40)]
    assert pages == expected and len(pages) == 25


def test_search_without_words_explains_itself(archive: Archive) -> None:
    client, _, _ = archive
    response = client.get("/tim", params={"q": '"mở ngoặc'})
    assert response.status_code == 400
    assert "Không hiểu câu tìm kiếm" in response.text
    assert client.get("/tim").status_code == 200  # the empty form
