"""Atom feeds per site and per province validate as Atom (RFC 4287): against a RELAX NG schema,
the RFC's own (Appendix B) narrowed to what tinbao may write (text constructs, no XHTML, no
extension elements), with lxml; and the rules a schema cannot say (section 4.1.1: an author for
every entry, an alternate link or content, unique entry ids) checked one by one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from io import StringIO
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.orm import Session

from scheduler.cli import main
from storage import make_sessionmaker, open_archive
from storage.atom import Feed, write_atom
from storage.export import Selection, iter_articles
from tests.search_records import DA_NANG, DA_NANG_STONE, Record, store

ATOM = "http://www.w3.org/2005/Atom"
A = f"{{{ATOM}}}"
RELAX_NG = r"""
<grammar xmlns="http://relaxng.org/ns/structure/1.0" ns="http://www.w3.org/2005/Atom"
         datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <start>
    <element name="feed"><ref name="common"/>
      <interleave>
        <zeroOrMore><ref name="author"/></zeroOrMore>
        <zeroOrMore><ref name="category"/></zeroOrMore>
        <zeroOrMore><element name="contributor"><ref name="person"/></element></zeroOrMore>
        <optional><element name="generator"><ref name="common"/>
          <optional><attribute name="uri"><ref name="uri"/></attribute></optional>
          <optional><attribute name="version"/></optional><text/></element></optional>
        <optional><element name="icon"><ref name="common"/><ref name="uri"/></element></optional>
        <optional><element name="logo"><ref name="common"/><ref name="uri"/></element></optional>
        <ref name="id"/>
        <zeroOrMore><ref name="link"/></zeroOrMore>
        <optional><element name="rights"><ref name="text"/></element></optional>
        <optional><element name="subtitle"><ref name="text"/></element></optional>
        <element name="title"><ref name="text"/></element>
        <element name="updated"><ref name="date"/></element>
      </interleave>
      <zeroOrMore><ref name="entry"/></zeroOrMore>
    </element>
  </start>
  <define name="entry">
    <element name="entry"><ref name="common"/>
      <interleave>
        <zeroOrMore><ref name="author"/></zeroOrMore>
        <zeroOrMore><ref name="category"/></zeroOrMore>
        <optional><element name="content"><ref name="text"/></element></optional>
        <zeroOrMore><element name="contributor"><ref name="person"/></element></zeroOrMore>
        <ref name="id"/>
        <zeroOrMore><ref name="link"/></zeroOrMore>
        <optional><element name="published"><ref name="date"/></element></optional>
        <optional><element name="rights"><ref name="text"/></element></optional>
        <optional><element name="summary"><ref name="text"/></element></optional>
        <element name="title"><ref name="text"/></element>
        <element name="updated"><ref name="date"/></element>
      </interleave>
    </element>
  </define>
  <define name="common">
    <optional><attribute name="xml:base"><ref name="uri"/></attribute></optional>
    <optional><attribute name="xml:lang"><data type="language"/></attribute></optional>
  </define>
  <define name="text"><ref name="common"/>
    <optional><attribute name="type"><choice><value>text</value><value>html</value></choice>
    </attribute></optional><text/>
  </define>
  <define name="person"><ref name="common"/>
    <interleave>
      <element name="name"><text/></element>
      <optional><element name="uri"><ref name="uri"/></element></optional>
      <optional><element name="email"><data type="string"><param name="pattern">.+@.+</param>
      </data></element></optional>
    </interleave>
  </define>
  <define name="author"><element name="author"><ref name="person"/></element></define>
  <define name="id"><element name="id"><ref name="common"/><ref name="uri"/></element></define>
  <define name="category">
    <element name="category"><ref name="common"/><attribute name="term"/>
      <optional><attribute name="scheme"><ref name="uri"/></attribute></optional>
      <optional><attribute name="label"/></optional><empty/>
    </element>
  </define>
  <define name="link">
    <element name="link"><ref name="common"/>
      <attribute name="href"><ref name="uri"/></attribute>
      <optional><attribute name="rel"><choice><data type="NCName"/><ref name="uri"/></choice>
      </attribute></optional>
      <optional><attribute name="type"><data type="string">
        <param name="pattern">[^/\s]+/[^/\s]+</param></data></attribute></optional>
      <optional><attribute name="hreflang"><data type="language"/></attribute></optional>
      <optional><attribute name="title"/></optional>
      <optional><attribute name="length"><data type="nonNegativeInteger"/></attribute></optional>
      <empty/>
    </element>
  </define>
  <define name="uri">  <!-- an absolute IRI: every IRI tinbao writes is one -->
    <data type="anyURI"><param name="pattern">[a-zA-Z][a-zA-Z0-9+.\-]*:\S+</param></data>
  </define>
  <define name="date"><ref name="common"/>  <!-- RFC 3339: a time zone is required -->
    <data type="dateTime">
      <param name="pattern">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+\-]\d\d:\d\d)</param>
    </data>
  </define>
