"""Articles for the search, show, export and stats tests: plain records that satisfy storage's
ArticleFields, stored through the real `save_article` (so the index triggers run)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from storage import save_article
from storage.reading import find_article

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Record:
    url: str
    title: str
    body: str
    lead: str = ""
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    updated_at: datetime | None = None
    section: str = ""
    tags: tuple[str, ...] = ()
    image_url: str = ""
    language: str = "vi"
    source: str = ""


def store(session: Session, site: str, record: Record, *, now: datetime = NOW) -> int:
    """Save `record` for `site` and return the id of the article it is (new, or the stored one
    whose text it repeats); the caller commits."""
    save_article(session, site, record, now=now)
    session.flush()
    article = find_article(session, record.url)
    assert article is not None
    return article.id


DA_NANG = Record(
    url="https://baodanang.vn/mua-lon-a1.html",
    title="Đà Nẵng mưa lớn, nhiều tuyến đường ngập",
    lead="Mưa lớn kéo dài khiến nhiều tuyến phố ở Đà Nẵng ngập sâu.",
    body="Nước dâng cao ở quận Hải Châu.\nLực lượng chức năng hỗ trợ người dân.",
    authors=("HOÀNG HIỆP",),
    published_at=datetime(2026, 11, 1, 3, 0, tzinfo=UTC),
    section="Thời sự",
)
DA_NANG_STONE = Record(
    url="https://baocantho.com.vn/tang-da-a2.html",
    title="Tảng đá nặng rơi xuống quốc lộ",
    lead="Một tảng đá nặng hàng tấn lăn xuống đường sau mưa.",
    body="Không có thương vong.\nĐơn vị quản lý đường bộ đã dọn dẹp.",
    published_at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
)
BINH_DUONG = Record(
    url="https://baobinhduong.vn/cong-nghiep-a3.html",
    title="Bình Dương phát triển công nghiệp",
    lead="Tỉnh Bình Dương thu hút thêm vốn đầu tư nước ngoài.",
    body="Các khu công nghiệp mở rộng.\nĐỖ TRỌNG",
    authors=("ĐỖ TRỌNG",),
    published_at=datetime(2024, 1, 5, 2, 0, tzinfo=UTC),
)
