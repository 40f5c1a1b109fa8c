"""Folding Vietnamese for search, and parsing what users type into safe index queries."""

from __future__ import annotations

import re
import unicodedata

import pytest

from storage import QueryError, fold, parse_query
from storage.folding import exact_words, has_diacritics, marks, spaces, translation, words
from storage.search_query import MAX_TERMS, Term


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đà Nẵng", "da nang"),
        ("ĐÀ NẴNG", "da nang"),
        ("Bình Dương", "binh duong"),
        ("  Thừa   Thiên\tHuế \n", "thua thien hue"),
        ("Ưu tiên ở Quảng Ngãi", "uu tien o quang ngai"),
        ("đường", "duong"),
        ("Hòa Bình", "hoa binh"),
        ("café crème", "cafe creme"),
        ("TP HCM 2026", "tp hcm 2026"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_is_the_same_for_composed_and_decomposed_text() -> None:
    composed = "Nghệ An, Đắk Lắk"
    assert fold(unicodedata.normalize("NFD", composed)) == fold(composed) == "nghe an, dak lak"


def test_fold_is_idempotent() -> None:
    assert fold(fold("Bà Rịa - Vũng Tàu")) == fold("Bà Rịa - Vũng Tàu") == "ba ria - vung tau"


def test_words_split_as_the_index_does() -> None:
    assert words("Đà-Nẵng: mưa (lớn)!") == ["da", "nang", "mua", "lon"]


def test_diacritics_are_told_from_case() -> None:
    assert has_diacritics("Đà Nẵng") and has_diacritics("đ")
    assert not has_diacritics("DA NANG") and not has_diacritics("da  nang")
    assert exact_words("Đà Nẵng, ĐÁ") == ["đà", "nẵng", "đá"]


def sql_fold(value: str) -> str:
    """What PostgreSQL's tinbao_fold() does, step by step, in Python."""
    source, target = translation()
    bare = re.sub(marks(), "", unicodedata.normalize("NFD", value)).translate(
        str.maketrans(source, target)
    )
    spaced = re.sub(
        f"{spaces()}{{2,}}|{spaces(but_space=True)}",
        " ",
        unicodedata.normalize("NFC", bare.lower()),
    )
    return spaced.strip(" ")


LATIN = [
    chr(code) for start, end in ((0x20, 0x24F), (0x1E00, 0x1EFF)) for code in range(start, end + 1)
]


def test_the_steps_of_the_sql_fold_fold_every_latin_letter() -> None:
    vietnamese = "aàáảãạăằắẳẵặâầấẩẫậdđeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
    for letter in [*vietnamese, *vietnamese.upper(), *LATIN]:
        assert sql_fold(letter) == fold(letter), letter
    for text in ["  Thừa   Thiên\tHuế \n", "a\u00a0\u3000b", "한국어", "Ǣ Ø ĐẮK"]:
        assert sql_fold(text) == fold(text), text


def test_the_translation_is_only_what_decomposing_leaves() -> None:
    source, target = translation()
    assert len(source) == len(target) < 100
    assert "Đ" in source and "đ" in source and "Ø" in source
    assert not set("àÀẵẴ") & set(source)


def test_a_query_becomes_quoted_terms() -> None:
    query = parse_query('Đà Nẵng "mưa lớn" nông*')
    assert query.terms == (Term(("da",)), Term(("nang",)), Term(("mua", "lon")), Term(("nong",)))
    assert query.fts5() == '"da" "nang" "mua lon" "nong"'
    assert query.tsquery() == "('da') & ('nang') & ('mua' <-> 'lon') & ('nong')"
    assert query.exact == ("đà", "nẵng", "mưa", "lớn", "nông")


def test_curly_quotes_and_hyphens_make_phrases() -> None:
    assert parse_query("“Bình Dương”").terms == (Term(("binh", "duong")),)
    assert parse_query("Bà-Rịa").terms == (Term(("ba", "ria")),)


def test_the_phrase_of_plain_words() -> None:
    assert parse_query("da nang").phrase() == Term(("da", "nang"))
    assert parse_query("nang").phrase() is None
    assert parse_query('"da nang" mua').phrase() is None


@pytest.mark.parametrize(
    "text",
    ['NEAR(da nang', "da AND OR nang", "da -nang", "da^nang", "{title}: x", "col:da", "a* b*",
     "da)) ((nang", "'; DROP TABLE articles; --"],
)  # fmt: skip
def test_operators_are_words_or_nothing(text: str) -> None:
    rendered = parse_query(text).fts5()
    assert re.fullmatch(r'"[a-z0-9 ]+"( "[a-z0-9 ]+")*', rendered), rendered


@pytest.mark.parametrize(
    ("text", "reason"),
    [('"da nang', "a quote"), ('da "nang', "a quote"), ("", "no words"), ("(( ))", "no words"),
     ("* - +", "no words")],
)  # fmt: skip
def test_queries_that_cannot_be_understood(text: str, reason: str) -> None:
    with pytest.raises(QueryError, match=rf"could not understand the query .*{reason}"):
        parse_query(text)


def test_too_many_terms() -> None:
    with pytest.raises(QueryError, match=f"at most {MAX_TERMS}"):
        parse_query(" ".join(f"w{n}" for n in range(MAX_TERMS + 1)))
