"""The site registry: TOML data, merged with $TINBAO_SITES, checked when it loads."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from crawler.intervals import parse_interval
from crawler.registry import RegistryError, load_registry

GOOD = """
[sites.baotest]
name = "Báo Thử"
home = "https://www.baothu.vn/"
feeds = ["https://baothu.vn/rss/home.rss"]
sitemaps = ["https://api.baothu.vn/sitemap.xml"]
sections = ["https://baothu.vn/thoi-su/"]
article_url = '-post\\d+\\.html$'
province = "Lào Cai"
status = "active"
interval = "15m"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(text, "utf-8")
    return path


def test_the_built_in_registry_has_the_first_three_papers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TINBAO_SITES", raising=False)
    sites = load_registry()
    assert {"baobinhduong", "baocantho", "baolaocai"} <= set(sites)
    assert sites["baocantho"].domains == ("baocantho.com.vn",)
    assert sites["baocantho"].is_active


def test_baobinhduong_is_a_frozen_archive_since_the_merger(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TINBAO_SITES", raising=False)
    site = load_registry()["baobinhduong"]
    assert site.status == "frozen"
    assert site.status_since == date(2025, 7, 1)
    assert not site.is_active
    # its sitemap is served from an API subdomain, which is still the site's domain
    assert site.is_on_site("https://apife.baobinhduong.vn/sitemap.xml")


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("baobinhduong", "http://baobinhduong.vn/hiem-nguy-chuc-cho--a230569.html"),
        ("baocantho", "https://baocantho.com.vn/nganh-giao-duc-trien-khai-a190048.html"),
        ("baolaocai", "https://baolaocai.vn/hai-hoa-loi-ich-khi-tang-luong-post890650.html"),
    ],
)
def test_article_patterns_match_real_article_urls(
    key: str, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TINBAO_SITES", raising=False)
    site = load_registry()[key]
    assert site.is_article_url(url)
    assert not site.is_article_url(site.home)
    assert not any(site.is_article_url(section) for section in site.sections)


def test_a_user_file_adds_a_site(tmp_path: Path) -> None:
    sites = load_registry(write(tmp_path, GOOD))
    site = sites["baotest"]
    assert "baocantho" in sites
    assert site.name == "Báo Thử"
    assert site.domains == ("baothu.vn",)
    assert site.interval.every == timedelta(minutes=15)
    assert site.start_urls[-1] == "https://www.baothu.vn/"
    assert site.is_on_site("https://m.baothu.vn/x-post1.html")
    assert not site.is_on_site("https://baothu.vn.evil.com/x-post1.html")


def test_the_province_before_the_merger_and_unverified_fields(tmp_path: Path) -> None:
    site = load_registry(write(tmp_path, GOOD))["baotest"]
    assert (site.province_before, site.unverified, site.verified) == ("", (), True)
    extra = 'province_before = "Yên Bái"\nunverified = ["sitemaps", "status", "sitemaps"]\n'
    site = load_registry(write(tmp_path, GOOD + extra))["baotest"]
    assert (site.province, site.province_before) == ("Lào Cai", "Yên Bái")
    assert (site.unverified, site.verified) == (("sitemaps", "status"), False)


def test_a_user_file_overrides_fields_of_a_built_in_site(tmp_path: Path) -> None:
    sites = load_registry(write(tmp_path, '[sites.baocantho]\ninterval = "2h"\n'))
    assert sites["baocantho"].interval.every == timedelta(hours=2)
    assert sites["baocantho"].name == "Báo Cần Thơ"  # the other fields stay


def test_the_environment_variable_names_the_user_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TINBAO_SITES", str(write(tmp_path, GOOD)))
    assert "baotest" in load_registry()


def test_moved_names_its_successor(tmp_path: Path) -> None:
    moved = GOOD.replace('status = "active"', 'status = "moved:baolaocai"')
    site = load_registry(write(tmp_path, moved))["baotest"]
    assert site.moved_to == "baolaocai"
    assert not site.is_active


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('name = "Báo Thử"\n', ""), "site 'baotest': field 'name': missing"),
        (("-post", "(-post"), "site 'baotest': field 'article_url': invalid regular expression"),
        (('"active"', '"paused"'), "site 'baotest': field 'status': 'paused' is not"),
        (('"active"', '"moved:nowhere"'), "site 'baotest': field 'status': moved to unknown"),
        (('"15m"', '"soon"'), "site 'baotest': field 'interval': interval 'soon' is neither"),
        (('"15m"', '"61 * * * *"'), "site 'baotest': field 'interval': cron expression"),
        (("https://baothu.vn/thoi-su/", "https://other.vn/"), "field 'sections': 'https://other"),
        (("https://www.baothu.vn/", "baothu.vn"), "field 'home': 'baothu.vn' is not an absolute"),
        (('province = "Lào Cai"', 'province = ""'), "field 'province': must be a non-empty"),
        (('province = "Lào Cai"', 'provnce = "Lào Cai"'), "field 'provnce': unknown field"),
        (("feeds = [", "feeds = 3 #["), "field 'feeds': must be a list of URLs"),
        (("[sites.baotest]", "[sites.Bao-Test]"), "site 'Bao-Test': field 'key'"),
        (('"15m"', '"15m"\nunverified = "feeds"'), "field 'unverified': must be a list of field"),
        (('"15m"', '"15m"\nunverified = ["feedz"]'), "field 'unverified': 'feedz' is not one of"),
        (('"15m"', '"15m"\nunverified = ["notes"]'), "field 'unverified': 'notes' is not one of"),
        (('"15m"', '"15m"\nunverified = ["province_before"]'), "'province_before' is not a field"),
        (('"15m"', '"15m"\nprovince_before = ""'), "field 'province_before': must be a non-empty"),
    ],
)
def test_a_bad_entry_fails_naming_the_site_and_the_field(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(RegistryError, match=re.escape(message)):
        load_registry(write(tmp_path, GOOD.replace(old, new)))


def test_a_file_that_is_not_toml_fails_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[sites.x\nname = ")
    with pytest.raises(RegistryError, match=f"{path}: not valid TOML"):
        load_registry(path)


def test_a_missing_user_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"TINBAO_SITES names .*nope\.toml.*not a file"):
        load_registry(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10s", 10), ("30m", 1800), ("6h", 21600), ("1d", 86400), ("1h30m", 5400), ("2w", 1209600)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_interval(text).every == timedelta(seconds=seconds)


def test_cron_lines() -> None:
    interval = parse_interval("*/30 6-22 * * mon-fri")
    assert (interval.cron, interval.every) == ("*/30 6-22 * * mon-fri", None)


@pytest.mark.parametrize("text", ["0s", "soon", "10", "1x", "* * *", "61 * * * *"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)


def test_entry_points_in_crawl_order(tmp_path: Path) -> None:
    site = load_registry(write(tmp_path, GOOD))["baotest"]
    assert site.entry_points == [
        ("https://baothu.vn/rss/home.rss", "feed"),
        ("https://api.baothu.vn/sitemap.xml", "sitemap"),
        ("https://baothu.vn/thoi-su/", "section"),
        ("https://www.baothu.vn/", "home"),
    ]