</grammar>
"""
SCHEMA = etree.RelaxNG(etree.fromstring(RELAX_NG.encode()))
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


def feed(url: str, tmp_path: Path, *args: str) -> etree._Element:
    target = tmp_path / "feed.xml"
    arguments = ["--database-url", url, "export", "--format", "atom", "-o", str(target)]
    assert main([*arguments, *args]) == 0
    raw = target.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return assert_valid_atom(raw)


def assert_valid_atom(raw: bytes) -> etree._Element:
    """Well-formed XML (lxml raises otherwise), valid against SCHEMA, and the MUSTs of RFC 4287
    a schema cannot express; the root element."""
    root = etree.fromstring(raw)
    assert SCHEMA.validate(root), SCHEMA.error_log
    assert root.nsmap == {None: ATOM}  # Atom 1.0's namespace, and no other
    feed_author = root.find(f"{A}author/{A}name") is not None
    ids = []
    for entry in root.iterfind(f"{A}entry"):
        assert feed_author or entry.find(f"{A}author/{A}name") is not None
        links = entry.findall(f"{A}link")
        alternate = [link for link in links if link.get("rel", "alternate") == "alternate"]
        assert alternate or entry.find(f"{A}content") is not None
        kinds = {(link.get("type"), link.get("hreflang")) for link in alternate}
        assert len(kinds) == len(alternate), "one alternate link per type and language"
        ids.append(entry.findtext(f"{A}id"))
    assert len(ids) == len(set(ids)), "entry ids are unique"
    return root


GOOD = (
    '<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:x,2026:f</id><title>F</title>'
    "<updated>2026-11-20T01:00:00Z</updated><author><name>N</name></author>"
    "<entry><id>https://x.vn/a</id><title>T</title><updated>2026-11-20T08:00:00+07:00</updated>"
    '<link rel="alternate" type="text/html" href="https://x.vn/a"/></entry></feed>'
)
TWIN = (
    "<entry><id>https://x.vn/a</id><title>T</title><updated>2026-11-20T01:00:00Z</updated>"
    "<content>c</content></entry>"
)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<id>https://x.vn/a</id>", ""),  # an entry without its id
        ("<title>T</title>", "<title>T</title><title>U</title>"),  # two titles
        ("2026-11-20T01:00:00Z", "2026-11-20 01:00:00"),  # not RFC 3339
        ("08:00:00+07:00", "08:00:00"),  # no time zone
        ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#"),  # Atom 0.3
        ('href="https://x.vn/a"', 'href="a.html"'),  # a relative link
        ("<author><name>N</name></author>", ""),  # an entry with no author at all
        ('<link rel="alternate" type="text/html" href="https://x.vn/a"/>', ""),  # no link/content
        ("<feed ", "<feed xmlns:x='urn:x' "),  # a second namespace
        ("</entry>", f"</entry>{TWIN}"),  # two entries with one id
    ],
)
def test_the_validator_refuses_what_is_not_atom(old: str, new: str) -> None:
    assert_valid_atom(GOOD.encode())
    with pytest.raises(AssertionError):
        assert_valid_atom(GOOD.replace(old, new, 1).encode())


def test_a_site_feed(url: str, tmp_path: Path) -> None:
    root = feed(url, tmp_path, "--site", "baocantho")
    assert root.findtext(f"{A}id") == "tag:tinbao,2026:site/baocantho"
    assert root.findtext(f"{A}title") == "Báo Cần Thơ (tinbao)"
    assert root.findtext(f"{A}updated") == "2026-11-20T01:00:00Z"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    [entry] = root.findall(f"{A}entry")
    assert entry.findtext(f"{A}id") == DA_NANG_STONE.url
    assert entry.findtext(f"{A}title") == DA_NANG_STONE.title
    assert entry.findtext(f"{A}updated") == entry.findtext(f"{A}published")
    assert entry.findtext(f"{A}published") == "2026-11-20T01:00:00Z"
    assert entry.findtext(f"{A}summary") == DA_NANG_STONE.lead
    assert entry.findtext(f"{A}content") == DA_NANG_STONE.body
    assert entry.findtext(f"{A}author/{A}name") == "Báo Cần Thơ"  # nobody credited: the paper
    [link] = entry.findall(f"{A}link")
    assert (link.get("rel"), link.get("href")) == ("alternate", DA_NANG_STONE.url)


def test_a_province_feed_holds_its_papers_newest_first(url: str, tmp_path: Path) -> None:
    root = feed(url, tmp_path, "--province", "can tho")
    assert root.findtext(f"{A}id") == "tag:tinbao,2026:province/can-tho"
    assert root.findtext(f"{A}title") == "Cần Thơ (tinbao)"
    assert root.findtext(f"{A}updated") == "2026-11-21T12:00:00Z"  # its newest entry
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
    assert empty.findtext(f"{A}author/{A}name") == "tinbao"  # the feed's, for no entry


def test_a_feed_on_both_backends(session: Session) -> None:
    """Undated articles come last on PostgreSQL too (its NULLs sort first by default), and a
    time with another offset is written in UTC."""
    saigon = timezone(timedelta(hours=7))
    undated = Record("https://baocantho.com.vn/khong-ngay-a7.html", "Không ngày", "Thân bài.")
    store(session, "baocantho", undated)
    store(session, "baocantho", DA_NANG_STONE)
    store(session, "baosoctrang", SOC_TRANG)
    session.commit()
    out = StringIO()
    head = Feed("tag:tinbao,2026:sites/test", "Test", datetime(2026, 11, 22, 8, 30, tzinfo=saigon))
    rows = iter_articles(session, Selection(), newest_first=True)
    assert write_atom(head, rows, out, {"baocantho": "Báo Cần Thơ"}) == 3
    root = assert_valid_atom(out.getvalue().encode())
    assert root.findtext(f"{A}updated") == "2026-11-22T01:30:00Z"
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}id") for e in entries] == [
        SOC_TRANG.url,
        DA_NANG_STONE.url,
        undated.url,
    ]
    assert entries[2].find(f"{A}published") is None
    assert entries[2].findtext(f"{A}updated") == "2026-11-23T12:00:00Z"  # first seen
    assert entries[0].findtext(f"{A}author/{A}name") == "THẠCH SÔ PHOL"
