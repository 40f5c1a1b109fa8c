"""docs/sites.md, generated from the built-in registry so that it cannot drift.

Regenerate with `python -m crawler.sitesdoc > docs/sites.md`; tests/test_sites_doc.py renders it
in memory and fails when the file differs. The rules the registry was made by are part of the
text, so they change in one reviewed place with the data.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Mapping

from crawler.probe.families import ANY_FAMILY
from crawler.provinces import CURRENT, MERGERS
from crawler.registry import Site, load_registry

_STATUS_ORDER = {"active": 0, "frozen": 1, "moved": 2}

RULES = """\
## How the entries were made

- **Source.** `../shared/corpus/provincial-papers.tsv`: the domains and URL shapes public
  sources show for each paper, with their evidence. Each entry's `notes` say where its facts
  come from; `tinbao sites --json` prints them.
- **Provinces.** `province` is the unit since 2025-07-01, one of the 34; `province_before` is one
  of the 63 it was formed from (`crawler/provinces.py`, the National Assembly's Resolution
  202/2025/QH15). Names without "tỉnh"/"thành phố" except "TP Hồ Chí Minh", tone marks as in the
  resolution ("Thanh Hóa", "Khánh Hòa"), "Bà Rịa - Vũng Tàu" with a plain hyphen.
  `tinbao sites --province "can tho"` finds the papers of a province now or before, ignoring
  case and tone marks.
- **Status.** `active`: the paper publishes there. `frozen`: it no longer publishes and the site
  serves its archive (a banner, an archive host, the archive's own sitemap); crawled whole,
  weekly. `moved:<key>`: the paper continues as `<key>` (the merged province's paper, or the
  host its archive moved to); used both when the old domain is known to lead there and when
  what it serves now is unknown, because that claims the least. Such a site is still crawled
  weekly: whatever it serves on its own domain is collected, a redirect elsewhere is not
  followed. `status_since` is the day of the merger, 2025-07-01.
- **Unverified.** `unverified = [...]` lists the fields no real page or URL confirms: a field
  named only in another project's code or configuration, or inferred. `article_url` is verified
  by a real article URL it matches; `status` by the site itself (a banner, a farewell page, an
  observed redirect, articles since the merger) or, for an active paper, by crawlers configured
  for it in 2025-26; a sitemap by the URLs a crawler harvested from it; a feed only by being
  fetched. Nothing unconfirmed is left unmarked, and nothing is made up: where no article
  URL was ever seen, `article_url` is every shape `tinbao probe` knows ("any known shape"
  below), and `tinbao probe <home>` should replace it.
- **Left out.** Legacy domains seen only in configurations from before 2020 (hanoimoi.com.vn,
  baohaiphong.com.vn, baobackan.org.vn, baodienbienphu.info.vn, baoquangninh.com.vn,
  baobacgiang.com.vn, baonamdinh.com.vn, baothuathienhue.vn, baocamau.com.vn): no evidence that
  they serve anything of their own; the current entry's notes name them.
- **Keys** are the home's host without `www.`/`m.` and its public suffix, labels joined by `_`
  (`www.sggp.org.vn` is `sggp`, `bbk.baothainguyen.vn` is `bbk_baothainguyen`).
- **Intervals.** Active papers every 30 minutes, frozen and moved sites every 7 days.
"""


def render(sites: Mapping[str, Site]) -> str:
    """The whole of docs/sites.md for `sites`."""
    statuses = Counter(_status(s) for s in sites.values())
    verified = sum(1 for s in sites.values() if s.verified)
    lines = [
        "# The newspapers in the registry",
        "",
        "<!-- Generated from crawler/sites.toml by `python -m crawler.sitesdoc > docs/sites.md`;"
        " do not edit by hand: tests/test_sites_doc.py fails when this file is stale. -->",
        "",
        f"The built-in registry holds **{len(sites)} sites**: the party newspaper of each of "
        "Vietnam's 34 provinces and centrally-run cities since the merger of 2025-07-01 "
        f"(**{statuses['active']} active**), and the papers of the former provinces with their "
        f"archives (**{statuses['frozen']} frozen**, **{statuses['moved']} moved**). "
        f"{verified} entries are confirmed in every field; {len(sites) - verified} mark at "
        "least one field `unverified`.",
        "",
        RULES,
        "## The sites, by province since 2025",
        "",
    ]
    by_province: dict[str, list[Site]] = {}
    for site in sites.values():
        by_province.setdefault(site.province, []).append(site)
    others = sorted(set(by_province) - set(CURRENT))
    for province in [*CURRENT, *others]:
        lines += _province(province, by_province.get(province, []))
    return "\n".join(lines).rstrip() + "\n"


def _province(province: str, sites: Iterable[Site]) -> list[str]:
    formed = MERGERS.get(province, ())
    heading = f"### {province}"
    if len(formed) > 1 or (formed and formed[0] != province):
        heading += " (formed from " + ", ".join(formed) + ")"
    ordered = sorted(sites, key=lambda s: (_STATUS_ORDER[_status(s)], s.province_before, s.key))
    lines = [heading, ""]
    if not ordered:
        return [*lines, "No site in the registry.", ""]
    lines += [
        "| key | paper | domain | before 2025 | status | article URL | entry points | verified |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for site in ordered:
        cells = [
            f"`{site.key}`", site.name, site.domains[0], site.province_before or "-",
            _status_text(site), _pattern(site), _entry_points(site), _verified(site),
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _status(site: Site) -> str:
    return site.status.split(":")[0]


def _status_text(site: Site) -> str:
    text = f"moved to `{site.moved_to}`" if site.moved_to else site.status
    return f"{text} since {site.status_since.isoformat()}" if site.status_since else text


def _pattern(site: Site) -> str:
    if site.article_url.pattern == ANY_FAMILY:
        return "any known shape"
    return "`" + site.article_url.pattern.replace("|", "\\|") + "`"


def _entry_points(site: Site) -> str:
    counts = [(len(site.feeds), "feed"), (len(site.sitemaps), "sitemap"),
              (len(site.sections), "section")]  # fmt: skip
    parts = [f"{n} {word}{'s' if n > 1 else ''}" for n, word in counts if n]
    return ", ".join(parts) + " + home" if parts else "home page"


def _verified(site: Site) -> str:
    return "yes" if site.verified else "no: " + ", ".join(site.unverified)


def main() -> int:
    """Print docs/sites.md for the built-in registry (a user's $TINBAO_SITES is ignored)."""
    sys.stdout.buffer.write(render(load_registry("")).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
