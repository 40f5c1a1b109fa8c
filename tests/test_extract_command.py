"""`tinbao extract FILE|URL`: one saved page (or a page on 127.0.0.1) read as a crawl reads it,
with the site's hints reported one by one and the crawl's verdict."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.gold import corpus_dir
from crawler.extraction import extract
from crawler.registry import load_registry
from scheduler.cli import main
from tests.replica import ReplicaServer, ReplicaSite

PROXIES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
BODY = "".join(
    f"<p>Người dân phấn khởi đón mùa lúa mới, đoạn {n} của bài viết.</p>" for n in range(8)
)
PAGE = f"""<html><head><title>Mùa lúa mới | Báo Thử</title>
<link rel="canonical" href="https://baothu.vn/mua-lua-moi-a1.html"></head>
<body><article><h1>Mùa lúa mới về trên cánh đồng Phong Điền</h1>
<div class="ngay">20/11/2026 08:15</div>
<div class="tomtat">(BT) - Nông dân Phong Điền vui mừng vì lúa được mùa, được giá vụ này.</div>
<div class="noidung">{BODY}<p class="tacgia">Hà Văn</p></div>
</article></body></html>"""
SITES = """
[sites.baothu]
name = "Báo Thử"
home = "https://baothu.vn/"
article_url = '-a\\d+\\.html$'
province = "Cần Thơ"
status = "active"

