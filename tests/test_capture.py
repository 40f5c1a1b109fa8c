"""CaptureRawPages: article pages kept raw, the record written off the reactor's thread (it
costs a real page about as much as its extraction), in order, before the article goes on."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares import CaptureRawPages
from crawler.warc import RawPage, WarcFile, WarcRef, read_page


def response(number: int, kind: str = "article") -> tuple[Request, HtmlResponse]:
    url = f"https://baocantho.com.vn/bai-a{number}.html"
    request = Request(url, meta={"tinbao_kind": kind})
    body = f"<html><body><p>Bài số {number}</p></body></html>".encode()
    return request, HtmlResponse(url, body=body, request=request, encoding="utf-8")


def test_pages_are_written_in_order_by_one_thread_not_the_callers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crawler = get_crawler(Spider, {"TINBAO_WARC_DIR": str(tmp_path)})
    crawler.spider = Spider("capture")
    middleware = CaptureRawPages.from_crawler(crawler)
    writers: list[str] = []
    write = WarcFile.write

    def noted(self: WarcFile, page: RawPage) -> WarcRef:
        writers.append(threading.current_thread().name)
        return write(self, page)

    monkeypatch.setattr(WarcFile, "write", noted)
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
