"""End to end in a real browser: Debian's chromium, driven by Playwright, uses the page as a visitor does.

Skipped where /usr/bin/chromium is missing, unless COLORIZE_REQUIRE_BROWSER=1 (as in CI): then it fails.
"""
import io
import os

import httpx
import numpy as np
import pytest
from PIL import Image

from colorize.weights import DEFAULT_WEIGHTS_DIR
from tests.test_app import EXAMPLES, import_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
OUTPUTS = ("#out-l img", "#out-ab img", "#out-rgb img")
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("COLORIZE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and COLORIZE_REQUIRE_BROWSER=1: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page_url(browser, tmp_path_factory):
    app = import_app(tmp_path_factory)
    _, url, _ = app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield url
    app.demo.close()


def result_src(page):
    return page.eval_on_selector("#out-rgb img", "img => img.complete && img.naturalWidth ? img.src : ''")


def test_upload_shows_the_three_outputs_and_examples_work(browser, page_url, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(page_url)
    upload = EXAMPLES / "chelsea.jpg"
    page.set_input_files("#input-image input[type=file]", str(upload))
    for selector in OUTPUTS:
        page.wait_for_selector(selector, timeout=WAIT_MS)
    page.wait_for_function("() => [...document.querySelectorAll('#out-rgb img')].some(i => i.complete && i.naturalWidth)",
                           timeout=WAIT_MS)
    width = page.eval_on_selector("#out-rgb img", "img => img.naturalWidth")
    assert width == Image.open(upload).width and page.locator("#before-after img").count() == 2
    assert "Models:" in page.inner_text("#weights-note") and "drawings:" in page.inner_text("#weights-note")
    screenshot = tmp_path / "app.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert Image.open(screenshot).size[0] >= 1280

    first_result = result_src(page)
    page.locator("button.gallery-item").first.click()  # an example, colorized on first use (lazy cache)
    page.wait_for_function(f"() => {{ const i = document.querySelector('#out-rgb img');"
                           f" return i && i.complete && i.naturalWidth && i.src !== {first_result!r}; }}",
                           timeout=WAIT_MS)
    assert page.eval_on_selector("#out-rgb img", "img => img.naturalWidth") == Image.open(EXAMPLES / "coins.jpg").width


@pytest.fixture(scope="module")
def shipped_page_url(browser, tmp_path_factory):
    """The app on the shipped default weights, whose hint inputs are trained (untrained ones ignore hints)."""
    app = import_app(tmp_path_factory, weights=os.environ.get("COLORIZE_TEST_HINT_WEIGHTS", DEFAULT_WEIGHTS_DIR))
    _, url, _ = app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield url
    app.demo.close()


def result_pixels(page, url):
    src = page.eval_on_selector("#out-rgb img", "img => img.src")
    return np.asarray(Image.open(io.BytesIO(httpx.get(src if src.startswith("http") else url + src).content)).convert("RGB"))


def test_a_clicked_hint_changes_the_result_there(browser, shipped_page_url):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(shipped_page_url)
    upload = EXAMPLES / "camera.jpg"  # 512 x 512, gray
    page.set_input_files("#input-image input[type=file]", str(upload))
    page.wait_for_function("() => [...document.querySelectorAll('#out-rgb img')].some(i => i.complete && i.naturalWidth)",
                           timeout=WAIT_MS)
    before = result_pixels(page, shipped_page_url)
    page.click("#hints-panel button")  # open the accordion
    page.click("#swatch-red")  # the click on the image sends the picker's value: wait until it is red
    page.wait_for_function("() => document.querySelector('#hint-color button').style.background.includes('178, 34, 34')",
                           timeout=WAIT_MS)
    box = page.locator("#input-image img").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.85)  # the grass, bottom left
    page.wait_for_function("() => document.querySelector('#hints-json textarea').value.includes('#b22222')",
                           timeout=WAIT_MS)
    first = result_src(page)
    page.wait_for_function(f"() => {{ const i = document.querySelector('#out-rgb img');"
                           f" return i && i.complete && i.naturalWidth && i.src !== {first!r}; }}", timeout=WAIT_MS)
    after = result_pixels(page, shipped_page_url)
    near, far = (slice(425, 445), slice(92, 112)), (slice(20, 60), slice(400, 480))
    redness = [image[near][..., 0].astype(int).mean() - image[near][..., 1].astype(int).mean() for image in (before, after)]
    assert redness[1] > redness[0] + 10, "the hinted place should turn red"
    assert np.abs(after[far].astype(int) - before[far].astype(int)).mean() < 8, "far away little should change"