[sites.baothu.hints]
lead = "div.tomtat"
authors = "p.tacgia"
drop = ["div.quangcao", "p.tacgia"]
"""


@pytest.fixture(autouse=True)
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(SITES, "utf-8")
    monkeypatch.setenv("TINBAO_SITES", str(sites))
    for name in PROXIES:  # the replica is reached directly
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "page.html"
    path.write_text(PAGE, "utf-8")
    return path


def labelled(out: str) -> dict[str, str]:
    """The labelled lines before the body."""
    return dict(line.split(None, 1) for line in out.split("\n\n")[0].splitlines())


def test_a_saved_page_is_read_with_the_sites_hints_each_reported(
    saved: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extract", str(saved), "--site", "baothu"]) == 0
    out = capsys.readouterr().out
    rows = labelled(out)
    assert rows["url"] == "https://baothu.vn/mua-lua-moi-a1.html"  # the page's canonical URL
    assert rows["lead"].startswith("(BT) - Nông dân Phong Điền")
    assert rows["authors"] == "Hà Văn"
    assert rows["published"] == "2026-11-20 08:15:00 (UTC+7)"
    assert rows["site"] == "baothu"
    assert rows["hints"] == (
        "lead 'div.tomtat' matched 1; drop 'div.quangcao' matched nothing; "
        "drop 'p.tacgia' matched 1; authors 'p.tacgia' matched 1"
    )
    assert rows["fills"] == "title yes, lead yes, body no, authors yes, time yes, section no"
    assert rows["verdict"] == "an article: a crawl would store it"
    body = out.split("\n\n", 1)[1]
    assert "đoạn 7 của bài viết" in body and "Hà Văn" not in body


def test_the_site_comes_from_the_pages_address_and_json_has_the_whole_article(
    saved: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://www.baothu.vn/mua-lua-moi-a1.html"
    assert main(["extract", str(saved), "--url", url, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["site"] == "baothu"
    assert record["article"]["authors"] == ["Hà Văn"]
    assert record["article"]["published_at"] == "2026-11-20T08:15:00+07:00"
    assert record["filled"]["lead"] is True and record["stored"] is True
    assert {"field": "lead", "selector": "div.tomtat", "matches": 1} in record["hints"]
    expected = extract(PAGE.encode(), url, load_registry()["baothu"].hints)
    assert record["article"]["body"] == expected.body


def test_without_a_site_the_generic_rules_alone_read_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "elsewhere.html"
    saved.write_text(PAGE.replace("baothu.vn", "baokhac.vn"), "utf-8")
    assert main(["extract", str(saved)]) == 0
    rows = labelled(capsys.readouterr().out)
    assert rows["hints"] == "none (the generic rules alone)"
    assert rows["site"].startswith("- (not a registry site's page")


def test_a_page_that_is_no_article_says_why_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    assert main(["extract", str(empty), "--site", "baothu", "--json"]) == 1
    record = json.loads(capsys.readouterr().out)
    assert (record["stored"], record["verdict"]) == (False, "empty_body")
    assert all(h["matches"] == 0 for h in record["hints"])
    binary = tmp_path / "photo.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert main(["extract", str(binary)]) == 1
    assert labelled(capsys.readouterr().out)["verdict"] == "not stored: the page is binary"
    untitled = tmp_path / "untitled.html"
    untitled.write_text("<html><body><p>Chỉ một dòng.</p></body></html>", "utf-8")
    assert main(["extract", str(untitled), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["verdict"] == "no_title"
    gone = tmp_path / "gone.html"
    missing = "Bài viết không tồn tại"
    gone.write_text(f"<html><head><title>{missing}</title></head><body><h1>{missing}</h1>"
                    "<p>Xin lỗi.</p></body></html>", "utf-8")  # fmt: skip
    assert main(["extract", str(gone)]) == 1
    rows = labelled(capsys.readouterr().out)
    assert rows["verdict"] == "not stored: the page reads as a 'not found' page"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["extract", "page.html", "--site", "baothuu"], "unknown site 'baothuu'; did you mean"),
        (["extract", "missing.html"], "tinbao: cannot read missing.html:"),
        (["extract", "https://baothu.vn/a-a1.html", "--url", "x"], "--url is for a saved FILE"),
        (["extract"], "the following arguments are required: FILE|URL"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, saved: Path,
) -> None:  # fmt: skip
    monkeypatch.chdir(saved.parent)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


# -- a URL, on 127.0.0.1 -------------------------------------------------------------------
SITE = ReplicaSite(articles=3, home_articles=3)


@pytest.fixture(scope="module")
def server() -> Iterator[ReplicaServer[ReplicaSite]]:
    with ReplicaServer(SITE, etags=False) as server:
        yield server


def test_a_url_is_fetched_politely_and_read(
    server: ReplicaServer[ReplicaSite], capsys: pytest.CaptureFixture[str]
) -> None:
    article = SITE.article(1)
    assert main(["extract", server.base_url + article.path, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["article"]["title"] == article.title
    assert record["site"] is None and record["stored"] is True


def test_a_url_robots_forbid_or_that_fails_is_not_read(
    server: ReplicaServer[ReplicaSite], capsys: pytest.CaptureFixture[str]
) -> None:
    private = server.base_url + SITE.private_article.path
    assert main(["extract", private]) == 1
    assert f"could not fetch the page: robots.txt of {server.base_url}/ forbids" in (
        capsys.readouterr().err
    )
    assert main(["extract", server.base_url + "/khong-co-a1.html", "--timeout", "5"]) == 1
    assert "HTTP 404" in capsys.readouterr().err


# -- a real page -----------------------------------------------------------------------------
def test_a_real_saved_page_reads_as_the_crawl_reads_it(capsys: pytest.CaptureFixture[str]) -> None:
    page = corpus_dir() / "vn" / "baocantho.com.vn" / "article.html"
    if not page.is_file():
        pytest.skip(f"recorded corpus not found at {corpus_dir()} (set TINBAO_CORPUS)")
    url = "https://baocantho.com.vn/x-a1.html"
    assert main(["extract", str(page), "--url", url, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    expected = extract(page.read_bytes(), url, load_registry()["baocantho"].hints)
    assert record["site"] == "baocantho"
    assert (record["article"]["title"], record["article"]["lead"]) == (
        expected.title,
        expected.lead,
    )
    assert record["filled"] == dict.fromkeys(record["filled"], True)
