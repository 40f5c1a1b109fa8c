"""Stories: a syndicated copy joins its original's story, a follow-up on the same topic does
not, the earliest published copy is the original, and the index lives in the archive (on SQLite
and PostgreSQL alike)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from storage import SaveOutcome, make_sessionmaker, save_article
from storage.models import Article, ArticleSignature, ArticleUrl, LshBand, Story
from storage.stories import assign_unassigned
from tests.search_records import NOW, Record, store
from tests.test_similarity import OTHER, STORY

ORIGINAL = Record("https://baochinhphu.vn/thanh-tra-a1.html", "Tổng kết ngành Thanh tra", STORY,
                  published_at=NOW - timedelta(hours=5))  # fmt: skip
COPY = Record("https://baocantho.com.vn/thanh-tra-a2.html", "Ngành Thanh tra thu hồi nghìn tỉ",
              "(TTXVN) - " + STORY.replace("66.032", "66.100") + "\nTheo TTXVN",
              published_at=NOW - timedelta(hours=2))  # fmt: skip
FOLLOW_UP = Record("https://baochinhphu.vn/thanh-tra-a3.html", "Ngành Thanh tra năm 2026",
                   "Ngành Thanh tra bước vào năm 2026 với nhiều nhiệm vụ mới. Thanh tra Chính phủ "
                   "sẽ tập trung vào đất đai, đầu tư công và phòng chống tham nhũng. Các đoàn "
                   "thanh tra làm việc tại 12 tỉnh từ tháng 3.",
                   published_at=NOW)  # fmt: skip
GOLD = Record("https://baolaocai.vn/gia-vang-a4.html", "Giá vàng giảm", OTHER, published_at=NOW)


def story_of(session: Session, article_id: int) -> int | None:
    article = session.get(Article, article_id)
    assert article is not None
    return article.story_id


def test_a_copy_joins_the_story_and_other_texts_do_not(session: Session) -> None:
    original = store(session, "baochinhphu", ORIGINAL)
    copy = store(session, "baocantho", COPY)
    follow_up = store(session, "baochinhphu", FOLLOW_UP)
    gold = store(session, "baolaocai", GOLD)
    session.commit()
    assert len({original, copy, follow_up, gold}) == 4  # a near copy is an article of its own
    assert story_of(session, copy) == story_of(session, original) is not None
    assert story_of(session, follow_up) not in (story_of(session, original), None)
    assert story_of(session, gold) not in (story_of(session, original), None)
    assert session.scalar(select(func.count()).select_from(Story)) == 3


def test_the_earliest_published_copy_is_the_original(session: Session) -> None:
    copy = store(session, "baocantho", COPY)  # met first, published later
    original = store(session, "baochinhphu", ORIGINAL)
    session.commit()
    story = session.get(Story, story_of(session, copy))
    assert story is not None
    assert story.original_id == original
    assert story.first_published_at == ORIGINAL.published_at


def test_an_exact_copy_is_one_article_not_two(session: Session) -> None:
    first = store(session, "baochinhphu", ORIGINAL)
    again = Record("https://baolaocai.vn/thanh-tra-a9.html", "Khác tiêu đề", STORY)
    assert store(session, "baolaocai", again) == first
    session.commit()
    assert session.scalar(select(func.count()).select_from(Article)) == 1


def test_the_index_is_in_the_archive_and_serves_a_new_session(engine: Engine) -> None:
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        original = store(session, "baochinhphu", ORIGINAL)
        session.commit()
        assert session.scalar(select(func.count()).select_from(LshBand)) == 32
        assert session.get(ArticleSignature, original) is not None
    with sessions() as session:  # another session (a later crawl, another process)
        copy = store(session, "baocantho", COPY)
        session.commit()
        assert story_of(session, copy) == story_of(session, original)


def test_an_article_without_words_gets_a_story_of_its_own(session: Session) -> None:
    empty = store(session, "baolaocai", Record("https://baolaocai.vn/anh-a5.html", "Ảnh", "…"))
    session.commit()
    assert story_of(session, empty) is not None
    assert session.get(ArticleSignature, empty) is None


def test_articles_stored_before_stories_get_one(session: Session) -> None:
    original = store(session, "baochinhphu", ORIGINAL)
    copy = store(session, "baocantho", COPY)
    gold = store(session, "baolaocai", GOLD)
    session.commit()
    for table in (LshBand, ArticleSignature, Story):
        session.query(table).delete()
    session.query(Article).update({Article.story_id: None})
    session.commit()
    seen: list[int] = []
    assert assign_unassigned(session, batch=2, progress=seen.append) == 3
    assert seen == [2, 3]
    assert story_of(session, copy) == story_of(session, original) != story_of(session, gold)
    assert assign_unassigned(session) == 0


def test_copies_met_before_their_original_are_joined_when_it_comes(session: Session) -> None:
    import random

    from tests.replica import text

    rng = random.Random(3)
    paragraphs = [text.paragraph(rng) for _ in range(10)]
    extra = [text.paragraph(rng) for _ in range(4)]
    original = Record("https://baochinhphu.vn/o.html", "Gốc", "\n".join(paragraphs),
                      published_at=NOW - timedelta(hours=9))  # fmt: skip
    shortened = Record("https://baocantho.com.vn/a.html", "Rút gọn",
                       "(TTXVN) - " + "\n".join(paragraphs[:6]) + "\nTheo TTXVN",
                       published_at=NOW - timedelta(hours=2))  # fmt: skip
    extended = Record("https://baolaocai.vn/b.html", "Mở rộng", "\n".join(paragraphs + extra),
                      published_at=NOW - timedelta(hours=1))  # fmt: skip
    short_id = store(session, "baocantho", shortened)
    long_id = store(session, "baolaocai", extended)
    assert story_of(session, short_id) != story_of(session, long_id)  # too different to match
    original_id = store(session, "baochinhphu", original)
    session.commit()
    assert (
        story_of(session, short_id) == story_of(session, long_id) == story_of(session, original_id)
    )
    story = session.get(Story, story_of(session, original_id))
    assert story is not None and story.original_id == original_id
    assert session.scalar(select(func.count()).select_from(Story)) == 1


def test_an_identical_text_published_earlier_becomes_the_article(session: Session) -> None:
    reprint = Record("https://baocantho.com.vn/ttxvn-a7.html", "Tin TTXVN", STORY,
                     published_at=NOW - timedelta(hours=1))  # fmt: skip
    agency = Record("https://baochinhphu.vn/thanh-tra-a8.html", "Thanh tra", STORY,
                    published_at=NOW - timedelta(hours=6))  # fmt: skip
    article_id = store(session, "baocantho", reprint)
    assert save_article(session, "baochinhphu", agency, now=NOW) is SaveOutcome.DUPLICATE
    session.commit()
    article = session.get_one(Article, article_id)
    assert (article.url, article.site, article.title) == (agency.url, "baochinhphu", "Thanh tra")
    assert article.published_at == agency.published_at
    urls = session.execute(
        select(ArticleUrl.url, ArticleUrl.site, ArticleUrl.published_at).order_by(ArticleUrl.id)
    ).all()
    assert [tuple(row) for row in urls] == [
        (reprint.url, "baocantho", reprint.published_at),
        (agency.url, "baochinhphu", agency.published_at),
    ]
    story = session.get_one(Story, article.story_id)
    assert story.first_published_at == agency.published_at
    later = Record("https://baolaocai.vn/ttxvn-a9.html", "Muộn", STORY, published_at=NOW)
    assert save_article(session, "baolaocai", later, now=NOW) is SaveOutcome.DUPLICATE
    assert session.get_one(Article, article_id).url == agency.url  # a later reprint changes nothing


def test_a_page_rewritten_to_another_text_leaves_its_story(session: Session) -> None:
    original = store(session, "baochinhphu", ORIGINAL)
    copy = store(session, "baocantho", COPY)
    session.commit()
    rewritten = Record(ORIGINAL.url, "Giá vàng", OTHER, published_at=ORIGINAL.published_at)
    assert save_article(session, "baochinhphu", rewritten, now=NOW) is SaveOutcome.UPDATED
    session.commit()
    assert story_of(session, original) != story_of(session, copy)
    left = session.get_one(Story, story_of(session, copy))
    assert left.original_id == copy  # the story it left chose its original again
    gold = store(session, "baolaocai", GOLD)  # a copy of the new text joins the new story
    session.commit()
    assert story_of(session, gold) == story_of(session, original)


def test_a_revision_of_an_article_without_story_gives_it_one(session: Session) -> None:
    original = store(session, "baochinhphu", ORIGINAL)
    session.commit()
    for table in (LshBand, ArticleSignature, Story):  # as after an interrupted db upgrade
        session.query(table).delete()
    session.query(Article).update({Article.story_id: None})
    session.commit()
    edited = Record(ORIGINAL.url, ORIGINAL.title, STORY.replace("66.032", "66.040"),
                    published_at=ORIGINAL.published_at)  # fmt: skip
    assert save_article(session, "baochinhphu", edited, now=NOW) is SaveOutcome.UPDATED
    session.commit()
    assert story_of(session, original) is not None
    assert assign_unassigned(session) == 0  # and a later `tinbao db upgrade` has nothing to do


def test_a_copy_saved_in_the_transaction_of_a_rewrite_joins_the_new_story(
    session: Session,
) -> None:
    original = store(session, "baochinhphu", ORIGINAL)
    session.commit()
    rewritten = Record(ORIGINAL.url, "Giá vàng", OTHER, published_at=ORIGINAL.published_at)
    assert save_article(session, "baochinhphu", rewritten, now=NOW) is SaveOutcome.UPDATED
    near = Record(GOLD.url, GOLD.title, "(TTXVN) - " + OTHER + "\nTheo TTXVN", published_at=NOW)
    copy = store(session, "baolaocai", near)  # no commit nor flush in between: one batch
    session.commit()
    assert copy != original
    assert story_of(session, copy) == story_of(session, original) is not None
