"""Bylines and source lines at the end of Vietnamese articles; organisations are not people."""

from __future__ import annotations

import pytest

from crawler.extraction.bylines import (
    is_name_line,
    is_organisation,
    person_names,
    split_credits,
)

BODY = [
    "Hội nghị diễn ra trong không khí dân chủ, thẳng thắn.",
    "Các đại biểu thống nhất kế hoạch triển khai trong năm 2026.",
]


@pytest.mark.parametrize(
    ("last_lines", "authors", "source"),
    [
        (["ĐỖ TRỌNG"], ["ĐỖ TRỌNG"], ""),
        (["Anh Dũng"], ["Anh Dũng"], ""),
        (["Tin, ảnh: P.Y"], ["P.Y"], ""),
        (["Ảnh: Duy Khang"], ["Duy Khang"], ""),
        (["NHẬT XUÂN - NGHI VŨ"], ["NHẬT XUÂN", "NGHI VŨ"], ""),
        (["Hà Thu (tổng hợp)"], ["Hà Thu"], ""),
        (["Bài và ảnh: Minh Hằng, Quốc Tuấn"], ["Minh Hằng", "Quốc Tuấn"], ""),
        (["Thực hiện: Ngọc Hân - Minh Anh"], ["Ngọc Hân", "Minh Anh"], ""),
        (["Theo TTXVN"], [], "TTXVN"),
        (["Nguồn: VnExpress"], [], "VnExpress"),
        (["Theo Báo Nhân Dân"], [], "Báo Nhân Dân"),
        (["TTXVN"], [], "TTXVN"),
        (["ĐỖ TRỌNG", "Theo TTXVN"], ["ĐỖ TRỌNG"], "TTXVN"),
    ],
)
def test_split_credits(last_lines: list[str], authors: list[str], source: str) -> None:
    assert split_credits([*BODY, *last_lines]) == (BODY, authors, source)


@pytest.mark.parametrize(
    "last_line",
    [
        "Theo các chuyên gia, giá vàng sẽ còn tăng trong thời gian tới.",
        "Đây là lần đầu tiên thành phố tổ chức lễ hội này.",
        "Hội nghị Thành ủy Cần Thơ",
        "Năm 2026",
    ],
)
def test_normal_last_line_stays_in_body(last_line: str) -> None:
    paragraphs = [*BODY, last_line]
    assert split_credits(paragraphs) == (paragraphs, [], "")


def test_split_credits_keeps_a_lone_paragraph() -> None:
    assert split_credits(["ĐỖ TRỌNG"]) == (["ĐỖ TRỌNG"], [], "")
    assert split_credits([]) == ([], [], "")


def test_split_credits_does_not_change_its_input() -> None:
    paragraphs = [*BODY, "ĐỖ TRỌNG"]
    split_credits(paragraphs)
    assert paragraphs == [*BODY, "ĐỖ TRỌNG"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ĐỖ TRỌNG", True),
        ("P.Y", True),
        ("Anh Dũng", True),
        ("Hà Thu (tổng hợp)", True),
        ("NHẬT XUÂN - NGHI VŨ", True),
        ("Các đại biểu thống nhất kế hoạch triển khai trong năm 2026.", False),
        ("Giá vàng tăng mạnh", False),
        ("Năm 2026", False),
        ("", False),
        ("Lê Văn An, Lê Văn Bình, Lê Văn Cường, Lê Văn Dũng, Lê Văn Em", False),
    ],
)
def test_is_name_line(line: str, expected: bool) -> None:
    assert is_name_line(line) is expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["Báo Lào Cai điện tử"], []),
        (["NLD COM VN"], []),
        (["baolaocai.vn"], []),
        (["Tuổi Trẻ Online"], []),
        (["Duy Anh"], ["Duy Anh"]),
        (["Tin, ảnh: P.Y"], ["P.Y"]),
        (["Hà Thu, Báo Lào Cai điện tử"], ["Hà Thu"]),
        (["Minh Hằng", "Minh Hằng", "Quốc Tuấn"], ["Minh Hằng", "Quốc Tuấn"]),
    ],
)
def test_person_names(values: list[str], expected: list[str]) -> None:
    assert person_names(values) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Báo Lào Cai điện tử", True),
        ("NLD COM VN", True),
        ("TTXVN", True),
        ("vietnamnet.vn", True),
        ("Tuổi Trẻ Online", True),
        ("Minh Hằng", False),
        ("ĐỖ TRỌNG", False),
        ("P.Y", False),
    ],
)
def test_is_organisation(name: str, expected: bool) -> None:
    assert is_organisation(name) is expected


@pytest.mark.parametrize(
    ("last_lines", "authors", "source"),
    [
        (["Theo Đại Đoàn kết"], [], "Đại Đoàn kết"),
        (["Đại Đoàn kết"], [], "Đại Đoàn kết"),
        (["Theo Reuters"], [], "Reuters"),
        (["Theo VnExpress"], [], "VnExpress"),
        (["Nguồn Bình Dương: https://baobinhduong.vn/bai-viet-a332025.html"], [], "Bình Dương"),
        (["Theo Hà Thu"], ["Hà Thu"], ""),
        (["Bài, ảnh: Lê Na và Quốc Tuấn"], ["Lê Na", "Quốc Tuấn"], ""),
        (["Nhóm phóng viên: An Khang, Bảo Ngọc"], ["An Khang", "Bảo Ngọc"], ""),
        (["Hà Thu (tổng hợp)", "Theo Bloomberg"], ["Hà Thu"], "Bloomberg"),
    ],
)
def test_split_credits_people_and_papers(
    last_lines: list[str], authors: list[str], source: str
) -> None:
    assert split_credits([*BODY, *last_lines]) == (BODY, authors, source)


@pytest.mark.parametrize(
    "last_line",
    [
        "Ảnh minh họa",
        "Theo kế hoạch",
        "Theo các chuyên gia.",
        "Nguồn vốn được giải ngân trong quý II.",
    ],
)
def test_short_last_lines_that_are_no_credit_stay(last_line: str) -> None:
    paragraphs = [*BODY, last_line]
    assert split_credits(paragraphs) == (paragraphs, [], "")


def test_credit_lines_known_from_the_pages_author_and_source_blocks() -> None:
    paragraphs = [*BODY, "Dương Ngọc", "Nhịp sống thị trường"]
    assert split_credits(paragraphs, ["Dương Ngọc"], ["Nhịp sống thị trường"]) == (
        BODY,
        ["Dương Ngọc"],
        "Nhịp sống thị trường",
    )
    # a source block written "Theo X" still names X
    assert split_credits([*BODY, "Nhịp sống thị trường"], (), ["Theo Nhịp sống thị trường"]) == (
        BODY,
        [],
        "Nhịp sống thị trường",
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["https://www.facebook.com/baothu"], []),
        (["NHẬT XUÂN;NGHI VŨ"], ["NHẬT XUÂN", "NGHI VŨ"]),
        (["Theo TTXVN"], []),
        (["Thực hiện: Ngọc Hân - Minh Anh"], ["Ngọc Hân", "Minh Anh"]),
    ],
)
def test_person_names_more(values: list[str], expected: list[str]) -> None:
    assert person_names(values) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Đại Đoàn kết", True), ("Reuters", True), ("QĐND", True), ("MINH", False), ("Hà Thu", False)],
)
def test_is_organisation_press_names(name: str, expected: bool) -> None:
    assert is_organisation(name) is expected
