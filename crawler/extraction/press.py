"""Names of newspapers and agencies that Vietnamese articles credit as their source.

A credit line naming a person goes to `authors`, one naming a paper or agency to `source`.
Most organisations are recognisable by their shape ("Báo ...", "... Online", "...vn", an
acronym); this list covers the well-known names that look like ordinary words or like a
person's name ("Đại Đoàn kết", "Nhân Dân", "Tuổi Trẻ", "Reuters"). Compared case-insensitively.
"""

from __future__ import annotations

import re

_NAMES = """
ttxvn | vna | thông tấn xã việt nam | vietnamplus | baotintuc | báo tin tức
nhân dân | quân đội nhân dân | qđnd | công an nhân dân | cand | an ninh thủ đô
đại đoàn kết | đại biểu nhân dân | lao động | người lao động | nld | tiền phong | thanh niên
tuổi trẻ | tuổi trẻ online | sài gòn giải phóng | sggp | pháp luật tp.hcm | plo
hà nội mới | kinh tế đô thị | vnexpress | dân trí | dân việt | vietnamnet | zing | znews
vtc news | vtv | vov | đài tiếng nói việt nam | đài truyền hình việt nam | vtv news
chính phủ | báo điện tử chính phủ | cổng thông tin điện tử chính phủ | baochinhphu
nhịp sống thị trường | nhịp sống kinh tế | markettimes | cafef | cafebiz | vneconomy
thời báo kinh tế việt nam | báo đầu tư | nhà đầu tư | kinh tế & đô thị
nông nghiệp việt nam | nông thôn ngày nay | sức khỏe & đời sống | sức khoẻ & đời sống
gia đình & xã hội | phụ nữ việt nam | thể thao & văn hóa | thể thao văn hóa | the thao 247
vietnam news | vietnam investment review | tạp chí cộng sản | xây dựng đảng | môi trường & cuộc sống
24h | kenh14 | soha | genk | vietnamfinance | tienphong | laodong
reuters | afp | ap | associated press | bloomberg | cnn | bbc | cnbc | xinhua | tân hoa xã
kyodo | yonhap | sputnik | tass | ria novosti | nikkei | nikkei asia | the guardian
new york times | the new york times | wall street journal | wsj | financial times | ft
al jazeera | dw | nhk | the hindu | scmp | south china morning post | politico | axios
the washington post | washington post | forbes | fortune | business insider | the verge
"""

PRESS_NAMES = frozenset(
    name.strip() for line in _NAMES.splitlines() for name in line.split("|") if name.strip()
)
_SHAPE = re.compile(
    r"\bbáo\b|tạp chí|\bonline\b|\bnews\b|\.vn\b|\.com\b|\bcom vn\b|^đài\b|truyền hình|thông tấn|"
    r"tòa soạn|toà soạn|ban biên tập|vccorp|https?://|www\.",
    re.IGNORECASE,
)
# "TTXVN", "SGGP", "QĐND": capitals without a vowel, which no Vietnamese name can be
_ACRONYM = re.compile(r"^[B-DF-HJ-NP-TV-XZĐ][B-DF-HJ-NP-TV-XZĐ0-9&]{1,6}$")


def is_press(name: str) -> bool:
    """True for a paper, agency or broadcaster: 'TTXVN', 'Báo Lào Cai điện tử', 'Reuters'."""
    text = name.strip().strip(".:;")
    if not text:
        return False
    if text.casefold() in PRESS_NAMES:
        return True
    return bool(_SHAPE.search(text) or _ACRONYM.match(text))
