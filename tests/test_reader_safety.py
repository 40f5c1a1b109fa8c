"""What came from the web never runs in the reader: escaped text, no link to a `javascript:`
URL, a CSP that allows no script; the reader cannot write the archive; what a URL carries is
bounded; `tinbao serve` binds 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import InternalError, OperationalError
from starlette.testclient import TestClient

from scheduler.cli import parser
from storage import Base, create_schema, make_engine
from storage.existing import open_read_only
from tests.conftest import POSTGRES_URL
from tests.reader_archive import EVIL_URL, SCRIPT_TITLE, app_for, build

Archive = tuple[TestClient, dict[str, int]]


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    url = f"sqlite:///{tmp_path / 'tinbao.db'}"
    writer = make_engine(url)
    create_schema(writer)
    ids = build(writer)
    writer.dispose()
    engine = open_read_only(url)
    with TestClient(app_for(engine)) as client:  # type: ignore[arg-type]
        yield client, ids
    engine.dispose()


def test_a_crawled_script_title_is_escaped_everywhere(archive: Archive) -> None:
    client, ids = archive
    for path in ("/", f"/bai/{ids['hostile']}", "/tinh/lao-cai", "/bao/baolaocai"):
        html = client.get(path).text
        assert "<script" not in html, path
        assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html, path
        assert "<img src=x" not in html, path
    search = client.get("/tim", params={"q": SCRIPT_TITLE}).text
    assert "<script" not in search and "&lt;script&gt;" in search


def test_a_javascript_url_is_shown_not_linked(archive: Archive) -> None:
    client, ids = archive
    html = client.get(f"/bai/{ids['hostile']}").text
    assert "javascript:" not in re.findall(r'href="([^"]*)"', html).__str__()
    assert f'<span class="unsafe-url">{EVIL_URL}</span>' in html


def test_every_response_carries_the_security_headers(archive: Archive) -> None:
    client, ids = archive
    for path in ("/", f"/bai/{ids['original']}", "/static/tinbao.css", "/nowhere", "/atom.xml"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp, path
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_no_page_has_inline_script_or_style(archive: Archive) -> None:
    client, ids = archive
    for path in ("/", f"/bai/{ids['original']}", "/tim?q=da+nang", "/suc-khoe", "/tinh"):
        html = client.get(path).text
        assert "<script" not in html and "<style" not in html and " style=" not in html
        assert re.findall(r"<[^>]*\son\w+\s*=", html) == [], path  # no event handlers


def test_the_read_only_engine_cannot_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tinbao.db'}"
    writer = make_engine(url)
    create_schema(writer)
    writer.dispose()
    engine = open_read_only(url)
    with pytest.raises(OperationalError, match=r"readonly"), engine.begin() as connection:
        connection.execute(text("DELETE FROM articles"))
    engine.dispose()


@pytest.mark.postgres
def test_the_read_only_engine_cannot_write_on_postgresql(postgres_schema: str) -> None:
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{postgres_schema}"
    writer = make_engine(url)
    Base.metadata.drop_all(writer)
    create_schema(writer)
    writer.dispose()
    engine = open_read_only(url)
    with pytest.raises(InternalError, match="read-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM articles"))
    engine.dispose()


@pytest.mark.parametrize(
    "path",
    [
        "/tim?q=" + "a" * 201,
        "/tim?q=da&trang=26",
        "/tim?q=da&trang=0",
        "/tim?q=da&trang=x",
        "/tim?q=da&tu=2026-13-01",
        "/tim?q=da&tu=9999-12-31&den=9999-12-31",
        "/tim?q=da&tu=2026-11-02&den=2026-11-01",
        "/tim?q=da&tinh=atlantis",
        "/tim?q=da&bao=" + "x" * 65,
        "/?sau=abc",
        "/?sau=99999999999999999999999",
        "/?sau=424242",
    ],
)
def test_out_of_bounds_parameters_are_a_400(archive: Archive, path: str) -> None:
    client, _ = archive
    response = client.get(path)
    assert response.status_code == 400, response.text
    assert '<html lang="vi">' in response.text


def test_serve_binds_localhost_by_default() -> None:
    options = parser().parse_args(["serve"])
    assert (options.host, options.port) == ("127.0.0.1", 8080)
