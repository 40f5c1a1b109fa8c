"""Re-extraction: the current extractor run again over the raw pages kept in WARC files.

The archive is written as a crawl writes it (save_article with a WARC reference) from pages read
without hints; re-extraction runs with a hint dropping a promotion box, so the pages that have
one change and the others do not.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

import crawler.extraction
import crawler.reextract
import storage.engine
from crawler.extraction import EXTRACTOR_VERSION, Hints, extract
from crawler.reextract import Counts, reextract
from crawler.registry import Site, load_registry
from crawler.warc import RawPage, WarcFile
from scheduler.cli import main
from storage import Article, make_sessionmaker, open_archive, save_article
from storage.export import Selection
from storage.models import ArticleRevision, ArticleSignature
from storage.revisions import revisions
from tests.replica import ReplicaServer, ReplicaSite, run_crawl

WHEN = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
VIETNAM = timezone(timedelta(hours=7))
OLD = "2026.1.1"
# a box only the site's `drop` hint removes (generic rules take it for a paragraph)
PROMO = "Hội chợ nông sản Cần Thơ mở cửa với giá ưu đãi trong tháng này tại các bưu cục."
UTF8 = [("Content-Type", "text/html; charset=utf-8")]


@pytest.fixture(autouse=True)
def no_user_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TINBAO_SITES", raising=False)
    monkeypatch.delenv("TINBAO_WARC_DIR", raising=False)


def url(number: int, site: str = "baocantho") -> str:
    host = {"baocantho": "baocantho.com.vn", "baolaocai": "baolaocai.vn"}[site]
    return f"https://{host}/bai-so-{number}-a{number}.html"


def html(number: int, *, promo: bool = True, day: int = 20) -> str:
    box = f'<div class="promo"><p>{PROMO}</p></div>' if promo else ""
    return (
        f'<html lang="vi"><head><title>Mùa lúa mới số {number}</title>'
        f'<meta property="article:published_time" content="2026-11-{day:02d}T08:00:00+07:00">'
        f'</head><body><h1>Mùa lúa mới số {number}</h1><div class="content">'
        f"<p>Nông dân Cần Thơ thu hoạch vụ lúa thu đông số {number}, năng suất cao hơn năm "
        "trước.</p>"
        "<p>Giá lúa tươi tại ruộng dao động từ 7.000 đến 7.500 đồng mỗi ký, thương lái đến tận "
        f"nơi thu mua.</p>{box}</div></body></html>"
    )


def registry(drop: tuple[str, ...] = ("div.promo",)) -> dict[str, Site]:
    builtin = load_registry()
    return {
        key: replace(builtin[key], hints=Hints(drop=drop)) for key in ("baocantho", "baolaocai")
    }


def store(
    session: Session,
    warc: WarcFile,
    number: int,
    *,
    site: str = "baocantho",
    promo: bool = True,
    day: int = 20,
    page: bytes | None = None,
    headers: list[tuple[str, str]] = UTF8,
) -> int:
    """Keep the page raw and store the article as a crawl without hints read it; its id."""
    raw = page if page is not None else html(number, promo=promo, day=day).encode()
    ref = warc.write(RawPage(url(number, site), 200, headers, raw, WHEN))
    record = extract(raw, url(number, site))
    save_article(session, site, record, now=WHEN, warc_file=ref.file, warc_offset=ref.offset,
                 extractor_version=OLD)  # fmt: skip
    stored = session.scalar(select(Article).where(Article.url == url(number, site)))
    assert stored is not None
    return stored.id


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def warc(tmp_path: Path) -> Iterator[WarcFile]:
    file = WarcFile(tmp_path / "warc", "baocantho-20261123T030000Z-1.warc.gz")
    yield file  # each record is flushed as it is written
    file.close()


def article(sessions: sessionmaker[Session], article_id: int) -> Article:
    with sessions() as session:
        found = session.get(Article, article_id)
        assert found is not None
        return found


def test_the_changed_article_is_corrected_and_the_others_left(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        boxed, plain = store(session, warc, 1), store(session, warc, 2, promo=False)
    before, plain_before = article(sessions, boxed), article(sessions, plain)
    assert before.body.endswith(PROMO)

    counts = reextract(sessions, tmp_path / "warc", registry())

    assert counts == Counts(read=2, changed=1, unchanged=1, failed=0)
    after = article(sessions, boxed)
    assert PROMO not in after.body and after.body == before.body.removesuffix("\n" + PROMO)
    assert after.content_hash != before.content_hash
    assert (after.title, after.published_at) == (before.title, before.published_at)
    assert (after.url, after.last_seen_at) == (before.url, before.last_seen_at)
    plain_after = article(sessions, plain)
    assert (plain_after.body, plain_after.content_hash) == (
        plain_before.body, plain_before.content_hash
    )  # fmt: skip


def test_the_extractor_version_is_recorded_changed_or_not(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        ids = [store(session, warc, 1), store(session, warc, 2, promo=False)]
    assert {article(sessions, i).extractor_version for i in ids} == {OLD}
    reextract(sessions, tmp_path / "warc", registry())
    assert {article(sessions, i).extractor_version for i in ids} == {EXTRACTOR_VERSION}


def test_a_correction_is_no_revision_and_keeps_the_story(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        boxed = store(session, warc, 1)
    before = article(sessions, boxed)
    with sessions() as session:
        old_signature = session.get(ArticleSignature, boxed)
        assert old_signature is not None and before.story_id is not None

    assert reextract(sessions, tmp_path / "warc", registry()).changed == 1

    after = article(sessions, boxed)
    with sessions() as session:
        assert revisions(session, boxed) == []
        assert session.scalar(select(func.count()).select_from(ArticleRevision)) == 0
        new_signature = session.get(ArticleSignature, boxed)
        assert new_signature is not None and new_signature.signature != old_signature.signature
    assert after.revised_at is None
    assert after.story_id == before.story_id


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("warc_file", "baocantho-20250101T000000Z-9.warc.gz",
         "baocantho-20250101T000000Z-9.warc.gz is missing"),
        ("warc_offset", 7, "no readable record at"),  # inside the first gzip member
    ],
)  # fmt: skip
def test_a_lost_or_broken_record_fails_that_article_only(
    sessions: sessionmaker[Session],
    warc: WarcFile,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    column: str,
    value: object,
    message: str,
) -> None:
    with sessions.begin() as session:
        broken, kept = store(session, warc, 1), store(session, warc, 2)
        setattr(session.get_one(Article, broken), column, value)

    with caplog.at_level(logging.WARNING, logger="crawler.reextract"):
        counts = reextract(sessions, tmp_path / "warc", registry())

    assert counts == Counts(read=2, changed=1, unchanged=0, failed=1)
    assert f"article {broken} not re-extracted ({url(1)}): " in caplog.text
    assert message in caplog.text
    assert PROMO in article(sessions, broken).body and PROMO not in article(sessions, kept).body
    assert article(sessions, broken).extractor_version == OLD


def test_a_record_of_another_page_is_not_used(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        first, second = store(session, warc, 1), store(session, warc, 2)
        session.get_one(Article, second).warc_offset = session.get_one(Article, first).warc_offset
    assert reextract(sessions, tmp_path / "warc", registry()) == Counts(2, 1, 0, 1)
    assert article(sessions, second).title == "Mùa lúa mới số 2"


def test_an_extractor_error_fails_that_article_only(
    sessions: sessionmaker[Session],
    warc: WarcFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with sessions.begin() as session:
        ids = [store(session, warc, 1), store(session, warc, 2)]

    def extract_or_fail(page: str | bytes, page_url: str, hints: Hints | None = None) -> object:
        if page_url == url(1):
            raise RuntimeError("lxml gave up")
        return extract(page, page_url, hints)

    monkeypatch.setattr(crawler.extraction, "extract", extract_or_fail)
    with caplog.at_level(logging.WARNING, logger="crawler.reextract"):
        counts = reextract(sessions, tmp_path / "warc", registry())
    assert counts == Counts(read=2, changed=1, unchanged=0, failed=1)
    assert f"article {ids[0]} not re-extracted ({url(1)}): extraction failed: RuntimeError" in (
        caplog.text
    )


def test_a_page_that_no_longer_reads_as_an_article_is_left_as_it_was(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        boxed = store(session, warc, 1)
    before = article(sessions, boxed)
    counts = reextract(sessions, tmp_path / "warc", registry(drop=("div.content",)))
    assert counts == Counts(read=1, changed=0, unchanged=0, failed=1)
    assert article(sessions, boxed).body == before.body


def test_a_text_another_article_has_is_a_clash_and_changes_nothing(
    sessions: sessionmaker[Session],
    warc: WarcFile,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with sessions.begin() as session:
        plain = store(session, warc, 1, promo=False)
        # a copy under another URL, with the box: once the box is dropped it is the same text
        boxed = store(session, warc, 1001, page=html(1).encode())
    before = article(sessions, boxed)
    with caplog.at_level(logging.WARNING, logger="crawler.reextract"):
        counts = reextract(sessions, tmp_path / "warc", registry())
    assert counts == Counts(read=2, changed=0, unchanged=1, failed=1)
    assert (
        f"article {boxed} not re-extracted ({url(1001)}): "
        f"its new text is already stored as article {plain}"
    ) in caplog.text
    after = article(sessions, boxed)
    assert (after.body, after.content_hash) == (before.body, before.content_hash)
    assert after.extractor_version == OLD  # the row still holds the older reading


def test_the_site_filter(sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path) -> None:
    with sessions.begin() as session:
        here, there = store(session, warc, 1), store(session, warc, 2, site="baolaocai")
    counts = reextract(sessions, tmp_path / "warc", registry(), Selection(sites=("baolaocai",)))
    assert counts == Counts(read=1, changed=1, unchanged=0, failed=0)
    assert article(sessions, here).extractor_version == OLD
    assert article(sessions, there).extractor_version == EXTRACTOR_VERSION


def test_the_since_filter_is_on_the_publication_time(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        old, new = store(session, warc, 1, day=10), store(session, warc, 2, day=20)
    since = datetime(2026, 11, 15, tzinfo=VIETNAM)
    counts = reextract(sessions, tmp_path / "warc", registry(), Selection(since=since))
    assert counts == Counts(read=1, changed=1, unchanged=0, failed=0)
    assert PROMO in article(sessions, old).body and PROMO not in article(sessions, new).body


def test_articles_without_a_raw_page_are_counted_apart(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        store(session, warc, 1)
        record = extract(html(2).encode(), url(2))
        save_article(session, "baocantho", record, now=WHEN)  # crawled before WARC files
    counts = reextract(sessions, tmp_path / "warc", registry())
    assert counts == Counts(read=1, changed=1, unchanged=0, failed=0, without_raw=1)


def test_batches_commit_in_id_order_with_progress(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        ids = [store(session, warc, n, promo=n != 2) for n in range(1, 6)]
    seen: list[int] = []
    counts = reextract(sessions, tmp_path / "warc", registry(), batch=2, progress=seen.append)
    assert seen == [2, 4, 5]
    assert counts == Counts(read=5, changed=4, unchanged=1, failed=0)
    assert all(PROMO not in article(sessions, i).body for i in ids)


def test_workers_read_the_records_in_more_than_one_process_and_write_as_inline(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        ids = [store(session, warc, n, promo=n % 3 != 0) for n in range(1, 13)]
        session.get_one(Article, ids[4]).warc_file = "gone.warc.gz"
    seen: list[int] = []
    counts = reextract(sessions, tmp_path / "warc", registry(), batch=5, progress=seen.append,
                       workers=2)  # fmt: skip
    assert counts == Counts(read=12, changed=7, unchanged=4, failed=1)
    assert seen == [5, 10, 12]
    assert len(counts.processes) == 2 and os.getpid() not in counts.processes
    assert all(PROMO not in article(sessions, i).body for i in ids if i != ids[4])
    assert PROMO in article(sessions, ids[4]).body
    assert {article(sessions, i).extractor_version for i in ids} == {EXTRACTOR_VERSION, OLD}


def test_without_workers_every_record_is_read_here(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        store(session, warc, 1)
    assert reextract(sessions, tmp_path / "warc", registry()).processes == {os.getpid()}


def test_a_dry_run_changes_nothing(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        boxed = store(session, warc, 1)
    counts = reextract(sessions, tmp_path / "warc", registry(), dry_run=True)
    assert counts == Counts(read=1, changed=1, unchanged=0, failed=0)
    assert PROMO in article(sessions, boxed).body
    assert article(sessions, boxed).extractor_version == OLD


REVISED = "năng suất cao kỷ lục, tăng 12% so với năm trước"


@pytest.mark.parametrize("revised", [True, False], ids=["new text", "same text refetched"])
def test_an_article_a_crawl_changes_meanwhile_is_skipped_not_overwritten(
    sessions: sessionmaker[Session],
    warc: WarcFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    revised: bool,
) -> None:
    with sessions.begin() as session:
        first, second = store(session, warc, 1), store(session, warc, 2)
    page = html(1).replace("năng suất cao hơn năm trước", REVISED) if revised else html(1)
    read_article = crawler.reextract.read_article

    def crawl_meanwhile(raw: RawPage, hints: Hints) -> object:
        """A crawl fetches the first article again while its older record is being read."""
        if raw.url == url(1):
            later = WHEN + timedelta(hours=1)
            ref = warc.write(RawPage(url(1), 200, UTF8, page.encode(), later))
            with sessions.begin() as session:
                save_article(session, "baocantho", extract(page.encode(), url(1)), now=later,
                             warc_file=ref.file, warc_offset=ref.offset,
                             extractor_version=OLD)  # fmt: skip
        return read_article(raw, hints)

    monkeypatch.setattr(crawler.reextract, "read_article", crawl_meanwhile)
    with caplog.at_level(logging.INFO, logger="crawler.reextract"):
        counts = reextract(sessions, tmp_path / "warc", registry())
    crawled = article(sessions, first)

    assert counts == Counts(read=2, changed=1, unchanged=0, failed=0, skipped=1)
    assert counts.summary() == "read 2, changed 1, unchanged 0, failed 0, skipped 1"
    assert f"article {first} skipped ({url(1)}): changed by a crawl" in caplog.text
    assert (REVISED in crawled.body) is revised and PROMO in crawled.body
    assert crawled.extractor_version == OLD  # the row holds the crawl's reading
    assert crawled.warc_offset != article(sessions, second).warc_offset
    assert PROMO not in article(sessions, second).body
    with sessions() as session:
        assert len(revisions(session, first)) == (1 if revised else 0)


def test_a_database_error_in_a_write_fails_that_article_only(
    tmp_path: Path,
    warc: WarcFile,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """SQLite busy: another connection holds the write lock past the busy timeout while the
    first article is written; it is released before the second is."""
    monkeypatch.setattr(storage.engine, "SQLITE_BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "busy.db"
    engine = open_archive(f"sqlite:///{path}")
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        first, second = store(session, warc, 1), store(session, warc, 2)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    read_article = crawler.reextract.read_article

    def another_writer(raw: RawPage, hints: Hints) -> object:
        if raw.url == url(1):
            other.execute("BEGIN IMMEDIATE")
        else:
            other.execute("ROLLBACK")
        return read_article(raw, hints)

    monkeypatch.setattr(crawler.reextract, "read_article", another_writer)
    try:
        with caplog.at_level(logging.WARNING, logger="crawler.reextract"):
            counts = reextract(sessions, tmp_path / "warc", registry())
        assert counts == Counts(read=2, changed=1, unchanged=0, failed=1)
        assert (
            f"article {first} not re-extracted ({url(1)}): database error: "
            "OperationalError: database is locked"
        ) in caplog.text
        assert article(sessions, first).extractor_version == OLD
        assert PROMO not in article(sessions, second).body
    finally:
        other.close()
        engine.dispose()


def test_the_summary_names_skipped_articles_only_when_there_are_some() -> None:
    assert Counts(3, 1, 1, 1).summary() == "read 3, changed 1, unchanged 1, failed 1"
    assert Counts(4, 1, 1, 1, 1).summary() == (
        "read 4, changed 1, unchanged 1, failed 1, skipped 1"
    )


def test_a_wrong_charset_is_corrected_as_the_spider_does(
    sessions: sessionmaker[Session], warc: WarcFile, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        boxed = store(session, warc, 1, headers=[("Content-Type", "text/html; charset=iso-8859-1")])
    assert reextract(sessions, tmp_path / "warc", registry()).changed == 1
    assert article(sessions, boxed).title == "Mùa lúa mới số 1"
    assert "Nông dân Cần Thơ" in article(sessions, boxed).body


def test_the_command_prints_the_summary_and_fails_on_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = f"sqlite:///{tmp_path / 'a.db'}"
    engine = open_archive(database)
    warc = WarcFile(tmp_path / "warc", "baocantho-1.warc.gz")
    with make_sessionmaker(engine).begin() as session:
        store(session, warc, 1, promo=False)
        lost = store(session, warc, 2, promo=False)
        session.get_one(Article, lost).warc_file = "gone.warc.gz"
    engine.dispose()
    warc.close()
    command = ["--database-url", database, "reextract", "--warc-dir", str(tmp_path / "warc")]
    assert main([*command, "--workers", "2"]) == 1
    assert capsys.readouterr().out == "read 2, changed 0, unchanged 1, failed 1\n"
    assert main(command) == 1
    assert capsys.readouterr().out == "read 2, changed 0, unchanged 1, failed 1\n"
    assert main([*command, "--site", "baolaocai"]) == 0
    assert capsys.readouterr().out == "read 0, changed 0, unchanged 0, failed 0\n"
    assert main([*command, "--site", "baohanoi"]) == 2
    assert "unknown site 'baohanoi'" in capsys.readouterr().err
    assert main(["--database-url", database, "reextract", "--warc-dir", str(tmp_path / "no")]) == 2
    assert "no WARC folder" in capsys.readouterr().err


@pytest.mark.e2e
def test_reextract_after_a_crawl_corrects_what_a_new_hint_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = ReplicaSite(articles=3)
    database = f"sqlite:///{tmp_path / 'a.db'}"
    sites, warc_dir = tmp_path / "sites.toml", tmp_path / "warc"
    with ReplicaServer(site) as server:
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        result = run_crawl("replica", sites_file=sites, database_url=database,
                           env={"TINBAO_WARC_DIR": str(warc_dir)})  # fmt: skip
        assert result.returncode == 0, result.log[-3000:]
        base_url = server.base_url
    [warc_file] = [p.name for p in warc_dir.iterdir()]
    assert warc_file.startswith("replica-") and warc_file.endswith(".warc.gz")

    engine = open_archive(database)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        before = {a.url: a for a in session.scalars(select(Article))}
    assert len(before) == 3
    assert {(a.warc_file, a.extractor_version) for a in before.values()} == {
        (warc_file, EXTRACTOR_VERSION)
    }
    # The site gets a hint dropping the 8th element of the text: the 5th paragraph of an article
    # that has one (lead, paragraph, photo, caption, paragraphs..., credit line).
    articles = {f"{base_url}{a.path}": a for a in site.public_articles()}
    assert sorted(len(a.paragraphs) for a in articles.values()) == [3, 5, 5]
    hint = '\n[sites.replica.hints]\ndrop = ["div.content-fck > p:nth-child(8)"]\n'
    sites.write_text(site.registry_toml(base_url) + hint, "utf-8")
    monkeypatch.setenv("TINBAO_SITES", str(sites))
    monkeypatch.setattr(crawler.extraction, "EXTRACTOR_VERSION", "2099.1.1")

    status = main(["--database-url", database, "reextract", "--warc-dir", str(warc_dir)])

    assert status == 0
    assert capsys.readouterr().out == "read 3, changed 2, unchanged 1, failed 0\n"
    with sessions() as session:
        after = {a.url: a for a in session.scalars(select(Article))}
        assert session.scalar(select(func.count()).select_from(ArticleRevision)) == 0
    engine.dispose()
    for address, published in articles.items():
        old, new = before[address], after[address]
        assert new.extractor_version == "2099.1.1"
        assert (new.title, new.lead, new.authors) == (old.title, old.lead, old.authors)
        if len(published.paragraphs) == 5:
            assert old.body == published.body
            assert new.body == "\n".join(published.paragraphs[:4])
            assert new.content_hash != old.content_hash
        else:
            assert (new.body, new.content_hash) == (old.body, old.content_hash)
