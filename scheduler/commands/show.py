"""`tinbao show ID|URL [--copies]`: one article as a reader sees it, or the articles of its
story.

The layout is the one news aggregators give a provincial article (see
../shared/corpus/seed/): title, lead, the body's paragraphs and sub-headings, the byline, then
`Nguồn <paper>: <url>`, the paper named without its "Báo " prefix as they do. Nothing else: no
share buttons, no dates in the text.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from crawler.registry import load_registry
from crawler.urls import url_key
from scheduler.commands.common import json_line, reading, say, table
from scheduler.commands.selection import local
from storage import Article, make_sessionmaker
from storage.reading import find_article
from storage.stories import copies

FIELDS = ("id", "site", "url", "title", "lead", "body", "authors", "published_at",
          "updated_at", "section", "tags", "image_url", "language", "source", "first_seen_at",
          "gone_at", "story_id", "revised_at", "extractor_version")  # fmt: skip


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("show", help="print one article as a reader sees it")
    parser.add_argument("article", help="its id (from tinbao search) or any of its URLs, in any "
                        "spelling (tracking parameters, http/https, www./m., AMP)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="the stored record as JSON")
    parser.add_argument(
        "--copies",
        action="store_true",
        help="list the articles of its story instead: the original and the copies other papers "
        "carried",
    )
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    engine = reading(options)
    try:
        with make_sessionmaker(engine)() as session:
            article = find_article(session, options.article, same_page=url_key)
            members = copies(session, article) if article is not None and options.copies else []
    finally:
        engine.dispose()
    if article is None:
        say(f"no article in the archive has the id or URL {options.article!r}")
        return 1
    if options.copies:
        rows = [[str(a.id), local(a.published_at), a.site, a.url] for a in members]
        print(table(["id", "published (UTC+7)", "site", "url"], rows))
        count = f"{len(members)} article" + ("s" if len(members) != 1 else "")
        print(f"\n{count} in this story; the first is its original")
        return 0
    if options.json:
        print(json_line({field: getattr(article, field) for field in FIELDS}))
        return 0
    papers = {site.key: site.name for site in load_registry().values()}
    print(render(article, papers))
    return 0


def render(article: Article, papers: Mapping[str, str]) -> str:
    """The reader's text of `article`; `papers` maps site keys to the papers' names."""
    paper = papers.get(article.site, article.site).removeprefix("Báo ")
    blocks = [article.title, article.lead or ""]
    blocks += [line.strip() for line in article.body.splitlines()]
    blocks.append(article.authors or "")
    if article.source:
        blocks.append(f"Theo {article.source}")
    blocks.append(f"Nguồn {paper}: {article.url}")
    return "\n\n".join(block for block in blocks if block)
