"""What a crawl may skip: every URL an article was met under; and articles a site dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import (
    Article,
    Validators,
    known_urls,
    load_validators,
    mark_gone,
    save_article,
    store_validators,
)
from tests.test_storage import Record

T0 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
FETCHED = "https://m.baocantho.com.vn/tap-trung-trien-khai-a196670.html?utm_source=zalo"


def test_canonical_and_fetched_urls_are_known(session: Session) -> None:
    save_article(session, "baocantho", Record(), now=T0, aliases=[FETCHED])
    session.commit()
    assert known_urls(session, "baocantho") == {Record().url, FETCHED}
    assert known_urls(session, "baolaocai") == set()


def test_the_url_of_a_duplicate_is_known_too(session: Session) -> None:
    save_article(session, "baocantho", Record(), now=T0)
    copy = Record(url="https://baolaocai.vn/ban-sao-post1.html")
    save_article(session, "baolaocai", copy, now=T0)
    session.commit()
    assert known_urls(session, "baolaocai") == {copy.url}


def test_saving_again_records_each_url_once(session: Session) -> None:
    for _ in range(2):
        save_article(session, "baocantho", Record(), now=T0, aliases=[FETCHED, FETCHED])
        session.commit()
    assert len(known_urls(session, "baocantho")) == 2


def test_a_gone_article_keeps_its_copy_until_it_is_served_again(session: Session) -> None:
    save_article(session, "baocantho", Record(), now=T0, aliases=[FETCHED])
    session.commit()
    assert mark_gone(session, FETCHED, now=T0 + timedelta(days=1))
    assert mark_gone(session, Record().url, now=T0 + timedelta(days=2))  # the first date stays
    session.commit()
    article = session.scalars(select(Article)).one()
    assert article.gone_at == T0 + timedelta(days=1)
    assert article.body == Record().body
    save_article(session, "baocantho", Record(), now=T0 + timedelta(days=3))
    session.commit()
    assert session.scalars(select(Article)).one().gone_at is None


def test_an_unknown_url_is_not_marked(session: Session) -> None:
    assert not mark_gone(session, "https://baocantho.com.vn/khong-co-a9.html", now=T0)


def test_validators_are_stored_and_replaced(session: Session) -> None:
    feed = "https://baocantho.com.vn/rss/cate/thoi-su/"
    store_validators(session, {feed: Validators(etag='"v1"')}, now=T0)
    session.commit()
    store_validators(
        session, {feed: Validators(etag='"v2"', last_modified="Mon, 23 Nov 2026")}, now=T0
    )
    session.commit()
    assert load_validators(session, [feed, "https://other/"]) == {
        feed: Validators(etag='"v2"', last_modified="Mon, 23 Nov 2026")
    }
