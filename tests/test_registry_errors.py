"""Whatever a registry file holds, loading it returns a registry or raises RegistryError naming
the site and the field (issue 11, item 4: the daemon keeps its old registry on that error); one
run reports every problem of the file (issue 12, item 7); `tinbao sites` and `scrapy list` end
with those lines and exit status 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.registry import RegistryError, load_registry, unknown_site

ROOT = Path(__file__).resolve().parents[1]
GOOD = """
[sites.baotest]
name = "Báo Thử"
home = "https://www.baothu.vn/"
article_url = '-post\\d+\\.html$'
province = "Lào Cai"
province_before = "Yên Bái"
status = "active"
interval = "15m"
"""


def edited(old: str, new: str) -> bytes:
    assert old in GOOD
    return GOOD.replace(old, new).encode()


BROKEN: dict[str, tuple[bytes, str]] = {
    "not UTF-8": (
        GOOD.replace("Thử", "Thé").encode("latin-1"),
        "not UTF-8 text (byte 0xe1 at offset 26)",
    ),
    "arrays nested 100k deep": (b"x = " + b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "tables nested 5k deep": (b"x = " + b"{a=" * 5000 + b"1" + b"}" * 5000, "nested too deeply"),
    "an interval that overflows": (
        edited('"15m"', '"99999999999999999999d"'),
        "site 'baotest': field 'interval': interval '99999999999999999999d' is longer than",
    ),
    "an interval of 5,000 digits": (
        edited('"15m"', '"' + "9" * 5000 + 's"'),
        "site 'baotest': field 'interval': interval '99999",
    ),
    "a bad regular expression": (
        edited("-post", "(-post"),
        "site 'baotest': field 'article_url': invalid regular expression",
    ),
    "a regular expression nested too deeply": (
        edited("-post", "(" * 3000 + ")" * 3000),
        "site 'baotest': field 'article_url': invalid regular expression",
    ),
    "a regular expression that backtracks catastrophically": (
        edited("-post\\d+", "(-post\\d+)+"),
        "site 'baotest': field 'article_url': regular expression '(-post\\\\d+)+\\\\.html$' "
        "may backtrack catastrophically: a repeat inside a repeat (+ within a repeated group)",
    ),
    "an unknown field": (edited("status =", "statuz = 1\nstatus ="), "field 'statuz': unknown"),
    "sites that are not tables": (b"sites = 3", "'sites' must hold tables"),
    "a port out of range": (
        edited("www.baothu.vn/", "www.baothu.vn:99999/"),
        "field 'home': 'https://www.baothu.vn:99999/' is not an absolute",
    ),
    "a broken IPv6 host": (edited("https://www.", "https://[www."), "field 'home':"),
    "a time where a date belongs": (
        (GOOD + "status_since = 2025-07-01T10:00:00\n").encode(),
        "field 'status_since': must be a TOML date",
    ),
    "a former province as province": (
        edited('province = "Lào Cai"', 'province = "Yên Bái"'),
        "field 'province': 'Yên Bái' is not one of the 34 provinces and cities since 2025-07-01",
    ),
    "a province without its tone marks": (
        edited('province = "Lào Cai"', 'province = "Lao Cai"'),
        "field 'province': 'Lao Cai' is not one of the 34 provinces and cities since "
        "2025-07-01 (crawler/provinces.py); did you mean 'Lào Cai'?",
    ),
    "an unknown former province": (
        edited('"Yên Bái"', '"Sài Gòn"'),
        "field 'province_before': 'Sài Gòn' is not one of the 63",
    ),
    "a former province of another unit": (
        edited('"Yên Bái"', '"Sóc Trăng"'),
        "field 'province': 'Sóc Trăng' (province_before) became part of 'Cần Thơ', not 'Lào Cai'",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_file_is_a_registry_error_naming_what_is_wrong(tmp_path: Path, case: str) -> None:
    content, message = BROKEN[case]
    path = tmp_path / "sites.toml"
    path.write_bytes(content)
    with pytest.raises(RegistryError) as raised:
        load_registry(path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    second = GOOD.replace("baotest", "baohai").replace("baothu.vn", "baohai.vn")
    text = GOOD.replace('"15m"', '"often"').replace('"Lào Cai"', '"Lao Cai"') + second.replace(
        "article_url = '", "article_url = '(", 1
    ).replace('status = "active"', 'status = "paused"\ncolour = "red"')
    path = tmp_path / "sites.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(RegistryError) as raised:
        load_registry(path)
    found = sorted(p.split(": ")[0] + ": " + p.split(": ")[1] for p in raised.value.problems)
    assert found == [
        "site 'baohai': field 'article_url'",
        "site 'baohai': field 'colour'",
        "site 'baohai': field 'status'",
        "site 'baotest': field 'interval'",
        "site 'baotest': field 'province'",
    ]
    assert raised.value.lines()[0].startswith(f"{path}: site ")


def test_an_unknown_site_is_named_with_the_nearest_keys() -> None:
    message = unknown_site("baocanto", ["baocantho", "baolaocai", "baohaugiang"])
    assert message == (
        "unknown site 'baocanto'; did you mean baocantho? (`tinbao sites` lists the registry)"
    )
    assert "did you mean" not in unknown_site("nhandan", ["baocantho"])


def test_tinbao_sites_and_scrapy_list_end_with_the_problem_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_bytes(BROKEN["not UTF-8"][0] + b"\n" + BROKEN["an interval that overflows"][0][1:])
    environment = {**os.environ, "TINBAO_SITES": str(path), "PYTHONPATH": str(ROOT),
                   "SCRAPY_SETTINGS_MODULE": "crawler.settings"}  # fmt: skip
    for command in (["-m", "scheduler.cli", "sites"], ["-m", "scrapy", "list"]):
        done = subprocess.run([sys.executable, *command], env=environment, cwd=tmp_path,
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stderr.splitlines() == [
            f"tinbao: bad site registry: {path}: not UTF-8 text (byte 0xe1 at offset 26); "
            "save the file as UTF-8"
        ]


def test_a_catastrophic_pattern_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(GOOD.replace("-post\\d+", "(a+)+"), "utf-8")
    environment = {**os.environ, "TINBAO_SITES": str(path), "PYTHONPATH": str(ROOT),
                   "SCRAPY_SETTINGS_MODULE": "crawler.settings"}  # fmt: skip
    for command in (["-m", "scheduler.cli", "sites"], ["-m", "scrapy", "list"]):
        done = subprocess.run([sys.executable, *command], env=environment, cwd=tmp_path,
                              capture_output=True, text=True, check=False, timeout=60)  # fmt: skip
        assert done.returncode == 2, (command, done.stderr)
        [line] = done.stderr.splitlines()
        assert line.startswith(f"tinbao: bad site registry: {path}: site 'baotest': field "
                               "'article_url': regular expression '(a+)+\\\\.html$' may "
                               "backtrack catastrophically"), line  # fmt: skip
