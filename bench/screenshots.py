"""The app as a visitor first sees it: Debian's chromium at desktop (1366x768) and phone (390x844) size, after
an upload, a portrait upload and an example tap (the manga page), on the shipped weights; PNGs into docs/.

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
        browser.close()
    app.demo.close()


if __name__ == "__main__":
    main()
