"""Every list of the reader has an Atom feed, valid RFC 4287 (the RELAX NG schema and the
rules of tests/test_export_atom.py), listing what the page lists, newest first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage import create_schema, make_engine
from tests.reader_archive import EVIL_URL, ORIGINAL, app_for, build
from tests.test_export_atom import A, assert_valid_atom

Archive = tuple[TestClient, dict[str, int]]
FILTERED = "q=can+tho&tinh=can-tho&tu=2026-11-19"


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    engine = make_engine(f"sqlite:///{tmp_path / 'tinbao.db'}")
    create_schema(engine)
    ids = build(engine)
    with TestClient(app_for(engine)) as client:  # type: ignore[arg-type]
        yield client, ids
    engine.dispose()


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/", "/atom.xml"),
        ("/tinh/da-nang", "/tinh/da-nang/atom.xml"),
        ("/bao/baocantho", "/bao/baocantho/atom.xml"),
        ("/tim?q=da+nang", "/tim/atom.xml?q=da+nang"),
        (
            "/tim?q=can+tho&tinh=can-tho&tu=2026-11-19",
            "/tim/atom.xml?q=can+tho&tinh=can-tho&tu=2026-11-19",
        ),
    ],
)
def test_each_list_has_a_valid_feed_of_what_it_lists(
    archive: Archive, page: str, feed: str
) -> None:
    client, _ = archive
    html = client.get(page).text
    assert '<link rel="alternate" type="application/atom+xml"' in html
    advertised = re.search(r'type="application/atom\+xml" title="[^"]*" href="([^"]+)"', html)
    assert advertised is not None and advertised.group(1).replace("&amp;", "&") == feed
    response = client.get(feed)
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = assert_valid_atom(response.content)
    listed = re.findall(r'class="card-title"><a href="/bai/(\d+)"', html)
    entries = [e.findtext(f"{A}id") for e in root.iterfind(f"{A}entry")]
    assert entries and len(entries) >= min(len(listed), 20)
    self_link = root.find(f"{A}link[@rel='self']")
    assert self_link is not None and self_link.get("href", "").endswith(feed)


def test_the_home_feed_is_one_entry_per_story_newest_first(archive: Archive) -> None:
    client, _ = archive
    root = assert_valid_atom(client.get("/atom.xml").content)
    ids = [e.findtext(f"{A}id") for e in root.iterfind(f"{A}entry")]
    assert ids[0] == ORIGINAL.url
    assert "https://baoquangnam.vn/da-nang-ngap-a2.html" not in ids  # a copy of the first
    published = [e.findtext(f"{A}published") or "" for e in root.iterfind(f"{A}entry")]
    assert published == sorted(published, reverse=True)


def test_a_feed_never_links_a_javascript_url(archive: Archive) -> None:
    client, _ = archive
    raw = client.get("/bao/baolaocai/atom.xml").content
    root = assert_valid_atom(raw)
    hrefs = [link.get("href", "") for link in root.iter(f"{A}link")]
    assert hrefs and not any(h.startswith("javascript:") for h in hrefs)
    assert EVIL_URL.encode() in raw  # still its id: what the archive knows it by
    assert b"<script>" not in raw and b"&lt;script&gt;" in raw


def test_a_search_feed_needs_words(archive: Archive) -> None:
    client, _ = archive
    assert client.get("/tim/atom.xml").status_code == 400
