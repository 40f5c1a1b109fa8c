"""A probe's result as what a person uses: a registry entry, printed as a TOML file whose
comments carry the sample articles, or as one JSON record.

The TOML text loads as it is (`tinbao probe URL > mysite.toml; TINBAO_SITES=mysite.toml`).
What the probe could not establish is listed in the entry's `unverified` field.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.probe.entry import render_entry, site_key
from crawler.probe.families import ANY_FAMILY
from crawler.probe.naming import provinces_named
from crawler.probe.probe import ProbeResult
from crawler.provinces import fold

UNKNOWN_PROVINCE = "?"


@dataclass(frozen=True)
class Entry:
    key: str
    fields: dict[str, object]


def registry_entry(
    result: ProbeResult, *, key: str | None = None, province: str | None = None
) -> Entry:
    """The `[sites.<key>]` entry for a probed site. `province` (the unit since 2025) is taken
    from the argument, else from the paper's name; an unknown one is marked unverified."""
    unverified: list[str] = []
    named = provinces_named(result.name)
    if province:
        now = province
        before = named[1] if named and fold(named[0]) == fold(province) else ""
    elif named:
        now, before = named
    else:
        now, before = UNKNOWN_PROVINCE, ""
        unverified.append("province")
    fields: dict[str, object] = {
        "name": result.name,
        "home": result.home,
        "province": now,
        "status": "active",
        "interval": "30m",
        "article_url": result.article_url or ANY_FAMILY,
    }
    if before:
        fields["province_before"] = before
    if result.article_url is None:
        unverified.append("article_url")
    for name in ("feeds", "sitemaps", "sections"):
        found = getattr(result, name)
        if found:
            fields[name] = list(found)
    if unverified:
        fields["unverified"] = unverified
    fields["notes"] = _notes(result)
    return Entry(key or site_key(result.home), fields)


def as_toml(result: ProbeResult, entry: Entry) -> str:
    """The entry, then the samples and remarks as TOML comments."""
    lines = [f"# tinbao probe {result.home}", render_entry(entry.key, entry.fields).rstrip()]
    if result.samples:
        lines += ["", f"# {len(result.samples)} sample articles (URL, then the extracted title):"]
        for sample in result.samples:
            lines += [f"#   {sample.url}", f"#     {sample.title or '(' + sample.problem + ')'}"]
        lines += _rate_lines(result)
    for problem in result.problems:
        lines.append(f"# note: {problem}")
    return "\n".join(lines) + "\n"


def _rate_lines(result: ProbeResult) -> list[str]:
    """The samples' fill rates (what `tinbao status` will watch) and the fields few had."""
    rates = result.fill_rates
    if not rates.articles:
        return []
    found = [f"# fill rates of the {rates.articles} sample articles: {rates.describe()}"]
    few = [name for name, rate in rates.rates().items() if rate is not None and rate <= 0.5]
    if few:
        found.append(f"# half the samples or fewer have: {', '.join(few)} (`tinbao extract URL` "
                     "shows one page; a hint in [sites.<key>.hints] may help)")  # fmt: skip
    return found


def as_record(result: ProbeResult, entry: Entry) -> dict[str, object]:
    """One JSON-ready record: the entry's fields and the samples."""
    return {
        "key": entry.key,
        **entry.fields,
        "family": result.inference.family.name if result.inference else None,
        "samples": [{"url": s.url, "title": s.title, "problem": s.problem} for s in result.samples],
        "fill_rates": {"articles": result.fill_rates.articles, **result.fill_rates.rates()},
        "problems": list(result.problems),
    }


def _notes(result: ProbeResult) -> str:
    if result.inference is None:
        return (
            "Onboarded by `tinbao probe`; no article URL shape was found, so any known one is used."
        )
    family, covered = result.inference.family, len(result.inference.links)
    titled = sum(1 for s in result.samples if s.title)
    return (
        f"Onboarded by `tinbao probe`: {covered} of the site's links have the {family.name!r} "
        f"shape ({family.example}); {titled} of {len(result.samples)} sample articles gave a title."
    )
