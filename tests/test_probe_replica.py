"""`tinbao probe` against replica newspapers on 127.0.0.1, over real HTTP: the `-a<id>.html`
family (ReplicaSite, after baocantho.com.vn) and the `-post<id>.html` family (PostSite, after
baolaocai.vn). What it prints must be a registry entry that loads and crawls the same site."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.probe import ProbeResult, as_toml, probe, registry_entry, urllib_fetch
from crawler.registry import Site, load_registry
from scheduler.cli import main
from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.post_family import PostSite, serve

PROXIES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe honours proxies from the environment; the replica is reached directly."""
    for name in PROXIES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TINBAO_SITES", raising=False)


def load(tmp_path: Path, text: str) -> dict[str, Site]:
    path = tmp_path / "probed.toml"
    path.write_text(text, "utf-8")
    return load_registry(path)


# -- the -a<id>.html family -----------------------------------------------------------------
A_SITE = ReplicaSite(articles=12, home_articles=3)


@pytest.fixture(scope="module")
def a_server() -> Iterator[ReplicaServer[ReplicaSite]]:
    with ReplicaServer(A_SITE, etags=False) as server:
        yield server


@pytest.fixture(scope="module")
def a_probed(a_server: ReplicaServer[ReplicaSite]) -> ProbeResult:
    return probe(a_server.base_url, urllib_fetch(timeout=10, delay=0))


def test_the_a_family_is_recognised_with_its_sitemaps_and_sections(
    a_probed: ProbeResult, a_server: ReplicaServer[ReplicaSite]
) -> None:
    base = a_server.base_url
    assert a_probed.home == f"{base}/"
    assert a_probed.inference is not None and a_probed.inference.family.name == "a-id"
    assert a_probed.article_url == r"-a\d+\.html$"
    assert a_probed.feeds == []  # its feeds are per section, linked from nowhere
    assert a_probed.sitemaps == [f"{base}/sitemap.xml", f"{base}/sitemapnews.xml"]
    assert a_probed.sections == [f"{base}/{s}/" for s in A_SITE.sections]


def test_a_samples_are_titled_like_the_replica_and_robots_are_obeyed(
    a_probed: ProbeResult, a_server: ReplicaServer[ReplicaSite]
) -> None:
    expected = {a_server.base_url + a.path: a.title for a in A_SITE.public_articles()}
    assert len(a_probed.samples) == 5
    # three from the home page, then the next ones from the sitemap; /private/ is disallowed
    assert [s.url for s in a_probed.samples[:3]] == [
        a_server.base_url + A_SITE.article(n).path for n in range(3)
    ]
    for sample in a_probed.samples:
        assert sample.title == expected[sample.url]
    assert not any(path.startswith("/private/") for path in a_server.paths())
    assert "/robots.txt" in a_server.paths()
    assert all(r.headers.get("User-Agent", "").startswith("tinbao/") for r in a_server.requests)


def test_the_a_entry_loads_and_equals_the_replicas_own(
    a_probed: ProbeResult, a_server: ReplicaServer[ReplicaSite], tmp_path: Path
) -> None:
    entry = registry_entry(a_probed, key="replica", province="Cần Thơ")
    probed = load(tmp_path, as_toml(a_probed, entry))["replica"]
    own = load(tmp_path, A_SITE.registry_toml(a_server.base_url, feeds=[]))["replica"]
    for field in ("home", "article_url", "feeds", "sitemaps", "sections", "province", "status"):
        assert getattr(probed, field) == getattr(own, field), field
    assert probed.verified


# -- the -post<id>.html family --------------------------------------------------------------
POST_SITE = PostSite(articles=12)


@pytest.fixture(scope="module")
def post_server() -> Iterator[ReplicaServer[PostSite]]:
    with serve(POST_SITE) as server:
        yield server


@pytest.fixture(scope="module")
def post_probed(post_server: ReplicaServer[PostSite]) -> ProbeResult:
    return probe(post_server.base_url + "/", urllib_fetch(timeout=10, delay=0))


def test_the_post_family_is_recognised_with_feeds_sitemaps_and_sections(
    post_probed: ProbeResult, post_server: ReplicaServer[PostSite]
) -> None:
    base = post_server.base_url
    assert post_probed.inference is not None and post_probed.inference.family.name == "post-id"
    assert post_probed.article_url == r"-post\d+\.html$"
    assert post_probed.feeds == POST_SITE.feeds(base)  # from <head>; /rss lists the same
    assert post_probed.sitemaps == [f"{base}/sitemap.xml", f"{base}/sitemap-news.xml"]
    assert post_probed.sections == [f"{base}/{s}" for s in POST_SITE.sections]
    assert post_probed.name == "Báo Bản Sao Yên Bái"


def test_post_samples_are_the_home_pages_articles_with_their_titles(
    post_probed: ProbeResult, post_server: ReplicaServer[PostSite]
) -> None:
    assert [(s.url, s.title) for s in post_probed.samples] == [
        (post_server.base_url + a.path, a.title) for a in (POST_SITE.article(n) for n in range(5))
    ]


def test_the_post_entry_names_the_province_now_and_before(
    post_probed: ProbeResult, post_server: ReplicaServer[PostSite], tmp_path: Path
) -> None:
    site = load(tmp_path, as_toml(post_probed, registry_entry(post_probed)))["site_127_0_0_1"]
    assert (site.province, site.province_before) == ("Lào Cai", "Yên Bái")
    assert site.feeds == tuple(POST_SITE.feeds(post_server.base_url))
    assert site.is_article_url(post_server.base_url + POST_SITE.article(7).path)
    assert not any(site.is_article_url(url) for url in site.sections)
    assert (site.status, site.interval.text, site.verified) == ("active", "30m", True)


# -- the command ----------------------------------------------------------------------------
def test_tinbao_probe_prints_a_loadable_entry_and_samples(
    post_server: ReplicaServer[PostSite], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["probe", post_server.base_url, "--key", "baobansao", "--samples", "2"]
    assert main([*command, "--delay", "0"]) == 0
    out = capsys.readouterr().out
    site = load(tmp_path, out)["baobansao"]
    assert site.article_url.pattern == r"-post\d+\.html$"
    assert out.count("#     ") == 2  # two sample titles, as comments
    assert POST_SITE.article(0).title in out


def test_tinbao_probe_speaks_json(
    a_server: ReplicaServer[ReplicaSite], capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["probe", a_server.base_url, "--json", "--province", "Cần Thơ", "--delay", "0"]
    assert main(command) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["family"], record["province"]) == ("a-id", "Cần Thơ")
    assert len(record["samples"]) == 5 and all(s["title"] for s in record["samples"])


def test_tinbao_probe_reports_a_dead_home_page(capsys: pytest.CaptureFixture[str]) -> None:
    with ReplicaServer(ReplicaSite()) as server:
        url = server.base_url + "/khong-co/"
        assert main(["probe", url, "--timeout", "5", "--delay", "0"]) == 1
    assert "probe failed: home page" in capsys.readouterr().err


def test_tinbao_probe_refuses_a_bad_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe", "https://baothu.vn/", "--key", "Bao-Thu"]) == 2
    assert "--key 'Bao-Thu'" in capsys.readouterr().err
