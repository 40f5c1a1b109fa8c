"""`tinbao extract FILE|URL [--site KEY] [--url URL] [--json]`: one page read as a crawl reads
it, before a site is added or when its hints are being written.

Prints the Article, which extraction-health fields it fills (what `tinbao status` watches),
each hint of the site with how many elements it selected on the page, and whether a crawl would
store it. The hints are the `--site`'s, else those of the registry site the page's address is
on, else none. A saved FILE's address is `--url`, else the canonical URL the page names. Exit
status 0 for an article a crawl would store, 1 for a page that is none (or could not be
fetched), 2 for a usage error (an unknown site, a file that cannot be read).
"""

from __future__ import annotations

import argparse
import dataclasses
from datetime import datetime
from pathlib import Path

from crawler.extraction import Article
from crawler.extraction.hints import NO_HINTS
from crawler.importing.sites import SiteMatcher
from crawler.outcome import COMPLETED, FAILED
from crawler.probe import urllib_fetch
from crawler.registry import load_registry, unknown_site
from crawler.trial import Trial, TrialError, declared_url, fetch_page, read_trial
from scheduler.commands.common import UsageError, json_line, positive_float, say
from scheduler.commands.selection import local
from storage.extraction_health import filled

MAX_FILE_BYTES = 64 * 1024 * 1024  # far above any article page


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "extract",
        help="read one saved page (or URL) as a crawl would and print the article",
        description="Reads one page with the extractor and a site's hints and prints the "
        "article, the fields it fills, the hints that matched and whether a crawl would store it.",
    )
    parser.add_argument("page", metavar="FILE|URL", help="a saved HTML page, or an http(s) URL")
    parser.add_argument("--site", metavar="KEY", help="use this registry site's hints "
                        "(default: the site the page's URL is on, else none)")  # fmt: skip
    parser.add_argument("--url", help="the address a saved FILE came from (for its links, "
                        "its canonical URL and its site)")  # fmt: skip
    parser.add_argument("--timeout", type=positive_float, default=20.0, help="seconds (URL)")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    is_url = options.page.startswith(("http://", "https://"))
    if is_url and options.url:
        raise UsageError("--url is for a saved FILE; a URL is its own address")
    registry = load_registry()
    if options.site is not None and options.site not in registry:
        raise UsageError(unknown_site(options.site, registry))
    if is_url:
        try:
            fetch = urllib_fetch(timeout=options.timeout, delay=0)
            page, page_url = fetch_page(options.page, fetch)
        except TrialError as exc:
            say(f"tinbao: could not fetch the page: {exc}")
            return FAILED
    else:
        page = _read_file(Path(options.page))
        page_url = options.url or declared_url(page) or Path(options.page).absolute().as_uri()
    matcher = SiteMatcher.of(registry)
    site = registry[options.site] if options.site else matcher.site_of_host(page_url)
    trial = read_trial(page, page_url, site.hints if site else NO_HINTS, site.key if site else "")
    print(json_line(record(trial)) if options.json else "\n".join(lines(trial)))
    return COMPLETED if trial.stored else FAILED


def _read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UsageError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB, not a page")
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def record(trial: Trial) -> dict[str, object]:
    """The JSON form: the Article's fields as the archive would get them, and the report."""
    article = dataclasses.asdict(trial.article)
    for name in ("warc_file", "warc_offset", "site"):
        article.pop(name)
    return {
        "site": trial.site or None,
        "article": article,
        "filled": filled(trial.article),
        "hints": [dataclasses.asdict(h) for h in trial.hints],
        "stored": trial.stored,
        "verdict": trial.verdict,
    }


def lines(trial: Trial) -> list[str]:
    """The text form: one labelled line per field, the report, then the body."""
    a: Article = trial.article
    captioned = sum(1 for image in a.images if image.caption)
    paragraphs = len(a.body.splitlines())
    rows = [
        ("url", a.url),
        ("title", a.title),
        ("lead", a.lead),
        ("authors", ", ".join(a.authors)),
        ("published", _time(a.published_at)),
        ("updated", _time(a.updated_at)),
        ("section", a.section),
        ("tags", ", ".join(a.tags)),
        ("source", a.source),
        ("language", a.language),
        ("image", a.image_url),
        ("images", f"{len(a.images)} ({captioned} with a caption)"),
        ("body", f"{len(a.body)} characters, {paragraphs} paragraphs"),
        ("fills", ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in filled(a).items())),
        ("site", trial.site or "- (not a registry site's page: the generic rules alone)"),
        ("hints", _hints(trial) if trial.hints else "none (the generic rules alone)"),
        ("verdict", trial.verdict_text),
    ]
    width = max(len(label) for label, _ in rows)
    return [f"{label.ljust(width)}  {value or '-'}".rstrip() for label, value in rows] + [
        "",
        a.body,
    ]


def _hints(trial: Trial) -> str:
    def one(count: int) -> str:
        return "matched nothing" if not count else f"matched {count}"

    return "; ".join(f"{h.field} {h.selector!r} {one(h.matches)}" for h in trial.hints)


def _time(value: datetime | None) -> str:
    return f"{local(value, '%Y-%m-%d %H:%M:%S')} (UTC+7)" if value is not None else "-"
