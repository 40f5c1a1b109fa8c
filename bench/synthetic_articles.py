"""Synthetic Vietnamese articles for search benchmarks, written straight into an archive.

Why synthetic: a million real articles are not at hand, and search cost depends on how words
are distributed, not on what they mean. The text is made to be distributed like provincial news:
common words and compounds ("phát triển", "kinh tế") follow a Zipf law, so folded syllables such
as "da" or "duong" are in most articles, as they are in real text; every site writes mostly
about its own province (by the registry); ids grow with publication time, except a trailing
share that is a backfill of old articles, as after `tinbao backfill`.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from crawler.provinces import CURRENT, FORMER
from crawler.registry import load_registry


def _listed(text: str, separator: str = ",") -> list[str]:
    return [" ".join(item.split()) for item in text.split(separator) if item.strip()]


# Function words, then common words and compounds of provincial news, most frequent first.
COMMON = _listed("""của, và, các, có, trong, được, cho, là, với, những, đã, người, này, một,
không, năm, đến, ra, khi, để, tại, về, cũng, như, từ, sẽ, theo, nhiều, đó, trên, sau, đang,
vào, lại, thì, nên, nhưng, còn, phải, qua, bị, tỉnh, huyện, xã, phường, thành phố, thực hiện,
công tác, phát triển, kinh tế, xã hội, nhân dân, Đảng, chính quyền, địa phương, dự án, đầu tư,
tổ chức, hoạt động, quan tâm, hỗ trợ, lãnh đạo, cán bộ, đảng viên, học sinh, giáo dục, y tế,
bệnh viện, nông nghiệp, sản xuất, doanh nghiệp, thị trường, giá, mưa, bão, lũ lụt, giao
thông, đường bộ, cầu, cảng, du lịch, văn hóa, thể thao, bóng đá, giải đấu, lễ hội, chương
trình, kế hoạch, triển khai, kết quả, đánh giá, hội nghị, ủy ban nhân dân, công an, bộ đội, an
ninh, quốc phòng, biên giới, chuyển đổi số, công nghệ, thông tin, người dân, hộ nghèo, an
sinh, nông thôn mới, trường học, giáo viên, sinh viên, thi tốt nghiệp, tuyển sinh, lúa gạo, cà
phê, cao su, thủy sản, tôm, cá, khai thác, xuất khẩu, nhập khẩu, ngân sách, thuế, vốn, tín
dụng, ngân hàng, lãi suất, xây dựng, công trình, khởi công, khánh thành, nghiệm thu, đô thị,
quy hoạch, đất đai, tài nguyên, môi trường, rác thải, nước sạch, điện, năng lượng, khu công
nghiệp, lao động, việc làm, bảo hiểm, tiền lương, sức khỏe, dịch bệnh, tiêm chủng, bác sĩ,
khám chữa bệnh, thuốc, an toàn thực phẩm, tai nạn, cháy nổ, cứu hộ, cứu nạn, thời tiết, nắng
nóng, hạn hán, sạt lở, triều cường, mùa khô, mùa mưa, vụ đông xuân, thu hoạch, năng suất, giá
lúa, hợp tác xã, nông dân, ngư dân, tàu cá, biển đảo, rừng, phòng cháy, khen thưởng, thi đua,
gương điển hình, học tập, làm theo, Bác Hồ, tư tưởng, đạo đức, phong cách""")
INITIALS = _listed("b c ch d đ g gi h k kh l m n ng nh ph qu r s t th tr v x", " ")
RIMES = _listed(
    """a à á ả ã ạ ăn ắt ân ấp e é ê ề ế i ì í o ò ó ô ồ ố ơ ờ ớ u ù ú ư ừ ứ anh
ành ánh inh ình ính ong òng óng ung ùng úng ương ường ưởng iên iến iệt uyên uyền oai ai ài ái
ao ào áo âm ầm ấm ôi ối ồi ơi ời ới uôi uối ưa ừa ứa iêu iều yêu""",
    " ",
)
START = datetime(2021, 1, 1, tzinfo=UTC)
SPAN_DAYS = 6 * 365


@dataclass(frozen=True)
class Paper:
    key: str
    province: str


def papers() -> list[Paper]:
    """Every paper of the registry with the province it writes about (the one before 2025)."""
    return [Paper(s.key, s.province_before or s.province) for s in load_registry().values()]


class Writer:
    """Deterministic article text: Zipf-distributed words, each paper's province mentioned."""

    def __init__(self, seed: int = 7) -> None:
        self.random = random.Random(seed)
        tail = sorted({self._compound() for _ in range(30_000)})
        self.random.shuffle(tail)
        self.vocabulary = COMMON + tail
        weights = [1.0 / (rank + 10) ** 1.1 for rank in range(len(self.vocabulary))]
        self.cumulative = list(itertools.accumulate(weights))
        self.provinces = sorted({*CURRENT, *FORMER})

    def _compound(self) -> str:
        syllables = self.random.choice((1, 2, 2, 2, 3))
        return " ".join(
            self.random.choice(INITIALS) + self.random.choice(RIMES) for _ in range(syllables)
        )

    def sentence(self, words: int, province: str, mentions: float) -> str:
        chosen = self.random.choices(self.vocabulary, cum_weights=self.cumulative, k=words)
        if self.random.random() < mentions:
            chosen[self.random.randrange(words)] = province
        if self.random.random() < mentions / 8:
            chosen[self.random.randrange(words)] = self.random.choice(self.provinces)
        text = " ".join(chosen)
        return text[:1].upper() + text[1:] + "."

    def article(self, paper: Paper) -> tuple[str, str, str]:
        title = self.sentence(self.random.randint(8, 14), paper.province, 0.3)[:-1]
        lead = self.sentence(self.random.randint(25, 45), paper.province, 0.5)
        paragraphs = self.random.randint(4, 10)
        body = "\n".join(
            self.sentence(self.random.randint(30, 60), paper.province, 0.25)
            for _ in range(paragraphs)
        )
        return title, lead, body


