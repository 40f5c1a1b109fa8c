"""The check Scrapy makes on every response when WARN_ON_GENERATOR_RETURN_VALUE is on (a
generator callback that returns a value loses it), made once here over the spider's callbacks,
since the crawl turns it off (crawler/settings.py: it parsed each callback's source again for
every response)."""

from __future__ import annotations

import inspect

import pytest
from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.project import get_project_settings

from crawler.spiders.news import NewsSpider

CALLBACKS = [
    method
    for name, method in inspect.getmembers(NewsSpider, inspect.isfunction)
    if name.startswith("parse") or name == "on_error"
]


def test_the_crawl_does_not_check_every_callback_again() -> None:
    assert get_project_settings().getbool("WARN_ON_GENERATOR_RETURN_VALUE") is False


def test_the_crawl_starts_a_few_tasks_for_each_responses_output_not_a_hundred() -> None:
    # Scrapy starts CONCURRENT_ITEMS tasks per response (crawler/settings.py says why)
    assert 1 <= get_project_settings().getint("CONCURRENT_ITEMS") <= 8


@pytest.mark.parametrize("callback", CALLBACKS, ids=lambda c: c.__name__)
def test_no_generator_callback_returns_a_value(callback: object) -> None:
    assert not is_generator_with_return_value(callback)  # type: ignore[arg-type]


def test_the_callbacks_are_all_there() -> None:
    assert {c.__name__ for c in CALLBACKS} >= {
        "parse_feed", "parse_sitemap", "parse_listing", "parse_article", "on_error"
    }  # fmt: skip
