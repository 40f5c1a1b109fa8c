"""The reader in a real browser: Playwright for Python driving Debian's chromium against
`tinbao serve`'s app on 127.0.0.1, over the test archive (tests/reader_archive.py).

A reader goes home -> province -> story -> article -> search and sees what each page
promises; a crawled `<script>` title and `javascript:` URL never run; every page fits a
360 px phone without sideways scrolling; headings do not skip levels, every form field has a
label, text has enough contrast (WCAG AA, 4.5:1). A screenshot of each page kind is saved
(in $TINBAO_SCREENSHOTS when set, else the test's temporary folder): look at them.

Skipped, saying why, when Playwright or chromium is missing: `pip install -e ".[dev]"` and
`apt-get install -y chromium` (CI's .ci/run installs it). $TINBAO_CHROMIUM names another
browser binary.
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storage import create_schema, make_engine
from storage.existing import open_read_only
from tests.reader_archive import ORIGINAL, SCRIPT_TITLE, app_for, build

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("TINBAO_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}

# The WCAG relative luminance and contrast of each element's own text against the first
# opaque background found up its ancestors; the worst few, as [ratio, tag, text].
CONTRAST = """() => {
  const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number)
      .map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const opaque = (c) => !/rgba\\(.*,\\s*0\\)$/.test(c) && c !== 'transparent';
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    let bg = 'rgb(255, 255, 255)';
    for (let p = el; p; p = p.parentElement) {
      const c = getComputedStyle(p).backgroundColor; if (opaque(c)) { bg = c; break; } }
    const [a, b] = [lum(getComputedStyle(el).color), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    found.push([ratio, el.tagName, el.textContent.trim().slice(0, 40)]);
  }
  return found.sort((x, y) => x[0] - y[0]).slice(0, 3);
}"""
HEADINGS = "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.ariaLabel)
  .map(e => e.id || e.name)"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """The reader on a free port of 127.0.0.1, in a thread, over a read-only test archive."""
    import uvicorn

    url = f"sqlite:///{tmp_path_factory.mktemp('reader') / 'tinbao.db'}"
    writer = make_engine(url)
    create_schema(writer)
    ids = build(writer)
    writer.dispose()
    engine = open_read_only(url)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app_for(engine), log_level="warning")  # type: ignore[arg-type]
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not served.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert served.started, "the reader did not start"
    yield f"http://127.0.0.1:{port}", ids
    served.should_exit = True
    thread.join(10)
    engine.dispose()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TINBAO_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_page(page: Any, kind: str, shots: Path) -> None:
    """What every page must be: Vietnamese, one h1 and no skipped heading level, labelled
    fields, AA contrast, no sideways scrolling at the viewport's width; then a screenshot."""
    assert page.locator("html").get_attribute("lang") == "vi"
    levels = page.evaluate(HEADINGS)
    assert levels.count(1) == 1 and levels[0] == 1, (kind, levels)
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (kind, levels)
    assert page.evaluate(UNLABELLED) == [], kind
    worst = page.evaluate(CONTRAST)
    assert not worst or worst[0][0] >= 4.5, (kind, worst)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (kind, width)
    page.screenshot(path=str(shots / f"{kind}-{page.viewport_size['width']}.png"), full_page=True)


def refuse(dialog: Any, into: list[str]) -> None:
    """A dialog opened: something ran that must not have. Note it and close it."""
    into.append(dialog.message)
    dialog.dismiss()


BAD_PAGE = """<!doctype html><html lang="vi"><body>
<h1>Một</h1><h3>Ba</h3><input id="x"><p style="color:#bbb">nhạt</p>
<div style="width:500px">rộng</div></body></html>"""


def test_the_page_checks_catch_what_they_look_for(browser: Any) -> None:
    page = browser.new_page(viewport=PHONE)
    page.set_content(BAD_PAGE)
    assert page.evaluate(HEADINGS) == [1, 3]
    assert page.evaluate(UNLABELLED) == ["x"]
    assert page.evaluate(CONTRAST)[0][0] < 4.5
    assert page.evaluate("() => document.documentElement.scrollWidth") > 360
    page.close()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1024, "height": 800}])
def test_a_reader_goes_home_province_story_article_search(
    browser: Any, server: tuple[str, dict[str, int]], shots: Path, viewport: dict[str, int]
) -> None:
    base, ids = server
    context = browser.new_context(viewport=viewport, locale="vi-VN", java_script_enabled=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: refuse(dialog, errors))

    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Tin mới nhất từ báo địa phương"
    card = page.locator("li.card", has_text=ORIGINAL.title)
    assert "3 báo đưa tin" in card.inner_text()
    check_page(page, "home", shots)

    page.get_by_role("link", name="Tỉnh, thành").first.click()
    page.get_by_role("link", name="Đà Nẵng", exact=True).click()
    assert page.locator("h1").inner_text() == "Đà Nẵng"
    check_page(page, "province", shots)

    page.locator("li.card", has_text=ORIGINAL.title).get_by_role(
        "link", name="3 báo đưa tin"
    ).click()
    assert page.locator("#ban-goc").inner_text() == "Bản gốc: Đà Nẵng"
    assert "sau 2 giờ 5 phút" in page.locator("li.copy").first.inner_text()
    check_page(page, "story", shots)

    page.locator("section.original").get_by_role("link", name="Đọc bài").click()
    assert page.locator("h1").inner_text() == ORIGINAL.title
    assert f"Nguồn Đà Nẵng: {ORIGINAL.url}" in page.locator("p.source").inner_text()
    check_page(page, "article", shots)

    page.get_by_label("Tìm bài viết").fill("da nang")
    page.get_by_label("Tìm bài viết").press("Enter")
    page.wait_for_url(re.compile(r"/tim\?q=da\+nang"))
    assert page.locator("h2").first.inner_text() == "Kết quả cho “da nang”"
    assert page.locator("li.card h3", has_text=ORIGINAL.title).count() == 1
    page.get_by_label("Tỉnh, thành").select_option("da-nang")
    page.get_by_role("button", name="Tìm", exact=True).last.click()
    assert "tinh=da-nang" in page.url
    check_page(page, "search", shots)

    page.goto(base + "/suc-khoe")
    check_page(page, "health", shots)
    page.goto(base + f"/bai/{ids['edited']}")
    check_page(page, "revisions", shots)
    assert errors == []
    context.close()


def test_crawled_script_and_javascript_url_never_run(
    browser: Any, server: tuple[str, dict[str, int]], shots: Path
) -> None:
    base, ids = server
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: refuse(dialog, dialogs))
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    for path in ("/", f"/bai/{ids['hostile']}", "/bao/baolaocai"):
        page.goto(base + path)
        assert page.evaluate("() => window.pwned") is None, path
    assert page.locator("h1").inner_text() == "Báo Lào Cai"
    page.goto(base + f"/bai/{ids['hostile']}")
    assert page.locator("h1").inner_text() == SCRIPT_TITLE  # shown as text, as crawled
    assert page.locator("a[href^='javascript:']").count() == 0
    page.locator("span.unsafe-url").click()  # the crawled URL is text: nothing happens
    assert page.evaluate("() => window.pwned") is None
    page.goto(base + "/tim?" + "q=" + "%3Cscript%3Ewindow.pwned%3D3%3C%2Fscript%3E")
    assert page.evaluate("() => window.pwned") is None
    assert dialogs == []
    check_page(page, "escaping", shots)
    context.close()
