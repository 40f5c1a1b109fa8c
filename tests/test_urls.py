"""Two spellings of one article URL: what is cleaned away, what makes them the same key."""

from __future__ import annotations

import pytest

from crawler.urls import clean_url, url_key

ARTICLE = "https://baocantho.com.vn/tap-trung-trien-khai-a196670.html"


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        (ARTICLE + "#comments", ARTICLE),
        (ARTICLE + "?utm_source=zalo&utm_medium=share", ARTICLE),
        (ARTICLE + "?fbclid=IwAR0abc&gidzl=XyZ", ARTICLE),
        (ARTICLE + "?zarsrc=30&p=2", ARTICLE + "?p=2"),
        ("HTTPS://BaoCanTho.com.vn:443/tap-trung-trien-khai-a196670.html", ARTICLE),
        ("http://127.0.0.1:8080/a-a1.html?UTM_CAMPAIGN=x", "http://127.0.0.1:8080/a-a1.html"),
        ("https://baocantho.com.vn", "https://baocantho.com.vn/"),
    ],
)
def test_clean_url(url: str, clean: str) -> None:
    assert clean_url(url) == clean


@pytest.mark.parametrize(
    "variant",
    [
        "http://baocantho.com.vn/tap-trung-trien-khai-a196670.html",
        "https://www.baocantho.com.vn/tap-trung-trien-khai-a196670.html",
        "https://m.baocantho.com.vn/tap-trung-trien-khai-a196670.html?utm_source=fb",
        "https://amp.baocantho.com.vn/tap-trung-trien-khai-a196670.html",
        "https://baocantho.com.vn/amp/tap-trung-trien-khai-a196670.html",
        "https://baocantho.com.vn/tap-trung-trien-khai-a196670.amp.html",
        "https://baocantho.com.vn/tap-trung-trien-khai-a196670.html?amp",
        "https://baocantho.com.vn/tap-trung-trien-khai-a196670.html/",
    ],
)
def test_variants_share_the_key_of_the_article(variant: str) -> None:
    assert (
        url_key(variant) == url_key(ARTICLE) == "baocantho.com.vn/tap-trung-trien-khai-a196670.html"
    )


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (ARTICLE, "https://baocantho.com.vn/tap-trung-trien-khai-a196671.html"),
        (ARTICLE, "https://baolaocai.vn/tap-trung-trien-khai-a196670.html"),
        ("https://x.vn/list?p=2", "https://x.vn/list?p=3"),
        ("https://x.vn/amplify-a1.html", "https://x.vn/fy-a1.html"),
    ],
)
def test_different_pages_keep_different_keys(one: str, other: str) -> None:
    assert url_key(one) != url_key(other)


def test_parameter_order_does_not_matter() -> None:
    assert url_key("https://x.vn/a?b=2&a=1") == url_key("https://x.vn/a?a=1&b=2")
