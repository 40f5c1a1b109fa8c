"""The numeric-setting check refuses what a crawl cannot use and lets every default through."""

from __future__ import annotations

from scrapy.settings import Settings

from crawler.setting_checks import bad_setting


def project_settings(**overrides: object) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings")
    settings.setdict(overrides, priority="cmdline")
    return settings


def test_the_defaults_pass_including_negative_sentinels() -> None:
    # TINBAO_SUPERVISOR_FD defaults to -1 ("no supervisor"): refusing it stopped every crawl.
    assert bad_setting(project_settings()) is None
    assert bad_setting(project_settings(TINBAO_SUPERVISOR_FD="-1")) is None


def test_a_word_or_a_negative_count_is_refused_in_one_line() -> None:
    assert bad_setting(project_settings(TINBAO_LISTING_PAGES="abc")) == (
        "-s TINBAO_LISTING_PAGES takes a whole number, not 'abc'"
    )
    assert bad_setting(project_settings(TINBAO_LISTING_PAGES="-3")) == (
        "-s TINBAO_LISTING_PAGES cannot be negative ('-3')"
    )
