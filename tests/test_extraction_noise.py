"""Line rules for page furniture: each drops widgets, never a sentence of prose."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.extraction import EXTRACTOR_VERSION
from crawler.extraction.noise import (
    is_date_line,
    is_dateline,
    is_stopped_notice,
    is_widget,
    only_links,
    strip_furniture,
)


@pytest.mark.parametrize(
    "line",
    [
        "Chia sẻ",
        "Zalo",
        "Facebook Twitter Email",
        "Chia sẻ bài viết",
        "Theo dõi Báo Cần Thơ trên Google News",
        "Hãy theo dõi chúng tôi trên Zalo",
        "Tải ứng dụng: Báo Thử trên iOS và Android",
        "Download app",
        "Bình luận (12)",
        "0 bình luận",
        "Share",
        "Print",
    ],
)
def test_widgets(line: str) -> None:
    assert is_widget(line)


@pytest.mark.parametrize(
    "line",
    [
        "Chia sẻ với phóng viên, ông Minh cho biết dự án sẽ hoàn thành vào cuối năm.",
        "Theo dõi sát diễn biến thời tiết, tỉnh đã sơ tán hơn 2.000 hộ dân.",
        "Người dân tải ứng dụng để nộp hồ sơ trực tuyến.",
        "Print media is changing fast.",
        "Bình luận viên thể thao",
    ],
)
def test_sentences_are_no_widgets(line: str) -> None:
    assert not is_widget(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("12/03/2026 - 09:15", True),
        ("Thứ Hai, 23/11/2026 10:15 (GMT+7)", True),
        ("Cập nhật lúc 8h30 ngày 5/11/2026", True),
        ("Ngày 12/3/2026, UBND thành phố tổ chức lễ khánh thành.", False),
        ("Năm 2026", False),
    ],
)
def test_date_lines(line: str, expected: bool) -> None:
    assert is_date_line(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [("(VTC News) -", True), ("(CTO)", True), ("(CTO) - Ngày 8-1, hội nghị diễn ra.", False)],
)
def test_datelines(line: str, expected: bool) -> None:
    assert is_dateline(line) is expected


def test_stopped_notice() -> None:
    assert is_stopped_notice("Báo Bình Dương điện tử dừng cập nhật từ ngày 01/7/2025.")
    assert is_stopped_notice("Trang đã ngừng hoạt động từ ngày 1-7-2025")
    assert not is_stopped_notice("Nhà máy ngừng hoạt động để bảo trì.")


def test_strip_furniture_keeps_prose_and_drops_link_lists() -> None:
    links = {"giá vàng hôm nay tăng mạnh phiên đầu tuần", "thời sự"}
    lines = [
        "Đoạn văn thứ nhất của bài báo, có đủ chủ ngữ và vị ngữ.",
        "- Giá vàng hôm nay tăng mạnh phiên đầu tuần",
        "Thời sự",  # a short link text alone may be a sub-heading
        "Xem thêm: Giá vàng hôm nay tăng mạnh phiên đầu tuần",
        "Đoạn văn thứ hai của bài báo.",
        "Tin liên quan:",
        "Thời sự",  # after a related-articles label, link lines are the list
        "Đoạn văn thứ ba.",
    ]
    kept = strip_furniture(lines, links, set())
    assert kept == [lines[0], "Thời sự", lines[4], lines[7]]


def test_only_links() -> None:
    assert only_links(["- Trang chủ", "Thời sự"], {"trang chủ", "thời sự"})
    assert not only_links(["Trang chủ", "Một đoạn văn."], {"trang chủ"})


def test_extractor_version_is_a_dated_string() -> None:
    year, month, number = EXTRACTOR_VERSION.split(".")
    assert len(year) == 4 and 1 <= int(month) <= 12 and int(number) >= 1


def test_the_registry_checks_hints_without_loading_trafilatura() -> None:
    code = "import sys, crawler.registry; print('trafilatura' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert result.stdout.strip() == "False"
