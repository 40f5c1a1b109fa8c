"""Bylines and source lines: the short credit lines that end Vietnamese articles.

"ĐỖ TRỌNG", "Tin, ảnh: P.Y", "NHẬT XUÂN - NGHI VŨ", "Hà Thu (tổng hợp)" name people and belong
in `authors`; "Theo TTXVN", "Đại Đoàn kết", "Nguồn Bình Dương: <url>" credit another paper or
agency and belong in `source`. Neither is body text. Meta "author" is often the newspaper
itself, which is not a person (press.py tells the two apart).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from crawler.extraction.press import is_press
from crawler.extraction.text import clean

_CREDIT = re.compile(
    r"^(?:(?:tin|bài|ảnh|video|clip|đồ họa|đồ hoạ|thực hiện|nhóm phóng viên|nhóm pv|pv|ctv|"
    r"phóng viên|tác giả)(?:\s*(?:,|và|&|-)\s*(?:ảnh|video|clip|bài))?)\s*:\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_ROLES = (
    r"(?:tin|bài|bài viết|ảnh|hình|video|clip|đồ họa|đồ hoạ|thực hiện|nhóm phóng viên|nhóm pv|"
    r"pv|ctv|phóng viên|tác giả|biên tập|trình bày|thiết kế|minh họa|minh hoạ|infographic|"
    r"quay phim|dựng phim|kỹ thuật|lược dịch|dịch|tổng hợp|nội dung|ghi chép|text|photos?)"
)
# a role prefix anywhere in a credit line: "Bài: A - Ảnh: B", "Bài và ảnh: A", "Tin, ảnh: A"
_ROLE = re.compile(
    rf"(?:^|(?<=[\s,;|/–—-])){_ROLES}(?:\s*(?:,|và|&|-|/)\s*{_ROLES})*\s*:\s*",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"^(?:theo|nguồn)\b\s*(?P<rest>.*)$", re.IGNORECASE)
_LINK = re.compile(r"https?://|www\.|@", re.IGNORECASE)
_URL_TAIL = re.compile(r"\s*:?\s*(?:https?://|www\.)\S*$", re.IGNORECASE)
_SPLIT = re.compile(r"\s+[-–—]\s+|\s*[,;]\s*|\s+và\s+|\s+&\s+|\s*/\s*", re.IGNORECASE)
_PARENS = re.compile(r"\s*\([^)]*\)\s*")
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ỸĐ][\wÀ-ỹ]*\.?|(?:[A-ZÀ-ỸĐ]\.)+[A-ZÀ-ỸĐ]?[\wÀ-ỹ]*)$")
# author values that CMSs fill in when nobody is credited: accounts and placeholders
_PLACEHOLDER_NAMES = """
admin | administrator | quản trị | quản trị viên | quantri | super admin | superadmin | editor
biên tập viên | btv | ban biên tập | webmaster | web master | tòa soạn | toà soạn | root | user
guest | unknown | n/a | na | null | none | không rõ | đang cập nhật | author | tác giả
nhiều tác giả | anonymous | khách | system | cms | moderator | reporter | staff | phóng viên
cộng tác viên | bạn đọc | độc giả | ẩn danh | người viết | tin tổng hợp | tổng hợp | sưu tầm
"""
_PLACEHOLDERS = frozenset(
    name.strip() for line in _PLACEHOLDER_NAMES.splitlines() for name in line.split("|")
) - {""}
_MAX_CREDIT_LINES = 3
_MAX_SOURCE_WORDS = 10


def split_credits(
    paragraphs: Sequence[str],
    known_authors: Collection[str] = (),
    known_sources: Collection[str] = (),
) -> tuple[list[str], list[str], str]:
    """Take credit lines off the end of the body: (paragraphs, authors, source).

    `known_authors` / `known_sources` are the texts of the page's author and source blocks
    (`p.author`, `p.source`): a last line equal to one of them is a credit line whatever it says.
    """
    kept = list(paragraphs)
    authors: list[str] = []
    source = ""
    authors_known = {clean(a).casefold() for a in known_authors}
    sources_known = {_source_name(clean(s)).casefold() for s in known_sources}
    for _ in range(_MAX_CREDIT_LINES):
        if len(kept) < 2:
            break
        people, credited = credit_line(kept[-1], authors_known, sources_known)
        if people is None:
            break
        authors = people + [a for a in authors if a not in people]
        source = source or credited
        kept.pop()
    return kept, authors, source


def credit_line(
    line: str, known_authors: Collection[str] = (), known_sources: Collection[str] = ()
) -> tuple[list[str] | None, str]:
    """(people, source) named by a credit line; people is None when the line is body text."""
    text = clean(line)
    key = text.casefold()
    if key in known_sources or _source_name(text).casefold() in known_sources:
        return [], _source_name(text)
    if key in known_authors:
        return person_names([text]), ""
    credit = _CREDIT.match(text)
    if credit and not text.endswith(".") and len(text.split()) <= 12:
        return _people_or_source(strip_roles(credit["rest"]))
    if _ROLE.search(text) and len(text.split()) <= 12 and is_name_line(strip_roles(text)):
        return _people_or_source(strip_roles(text))  # "Thu Trang - Ảnh: Minh Khang"
    source = _SOURCE.match(text)
    if source and source["rest"] and len(text.split()) <= _MAX_SOURCE_WORDS:
        name = _source_name(text)
        if not name or (text.endswith(".") and not is_press(name)):
            return None, ""
        if text[:5].casefold() == "nguồn":  # "Nguồn Bình Dương: <url>": a source, whatever its name
            return [], name
        return _people_or_source(name)
    if is_name_line(text) or (is_press(text) and len(text.split()) <= 6 and text[-1:] != "."):
        return _people_or_source(text)
    return None, ""


def _people_or_source(text: str) -> tuple[list[str] | None, str]:
    names = split_names(text)
    people = [n for n in names if not is_organisation(n) and is_name_line(n)]
    organisations = [n for n in names if is_organisation(n)]
    if people or organisations:
        return people, organisations[0] if organisations else ""
    name = clean(_PARENS.sub(" ", text))
    if name[:1].isupper() and len(name.split()) <= 6 and not name.endswith("."):
        return [], name  # "Nhịp sống thị trường": a credited name that is no person's
    return None, ""


def strip_roles(text: str) -> str:
    """The names of a credit line without their roles: 'Bài: A - Ảnh: B' -> 'A; B'."""
    return clean(_ROLE.sub("; ", text)).strip("; ")


def _source_name(text: str) -> str:
    """'Theo TTXVN' -> 'TTXVN'; 'Nguồn Bình Dương: https://...' -> 'Bình Dương'."""
    match = _SOURCE.match(text)
    rest = match["rest"] if match else text
    return clean(_URL_TAIL.sub("", rest).strip(" :.-"))


def is_name_line(line: str) -> bool:
    """A short line made only of capitalised names and separators, no sentence."""
    text = _PARENS.sub(" ", line).strip()
    if not text or len(text) > 60 or any(ch.isdigit() for ch in text):
        return False
    if text[-1] in '.?!:;"”…' and not _NAME_WORD.match(text.split()[-1]):
        return False
    names = split_names(text)
    if not names or len(names) > 4:
        return False
    return all(
        1 <= len(name.split()) <= 5 and all(_NAME_WORD.match(w) for w in name.split())
        for name in names
    )


def split_names(text: str) -> list[str]:
    """'NHẬT XUÂN - NGHI VŨ' -> ['NHẬT XUÂN', 'NGHI VŨ']; parenthesised notes dropped."""
    parts = _SPLIT.split(_PARENS.sub(" ", text))
    return [clean(p).strip(".;:") for p in parts if clean(p).strip(".;:")]


def is_person(name: str, publisher: Collection[str] = ()) -> bool:
    """A person's name, not a CMS account ('admin', 'thanhnt', 'user_12'), a placeholder
    ('Đang cập nhật', 'Ban biên tập'), or the newspaper itself (`publisher`: its names and
    host label, compared without spaces or case)."""
    text = clean(name).strip(" .:-")
    key = text.casefold()
    if not text or key in _PLACEHOLDERS or is_organisation(text):
        return False
    if any(ch.isdigit() or ch in "_@" for ch in text):
        return False  # 'user_12', 'pv01', an e-mail address
    if " " not in text and text == key:
        return False  # one lower-case token: a login name ('thanhnt')
    return key.replace(" ", "") not in {p.casefold().replace(" ", "") for p in publisher if p}


def is_organisation(name: str) -> bool:
    return is_press(name)


def person_names(values: Iterable[str]) -> list[str]:
    """People among author strings: split, credit prefixes dropped, organisations left out."""
    people: list[str] = []
    for value in values:
        text = clean(value)
        if _LINK.search(text):  # article:author is often the paper's Facebook page
            continue
        match = _CREDIT.match(text) or _SOURCE.match(text)
        text = clean(match["rest"]) if match and match["rest"] else text
        for name in split_names(strip_roles(text)):
            if not is_organisation(name) and name not in people:
                people.append(name)
    return people
