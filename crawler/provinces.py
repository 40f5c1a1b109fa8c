"""Vietnam's provincial-level units before and after the merger of 2025-07-01, as data.

The National Assembly's Resolution 202/2025/QH15 cut 63 provinces and centrally-run cities to 34
from 2025-07-01. Every registry entry names both: `province` (the unit today) and
`province_before` (the one the paper served before the merger), spelled exactly as here.

Spelling convention: the name without its administrative prefix ("tỉnh", "thành phố") except
"TP Hồ Chí Minh", tone marks placed as in the resolution ("Thanh Hóa", "Khánh Hòa", "Hòa Bình"),
"Bà Rịa - Vũng Tàu" with a plain hyphen, Unicode NFC.
"""

from __future__ import annotations

import unicodedata
from datetime import date

MERGER_DATE = date(2025, 7, 1)

# The 34 units since 2025-07-01: the 6 centrally-run cities, then the 28 provinces, in the
# resolution's order. Each maps to the former units that form it (itself first when it kept its
# name; Thừa Thiên Huế had already become the city of Huế on 2025-01-01).
MERGERS: dict[str, tuple[str, ...]] = {
    "Hà Nội": ("Hà Nội",),
    "Huế": ("Thừa Thiên Huế",),
    "Hải Phòng": ("Hải Phòng", "Hải Dương"),
    "Đà Nẵng": ("Đà Nẵng", "Quảng Nam"),
    "TP Hồ Chí Minh": ("TP Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"),
    "Cần Thơ": ("Cần Thơ", "Sóc Trăng", "Hậu Giang"),
    "Lai Châu": ("Lai Châu",),
    "Điện Biên": ("Điện Biên",),
    "Sơn La": ("Sơn La",),
    "Lạng Sơn": ("Lạng Sơn",),
    "Quảng Ninh": ("Quảng Ninh",),
    "Thanh Hóa": ("Thanh Hóa",),
    "Nghệ An": ("Nghệ An",),
    "Hà Tĩnh": ("Hà Tĩnh",),
    "Cao Bằng": ("Cao Bằng",),
    "Tuyên Quang": ("Tuyên Quang", "Hà Giang"),
    "Lào Cai": ("Lào Cai", "Yên Bái"),
    "Thái Nguyên": ("Thái Nguyên", "Bắc Kạn"),
    "Phú Thọ": ("Phú Thọ", "Vĩnh Phúc", "Hòa Bình"),
    "Bắc Ninh": ("Bắc Ninh", "Bắc Giang"),
    "Hưng Yên": ("Hưng Yên", "Thái Bình"),
    "Ninh Bình": ("Ninh Bình", "Hà Nam", "Nam Định"),
    "Quảng Trị": ("Quảng Trị", "Quảng Bình"),
    "Quảng Ngãi": ("Quảng Ngãi", "Kon Tum"),
    "Gia Lai": ("Gia Lai", "Bình Định"),
    "Khánh Hòa": ("Khánh Hòa", "Ninh Thuận"),
    "Lâm Đồng": ("Lâm Đồng", "Đắk Nông", "Bình Thuận"),
    "Đắk Lắk": ("Đắk Lắk", "Phú Yên"),
    "Đồng Nai": ("Đồng Nai", "Bình Phước"),
    "Tây Ninh": ("Tây Ninh", "Long An"),
    "Vĩnh Long": ("Vĩnh Long", "Bến Tre", "Trà Vinh"),
    "Đồng Tháp": ("Đồng Tháp", "Tiền Giang"),
    "Cà Mau": ("Cà Mau", "Bạc Liêu"),
    "An Giang": ("An Giang", "Kiên Giang"),
}

CURRENT: tuple[str, ...] = tuple(MERGERS)
FORMER: tuple[str, ...] = tuple(sorted(f for parts in MERGERS.values() for f in parts))
SUCCESSOR: dict[str, str] = {f: now for now, parts in MERGERS.items() for f in parts}


def fold(name: str) -> str:
    """A name without case, tone marks or spacing differences, for matching what users type:
    fold("can tho") == fold("Cần Thơ"); "Đ" becomes "d"."""
    decomposed = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").casefold().split())


def find_province(text: str) -> str | None:
    """The former province named in `text` ("Báo Sóc Trăng" -> "Sóc Trăng"), longest name first
    so that "Bà Rịa - Vũng Tàu" wins over a shorter name inside it; None when there is none."""
    folded = f" {fold(text)} "
    for name in sorted({*FORMER, *CURRENT}, key=len, reverse=True):
        if f" {fold(name)} " in folded:
            return name
    return None
