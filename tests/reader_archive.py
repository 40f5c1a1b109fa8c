"""A small archive for the reader's tests: a story carried by three papers (the original, a
copy with a new title and a dateline, an identical copy met on a third paper), an edited
article with an earlier revision, hostile text (a `<script>` title, a `javascript:` URL),
and plain articles, all stored through the real `save_article`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from reader import Directory, create_app
from scheduler.commands.serve import directory
from storage import make_sessionmaker
from storage.models import Article, ArticleUrl
from tests.search_records import Record, store
from tests.test_similarity import STORY

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 08:00 20/11/2026 in Vietnam
SCRIPT_TITLE = '<script>window.pwned = 1</script> Tiêu đề "độc" & lạ'
EVIL_URL = "javascript:window.pwned=2"

ORIGINAL = Record(
    url="https://baodanang.vn/mua-lon-a1.html",
    title="Đà Nẵng mưa lớn, nhiều tuyến đường ngập",
    lead="Mưa lớn kéo dài khiến nhiều tuyến phố ở Đà Nẵng ngập sâu.",
    body=STORY,
    authors=("HOÀNG HIỆP", "MINH ANH"),
    published_at=T0,
    section="Thời sự",
    tags=("mưa lũ", "Đà Nẵng"),
)
COPY = Record(
    url="https://baoquangnam.vn/da-nang-ngap-a2.html",
    title="Mưa lớn, Đà Nẵng ngập nhiều tuyến đường",
    lead="Mưa lớn kéo dài khiến nhiều tuyến phố ở Đà Nẵng ngập sâu trong đêm.",
    body=f"(BQN) - {STORY}",
    published_at=T0 + timedelta(hours=2, minutes=5),
)


def fill(session: Session) -> dict[str, int]:
    """Store the test articles; their ids by name. The caller commits."""
    ids = {"original": store(session, "baodanang", ORIGINAL)}
    ids["copy"] = store(session, "baoquangnam", COPY)
    for number in range(25):  # enough for two pages of a list
        record = Record(
            url=f"https://baocantho.com.vn/tin-{number}.html",
            title=f"Cần Thơ tin số {number}",
            lead=f"Sapo của tin số {number} về Cần Thơ.",
            body=f"Nội dung tin số {number}, chuyện đồng bằng số {number * 7919 % 1000}.",
            published_at=T0 - timedelta(hours=number + 1),
        )
        ids[f"cantho{number}"] = store(session, "baocantho", record)
    edited = Record(
        url="https://baolaocai.vn/gia-rau-a3.html",
        title="Giá rau tăng mạnh",
        lead="Giá rau ở Lào Cai tăng.",
        body="Giá rau tăng gấp đôi sau mưa.\nTiểu thương nói gì\nNgười bán lo lắng.",
        published_at=T0 - timedelta(days=1),
    )
    ids["edited"] = store(session, "baolaocai", edited, now=NOW - timedelta(days=1))
    changed = Record(**{**edited.__dict__, "title": "Giá rau tăng mạnh sau mưa lũ",
                        "body": edited.body + "\nCơ quan chức năng vào cuộc."})  # fmt: skip
    store(session, "baolaocai", changed, now=NOW)
    hostile = Record(
        url="https://baolaocai.vn/doc-a4.html",
        title=SCRIPT_TITLE,
        lead="<img src=x onerror=alert(1)> sapo",
        body="<b>đậm</b>\n<script>alert(3)</script>",
        published_at=T0 - timedelta(minutes=30),
    )
    ids["hostile"] = store(session, "baolaocai", hostile)
    session.flush()
    # a crawled URL the extractor would never keep, to check the page does not link it
    session.execute(update(Article).where(Article.id == ids["hostile"]).values(url=EVIL_URL))
    # the identical text met on a third paper: one more URL of the original
    session.add(
        ArticleUrl(url="https://baohue.vn/mua-lon.html", article_id=ids["original"],
                   site="huengaynay", first_seen_at=NOW, published_at=T0 + timedelta(hours=5))
    )  # fmt: skip
    return ids


def build(engine: Engine) -> dict[str, int]:
    with make_sessionmaker(engine)() as session:
        ids = fill(session)
        session.commit()
    return ids


def app_for(engine: Engine, papers: Directory | None = None) -> object:
    return create_app(engine, papers or directory(), clock=lambda: NOW)
