"""End to end in a real browser: Debian's chromium, driven by Playwright, uses the page as a visitor does.

Skipped where /usr/bin/chromium is missing, unless COLORIZE_REQUIRE_BROWSER=1 (as in CI): then it fails.
"""
import io
import os

import httpx
import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from colorize.weights import DEFAULT_WEIGHTS_DIR
from tests.test_app import EXAMPLES, WIDE, import_app

pytestmark = pytest.mark.slow  # a browser drives the app

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
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served_app(browser, tmp_path_factory, untrained_weights):
    app = import_app(tmp_path_factory, untrained_weights)
    _, url, _ = app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield app, url
    app.demo.close()


@pytest.fixture(scope="module")
def page_url(served_app):
    return served_app[1]


def result_src(page):
    return page.eval_on_selector("#out-rgb img", "img => img.complete && img.naturalWidth ? img.src : ''")


def wait_for_result(page, previous=""):
    """Until the result image shows, and is another than `previous`."""
    page.wait_for_function(f"() => {{ const i = document.querySelector('#out-rgb img');"
                           f" return i && i.complete && i.naturalWidth && i.src !== {previous!r}; }}", timeout=WAIT_MS)
    return result_src(page)


ON_SCREEN = """selector => { const box = document.querySelector(selector).getBoundingClientRect();
  return box.top >= -1 && box.bottom <= window.innerHeight + 1 && box.right <= window.innerWidth; }"""
SCROLL_MS = 5000  # the page's own smooth scroll to a new result, however busy the machine


