"""The numeric-setting check refuses what a crawl cannot use and lets every default through."""

from __future__ import annotations

from scrapy.settings import Settings

from crawler.pool import pool_size
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


def test_not_a_finite_number_is_refused() -> None:
    # nan passed `value < 0` and made the writer's interval 0; inf crashed the writer's thread
    # (OverflowError in its queue's timeout) and every article failed, then the crawl hung
    for value in ("nan", "inf", "-inf"):
        assert bad_setting(project_settings(TINBAO_WRITE_INTERVAL=value)) == (
            f"-s TINBAO_WRITE_INTERVAL takes a number, not {value!r}"
        )


def test_the_archive_writer_refuses_an_empty_batch_and_an_interval_past_a_minute() -> None:
    assert bad_setting(project_settings(TINBAO_WRITE_BATCH="0")) == (
        "-s TINBAO_WRITE_BATCH takes at least 1, not '0'"
    )
    # a batch waits its interval for more articles: the crawl's end waited that long too
    assert bad_setting(project_settings(TINBAO_WRITE_INTERVAL="1e9")) == (
        "-s TINBAO_WRITE_INTERVAL takes at most 60, not '1e9'"
    )
    assert bad_setting(project_settings(TINBAO_WRITE_BATCH="1", TINBAO_WRITE_INTERVAL="60")) is None
    assert bad_setting(project_settings(TINBAO_WRITE_BATCH=str(10**400))) is None


def test_extract_workers_past_4_per_core_are_refused() -> None:
    # each is a process started with the crawl: a million gave out the machine
    most = 4 * pool_size()
    assert bad_setting(project_settings(TINBAO_EXTRACT_WORKERS=str(most))) is None
    assert bad_setting(project_settings(TINBAO_EXTRACT_WORKERS="1000000")) == (
        f"-s TINBAO_EXTRACT_WORKERS takes at most {most}, not '1000000'"
    )


def test_a_frontier_key_pattern_that_makes_no_key_is_refused() -> None:
    for pattern in ("%(x)s", "tinbao:%d", "50%"):
        problem = bad_setting(project_settings(TINBAO_FRONTIER_KEY=pattern))
        assert problem is not None and problem.startswith("-s TINBAO_FRONTIER_KEY"), problem
        assert "\n" not in problem
    assert bad_setting(project_settings(TINBAO_FRONTIER_KEY="mine:%(spider)s")) is None
    assert bad_setting(project_settings(TINBAO_FRONTIER_KEY="one-for-all")) is None
