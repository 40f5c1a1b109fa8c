"""What a crawl start-up reads of the archive: every known URL under any spelling of it, held as
hashes (a site may have a million), keyed by a fast path that must equal `url_key`."""

from __future__ import annotations

import itertools
import pickle
import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from crawler.archive_state import ArchiveState, KnownUrls, fast_url_key
from crawler.urls import url_key
from storage import remember_ignored, save_article, start_run
from storage.known import stream_known_urls
from storage.runs import RunCounts, finish_run
from tests.test_storage import Record

T0 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
SCHEMES = ["https://", "http://", "HTTPS://", "Http://", "ftp://", "//", ""]
HOSTS = ["baocantho.com.vn", "www.baocantho.com.vn", "M.BaoCanTho.com.vn", "amp.x.vn",
         "mobile.www.x.vn", "www.m.x.vn", "127.0.0.1:8080", "x.vn:443", "x.vn:80", "x.vn:0080",
         "WWW.x.vn:08080", "x.vn:", "x.vn:99999", "x.vn:123456", "www.x.vn:65535", "user@x.vn",
         "[::1]", "", "xn--bo-cn-th-9za.vn", "x.vn.", "bao_x.vn", "báo.vn"]  # fmt: skip
PATHS = ["", "/", "/a-a1.html", "/a-a1.html/", "/amp/a-a1.html", "/a-a1.amp.html", "/a/amp",
         "/a/AMP/", "/AMP/b", "/amplify-a1.html", "//a", "/tin-%C3%A0-a1.html", "/tin-à-a1.html",
         "/a b.html", "/a\tb", "/a;p=1", "/a@b", "/a'\"<>|", "/ampamp/", "/a//"]  # fmt: skip
TAILS = ["", "?", "?utm_source=zalo", "?p=2&a=1", "?amp", "?outputType=amp", "#c", "?p=2#c",
         " ", "\n"]  # fmt: skip


def test_the_fast_key_is_url_key() -> None:
    urls = [s + h + p + t for s, h, p, t in itertools.product(SCHEMES, HOSTS, PATHS, TAILS)]
    usual = [url for url in urls if url.startswith(("https://", "http://"))]  # the fast path's
    for url in usual + random.Random(5).sample(urls, 3000):
        try:
            expected = url_key(url)
        except ValueError:  # a URL urlsplit refuses (a bad port or bracket): the same error
            with pytest.raises(ValueError):
                fast_url_key(url)
            continue
        assert fast_url_key(url) == expected, url


def test_known_urls_under_every_spelling() -> None:
    known = KnownUrls(["https://baocantho.com.vn/tin-a1.html", "https://baocantho.com.vn/x/"])
    assert "https://www.baocantho.com.vn/tin-a1.html?utm_source=zalo" in known
    assert "http://m.baocantho.com.vn/amp/tin-a1.html" in known
    assert "https://baocantho.com.vn/x" in known
    assert "https://baocantho.com.vn/tin-a2.html" not in known
    assert "https://baolaocai.vn/tin-a1.html" not in known
    assert len(known) == 2
    known.add("https://baocantho.com.vn/tin-a2.html")
    known.add("https://www.baocantho.com.vn/tin-a2.html")  # the same page
    assert "https://baocantho.com.vn/tin-a2.html#c" in known
    assert len(known) == 3


def test_a_state_made_of_urls() -> None:
    state = ArchiveState(KnownUrls({"https://baocantho.com.vn/tin-a1.html"}))
    assert state.is_known("https://www.baocantho.com.vn/tin-a1.html")
    assert not ArchiveState().is_known("https://baocantho.com.vn/tin-a1.html")


def database_url(engine: Engine, session: Session) -> str:
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":  # the test's own schema
        schema = session.execute(text("SELECT current_schema()")).scalar_one()
        url += f"?options=-csearch_path%3D{schema}"
    return url


def test_load_reads_articles_aliases_and_ignored_pages(engine: Engine, session: Session) -> None:
    fetched = "https://m.baocantho.com.vn/tap-trung-trien-khai-a196670.html?utm_source=zalo"
    save_article(session, "baocantho", Record(), now=T0, aliases=[fetched])
    remember_ignored(session, "baocantho", "https://baocantho.com.vn/trong-a7.html", "empty",
                     now=T0)  # fmt: skip
    other = Record(url="https://baolaocai.vn/khac-post1.html", body="Một bài khác hẳn.")
    save_article(session, "baolaocai", other, now=T0)
    run = start_run(session, "baocantho", started_at=T0)
    finish_run(session, run.id, finished_at=T0, status="finished", counts=RunCounts())
    session.commit()
    state = ArchiveState.load(database_url(engine, session), "baocantho")
    assert state.is_known("https://www.baocantho.com.vn/tap-trung-trien-khai-a196670.html")
    assert state.is_known(fetched)
    assert state.is_known("https://baocantho.com.vn/trong-a7.html")
    assert not state.is_known(other.url)
    assert len(state.known) == 2  # the canonical URL and the alias share a key
    assert state.last_success == T0


def test_known_urls_are_streamed_in_batches(session: Session) -> None:
    for number in range(5):
        record = Record(url=f"https://baocantho.com.vn/bai-a{number}.html", body=f"Bài {number}.")
        save_article(session, "baocantho", record, now=T0)
    session.commit()
    streamed = list(stream_known_urls(session, "baocantho", batch=2))
    assert sorted(streamed) == [f"https://baocantho.com.vn/bai-a{n}.html" for n in range(5)]


def test_the_hashes_stay_in_their_process() -> None:
    with pytest.raises(TypeError, match="load it in each process"):
        pickle.dumps(KnownUrls(["https://baocantho.com.vn/tin-a1.html"]))
