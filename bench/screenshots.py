"""The app as a visitor first sees it: Debian's chromium at desktop (1366x768) and phone (390x844) size, after
an upload, a portrait upload and an example tap (the manga page), and at desktop size a hint placed and a
clip coloured in the Video tab, on the shipped weights; PNGs into docs/.

    python -m bench.screenshots
"""
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.common import ROOT  # noqa: E402

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
UPLOAD = os.path.join(ROOT, "examples", "astronaut.jpg")
PORTRAIT = os.path.join(ROOT, "examples", "grace-hopper.jpg")
RESULT_SHOWN = "() => { const i = document.querySelector('#out-rgb img'); return i && i.complete && i.naturalWidth; }"


def hints_and_video(page, url):
    """docs/app-desktop-hints.png: a sky hint marked on the picture; docs/app-desktop-video.png: a pan over a
    photo coloured in the Video tab."""
    from PIL import Image

    from bench.video import pan_zoom, write_clip

    page.goto(url)
    page.set_input_files("#input-image input[type=file]", UPLOAD)
    page.wait_for_function(RESULT_SHOWN, timeout=120_000)
    page.click("#hints-panel button")
    page.click("#swatch-sky")
    page.wait_for_timeout(500)
    page.locator("#input-image img").first.click(position={"x": 40, "y": 30})
    page.wait_for_function("() => { const i = document.querySelector('#hints-marks img');"
                           " return i && i.complete && i.naturalWidth; }", timeout=120_000)
    page.wait_for_timeout(1500)
    page.locator("#hints-panel").screenshot(path=os.path.join(ROOT, "docs", "app-desktop-hints.png"))
    clip = os.path.join(ROOT, "runs", "screenshot-clip.mp4")
    os.makedirs(os.path.dirname(clip), exist_ok=True)
    write_clip(pan_zoom(Image.open(os.path.join(ROOT, "examples", "harbour.jpg")).convert("RGB"), 24), clip)
    page.get_by_role("tab", name="Video").click()
    page.set_input_files("#input-video input[type=file]", clip)
    page.click("#colorize-video")
    page.wait_for_function("() => { const v = document.querySelector('#output-video video');"
                           " return v && v.readyState >= 2; }", timeout=300_000)
    page.eval_on_selector("#output-video video", "v => { v.currentTime = 0.5; }")
    page.locator("#output-video").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    page.screenshot(path=os.path.join(ROOT, "docs", "app-desktop-video.png"))
    print("screenshots: docs/app-desktop-hints.png, docs/app-desktop-video.png")


def main():
    import app

    _, url, _ = app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        for name, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            page.set_input_files("#input-image input[type=file]", UPLOAD)
            page.wait_for_function(RESULT_SHOWN, timeout=120_000)
            page.wait_for_timeout(1500)  # the previews load and any scroll ends
            page.screenshot(path=os.path.join(ROOT, "docs", f"app-{name}.png"))
            page.set_input_files("#input-image input[type=file]", PORTRAIT)
            page.wait_for_function("() => document.querySelector('#status').innerText.includes('grace')"
                                   " || document.querySelector('#out-rgb img').src.includes('grace')", timeout=120_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=os.path.join(ROOT, "docs", f"app-{name}-portrait.png"))
            page.locator("button.gallery-item").last.click()  # the manga page example
            page.wait_for_function("() => document.querySelector('#status').innerText.includes('drawing')",
                                   timeout=120_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=os.path.join(ROOT, "docs", f"app-{name}-example.png"))
            print(f"screenshots: docs/app-{name}.png, docs/app-{name}-portrait.png, docs/app-{name}-example.png")
        hints_and_video(browser.new_page(viewport={"width": 1366, "height": 900}), url)
        browser.close()
    app.demo.close()


if __name__ == "__main__":
    main()
