"""Full-text search on SQLite and PostgreSQL: folded matching, ranking, filters, and an index
that follows every insert, update and delete."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, text, update
from sqlalchemy.orm import Session

from storage import Article, QueryError, fold, search_articles
from storage.search import has_word
from tests.search_records import BINH_DUONG, DA_NANG, DA_NANG_STONE, NOW, Record, store
from tests.test_search_folding import LATIN


@pytest.fixture
def stored(session: Session) -> dict[str, int]:
    ids = {
        "da_nang": store(session, "baodanang", DA_NANG),
        "stone": store(session, "baocantho", DA_NANG_STONE),
        "binh_duong": store(session, "baobinhduong", BINH_DUONG),
    }
    session.commit()
    return ids


def news(number: int, title: str, body: str, days_old: float) -> Record:
    url = f"https://news.example/a-{number}.html"
    return Record(url, title, body, published_at=NOW - timedelta(days=days_old))


def found(session: Session, query: str, **filters: object) -> list[int]:
    return [hit.id for hit in search_articles(session, query, now=NOW, **filters)]  # type: ignore[arg-type]


def test_a_folded_query_finds_the_marked_text(session: Session, stored: dict[str, int]) -> None:
    assert set(found(session, "da nang")) == {stored["da_nang"], stored["stone"]}
    assert found(session, "binh duong") == [stored["binh_duong"]]
    assert found(session, "BINH DUONG") == [stored["binh_duong"]]
    assert found(session, "do trong") == [stored["binh_duong"]]  # ĐỖ TRỌNG: đ folds to d
    assert found(session, "hai chau") == [stored["da_nang"]]


def test_a_marked_query_ranks_exact_matches_first(session: Session, stored: dict[str, int]) -> None:
    # the stone is newer, so it wins when nothing says which one was meant
    assert found(session, "da nang") == [stored["stone"], stored["da_nang"]]
    assert found(session, "Đà Nẵng") == [stored["da_nang"], stored["stone"]]
    assert found(session, "đá nặng") == [stored["stone"], stored["da_nang"]]
    [hit, other] = search_articles(session, "Đà Nẵng", now=NOW)
    assert (hit.exact, other.exact) == (2, 0)


def test_phrases_and_all_words(session: Session, stored: dict[str, int]) -> None:
    assert found(session, '"cong nghiep"') == [stored["binh_duong"]]
    assert found(session, '"nghiep cong"') == []
    assert found(session, "phat") == [stored["binh_duong"]]
    assert found(session, "pha*") == []  # no prefixes: whole words only
    assert found(session, "binh nang") == []


def test_title_matches_rank_above_body_matches(session: Session) -> None:
    in_body = store(session, "baolaocai", news(1, "Tin vắn", "Chợ phiên Bắc Hà đông vui.", 0))
    in_title = store(session, "baolaocai", news(2, "Chợ phiên Bắc Hà", "Du khách đông.", 30))
    session.commit()
    assert found(session, "bac ha") == [in_title, in_body]


def test_newer_articles_rank_higher(session: Session) -> None:
    older = store(session, "baolaocai", news(1, "Lễ hội hoa tam giác mạch", "Nội dung.", 700))
    newer = store(session, "baolaocai", news(2, "Hoa tam giác mạch nở", "Nội dung khác.", 3))
    session.commit()
    [first, second] = search_articles(session, "tam giac mach", now=NOW)
    assert (first.id, second.id) == (newer, older)
    assert first.score > 2 * second.score


def test_filters(session: Session, stored: dict[str, int]) -> None:
    assert found(session, "da nang", sites=["baocantho"]) == [stored["stone"]]
    both = ["baocantho", "baodanang"]
    assert found(session, "da nang", sites=both) == [stored["stone"], stored["da_nang"]]
    assert found(session, "da nang", sites=["baolaocai"]) == []
    assert found(session, "da nang", sites=[]) == []
    since = datetime(2026, 11, 10, tzinfo=UTC)
    assert found(session, "da nang", since=since) == [stored["stone"]]
    assert found(session, "da nang", until=since) == [stored["da_nang"]]
    assert found(session, "da nang", since=NOW) == []
    assert found(session, "binh duong", since=since, sites=["baobinhduong"]) == []


def test_limit(session: Session) -> None:
    for n in range(30):
        store(session, "baocantho", news(n, f"Giá lúa hôm nay {n}", f"Thân bài số {n}.", n / 24))
    session.commit()
    hits = search_articles(session, "gia lua", now=NOW, limit=7)
    assert len(hits) == 7
    assert [h.title for h in hits] == [f"Giá lúa hôm nay {n}" for n in range(7)]


def test_the_index_follows_updates_and_deletes(session: Session, stored: dict[str, int]) -> None:
    session.execute(update(Article).where(Article.id == stored["binh_duong"])
                    .values(title="Đồng Nai khánh thành cầu mới", lead=None))  # fmt: skip
    session.commit()
    assert found(session, "dong nai") == [stored["binh_duong"]]
    assert found(session, "cong nghiep") == [stored["binh_duong"]]  # still in the body
    assert found(session, '"binh duong phat trien"') == []
    session.execute(delete(Article).where(Article.id == stored["da_nang"]))
    session.commit()
    assert found(session, "hai chau") == []
    assert found(session, "da nang") == [stored["stone"]]


def test_seen_again_does_not_touch_the_index(session: Session, stored: dict[str, int]) -> None:
    store(session, "baodanang", DA_NANG, now=NOW + timedelta(days=1))  # only last_seen_at moves
    session.commit()
    assert found(session, "hai chau") == [stored["da_nang"]]


@pytest.mark.parametrize(
    "query", ['"unclosed', "(((", 'NEAR("a" "b")', "a:b", "*", "AND", "^", "'--", '"" ""']
)
def test_no_query_raises_anything_but_query_error(
    session: Session, stored: dict[str, int], query: str
) -> None:
    try:
        search_articles(session, query, now=NOW)
    except QueryError as exc:
        assert "could not understand the query" in str(exc)


def test_has_word_needs_word_boundaries() -> None:
    assert has_word("mưa ở đà nẵng.", "đà")
    assert not has_word("hoa đào nở", "đà")
    assert has_word("(đà)", "đà") and has_word("đà", "đà")


def test_postgresql_folds_like_python(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("tinbao_fold() is PostgreSQL's")
    samples = ["Đà Nẵng", "ĐẮK LẮK  Phú Yên", "Thừa Thiên\tHuế", "Bà Rịa - Vũng Tàu", "Ưu Ơ Ư",
               " Ǣ\u00a0Ø\u3000đỗ  ", "한국어"]  # fmt: skip
    samples += [unicodedata.normalize("NFD", "Nghệ An, Đắk Lắk")]
    samples += [letter + letter.upper() for letter in LATIN]
    with engine.connect() as connection:
        folded = connection.execute(
            text("SELECT tinbao_fold(v) FROM unnest(CAST(:v AS text[])) WITH ORDINALITY AS s(v, n) "
                 "ORDER BY n"), {"v": samples}
        ).scalars().all()  # fmt: skip
    assert folded == [fold(sample) for sample in samples]


def test_postgresql_uses_the_index(
    engine: Engine, session: Session, stored: dict[str, int]
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("a plan of PostgreSQL's")
    from storage.search_table import PG_TABLE, pg_vector

    session.execute(text("SET LOCAL enable_seqscan = off"))
    query = f"SELECT id FROM {PG_TABLE} AS s WHERE {pg_vector('s')} @@ to_tsquery('simple', 'da')"
    plan = session.execute(text(f"EXPLAIN {query}")).scalars().all()
    assert any("ix_articles_search" in line for line in plan), plan


def test_a_backfill_does_not_crowd_out_recent_articles(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.search_candidates.WINDOW", 3)
    recent = [
        store(session, "baocantho", news(n, f"Giá lúa tuần {n}", f"Tăng {n}.", n)) for n in (1, 2)
    ]
    for n in range(10, 16):  # stored later, published years ago
        store(session, "baocantho", news(n, f"Giá lúa năm xưa {n}", f"Giảm {n}.", 900 + n))
    session.commit()
    assert found(session, "gia lua", limit=2) == recent
    assert len(found(session, "gia lua", limit=20)) == 5  # 3 newest stored + 2 recent
