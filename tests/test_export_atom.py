"""Atom feeds per site and per province validate as Atom (RFC 4287), checked structurally: no
network validator is at hand, so the rules are written out in `assert_valid_atom`."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scheduler.cli import main
from storage import make_sessionmaker, open_archive
from tests.search_records import DA_NANG, DA_NANG_STONE, Record, store

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
SOC_TRANG = Record(
    "https://baosoctrang.org.vn/a-5.html", "Lễ hội Oóc Om Bóc <sôi động> & vui",
    "Đua ghe ngo.\x0bTrên sông Maspero.", lead="Sóc Trăng đón du khách.",
    authors=("THẠCH SÔ PHOL", "NGỌC HÂN"), section="Văn hóa",
    published_at=datetime(2026, 11, 21, 12, 0, tzinfo=UTC),
)  # fmt: skip


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tinbao.db'}"
    engine = open_archive(url)
    with make_sessionmaker(engine).begin() as session:
        store(session, "baodanang", DA_NANG)
        store(session, "baocantho", DA_NANG_STONE)
        store(session, "baosoctrang", SOC_TRANG)
    engine.dispose()
    return url


def feed(url: str, tmp_path: Path, *args: str) -> ET.Element:
    target = tmp_path / "feed.xml"
    arguments = ["--database-url", url, "export", "--format", "atom", "-o", str(target)]
    assert main([*arguments, *args]) == 0
    raw = target.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(raw)
    assert_valid_atom(root)
    return root


def assert_valid_atom(root: ET.Element) -> None:
    """RFC 4287's MUSTs for a feed and its entries (section 4.1)."""
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{A}{name}")) == 1, f"feed/{name}"
    assert RFC3339.fullmatch(root.findtext(f"{A}updated") or "")
    assert _absolute(root.findtext(f"{A}id"))
    feed_author = root.find(f"{A}author/{A}name") is not None
    ids = []
    for entry in root.findall(f"{A}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, f"entry/{name}"
        for name in ("updated", "published"):
            if entry.find(f"{A}{name}") is not None:
                assert RFC3339.fullmatch(entry.findtext(f"{A}{name}") or "")
        assert feed_author or entry.find(f"{A}author/{A}name") is not None
        links = entry.findall(f"{A}link")
        alternate = [link for link in links if link.get("rel", "alternate") == "alternate"]
        assert alternate or entry.find(f"{A}content") is not None
        assert all(_absolute(link.get("href")) for link in alternate)
        for name in ("content", "summary", "title"):
            element = entry.find(f"{A}{name}")
            assert element is None or element.get("type", "text") in ("text", "html", "xhtml")
        ids.append(entry.findtext(f"{A}id"))
        assert _absolute(ids[-1])
    assert len(ids) == len(set(ids)), "entry ids are unique"


def _absolute(iri: str | None) -> bool:
    return bool(iri) and bool(urlsplit(iri or "").scheme)


def test_a_site_feed(url: str, tmp_path: Path) -> None:
    root = feed(url, tmp_path, "--site", "baocantho")
    assert root.findtext(f"{A}id") == "tag:tinbao,2026:site/baocantho"
    assert root.findtext(f"{A}title") == "Báo Cần Thơ (tinbao)"
    assert root.findtext(f"{A}updated") == "2026-11-20T01:00:00Z"
    [entry] = root.findall(f"{A}entry")
    assert entry.findtext(f"{A}id") == DA_NANG_STONE.url
    assert entry.findtext(f"{A}title") == DA_NANG_STONE.title
    assert entry.findtext(f"{A}summary") == DA_NANG_STONE.lead
    assert entry.findtext(f"{A}content") == DA_NANG_STONE.body
    assert entry.findtext(f"{A}author/{A}name") == "Báo Cần Thơ"  # nobody credited
    assert entry.find(f"{A}link").get("href") == DA_NANG_STONE.url  # type: ignore[union-attr]


def test_a_province_feed_holds_its_papers_newest_first(url: str, tmp_path: Path) -> None:
    root = feed(url, tmp_path, "--province", "can tho")
    assert root.findtext(f"{A}id") == "tag:tinbao,2026:province/can-tho"
    assert root.findtext(f"{A}title") == "Cần Thơ (tinbao)"
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}id") for e in entries] == [SOC_TRANG.url, DA_NANG_STONE.url]
    soc_trang = entries[0]
    assert [a.text for a in soc_trang.findall(f"{A}author/{A}name")] == list(SOC_TRANG.authors)
    assert soc_trang.findtext(f"{A}title") == SOC_TRANG.title  # < and & escaped, read back
    assert soc_trang.findtext(f"{A}content") == "Đua ghe ngo.Trên sông Maspero."  # no \x0b
    categories = {(c.get("scheme"), c.get("term")) for c in soc_trang.findall(f"{A}category")}
    assert categories == {(None, "Văn hóa"), ("tag:tinbao,2026:site", "baosoctrang")}


def test_the_whole_archive_and_an_empty_feed(url: str, tmp_path: Path) -> None:
    assert len(feed(url, tmp_path).findall(f"{A}entry")) == 3
    empty = feed(url, tmp_path, "--site", "baolaocai")
    assert empty.findall(f"{A}entry") == []