def on_screen(page, selector, within_ms=0):
    """Whether the element is wholly inside the viewport (no scrolling by the test), now or, given `within_ms`,
    once the page's own scrolling has brought it there."""
    if not within_ms:
        return page.evaluate(ON_SCREEN, selector)
    try:
        page.wait_for_function(ON_SCREEN, arg=selector, timeout=within_ms)
    except PlaywrightTimeout:
        return False
    return True


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_the_result_is_on_the_first_screen_after_an_upload_and_an_example(browser, page_url, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(page_url)
    upload = EXAMPLES / "chelsea.jpg"
    page.set_input_files("#input-image input[type=file]", str(upload))
    first = wait_for_result(page)
    assert page.eval_on_selector("#out-rgb img", "img => img.naturalWidth") == Image.open(upload).width
    assert page.locator("#before-after img").count() == 2
    page.wait_for_function("() => document.querySelector('#status').innerText.includes('Colorized as a')",
                           timeout=WAIT_MS)
    assert "451×300" in page.inner_text("#status")
    # on a phone the saturation slider is in sight with the result (the examples scroll sideways above it)
    for selector in ("#before-after", "#status", *(OUTPUTS if width > 1000 else ("#saturation input[type=range]",))):
        assert on_screen(page, selector, SCROLL_MS), f"{selector} is off the first screen at {width}x{height}"
    below, hero = page.evaluate("() => ['input-image', 'before-after'].map(id => {"  # in one go: a scroll may be on
                                "const r = document.getElementById(id).getBoundingClientRect();"
                                "return {x: r.x, y: r.y, height: r.height}; })")
    assert hero["x"] > below["x"] if width > 1000 else hero["y"] >= below["y"] + below["height"] - 1

    examples = page.locator("#examples button.gallery-item")
    assert examples.last.get_attribute("aria-label") == "Manga page" and examples.last.locator("img").count() == 1
    examples.last.click()  # an example (a thumbnail named by its caption), colorized on first use (lazy cache)
    wait_for_result(page, first)
    width_shown = page.eval_on_selector("#out-rgb img", "img => img.naturalWidth")
    assert width_shown == Image.open(EXAMPLES / "manga-page.png").width
    assert on_screen(page, "#before-after", SCROLL_MS), f"the example's result is off screen at {width}x{height}"
    page.click("#about button")
    assert "Models:" in page.inner_text("#weights-note") and "drawings:" in page.inner_text("#weights-note")


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_axe_finds_no_serious_accessibility_violations_with_a_result_shown(browser, page_url, width, height):
    """axe-core's WCAG checks (contrast, names of buttons and images, labels...) on the page with a result and
    the hints and About panels open."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(page_url)
    page.set_input_files("#input-image input[type=file]", str(EXAMPLES / "chelsea.jpg"))
    wait_for_result(page)
    for panel in ("#hints-panel", "#about"):
        page.click(f"{panel} button")
    page.wait_for_selector("#weights-note", state="visible")
    found = Axe().run(page).response["violations"]
    serious = [f"{v['id']} ({v['impact']}): {v['help']}; {[node['target'] for node in v['nodes']]}"
               for v in found if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(serious)


LABEL_AND_BUTTONS = """id => { const block = document.getElementById(id);
  const label = block.querySelector('[data-testid="block-label"]'), buttons = block.querySelector('.top-panel');
  const a = label.getBoundingClientRect(), b = buttons.getBoundingClientRect();
  return {clipped: label.scrollWidth > label.clientWidth + 1,
          overlap: a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom}; }"""


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_the_row_of_three_shows_its_labels_whole_and_uncovered(browser, page_url, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(page_url)
    page.set_input_files("#input-image input[type=file]", str(EXAMPLES / "chelsea.jpg"))
    wait_for_result(page)
    for element in ("out-l", "out-ab", "out-rgb"):
        assert page.evaluate(LABEL_AND_BUTTONS, element) == {"clipped": False, "overlap": False}, element


@pytest.mark.parametrize("width, height", [(1366, 768), (375, 667)])  # a desktop and the smallest phone
def test_the_page_stays_put_after_loading_and_while_a_setting_is_changed(browser, page_url, width, height):
    page = browser.new_page(viewport={"width": width, "height": height}, has_touch=width < 500)
    page.goto(page_url)
    page.wait_for_selector("#input-image")
    positions = []
    for _ in range(12):
        positions.append(page.evaluate("window.scrollY"))
        page.wait_for_timeout(250)
    assert set(positions) == {0}, f"the page moved by itself: {positions}"
    page.set_input_files("#input-image input[type=file]", str(WIDE))
    first = wait_for_result(page)
    assert on_screen(page, "#before-after", SCROLL_MS)
    saturation = page.locator("#saturation input[type=range]")
    saturation.scroll_into_view_if_needed()
    saturation.fill("1.5")
    wait_for_result(page, first)
    page.wait_for_timeout(1000)  # a smooth scroll would be under way by now
    assert on_screen(page, "#saturation input[type=range]"), "changing the saturation took its slider off screen"


SLIDER_BOXES = """() => [document.getElementById('before-after'), ...document.querySelectorAll('#before-after img')]
  .map(e => { const r = e.getBoundingClientRect(), fit = getComputedStyle(e).objectFit;
  return {x: r.x, y: r.y, width: r.width, height: r.height, fit}; })"""  # in one go: a smooth scroll may be moving


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_the_slider_shows_both_halves_of_the_whole_picture_in_one_box(browser, page_url, tmp_path, width, height):
    portrait = tmp_path / "portrait.png"
    Image.open(WIDE).convert("L").transpose(Image.Transpose.ROTATE_90).save(portrait)
    wide = tmp_path / "panorama.png"  # 20:1
    Image.open(WIDE).convert("L").resize((1000, 50)).save(wide)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(page_url)
    previous = ""
    for picture in (WIDE, portrait, EXAMPLES / "manga-page.png", wide):
        page.set_input_files("#input-image input[type=file]", str(picture))
        previous = wait_for_result(page, previous)
        page.wait_for_function("() => [...document.querySelectorAll('#before-after img')].every("
                               "i => i.complete && i.naturalWidth)", timeout=WAIT_MS)
        box, before, after = page.evaluate(SLIDER_BOXES)
        for side in ("x", "y", "width", "height"):
            assert abs(before[side] - after[side]) <= 1, f"{picture.name}: the halves differ in {side}"
        assert before["fit"] == after["fit"] == "contain", "each half must show the whole picture"
        assert box["x"] - 1 <= before["x"] and before["x"] + before["width"] <= box["x"] + box["width"] + 1
        assert box["y"] - 1 <= before["y"] and before["y"] + before["height"] <= box["y"] + box["height"] + 1


def counting_model_calls(app):
    """The app's loaded colorizers, each counting its model calls (the calls themselves unchanged)."""
    handlers = next(fn.fn.__self__ for fn in app.demo.fns.values() if getattr(fn.fn, "__name__", "") == "restyle")
    calls = []
    for colorizer in handlers.colorizer.loaded.values():
        predict = colorizer._predict
        colorizer._predict = lambda *args, predict=predict: calls.append(1) or predict(*args)
    return calls


def test_saturation_applies_at_once_without_a_model_call(browser, served_app):
    app, url = served_app
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.set_input_files("#input-image input[type=file]", str(EXAMPLES / "astronaut.jpg"))
    first = wait_for_result(page)
    calls = counting_model_calls(app)
    number = page.locator("#saturation input[type=number]")
    number.fill("0")
    number.press("Enter")
    wait_for_result(page, first)
    gray = result_pixels(page, url).astype(int)
    assert np.abs(gray - gray[..., :1]).max() <= 1, "saturation 0 gives gray"
    assert "without the model" in page.inner_text("#status")
    assert calls == [], "the slider remade the result from the kept prediction"


def test_a_bad_upload_keeps_the_previous_result_and_says_why(browser, page_url, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(page_url)
    page.set_input_files("#input-image input[type=file]", str(EXAMPLES / "chelsea.jpg"))
    first = wait_for_result(page)
    bad = tmp_path / "holiday.png"
    bad.write_text("not an image")
    page.set_input_files("#input-image input[type=file]", str(bad))
    page.wait_for_function("() => document.querySelector('#status').innerText.includes('holiday.png')", timeout=WAIT_MS)
    toast = page.locator(".toast-body")
    assert "holiday.png" in toast.inner_text() and page.get_by_text("Error", exact=True).count() == 0  # a warning
    toast.get_by_test_id("toast-close").click()  # once the visitor has read it...
    page.wait_for_function("() => !document.querySelector('.toast-body')", timeout=WAIT_MS)
    assert "previous one" in page.inner_text("#status") and result_src(page) == first  # ...the result stays


def test_the_share_button_gives_a_link_that_opens_the_result(browser, page_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page_url.rstrip("/"))
    page = context.new_page()
    page.goto(page_url)
    page.set_input_files("#input-image input[type=file]", str(EXAMPLES / "chelsea.jpg"))
    wait_for_result(page)
    page.get_by_role("button", name="Share a link to this result").click()
    page.wait_for_function("() => document.body.innerText.includes('Link Copied')", timeout=WAIT_MS)
    for _ in range(20):  # the button says "copied" as the copy starts
        link = page.evaluate("() => navigator.clipboard.readText()")
        if "deep_link=" in link:
            break
        page.wait_for_timeout(500)
    assert "deep_link=" in link
    shared = context.new_page()
    shared.goto(link)
    wait_for_result(shared)
    width_shown = shared.eval_on_selector("#out-rgb img", "img => img.naturalWidth")
    assert width_shown == Image.open(EXAMPLES / "chelsea.jpg").width
    context.close()


@pytest.fixture(scope="module")
def shipped_page_url(browser, tmp_path_factory):
    """The app on the shipped default weights, whose hint inputs are trained (untrained ones ignore hints)."""
    app = import_app(tmp_path_factory, weights=os.environ.get("COLORIZE_TEST_HINT_WEIGHTS", DEFAULT_WEIGHTS_DIR))
    _, url, _ = app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield url
    app.demo.close()


def result_pixels(page, url):
    src = page.eval_on_selector("#out-rgb img", "img => img.src")
    content = httpx.get(src if src.startswith("http") else url + src).content
    return np.asarray(Image.open(io.BytesIO(content)).convert("RGB"))


def test_a_clicked_hint_changes_the_result_there(browser, shipped_page_url):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(shipped_page_url)
    upload = EXAMPLES / "camera.jpg"  # 512 x 512, gray
    page.set_input_files("#input-image input[type=file]", str(upload))
    page.wait_for_function("() => [...document.querySelectorAll('#out-rgb img')]"
                           ".some(i => i.complete && i.naturalWidth)", timeout=WAIT_MS)
    shown = result_src(page)  # the result before the hint: the hinted one may arrive before the hint list shows
    before = result_pixels(page, shipped_page_url)
    page.click("#hints-panel button")  # open the accordion
    page.click("#swatch-red")  # the click on the image sends the picker's value: wait until it is red
    page.wait_for_function("() => document.querySelector('#hint-color button')"
                           ".style.background.includes('178, 34, 34')", timeout=WAIT_MS)
    picture = page.locator("#input-image img").first
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.2, "y": box["height"] * 0.85})  # the grass, bottom left
    page.wait_for_function("() => document.querySelector('#hints-json textarea').value.includes('#b22222')",
                           timeout=WAIT_MS)
    wait_for_result(page, shown)
    after = result_pixels(page, shipped_page_url)
    near, far = (slice(425, 445), slice(92, 112)), (slice(20, 60), slice(400, 480))
    redness = [image[near][..., 0].astype(int).mean() - image[near][..., 1].astype(int).mean()
               for image in (before, after)]
    page.wait_for_function("() => { const i = document.querySelector('#hints-marks img');"
                           " return i && i.complete && i.naturalWidth; }", timeout=WAIT_MS)  # the hint is marked
    assert redness[1] > redness[0] + 10, "the hinted place should turn red"
    assert np.abs(after[far].astype(int) - before[far].astype(int)).mean() < 8, "far away little should change"



def test_a_clip_dropped_in_the_video_tab_comes_back_playable_in_the_page(browser, page_url, tmp_path):
    from tests.videos import pan, write_video

    clip = write_video(tmp_path / "reel.mp4", pan(12), audio=True)  # one second
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(page_url)
    page.get_by_role("tab", name="Video").click()
    page.set_input_files("#input-video input[type=file]", clip)
    page.wait_for_function("() => document.querySelector('#input-video video')", timeout=WAIT_MS)
    page.click("#colorize-video")
    page.wait_for_function("() => { const v = document.querySelector('#output-video video');"
                           " return v && v.readyState >= 2; }", timeout=WAIT_MS)  # the browser decodes it
    width, duration, src = page.eval_on_selector("#output-video video", "v => [v.videoWidth, v.duration, v.src]")
    assert width == 96 and duration == pytest.approx(1.0, abs=0.1) and src.endswith("reel_colorized.mp4")
