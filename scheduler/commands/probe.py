"""`tinbao probe URL`: onboard a site from its home page; prints a ready registry entry."""

from __future__ import annotations

import argparse
import re
import sys

from crawler.probe import ProbeError, as_record, as_toml, probe, registry_entry, urllib_fetch
from scheduler.commands.common import UsageError, json_line


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "probe",
        help="read a site's home page and print a registry entry for it",
        description="Reads robots.txt and the home page, checks feeds, sitemaps and sections, "
        "infers the article URL pattern and extracts sample articles. The output is a TOML "
        "file for $TINBAO_SITES; the samples are in its comments.",
    )
    parser.add_argument("url", help="the site's home page, e.g. https://baocantho.com.vn/")
    parser.add_argument("--key", help="registry key (default: from the domain)")
    parser.add_argument("--province", help="the province since 2025 (default: from the name)")
    parser.add_argument("--samples", type=int, default=5, help="sample articles (default 5)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per request")
    parser.add_argument("--delay", type=float, default=0.5, help="seconds between requests")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of TOML")
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    if options.samples < 0:
        raise UsageError("--samples must be 0 or more")
    if options.key is not None and not re.fullmatch(r"[a-z][a-z0-9_]*", options.key):
        raise UsageError(f"--key {options.key!r}: use lower-case letters, digits and '_'")
    try:
        fetch = urllib_fetch(timeout=options.timeout, delay=options.delay)
        result = probe(options.url, fetch, samples=options.samples)
    except ProbeError as exc:
        print(f"tinbao: probe failed: {exc}", file=sys.stderr)
        return 1
    entry = registry_entry(result, key=options.key, province=options.province)
    if options.json:
        print(json_line(as_record(result, entry)))
    else:
        print(as_toml(result, entry), end="")
    return 0 if result.inference is not None else 1
