"""Deterministic Vietnamese-looking text, different for every article (so no two share a hash)."""

from __future__ import annotations

import random

WORDS = tuple(
    " ".join(
        [
            "thành phố tỉnh huyện xã phường nhân dân cán bộ đảng viên hội nghị triển khai kế",
            "hoạch năm kinh tế xã hội phát triển đầu tư dự án công trình giao thông nông nghiệp",
            "lúa gạo thủy sản đồng bằng sông Cửu Long Cần Thơ Bình Dương Lào Cai học sinh giáo",
            "dục y tế bệnh viện doanh nghiệp thị trường xuất khẩu du lịch văn hóa lễ hội thể thao",
            "bóng đá người lao động chính quyền ủy ban chủ tịch phó bí thư thường trực nhiệm vụ",
            "trọng tâm giải pháp hiệu quả tăng trưởng ngân sách tiết kiệm chuyển đổi số công nghệ",
            "an ninh quốc phòng môi trường mưa lũ hạn mặn nước sạch điện đường trường trạm",
        ]
    ).split()
)
NAMES = ("ĐỖ TRỌNG", "P.Y", "Anh Dũng", "NHẬT XUÂN - NGHI VŨ", "Minh Hằng", "T.LONG")
CREDITS = ("", "Tin, ảnh: ", "Bài, ảnh: ", "")


def sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 4)))


def title(rng: random.Random) -> str:
    return sentence(rng, rng.randint(7, 12)).rstrip(".")
