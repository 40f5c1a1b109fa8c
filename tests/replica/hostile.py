"""Pages built to exhaust a crawler (issue 11, item 7), for the tests and bench/hostile_memory.py.

Each is what a broken or hostile site can serve: JSON-LD nested far too deep, a feed of 100,000
items, a sitemap index that leads to another and another, a robots.txt of megabytes.
"""

from __future__ import annotations

from tests.replica.pages import page

PARAGRAPHS = (
    "Mưa lớn kéo dài từ chiều qua khiến nhiều tuyến đường ở trung tâm thành phố bị ngập sâu.",
    "Lực lượng chức năng đã có mặt để hướng dẫn người dân di chuyển qua các điểm ngập nặng.",
    "Theo đài khí tượng, mưa còn tiếp diễn trong hai ngày tới ở nhiều địa phương của vùng.",
)


def deep_json_ld_page(depth: int, title: str = "Mưa lớn ở Cần Thơ") -> str:
    """An article page whose first JSON-LD block nests `depth` objects, its second a plain
    NewsArticle with the publication time."""
    deep = '{"@type": "Thing", "a": ' * depth + "1" + "}" * depth
    plain = (
        '{"@context": "https://schema.org", "@type": "NewsArticle", '
        f'"headline": "{title}", "datePublished": "2026-11-20T08:15:00+07:00"}}'
    )
    head = (
        f'<script type="application/ld+json">{deep}</script>'
        f'<script type="application/ld+json">{plain}</script>'
    )
    body = f"<article><h1>{title}</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article>"
    return page(title, body, head)


def long_feed(items: int, base_url: str = "https://baothu.vn/", *, distinct: int = 0) -> bytes:
    """An RSS feed of `items` items, each linking an article `tin-a<i>.html` (`distinct`: only
    that many different links, repeated in turn; 0: every link different)."""
    links = (
        f"<item><title>Tin {i}</title><link>{base_url}tin-a{i % distinct if distinct else i}.html"
        "</link></item>"
        for i in range(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin</title>'
        + "".join(links)
        + "</channel></rss>"
    ).encode()


def sitemap_chain(number: int, base_url: str = "https://baothu.vn/") -> bytes:
    """Sitemap index `number` of an endless chain: it lists index `number + 1` and nothing else."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base_url}sitemap-{number + 1}.xml</loc></sitemap></sitemapindex>"
    ).encode()


def huge_robots(size: int, tail: str = "Disallow: /tin-") -> bytes:
    """A robots.txt of about `size` bytes: thousands of wildcard rules for one group, then
    `tail`, the rule a reader that reads it all would apply last."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    total, number = 0, 0
    while total < size:
        line = f"Disallow: /muc-{number}/*/bai-{number}*.html$"
        lines.append(line)
        total += len(line) + 1
        number += 1
    lines.append(tail)
    return ("\n".join(lines) + "\n").encode()


def giant_article(size: int, title: str = "Mưa lớn ở Cần Thơ") -> str:
    """An article page of about `size` bytes: its title, then numbered paragraphs (each
    different, so no rule takes them for repeated furniture) until the page is that long."""
    paragraphs: list[str] = []
    total, number = 0, 0
    while total < size:
        text = f"<p>Đoạn {number}: {PARAGRAPHS[number % len(PARAGRAPHS)]}</p>"
        paragraphs.append(text)
        total += len(text.encode())
        number += 1
    return page(title, f"<article><h1>{title}</h1>" + "".join(paragraphs) + "</article>")
