"""What the archive already holds for one site, read once when a crawl starts: the URLs not to
fetch again (articles under all their URLs, and pages remembered as holding no article), and
when the site was last crawled to the end (to skip older sitemap entries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.urls import url_key
from storage import ignored_urls, known_urls, last_successful_run, make_sessionmaker, open_archive


@dataclass
class ArchiveState:
    known: set[str] = field(default_factory=set)  # url_key() of every known URL
    last_success: datetime | None = None

    def __post_init__(self) -> None:
        self.known = {url_key(url) for url in self.known}

    @classmethod
    def load(cls, database_url: str, site: str) -> ArchiveState:
        engine = open_archive(database_url)
        try:
            with make_sessionmaker(engine)() as session:
                run = last_successful_run(session, site)
                known = known_urls(session, site) | ignored_urls(session, site)
                return cls(known, run.started_at if run else None)
        finally:
            engine.dispose()

    def is_known(self, url: str) -> bool:
        """Known under this spelling or another one of the same page (www., AMP, tracking...)."""
        return url_key(url) in self.known

    def add(self, url: str) -> None:
        self.known.add(url_key(url))
