"""`tinbao show ID|URL`: an article as a reader sees it, in the layout of the aggregated seed page
(../shared/corpus/seed/), without its share-button noise."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scheduler.cli import main
from scheduler.commands.show import render
from storage import Article, make_sessionmaker, open_archive
from storage.reading import find_article
from tests.search_records import BINH_DUONG, DA_NANG, Record, store

CORPUS = Path(
    os.environ.get("TINBAO_CORPUS", Path(__file__).parents[1].parent / "shared" / "corpus")
)
SEED = CORPUS / "seed" / "baobinhduong-article-as-aggregated.txt"


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tinbao.db'}"
    engine = open_archive(url)
    with make_sessionmaker(engine).begin() as session:
        store(session, "baodanang", DA_NANG)
        store(session, "baobinhduong", BINH_DUONG)
        alias = Record(BINH_DUONG.url + "?utm_source=zalo", BINH_DUONG.title, BINH_DUONG.body)
        store(session, "baobinhduong", alias)  # the same text: recorded as a URL of the article
    engine.dispose()
    return url


def show(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The exit status and stdout, or stderr when stdout is empty."""
    status = main(["--database-url", url, "show", *args])
    out, err = capsys.readouterr()
    return status, out or err


def test_by_id_url_or_alias(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, by_id = show(url, capsys, "2")
    _, by_url = show(url, capsys, BINH_DUONG.url)
    _, by_alias = show(url, capsys, BINH_DUONG.url + "?utm_source=zalo")
    assert by_id == by_url == by_alias
    assert by_id.startswith("Bình Dương phát triển công nghiệp\n\nTỉnh Bình Dương thu hút")
    assert by_id.endswith(f"\n\nĐỖ TRỌNG\n\nNguồn Bình Dương: {BINH_DUONG.url}\n")


@pytest.mark.parametrize(
    "spelling",
    [
        "https://baodanang.vn/mua-lon-a1.html?utm_source=facebook&fbclid=IwAR0",  # tracking
        "https://baodanang.vn/mua-lon-a1.html#binh-luan",  # a fragment
        "http://baodanang.vn/mua-lon-a1.html",  # http for https
        "https://www.baodanang.vn/mua-lon-a1.html",  # www.
        "https://m.baodanang.vn/mua-lon-a1.html",  # the mobile site
        "https://baodanang.vn/amp/mua-lon-a1.html",  # AMP
        "  HTTPS://BAODANANG.VN/mua-lon-a1.html  ",  # as pasted
    ],
)
def test_by_any_spelling_of_its_url(
    url: str, capsys: pytest.CaptureFixture[str], spelling: str
) -> None:
    """The README promises it: the same page under any URL the archive treats as the same."""
    assert DA_NANG.url == "https://baodanang.vn/mua-lon-a1.html"
    status, out = show(url, capsys, spelling)
    assert status == 0 and out.startswith(DA_NANG.title + "\n"), out
    assert show(url, capsys, "https://baodanang.vn/mua-nho-a1.html")[0] == 1  # another page


def test_the_reader_layout(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = show(url, capsys, "1")
    assert status == 0
    assert out == (
        "Đà Nẵng mưa lớn, nhiều tuyến đường ngập\n\n"
        "Mưa lớn kéo dài khiến nhiều tuyến phố ở Đà Nẵng ngập sâu.\n\n"
        "Nước dâng cao ở quận Hải Châu.\n\n"
        "Lực lượng chức năng hỗ trợ người dân.\n\n"
        "HOÀNG HIỆP\n\n"
        f"Nguồn Đà Nẵng: {DA_NANG.url}\n"
    )


def test_json(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = show(url, capsys, "1", "--json")
    record = json.loads(out)
    assert status == 0
    assert record["title"] == DA_NANG.title and record["body"] == DA_NANG.body
    assert record["authors"] == "HOÀNG HIỆP" and record["section"] == "Thời sự"


def test_not_found(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert show(url, capsys, "99") == (1, "no article in the archive has the id or URL '99'\n")
    assert show(url, capsys, "https://x.vn/a")[0] == 1


def test_an_agency_credit_and_an_unknown_site() -> None:
    article = Article(site="baoxyz", url="https://x.vn/a.html", title="Tiêu đề", lead=None,
                      body="Đoạn một.", authors=None, source="TTXVN")  # fmt: skip
    assert (
        render(article, {})
        == "Tiêu đề\n\nĐoạn một.\n\nTheo TTXVN\n\nNguồn baoxyz: https://x.vn/a.html"
    )


@pytest.mark.skipif(not SEED.is_file(), reason=f"seed page not found at {SEED} (TINBAO_CORPUS)")
def test_the_seed_page_is_reproduced_without_its_share_buttons(tmp_path: Path) -> None:
    seed = SEED.read_text("utf-8").strip()
    assert seed.endswith("\nZalo")
    blocks = seed.removesuffix("\nZalo").split("\n\n")
    source_url = blocks[-1].split(": ", 1)[1]
    record = Record(source_url, blocks[0], "\n".join(blocks[2:-2]), lead=blocks[1],
                    authors=(blocks[-2],))  # fmt: skip
    engine = open_archive(f"sqlite:///{tmp_path / 'seed.db'}")
    with make_sessionmaker(engine).begin() as session:
        store(session, "baobinhduong", record)
        article = find_article(session, source_url)
        assert article is not None
        assert render(article, {"baobinhduong": "Báo Bình Dương"}) == seed.removesuffix("\nZalo")
    engine.dispose()


def test_copies_lists_the_story_original_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_stories import COPY, ORIGINAL

    url = f"sqlite:///{tmp_path / 'story.db'}"
    engine = open_archive(url)
    with make_sessionmaker(engine).begin() as session:
        copy = store(session, "baocantho", COPY)  # met first, published later
        original = store(session, "baochinhphu", ORIGINAL)
        alone = store(session, "baodanang", DA_NANG)
    engine.dispose()
    status, out = show(url, capsys, str(copy), "--copies")
    lines = out.splitlines()
    assert status == 0
    assert lines[1].split()[:4] == [str(original), "2026-11-23", "14:00", "baochinhphu"]
    assert lines[2].split()[:4] == [str(copy), "2026-11-23", "17:00", "baocantho"]
    assert lines[-1] == "2 articles in this story; the first is its original"
    status, out = show(url, capsys, str(alone), "--copies")
    assert "1 article in this story" in out
    status, out = show(url, capsys, str(copy), "--json")
    assert json.loads(out)["story_id"] is not None
