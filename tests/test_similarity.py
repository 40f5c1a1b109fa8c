"""MinHash signatures and LSH bands: copies of one story meet, different stories do not."""

from __future__ import annotations

from storage.similarity import (
    BANDS,
    band_keys,
    from_bytes,
    signature,
    similarity,
    to_bytes,
)

STORY = (
    "Ngày 8-1, Phó Thủ tướng Thường trực Nguyễn Hòa Bình chủ trì hội nghị tổng kết công tác năm "
    "2025 và triển khai nhiệm vụ năm 2026 của ngành Thanh tra. Trong năm, toàn ngành đã triển "
    "khai 66.032 cuộc thanh tra, kiểm tra tại 79.894 đơn vị, phát hiện vi phạm về kinh tế và đất "
    "đai, kiến nghị thu hồi hàng trăm nghìn tỉ đồng. Phó Thủ tướng lưu ý năm 2026 là năm bắt đầu "
    "của kỷ nguyên mới, nhiệm vụ của ngành sẽ ngày càng nặng nề, phức tạp hơn."
)
OTHER = (
    "Giá vàng trong nước tiếp tục giảm, xuống mức 183,8 triệu đồng/lượng ở chiều bán ra với vàng "
    "miếng SJC. Tuy nhiên, giá này vẫn đắt hơn thế giới gần 20 triệu đồng/lượng. Trên thị trường "
    "quốc tế, giá vàng giao ngay giảm nhẹ khi đồng USD tăng giá."
)


def test_a_syndicated_copy_is_similar() -> None:
    copy = "(TTXVN) - " + STORY.replace("66.032", "66.100") + " Theo TTXVN"
    one, other = signature(STORY), signature(copy)
    assert one is not None and other is not None
    assert similarity(one, other) >= 0.6
    assert set(band_keys(one)) & set(band_keys(other))


def test_different_stories_are_not() -> None:
    one, other = signature(STORY), signature(OTHER)
    assert one is not None and other is not None
    assert similarity(one, other) < 0.1
    assert not set(band_keys(one)) & set(band_keys(other))


def test_case_and_punctuation_do_not_count() -> None:
    one, other = signature(STORY), signature(STORY.upper().replace(",", " ,"))
    assert one is not None and other is not None
    assert similarity(one, other) == 1.0


def test_signatures_survive_storage_and_band_keys_are_stable() -> None:
    sig = signature(STORY)
    assert sig is not None
    assert (from_bytes(to_bytes(sig)) == sig).all()
    assert band_keys(sig) == band_keys(from_bytes(to_bytes(sig)))
    assert len(set(band_keys(sig))) == BANDS
    assert all(-(2**62) <= key < 2**62 for key in band_keys(sig))


def test_no_words_no_signature() -> None:
    assert signature("") is None
    assert signature(" ... ") is None
    short = signature("Tin ngắn")
    assert short is not None