def rows(count: int, *, backfill_share: float = 0.1, seed: int = 7) -> Iterator[tuple[object, ...]]:
    """`count` rows for `articles` in id order: (site, url, title, lead, body, published_at,
    content_hash, first_seen_at, last_seen_at), times as the archive stores them on SQLite."""
    writer = Writer(seed)
    sites = papers()
    current = int(count * (1 - backfill_share))
    for number in range(count):
        paper = writer.random.choice(sites)
        if number < current:
            day = number / max(current, 1) * SPAN_DAYS + writer.random.uniform(-2, 2)
        else:  # a backfill of a frozen paper's first two years, stored last
            day = writer.random.uniform(0, 2 * 365)
        published = START + timedelta(days=max(day, 0))
        title, lead, body = writer.article(paper)
        stamp = published.strftime("%Y-%m-%d %H:%M:%S.%f")
        digest = hashlib.sha256(f"{number}{body}".encode()).hexdigest()
        url = f"https://{paper.key}.example/a{number}.html"
        yield (paper.key, url, title, lead, body, stamp, digest, stamp, stamp)


_COLUMNS = (
    "site, url, title, lead, body, published_at, content_hash, first_seen_at, last_seen_at, "
    "language"
)


def fill(database: Path, count: int, *, batch: int = 5_000, backfill_share: float = 0.1) -> None:
    """Append `count` synthetic articles to the SQLite archive at `database` (triggers index
    them), in transactions of `batch` rows."""
    insert = f"INSERT INTO articles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'vi')"
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        generated = rows(count, backfill_share=backfill_share)
        while chunk := list(itertools.islice(generated, batch)):
            with connection:
                connection.executemany(insert, chunk)
    finally:
        connection.close()


def fill_postgresql(
    url: str, count: int, *, start: int = 0, jobs: int = 1, backfill_share: float = 0.1
) -> None:
    """Rows `start` to `count` (exclusive) of the synthetic archive into the PostgreSQL archive
    at `url` (a SQLAlchemy URL), with ids number + 1 as on SQLite; the stored search column and
    its index are computed as rows arrive, by `jobs` connections at once (each its own range);
    then ANALYZE, as autovacuum would after such growth."""
    bounds = [start + (count - start) * n // jobs for n in range(jobs + 1)]
    ranges = list(itertools.pairwise(bounds))
    if jobs == 1:
        _copy_rows(url, count, *ranges[0], backfill_share)
    else:
        with ProcessPoolExecutor(jobs) as pool:
            done = [pool.submit(_copy_rows, url, count, a, b, backfill_share) for a, b in ranges]
            for future in done:
                future.result()
    with _connect(url) as connection:
        connection.autocommit = True
        connection.execute(
            "SELECT setval(pg_get_serial_sequence('articles', 'id'), max(id)) FROM articles"
        )
        connection.execute("ANALYZE articles")


def _connect(url: str) -> Any:
    import psycopg  # the postgres extra
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    options = parsed.query.get("options")
    dsn = parsed.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    return psycopg.connect(dsn, options=options if isinstance(options, str) else "")


def _copy_rows(url: str, count: int, first: int, last: int, backfill_share: float) -> None:
    """COPY rows [first, last) of `rows(count)`, committed every 10,000; the rows before
    `first` are generated and dropped (the text of a row depends on all those before it)."""
    generated = itertools.islice(rows(count, backfill_share=backfill_share), first, last)
    numbers = itertools.count(first + 1)
    with _connect(url) as connection:
        while chunk := list(itertools.islice(generated, 10_000)):
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY articles (id, {_COLUMNS}) FROM STDIN") as copy,
            ):
                for (
                    site,
                    link,
                    title,
                    lead,
                    body,
                    published,
                    digest,
                    first_seen,
                    last_seen,
                ) in chunk:
                    copy.write_row((next(numbers), site, link, title, lead, body,
                                    f"{published}+00", digest, f"{first_seen}+00",
                                    f"{last_seen}+00", "vi"))  # fmt: skip
            connection.commit()
