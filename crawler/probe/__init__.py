"""`tinbao probe`: onboard a site from its home page.

`probe(home, fetch)` reads robots.txt and the home page, checks candidate feeds and sitemaps,
picks section pages, infers the article URL pattern (families.py) and extracts a few sample
articles; `registry_entry` and `as_toml` turn the result into a ready `[sites.<key>]` entry.
"""

from crawler.probe.entry import render_entry, site_key
from crawler.probe.families import ANY_FAMILY, FAMILIES, Family, infer_family
from crawler.probe.fetch import Fetch, Fetched, urllib_fetch
from crawler.probe.probe import ProbeError, ProbeResult, Sample, probe
from crawler.probe.report import Entry, as_record, as_toml, registry_entry

__all__ = [
    "ANY_FAMILY",
    "FAMILIES",
    "Entry",
    "Family",
    "Fetch",
    "Fetched",
    "ProbeError",
    "ProbeResult",
    "Sample",
    "as_record",
    "as_toml",
    "infer_family",
    "probe",
    "registry_entry",
    "render_entry",
    "site_key",
    "urllib_fetch",
]
