"""CaptureRawPages: article pages kept raw, the record built off the reactor's thread (in an
extraction worker when the spider's pool runs, else in a thread of its own: compressing a real
page costs a fifth of its extraction), appended in order, before the article goes on."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

import crawler.middlewares.capture as capture
from crawler.middlewares import CaptureRawPages
from crawler.warc import RawPage, WarcRef, read_page, warc_member
from tests.running_pool import RunningPool


def response(number: int, kind: str = "article") -> tuple[Request, HtmlResponse]:
    url = f"https://baocantho.com.vn/bai-a{number}.html"
    request = Request(url, meta={"tinbao_kind": kind})
    body = f"<html><body><p>Bài số {number}</p></body></html>".encode()
    return request, HtmlResponse(url, body=body, request=request, encoding="utf-8")


def test_pages_are_built_by_one_thread_not_the_callers_and_appended_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crawler = get_crawler(Spider, {"TINBAO_WARC_DIR": str(tmp_path)})
    crawler.spider = Spider("capture")
    middleware = CaptureRawPages.from_crawler(crawler)
    writers: list[str] = []

    def noted(page: RawPage) -> bytes:
        writers.append(threading.current_thread().name)
        return warc_member(page)

    monkeypatch.setattr(capture, "warc_member", noted)
    pages = [response(n) for n in range(3)] + [response(9, kind="section")]

    async def capture_all() -> None:
        for request, page in pages:
            assert await middleware.process_response(request, page) is page

    asyncio.run(capture_all())
    middleware.spider_closed(crawler.spider)
    assert "tinbao_warc" not in pages[3][0].meta  # only article pages are kept
    refs: list[WarcRef] = [request.meta["tinbao_warc"] for request, _ in pages[:3]]
    assert [ref.offset for ref in refs] == sorted(ref.offset for ref in refs)
    assert [read_page(tmp_path, ref).body for ref in refs] == [p.body for _, p in pages[:3]]
    assert len(writers) == 3 and threading.current_thread().name not in writers
    assert len(set(writers)) == 1


def test_with_the_spiders_pool_running_the_record_is_built_in_a_worker(tmp_path: Path) -> None:
    crawler = get_crawler(Spider, {"TINBAO_WARC_DIR": str(tmp_path)})
    crawler.spider = Spider("capture")
    pool = RunningPool()
    crawler.spider.extractor = pool  # type: ignore[attr-defined]
    middleware = CaptureRawPages.from_crawler(crawler)
    pages = [response(n) for n in range(3)]

    async def capture_all() -> None:
        for request, page in pages:
            assert await middleware.process_response(request, page) is page

    asyncio.run(capture_all())
    middleware.spider_closed(crawler.spider)
    assert pool.given == [warc_member] * 3
    refs: list[WarcRef] = [request.meta["tinbao_warc"] for request, _ in pages]
    assert [read_page(tmp_path, ref).body for ref in refs] == [p.body for _, p in pages]
