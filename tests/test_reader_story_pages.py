"""The reader's province, paper, story and health pages (Starlette's TestClient)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from scheduler.commands.serve import directory
from storage import RunCounts, finish_run, make_sessionmaker, start_run
from tests.reader_archive import NOW, app_for, build
from tests.test_reader_pages import text_of

Archive = tuple[TestClient, dict[str, int]]


@pytest.fixture
def archive(engine: Engine) -> Iterator[Archive]:
    ids = build(engine)
    with make_sessionmaker(engine).begin() as session:
        run = start_run(session, "baocantho", started_at=NOW - timedelta(hours=1))
        finish_run(session, run.id, finished_at=NOW, status="finished",
                   counts=RunCounts(pages_fetched=30, articles_new=9, errors=2),
                   stats={"tinbao/items/dropped/no_body": 1})  # fmt: skip
        start_run(session, "baolaocai", started_at=NOW - timedelta(minutes=5))
    with TestClient(app_for(engine)) as client:  # type: ignore[arg-type]
        yield client, ids


def test_every_one_of_the_34_units_has_a_page() -> None:
    units = directory().provinces
    assert len(units) == 34
    assert len({unit.slug for unit in units}) == 34


def test_the_provinces_page_links_all_34(archive: Archive) -> None:
    client, _ = archive
    html = client.get("/tinh").text
    assert len(set(re.findall(r'href="/tinh/([a-z0-9-]+)"', html))) == 34


def test_a_province_lists_its_papers_articles(archive: Archive) -> None:
    client, ids = archive
    html = client.get("/tinh/da-nang").text
    assert "<h1>Đà Nẵng</h1>" in html
    assert "Từ 1/7/2025 gồm: Đà Nẵng, Quảng Nam." in text_of(html)
    found = set(re.findall(r'class="card-title"><a href="/bai/(\d+)"', html))
    assert found == {str(ids["original"]), str(ids["copy"])}


def test_a_former_province_leads_to_its_unit(archive: Archive) -> None:
    client, _ = archive
    response = client.get("/tinh/soc-trang", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"].endswith("/tinh/can-tho")
    feed = client.get("/tinh/quang-nam/atom.xml?x=1", follow_redirects=False)
    assert feed.headers["location"].endswith("/tinh/da-nang/atom.xml?x=1")
    assert client.get("/tinh/atlantis").status_code == 404


def test_a_paper_page_shows_its_status(archive: Archive) -> None:
    client, _ = archive
    active = text_of(client.get("/bao/baocantho").text)
    assert "đang hoạt động" in active and "Cần Thơ tin số 0" in active
    moved = client.get("/bao/baosoctrang").text
    assert "đã chuyển" in moved and 'href="/bao/baocantho"' in moved
    frozen = [p for p in directory().papers.values() if p.status == "frozen"]
    assert frozen
    assert "kho lưu trữ, ngừng cập nhật" in client.get(f"/bao/{frozen[0].key}").text
    assert client.get("/bao/nosuchpaper").status_code == 404


def test_a_paper_page_pages_by_cursor(archive: Archive) -> None:
    client, _ = archive
    first = client.get("/bao/baocantho").text
    following = re.search(r'href="\?sau=(\d+)"', first)
    assert following is not None
    second = client.get(f"/bao/baocantho?sau={following.group(1)}").text
    assert "Cần Thơ tin số 19" in first and "Cần Thơ tin số 20" not in first
    assert "Cần Thơ tin số 20" in second and "Cần Thơ tin số 24" in second


def test_the_story_page_puts_the_original_first_with_delays_and_diffs(archive: Archive) -> None:
    client, ids = archive
    article = client.get(f"/bai/{ids['copy']}").text
    link = re.search(r'href="/tin/(\d+)"', article)
    assert link is not None
    html = client.get(f"/tin/{link.group(1)}").text
    page = text_of(html)
    assert "Bản gốc: Đà Nẵng" in page
    assert page.index("Bản gốc: Đà Nẵng") < page.index("Quảng Nam") < page.index("Huế ngày nay")
    assert "sau 2 giờ 5 phút" in page and "sau 5 giờ" in page
    assert "<del>sâu.</del> <ins>sâu trong đêm.</ins>" in html  # the lead changed
    assert "Giống hệt bản gốc." in page  # the identical copy on Huế ngày nay
    assert client.get("/tin/987654").status_code == 404


def test_the_health_page_shows_each_sites_last_crawl(archive: Archive) -> None:
    client, _ = archive
    html = client.get("/suc-khoe").text
    row = re.search(
        r'<tr class="">\s*<th scope="row"><a href="/bao/baocantho">.*?</tr>', html, re.S
    )
    assert row is not None
    cells = text_of(row.group(0))
    assert "finished" in cells and "90% (1 hỏng)" in cells  # 9 stored, 1 dropped
    running = re.search(r'<tr class="bad">\s*<th scope="row"><a href="/bao/baolaocai">', html)
    assert running is not None
    assert "1 có lần thu thập gần nhất không kết thúc bình thường" in text_of(html)
    assert json.dumps({"tinbao/items/dropped/no_body": 1}) not in html  # read, not shown
