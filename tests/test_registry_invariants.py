"""What must hold for every entry of the built-in registry, and its agreement with the source
table it was made from (../shared/corpus/provincial-papers.tsv, $TINBAO_CORPUS)."""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from crawler.probe import ANY_FAMILY, site_key
from crawler.provinces import CURRENT, FORMER, MERGER_DATE, MERGERS, SUCCESSOR, fold
from crawler.registry import Site, load_registry
from crawler.sitesdoc import RULES

SITES_TOML = Path(__file__).resolve().parents[1] / "crawler" / "sites.toml"
CORPUS = Path(
    os.environ.get("TINBAO_CORPUS", Path(__file__).parents[1].parent / "shared" / "corpus")
)
TABLE = CORPUS / "provincial-papers.tsv"
SITES = load_registry("")


def each_site() -> list[Site]:
    return list(SITES.values())


def test_the_official_lists_have_34_and_63_units() -> None:
    assert len(CURRENT) == 34 and len(set(CURRENT)) == 34
    assert len(FORMER) == 63 and len(set(FORMER)) == 63
    assert set(SUCCESSOR) == set(FORMER)
    assert len({fold(n) for n in {*CURRENT, *FORMER}}) == len({*CURRENT, *FORMER})
    assert all(unicodedata.is_normalized("NFC", n) for n in {*CURRENT, *FORMER})


def test_keys_are_unique_and_come_from_the_domain() -> None:
    headers = re.findall(r"^\[sites\.([^\]]+)\]", SITES_TOML.read_text("utf-8"), re.MULTILINE)
    assert [k for k, n in Counter(headers).items() if n > 1] == []
    assert sorted(headers) == sorted(SITES)
    assert [k for k, s in SITES.items() if site_key(s.home) != k] == []


def test_domains_are_unique() -> None:
    domains = Counter(site.domains[0] for site in each_site())
    assert [d for d, n in domains.items() if n > 1] == []


@pytest.mark.parametrize("site", each_site(), ids=lambda s: s.key)
def test_every_entry_is_consistent(site: Site) -> None:
    # every pattern compiles (load_registry compiled it) and marks no entry point as an article
    assert not site.is_article_url(site.home)
    assert not any(site.is_article_url(url) for url in (*site.sections, *site.sitemaps))
    # every URL is on the site's domain
    assert all(site.is_on_site(url) for url in (site.home, *site.start_urls))
    # provinces spelled as in the official lists, and the merger maps one to the other
    assert site.province in CURRENT
    assert site.province_before in FORMER
    assert SUCCESSOR[site.province_before] == site.province
    assert unicodedata.is_normalized("NFC", site.name + site.notes)
    assert site.notes.strip()
    # status, dates and intervals follow the rules of docs/sites.md
    if site.is_active:
        assert site.status_since is None and site.interval.text == "30m"
    else:
        assert site.status_since == MERGER_DATE and site.interval.text == "7d"
    if site.moved_to is not None:
        assert SITES[site.moved_to].province == site.province
        assert site.moved_to != site.key
    # an article shape never seen is every known shape, and says so
    if site.article_url.pattern == ANY_FAMILY:
        assert "article_url" in site.unverified


def test_every_province_has_its_paper_and_every_former_one_an_entry() -> None:
    active = Counter(site.province for site in each_site() if site.is_active)
    assert active == Counter(CURRENT)  # exactly one active paper per unit
    covered = {site.province_before for site in each_site()}
    assert sorted(set(FORMER) - covered) == []
    for province, formed in MERGERS.items():
        paper = next(s for s in each_site() if s.is_active and s.province == province)
        assert paper.province_before == formed[0]


def test_moved_chains_end_at_a_site_that_serves() -> None:
    for site in each_site():
        seen = {site.key}
        current = site
        while current.moved_to is not None:
            current = SITES[current.moved_to]
            assert current.key not in seen, f"{site.key}: moved in a circle"
            seen.add(current.key)
        assert current.status in ("active", "frozen")


# -- agreement with the source table ---------------------------------------------------------
def table_rows() -> list[dict[str, str]]:
    if not TABLE.is_file():
        pytest.skip(f"source table not found at {TABLE} (set TINBAO_CORPUS to its folder)")
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def by_domain() -> dict[str, Site]:
    return {site.domains[0]: site for site in each_site()}


def test_every_row_of_the_table_is_an_entry_or_a_legacy_domain_left_out() -> None:
    sites = by_domain()
    for row in table_rows():
        domain = row["domain"].removeprefix("www.")
        if domain in sites:
            site = sites[domain]
            assert site.province == row["province_after_2025"], domain
            assert site.province_before == row["province_before_2025"], domain
        else:
            assert row["status"].startswith("unknown (legacy domain"), domain
            assert domain in RULES, f"{domain} is left out but docs/sites.md does not say so"


def test_every_verified_article_pattern_matches_the_tables_example() -> None:
    sites = by_domain()
    for row in table_rows():
        site = sites.get(row["domain"].removeprefix("www."))
        if site is None or not row["url_example"] or "article_url" in site.unverified:
            continue
        assert site.is_article_url(row["url_example"]), (site.key, row["url_example"])


def test_a_status_the_table_does_not_confirm_is_unverified() -> None:
    sites = by_domain()
    for row in table_rows():
        site = sites.get(row["domain"].removeprefix("www."))
        if site is not None and ("unknown" in row["status"] or "state unknown" in row["status"]):
            assert "status" in site.unverified, site.key
